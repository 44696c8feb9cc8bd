"""Mechanism 6: crises, drawn per dyad with hazard sigmoid(phi0 + phi1 tau - phi2 R - phi3 I - d tau D) per
year in the politically relevant pairs (:func:`laossim.geography.relevant`) and 0 in the others; tau is
the pair's perceived tension, the larger of the two sides' beliefs (:func:`laossim.mechanisms.beliefs.perceived`).

The last term is deterrence by denial between states that share a border (:func:`deterrence_term`,
docs/model.md 7b2): D the weaker side's denial capacity from the military stocks, d ``arms.deterrence``.

A crisis of severity s raises the dyad's tension (gain ``tension_gain * s``),
cuts its trust (decay ``trust_loss * s``), and, when a pole is involved, adds s
to the polarisation pressure P that raises everyone's responsiveness.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

import numpy as np

from laossim.batch import Coefficient, along, at_runs, before, counts, each, located, totals
from laossim.mechanisms.beliefs import perceived
from laossim.mechanisms.contract import contract
from laossim.mechanisms.felt import felt
from laossim.mechanisms.records import NONE, Records, names
from laossim.scenario.parameters import Parameters
from laossim.world import DYAD, World, bounded, cells, per_step

APPLY = contract(
    reads="tension trust pressure crisis_load crisis_count",
    writes="tension trust pressure crisis_load crisis_count",
)
"""What the effects of crises (:func:`apply`) touch, for this mechanism and scheduled crises."""

CONTRACT = APPLY | contract(
    reads="beliefs interoperability relevant border military_stock distance reach", writes="", draws=True
)


def denial(world: World, decay: Coefficient, at: tuple = (...,)) -> np.ndarray:
    """D of the dyads ``at`` (as :func:`hazard` takes them): the weaker side's capacity to deny the
    other a quick victory, ``D = 2 min(b_ij, b_ji)`` with ``b_ij = K_i / (K_i + g_ij K_j)``, K the
    military stocks and g_ij the share of j's stock felt at i (:func:`laossim.mechanisms.felt.felt`):
    1 at parity, toward 0 as one side dwarfs the other, 0 where neither has a stock. ``decay``: the
    loss-of-strength gradient (``geography.decay``, one value or one per run). Single precision,
    as the distances and the hazard's other terms."""
    stock = world.military_stock.astype(DYAD)
    g = felt(world.distance, world.reach, decay)
    if len(at) == 1 and at[0] is Ellipsis:
        own, other = stock[..., :, None], stock[..., None, :]
    else:
        *run, i, j = at
        own, other = stock[(*run, i)], stock[(*run, j)]
    felt_j, felt_i = g[at], g.swapaxes(-1, -2)[at]  # j's stock as felt at i, and i's at j
    b_ij, b_ji = _share(own, felt_j * other), _share(other, felt_i * own)
    return 2 * np.minimum(b_ij, b_ji)


def _share(mine: np.ndarray, theirs: np.ndarray) -> np.ndarray:
    total = mine + theirs
    return mine / np.where(total > 0, total, total.dtype.type(np.inf))  # 0 where neither has a stock


def hazard(world: World, params: Parameters, at: tuple = (...,), runs: np.ndarray | None = None) -> np.ndarray | float:
    """Crisis probability per step of the dyads ``at``, an index into the dyadic arrays: ``(i, j)``,
    or ``(runs, i, j)`` in a stack (default all, (N, N), or (runs, N, N)); ``runs``: each picked
    dyad's run, when ``at`` picks dyads of several runs. 0 for a pair that is not politically
    relevant (and for a state with itself); a relevant pair that shares no border has its
    log-odds lowered by ``crises.distant``. The tension read is the pair's perceived tension (5a)."""
    c = params.crises
    tension, trust, interop = perceived(world.beliefs, at), world.trust[at], world.interoperability[at]

    def k(value: Coefficient) -> Coefficient:  # a coefficient for the dyads picked
        return along(value, tension) if runs is None else at_runs(value, runs, tension)

    logit = k(c.intercept) + k(c.tension) * tension - k(c.trust) * trust - k(c.interoperability) * interop
    logit = np.where(world.border[at], logit, logit - k(c.distant))  # disputes are mostly between neighbours
    logit = logit - deterrence_term(world, params, at, k, tension)
    return np.where(world.relevant[at], per_step(1.0 / (1.0 + np.exp(-logit)), world.steps_per_year), 0.0)


