"""The scores of MODEL.md as pure functions of the world, each in [0, 1].

stability = 1 - weighted mean of (crisis intensity, mean tension,
polarisation, volatility, frustration); cooperation = weighted mean of
(mean trust, engagement volume, forum participation, interoperability);
focal_autonomy = normalised entropy of the focal state's alignment;
focal_security = 1 - the largest threat toward the focal state.
"""

from __future__ import annotations

import numpy as np

from laossim import landscape
from laossim.scenario.parameters import Parameters
from laossim.world import World

SCORES: tuple[str, ...] = ("stability", "cooperation", "focal_autonomy", "focal_security")
COMPONENTS: tuple[str, ...] = (
    "crisis_intensity",
    "mean_tension",
    "polarisation",
    "volatility",
    "frustration",
    "mean_trust",
    "engagement_volume",
    "forum_participation",
    "interoperability",
    "dependence_concentration",
    "crisis_count",
    "polarisation_pressure",
)
COLUMNS: tuple[str, ...] = SCORES + COMPONENTS


def dyad_means(arrays: tuple[np.ndarray, ...], capability: np.ndarray, exponent: float) -> list[float]:
    """Means of dyadic quantities over distinct pairs, weighted by (c_i c_j)^exponent.

    Diagonals of the dyadic arrays are zero, so sum_ij w_i w_j x_ij = w.x.w.
    """
    w = capability**exponent
    total = w.sum() ** 2 - (w**2).sum()
    if not total > 0:
        return [0.0] * len(arrays)
    out = []
    for x in arrays:
        wx = w.astype(x.dtype)  # a matrix product never converts the (large) dyadic array
        out.append(float(wx @ x @ wx / total))
    return out


def weighted_mean(values: list[float], weights: list[float]) -> float:
    """sum(v w) / sum(w) of a few numbers (numpy's average costs more than the arithmetic)."""
    return sum(v * w for v, w in zip(values, weights, strict=True)) / sum(weights)


def coalitions(alignment: np.ndarray) -> np.ndarray:
    """Each state's dominant pole (its coalition in the landscape)."""
    return np.argmax(alignment, axis=1)


def polarisation(alignment: np.ndarray, alpha: float) -> float:
    """Esteban-Ray polarisation of the coalitions, normalised by its bipolar maximum.

    Groups are the coalitions (dominant pole) with population shares pi_g
    (each state counts once) at their mean alignment; distance is total
    variation. ER = sum_g sum_h pi_g^(1+alpha) pi_h d_gh, divided by
    2^-(1+alpha), the value of two equal groups at distance 1.
    """
    groups = coalitions(alignment)
    counts = np.bincount(groups, minlength=alignment.shape[1])
    sums = np.zeros((len(counts), alignment.shape[1]))
    np.add.at(sums, groups, alignment)
    present = counts > 0
    pi = counts[present] / len(groups)
    centres = sums[present] / counts[present, None]
    d = 0.5 * np.abs(centres[:, None, :] - centres[None, :, :]).sum(axis=2)
    er = float((pi[:, None] ** (1 + alpha) * pi[None, :] * d).sum())
    return min(1.0, er / 2.0 ** -(1 + alpha))


def volatility(world: World, scale_per_year: float) -> float:
    """Mean total-variation change of non-pole alignments this step, per year, over ``scale``."""
    moving = ~world.is_pole
    if not moving.any():
        return 0.0
    tv = 0.5 * np.abs(world.alignment - world.prev_alignment)[moving].sum(axis=1).mean()
    return float(min(1.0, tv * world.steps_per_year / scale_per_year))


def propensities(world: World, params: Parameters) -> np.ndarray:
    """In-run landscape propensities p_ij = w_H H_ij + w_R (R_ij - tau_ij)."""
    lp = params.landscape
    return lp.affinity * world.affinity + lp.trust * (world.trust - world.tension)


def frustration(world: World, params: Parameters) -> float:
    """Normalised landscape frustration of the current coalitions, sizes = capability shares."""
    sizes = world.capability / world.capability.sum()
    return landscape.normalised_frustration(sizes, propensities(world, params), coalitions(world.alignment))


def threat_toward(world: World, i: int) -> np.ndarray:
    """Threat of every state toward i: tau_ij c_j / (c_i + c_j), (N,); 0 for i itself."""
    c = world.capability
    threat = world.tension[i] * c / (c[i] + c)
    threat[i] = 0.0
    return threat


def entropy_share(p: np.ndarray) -> float:
    """Shannon entropy of a distribution over its maximum log K: 1 = perfectly balanced."""
    p = p[p > 0]
    k = len(p)
    return float(-(p * np.log(p)).sum() / np.log(k)) if k > 1 else 0.0


def dependence_concentration(world: World) -> float:
    """Herfindahl index of the focal state's positive leverage shares over the poles."""
    lev = np.maximum(world.leverage[world.focal], 0.0)
    total = lev.sum()
    return float(((lev / total) ** 2).sum()) if total > 0 else 1.0 / world.k


def scores(world: World, params: Parameters) -> dict[str, float]:
    """Every score and component of the current world, keyed as in :data:`COLUMNS`."""
    s = params.scores
    tension, trust, interoperability = dyad_means(
        (world.tension, world.trust, world.interoperability), world.capability, s.capability_exponent
    )
    comp = {
        "crisis_intensity": float(1.0 - np.exp(-world.crisis_load / s.crisis_scale)),
        "mean_tension": tension,
        "polarisation": polarisation(world.alignment, s.polarisation_alpha),
        "volatility": volatility(world, s.volatility_scale),
        "frustration": frustration(world, params),
        "mean_trust": trust,
        "engagement_volume": min(1.0, world.engaged_units / world.budget_units) if world.budget_units > 0 else 0.0,
        "forum_participation": world.forum_attended / world.forum_expected if world.forum_expected > 0 else 0.0,
        "interoperability": interoperability,
        "dependence_concentration": dependence_concentration(world),
        "crisis_count": float(world.crisis_count),
        "polarisation_pressure": float(world.pressure),
    }
    unstable = weighted_mean(
        [comp[k] for k in ("crisis_intensity", "mean_tension", "polarisation", "volatility", "frustration")],
        [s.w_crisis, s.w_tension, s.w_polarisation, s.w_volatility, s.w_frustration],
    )
    cooperation = weighted_mean(
        [comp[k] for k in ("mean_trust", "engagement_volume", "forum_participation", "interoperability")],
        [s.w_trust, s.w_engagement, s.w_forums, s.w_interoperability],
    )
    head = {
        "stability": float(1.0 - unstable),
        "cooperation": float(cooperation),
        "focal_autonomy": entropy_share(world.alignment[world.focal]),
        "focal_security": float(1.0 - threat_toward(world, world.focal).max()),
    }
    return head | comp
