"""The one way runs are computed: :func:`evaluate` advances runs, as stacks of worlds where they
may share one, and gives each its :class:`Trace`.

``laossim.run`` (and so ``compare`` and the backtest), sweeps' workers, the
calibration and the landscape of a scenario's world all call it, so every
number laossim writes comes from one path. A run is a
:class:`Job` (scenario, seed sequence, steps) and its trace is to the bit what
it gets alone, whatever other runs it was stacked with (:mod:`laossim.batch`):
the same scores, alignments, capabilities, records and final world. No Mesa
and no pandas here; :class:`laossim.model.LaosModel` steps the same
:class:`~laossim.simulation.Simulation` for the app and Mesa's own tools.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Literal, overload

import numpy as np

from laossim import batch, vocab
from laossim.mechanisms.records import Record, Records
from laossim.scenario import Scenario
from laossim.simulation import Simulation, member_series, stack_key
from laossim.world import World

MAX_STACK = 32
"""Most runs in one stack: a stack of 20 small-world runs costs about a sixth per run of running
them alone, and more gains little."""

STACK_CELLS = 4_000_000
"""Most dyad cells (runs x states x states) in one stack, so large worlds stack a few runs at a
time and memory stays bounded (a 1,000-state world stacks four)."""


@dataclass(frozen=True)
class Job:
    """One run: a scenario, the seed sequence of its replication, and how many steps."""

    scenario: Scenario
    seed: np.random.SeedSequence
    steps: int


@dataclass(frozen=True)
class Trace:
    """What one run left: every score and component at every step (step 0 first), the histories
    of the recorded fields (:func:`laossim.simulation.recorded`: alignment (steps + 1, N, K),
    capability (steps + 1, N), ...), what happened (as columns, in order) and at which step, its
    final world, and its share of the wall time of the stack it ran in."""

    scores: dict[str, np.ndarray]
    histories: dict[str, np.ndarray]
    happened: Records
    happened_at: np.ndarray
    world: World
    seconds: float

    @property
    def records(self) -> list[tuple[int, Record]]:
        """What happened, as rows with their step (as :attr:`Simulation.records` has them)."""
        return list(zip(self.happened_at.tolist(), self.happened, strict=True))

    @property
    def alignment(self) -> np.ndarray:
        """Every state's alignment at every step, (steps + 1, N, K)."""
        return self.histories["alignment"]

    @property
    def capability(self) -> np.ndarray:
        """Every state's capability share at every step, (steps + 1, N)."""
        return self.histories["capability"]

    def series(self, output: str) -> np.ndarray:
        """One output at every step: a score or component (:data:`laossim.vocab.COLUMNS`), or a
        family's member (``alignment.LAO.CHN``)."""
        if vocab.family_member(output) is not None:
            return member_series(output, self.histories, self.world)
        return self.scores[output]


@dataclass(frozen=True)
class Failed:
    """A run that raised: its traceback (when :func:`evaluate` is asked to ``isolate`` failures)."""

    error: str
    seconds: float


@overload
def evaluate(
    jobs: Sequence[Job], *, isolate: Literal[False] = False, stepped: Callable[[int], object] | None = None
) -> list[Trace]: ...


@overload
def evaluate(
    jobs: Sequence[Job], *, isolate: Literal[True], stepped: Callable[[int], object] | None = None
) -> list[Trace | Failed]: ...


def evaluate(
    jobs: Sequence[Job],
    *,
    isolate: bool = False,
    stepped: Callable[[int], object] | None = None,
) -> list[Trace] | list[Trace | Failed]:
    """Run every job, those that may share a stack of worlds as one, and return each one's trace
    in the order given (:func:`outcomes` gives them a stack at a time instead).

    Args:
        jobs: the runs.
        isolate: a run that raises becomes a :class:`Failed` with its traceback, computed alone,
            so it cannot sink the runs it was stacked with; otherwise its exception propagates.
        stepped: called after every step with the number of runs it advanced (a progress bar's
            ``update``).
    """
    found = dict(outcomes(jobs, isolate=isolate, stepped=stepped))
    return [found[index] for index in range(len(jobs))]


