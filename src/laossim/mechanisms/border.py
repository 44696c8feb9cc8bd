"""Mechanism 7c: security agencies and the border: transnational incidents, fewer where the
neighbours cooperate.

Each pair with a shared border has a stock of border cooperation B in [0, 1] (joint patrols,
liaison offices, agreements; ``border_cooperation`` in the scenario's relations, set or moved by
change events, built by border-patrol engagements). Each step the pair has a Poisson number of
transnational incidents (drug and people trafficking, armed smuggling, scam compounds) with mean
a year::

    lambda = lambda0 exp(-kappa B)

(``border.incident_rate``, ``border.cooperation_effect``), so a step's mean is lambda / s. Each
count is the Poisson quantile of a uniform draw, one per ordered pair of states each step (fixed
shape): with common random numbers, a pair with more cooperation has never more incidents in a
step than it would have with less. Then the stock lapses at ``border.cooperation_decay`` a year;
the rest (mechanism 8) holds it where the scenario put it, as it holds trust. Every incident is
counted on both states' borders, and each state's tally is a one-year weighted mean of its
incidents a year (``incidents``). No data for incidents or patrols are at hand: every rate here is
a judgement. The incidents feed no score or other mechanism yet.
"""

from __future__ import annotations

import numpy as np

from laossim.batch import Coefficient, at_runs, each, located
from laossim.mechanisms.contract import contract
from laossim.mechanisms.records import NONE, Records, names
from laossim.scenario.parameters import Parameters
from laossim.world import World, bounded, derived, per_step

CONTRACT = contract(reads="border border_cooperation incidents", writes="border_cooperation incidents", draws=True)

KIND = "border_incident"
"""The records' kind: one record per border pair and step with at least one incident."""


def rate(cooperation: np.ndarray, incident_rate: Coefficient, effect: Coefficient) -> np.ndarray:
    """Expected incidents a year on a shared border with border cooperation ``cooperation``:
    lambda0 exp(-kappa B)."""
    return incident_rate * np.exp(-effect * cooperation)


def pair_rates(world: World, params: Parameters) -> np.ndarray:
    """(N, N), or (runs, N, N): each pair's expected incidents a year (0 without a shared border);
    one world's coefficients only (for tests and the docs)."""
    b = params.border
    cooperation = np.asarray(world.border_cooperation, dtype=np.float64)
    return np.where(world.border, rate(cooperation, b.incident_rate, b.cooperation_effect), 0.0)


def poisson_quantile(u: np.ndarray, mean: np.ndarray) -> np.ndarray:
    """The smallest k with P(X <= k) >= u for X Poisson with ``mean``, entry by entry (the inverse
    of the distribution function: monotone in ``mean`` for a fixed ``u``). Each entry's sums are
    its own, so an entry gets the same count whatever else is drawn beside it."""
    p = np.exp(-mean)
    below = p.copy()
    count = np.zeros(np.shape(mean), dtype=np.int64)
    short = u > below
    k = 0
    while short.any():
        k += 1
        p = p * mean / k
        below = below + p
        count += short
        short &= (u > below) & (p > 0)  # p underflows far in the tail: stop there
    return count


@derived
def border_pairs(border: np.ndarray) -> tuple[np.ndarray, ...]:
    """``np.nonzero`` of the pairs with a shared border, each once (i < j), by run in a stack."""
    n = border.shape[-1]
    return np.nonzero(border & np.triu(np.ones((n, n), dtype=bool), 1))


def step(world: World, params: Parameters, rng: np.random.Generator, t: int) -> tuple[World, Records]:
    """Draw this step's incidents on every shared border, add them to each state's tally, and let
    border cooperation lapse by a step of its yearly rate."""
    b = params.border
    n, spy = world.n, world.steps_per_year
    draw = rng.random((n, n))  # one per ordered pair, every step: common random numbers
    found = border_pairs(world.border)
    runs, (i, j) = located(world, found)
    cooperation = world.border_cooperation[found].astype(np.float64)
    mean = rate(
        cooperation, at_runs(b.incident_rate, runs, cooperation), at_runs(b.cooperation_effect, runs, cooperation)
    )
    count = poisson_quantile(draw[found], mean / spy)
    size = np.size(world.incidents)
    per_state = np.bincount(runs * n + i, weights=count, minlength=size) + np.bincount(
        runs * n + j, weights=count, minlength=size
    )
    weight = (1.0 - float(np.exp(-1.0 / spy))) * spy  # a one-year weighted mean of a yearly count
    incidents = world.incidents + weight * per_state.reshape(np.shape(world.incidents))
    lapse = each(lambda r: per_step(r, spy), b.cooperation_decay)
    if isinstance(lapse, np.ndarray) and lapse.ndim:
        kept = bounded(world.border_cooperation, 0.0, lapse.reshape(-1, 1, 1), per_run=True)
    else:
        kept = bounded(world.border_cooperation, 0.0, lapse)
    happened = count > 0
    ids = names(world.ids)
    records = (
        Records.columns(KIND, ids[i[happened]], ids[j[happened]], count[happened], run=runs[happened])
        if happened.any()
        else NONE
    )
    return world.evolve(border_cooperation=kept, incidents=incidents), records


__all__ = ["CONTRACT", "KIND", "pair_rates", "poisson_quantile", "rate", "step"]
