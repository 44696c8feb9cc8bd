"""Mechanism 8: hold the scenario's figures at rest, so a run moves only with changes.

A scenario's figures (trust, tension, interoperability, trade, aid, debt, and
the capabilities but for their modernisation) describe the world as it stands; the other mechanisms would
carry them off toward their own equilibrium within a few years, and every
score would drift although nothing happened. At the start of a run each of
these figures' expected change in one step from the initial world is
measured (``laossim.simulation.Simulation.rest``: the mean over a few
sampled steps of every mechanism but the scheduled events and the noise) and
stored in the world (``drift``, ``drift_capability``); each step this
mechanism takes it off again. The initial world is then a fixed point of
the expected dynamics: the mechanisms still answer every change (an event, a
crisis, a run of exercises), and after one the figures return toward those
the scenario gave at the mechanisms' own rates.
"""

from __future__ import annotations

import numpy as np

from laossim.mechanisms.contract import contract
from laossim.mechanisms.records import NONE, Records
from laossim.scenario.parameters import Parameters
from laossim.world import RESTING, World

CONTRACT = contract(
    reads=f"{' '.join(RESTING)} capability drift drift_capability",
    writes=f"{' '.join(RESTING)} capability",
)


def step(world: World, params: Parameters, rng: np.random.Generator, t: int) -> tuple[World, Records]:
    """Take each figure's measured drift off (bounded figures stay in [0, 1])."""
    held = np.stack([getattr(world, name) for name in RESTING], axis=-3)  # as ``drift``: one array for all
    held -= world.drift
    np.maximum(held, 0.0, out=held)  # bounded in place (np.clip costs more)
    np.minimum(held, 1.0, out=held)
    changes = {name: held[..., k, :, :] for k, name in enumerate(RESTING)}
    capability = np.maximum(world.capability / (1.0 + world.drift_capability), 1e-12)
    return world.evolve(**changes, capability=capability), NONE
