"""The scores of docs/model.md (3.4) as pure functions of the world, each in [0, 1], higher better,
with the checkable figures they are made of beside them as components.

stability = 1 - weighted mean of (crisis intensity, mean tension, polarisation, frustration, and
volatility at weight 0 by default); cooperation = weighted mean of (mean trust, engagement volume,
forum participation, interoperability); focal_security = (1 - the probability of a militarised
crisis involving the focal state within ``scores.security_horizon`` years) times
exp(-incidents a year on its borders / ``scores.incident_scale``); focal_autonomy = the mean of
the hedging index's parts: the alignment's entropy, its distance from the nearest pole, the
diversity of its finance and trade dependence over the poles, the diversity of its defence
partners and of its arms suppliers, and the option value of its ties with the poles.
"""

from __future__ import annotations

import math

import numpy as np

from laossim import geography, landscape, vocab
from laossim.batch import Coefficient, along, each, is_stack, power
from laossim.mechanisms import crises
from laossim.scenario.parameters import Parameters
from laossim.world import World, derived

SCORES, COMPONENTS, COLUMNS = vocab.SCORES, vocab.COMPONENTS, vocab.COLUMNS
"""The catalogue's names (:mod:`laossim.vocab`), for the score functions' callers."""


def dyad_means(arrays: tuple[np.ndarray, ...], capability: np.ndarray, exponent: Coefficient) -> list[np.ndarray]:
    """Means of dyadic quantities over distinct pairs, weighted by (c_i c_j)^exponent (one per
    run of a stack of worlds).

    Diagonals of the dyadic arrays are zero, so sum_ij w_i w_j x_ij = w'xw
    (:func:`laossim.landscape.quadratic_form`, the same on every machine). The arrays share one
    precision (they are stacked: a double among singles would change the singles' products).
    """
    w = power(capability, exponent)
    sums = w.sum(axis=-1)
    total = sums * sums - (w * w).sum(axis=-1)  # never ** 2: a numpy scalar's rounds otherwise than an array's
    total = np.where(total > 0, total, np.inf)  # no pairs: a mean of 0
    forms = landscape.quadratic_form(np.stack(arrays, axis=-3), w[..., None, :])  # one each, as alone
    return [forms[..., q] / total for q in range(len(arrays))]


def weighted_mean(values: list[np.ndarray], weights: list[Coefficient]) -> Coefficient:
    """sum(v w) / sum(w) of a few numbers, or of a few arrays elementwise (numpy's average
    costs more than the arithmetic), added left to right: never Python's ``sum``, which since
    Python 3.12 compensates the rounding of floats but not of arrays, so a run alone and in a
    stack of worlds, or under two Pythons, would differ in the last bit."""
    total, weight = values[0] * weights[0], weights[0]
    for v, w in zip(values[1:], weights[1:], strict=True):
        total = total + v * w
        weight = weight + w
    return total / weight


def coalitions(alignment: np.ndarray) -> np.ndarray:
    """Each state's dominant pole (the coalition its shares alone would put it in)."""
    return np.argmax(alignment, axis=-1)


def polarisation(alignment: np.ndarray, groups: np.ndarray, alpha: Coefficient) -> np.ndarray:
    """Esteban-Ray polarisation of the coalitions, normalised by its bipolar maximum.

    Groups are the coalitions (each state's camp, mechanism 2a) with population shares pi_g
    (each state counts once) at their mean alignment; distance is total
    variation. ER = sum_g sum_h pi_g^(1+alpha) pi_h d_gh, divided by
    2^-(1+alpha), the value of two equal groups at distance 1. Every pole is a
    group; an empty one has pi = 0 and adds nothing.
    """
    n, k = alignment.shape[-2:]
    lead = groups.shape[:-1]
    count = math.prod(lead)
    flat = groups.ravel() if not lead else np.arange(count).repeat(n) * k + groups.ravel()  # a run's own K groups
    counts = np.bincount(flat, minlength=count * k).reshape(*lead, k)
    cell = (flat[:, None] * k + np.arange(k)).ravel()  # (group, pole): each state's shares added in order
    sums = np.bincount(cell, weights=alignment.reshape(-1), minlength=count * k * k).reshape(*lead, k, k)
    pi = counts / n
    centres = _share(sums, counts[..., None])
    d = 0.5 * np.abs(centres[..., :, None, :] - centres[..., None, :, :]).sum(axis=-1)
    weight = power(pi[..., :, None], each(lambda a: 1 + a, alpha))
    er = (weight * pi[..., None, :] * d).reshape(*lead, k * k).sum(axis=-1)
    return np.minimum(1.0, er / each(lambda a: 2.0 ** -(1 + a), alpha))


def volatility(world: World, scale_per_year: Coefficient) -> np.ndarray:
    """How fast the non-pole alignments move: their mean total-variation change a step over the last
    year (the fading ``churn``, up to the last step), per year, over ``scale``."""
    spy = world.steps_per_year
    per_year = np.asarray(world.churn) * ((1.0 - float(np.exp(-1.0 / spy))) * spy)
    return np.minimum(1.0, per_year / scale_per_year)


