"""The mechanisms of MODEL.md as pure functions ``(world, params, rng, t) -> (world, records)``.

Each takes one world or a stack of several runs' worlds (:mod:`laossim.batch`):
arrays are indexed from the right (``...``, ``axis=-1``), so one code path
serves both and every run of a stack gets exactly what it gets alone.

:data:`STEP_ORDER` is the one place the order of a step is written; the
Mesa model composes the mechanisms in that order after :func:`begin_step`.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from laossim.mechanisms import alignment, crises, economy, engagement, events, forums, security
from laossim.mechanisms.records import Record
from laossim.scenario.parameters import Parameters
from laossim.world import Sightings, World, per_step

Mechanism = Callable[[World, Parameters, np.random.Generator, int], tuple[World, list[Record]]]

STEP_ORDER: tuple[tuple[str, Mechanism], ...] = (
    ("events", events.step),  # needs the schedule: the model binds it
    ("alignment", alignment.step),
    ("engagement", engagement.step),
    ("forums", forums.step),
    ("security", security.step),
    ("crises", crises.step),
    ("economy", economy.step),
)
MECHANISMS: tuple[str, ...] = tuple(name for name, _ in STEP_ORDER)


def begin_step(world: World, params: Parameters) -> World:
    """Age the slow state by one step and clear the per-step accumulators.

    Engagement and forum tallies are exponential sums with a one-year
    memory; the crisis load forgets over ``scores.crisis_window`` years;
    polarisation pressure and disasters decay at their yearly rates.
    """
    spy = world.steps_per_year
    year = float(np.exp(-1.0 / spy))
    crisis_memory = float(np.exp(-1.0 / (params.scores.crisis_window * spy)))
    return world.evolve(
        pressure=world.pressure * (1.0 - per_step(params.crises.pressure_decay, spy)),
        disaster=world.disaster * (1.0 - per_step(params.crises.disaster_decay, spy)),
        crisis_load=world.crisis_load * crisis_memory,
        engaged_units=world.engaged_units * year,
        budget_units=world.budget_units * year,
        forum_attended=world.forum_attended * year,
        forum_expected=world.forum_expected * year,
        visibility=Sightings.none(),
        capability_gain=np.zeros_like(world.capability),
        crisis_count=world.crisis_count * 0,  # 0, for each run of a stack
        prev_alignment=world.alignment,
    )


__all__ = ["MECHANISMS", "STEP_ORDER", "Mechanism", "Record", "begin_step"]
