"""Mechanism 2a: camps, the coalitions of landscape theory inside the run, and their lock-in.

Every state belongs to a camp: the coalition of one pole (a pole is its own
camp and never leaves it). Camps move by the single-actor, frustration-lowering
moves of landscape theory (Axelrod & Bennett 1993; :mod:`laossim.landscape`).
With sizes s_j the capability shares and propensities
p_ij = w_H H_ij + w_R (R_ij - tau_ij) (``parameters.landscape``, those of the
stability score's frustration), state i's frustration in camp c is
F_i(c) = sum_{j not in c, j != i} s_j p_ij, and a move from its camp c to c' sheds::

    shed_i(c') = (F_i(c) - F_i(c')) / sum_{j != i} s_j |p_ij|

(a share of all it could be frustrated by, in [-2, 2]). Leaving costs::

    cost_i = lambda I_i,pole(c)

``lambda`` the lock-in (``camps.lock_in``) and ``I`` its interoperability with
its camp's pole: the stock that training, exercises and arms transfers build
(mechanism 3). Each step, in each run, the one non-pole state whose best move
sheds most beyond its cost moves there, when that is more than nothing (the
descent rule of :mod:`laossim.landscape`: ties go to the lowest state, then the
lowest camp).

A camp builds the ties that hold a state in it: its interoperability with the
camp's pole closes a share ``g`` (``camps.ties``) of its gap to 1 a year. At
rest that gain is part of what mechanism 8 holds, so it moves nothing; after a
switch it goes to the new camp's pole while the old tie loses it, so the longer a
state stays in a camp, the more leaving costs it: lock-in. With ``lambda = 0`` a
state always ends where its frustration is least, whatever its history.

A change of camp moves the state's target (:func:`laossim.mechanisms.alignment.target`).
A run begins with camps at a local minimum of frustration (:func:`settled`), so a
world at rest has no move to make.
"""

from __future__ import annotations

import numpy as np

from laossim import landscape
from laossim.batch import along, before, each, located, run_index
from laossim.mechanisms.contract import contract
from laossim.mechanisms.records import NONE, Records, names
from laossim.scenario.parameters import Parameters
from laossim.world import World, bounded, per_step

CONTRACT = contract(
    reads="camp capability affinity trust tension interoperability",
    writes="camp interoperability",
)

TOLERANCE = 1e-9
"""A move must shed more than its cost by this much (rounding is no move)."""

SWITCH = "camp_switch"
"""The kind of a switch's record: source the state, target its new camp's pole, magnitude the
frustration shed beyond the cost."""


def shed(world: World, params: Parameters) -> np.ndarray:
    """(N, K): the share of its frustration each state sheds by moving to each camp (0 for its own;
    negative where a move would add to it)."""
    lp = params.landscape
    p = landscape.propensities(
        world.affinity, world.trust, world.tension, along(lp.affinity, world.affinity), along(lp.trust, world.trust)
    ).astype(np.float64)
    n = world.n
    p[..., np.arange(n), np.arange(n)] = 0.0  # p_ii is unused
    sizes = world.capability / world.capability.sum(axis=-1, keepdims=True)
    w = p * sizes[..., None, :]  # w_ij = s_j p_ij
    camp = world.camp[..., None, :]
    together = np.empty((*w.shape[:-1], world.k))
    for c in range(world.k):  # one camp at a time: a large world's (N, K, N) product would leave the cache
        together[..., c] = (w * (camp == c)).sum(axis=-1)
    scale = np.abs(w).sum(axis=-1)[..., None]
    now = together[(*run_index(world, 1), np.arange(n), world.camp)][..., None]
    return (together - now) / np.where(scale > 0, scale, np.inf)  # 0 for a state with no propensities


def cost(world: World, params: Parameters) -> np.ndarray:
    """(N,): what each state must shed to leave its camp: the threshold theta plus lambda times its
    interoperability with the camp's pole."""
    c = params.camps
    tie = np.take_along_axis(world.interoperability, world.poles[world.camp][..., None], axis=-1)[..., 0]
    tie = tie.astype(np.float64)
    return along(c.threshold, tie) + along(c.lock_in, tie) * tie


