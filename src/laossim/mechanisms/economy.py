"""Mechanism 7: economy and modernisation.

Capability grows by the modernisation rate plus this step's capability gains
from training and defence projects, the latter capped by absorption. Trade
and aid drift toward trusted, like-aligned partners (each state's total is
kept); debt is repaid at a yearly rate (project finance adds to it in
mechanism 3).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from laossim.mechanisms.records import Record
from laossim.scenario.parameters import Parameters
from laossim.world import World, per_step


def drift(shares: np.ndarray, affinity_of: Callable[[np.ndarray, np.ndarray], np.ndarray], rate: float) -> np.ndarray:
    """Move each row's shares a fraction ``rate`` toward attraction-weighted shares, keeping row totals.

    Only existing partners are touched (zero shares stay zero), so the work is
    proportional to the number of trading pairs, not N^2. ``affinity_of(i, j)``
    gives the attraction of the pairs (i, j).
    """
    i, j = np.nonzero(shares)
    if len(i) == 0:
        return shares
    s = shares[i, j]
    w = s * affinity_of(i, j)
    n = shares.shape[0]
    totals = np.bincount(i, weights=s, minlength=n)[i]
    wsum = np.bincount(i, weights=w, minlength=n)[i]
    goal = np.divide(w * totals, wsum, out=s.copy(), where=wsum > 0)
    out = shares.copy()
    out[i, j] = s + rate * (goal - s)
    return out


def attraction(world: World) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
    """exp(trust - alignment distance) of pairs: trade and aid follow trusted, like-aligned partners."""

    def of(i: np.ndarray, j: np.ndarray) -> np.ndarray:
        distance = 0.5 * np.abs(world.alignment[i] - world.alignment[j]).sum(axis=1)
        return np.exp(world.trust[i, j] - distance)

    return of


def step(world: World, params: Parameters, rng: np.random.Generator, t: int) -> tuple[World, list[Record]]:
    """Grow capability, drift trade and aid, repay debt."""
    e = params.economy
    spy = world.steps_per_year
    growth = np.power(1.0 + world.modernization, 1.0 / spy) - 1.0
    absorbed = np.minimum(world.capability_gain, world.absorption / spy)
    rate = growth + absorbed
    capability = np.maximum(world.capability * (1.0 + rate), 1e-12)
    pull = attraction(world)
    return world.evolve(
        capability=capability,
        growth=rate * spy,
        trade=drift(world.trade, pull, per_step(e.trade_drift, spy)),
        aid=drift(world.aid, pull, per_step(e.aid_drift, spy)),
        debt=world.debt * float(1.0 - per_step(e.debt_repayment, spy)),
    ), []
