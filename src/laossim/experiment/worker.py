"""What a sweep's worker process runs: one task, one run, its outputs as arrays.

Light on purpose: it imports numpy, pydantic and laossim's core, not Mesa,
pandas or pyarrow, so a process pool's server (``forkserver.WORKER``)
starts in a fraction of the time the full package takes.
"""

from __future__ import annotations

import pickle
import time
import traceback
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from laossim.scenario import Scenario, override_scenario
from laossim.simulation import Simulation

Columns = dict[str, np.ndarray]
"""A finished run's per-step outputs: ``run_id``, ``step`` and one array per output."""


@dataclass(frozen=True)
class Task:
    """Everything a worker needs for one run; small and cheap to pickle.

    The scenario travels as its pickle, made once per sweep: the parent copies
    bytes instead of pickling a Scenario per run, and each worker unpickles it
    once (:func:`_unpickled`).
    """

    run_id: int
    scenario: bytes
    overrides: dict[str, Any]
    seed_entropy: int
    seed_key: int
    steps: int
    outputs: tuple[str, ...]


@lru_cache(maxsize=4)
def _unpickled(blob: bytes) -> Scenario:
    return pickle.loads(blob)


Result = tuple[int, Columns | None, str | None, float]
"""(run_id, per-step outputs or None, traceback or None, wall seconds)."""


def execute(task: Task) -> Result:
    """Run one task: (run_id, per-step outputs or None, traceback or None, wall seconds).

    Never raises: a failing run is recorded with its traceback, so one bad
    parameter combination cannot sink a sweep.
    """
    start = time.perf_counter()
    try:
        return _finished(task, _simulation(task), start)
    except Exception:
        return task.run_id, None, traceback.format_exc(), time.perf_counter() - start


def execute_many(tasks: Sequence[Task]) -> list[Result]:
    """Run several tasks, those that may share a stack of worlds on one (:meth:`Simulation.stacked`:
    a few times cheaper per run for small worlds; :func:`laossim.batch.varies_within_stack`).

    Returns each task's result, in order, to the bit what :func:`execute` returns for it (each
    stacked run's wall time is its share of its stack's, building included). Never raises: a
    stack that fails is run again run by run, so a failing run is recorded with its own traceback.
    """
    groups: dict[tuple, list[tuple[Task, Simulation, float]]] = defaultdict(list)
    results: dict[int, Result] = {}
    for task in tasks:
        start = time.perf_counter()
        try:
            simulation = _simulation(task)
        except Exception:  # recorded with its own traceback
            results[task.run_id] = task.run_id, None, traceback.format_exc(), time.perf_counter() - start
            continue
        groups[task.scenario, task.outputs, simulation.stack_key()].append(
            (task, simulation, time.perf_counter() - start)
        )
    for group in groups.values():
        try:
            results |= _execute_stacked(group) if len(group) > 1 else _execute_alone(*group[0])
        except Exception:  # each run of the group is tried alone, recording its own failure
            results |= {task.run_id: execute(task) for task, _, _ in group}
    return [results[task.run_id] for task in tasks]


def _finished(task: Task, simulation: Simulation, start: float) -> Result:
    """Run a built simulation to its end (raises what it raises); ``start``: when its clock began."""
    simulation.run()
    series = {name: simulation.series(name) for name in task.outputs}
    return task.run_id, _columns(task, series), None, time.perf_counter() - start


def _execute_alone(task: Task, simulation: Simulation, built: float) -> dict[int, Result]:
    return {task.run_id: _finished(task, simulation, time.perf_counter() - built)}


def _execute_stacked(group: list[tuple[Task, Simulation, float]]) -> dict[int, Result]:
    start = time.perf_counter() - sum(built for _, _, built in group)
    tasks = [task for task, _, _ in group]
    stack = Simulation.stacked([simulation for _, simulation, _ in group])
    stack.run()
    series = {name: stack.series(name) for name in tasks[0].outputs}
    seconds = (time.perf_counter() - start) / len(tasks)
    return {
        task.run_id: (task.run_id, _columns(task, {name: s[:, b] for name, s in series.items()}), None, seconds)
        for b, task in enumerate(tasks)
    }


def _simulation(task: Task) -> Simulation:
    base = _unpickled(task.scenario)
    scenario = override_scenario(base, task.overrides) if task.overrides else base
    return Simulation(scenario, np.random.SeedSequence(task.seed_entropy, spawn_key=(task.seed_key,)), task.steps)


def _columns(task: Task, series: dict[str, np.ndarray]) -> Columns:
    steps = len(series[task.outputs[0]])
    return {
        "run_id": np.full(steps, task.run_id, dtype=np.int64),
        "step": np.arange(steps, dtype=np.int64),
        **series,
    }
