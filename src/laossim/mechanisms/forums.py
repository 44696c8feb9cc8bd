"""Mechanism 4: multilateral forums (ASEAN, ADMM, ADMM-Plus) as shock absorbers.

At a meeting, with turnout share pi among members who attend:
tension among attendees decays by d = strength * pi; their trust gains
g = trust_gain * strength * pi; non-pole attendees' alignments move toward
the forum norm by w = norm_pull * strength * (1 + advocacy_gain * advocates),
where advocates are attending focal hedgers and the current chair.
"""

from __future__ import annotations

import numpy as np

from laossim.mechanisms.records import Record, signed
from laossim.scenario.parameters import Parameters
from laossim.world import World, bounded


def meets(world: World, t: int) -> np.ndarray:
    """Which forums hold their regular meeting at step t: every ``period`` steps from ``since``
    (step 0 unless the forum is founded during the run)."""
    return (t >= world.forum_since) & ((t - world.forum_since) % world.forum_period == 0)


def hold_meeting(
    world: World, params: Parameters, f: int, attend: np.ndarray, t: int, label: str = "meets"
) -> tuple[World, list[Record]]:
    """One meeting of forum f attended by the boolean mask ``attend`` (N,)."""
    p = params.forums
    members = world.forum_members[f]
    present = members & attend
    expected, attended = int(members.sum()), int(present.sum())
    turnout = attended / expected if expected else 0.0
    strength = float(world.forum_strength[f])
    together = np.outer(present, present)
    np.fill_diagonal(together, False)
    decay = strength * turnout
    gain = p.trust_gain * strength * turnout
    tension = np.where(together, bounded(world.tension, 0.0, decay), world.tension)
    trust = np.where(together, bounded(world.trust, gain, 0.0), world.trust)

    alignment = world.alignment
    norm = world.forum_norm[f]
    if not np.isnan(norm).any():
        focal_hedger = np.zeros(world.n, dtype=bool)
        focal_hedger[world.focal] = world.doctrine[world.focal] == 0
        chair = world.forum_chair[f]
        advocates = int((focal_hedger & present).sum()) + int(
            chair >= 0 and present[chair] and t <= world.forum_chair_until[f]
        )
        pull = min(1.0, p.norm_pull * strength * (1.0 + p.advocacy_gain * advocates))
        moves = present & ~world.is_pole
        alignment = np.where(moves[:, None], (1.0 - pull) * alignment + pull * norm[None, :], alignment)

    pairs = attended * (attended - 1)  # ordered pairs of attendees
    change = float((tension - world.tension)[together].sum()) / pairs if pairs else 0.0
    fid = world.forum_ids[f]
    record = Record(
        "forum_meeting",
        fid,
        "",
        turnout,
        f"{fid} {label} ({attended} of {expected} members); tension among them {signed(change)}",
    )
    return world.evolve(
        tension=tension,
        trust=trust,
        alignment=alignment,
        forum_attended=world.forum_attended + attended,
        forum_expected=world.forum_expected + expected,
    ), [record]


def step(world: World, params: Parameters, rng: np.random.Generator, t: int) -> tuple[World, list[Record]]:
    """Regular meetings of every forum whose period comes round at step t."""
    meeting = np.flatnonzero(meets(world, t))
    if len(meeting) == 0:
        return world, []  # draws nothing: this step's generator is its own, so no other draw moves
    attend = rng.random((len(world.forum_ids), world.n)) < params.forums.participation
    records: list[Record] = []
    for f in meeting:
        world, new = hold_meeting(world, params, int(f), attend[f], t)
        records += new
    return world, records
