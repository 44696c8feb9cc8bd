"""What a sweep's worker process runs: one task, one run, its outputs as arrays.

Light on purpose: it imports numpy, pydantic and laossim's core, not Mesa,
pandas or pyarrow, so a process pool's server (``forkserver.WORKER``)
starts in a fraction of the time the full package takes.
"""

from __future__ import annotations

import pickle
import time
import traceback
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


def execute(task: Task) -> tuple[int, Columns | None, str | None, float]:
    """Run one task: (run_id, per-step outputs or None, traceback or None, wall seconds).

    Never raises: a failing run is returned with its traceback so the sweep goes on.
    """
    start = time.perf_counter()
    try:
        base = _unpickled(task.scenario)
        scenario = override_scenario(base, task.overrides) if task.overrides else base
        seq = np.random.SeedSequence(task.seed_entropy, spawn_key=(task.seed_key,))
        simulation = Simulation(scenario, seq, task.steps)
        simulation.run()
        series = {name: simulation.series(name) for name in task.outputs}
        steps = len(series[task.outputs[0]])
        columns: Columns = {
            "run_id": np.full(steps, task.run_id, dtype=np.int64),
            "step": np.arange(steps, dtype=np.int64),
            **series,
        }
        return task.run_id, columns, None, time.perf_counter() - start
    except Exception:
        return task.run_id, None, traceback.format_exc(), time.perf_counter() - start
