"""The mechanisms of MODEL.md as pure functions ``(world, params, rng, t) -> (world, records)``.

Each takes one world or a stack of several runs' worlds (:mod:`laossim.batch`):
arrays are indexed from the right (``...``, ``axis=-1``), so one code path
serves both and every run of a stack gets exactly what it gets alone.

:data:`STEP_ORDER` is the one place the order of a step is written: each
mechanism there has its contract (the world fields it reads and writes, and
whether it draws; :mod:`laossim.mechanisms.contract`) and the key of its
random stream. The simulation composes them in that order after
:func:`begin_step`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from laossim.batch import Coefficient, along, each
from laossim.mechanisms import (
    alignment,
    arms,
    beliefs,
    border,
    camps,
    crises,
    economy,
    engagement,
    events,
    forums,
    ministry,
    noise,
    rest,
    security,
)
from laossim.mechanisms.contract import Contract, contract
from laossim.mechanisms.records import Record, Records
from laossim.scenario.parameters import Parameters
from laossim.world import Sightings, World, derived, per_step

Mechanism = Callable[..., tuple[World, Records]]
"""``step(world, params, rng, t) -> (world, records)`` (events takes its schedule too, bound by the
simulation)."""


@dataclass(frozen=True)
class Declared:
    """A mechanism in the step order: its name, its step function, its contract, and the key of
    its random stream.

    ``stream`` keys the generators the mechanism draws from (with the step: see
    :mod:`laossim.seeding`). It is fixed when a mechanism is added and never reused, so adding,
    removing or moving a mechanism changes no other mechanism's numbers; the seven mechanisms
    of the first design keep the keys their positions gave them, so no result moved.
    """

    name: str
    step: Mechanism
    stream: int
    contract: Contract


STEP_ORDER: tuple[Declared, ...] = (
    Declared("events", events.step, 0, events.CONTRACT),  # needs the schedule: the simulation binds it
    Declared("camps", camps.step, 9, camps.CONTRACT),
    Declared("alignment", alignment.step, 1, alignment.CONTRACT),
    Declared("noise", noise.step, 7, noise.CONTRACT),
    Declared("engagement", engagement.step, 2, engagement.CONTRACT),
    Declared("forums", forums.step, 3, forums.CONTRACT),
    Declared("beliefs", beliefs.step, 13, beliefs.CONTRACT),
    Declared("security", security.step, 4, security.CONTRACT),
    Declared("crises", crises.step, 5, crises.CONTRACT),
    Declared("economy", economy.step, 6, economy.CONTRACT),
    Declared("ministry", ministry.step, 10, ministry.CONTRACT),
    Declared("arms", arms.step, 12, arms.CONTRACT),
    Declared("border", border.step, 11, border.CONTRACT),
    Declared("rest", rest.step, 8, rest.CONTRACT),
)
MECHANISMS: tuple[str, ...] = tuple(m.name for m in STEP_ORDER)
STREAMS: dict[str, int] = {m.name: m.stream for m in STEP_ORDER}
"""Each mechanism's stream key, by name."""

_AGED = (
    "pressure disaster crisis_load engaged_units budget_units forum_attended forum_expected churn norm_pull incidents "
    "engagement_tally self_funded financed kind_tally learned_absorption"
)
BEGIN = contract(
    reads=f"{_AGED} crisis_count alignment prev_alignment",
    writes=f"{_AGED} visibility capability_gain crisis_count prev_alignment",
)
"""What :func:`begin_step` touches."""


def churn(before: np.ndarray, after: np.ndarray, is_pole: np.ndarray) -> np.ndarray | float:
    """The mean total-variation change of the non-pole states' alignments from ``before`` to
    ``after`` (one per run of a stack)."""
    moving = len(is_pole) - int(is_pole.sum())  # a pole's shares never change: it adds nothing
    if not moving:
        return np.zeros(before.shape[:-2]) if before.ndim > 2 else 0.0
    return np.abs(after - before).sum(axis=-1).sum(axis=-1) * (0.5 / moving)  # axis by axis: one order


@derived
def _fading(params: Parameters, spy: int) -> tuple[Coefficient, ...]:
    """What is kept of each fading quantity over a step (one value, or one per run of a stack): a
    one-year memory, the crisis load's, the pressure's, the disasters', the forums' pull's and the
    absorption training built. Worked out once a run: they depend on its coefficients alone."""
    return (
        float(np.exp(-1.0 / spy)),
        each(lambda window: float(np.exp(-1.0 / (window * spy))), params.scores.crisis_window),
        each(lambda rate: 1.0 - per_step(rate, spy), params.crises.pressure_decay),
        each(lambda rate: 1.0 - per_step(rate, spy), params.crises.disaster_decay),
        each(lambda years: float(np.exp(-1.0 / (years * spy))), params.forums.norm_memory),
        each(lambda rate: 1.0 - per_step(rate, spy), params.arms.absorption_fade),
    )


def begin_step(world: World, params: Parameters) -> World:
    """Age the slow state by one step and clear the per-step accumulators.

    Engagement and forum tallies are exponential sums with a one-year
    memory, and so is the churn, which adds the last step's change of the
    alignments; the forums' pull on targets fades over ``forums.norm_memory``
    years; the crisis load forgets over ``scores.crisis_window`` years; the border incidents and the
    engagements by partner (and those paid or financed) have a one-year memory; the absorption
    training built fades at ``arms.absorption_fade`` a year;
    polarisation pressure and disasters decay at their yearly rates.
    """
    year, crisis_memory, keep_pressure, keep_disaster, keep_norm, keep_learned = _fading(params, world.steps_per_year)
    return world.evolve(
        pressure=world.pressure * keep_pressure,
        disaster=world.disaster * along(keep_disaster, world.disaster),
        crisis_load=world.crisis_load * crisis_memory,
        engaged_units=world.engaged_units * year,
        budget_units=world.budget_units * year,
        forum_attended=world.forum_attended * year,
        forum_expected=world.forum_expected * year,
        churn=world.churn * year + churn(world.prev_alignment, world.alignment, world.is_pole),
        norm_pull=world.norm_pull * along(keep_norm, world.norm_pull),
        incidents=world.incidents * year,
        engagement_tally=world.engagement_tally * np.float32(year),
        self_funded=world.self_funded * year,
        financed=world.financed * year,
        kind_tally=world.kind_tally * year,
        learned_absorption=world.learned_absorption * along(keep_learned, world.learned_absorption),
        visibility=Sightings.none(),
        capability_gain=np.zeros_like(world.capability),
        crisis_count=world.crisis_count * 0,  # 0, for each run of a stack
        prev_alignment=world.alignment,
    )


__all__ = [
    "BEGIN",
    "MECHANISMS",
    "STEP_ORDER",
    "STREAMS",
    "Contract",
    "Declared",
    "Mechanism",
    "Record",
    "Records",
    "begin_step",
    "churn",
]
