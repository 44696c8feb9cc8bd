"""Mechanism 7: economy and modernisation.

Capability grows by the modernisation rate plus this step's capability gains
from training and defence projects, the latter capped by absorption (the scenario's, plus what
training built: mechanism 9b, :mod:`laossim.mechanisms.arms`); as
capability is a share of the world's, the states' total never passes 1 (a
world whose states grew past it is scaled back to 1), so no horizon makes it
overflow. Trade
and aid drift toward trusted, like-aligned partners (each state's total is
kept); debt is repaid at a yearly rate (project finance adds to it in
mechanism 3).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from laossim.batch import Coefficient, along, each
from laossim.mechanisms.contract import contract
from laossim.mechanisms.records import NONE, Records
from laossim.scenario.parameters import Parameters
from laossim.world import World, per_step

CONTRACT = contract(
    reads="modernization capability_gain absorption learned_absorption capability alignment trust trade aid debt",
    writes="capability growth trade aid debt",
)


def drift(
    shares: np.ndarray, affinity_of: Callable[[np.ndarray, np.ndarray], np.ndarray], rate: Coefficient
) -> np.ndarray:
    """Move each row's shares a fraction ``rate`` (one per run of a stack, or one for all) toward
    attraction-weighted shares, keeping row totals.

    Only existing partners are touched (zero shares stay zero), so the work is
    proportional to the number of trading pairs, not N^2. Rows are counted over
    a stack's runs (run b's state i is row b N + i); ``affinity_of(rows, j)``
    gives the attraction of the pairs (row, j).
    """
    flat = shares.reshape(-1, shares.shape[-1])
    i, j = np.nonzero(flat)
    if len(i) == 0:
        return shares
    s = flat[i, j]
    w = s * affinity_of(i, j)
    rows = flat.shape[0]
    totals = np.bincount(i, weights=s, minlength=rows)[i]
    wsum = np.bincount(i, weights=w, minlength=rows)[i]
    goal = np.divide(w * totals, wsum, out=s.copy(), where=wsum > 0)
    out = flat.copy()
    if isinstance(rate, np.ndarray) and rate.ndim:
        rate = rate[i // shares.shape[-2]]  # each row's run
    out[i, j] = s + rate * (goal - s)
    return out.reshape(shares.shape)


def attraction(world: World) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
    """exp(trust - alignment distance) of pairs: trade and aid follow trusted, like-aligned partners."""
    alignment = world.alignment.reshape(-1, world.k)
    trust = world.trust.reshape(-1, world.n)

    def of(i: np.ndarray, j: np.ndarray) -> np.ndarray:
        partner = i - i % world.n + j  # j's row in i's run
        distance = 0.5 * np.abs(alignment[i] - alignment[partner]).sum(axis=1)
        return np.exp(trust[i, j] - distance)

    return of


def step(world: World, params: Parameters, rng: np.random.Generator, t: int) -> tuple[World, Records]:
    """Grow capability, drift trade and aid, repay debt."""
    e = params.economy
    spy = world.steps_per_year
    growth = np.power(1.0 + world.modernization, 1.0 / spy) - 1.0
    absorption = np.minimum(world.absorption + world.learned_absorption, 1.0)  # with what training built (9b)
    absorbed = np.minimum(world.capability_gain, absorption / spy)
    rate = growth + absorbed
    capability = np.maximum(world.capability * (1.0 + rate), 1e-12)
    total = capability.sum(axis=-1, keepdims=True)
    capability = np.where(total > 1.0, capability / np.maximum(total, 1.0), capability)
    pull = attraction(world)
    return world.evolve(
        capability=capability,
        growth=rate * spy,
        trade=drift(world.trade, pull, each(lambda rate: per_step(rate, spy), e.trade_drift)),
        aid=drift(world.aid, pull, each(lambda rate: per_step(rate, spy), e.aid_drift)),
        debt=world.debt * along(each(lambda rate: float(1.0 - per_step(rate, spy)), e.debt_repayment), world.debt),
    ), NONE
