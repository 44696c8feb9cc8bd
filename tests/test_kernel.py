"""The kernel: every run through one path, stacked where runs may share a stack, each run's trace
what it gets alone."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from conftest import BASELINE, SCENARIOS
from laossim import kernel, vocab
from laossim.kernel import Failed, Job, Trace, evaluate
from laossim.scenario import load_scenario, override_scenario
from laossim.simulation import Simulation
from laossim.world import Sightings


def alone(job: Job) -> Simulation:
    simulation = Simulation(job.scenario, job.seed, job.steps)
    simulation.run()
    return simulation


def assert_trace_is_the_runs_own(trace: Trace, job: Job) -> None:
    sim = alone(job)
    for name in vocab.COLUMNS:
        np.testing.assert_array_equal(trace.scores[name], sim.series(name), err_msg=name)
    np.testing.assert_array_equal(trace.alignment, np.stack(sim.alignment_history))
    np.testing.assert_array_equal(trace.capability, np.stack(sim.capability_history))
    assert trace.records == sim.records
    for field in dataclasses.fields(sim.world):
        mine, theirs = getattr(trace.world, field.name), getattr(sim.world, field.name)
        if isinstance(theirs, Sightings):
            for part in ("rows", "cols", "weight"):
                np.testing.assert_array_equal(getattr(mine, part), getattr(theirs, part), err_msg=field.name)
        else:
            np.testing.assert_array_equal(np.asarray(mine), np.asarray(theirs), err_msg=field.name)


def test_runs_of_several_scenarios_and_coefficients_each_get_their_own_trace():
    baseline = load_scenario(BASELINE)
    eventful = load_scenario(SCENARIOS / "vietnam_special_relationship.yaml")
    minimal = load_scenario(SCENARIOS / "teaching_minimal.yaml")
    seqs = [np.random.SeedSequence(4, spawn_key=(r,)) for r in range(3)]
    jobs = [
        Job(baseline, seqs[0], 12),
        Job(minimal, seqs[0], 12),  # another structure: its own stack
        Job(override_scenario(baseline, {"parameters.crises.intercept": -2.0}), seqs[1], 12),  # shares the first's
        Job(eventful, seqs[2], 12),  # other events
        Job(override_scenario(baseline, {"parameters.engagement.max_per_step": 2}), seqs[2], 12),  # another shape
        Job(baseline, seqs[2], 12),
    ]
    traces = evaluate(jobs)
    assert len(traces) == len(jobs)
    for trace, job in zip(traces, jobs, strict=True):
        assert_trace_is_the_runs_own(trace, job)
    assert traces[0].seconds == traces[2].seconds == traces[5].seconds  # one stack, sharing its time
    assert any(len(t.records) for t in traces)


def test_progress_counts_every_step_of_every_run_and_stacks_are_bounded(monkeypatch):
    baseline = load_scenario(BASELINE)
    jobs = [Job(baseline, np.random.SeedSequence(1, spawn_key=(r,)), 5) for r in range(7)]
    monkeypatch.setattr(kernel, "MAX_STACK", 3)  # stacks of 3, 3 and 1
    counted: list[int] = []
    traces = evaluate(jobs, stepped=counted.append)
    assert sum(counted) == 7 * 5 and sorted(set(counted)) == [1, 3]
    for trace, job in zip(traces, jobs, strict=True):
        assert_trace_is_the_runs_own(trace, job)


def test_a_run_that_fails_is_isolated_only_when_asked():
    baseline = load_scenario(BASELINE)
    good = Job(baseline, np.random.SeedSequence(2), 4)
    bad = Job(baseline, "not a seed sequence", 4)  # type: ignore[arg-type]
    outcomes = evaluate([good, bad, good], isolate=True)
    assert isinstance(outcomes[1], Failed) and "Traceback" in outcomes[1].error
    for outcome in (outcomes[0], outcomes[2]):
        assert isinstance(outcome, Trace)
        assert_trace_is_the_runs_own(outcome, good)
    with pytest.raises(AttributeError):
        evaluate([good, bad])


def test_a_trace_reads_a_states_alignment_as_a_sweep_names_it():
    baseline = load_scenario(BASELINE)
    (trace,) = evaluate([Job(baseline, np.random.SeedSequence(3), 6)])
    state, pole = baseline.state_ids.index("LAO"), baseline.poles.index("CHN")
    np.testing.assert_array_equal(trace.series("alignment.LAO.CHN"), trace.alignment[:, state, pole])
    np.testing.assert_array_equal(trace.series("stability"), trace.scores["stability"])


def test_a_stacks_worlds_are_built_when_it_starts_so_earlier_stacks_come_out_first(monkeypatch):
    baseline = load_scenario(BASELINE)
    monkeypatch.setattr(kernel, "MAX_STACK", 2)
    good = [Job(baseline, np.random.SeedSequence(5, spawn_key=(r,)), 3) for r in range(2)]
    bad = Job(baseline, "not a seed sequence", 3)  # type: ignore[arg-type]
    stream = kernel.outcomes([*good, bad])
    first = [next(stream), next(stream)]  # the first stack is done before the second's world is built
    assert [index for index, _ in first] == [0, 1]
    with pytest.raises(AttributeError):
        next(stream)
