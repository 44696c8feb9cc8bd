"""``laossim robust`` (issue 17, items 1 and 2): lever settings over sampled futures, paired by
common random numbers, the metrics recomputed from the saved runs, refusals, executors, resume."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import laossim
from conftest import ROOT
from laossim import results
from laossim.cli import main
from laossim.errors import ScenarioError
from laossim.experiment.design import design_table, overrides
from laossim.experiment.load import load_experiment
from laossim.robust import robust
from laossim.robust_analysis import LEVEL, RESAMPLES, SEED
from laossim.robustness import METRICS, robustness

HERE = Path(__file__).parent / "experiments"
TINY = HERE / "tiny_robust.yaml"
OUTPUTS = ["stability", "focal_autonomy", "focal_security"]


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> Path:
    """The tiny robust experiment, run once on the serial executor."""
    out = tmp_path_factory.mktemp("robust") / "tiny"
    summary = robust(TINY, out, executor="serial", progress=False)
    assert summary.sweep.done == 36 and summary.tables is not None
    return out


def test_the_design_has_every_setting_on_every_future_and_replication_once_with_shared_seeds():
    loaded = load_experiment(TINY)
    table = design_table(loaded)
    exp = loaded.experiment
    assert len(table) == 3 * 4 * 3 and not table.duplicated(["setting", "future", "replication"]).any()
    assert set(table.setting) == set(exp.levers) and set(table.future) == set(range(4))
    # common random numbers: a replication's seed is the same for every setting and future
    assert (table.groupby("replication")[["seed_entropy", "seed_key"]].nunique() == 1).all().all()
    # a future is the same draw of the uncertainties for every setting
    sampled = list(exp.uncertainties)
    assert (table.groupby("future")[sampled].nunique() == 1).all().all()
    assert set(table["states.CHN.doctrine"]) == {"balancer", "bandwagoner"}  # a set, sampled by its stratum
    assert table["parameters.crises.tension"].between(2.0, 6.0).all()
    row = table[table.setting == "concentrate"].iloc[0]
    assert overrides(exp, row) == {**exp.levers["concentrate"], **{k: row[k] for k in sampled}}
    hedge = table[table.setting == "hedge"].iloc[0]
    assert pd.isna(hedge["states.LAO.partner_cap"]) and set(overrides(exp, hedge)) == set(sampled)


def test_a_setting_that_changes_nothing_sees_the_same_random_numbers_and_gives_identical_runs(tiny):
    """teaching_minimal's Laos already has partner_cap 1, so 'hedge_written_out' changes nothing:
    with the same seeds its every output at every step equals the hedge's, to the bit, in every
    future and replication; 'concentrate' does differ."""
    series = results.load(tiny, series=True)
    keys = ["future", "replication", "step"]
    by = {name: group.set_index(keys).sort_index()[OUTPUTS] for name, group in series.groupby("setting")}
    pd.testing.assert_frame_equal(by["hedge"], by["hedge_written_out"], check_exact=True)
    assert not by["hedge"]["focal_autonomy"].equals(by["concentrate"]["focal_autonomy"])


def test_every_metric_recomputed_from_the_saved_run_table_equals_the_written_one(tiny):
    written = pd.read_csv(tiny / "robustness.csv")
    assert list(written.columns) == ["setting", "score", "metric", "value", "ci_low", "ci_high"]
    criteria = pd.read_csv(tiny / "criteria.csv").set_index("score")
    runs = results.load(tiny)  # the saved runs: each one's mean over the final summary window
    again = robustness(
        runs[["setting", "future", "replication", *OUTPUTS]].sort_values(["setting", "future", "replication"]),
        criteria.threshold.to_dict(),
        criteria.tolerance.to_dict(),
        RESAMPLES,
        SEED,
        LEVEL,
    )
    key = ["setting", "score", "metric"]
    pd.testing.assert_frame_equal(
        written.sort_values(key).reset_index(drop=True), again.sort_values(key).reset_index(drop=True)
    )
    # and by hand, with pandas, from the same table: each metric's value
    for score in OUTPUTS:
        future = runs.groupby(["setting", "future"])[score].mean().unstack("setting")  # futures x settings
        regret = -future.sub(future.max(axis=1), axis=0)  # the best setting's future mean minus its own
        threshold, tolerance = criteria.loc[score, "threshold"], criteria.loc[score, "tolerance"]
        for setting in future.columns:
            expected = {
                "mean": runs[runs.setting == setting][score].mean(),
                "p10": np.percentile(future[setting], 10),
                "p50": future[setting].median(),
                "p90": np.percentile(future[setting], 90),
                "mean_regret": regret[setting].mean(),
                "max_regret": regret[setting].max(),
                "satisficing": (future[setting] >= threshold - 1e-12).mean(),
                "maximin": future[setting].min(),
                "domain": (regret[setting] <= tolerance + 1e-12).mean(),
            }
            got = written[(written.setting == setting) & (written.score == score)].set_index("metric").value
            assert set(got.index) == set(METRICS)
            for metric, value in expected.items():
                assert got[metric] == pytest.approx(value, abs=1e-12), (setting, score, metric)
    # the default threshold: the first setting's (the hedge's) median future
    hedge = runs[runs.setting == "hedge"].groupby("future")["stability"].mean()
    assert criteria.loc["stability", "threshold"] == pytest.approx(hedge.median(), abs=1e-15)
    assert criteria.loc["focal_security", "threshold"] == 0.6  # stated in the file
    assert criteria.loc["focal_security", "tolerance"] == 0.007


def test_the_ranking_says_which_paired_differences_pass_the_mid(tiny):
    ranking = pd.read_csv(tiny / "ranking.csv")
    assert set(ranking.columns) >= {"score", "setting", "other", "difference", "ci_low", "ci_high", "mid", "verdict"}
    assert len(ranking) == 3 * 3  # three pairs of settings, three outputs
    assert (ranking.difference >= 0).all()  # the better by mean first
    same = ranking[{"hedge", "hedge_written_out"} == ranking[["setting", "other"]].apply(set, axis=1)]
    assert (same.difference == 0).all() and (same.verdict == "smaller than the MID").all()
    for row in ranking.itertuples():
        beyond = row.ci_low > row.mid or row.ci_high < -row.mid
        within = -row.mid < row.ci_low and row.ci_high < row.mid
        assert row.verdict == (
            "larger than the MID" if beyond else "smaller than the MID" if within else "not resolved"
        )


def test_the_folder_has_the_sweep_layout_a_report_and_plots_and_analyze_reads_it(tiny, tmp_path, capsys):
    manifest = json.loads((tiny / "manifest.json").read_text())
    assert (
        manifest["kind"] == "robust"
        and manifest["laossim_robust"] == 1
        and set(manifest["levers"])
        == {
            "hedge",
            "hedge_written_out",
            "concentrate",
        }
    )
    design = pd.read_parquet(tiny / "design.parquet")
    assert {"setting", "future", "replication", "states.LAO.partner_cap", "parameters.crises.tension"} <= set(design)
    assert len(list((tiny / "runs").glob("run-*.parquet"))) == 36 == len(list((tiny / "status").glob("*.json")))
    for name in ("regret.png", "tradeoff.png"):
        assert (tiny / "plots" / name).stat().st_size > 10_000
    page = tmp_path / "report.html"
    written = {p.name: p.stat().st_mtime_ns for p in [*tiny.glob("*.csv"), *(tiny / "plots").glob("*.png")]}
    assert main(["report", str(tiny), "--out", str(page)]) == 0
    assert written == {p.name: p.stat().st_mtime_ns for p in [*tiny.glob("*.csv"), *(tiny / "plots").glob("*.png")]}
    text = page.read_text()
    assert "Lever settings" in text and "Ranking" in text and "focal_security" in text
    assert text.count("data:image/png;base64") == 2
    copy = tmp_path / "copy"
    import shutil

    shutil.copytree(tiny, copy)
    assert main(["analyze", str(copy)]) == 0  # a robust folder is a sweep folder to analyze
    points = pd.read_csv(copy / "analysis" / "points.csv")
    # a design point is a setting in a future: 3 settings x 4 futures, each of its 3 replications
    assert len(points) == 12 and (points.replications == 3).all()
    assert (points.groupby("setting").size() == 4).to_dict() == dict.fromkeys(manifest["levers"], True)
    capsys.readouterr()


def test_the_command_runs_refuses_what_it_may_not_replace_and_replaces_with_force(tmp_path, capsys):
    out = tmp_path / "robust"
    assert main(["robust", str(TINY), "--out", str(out), "--executor", "serial", "--quiet"]) == 0
    shown = capsys.readouterr().out
    assert "36 runs (3 settings" in shown and "mean_regret" in shown and "than the MID" in shown
    for name in ("robustness.csv", "ranking.csv", "criteria.csv"):
        pd.read_csv(out / name)
    assert main(["robust", str(TINY), "--out", str(out), "--executor", "serial", "--quiet"]) == 2
    assert "pass --resume to continue the robust run in it, --force to replace it" in capsys.readouterr().err
    before = (out / "robustness.csv").read_bytes()
    assert main(["robust", str(TINY), "--out", str(out), "--executor", "serial", "--quiet", "--force"]) == 0
    assert (out / "robustness.csv").read_bytes() == before  # replaced by the same numbers
    assert not list(tmp_path.glob(".robust.*"))  # no temporary folder left beside it
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("my notes")
    assert main(["robust", str(TINY), "--out", str(mine), "--executor", "serial", "--force"]) == 2
    assert "not a laossim results folder" in capsys.readouterr().err
    assert [p.name for p in mine.iterdir()] == ["notes.txt"]
    assert main(["sweep", str(TINY), "--out", str(tmp_path / "sweep")]) == 2
    assert "laossim robust" in capsys.readouterr().err
    assert main(["robust", str(HERE / "tiny_grid.yaml"), "--out", str(tmp_path / "grid")]) == 2
    assert "declares no levers" in capsys.readouterr().err
    assert main(["validate", str(TINY)]) == 0
    assert "valid robust experiment (3 lever settings x 4 futures (lhs) x 3 replications = 36 runs)" in (
        capsys.readouterr().out
    )


def test_serial_process_and_dask_executors_write_identical_tables(tiny, tmp_path):
    for executor in ("process", "dask"):
        out = tmp_path / executor
        robust(TINY, out, executor=executor, workers=2, progress=False)
        for name in ("robustness.csv", "ranking.csv", "criteria.csv"):
            assert (out / name).read_bytes() == (tiny / name).read_bytes(), (executor, name)


def test_without_tolerances_the_domain_uses_each_scores_measured_mid(tmp_path):
    experiment = tmp_path / "no_tolerances.yaml"
    text = TINY.read_text().replace("../../scenarios/", f"{ROOT}/scenarios/")
    experiment.write_text(
        text.replace("tolerances: {stability: 0.008, focal_autonomy: 0.005, focal_security: 0.007}\n", "")
    )
    out = tmp_path / "out"
    robust(experiment, out, executor="serial", progress=False, mid_replications=1)
    mids = pd.read_csv(out / "mids.csv").set_index("score")
    assert list(mids.index) == OUTPUTS and (mids.replications == 1).all()
    assert np.allclose(mids.mid, 0.1 * (mids.highest - mids.lowest), rtol=0, atol=1e-15) and (mids.mid > 0).all()
    criteria = pd.read_csv(out / "criteria.csv").set_index("score")
    assert (criteria.tolerance_source == "MID (mids.csv)").all()
    assert np.array_equal(criteria.tolerance.to_numpy(), mids.mid.to_numpy())


def _bad(tmp_path: Path, text: str) -> str:
    path = tmp_path / "bad_robust.yaml"
    path.write_text(text.replace("SCENARIO", str(ROOT / "scenarios" / "teaching_minimal.yaml")))
    with pytest.raises(ScenarioError) as err:
        load_experiment(path)
    return str(err.value)


def test_bad_lever_and_uncertainty_blocks_are_named_by_file_line_and_field_with_the_fix(tmp_path, capsys):
    text = _bad(
        tmp_path,
        "format_version: 1\nexperiment: bad\nscenario: SCENARIO\nreplications: 2\nsteps: 4\n"
        "design: {method: sobol, samples: 4}\n"
        "levers:\n"
        "  hedge: {}\n"
        "  concentrate:\n"
        "    states.LAO.partner_cap: 1.5\n"
        "    states.LAO.doctrin: bandwagoner\n"
        "  odd: {parameters.crises.tension: 3.0}\n"
        "uncertainties:\n"
        "  parameters.crises.tension: {from: 2.0, to: 6.0}\n"
        "  states.LOA.autonomy: {from: 0.1, to: 0.9}\n"
        "thresholds: {focal_securty: 0.6}\n"
        "outputs: [stability, focal_security, alignment.LAO.CHN, crisis_probability, capability.LAO]\n",
    )
    file = str(tmp_path / "bad_robust.yaml")
    for expected in (
        f"{file}:6: design.method: a robust experiment's futures are a Latin hypercube or a grid "
        "(expected lhs or grid, got sobol)",
        f"{file}:10: levers.concentrate.states.LAO.partner_cap: out of range (expected a number <= 1.0, got 1.5)",
        f"{file}:11: levers.concentrate.states.LAO.doctrin: unknown field; did you mean 'doctrine'?",
        f"{file}:14: uncertainties.parameters.crises.tension: set by the lever setting 'odd' (line 12) and sampled as "
        "an uncertainty; a field is either chosen (a lever) or uncertain, not both: remove it from one",
        f"{file}:15: uncertainties.states.LOA.autonomy: no state 'LOA' in the scenario; did you mean 'LAO'?",
        f"{file}:16: thresholds.focal_securty: not an output of this experiment",
        f"{file}:17: outputs[2]: robustness reads higher values as better (regret, satisficing, maximin), and of "
        "alignment.LAO.CHN neither way is better; leave it out",
        f"{file}:17: outputs[3]: robustness reads higher values as better (regret, satisficing, maximin), and of "
        "crisis_probability lower values are better; leave it out, or take an output where higher is better "
        "(focal_security for crisis_probability",
        f"{file}:17: outputs[4]: has no minimal important difference to serve as the domain tolerance",
    ):
        assert expected in text, expected
    assert "give tolerances: {capability.LAO: VALUE}" in text
    text = _bad(
        tmp_path,
        "format_version: 1\nexperiment: bad\nscenario: SCENARIO\ndesign: {method: lhs, samples: 4}\n"
        "levers:\n  hedge: {}\nvary:\n  parameters.crises.tension: {from: 2.0, to: 6.0}\n",
    )
    assert "bad_robust.yaml:5: levers: a robust experiment compares lever settings: it needs at least two" in text
    assert "bad_robust.yaml:7: vary: a robust experiment samples its futures from uncertainties:, not vary:" in text
    assert "rename vary: to uncertainties:" in text
    text = _bad(
        tmp_path,
        "format_version: 1\nexperiment: bad\nscenario: SCENARIO\ndesign: {method: lhs, samples: 4}\n"
        "uncertainties:\n  parameters.crises.tension: {from: 2.0, to: 6.0}\n",
    )
    assert "bad_robust.yaml:5: uncertainties: uncertainties belong to a robust experiment" in text
    assert "vary: an experiment needs fields to vary" in text
    assert main(["validate", str(tmp_path / "bad_robust.yaml")]) == 2
    assert "bad_robust.yaml:5: uncertainties:" in capsys.readouterr().err


@pytest.mark.slow
def test_a_robust_run_killed_with_sigkill_resumes_and_gives_what_a_fresh_one_gives(tmp_path):
    experiment = tmp_path / "slow_robust.yaml"
    text = TINY.read_text().replace("../../scenarios/", f"{ROOT}/scenarios/")
    experiment.write_text(text.replace("steps: 8", "steps: 60").replace("samples: 4", "samples: 8"))
    out = tmp_path / "killed"
    cmd = [sys.executable, "-m", "laossim", "robust", str(experiment), "--out", str(out), "--executor", "serial"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.time() + 120
    while time.time() < deadline and len(list((out / "runs").glob("run-*.parquet"))) < 10:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    partial = len(list((out / "runs").glob("run-*.parquet")))
    assert 10 <= partial < 72 and not (out / "robustness.csv").exists()
    assert main(["robust", str(experiment), "--out", str(out), "--executor", "serial", "--quiet"]) == 2  # not empty
    summary = robust(experiment, out, executor="process", workers=2, resume=True, progress=False)
    assert summary.sweep.skipped == partial and summary.sweep.done == 72 - partial and summary.tables is not None
    table = results.load(out)
    assert len(table) == 72 and table.run_id.is_unique and (table.status == "done").all()
    fresh = tmp_path / "fresh"
    robust(experiment, fresh, executor="process", workers=2, progress=False)
    for name in ("robustness.csv", "ranking.csv", "criteria.csv"):
        assert (out / name).read_bytes() == (fresh / name).read_bytes(), name


def test_discovery_reads_a_robust_folder_by_its_settings_and_uncertainties(tiny, tmp_path):
    """Where does a choice fail: laossim discover on a robust folder sees each run's setting (one input,
    whatever fields it sets) and the futures' uncertain fields, never the futures' numbers."""
    from laossim.discovery import discover, load
    from laossim.results import load as load_results

    table = load_results(tiny)
    median = float(np.median(table.focal_security))
    discover(tiny, f"focal_security < {median}", tmp_path / "where", min_runs=30, min_cases=5, resamples=2)
    found = load(tmp_path / "where")
    dimensions = set(found["boxes"].dimension)
    manifest = json.loads((tiny / "manifest.json").read_text())
    assert dimensions == {"setting", *manifest["vary"]}  # each uncertainty varies over the four futures
    assert "future" not in dimensions and not dimensions & {p for s in manifest["levers"].values() for p in s}
    assert int(found["cases"].of_interest.sum()) == int((table.focal_security < median).sum())


def test_a_scheduled_shock_may_be_an_uncertainty_and_each_future_runs_its_own(tmp_path):
    """When the first US-China crisis comes and how hard: an event's fields sampled as any other."""
    path = tmp_path / "shock.yaml"
    path.write_text(
        f"format_version: 1\nexperiment: shock\nscenario: {ROOT / 'scenarios' / 'us_china_crisis.yaml'}\n"
        "replications: 1\nsteps: 8\ndesign: {method: lhs, samples: 2, seed: 1}\n"
        "levers: {hedge: {}, bandwagon: {states.LAO.doctrine: bandwagoner}}\n"
        "uncertainties:\n  events.0.severity: {from: 0.3, to: 1.0}\n  events.0.at: [2025-Q3, 2026-Q1]\n"
        "thresholds: {focal_security: 0.6}\ntolerances: {focal_security: 0.007}\noutputs: [focal_security]\n"
    )
    loaded = load_experiment(path)
    table = design_table(loaded)
    assert set(table["events.0.at"]) == {"2025-Q3", "2026-Q1"}
    crises = {}
    for _, row in table[table.setting == "hedge"].iterrows():
        run = laossim.run(loaded.scenario, overrides=overrides(loaded.experiment, row), steps=8, replications=1)
        shock = run.events[(run.events.kind == "crisis") & run.events.description.str.contains("US-China")]
        crises[row["events.0.at"]] = shock.period.min()
    assert crises == {"2025-Q3": "2025-Q3", "2026-Q1": "2026-Q1"}


def test_a_range_over_a_whole_number_field_is_refused_before_any_run(tmp_path):
    """A range is sampled between its ends, so a field of whole numbers (a forum's period) refuses it at
    FILE:LINE with the fix, where it once passed validation and then failed every run."""
    text = _bad(
        tmp_path,
        "format_version: 1\nexperiment: bad\nscenario: SCENARIO\nreplications: 1\nsteps: 4\n"
        "design: {method: lhs, samples: 4}\n"
        "levers: {hedge: {}, bandwagon: {states.LAO.doctrine: bandwagoner}}\n"
        "uncertainties:\n  forums.ASEAN.period: {from: 1, to: 4}\n",
    )
    assert "bad_robust.yaml:9: uncertainties.forums.ASEAN.period: not a whole number, inside the range 1 to 4" in text
    assert "for a field of whole numbers give a list of its values instead, e.g. [1, 2, 3]" in text