@overload
def outcomes(
    jobs: Sequence[Job], *, isolate: Literal[False] = False, stepped: Callable[[int], object] | None = None
) -> Iterator[tuple[int, Trace]]: ...


@overload
def outcomes(
    jobs: Sequence[Job], *, isolate: bool, stepped: Callable[[int], object] | None = None
) -> Iterator[tuple[int, Trace | Failed]]: ...


def outcomes(
    jobs: Sequence[Job], *, isolate: bool = False, stepped: Callable[[int], object] | None = None
) -> Iterator[tuple[int, Trace]] | Iterator[tuple[int, Trace | Failed]]:
    """Each job's index and outcome, a stack at a time: a stack's worlds are built when it starts,
    so no more than one stack's worlds are alive at once (read the traces as they come, and a
    run of many replications of a large world holds no more). Arguments as :func:`evaluate`."""
    groups: dict[str, list[int]] = {}
    for index, job in enumerate(jobs):
        groups.setdefault(stack_key(job.scenario, job.steps), []).append(index)
    for indices in groups.values():
        size = stack_size(len(jobs[indices[0]].scenario.states))
        for first in range(0, len(indices), size):
            yield from _stack([(k, jobs[k]) for k in indices[first : first + size]], isolate, stepped)


def stack_size(states: int) -> int:
    """Most runs of a world of ``states`` states in one stack: :data:`MAX_STACK`, and at most
    :data:`STACK_CELLS` dyad cells."""
    return max(1, min(MAX_STACK, STACK_CELLS // (states * states)))


def _stack(
    members: list[tuple[int, Job]], isolate: bool, stepped: Callable[[int], object] | None
) -> Iterator[tuple[int, Trace | Failed]]:
    built: list[tuple[int, Simulation, float]] = []
    for index, job in members:
        start = time.perf_counter()
        try:
            built.append(
                (index, Simulation(job.scenario, job.seed, job.steps, at_rest=False), time.perf_counter() - start)
            )
        except Exception:
            if not isolate:
                raise
            yield index, Failed(traceback.format_exc(), time.perf_counter() - start)
    if not built:
        return
    try:
        found: dict[int, Trace | Failed] = dict(_advance(built, stepped))
    except Exception:
        if not isolate:
            raise
        jobs = dict(members)
        found = {index: _alone(jobs[index], seconds, stepped) for index, _, seconds in built}
    yield from found.items()


def _advance(stack: list[tuple[int, Simulation, float]], stepped: Callable[[int], object] | None) -> dict[int, Trace]:
    start = time.perf_counter() - sum(built for _, _, built in stack)
    simulations = [simulation for _, simulation, _ in stack]
    one = simulations[0] if len(simulations) == 1 else Simulation.stacked(simulations)
    if not one.rested:
        one.rest()  # a stack's runs measure their rest as one
    for t in range(1, one.max_steps + 1):
        one.advance(t)
        if stepped is not None:
            stepped(len(stack))
    seconds = (time.perf_counter() - start) / len(stack)
    scores = {name: one.series(name) for name in vocab.COLUMNS}
    histories = {name: np.stack(history) for name, history in one.histories.items()}
    happened = Records.concat([block for _, block in one.log])
    at = np.repeat([t for t, _ in one.log], [len(block) for _, block in one.log]).astype(np.int64)
    if len(stack) == 1:
        return {stack[0][0]: Trace(scores, histories, happened, at, one.world, seconds)}
    return {  # each run's own copies, so no trace keeps the whole stack's arrays alive
        index: Trace(
            {name: series[:, b].copy() for name, series in scores.items()},
            {name: history[:, b].copy() for name, history in histories.items()},
            happened.of_run(b),
            at[happened.run == b],
            batch.unstack(one.world, b),
            seconds,
        )
        for b, (index, _, _) in enumerate(stack)
    }


def _alone(job: Job, built: float, stepped: Callable[[int], object] | None) -> Trace | Failed:
    start = time.perf_counter() - built
    try:
        simulation = Simulation(job.scenario, job.seed, job.steps, at_rest=False)
        return _advance([(0, simulation, 0.0)], None)[0]
    except Exception:
        return Failed(traceback.format_exc(), time.perf_counter() - start)
