"""The alignment core (model version 3): positions anchored at resting positions, the nested
forecasts as settings of its coefficients, and scenario files that give positions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from conftest import SCENARIOS
from laossim.errors import ScenarioError
from laossim.inputs.tree import read_yaml, to_builtin
from laossim.mechanisms import alignment
from laossim.scenario import load_scenario, override_scenario
from laossim.simulation import Simulation
from yaml_writer import dump

STILL = {
    "parameters.alignment.pressure_gain": 0.0,
    "parameters.alignment.noise": 0.0,
    "parameters.forums.norm_pull": 0.0,
}
"""Everything but the error correction that moves a position: off."""


def positions(spec, steps: int, seed: int = 1) -> list[np.ndarray]:
    sim = Simulation(spec, np.random.SeedSequence(seed), steps)
    sim.run()
    return sim.histories["position"]


@pytest.mark.parametrize("name", ["laos_baseline", "us_china_crisis", "backtest_2000"])
def test_no_responsiveness_and_no_noise_is_persistence_to_the_bit(name: str):
    """The naive forecast 'nothing moves' is the model with rho = 0, whatever else happens."""
    spec = override_scenario(
        load_scenario(SCENARIOS / f"{name}.yaml"), {**STILL, "parameters.alignment.responsiveness": 0.0}
    )
    spec = override_scenario(spec, {f"states.{s.id}.responsiveness": 0.0 for s in spec.states if s.responsiveness})
    history = positions(spec, 40)
    for x in history[1:]:
        np.testing.assert_array_equal(x, history[0])


def teaching_in_positions(resting: dict[str, list[float]] | None = None) -> dict[str, Any]:
    """The teaching scenario in format version 2: its shares given as positions on one axis."""
    doc, problems = read_yaml(SCENARIOS / "teaching_minimal.yaml")
    assert not problems
    data = to_builtin(doc)
    data["format_version"] = 2
    place = {"CHN": [0.5], "USA": [-0.5], "LAO": [0.05], "VNM": [0.0]}
    for state in data["states"]:
        state.pop("alignment", None)
        state["position"] = place[state["id"]]
        if resting and state["id"] in resting:
            state["resting_position"] = resting[state["id"]]
    return data


def written(tmp_path: Path, data: dict[str, Any]) -> Path:
    path = tmp_path / "positions.yaml"
    path.write_text(dump(data))
    return path


def test_with_no_leverage_gain_a_state_corrects_toward_its_resting_position_geometrically(tmp_path):
    spec = load_scenario(written(tmp_path, teaching_in_positions({"LAO": [0.25]})))
    rho = 0.4
    spec = override_scenario(spec, {**STILL, "parameters.alignment.leverage_gain": 0.0,
                                    "parameters.alignment.responsiveness": rho})  # fmt: skip
    history = positions(spec, 12)
    lao = spec.state_ids.index("LAO")
    keep = (1 - rho) ** (1 / 4)  # per quarter
    for t, x in enumerate(history):
        assert x[lao, 0] == pytest.approx(0.25 + keep**t * (0.05 - 0.25), abs=1e-12)
    np.testing.assert_array_equal(np.array(history)[:, [1, 2, 3]], np.array(history[:1] * len(history))[:, [1, 2, 3]])


def test_runs_record_each_states_position_on_each_axis(tmp_path):
    from laossim.runs import run

    result = run(SCENARIOS / "laos_baseline.yaml", replications=1, steps=3)
    states = result.states
    assert {"position_1", "position_2"} <= set(states.columns)
    assert "position_3" not in states.columns  # three poles: two axes
    first = states[(states.step == 0) & (states.state == "CHN")]
    assert first.position_1.iloc[0] == pytest.approx(0.5)


def test_the_kernels_stack_brought_to_rest_as_one_gives_each_run_its_own_numbers():
    """The kernel's path: runs built without their rest, stacked, then brought to rest as one stack,
    equal to the bit to each run built and rested alone."""
    base = load_scenario(SCENARIOS / "laos_baseline.yaml")
    specs = [override_scenario(base, {"parameters.alignment.sharpness": b}) for b in (2.0, 4.0, 6.0)]
    seqs = [np.random.SeedSequence(3, spawn_key=(r,)) for r in range(3)]
    stack = Simulation.stacked([Simulation(s, q, 12, at_rest=False) for s, q in zip(specs, seqs, strict=True)])
    stack.rest()
    stack.run()
    for b, (spec, seq) in enumerate(zip(specs, seqs, strict=True)):
        alone = Simulation(spec, seq, 12)
        alone.run()
        for name in ("stability", "cooperation", "alignment.LAO.CHN", "position.LAO.1"):
            np.testing.assert_array_equal(stack.series(name)[:, b], alone.series(name), err_msg=name)


def test_a_forum_founded_during_the_run_is_no_part_of_its_rest(tmp_path):
    """Its founding is a change: the rest is the same as if the forum were not there at all."""
    data = teaching_in_positions()
    founded = {"id": "ADMM", "members": ["LAO", "VNM"], "period": 2, "strength": 0.5, "since": "2025-Q3"}
    with_later = load_scenario(written(tmp_path, data | {"forums": [*data["forums"], founded]}))
    without = load_scenario(written(tmp_path, data))
    rested = [Simulation(spec, np.random.SeedSequence(1), 4) for spec in (with_later, without)]
    np.testing.assert_array_equal(rested[0].world.drift, rested[1].world.drift)
    assert rested[0].world.forum_expected == rested[1].world.forum_expected


def test_rest_samples_cover_every_meeting_period_in_proportion():
    from laossim.simulation import REST_SAMPLES, rest_samples

    world = Simulation(load_scenario(SCENARIOS / "laos_baseline.yaml"), np.random.SeedSequence(1), 1).world
    assert rest_samples(world) == REST_SAMPLES  # periods 2 and 4
    assert rest_samples(world.evolve(forum_period=np.array([3, 4, 2]))) == 24
    assert rest_samples(world.evolve(forum_period=np.array([5, 7, 9]))) == 48  # the cap


CASES = {
    "needs version 2": (lambda d: d.__setitem__("format_version", 1), ("states", 0, "position"),
                        "position is new in format version 2", "put format_version: 2 at the top of the file"),
    "one coordinate per axis": (lambda d: d["states"][1].__setitem__("position", [0.1, 0.2]), ("states", 1, "position"),
                                "position has 2 coordinates", "expected 1: one per pole but one (CHN, USA)"),
    "every state or none": (lambda d: d["states"][1].pop("position"), ("states", 1, "id"),
                            "no position, while other states have one", "give VNM a position as LAO has"),
    "not beside an alignment": (lambda d: d["states"][0].__setitem__("alignment", {"CHN": 0.5, "USA": 0.5}),
                                ("states", 0, "alignment"), "both an alignment and a position", "remove alignment"),
    "distinct poles": (lambda d: d["states"][3].__setitem__("position", [0.5]), ("states", 3, "position"),
                       "the same position as the pole CHN", "move one of them"),
    "a bounded coordinate": (lambda d: d["states"][0].__setitem__("position", [1e300]), ("states", 0, "position"),
                             "out of range (expected a number <= 1000.0, got 1e+300)"),
}  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_a_position_given_wrongly_is_refused_with_its_file_line_and_a_fix(tmp_path, case: str):
    change, keys, *words = CASES[case]
    data = teaching_in_positions()
    change(data)
    path = written(tmp_path, data)
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    node, _ = read_yaml(path)
    for key in keys[:-1]:
        node = node[key]
    line = node.where(keys[-1])[1]
    message = str(caught.value)
    assert f"{path}:{line}:" in message, message
    for word in words:
        assert word in message, message


def expected_path(noise: float, replications: int = 64, steps: int = 80) -> Simulation:
    """The baseline's expected path: no events, no modernisation, many replications as one stack."""
    base = load_scenario(SCENARIOS / "laos_baseline.yaml")
    still = {f"states.{s.id}.modernization": 0.0 for s in base.states} | {"parameters.alignment.noise": noise}
    stack = Simulation.replicated(override_scenario(base, still).model_copy(update={"events": []}), replications, steps)
    stack.run()
    return stack


