"""Landscape theory of aggregation (Axelrod & Bennett 1993): energy and frustration.

Actors i have sizes s_i > 0 and symmetric propensities p_ij; an assignment
gives each actor a coalition index; d_ij = 0 when i and j are together and 1
otherwise. Frustration F_i = sum_{j != i} s_j p_ij d_ij; energy
E = sum_i sum_{j != i} s_i s_j p_ij d_ij over ordered pairs (each separated
pair counts twice, as in the paper). Moving actor k changes E by exactly
2 s_k (F_k(after) - F_k(before)).
"""

from __future__ import annotations

import numpy as np


def _weights(sizes: np.ndarray, propensities: np.ndarray) -> np.ndarray:
    w = np.outer(sizes, sizes) * propensities
    np.fill_diagonal(w, 0.0)
    return w


def separated(assignment: np.ndarray) -> np.ndarray:
    """d (N, N): 1 where two actors are in different coalitions."""
    a = np.asarray(assignment)
    return (a[:, None] != a[None, :]).astype(float)


def frustration(sizes: np.ndarray, propensities: np.ndarray, assignment: np.ndarray) -> np.ndarray:
    """F_i for every actor, (N,)."""
    p = np.array(propensities, dtype=float)
    np.fill_diagonal(p, 0.0)
    return (p * separated(assignment)) @ np.asarray(sizes, dtype=float)


def energy(sizes: np.ndarray, propensities: np.ndarray, assignment: np.ndarray) -> float:
    """E(X) over ordered pairs."""
    return float((_weights(np.asarray(sizes, float), np.asarray(propensities, float)) * separated(assignment)).sum())


def normalised_frustration(sizes: np.ndarray, propensities: np.ndarray, assignment: np.ndarray) -> float:
    """(E - sum_{w<0} w) / sum |w| in [0, 1], with w_ij = s_i s_j p_ij (i != j): 0 at the best
    conceivable split, 1 at the worst; 0 when all propensities are zero.

    Computed with matrix-vector products (E = s'Ps - sum_g s_g'P s_g over the
    coalitions g), so no N x N temporary beyond min(p, 0).
    """
    s = np.asarray(sizes, float)
    p = np.asarray(propensities, dtype=float)
    self_terms = s * s * np.diagonal(p)  # p_ii is unused: remove it from every quadratic form
    groups = np.asarray(assignment)
    within = sum(
        float(sg @ p @ sg - (self_terms * (groups == g)).sum())
        for g, sg in ((g, np.where(groups == g, s, 0.0)) for g in np.unique(groups))
    )
    total = float(s @ p @ s - self_terms.sum())
    e = total - within
    negative = float(s @ np.minimum(p, 0.0) @ s - np.minimum(self_terms, 0.0).sum())
    scale = total - 2.0 * negative  # sum |w| = sum w - 2 sum_{w<0} w
    if scale <= 0:
        return 0.0
    return float(np.clip((e - negative) / scale, 0.0, 1.0))
