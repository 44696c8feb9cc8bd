"""What a sweep's worker process runs: a few tasks, each one run, through the kernel; their
outputs as arrays.

Light on purpose: it imports numpy, pydantic and laossim's core, not Mesa,
pandas or pyarrow, so a process pool's server (``forkserver.WORKER``)
starts in a fraction of the time the full package takes.
"""

from __future__ import annotations

import pickle
import time
import traceback
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from laossim.kernel import Failed, Job, evaluate
from laossim.scenario import Scenario, override_scenario

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
    return execute_many([task])[0]


def execute_many(tasks: Sequence[Task]) -> list[Result]:
    """Run several tasks through the kernel (:func:`laossim.kernel.evaluate`), which advances
    those that may share a stack of worlds as one: a few times cheaper per run for small worlds.

    Returns each task's result, in order, to the bit what it gets alone (each stacked run's wall
    time is its share of its stack's). Never raises: a run that fails, even in a stack, is
    recorded with its own traceback.
    """
    results: dict[int, Result] = {}
    jobs: list[tuple[Task, Job]] = []
    for task in tasks:
        start = time.perf_counter()
        try:
            base = _unpickled(task.scenario)
            scenario = override_scenario(base, task.overrides) if task.overrides else base
        except Exception:  # recorded with its own traceback
            results[task.run_id] = task.run_id, None, traceback.format_exc(), time.perf_counter() - start
            continue
        seq = np.random.SeedSequence(task.seed_entropy, spawn_key=(task.seed_key,))
        jobs.append((task, Job(scenario, seq, task.steps)))
    outcomes = evaluate([job for _, job in jobs], isolate=True)
    for (task, _), outcome in zip(jobs, outcomes, strict=True):
        if isinstance(outcome, Failed):
            results[task.run_id] = task.run_id, None, outcome.error, outcome.seconds
            continue
        try:
            series = {name: outcome.series(name) for name in task.outputs}
            results[task.run_id] = task.run_id, _columns(task, series), None, outcome.seconds
        except Exception:  # an output the run cannot give is that run's failure, not the sweep's
            results[task.run_id] = task.run_id, None, traceback.format_exc(), outcome.seconds
    return [results[task.run_id] for task in tasks]


def _columns(task: Task, series: dict[str, np.ndarray]) -> Columns:
    steps = len(series[task.outputs[0]])
    return {
        "run_id": np.full(steps, task.run_id, dtype=np.int64),
        "step": np.arange(steps, dtype=np.int64),
        **series,
    }