def moves(world: World, params: Parameters, *, locked: bool = True, sheds: np.ndarray | None = None) -> np.ndarray:
    """(N, K): what each non-pole state gains by moving to each other camp, its frustration shed less
    its cost (without the cost unless ``locked``); -inf for a pole, and for a state's own camp.
    ``sheds``: :func:`shed` of this world, when already worked out."""
    net = (shed(world, params) if sheds is None else sheds).copy()
    if locked:
        net = net - cost(world, params)[..., None]
    net[..., world.poles, :] = -np.inf
    net[world.camp[..., None] == np.arange(world.k)] = -np.inf
    return net


def best_move(
    world: World, params: Parameters, *, locked: bool = True, sheds: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Each run's camps after its best move (none unless it gains more than :data:`TOLERANCE`), and
    what the move gained (-inf or at most the tolerance where none was made)."""
    net = moves(world, params, locked=locked, sheds=sheds)
    flat = net.reshape(*net.shape[:-2], -1)
    best = np.argmax(flat, axis=-1)  # the first of the best: lowest state, then lowest camp
    gain = np.take_along_axis(flat, best[..., None], axis=-1)[..., 0]
    mover = (np.arange(world.n) == (best // world.k)[..., None]) & (gain > TOLERANCE)[..., None]
    return np.where(mover, (best % world.k)[..., None], world.camp), gain


def tied(world: World, params: Parameters, camp: np.ndarray) -> np.ndarray:
    """Interoperability after a step of ties: each non-pole state's with its camp's pole closes the
    per-step share of ``camps.ties`` of its gap to 1."""
    n = world.n
    link = (world.poles[camp][..., :, None] == np.arange(n)) & ~world.is_pole[:, None]
    link = link | np.swapaxes(link, -1, -2)
    gain = each(lambda g: per_step(g, world.steps_per_year), params.camps.ties)
    if isinstance(gain, np.ndarray) and gain.ndim:  # one per run of a stack
        closer = bounded(world.interoperability, gain.reshape(-1, 1, 1), 0.0, per_run=True)
    else:
        closer = bounded(world.interoperability, gain, 0.0)
    return np.where(link, closer, world.interoperability)


def settled(world: World, params: Parameters) -> World:
    """The world as a run begins: every camp moved by steepest descent of frustration (no cost) from
    where it is (a state's nearest pole, as :func:`laossim.world.build_world` puts it) to a local
    minimum, which is then also where the camps began (``camp_start``)."""
    for _ in range(10 * world.n * world.k):  # each move sheds frustration: a descent ends
        camp, _gain = best_move(world, params, locked=False)
        if np.array_equal(camp, world.camp):
            return world.evolve(camp_start=camp.copy())
        world = world.evolve(camp=camp)
    raise RuntimeError("the camps' descent did not end")  # pragma: no cover - frustration falls at each move


def step(world: World, params: Parameters, rng: np.random.Generator, t: int) -> tuple[World, Records]:
    """At most one switch of camp in each run, then a step of every camp's ties.

    Leaving costs at least the threshold, so where no state of any run sheds more than it, no move
    is possible and the moves are not worked out (a run at rest, most steps: the same result)."""
    sheds = shed(world, params)
    if np.all(sheds.max(axis=(-2, -1)) <= np.asarray(params.camps.threshold) + TOLERANCE):
        return world.evolve(interoperability=tied(world, params, world.camp)), NONE
    camp, gain = best_move(world, params, sheds=sheds)
    runs, (i,) = located(world, np.nonzero(camp != world.camp))
    changed = world.evolve(camp=camp, interoperability=tied(world, params, camp))
    if not len(i):
        return changed, NONE
    ids = names(world.ids)
    pole = world.poles[camp[(*before(world, runs), i)]]
    return changed, Records.columns(SWITCH, ids[i], ids[pole], np.atleast_1d(gain)[runs], run=runs)
