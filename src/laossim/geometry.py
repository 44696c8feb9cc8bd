"""Where states stand: positions in a space of a few axes, and their shares over the poles.

Every state, pole or not, has a position, a point with ``D = K - 1`` coordinates
for K poles. A non-pole state's shares over the poles (its *alignment*, which
the engagement, forum and score functions read) are a softmax of its squared
distances to the poles' positions::

    a_ik = exp(-beta |x_i - x_pk|^2) / sum_l exp(-beta |x_i - x_pl|^2)

The squared norm of ``x_i`` is common to every pole, so the log-ratio of two
shares is affine in the position: shares and positions are two views of one
state, and for poles in general position (no three on a line, for three poles)
each open share vector has exactly one position (:func:`position_of`). Unlike
shares, a position can lie beyond a pole (a state that votes "beyond China"),
and noise added to a position is mean-preserving in it.

Scenarios that give shares only get the *default geometry*: the poles at the
vertices of a regular simplex with unit edges, centred on the origin
(:func:`default_poles`); a scenario that gives positions (format version 2)
sets its own axes, the first the UN voting ideal-point scale in the backtest.

No function here uses a matrix product: sums run elementwise in a fixed order,
so the numbers are the same on every machine (see :mod:`laossim.world`).
"""

from __future__ import annotations

import math

import numpy as np

SHARE_FLOOR = 1e-4
"""A share given as 0 is read as this much (renormalised) when a position is found from shares:
a position for a share of exactly 0 would lie infinitely far away."""


def default_poles(k: int) -> np.ndarray:
    """(K, K - 1): the vertices of a regular simplex with unit edges, centred on the origin, in the
    order of the poles (two poles: +0.5 and -0.5 on one axis)."""
    vertices = np.zeros((k, k - 1))
    for j in range(1, k):  # the Helmert basis of the plane sum(x) = 0, scaled to unit edges
        scale = 1.0 / math.sqrt(2.0 * j * (j + 1))
        vertices[:j, j - 1] = scale
        vertices[j, j - 1] = -j * scale
    return vertices


def squared_distances(position: np.ndarray, poles: np.ndarray) -> np.ndarray:
    """(..., N, K): |x_i - x_pk|^2 of positions (..., N, D) to pole positions (..., K, D)."""
    gap = position[..., :, None, :] - poles[..., None, :, :]
    out = gap[..., 0] * gap[..., 0]
    for d in range(1, gap.shape[-1]):
        out = out + gap[..., d] * gap[..., d]
    return out


def shares(position: np.ndarray, poles: np.ndarray, sharpness: float | np.floating | np.ndarray) -> np.ndarray:
    """(..., N, K): each state's shares over the poles, the softmax of ``-sharpness`` times its
    squared distances (``sharpness`` one value, or one per run shaped to broadcast (runs, 1, 1))."""
    logits = -sharpness * squared_distances(position, poles)
    logits = logits - logits.max(axis=-1, keepdims=True)
    weights = np.exp(logits)
    return weights / weights.sum(axis=-1, keepdims=True)


def position_of(share: np.ndarray, sharpness: float) -> np.ndarray:
    """(..., K - 1): the position in the default geometry (:func:`default_poles`) whose shares are
    ``share`` (..., K), shares below :data:`SHARE_FLOOR` read as the floor.

    In the default geometry every pole is as far from the centre and sum_k x_pk x_pk' = I / 2, so
    from log a_k = 2 beta x.x_pk + (the same for every k): x = sum_k log(a_k) x_pk / beta. Exact,
    and summed in a fixed order (no least-squares solve, whose BLAS kernel would move the last bits
    of every position from one machine to another).
    """
    a = np.maximum(share, SHARE_FLOOR)
    logs = np.log(a / a.sum(axis=-1, keepdims=True))
    poles = default_poles(share.shape[-1])
    out = logs[..., 0, None] * poles[0]
    for k in range(1, len(poles)):
        out = out + logs[..., k, None] * poles[k]
    return out / sharpness


def shift_toward(pull: np.ndarray, poles: np.ndarray, sharpness: float | np.floating | np.ndarray) -> np.ndarray:
    """(..., N, D): how far a state's position moves when the log-odds of its shares change by
    ``pull`` (..., N, K), each pole's change in utility: ``sum_k (pull_k - mean pull) (x_pk - c)
    D / (2 beta sum_k |x_pk - c|^2)`` with ``c`` the poles' centroid.

    For poles at a regular simplex (the default geometry) this is exact: the shares' log-ratios
    change by exactly ``pull``'s differences; for other poles it moves the state toward each pole
    in proportion to how much more that pole pulls, with the same total scale. Elementwise, in a
    fixed order: the same on every machine.
    """
    centre = poles.mean(axis=-2, keepdims=True)
    spoke = poles - centre  # (..., K, D)
    spread = squared_distances(spoke, np.zeros_like(spoke[..., :1, :]))[..., 0].sum(axis=-1)  # (...,), in order
    excess = pull - pull.mean(axis=-1, keepdims=True)  # (..., N, K)
    k = poles.shape[-2]
    out = excess[..., :, 0, None] * spoke[..., None, 0, :]
    for p in range(1, k):
        out = out + excess[..., :, p, None] * spoke[..., None, p, :]
    scale = np.divide(poles.shape[-1], 2.0 * sharpness * spread, out=np.zeros_like(spread), where=spread > 0)
    return out * np.asarray(scale)[..., None, None]  # poles all at one place: no direction to move in