def propensities(world: World, params: Parameters) -> np.ndarray:
    """In-run landscape propensities p_ij = w_H H_ij + w_R (R_ij - tau_ij)."""
    lp = params.landscape
    return landscape.propensities(
        world.affinity, world.trust, world.tension, along(lp.affinity, world.affinity), along(lp.trust, world.trust)
    )


def frustration(world: World, params: Parameters) -> np.ndarray | np.float64:
    """Normalised landscape frustration of the current coalitions (the camps, mechanism 2a: they
    change only by a clear gain, so a state near indifference does not flip the score on the
    noise), sizes = capability shares (each run of a stack on its own)."""
    sizes = world.capability / world.capability.sum(axis=-1, keepdims=True)
    p, groups = propensities(world, params), world.camp
    return np.float64(landscape.normalised_frustration(sizes, p, groups))


def threat_toward(world: World, params: Parameters, i: int) -> np.ndarray:
    """Threat of every state toward i: tau_ij g_ij c_j / (c_i + g_ij c_j), (N,); 0 for i itself. ``g_ij``
    is the share of j's capability felt at i, 1 within j's reach, falling with the distance beyond
    (:func:`laossim.geography.reach_discount`)."""
    c = world.capability
    distance = world.distance[..., i, :]
    felt = c * geography.reach_discount(distance, world.reach, along(params.geography.decay, distance))
    threat = world.tension[..., i, :] * felt / (c[..., i, None] + felt)
    threat[..., i] = 0.0
    return threat


def crisis_probability(world: World, params: Parameters) -> np.ndarray:
    """The probability of at least one militarised crisis involving the focal state within
    ``scores.security_horizon`` years, were every pair's hazard to stay as it is now:
    1 - prod_j (1 - h_fj)^(H s), h the crises' own per-step hazard (:func:`laossim.mechanisms.crises.hazard`,
    so the score and the draws never differ), H the horizon in years and s the steps in a year."""
    n, f = world.n, world.focal
    partners = np.arange(n)
    if is_stack(world):  # the focal state's row of every run, as (run, i, j) picks
        count = world.capability.shape[0]
        run = np.repeat(np.arange(count), n)
        picked = crises.hazard(world, params, (run, np.full(count * n, f), np.tile(partners, count)), run)
        h = np.asarray(picked, dtype=np.float64).reshape(count, n)
    else:  # the row as a view: the same entries, each computed on its own, without gathering them
        h = np.asarray(crises.hazard(world, params, (f, slice(None))), dtype=np.float64)
    steps = each(lambda years: years * world.steps_per_year, params.scores.security_horizon)
    survive = np.log1p(-np.minimum(h, 1.0 - 1e-12)).sum(axis=-1)
    return -np.expm1(steps * survive)


def pole_distance(alignment: np.ndarray) -> np.ndarray:
    """How far an alignment is from the nearest pole, K / (K - 1) min_k (1 - a_k): 0 at a pole, 1 at the
    even hedge (one per alignment on the last axis)."""
    k = alignment.shape[-1]
    return (1.0 - alignment.max(axis=-1)) * (k / (k - 1))


def diversity(tally: np.ndarray) -> np.ndarray:
    """1 - the Herfindahl index of a state's row of a tally over its partners (its engagements, or its arms
    imports by supplier): 0 with one partner, or none; toward 1 with many in even shares."""
    tally = np.asarray(tally, dtype=np.float64)
    total = tally.sum(axis=-1)
    shares = _share(tally, total[..., None])
    return np.where(total > 0, 1.0 - (shares * shares).sum(axis=-1), 0.0)


def option_value(world: World) -> np.ndarray:
    """The focal state's ties with the poles it could activate: the mean over the poles of trust times
    (1 - tension) (1 when it trusts every pole fully and fears none)."""
    f, poles = world.focal, world.poles
    trust = world.trust[..., f, poles].astype(np.float64)
    calm = 1.0 - world.tension[..., f, poles].astype(np.float64)
    return (trust * calm).mean(axis=-1)


def framework_alignment(world: World) -> np.ndarray:
    """How far the focal state's defence activity matches its regional frameworks' priorities: the
    cosine similarity of its engagements of the last year by kind with the priorities of the forums it
    belongs to (each forum's a 0-1 vector over the kinds, summed); 0 with no engagements or no
    priorities, 1 when it engages only in the kinds the frameworks prioritise, in their proportions."""
    wanted, wanted_norm = _priorities(world.forum_members, world.forum_priority, world.focal)
    done = np.asarray(world.kind_tally[..., world.focal, :], dtype=float)
    norms = wanted_norm * np.sqrt((done * done).sum(axis=-1))
    return _share((wanted * done).sum(axis=-1), norms)


@derived
def _priorities(members: np.ndarray, priority: np.ndarray, focal: int) -> tuple[np.ndarray, np.ndarray]:
    """The summed priorities over the kinds of the forums the focal state belongs to, (..., kinds),
    and their length (a run's forums never change: worked out once)."""
    member = members[..., :, focal].astype(float)  # (..., F)
    wanted = (member[..., :, None] * priority).sum(axis=-2)  # (..., kinds)
    return wanted, np.sqrt((wanted * wanted).sum(axis=-1))


