"""Mechanism 2: alignment, anchored at each state's resting position (docs/model.md).

Every state has a position (:mod:`laossim.geometry`); its shares over the poles
follow from it. A state moves by error correction toward a target (the
mean-zero random step is a mechanism of its own, :mod:`laossim.mechanisms.noise`)::

    x_t+1 = x_t + rho (x*_t - x_t),   x*_t = mu + band(shift(gamma_L (L_t - L_0)) + n_t - n_0)

plus, when a state has changed camp (mechanism 2a, :mod:`laossim.mechanisms.camps`),
``kappa (m_camp - m_start)``, the share ``kappa`` of the way from the resting position of
its first camp's pole to that of its camp's pole now (outside the band: a change of camp is
a change of regime). ``mu`` is its resting position (given, or where it starts), ``L`` the
leverage of each pole over it (below) and ``L_0`` that leverage when the run
began, and ``n`` the forums' pull on the target (mechanism 4) and ``n_0`` its
value then: the target moves only with *changes* of leverage, threat and
forum activity, so a scenario whose figures do not change rests where it
starts. ``shift``
turns a change of each pole's pull (in log-odds of the shares) into a move
of the position (:func:`laossim.geometry.shift_toward`); ``band`` keeps the
move within the doctrine's band around ``mu`` (narrow for hedgers, wider for
balancers and bandwagoners): the doctrine is a prior on how far a state
strays, not a pull toward equidistance. ``rho`` (responsiveness) rises with
polarisation pressure. The nested forecasts of the backtest are settings of
these coefficients: ``rho = 0`` with no polarisation pressure gain, no noise
and no forum pull holds every position (persistence; pressure alone raises
rho above 0); the same with noise is a random walk (mean: the last
position); ``gamma_L = 0`` corrects toward the resting position.

Leverage of pole p over state i:
``L_ip = (c_p / max c)^alpha (b_T T_ip + b_A A_ip + b_D D_ip + b_H max(H_ip, 0)
+ b_B border_ip + b_S alliance_ip + b_R R_ip) - theta_i b_X g_ip tau_ip``,
with ``g_ip`` the share of p's strength felt at i (1 within p's reach, falling with the distance
beyond: :func:`laossim.geography.reach_discount`): a pole that cannot reach a state threatens it less.
"""

from __future__ import annotations

import numpy as np

from laossim import geometry
from laossim.batch import along, power
from laossim.mechanisms.contract import contract
from laossim.mechanisms.felt import felt
from laossim.mechanisms.records import NONE, Records
from laossim.scenario.parameters import Parameters
from laossim.world import World, per_step

HEDGER, BALANCER, BANDWAGONER = 0, 1, 2

CONTRACT = contract(
    reads="position resting camp camp_start leverage_start norm_pull norm_pull_start capability trade aid debt "
    "affinity border alliance trust tension "
    "threat_sensitivity doctrine responsiveness pressure distance reach",
    writes="position leverage",
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
    threat = world.tension[..., p] * reach_of_poles(world, params)
    return cap[..., None, :] * ties - theta * along(a.threat, theta) * threat


def reach_of_poles(world: World, params: Parameters) -> np.ndarray:
    """g (N, K): the share of each pole's strength felt at each state (1 within the pole's reach)."""
    return felt(world.distance, world.reach, params.geography.decay)[..., world.poles]


def anchored(world: World, params: Parameters) -> World:
    """The world as a run begins: the leverage its positions rest under (what a target's shift is
    measured from)."""
    lev = leverage(world, params)
    return world.evolve(leverage_start=lev, leverage=lev)


def shares(world: World, params: Parameters, position: np.ndarray) -> np.ndarray:
    """(N, K): the shares over the poles of states at ``position`` (each pole wholly its own)."""
    sharpness = params.alignment.sharpness
    a = geometry.shares(position, position[..., world.poles, :], along(sharpness, position))
    a[..., world.poles, :] = np.eye(world.k)
    return a


def target(world: World, params: Parameters, lev: np.ndarray) -> np.ndarray:
    """x* (N, D): the resting position moved toward the poles whose pull grew since the start (by
    ``leverage_gain`` log-odds per unit of leverage) and by the change of the forums' pull since
    the start (mechanism 4), the whole move held within the doctrine's band; poles rest at their
    resting positions.

    A doctrine also says which changes a state ignores: a balancer ignores a rise of the dominant
    pole's pull (the pole of the largest g_iq c_q (1 + tau_iq), with g_iq c_q its strength as felt
    at i), a bandwagoner a fall of its strongest pull's. (Changes of the other poles' pulls still
    move it, toward or away from those poles.)"""
    a = params.alignment
    pull = along(a.leverage_gain, lev) * (lev - world.leverage_start)
    k = world.k
    felt = world.capability[..., None, world.poles] * reach_of_poles(world, params)
    dominant = np.eye(k, dtype=bool)[np.argmax(felt * (1.0 + world.tension[..., world.poles]), axis=-1)]
    strongest = np.eye(k, dtype=bool)[np.argmax(lev, axis=-1)]
    doctrine = world.doctrine[..., None]
    pull = np.where((doctrine == BALANCER) & dominant, np.minimum(pull, 0.0), pull)  # never toward the dominant
    pull = np.where((doctrine == BANDWAGONER) & strongest, np.maximum(pull, 0.0), pull)  # never from the strongest
    poles = world.position[..., world.poles, :]
    shift = geometry.shift_toward(pull, poles, a.sharpness) + (world.norm_pull - world.norm_pull_start)
    length = np.sqrt((shift * shift).sum(axis=-1))
    hedger = world.doctrine == HEDGER
    band = np.where(hedger, along(a.hedger_band, length), along(a.aligned_band, length))
    held = np.divide(band, length, out=np.ones_like(length), where=length > band)
    shift = shift * held[..., None]
    shift[..., world.poles, :] = 0.0
    return world.resting + shift + camp_shift(world, params)


def camp_shift(world: World, params: Parameters) -> np.ndarray:
    """(N, D): how far its camp (:mod:`laossim.mechanisms.camps`) moves a state's target: ``kappa``
    (``camps.shift``) times the way from the resting position of the pole of the camp it began in to
    that of the pole of its camp now (nothing while it stays in its first camp)."""
    poles = world.resting[..., world.poles, :]
    now = np.take_along_axis(poles, world.camp[..., None], axis=-2)
    start = np.take_along_axis(poles, world.camp_start[..., None], axis=-2)
    return along(params.camps.shift, now) * (now - start)


def responsiveness(world: World, params: Parameters) -> np.ndarray:
    """rho (N,) per step, raised by polarisation pressure: rho + (1 - rho)(1 - exp(-gamma P))."""
    lam = per_step(world.responsiveness, world.steps_per_year)
    pressure = np.asarray(world.pressure)[..., None]
    push = 1.0 - np.exp(-along(params.alignment.pressure_gain, pressure) * pressure)
    return lam + (1.0 - lam) * push


def step(world: World, params: Parameters, rng: np.random.Generator, t: int) -> tuple[World, Records]:
    """Move every state's position toward its target by its responsiveness (deterministic: the
    random part is :mod:`laossim.mechanisms.noise`, which comes next in the step and updates the
    shares, so they are worked out once a step)."""
    lev = leverage(world, params)
    goal = target(world, params, lev)
    rho = responsiveness(world, params)[..., None]
    x = world.position + rho * (goal - world.position)
    return world.evolve(position=x, leverage=lev), NONE  # the noise, next, updates the shares
