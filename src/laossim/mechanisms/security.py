"""Mechanism 5: the security dilemma, where tension grows from what others do.

Directed pressure on i from j (per year):
``x_ij = growth_gain * g_ij * growth_j + distance_gain * TV(a_i, a_j) + border_gain * border_ij
+ hostility_gain * max(-H_ij, 0) + visibility_gain * sum_k vis_jk b_ik^2``
(the first term: j's capability growth as felt at i, discounted by distance beyond j's reach,
``g_ij`` of :func:`laossim.geography.reach_discount`; the last: j's visible engagements with
i's rivals k, weighted by i's rivalry with k as i perceives it, its belief b_ik of the pair's
tension (mechanism 5a), so misperception feeds back on tension; visibility is read here and only here). Tension is a
property of the dyad, so the gain uses (x_ij + x_ji) / 2. Decay:
``base_decay + trust_decay R_ij + interoperability_decay I_ij`` per year.
"""

from __future__ import annotations

import numpy as np

from laossim.batch import along
from laossim.mechanisms.contract import contract
from laossim.mechanisms.felt import felt
from laossim.mechanisms.records import NONE, Records
from laossim.scenario.parameters import Parameters
from laossim.world import Sightings, World

CONTRACT = contract(
    reads="growth alignment border affinity visibility beliefs tension trust interoperability distance reach",
    writes="tension",
)

PRESSURE_DTYPE = np.float32
"""The pressure is a yearly rate: single precision (relative rounding 1e-7, far below
any coefficient's precision) halves the memory traffic of the largest array work of a step."""


def alignment_distance(alignment: np.ndarray, dtype: type = np.float64) -> np.ndarray:
    """Total variation distance between every pair of alignments, (N, N).

    Uses TV(a, b) = 1 - sum_k min(a_k, b_k) for distributions, one (N, N)
    pass per pole, in place (dyadic arrays are large; memory traffic is the cost).
    """
    shape = (*alignment.shape[:-1], alignment.shape[-2])
    alignment = alignment.astype(dtype, copy=False)
    overlap = np.zeros(shape, dtype=dtype)
    buffer = np.empty(shape, dtype=dtype)
    for k in range(alignment.shape[-1]):
        column = alignment[..., k]
        np.minimum(column[..., :, None], column[..., None, :], out=buffer)
        overlap += buffer
    return np.subtract(1.0, overlap, out=overlap)


def mutual_rival_visibility(beliefs: np.ndarray, visibility: Sightings) -> np.ndarray:
    """seen + seen.T, where seen_ij = sum_k vis_jk b_ik^2 is how much j was seen engaging
    i's rivals (rivalry is perceived tension squared, so close rivals count far more than lukewarm
    relations; ``beliefs`` may be the tension itself, symmetric). V holds few entries and is symmetric,
    so seen = B2 V = (V B2^T)^T: one product over V's rows and one transpose suffice."""
    product = visibility.times(np.square(beliefs.swapaxes(-1, -2), dtype=PRESSURE_DTYPE))
    product += product.swapaxes(-1, -2).copy()
    return product


def felt_discount(world: World, params: Parameters) -> np.ndarray:
    """g (N, N), single precision: the share of j's capability felt at i, 1 within j's reach
    (:func:`laossim.mechanisms.felt.felt`)."""
    return felt(world.distance, world.reach, params.geography.decay)


def pressure(world: World, params: Parameters) -> np.ndarray:
    """Symmetric tension gain intensity per year, (N, N): the mean of x_ij and x_ji (all terms >= 0)."""
    s = params.security
    growth = np.maximum(world.growth, 0.0)
    growth = (along(0.5 * s.growth_gain, growth) * growth).astype(PRESSURE_DTYPE)
    x = alignment_distance(world.alignment, PRESSURE_DTYPE)
    x *= along(s.distance_gain, x)
    x += np.where(world.border, along(np.float32(s.border_gain), x), np.float32(0.0))
    x -= np.minimum(world.affinity, 0.0).astype(PRESSURE_DTYPE) * along(np.float32(s.hostility_gain), x)
    felt = felt_discount(world, params) * growth[..., None, :]  # growth_j g_ij, j's growth as felt at i
    x += felt
    x += felt.swapaxes(-1, -2)
    if len(world.visibility):
        seen = mutual_rival_visibility(world.beliefs, world.visibility)
        seen *= along(0.5 * s.visibility_gain, seen)
        x += seen
    return x


def step(world: World, params: Parameters, rng: np.random.Generator, t: int) -> tuple[World, Records]:
    """Tension rises with the dilemma's pressures and decays with trust and interoperability.

    The bounded update g + tau (1 - g - d) with g = 1 - exp(-x / spy) and
    d = 1 - exp(-y / spy), written with the two survival factors in place.
    """
    s = params.security
    spy = world.steps_per_year
    stay_calm = pressure(world, params)  # becomes 1 - g
    stay_calm *= np.float32(-1.0 / spy)
    np.exp(stay_calm, out=stay_calm)
    factor = world.trust * along(-s.trust_decay / spy, world.trust)  # becomes 1 - g - d
    factor += world.interoperability * along(-s.interoperability_decay / spy, world.interoperability)
    factor -= along(s.base_decay / spy, factor)
    np.exp(factor, out=factor)
    factor += stay_calm
    factor -= 1.0
    tension = factor
    tension *= world.tension
    tension += 1.0
    tension -= stay_calm
    diagonal = np.arange(world.n)
    tension[..., diagonal, diagonal] = 0.0
    return world.evolve(tension=np.clip(tension, 0.0, 1.0, out=tension)), NONE