def entropy_share(p: np.ndarray) -> np.ndarray:
    """Shannon entropy of a distribution over its maximum log K: 1 = perfectly balanced (one per
    distribution on the last axis; only the outcomes with p > 0 count toward K)."""
    positive = p > 0
    k = positive.sum(axis=-1)
    terms = np.where(positive, p * np.log(np.where(positive, p, 1.0)), 0.0)
    logk = np.log(np.maximum(k, 2))
    return np.where(k > 1, -terms.sum(axis=-1) / logk, 0.0)


def dependence_concentration(world: World) -> np.ndarray:
    """Herfindahl index of the focal state's positive leverage shares over the poles."""
    lev = np.maximum(world.leverage[..., world.focal, :], 0.0)
    total = lev.sum(axis=-1)
    shares = _share(lev, total[..., None])
    return np.where(total > 0, (shares**2).sum(axis=-1), 1.0 / world.k)


def _share(part: np.ndarray | float, whole: np.ndarray | float) -> np.ndarray:
    """part / whole, 0 where whole is 0."""
    return part / np.where(np.asarray(whole) > 0, whole, np.inf)


HEDGING: tuple[str, ...] = (
    "alignment_entropy",
    "pole_distance",
    "partner_diversity",
    "supplier_diversity",
    "option_value",
    "finance",
)
"""The hedging index's parts, averaged with equal weights into focal autonomy (the last, the diversity
of finance and trade dependence, is 1 - ``dependence_concentration`` scaled to [0, 1])."""

Scores = dict[str, float] | dict[str, np.ndarray]
"""Every score and component: floats for one world, one array over the runs for a stack."""


def scores(world: World, params: Parameters) -> Scores:
    """Every score and component of the current world, keyed as in :data:`COLUMNS`: floats, or
    one array over the runs of a stack of worlds (:mod:`laossim.batch`)."""
    s = params.scores
    ties = np.maximum(world.liaison, world.border_cooperation)  # the pair's institutionalised ties
    tension, trust, interoperability, institutional = dyad_means(
        (world.tension, world.trust, world.interoperability, ties), world.capability, s.capability_exponent
    )
    f = world.focal
    diverse = diversity(np.stack([world.engagement_tally[..., f, :], world.supplier_ties[..., f, :]], axis=-2))
    comp = {
        "crisis_intensity": 1.0 - np.exp(-np.asarray(world.crisis_load) / s.crisis_scale),
        "mean_tension": tension,
        "polarisation": polarisation(world.alignment, world.camp, s.polarisation_alpha),
        "volatility": volatility(world, s.volatility_scale),
        "frustration": frustration(world, params),
        "mean_trust": trust,
        "engagement_volume": np.minimum(1.0, _share(world.engaged_units, world.budget_units)),
        "forum_participation": _share(world.forum_attended, world.forum_expected),
        "interoperability": interoperability,
        "institutional_ties": institutional,
        "dependence_concentration": dependence_concentration(world),
        "crisis_probability": crisis_probability(world, params),
        "focal_incidents": np.asarray(world.incidents[..., world.focal], dtype=float),
        "largest_threat": threat_toward(world, params, world.focal).max(axis=-1),
        "alignment_entropy": entropy_share(world.alignment[..., world.focal, :]),
        "pole_distance": pole_distance(world.alignment[..., world.focal, :]),
        "partner_diversity": diverse[..., 0],
        "supplier_diversity": diverse[..., 1],
        "option_value": option_value(world),
        "framework_alignment": framework_alignment(world),
        "crisis_count": np.asarray(world.crisis_count, dtype=float),
        "polarisation_pressure": np.asarray(world.pressure, dtype=float),
    }
    unstable = weighted_mean(
        [comp[k] for k in ("crisis_intensity", "mean_tension", "polarisation", "volatility", "frustration")],
        [s.w_crisis, s.w_tension, s.w_polarisation, s.w_volatility, s.w_frustration],
    )
    cooperation = weighted_mean(
        [comp[k] for k in ("mean_trust", "engagement_volume", "forum_participation", "interoperability")],
        [s.w_trust, s.w_engagement, s.w_forums, s.w_interoperability],
    )
    finance_diversity = (1.0 - comp["dependence_concentration"]) * (world.k / (world.k - 1))
    hedging = [comp[k] for k in HEDGING[:-1]] + [finance_diversity]
    incidents = each(lambda scale: 1.0 / scale, s.incident_scale)
    every = {
        "stability": 1.0 - unstable,
        "cooperation": cooperation,
        "focal_autonomy": weighted_mean(hedging, [1.0] * len(hedging)),
        "focal_security": (1.0 - comp["crisis_probability"]) * np.exp(-comp["focal_incidents"] * incidents),
    } | comp
    if is_stack(world):
        return every
    return {name: float(value) for name, value in every.items()}