def deterrence_term(
    world: World,
    params: Parameters,
    at: tuple,
    k: Callable[[Coefficient], Coefficient],
    tension: np.ndarray | None = None,
) -> np.ndarray | float:
    """What deterrence by denial takes off the log-odds of the dyads ``at``: ``d tau D`` on a shared
    border (``arms.deterrence`` d, tau the pair's perceived tension as the hazard reads it, :func:`denial`
    D), 0 elsewhere, in the precision of the tension (each entry its own: a dyad gets the same term
    whatever else is picked beside it).
    A separate term of the logit: deterrence matters where there is a threat to deter, so with a
    hostile neighbour a state's growing stock lowers the risk, while with benign ones the security
    dilemma's tension dominates."""
    shared = world.border[at]
    if not shared.any():
        return 0.0
    tension = perceived(world.beliefs, at) if tension is None else tension
    term = k(params.arms.deterrence) * tension * denial(world, params.geography.decay, at)
    return np.where(shared, term, tension.dtype.type(0))


@lru_cache(maxsize=8)
def _upper(n: int) -> tuple[np.ndarray, np.ndarray]:
    return np.triu_indices(n, k=1)


def apply(
    world: World,
    params: Parameters,
    i: np.ndarray,
    j: np.ndarray,
    severity: np.ndarray,
    why: str = "",
    *,
    runs: np.ndarray,
) -> tuple[World, Records]:
    """Effects of crises between pairs (i, j) with the given severities; ``why`` is an
    explanatory sentence for scheduled crises (drawn ones are described lazily); ``runs``: each
    crisis's run (all 0 for one world; :mod:`laossim.batch`), which its record carries.
    """
    if len(i) == 0:
        return world, NONE
    c = params.crises
    n = world.n
    touched, slot = cells(np.concatenate([(runs * n + i) * n + j, (runs * n + j) * n + i]), world.tension.size)
    sev = np.zeros(len(touched))
    np.maximum.at(sev, slot, np.tile(severity, 2))  # two crises of one pair in a step: the worse counts
    tension, trust = world.tension.copy(), world.trust.copy()
    run = touched // (n * n)
    tension.flat[touched] = bounded(tension.flat[touched], at_runs(c.tension_gain, run, sev) * sev, 0.0)
    trust.flat[touched] = bounded(trust.flat[touched], 0.0, at_runs(c.trust_loss, run, sev) * sev)
    pole = world.is_pole
    polar = pole[i] | pole[j]
    ids = names(world.ids)
    return world.evolve(
        tension=tension,
        trust=trust,
        pressure=world.pressure + totals(world, severity[polar], runs[polar]),
        crisis_load=world.crisis_load + totals(world, severity, runs),
        crisis_count=world.crisis_count + counts(world, runs),
    ), Records.columns("crisis", ids[i], ids[j], severity, why, runs)


def step(world: World, params: Parameters, rng: np.random.Generator, t: int) -> tuple[World, Records]:
    """Draw this step's crises: one uniform and one severity per unordered dyad, every step.

    A dyad's crisis probability never exceeds that of the largest perceived tension with
    no trust, so the exact hazard is computed only for the few dyads whose
    uniform falls below that bound (the same draws, far less work). A pair that is not
    politically relevant draws its uniform too and never has a crisis, so no other pair's
    draws move with the geography.
    """
    c = params.crises
    iu, ju = _upper(world.n)
    draw = rng.random((2, len(iu)), dtype=np.float32)  # one draw per dyad: single precision halves the work
    uniform, severe = draw[..., 0, :], draw[..., 1, :]
    # the bound of a stack is its runs' largest: more candidates, the same hits
    most, spy = world.beliefs.max(), world.steps_per_year
    bound = each(lambda a, b: per_step(1.0 / (1.0 + np.exp(-(a + b * most))), spy), c.intercept, c.tension)
    if isinstance(bound, np.ndarray):
        bound = bound.max()
    runs, (candidates,) = located(world, np.nonzero(uniform < bound))
    ci, cj, at = iu[candidates], ju[candidates], before(world, runs)
    hit = uniform[(*at, candidates)] < hazard(world, params, (*at, ci, cj), runs)
    whose = runs[hit]
    low, high = (at_runs(v, whose, np.float64(0)) for v in (c.severity_min, c.severity_max))
    severity = low + (high - low) * severe[(*at, candidates)][hit].astype(float)
    return apply(world, params, ci[hit], cj[hit], severity, runs=whose)
