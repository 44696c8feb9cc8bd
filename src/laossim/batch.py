"""Several runs of one scenario structure advanced as one: their worlds stacked on a first axis.

A small world's step is a few hundred numpy calls on arrays of a few dozen
numbers, so it costs the calls, not the arithmetic. Stacking the worlds of B
runs (same states, poles and forums; any state or relation figures) makes each
call serve B runs. A mechanism written for stacks indexes from the right
(``world.trade[..., poles]``, ``axis=-1``) and draws through
:class:`laossim.seeding.Stacked`, so the same code serves one world and a
stack, and every run's numbers are the ones it gets alone, to the bit.

A stack keeps no records (what sweeps record is scores and alignments).
:meth:`laossim.simulation.Simulation.stacked` advances a stack of runs; a
sweep's worker stacks the runs of a task that differ only in state and
relation figures (:func:`laossim.experiment.worker.execute_many`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import numpy as np

from laossim.world import STRUCTURE, Sightings, World

SHARED: tuple[str, ...] = STRUCTURE
"""The structure every stacked world must have in common; every other field gets a run axis."""


def stack(worlds: Sequence[World]) -> World:
    """One world whose every per-run field has a first axis over ``worlds``; this step's
    sightings count their rows over the runs (run b's state i is row b N + i).

    Raises:
        ValueError: the worlds differ in structure.
    """
    first = worlds[0]
    for name in SHARED:
        if any(not np.array_equal(getattr(w, name), getattr(first, name)) for w in worlds[1:]):
            raise ValueError(f"worlds of different structure cannot be stacked: their {name} differ")
    changes: dict[str, object] = {
        f.name: np.stack([np.asarray(getattr(w, f.name)) for w in worlds])
        for f in dataclasses.fields(World)
        if f.name not in SHARED and f.name != "visibility"
    }
    changes["visibility"] = Sightings(
        np.concatenate([w.visibility.rows + b * first.n for b, w in enumerate(worlds)]),
        np.concatenate([w.visibility.cols for w in worlds]),
        np.concatenate([w.visibility.weight for w in worlds]),
    )
    return first.evolve(**changes)


def is_stack(world: World) -> bool:
    """Whether a world is a stack of runs' worlds (its per-state arrays have a run axis)."""
    return world.capability.ndim > 1


def run_index(world: World, dims: int) -> tuple[np.ndarray, ...]:
    """What to put before an index over ``dims`` further axes so it picks each run's own entries:
    nothing for one world, ``(runs,)`` shaped to broadcast for a stack (``x[(*run, i, j)]``)."""
    if not is_stack(world):
        return ()
    return (np.arange(len(world.capability)).reshape(-1, *(1,) * dims),)


def sums_per_run(values: np.ndarray, runs: np.ndarray, count: int) -> np.ndarray:
    """(count,): each run's sum of its ``values``, summed as numpy sums that run's values alone
    (so to the bit what the run gets unstacked); ``runs`` gives each value's run."""
    out = np.zeros(count)
    for b in np.unique(runs).tolist():
        out[b] = values[runs == b].sum()
    return out