def test_a_run_begins_at_rest_so_nothing_drifts_on_the_expected_path():
    """No spin-up: with nothing scheduled and no growth, every state's mean alignment stays within
    0.02 (total variation) of where it began over 80 quarters, and no headline score's mean moves by
    more than 0.02 from step 0 in the first 20 steps (noise off: with it, the coalition scores flip
    with a near-tied Laos; docs/model.md gives those figures)."""
    stack = expected_path(noise=0.0)
    mean = np.stack(stack.histories["alignment"]).mean(axis=1)
    moved = (0.5 * np.abs(mean - mean[0]).sum(axis=-1)).max(axis=0)
    hedgers = stack.world.doctrine[0] == alignment.HEDGER
    assert moved[hedgers].max() < 0.02
    # a bandwagoner's or balancer's refusal clips one side of its leverage's fluctuations, which
    # leaves a small drift (Cambodia: 0.022; docs/model.md)
    assert moved.max() < 0.03
    for name in ("stability", "cooperation", "focal_autonomy", "focal_security"):
        path = stack.series(name).mean(axis=1)
        assert np.abs(path[:21] - path[0]).max() < 0.02, name


def test_the_tallies_start_at_their_expected_values_so_no_score_jumps_at_the_first_step():
    stack = expected_path(noise=0.02, replications=32, steps=4)
    for name in ("cooperation", "engagement_volume", "forum_participation", "volatility"):
        path = stack.series(name).mean(axis=1)
        assert abs(path[1] - path[0]) < 0.05, name  # the first design's cooperation jumped from 0.10 to 0.48
    cold = Simulation(load_scenario(SCENARIOS / "laos_baseline.yaml"), np.random.SeedSequence(1), 1, at_rest=False)
    assert cold.scores["engagement_volume"] == 0.0  # what a run not brought to rest would show
