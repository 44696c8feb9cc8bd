"""Where states are on the Earth: the distance between capitals, how far each state reaches, and
which pairs are politically relevant (docs/model.md, "Geography").

Three small pure functions, used everywhere the model needs them (one way to do each thing):

- :func:`great_circle_km`: the haversine distance between every pair of capitals (km);
- :func:`relevant`: the politically relevant pairs of Lemke & Reed (2001), the only pairs in which
  crises are drawn: contiguous (a shared border), or one side can reach the other (their
  distance is within its reach), or one side is allied with a state contiguous with the other;
- :func:`reach_discount`: Boulding's (1962) loss-of-strength gradient, the share of a state's
  capability that counts at a distance, ``exp(-max(d - reach, 0) / decay)``: whole within its
  reach, falling by a factor e every ``decay`` km beyond it.

Distances and reach never change during a run; the world holds them (and the relevant pairs,
worked out again only when a scheduled event changes a border or an alliance). Arrays are indexed
from the right, so a stack of worlds (:mod:`laossim.batch`) is served by the same code. No matrix
product: the numbers are the same on every machine (see :mod:`laossim.world`).
"""

from __future__ import annotations

import numpy as np

from laossim.scenario.parameters import EVERYWHERE_KM

EARTH_RADIUS_KM = 6371.0088
"""The Earth's mean radius (IUGG, Moritz 2000): the sphere of the great-circle distances."""


def great_circle_km(capitals: np.ndarray) -> np.ndarray:
    """(N, N): the great-circle distance in km between every pair of capitals given as
    (latitude, longitude) rows in degrees, by the haversine formula::

        h = sin^2((phi_j - phi_i) / 2) + cos phi_i cos phi_j sin^2((lambda_j - lambda_i) / 2)
        d = 2 R asin(sqrt(h))

    Symmetric, with zeros on the diagonal."""
    phi, lam = np.radians(capitals[..., 0]), np.radians(capitals[..., 1])
    dphi = phi[..., None, :] - phi[..., :, None]
    dlam = lam[..., None, :] - lam[..., :, None]
    h = np.sin(dphi / 2.0) ** 2 + np.cos(phi)[..., :, None] * np.cos(phi)[..., None, :] * np.sin(dlam / 2.0) ** 2
    d = 2.0 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))
    return np.minimum(d, d.swapaxes(-1, -2))  # symmetric to the bit whatever the rounding


def reach_discount(distance: np.ndarray, reach: np.ndarray, decay: float | np.floating | np.ndarray) -> np.ndarray:
    """The share of a state's capability that counts at ``distance`` from its capital, with ``reach``
    (km) its own: ``exp(-max(distance - reach, 0) / decay)``, 1 within its reach.

    The caller shapes ``reach`` to broadcast over ``distance`` (for the (N, N) array of j's capability
    felt at i, j's reach on the last axis: ``reach[..., None, :]``) and ``decay`` too (one per run of a
    stack: :func:`laossim.batch.along`)."""
    beyond = np.maximum(distance - reach, 0.0)
    return np.exp(-beyond / decay)


__all__ = ["EARTH_RADIUS_KM", "EVERYWHERE_KM", "great_circle_km", "reach_discount", "relevant"]


def relevant(border: np.ndarray, alliance: np.ndarray, distance: np.ndarray, reach: np.ndarray) -> np.ndarray:
    """(N, N) bool: the politically relevant pairs (Lemke & Reed 2001), symmetric, none on the diagonal.

    A pair is relevant when its states share a border, or the distance between them is within the
    reach of either, or either is allied with a state that borders the other."""
    within = distance <= reach[..., None, :]  # j reaches i
    within |= within.swapaxes(-1, -2)
    via = np.zeros_like(border)  # via[i, j]: i is allied with a neighbour of j
    *run, ally, partner = np.nonzero(alliance)  # few entries: no (N, N, N) product
    np.logical_or.at(via, (*run, ally), border[(*run, partner)])
    out = border | within | via | via.swapaxes(-1, -2)
    n = out.shape[-1]
    out[..., np.arange(n), np.arange(n)] = False
    return out
