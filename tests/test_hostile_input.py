"""The hostile user's suite, part 2: bad input gets a clear error (exit 2), never a traceback.

(Part 1, nothing lost or overwritten, is ``tests/test_data_loss.py``.) Bad files are built from
the shipped teaching scenario read through the loader's own tree (``read_yaml``), changed as data
and written back, so the cases survive any rewrite of the scenario's text; the expected line of
each message is read from the same tree. Each case asserts the exit code, the message with its
FILE:LINE and field, no traceback, and that nothing in the user's folder changed.
"""

from __future__ import annotations

import os
import subprocess
import sys
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conftest import SCENARIOS
from laossim.cli import main
from laossim.errors import NonFiniteScoreError, ScenarioError
from laossim.inputs.tree import MAX_VALUES, read_yaml, to_builtin
from laossim.scenario import Parameters, load_scenario, override_scenario
from laossim.simulation import Simulation
from yaml_writer import dump

BASELINE = str(SCENARIOS / "laos_baseline.yaml")
TEACHING = str(SCENARIOS / "teaching_minimal.yaml")


def teaching() -> dict[str, Any]:
    """The teaching scenario as plain data, read by the loader."""
    doc, problems = read_yaml(Path(TEACHING))
    assert not problems
    return to_builtin(doc)


def state(data: dict[str, Any], sid: str) -> dict[str, Any]:
    return next(s for s in data["states"] if s["id"] == sid)


def variant(folder: Path, change: Callable[[dict[str, Any]], object], name: str = "bad.yaml") -> Path:
    """The teaching scenario with ``change`` applied to its data, written to ``folder/name``."""
    data = teaching()
    change(data)
    path = folder / name
    path.write_text(dump(data))
    return path


def line_of(path: Path, *keys: str | int) -> int:
    """The line the loader gives ``keys`` (section, item index, field) in ``path``."""
    node, _ = read_yaml(path)
    for key in keys[:-1]:
        node = node[key]
    line = node.where(keys[-1])[1]
    assert line is not None
    return line


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def refused(capsys, code: int, *words: str) -> str:
    err = capsys.readouterr().err
    assert code == 2, err
    assert "Traceback" not in err
    for word in words:
        assert word in err, err
    return err


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["run", BASELINE, "--seed", "-1"], "--seed: must be at least 0 (got -1)"),
        (["backtest", str(SCENARIOS / "backtest_2000.yaml"), "--seed", "-3"], "--seed: must be at least 0"),
        (["landscape", TEACHING, "--seed", "x"], "--seed: expected a whole number, got 'x'"),
        (["app", "--port", "99999"], "--port: must be at most 65535 (got 99999)"),
        (["run", BASELINE, "--steps", "0"], "--steps: must be at least 1 (got 0)"),
    ],
    ids=["run-seed", "backtest-seed", "landscape-seed", "app-port", "run-steps"],
)
def test_an_option_out_of_range_is_named_with_exit_2(home, capsys, args, words):
    assert main(args) == 2
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err
    assert not list(home.iterdir())  # nothing was written


def test_compare_of_scenarios_with_different_replication_counts_pairs_the_fewer(capsys):
    assert main(["compare", BASELINE, TEACHING, "--steps", "2"]) == 0  # 10 and 5 replications
    out = capsys.readouterr().out
    assert "5 paired replications of 2 steps" in out


# -- numbers: non-finite, true/false, and beyond what the quantity means ------------------------

NUMBERS = {
    "capability-huge": (
        lambda d: state(d, "LAO").update(capability=1e308),
        ("states", 0, "capability"),
        "states.LAO.capability: out of range (expected a number <= 1",
    ),
    "capability-true": (
        lambda d: state(d, "VNM").update(capability=True),
        ("states", 1, "capability"),
        "states.VNM.capability: true or false where a number is meant",
    ),
    "capability-5": (
        lambda d: state(d, "LAO").update(capability=5),
        ("states", 0, "capability"),
        "states.LAO.capability: out of range",
    ),
    "budget-inf": (
        lambda d: state(d, "LAO").update(engagement_budget=float("inf")),
        ("states", 0, "engagement_budget"),
        "states.LAO.engagement_budget: not a finite number (expected a finite number, got inf)",
    ),
    "parameter-inf": (
        lambda d: d.update(parameters={"alignment": {"responsiveness": float("-inf")}}),
        ("parameters", "alignment", "responsiveness"),
        "parameters.alignment.responsiveness: not a finite number",
    ),
    "steps-true": (
        lambda d: d["simulation"].update(steps=True),
        ("simulation", "steps"),
        "simulation.steps: true or false where a number is meant (expected a number, got true)",
    ),
    "event-nan": (
        lambda d: (
            d["events"].append({"at": 3, "type": "change", "state": "LAO", "field": "autonomy", "op": "add"})
            or d["events"][-1].update(value=float("nan"))
        ),
        ("events", 1, "value"),
        "events[1].value: not a finite number (expected a finite number, got nan)",
    ),
    "event-set-beyond-range": (
        lambda d: d["events"].append(
            {"at": 3, "type": "change", "state": "LAO", "field": "capability", "op": "set", "value": 5}
        ),
        ("events", 1, "value"),
        "events[1].value: capability cannot be set outside its range (expected a number from 1e-12 to 1, got 5)",
    ),
    "event-at-true": (
        lambda d: d["events"].append({"at": True, "type": "disaster", "state": "LAO"}),
        ("events", 1, "at"),
        "events[1].at: true or false where a number is meant",
    ),
}


