"""Mechanism 2: alignment pressure (MODEL.md), the heart of the hedging dynamics.

Leverage of pole p over state i:
``L_ip = (c_p / max c)^alpha (b_T T_ip + b_A A_ip + b_D D_ip + b_H max(H_ip, 0)
+ b_B border_ip + b_S alliance_ip + b_R R_ip) - theta_i b_X tau_ip``.
The capability term is normalised by the largest pole (a refinement of
MODEL.md's c_p^alpha, so the threat term has a fixed scale; docs/model.md).
"""

from __future__ import annotations

import numpy as np

from laossim.batch import along, power
from laossim.mechanisms.contract import contract
from laossim.mechanisms.records import NONE, Records
from laossim.scenario.parameters import Parameters
from laossim.world import World, per_step

HEDGER, BALANCER, BANDWAGONER = 0, 1, 2

CONTRACT = contract(
    reads="alignment capability trade aid debt affinity border alliance trust tension threat_sensitivity autonomy "
    "doctrine responsiveness pressure",
    writes="alignment leverage",
    draws=True,
)


def leverage(world: World, params: Parameters) -> np.ndarray:
    """L (N, K): the pull of each pole on each state; negative where threat dominates."""
    a = params.alignment
    p = world.poles
    poles = world.capability[..., p]
    cap = power(poles / poles.max(axis=-1, keepdims=True), a.capability_exponent)
    trade, aid, debt = world.trade[..., p], world.aid[..., p], world.debt[..., p]
    affinity, border, alliance = np.maximum(world.affinity[..., p], 0.0), world.border[..., p], world.alliance[..., p]
    trust, theta = world.trust[..., p], world.threat_sensitivity[..., None]
    ties = (
        along(a.trade, trade) * trade
        + along(a.aid, aid) * aid
        + along(a.debt, debt) * debt
        + along(a.affinity, affinity) * affinity
        + along(a.border, border) * border
        + along(a.alliance, alliance) * alliance
        + along(a.trust, trust) * trust
    )
    return cap[..., None, :] * ties - theta * along(a.threat, theta) * world.tension[..., p]


def target(world: World, lev: np.ndarray) -> np.ndarray:
    """t (N, K): positive leverage plus the threat of each pole passed to its rivals, normalised.

    Balance of threat: the negative leverage of a threatening pole q is passed
    to the other poles in proportion to their tension with q. Rows with
    nothing positive get the uniform point.
    """
    k = world.k
    positive = np.maximum(lev, 0.0)
    negative = np.maximum(-lev, 0.0)
    rivalry = world.tension[..., world.poles[:, None], world.poles]  # (K, K), a copy
    rivalry[..., np.arange(k), np.arange(k)] = 0.0
    totals = rivalry.sum(axis=-2, keepdims=True)
    share = np.divide(rivalry, totals, out=np.zeros_like(rivalry), where=totals > 0)
    pulled = positive.copy()
    for q in range(k):  # positive + negative @ share.T, summed in a fixed order (never BLAS: see world.py)
        pulled += negative[..., :, q, None] * share[..., None, :, q]
    sums = pulled.sum(axis=-1, keepdims=True)
    return np.divide(pulled, sums, out=np.full_like(pulled, 1.0 / k), where=sums > 0)


def response(world: World, tgt: np.ndarray, lev: np.ndarray) -> np.ndarray:
    """r (N, K): each doctrine's answer to its target (poles are handled by the caller).

    hedger: (1 - kappa) t + kappa u; bandwagoner: (1 - kappa) e_p* + kappa t with
    p* the largest leverage; balancer: t without the dominant pole q* (largest
    c_q (1 + tau_iq)), renormalised, mixed with kappa u.
    """
    k = tgt.shape[-1]
    kappa = world.autonomy[..., None]
    even = kappa * (1.0 / k)  # kappa u
    hedge = (1 - kappa) * tgt + even

    strongest = np.eye(k)[np.argmax(lev, axis=-1)]
    bandwagon = (1 - kappa) * strongest + kappa * tgt

    dominance = world.capability[..., None, world.poles] * (1.0 + world.tension[..., world.poles])
    others = 1.0 - np.eye(k)[np.argmax(dominance, axis=-1)]
    without = tgt * others
    sums = without.sum(axis=-1, keepdims=True)
    rest = others / max(k - 1, 1)
    without = np.divide(without, sums, out=rest, where=sums > 0)
    balance = (1 - kappa) * without + even

    doctrine = world.doctrine[..., None]
    return np.where(doctrine == BANDWAGONER, bandwagon, np.where(doctrine == BALANCER, balance, hedge))


def responsiveness(world: World, params: Parameters) -> np.ndarray:
    """lambda (N,) per step, raised by polarisation pressure: lambda + (1 - lambda)(1 - exp(-gamma P))."""
    lam = per_step(world.responsiveness, world.steps_per_year)
    pressure = np.asarray(world.pressure)[..., None]
    push = 1.0 - np.exp(-along(params.alignment.pressure_gain, pressure) * pressure)
    return lam + (1.0 - lam) * push


def dirichlet_rows(rng: np.random.Generator, alpha: np.ndarray) -> np.ndarray:
    """One Dirichlet draw per row of alpha (numpy's dirichlet takes a single alpha)."""
    g = rng.standard_gamma(alpha)
    sums = g.sum(axis=-1, keepdims=True)
    return np.divide(g, sums, out=np.full_like(g, 1.0 / g.shape[-1]), where=sums > 0)


def step(world: World, params: Parameters, rng: np.random.Generator, t: int) -> tuple[World, Records]:
    """Move each non-pole state's alignment toward its doctrine's response."""
    lev = leverage(world, params)
    r = response(world, target(world, lev), lev)
    lam = responsiveness(world, params)[..., None]
    a = (1.0 - lam) * world.alignment + lam * r
    nu, floor = params.alignment.noise_concentration, params.alignment.noise_floor
    if (nu > 0).any() if isinstance(nu, np.ndarray) else nu > 0:
        noisy = dirichlet_rows(rng, along(nu, a) * (a + along(floor, a)))
        a = noisy if not isinstance(nu, np.ndarray) else np.where(along(nu > 0, a), noisy, a)
    a[..., world.poles, :] = np.eye(world.k)
    return world.evolve(alignment=a, leverage=lev), NONE
