"""Several runs of one scenario structure advanced as one: their worlds stacked on a first axis.

A small world's step is a few hundred numpy calls on arrays of a few dozen
numbers, so it costs the calls, not the arithmetic. Stacking the worlds of B
runs (same states, poles and forums; any state or relation figures) makes each
call serve B runs. A mechanism written for stacks indexes from the right
(``world.trade[..., poles]``, ``axis=-1``) and draws through
:class:`laossim.seeding.Stacked`, so the same code serves one world and a
stack, and every run's numbers are the ones it gets alone, to the bit.

Work in progress (issue 4): :mod:`laossim.mechanisms.alignment` takes stacks;
the other mechanisms and the scores do not yet, so nothing runs stacks yet.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import numpy as np

from laossim.world import World

SHARED: tuple[str, ...] = ("ids", "poles", "focal", "steps_per_year", "forum_ids")
"""The structure every stacked world must have in common; every other field gets a run axis."""


def stack(worlds: Sequence[World]) -> World:
    """One world whose every per-run field has a first axis over ``worlds``.

    Worlds are stacked between steps, where nothing was seen this step (an empty ``visibility``).

    Raises:
        ValueError: the worlds differ in structure, or one holds this step's sightings.
    """
    first = worlds[0]
    for name in SHARED:
        if any(not np.array_equal(getattr(w, name), getattr(first, name)) for w in worlds[1:]):
            raise ValueError(f"worlds of different structure cannot be stacked: their {name} differ")
    if any(len(w.visibility) for w in worlds):
        raise ValueError("stack worlds between steps: one holds this step's sightings (visibility)")
    changes = {
        f.name: np.stack([np.asarray(getattr(w, f.name)) for w in worlds])
        for f in dataclasses.fields(World)
        if f.name not in SHARED and f.name != "visibility"
    }
    return first.evolve(**changes)