@pytest.mark.parametrize("case", list(NUMBERS))
def test_a_number_that_is_not_finite_true_or_false_or_beyond_its_meaning_is_refused(home, capsys, case):
    change, keys, words = NUMBERS[case]
    path = variant(home, change)
    before = snapshot(home)
    err = refused(capsys, main(["run", str(path), "--steps", "2"]), f"{path}:{line_of(path, *keys)}: {words}")
    assert len(err.strip().splitlines()) == 1, err  # one message for one mistake, no cascade
    assert snapshot(home) == before  # no results folder


def test_a_scenario_file_with_a_non_finite_number_is_refused_by_a_subprocess_too(home):
    path = variant(home, lambda d: state(d, "VNM").update(threat_sensitivity=float("nan")))
    done = subprocess.run(
        [sys.executable, "-m", "laossim", "run", str(path)], cwd=home, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 2, done.stderr
    assert f"{path}:{line_of(path, 'states', 1, 'threat_sensitivity')}: states.VNM.threat_sensitivity" in done.stderr
    assert "Traceback" not in done.stderr and not (home / "results").exists()


def test_scores_stay_finite_and_in_range_at_the_longest_horizons():
    """Capability is a share of the world's: with Laos doubling it every year for 500 years its
    total is held at (about) 1 and every score stays in [0, 1] (before, it overflowed near step
    7,600)."""
    scenario = override_scenario(load_scenario(TEACHING), {"states.LAO.modernization": 1.0})
    sim = Simulation(scenario, np.random.SeedSequence(3), steps=2000)
    sim.run()
    assert 0.99 < sim.world.capability.sum() <= 1.0 + 1e-12  # the rest takes its engagements' share off
    for name in ("stability", "cooperation", "focal_autonomy", "focal_security"):
        values = sim.series(name)
        assert np.isfinite(values).all() and values.min() >= 0 and values.max() <= 1, name


def test_a_score_that_is_not_finite_stops_the_run_before_anything_is_written():
    sim = Simulation(load_scenario(TEACHING), np.random.SeedSequence(1), steps=3)
    sim.world = sim.world.evolve(trust=sim.world.trust * np.nan)  # what a broken mechanism would leave
    with pytest.raises(NonFiniteScoreError, match=r"step 1: .*cooperation.* not a finite number"):
        sim.run()


# -- YAML that expands without limit ------------------------------------------------------------


def alias_bomb(nest: str) -> str:
    """Nine levels of nine aliases each: 9**9 values once expanded."""
    lines = ["format_version: 1", "scenario: bomb", 'l0: &l0 ["x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    for k in range(1, 10):
        items = ", ".join(f"{f'k{i}: ' if nest == 'maps' else ''}*l{k - 1}" for i in range(9))
        lines.append(f"l{k}: &l{k} {'{' if nest == 'maps' else '['}{items}{'}' if nest == 'maps' else ']'}")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("nest", ["lists", "maps"])
def test_a_yaml_alias_bomb_is_refused_with_its_line(home, capsys, nest):
    path = home / "bomb.yaml"
    path.write_text(alias_bomb(nest))
    refused(capsys, main(["validate", str(path)]), f"{path}:", f"expands to more than {MAX_VALUES:,} values")


# -- what a sweep would silently ignore --------------------------------------------------------


@pytest.mark.parametrize("key", ["simulation.steps", "simulation.seed"])
def test_a_sweep_refuses_to_vary_simulation_settings_and_points_to_the_experiment_fields(home, capsys, key):
    scenario = variant(home, lambda d: None, "scenario.yaml")
    experiment = home / "exp.yaml"
    experiment.write_text(
        dump(
            {
                "format_version": 1,
                "experiment": "exp",
                "scenario": scenario.name,
                "design": {"method": "grid"},
                "vary": {key: [4, 8]},
            }
        )
    )
    before = snapshot(home)
    line = line_of(experiment, "vary", key)
    refused(
        capsys,
        main(["sweep", str(experiment), "--out", "s"]),
        f"{experiment}:{line}: vary.{key}: a sweep's runs share one run length, seed and calendar",
        "set steps:, seed: or replications: at the experiment's top level",
    )
    assert snapshot(home) == before and not (home / "s").exists()


# -- semantic holes ---------------------------------------------------------------------------


def test_the_focal_state_cannot_be_a_pole(home, capsys):
    path = variant(home, lambda d: d.update(poles=["LAO", "USA"]))
    refused(capsys, main(["validate", str(path)]), f"{path}:", "poles[0]: the focal state 'LAO' cannot be a pole")


@pytest.mark.parametrize(
    ("removed", "words"),
    [
        ("CHN", "remove.states[0]: cannot remove 'CHN': it is a pole"),
        ("LAO", "remove.states[0]: cannot remove 'LAO': it is the focal state"),
    ],
)
def test_remove_of_a_pole_or_the_focal_state_is_blamed_on_the_removing_file_alone(home, capsys, removed, words):
    variant(home, lambda d: None, "base.yaml")
    child = home / "child.yaml"
    child.write_text(dump({"extends": "base.yaml", "scenario": "child", "remove": {"states": [removed]}}))
    err = refused(capsys, main(["validate", str(child)]), f"{child}:{line_of(child, 'remove', 'states', 0)}: {words}")
    assert "base.yaml" not in err  # no cascade of what the parent would then lack


def test_an_extends_chain_deeper_than_the_limit_is_not_called_a_cycle(home, capsys):
    variant(home, lambda d: None, "c0.yaml")
    for k in range(1, 18):
        (home / f"c{k}.yaml").write_text(dump({"extends": f"c{k - 1}.yaml", "scenario": f"c{k}"}))
    assert main(["validate", str(home / "c15.yaml")]) == 0  # sixteen files are allowed
    err = refused(capsys, main(["validate", str(home / "c17.yaml")]), "extends goes deeper than 16 files")
    assert "cycle" not in err


def test_a_symlink_loop_in_extends_is_named(home, capsys):
    (home / "loop1.yaml").symlink_to("loop2.yaml")
    (home / "loop2.yaml").symlink_to("loop1.yaml")
    child = home / "child.yaml"
    child.write_text(dump({"extends": "loop1.yaml", "scenario": "child"}))
    err = refused(capsys, main(["validate", str(child)]), f"{child}:1: extends: the parent's path is a loop")
    assert len(err.strip().splitlines()) == 1, err


@pytest.mark.parametrize("name", ["../../x", "a b", "x/y"])
def test_a_name_that_would_write_outside_results_is_refused(home, capsys, name):
    path = variant(home, lambda d: d.update(scenario=name))
    refused(
        capsys,
        main(["run", str(path), "--steps", "1"]),
        f"{path}:{line_of(path, 'scenario')}: scenario: not a valid name",
    )
    assert not list(home.glob("**/*-*"))  # no results folder, inside results/ or outside it


# -- compare ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("unit", "start", "other_first", "words"),
    [
        ("year", "2025", False, "teaching_minimal steps by quarter and other by year"),
        ("month", "2025-01", True, "other steps by month and teaching_minimal by quarter"),
    ],
    ids=["quarters-and-years", "months-and-quarters"],
)
def test_compare_refuses_scenarios_on_different_calendars(home, capsys, unit, start, other_first, words):
    def other_calendar(d: dict[str, Any]) -> None:
        d.update(scenario="other")
        d["simulation"].update(time_unit=unit, start=start, steps=10)
        d["events"] = []

    other = str(variant(home, other_calendar, "other.yaml"))
    pair = [other, TEACHING] if other_first else [TEACHING, other]
    refused(capsys, main(["compare", *pair, "--steps", "2"]), words, "both must use one time_unit")


def test_a_bad_value_deep_in_a_union_is_reported_once_without_validator_names(home, capsys):
    landscape = home / "land.yaml"
    landscape.write_text(
        dump(
            {
                "format_version": 1,
                "landscape": "l",
                "actors": [{"id": "A", "size": 1}, {"id": "B", "size": 1}],
                "propensities": [{"between": ["A", "B"], "value": "x"}],
            }
        )
    )
    err = refused(capsys, main(["landscape", str(landscape)]), "propensities[0].value: not a number")
    assert len(err.strip().splitlines()) == 1 and "list[" not in err and "Matrix" not in err, err


# -- the wrong kind of file -------------------------------------------------------------------

EXPERIMENT_FILE = SCENARIOS.parent / "experiments" / "autonomy_lhs.yaml"
LANDSCAPE_FILE = SCENARIOS.parent / "landscapes" / "small_example.yaml"


@pytest.mark.parametrize(
    ("args", "file", "words"),
    [
        (["run", str(EXPERIMENT_FILE)], EXPERIMENT_FILE, "this is an experiment file (it has experiment:)"),
        (["sweep", TEACHING, "--out", "s"], Path(TEACHING), "this is a scenario file (it has scenario:)"),
        (["compare", str(LANDSCAPE_FILE), TEACHING], LANDSCAPE_FILE, "this is a landscape file (it has landscape:)"),
    ],
    ids=["experiment-to-run", "scenario-to-sweep", "landscape-to-compare"],
)
def test_the_wrong_kind_of_file_is_named_with_the_command_that_takes_it(home, capsys, args, file, words):
    line = line_of(file, words.split("(it has ")[1].split(":")[0])
    err = refused(capsys, main(args), f"{file}:{line}: {words}")
    assert len(err.strip().splitlines()) == 1, err  # not a screen of unknown fields
    assert ("laossim sweep or laossim robust takes it" if "experiment" in words else "takes it") in err
    assert not list(home.iterdir())


def test_a_scenario_that_extends_an_experiment_is_told_so(home, capsys):
    child = home / "child.yaml"
    child.write_text(dump({"extends": str(EXPERIMENT_FILE), "scenario": "child"}))
    refused(capsys, main(["validate", str(child)]), f"{EXPERIMENT_FILE}:", "this is an experiment file")


def test_validate_takes_every_kind_of_file_the_project_ships(capsys):
    shipped = sorted(SCENARIOS.glob("*.yaml")) + sorted(EXPERIMENT_FILE.parent.glob("*.yaml"))
    shipped += sorted(LANDSCAPE_FILE.parent.glob("*.yaml"))
    assert main(["validate", *map(str, shipped)]) == 0
    out = capsys.readouterr().out
    assert "autonomy_lhs.yaml: valid experiment (lhs, " in out
    assert "small_example.yaml: valid landscape (4 actors)" in out
    assert "teaching_minimal.yaml: valid (4 states" in out


def test_validate_reports_an_experiments_mistakes_against_its_own_fields(home, capsys):
    bad = home / "exp.yaml"
    bad.write_text(dump({"format_version": 1, "experiment": "e", "scenario": TEACHING, "vary": {}, "replicas": 3}))
    err = refused(capsys, main(["validate", str(bad)]), f"{bad}:{line_of(bad, 'replicas')}: replicas: unknown field")
    assert "did you mean 'replications'?" in err and "poles" not in err


# -- the backtest needs a scenario that covers its data ---------------------------------------


LACKS = (
    "lacks the states RUS, JPN, IND, AUS, KOR, THA, KHM, MMR, MYS, SGP, IDN, PHL; "
    "positions on one axis (format_version 2, two poles; it has format_version 1, shares); "
)


@pytest.mark.parametrize(
    ("change", "lacks"),
    [
        (lambda d: None, f"{LACKS}the years 2000-2023 (it runs 2025-2034)"),
        (
            lambda d: d["simulation"].update(start="2001-Q1", steps=96) or d.update(events=[]),
            f"{LACKS}the years 2000-2023 (it runs 2001-2024)",
        ),
    ],
    ids=["teaching", "starts-late"],
)
def test_backtest_refuses_a_scenario_that_does_not_cover_the_data(home, capsys, change, lacks):
    path = variant(home, change)
    before = snapshot(home)
    refused(capsys, main(["backtest", str(path), "--out", "bt"]), f"{path}: the backtest compares", lacks)
    assert snapshot(home) == before and not (home / "bt").exists()


# -- messages in the project's words ----------------------------------------------------------


def test_a_misshapen_section_is_one_message_not_a_cascade_of_unknown_ids(home, capsys):
    path = variant(home, lambda d: d.update(states={"LAO": {}}))
    err = refused(capsys, main(["validate", str(path)]), f"{path}:{line_of(path, 'states')}: states: wrong kind")
    assert len(err.strip().splitlines()) == 1, err


def test_an_id_that_differs_only_in_case_is_suggested(home, capsys):
    path = variant(home, lambda d: d["relations"].append({"between": ["lao", "VNM"]}))
    refused(capsys, main(["validate", str(path)]), "unknown state 'lao'; did you mean 'LAO'?")


@pytest.mark.parametrize("value", ["[1,", "{a: b"])
def test_a_set_value_that_is_not_yaml_is_said_so(home, capsys, value):
    refused(
        capsys,
        main(["validate", TEACHING, "--set", f"states.LAO.autonomy={value}"]),
        f"--set:1: states.LAO.autonomy: value is not valid YAML (got {value})",
    )


def test_a_yearly_calendar_hints_that_years_are_quoted(home, capsys):
    def yearly(d: dict[str, Any]) -> None:
        d["simulation"].update(time_unit="year", start=2025, steps=10)
        d["events"] = [{"at": 2027, "type": "disaster", "state": "LAO"}]

    path = variant(home, yearly)
    err = refused(capsys, main(["validate", str(path)]))
    assert f"{path}:{line_of(path, 'simulation', 'start')}: simulation.start: not a valid string" in err
    assert 'write it in quotes, "2025"' in err and 'write the year in quotes, "2027"' in err


def test_yaml_and_encoding_errors_name_their_line(home, capsys):
    syntax, encoding = home / "syntax.yaml", home / "latin1.yaml"
    syntax.write_text("scenario: x\n  bad: [\n")
    encoding.write_bytes("scenario: x\ndescription: caf\xe9\n".encode("latin-1"))
    err = refused(capsys, main(["validate", str(syntax), str(encoding)]))
    assert f"{syntax}:2: YAML syntax error" in err
    assert f"{encoding}:2: not UTF-8 text (byte 0xe9 cannot be decoded); save the file as UTF-8" in err


def test_a_broken_pipe_exits_quietly(home):
    proc = subprocess.Popen(
        [sys.executable, "-m", "laossim", "validate", "--resolved", *[str(SCENARIOS / "backtest_2000.yaml")] * 20],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.read(100)
    proc.stdout.close()  # the reader leaves, as `| head -c 100` does
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 141 and err == "", err


# -- Hypothesis: the only outcomes are finite scores in range, or exit 2 with a message -------

NUMBERS_ANY = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(-1e308, 1e308),
    st.integers(-(10**30), 10**30),
    st.booleans(),
    st.sampled_from([0, 1, -1, 1e-300, 0.5]),
)
STATE_FIELDS_ANY = ("capability", "autonomy", "engagement_budget", "threat_sensitivity", "modernization", "absorption")
PAIR_FIELDS_ANY = ("affinity", "trust", "tension", "interoperability")


def _leaves(tree: dict[str, Any], prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    out = []
    for key, value in tree.items():
        if isinstance(value, dict):
            out += _leaves(value, (*prefix, key))
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            out.append((*prefix, key))
    return out


PARAMETERS_ANY = tuple(_leaves(Parameters().model_dump(mode="json")))
"""Every numeric coefficient of the model, as its path under ``parameters:``."""


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    where=st.sampled_from(["state", "relation", "parameter", "event"]),
    index=st.integers(0, 400),
    value=NUMBERS_ANY,
)
@example(where="state", index=0, value=1e-300)  # once passed, and a float32 product of it was 0/0
def test_any_number_anywhere_gives_finite_scores_in_range_or_a_located_refusal(tmp_path, where, index, value):
    def change(d: dict[str, Any]) -> None:
        if where == "state":
            d["states"][index % 4][STATE_FIELDS_ANY[index % len(STATE_FIELDS_ANY)]] = value
        elif where == "relation":
            d["relations"][index % 6][PAIR_FIELDS_ANY[index % len(PAIR_FIELDS_ANY)]] = value
        elif where == "parameter":
            *groups, name = PARAMETERS_ANY[index % len(PARAMETERS_ANY)]
            node = d.setdefault("parameters", {})
            for group in groups:
                node = node.setdefault(group, {})
            node[name] = value
        else:
            field = STATE_FIELDS_ANY[index % len(STATE_FIELDS_ANY)]
            op = ("set", "add", "scale")[index % 3]
            d["events"].append({"at": 2, "type": "change", "state": "LAO", "field": field, "op": op, "value": value})

    path = variant(tmp_path, change)
    try:
        scenario = load_scenario(path)
    except ScenarioError as exc:
        assert exc.problems and all(p.render().startswith(f"{path}:") for p in exc.problems), exc.render()
        return
    sim = Simulation(scenario, np.random.SeedSequence(0), steps=12)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # a 0/0 or overflow on the way is a silent wrong result
        sim.run()
    for name in ("stability", "cooperation", "focal_autonomy", "focal_security"):
        values = sim.series(name)
        assert np.isfinite(values).all() and values.min() >= 0 and values.max() <= 1, (name, values)


OPTION_VALUES = st.one_of(
    st.integers(-3, 6).map(str), st.text(max_size=6), st.sampled_from(["1e3", "0x10", "nan", "-0"])
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=OPTION_VALUES, replications=OPTION_VALUES)
def test_any_option_values_give_a_comparison_or_a_named_refusal(capsys, steps, replications):
    args = ["compare", TEACHING, TEACHING, f"--steps={steps}", f"--replications={replications}"]
    code = main(args)
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    if code == 0:
        assert "paired replications" in out
    else:
        assert code == 2 and err.strip(), (code, err)


@pytest.mark.slow
def test_the_app_announces_its_address_once_it_serves_and_a_port_in_use_is_refused(home):
    import re
    import signal
    import urllib.request

    app = subprocess.Popen(
        [sys.executable, "-m", "laossim", "app", TEACHING, "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        assert app.stdout is not None
        for line in app.stdout:  # "laossim app: teaching_minimal on http://127.0.0.1:PORT/ ..."
            if found := re.search(r" on http://127\.0\.0\.1:(\d+)/", line):
                break
        else:
            pytest.fail("the app exited without announcing its address")
        port = found.group(1)
        assert urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10).status == 200  # at once, no retry
        second = subprocess.run(
            [sys.executable, "-m", "laossim", "app", TEACHING, "--port", port], capture_output=True, text=True
        )
        assert second.returncode == 2, second.stderr
        assert f"--port {port}: the port is in use on 127.0.0.1" in second.stderr
        assert "Traceback" not in second.stderr and "starting" not in second.stdout
    finally:
        os.killpg(app.pid, signal.SIGTERM)
        app.wait(timeout=30)


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (True, "vary.states.LAO.autonomy: wrong kind of value (expected a list or a mapping, got true)"),
        ([[1, 2]], "vary.states.LAO.autonomy[0]: wrong kind of value (expected a number, true/false or text"),
    ],
)
def test_a_value_of_no_kind_a_field_takes_is_one_message_naming_the_kinds(home, capsys, value, words):
    experiment = home / "exp.yaml"
    experiment.write_text(
        dump(
            {
                "format_version": 1,
                "experiment": "e",
                "scenario": TEACHING,
                "design": {"method": "grid"},
                "vary": {"states.LAO.autonomy": value},
            }
        )
    )
    err = refused(capsys, main(["validate", str(experiment)]), words)
    assert len(err.strip().splitlines()) == 1, err


