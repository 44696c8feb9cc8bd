"""Mechanism 4: multilateral forums (ASEAN, ADMM, ADMM-Plus) as shock absorbers.

At a meeting, with turnout share pi among members who attend:
tension among attendees decays by d = strength * pi; their trust gains
g = trust_gain * strength * pi; non-pole attendees' *targets* move toward the
forum norm's place (its shares' mix of the poles' positions: their centre for
the nonaligned norm) by the share w = norm_pull * strength * (1 + advocacy_gain
* advocates) of the way from where they rest, where advocates are attending
focal hedgers and the current chair. The pull is a fading sum (``norm_pull``, over
``forums.norm_memory`` years) and a target moves with its change since the run
began (mechanism 2): the regular meetings are part of where a state rests;
extra summits, a chair's advocacy or stronger forums move it, smoothly.
"""

from __future__ import annotations

import numpy as np

from laossim.batch import along, run_index
from laossim.mechanisms.contract import contract
from laossim.mechanisms.records import NONE, Record, Records, signed
from laossim.scenario.parameters import Parameters
from laossim.world import World, bounded

MEETING = contract(
    reads="forum_members forum_strength forum_norm forum_chair forum_chair_until forum_attended forum_expected "
    "tension trust position resting norm_pull doctrine",
    writes="tension trust norm_pull forum_attended forum_expected",
)
"""What a meeting (:func:`hold_meeting`) touches, for regular meetings and scheduled summits."""

CONTRACT = MEETING | contract(reads="forum_since forum_period", writes="", draws=True)


def meets(world: World, t: int) -> np.ndarray:
    """Which forums hold their regular meeting at step t: every ``period`` steps from ``since``
    (step 0 unless the forum is founded during the run)."""
    return (t >= world.forum_since) & ((t - world.forum_since) % world.forum_period == 0)


def hold_meeting(
    world: World, params: Parameters, f: int, attend: np.ndarray, t: int, label: str = "meets"
) -> tuple[World, Records]:
    """One meeting of forum f attended by the boolean mask ``attend`` (N,), or (runs, N) in a
    stack of worlds (:mod:`laossim.batch`), with a record of each run's meeting."""
    p = params.forums
    members = world.forum_members[..., f, :]
    present = members & attend
    expected, attended = members.sum(axis=-1), present.sum(axis=-1)
    turnout = attended / np.where(expected > 0, expected, np.inf)
    strength = world.forum_strength[..., f]
    together = present[..., :, None] & present[..., None, :]
    diagonal = np.arange(world.n)
    together[..., diagonal, diagonal] = False
    decay = (strength * turnout)[..., None, None]
    gain = (p.trust_gain * strength * turnout)[..., None, None]
    tension = np.where(together, bounded(world.tension, 0.0, decay, per_run=True), world.tension)
    trust = np.where(together, bounded(world.trust, gain, 0.0, per_run=True), world.trust)
    norm_pull = world.norm_pull
    norm = world.forum_norm[..., f, :]
    if not np.isnan(norm).any():
        focal_hedger = (world.doctrine[..., world.focal] == 0) & present[..., world.focal]
        chair = world.forum_chair[..., f]
        chairing = (chair >= 0) & (t <= world.forum_chair_until[..., f])
        chairing &= present[(*run_index(world, 0), np.maximum(chair, 0))]
        advocates = focal_hedger.astype(int) + chairing
        pull = np.minimum(1.0, p.norm_pull * strength * (1.0 + p.advocacy_gain * advocates))[..., None, None]
        moves = present & ~world.is_pole
        poles = world.position[..., world.poles, :]
        spot = (norm[..., :, None] * poles).sum(axis=-2)  # the norm's place: its shares' mix of the poles
        toward = spot[..., None, :] - world.resting  # from where each state rests to the norm's place
        norm_pull = np.where(moves[..., None], norm_pull + pull * toward, norm_pull)
    moved = world.evolve(
        tension=tension,
        trust=trust,
        norm_pull=norm_pull,
        forum_attended=world.forum_attended + attended,
        forum_expected=world.forum_expected + expected,
    )
    fid = world.forum_ids[f]
    calmer = (tension - world.tension).reshape(-1, world.n, world.n)  # a run axis, for one world too
    each = together.reshape(calmer.shape), np.atleast_1d(attended), np.atleast_1d(expected), np.atleast_1d(turnout)
    meetings = (
        _meeting(fid, label, int(a), int(e), float(u), calmer[b], tog, b)
        for b, (tog, a, e, u) in enumerate(zip(*each, strict=True))
    )
    return moved, Records.of(*meetings)


def _meeting(
    fid: str,
    label: str,
    attended: int,
    expected: int,
    turnout: float,
    change: np.ndarray,
    together: np.ndarray,
    run: int = 0,
) -> Record:
    """The record of one run's meeting: turnout, and the mean change of tension among attendees."""
    pairs = attended * (attended - 1)  # ordered pairs of attendees
    mean = float(change[together].sum()) / pairs if pairs else 0.0
    text = f"{fid} {label} ({attended} of {expected} members); tension among them {signed(mean)}"
    return Record("forum_meeting", fid, "", turnout, text, run)


def step(world: World, params: Parameters, rng: np.random.Generator, t: int) -> tuple[World, Records]:
    """Regular meetings of every forum whose period comes round at step t."""
    if not world.forum_ids:
        return world, NONE  # a scenario without forums
    due = meets(world, t)
    meeting = np.flatnonzero(due.reshape(-1, due.shape[-1])[0])  # the runs of a stack share their forums: the first's
    if len(meeting) == 0:
        return world, NONE  # draws nothing: this step's generator is its own, so no other draw moves
    draw = rng.random((len(world.forum_ids), world.n))
    attend = draw < along(params.forums.participation, draw)
    records = []
    for f in meeting:
        world, new = hold_meeting(world, params, int(f), attend[..., f, :], t)
        records.append(new)
    return world, Records.concat(records)