def test_a_new_state_id_that_differs_only_in_case_is_named_once_with_the_state_it_meant(home, capsys):
    variant(home, lambda d: None, "base.yaml")
    child = home / "child.yaml"
    child.write_text(dump({"extends": "base.yaml", "scenario": "child", "states": [{"id": "lao", "autonomy": 0.3}]}))
    err = refused(
        capsys,
        main(["validate", str(child)]),
        f"{child}:{line_of(child, 'states', 0)}: states.lao.id: 'lao' differs from the state 'LAO' only in case",
        "did you mean 'LAO'?",
    )
    assert len(err.strip().splitlines()) == 1, err  # not also its missing capital and capability


@pytest.mark.parametrize(
    ("made", "words"),
    [
        (
            "run",
            "is not a sweep folder (it is a laossim run folder); give a folder written by laossim sweep or "
            "laossim robust",
        ),
        ("notes", "is not a sweep folder (no design.parquet)"),
    ],
)
def test_analyze_of_a_run_folder_or_a_folder_of_other_files_says_what_it_is(home, capsys, made, words):
    folder = home / made
    if made == "run":
        assert main(["run", TEACHING, "--steps", "2", "--replications", "1", "--out", str(folder)]) == 0
    else:
        folder.mkdir()
        (folder / "plan.txt").write_text("my notes\n")
    capsys.readouterr()
    before = snapshot(home)
    refused(capsys, main(["analyze", str(folder)]), f"{folder} {words}")
    assert snapshot(home) == before
