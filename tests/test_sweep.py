"""Sweeps: design tables, identical results on every executor, failures recorded, kill and resume."""

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

from conftest import ROOT
from laossim import results, vocab
from laossim.cli import main
from laossim.errors import ScenarioError
from laossim.experiment.design import design_table, interleaved
from laossim.experiment.load import load_experiment
from laossim.experiment.sweep import SweepError, sweep

HERE = Path(__file__).parent / "experiments"
SHIPPED = sorted((ROOT / "experiments").glob("*.yaml"))


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_shipped_experiments_validate_and_have_reproducible_designs(path):
    loaded = load_experiment(path)
    a, b = design_table(loaded), design_table(loaded)
    pd.testing.assert_frame_equal(a, b)
    exp = loaded.experiment
    points = a["point"].nunique()
    assert len(a) == points * exp.replications
    expected = {
        "grid": None,
        "lhs": exp.design.samples,
        "sobol": (exp.design.samples or 0) * (len(exp.vary) + 2),
        "morris": (exp.design.samples or 0) * (len(exp.vary) + 1),
    }[exp.design.method.value]
    if expected is not None:
        assert points == expected * max(1, len(exp.levers))  # a robust experiment: every setting, every future
    for name, spec in exp.sampled.items():
        if hasattr(spec, "start"):
            assert a[name].between(spec.start, spec.to).all(), name
    # common random numbers: every point of a replication has the same seed
    assert (a.groupby("replication")["seed_key"].nunique() == 1).all()


def test_grid_design_and_interleaving():
    loaded = load_experiment(HERE / "tiny_grid.yaml")
    table = design_table(loaded)
    assert len(table) == 2 * 2 * 2 * 2 and table["point"].nunique() == 8
    assert table["replication"].tolist() == [0] * 8 + [1] * 8
    assert sorted(interleaved(8)) == list(range(8)) and interleaved(8)[:2].tolist() == [0, 4]


def test_experiment_mistakes_are_all_reported_with_lines(tmp_path):
    with pytest.raises(ScenarioError) as err:
        load_experiment(HERE / "bad.yaml")
    text = str(err.value)
    assert "bad.yaml:4: replications: out of range" in text
    assert "bad.yaml:10: outputs[0]: unknown output" in text and "did you mean 'stability'?" in text
    with pytest.raises(ScenarioError) as err:
        load_experiment(_fixed(HERE / "bad.yaml", tmp_path))
    text = str(err.value)
    assert "vary.states.LOA.autonomy: no state 'LOA' in the scenario; did you mean 'LAO'?" in text
    assert "vary.parameters.alignment.responsivness: unknown field; did you mean 'responsiveness'?" in text
    assert "Sobol samples must be a power of two" in text
    assert "vary.states.LAO.doctrine: a sobol design samples numeric ranges" in text
    families = " or ".join(f.pattern for f in vocab.FAMILIES)  # every family, from the one catalogue
    assert families.startswith("alignment.STATE.POLE or position.STATE.AXIS or capability.STATE")
    assert (
        f"outputs[1]: unknown output (expected a score or component of docs/model.md, {families}, "
        "got 'alignment.LAO.RUS'); did you mean 'alignment.LAO.USA'?" in text
    )


def test_a_sweep_records_a_states_alignment_at_every_step(tmp_path):
    import laossim

    experiment = tmp_path / "align.yaml"
    experiment.write_text(
        f"format_version: 1\nexperiment: align\nscenario: {ROOT}/scenarios/laos_baseline.yaml\nreplications: 1\n"
        "steps: 6\ndesign: {method: grid}\nvary: {states.LAO.autonomy: [0.5]}\n"
        "outputs: [stability, alignment.LAO.CHN, alignment.THA.USA]\n"
    )
    sweep(experiment, tmp_path / "out", executor="serial", progress=False)
    series = results.load(tmp_path / "out", series=True)
    run = laossim.run(ROOT / "scenarios" / "laos_baseline.yaml", replications=1, steps=6,
                      overrides={"states.LAO.autonomy": 0.5})  # fmt: skip
    states = run.states.set_index(["state", "step"])
    np.testing.assert_array_equal(series["alignment.LAO.CHN"], states.loc["LAO"].alignment_CHN)
    np.testing.assert_array_equal(series["alignment.THA.USA"], states.loc["THA"].alignment_USA)


def _fixed(path: Path, folder: Path) -> Path:
    """bad.yaml with its schema errors mended, leaving the errors found against the scenario."""
    fixed = folder / "bad_paths.yaml"
    text = path.read_text().replace("replications: 0", "replications: 1").replace("stabilty", "stability")
    fixed.write_text(text.replace("../../scenarios/", f"{ROOT}/scenarios/"))
    return fixed


def _tables(out: Path) -> pd.DataFrame:
    return results.load(out, series=True)


def test_results_are_identical_on_serial_two_processes_and_a_dask_cluster(tmp_path):
    loaded = load_experiment(HERE / "tiny_grid.yaml")
    serial = sweep(loaded, tmp_path / "serial", executor="serial", progress=False)
    pool = sweep(loaded, tmp_path / "pool", executor="process", workers=2, progress=False)
    dask = sweep(loaded, tmp_path / "dask", executor="dask", workers=2, progress=False)
    assert serial.done == pool.done == dask.done
    base = _tables(tmp_path / "serial")
    pd.testing.assert_frame_equal(base, _tables(tmp_path / "pool"))
    pd.testing.assert_frame_equal(base, _tables(tmp_path / "dask"))
    manifest = json.loads((tmp_path / "dask" / "manifest.json").read_text())
    assert manifest["executor"].startswith("dask LocalCluster") and manifest["design_sha256"]


def test_a_failing_run_is_recorded_and_the_rest_complete(tmp_path):
    out = tmp_path / "sweep"
    summary = sweep(HERE / "tiny_grid.yaml", out, executor="serial", progress=False)
    # severity_min 0.9 with severity_max 0.5 is inconsistent: those runs fail, the others finish
    assert summary.failed == 4 and summary.done == 12
    table = results.load(out)
    failed = table[table.status == "failed"]
    assert (failed["parameters.crises.severity_min"] > failed["parameters.crises.severity_max"]).all()
    assert failed["stability"].isna().all() and table[table.status == "done"]["stability"].notna().all()
    status = json.loads((out / "status" / f"run-{int(failed.run_id.iloc[0]):06d}.json").read_text())
    assert "severity_min (0.9) is above severity_max (0.5)" in status["traceback"]
    assert main(["sweep", str(HERE / "tiny_grid.yaml"), "--out", str(out), "--executor", "serial"]) == 2  # not empty


def test_the_sweep_command_shows_progress_on_stderr_unless_quiet(tmp_path, capsys):
    args = [str(HERE / "tiny_grid.yaml"), "--executor", "serial"]
    main(["sweep", *args, "--out", str(tmp_path / "shown")])
    shown = capsys.readouterr()
    assert "16/16" in shown.err and "done=12, failed=4" in shown.err
    assert "16 runs in the design" in shown.out
    main(["sweep", *args, "--out", str(tmp_path / "quiet"), "--quiet"])
    quiet = capsys.readouterr()
    assert "16/16" not in quiet.err and "16 runs in the design" in quiet.out


def test_a_sweep_killed_with_sigkill_resumes_with_every_run_exactly_once(tmp_path):
    out = tmp_path / "killed"
    cmd = [
        sys.executable,
        "-m",
        "laossim",
        "sweep",
        str(HERE / "slow_grid.yaml"),
        "--out",
        str(out),
        "--executor",
        "serial",
    ]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.time() + 120
    while time.time() < deadline and len(list((out / "runs").glob("run-*.parquet"))) < 5:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    partial = len(list((out / "runs").glob("run-*.parquet")))
    assert 5 <= partial < 24
    for path in (out / "runs").glob("run-*.parquet"):
        pd.read_parquet(path)  # every finished file is readable
    summary = sweep(HERE / "slow_grid.yaml", out, executor="process", workers=2, resume=True, progress=False)
    assert summary.skipped == partial and summary.done == 24 - partial
    table = results.load(out)
    assert len(table) == 24 and table["run_id"].is_unique and (table.status == "done").all()
    assert not list(out.rglob(".*.tmp"))
    fresh = sweep(HERE / "slow_grid.yaml", tmp_path / "fresh", executor="process", workers=2, progress=False)
    assert fresh.done == 24
    pd.testing.assert_frame_equal(_tables(out), _tables(tmp_path / "fresh"))


def test_a_run_killed_between_its_file_and_its_status_record_counts_as_done(tmp_path):
    out = tmp_path / "sweep"
    sweep(HERE / "tiny_grid.yaml", out, executor="serial", progress=False, limit=4)
    finished = sorted((out / "runs").glob("run-*.parquet"))
    run_id = int(finished[0].stem.split("-")[1])
    (out / "status" / f"run-{run_id:06d}.json").unlink()  # the kill came after the run file was renamed
    assert results.load(out).set_index("run_id").status[run_id] == "done"
    summary = sweep(HERE / "tiny_grid.yaml", out, executor="serial", progress=False, resume=True)
    assert summary.skipped == len(finished)  # not run again
    table = results.load(out)
    assert table.run_id.is_unique and table.set_index("run_id").status[run_id] == "done"
    assert set(table.status) <= {"done", "failed"}


def test_resume_refuses_another_design(tmp_path):
    out = tmp_path / "sweep"
    sweep(HERE / "tiny_grid.yaml", out, executor="serial", progress=False, limit=2)
    with pytest.raises(SweepError, match="different design"):
        sweep(HERE / "slow_grid.yaml", out, executor="serial", resume=True, progress=False)
    assert np.isnan(results.load(out).query("status == 'pending'")["stability"]).all()


def test_finished_runs_are_not_kept_alive_by_mesa():
    """Mesa 3.3 keeps every model in Agent._ids; runs release theirs, so sweeps stay flat in memory."""
    import mesa

    from laossim.experiment.worker import Task, execute

    loaded = load_experiment(HERE / "tiny_grid.yaml")
    before = len(getattr(mesa.Agent, "_ids", {}))
    for run_id in range(20):
        execute(Task(run_id, loaded.scenario, {}, 1, 0, 1, ("stability",)))
    assert len(getattr(mesa.Agent, "_ids", {})) == before


def test_an_unknown_executor_is_refused_before_anything_is_written(tmp_path, capsys):
    out = tmp_path / "never"
    assert main(["sweep", str(HERE / "tiny_grid.yaml"), "--out", str(out), "--executor", "threads"]) == 2
    assert not out.exists() and "unknown executor 'threads'" in capsys.readouterr().err


def test_a_script_without_a_main_guard_sweeps_on_the_pool_and_its_workers_never_import_it(tmp_path):
    """Spawned processes re-import the caller's script; sweep workers skip that (their tasks name only
    laossim's functions), so an unguarded script does not start the sweep again in every worker."""
    log, out = tmp_path / "imported-by.txt", tmp_path / "out"
    script = tmp_path / "study.py"
    script.write_text(
        "import os\nimport laossim\n"
        f"open({str(log)!r}, 'a').write(f'{{os.getpid()}}\\n')\n"
        f"summary = laossim.sweep({str(HERE / 'tiny_grid.yaml')!r}, {str(out)!r}, workers=2, progress=False)\n"
        "print(summary.done, summary.failed)\n"
    )
    ran = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300)
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.split() == ["12", "4"]  # the grid has 4 runs with severity_min > severity_max
    assert len(log.read_text().split()) == 1  # the parent alone ran the script


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_every_run_of_a_shipped_experiment_can_share_a_stack(path):
    from laossim.experiment.sweep import unstacked_runs

    assert unstacked_runs(load_experiment(path), 100) == 0


def test_a_sweep_writes_how_many_runs_it_could_not_stack_and_stacking_changes_no_number(tmp_path):
    from laossim.experiment.sweep import unstacked_runs

    grid = load_experiment(HERE / "tiny_grid.yaml")
    assert unstacked_runs(grid, 16) == 0  # a state's figure and real coefficients
    whole = _experiment(tmp_path, "whole", "parameters.engagement.max_per_step: [1, 2]")
    assert unstacked_runs(load_experiment(whole), 4) == 4
    sweep(whole, tmp_path / "whole", executor="serial", progress=False)
    assert json.loads((tmp_path / "whole" / "manifest.json").read_text())["unstacked_runs"] == 4
    tables = {}
    for stack in (True, False):
        out = tmp_path / f"grid-{stack}"
        sweep(HERE / "tiny_grid.yaml", out, executor="serial", progress=False, stack=stack)
        assert json.loads((out / "manifest.json").read_text())["unstacked_runs"] == (alone(16) if stack else 16)
        tables[stack] = results.load(out, series=True)
    pd.testing.assert_frame_equal(tables[True], tables[False])


def alone(runs: int) -> int:
    """How many of a stackable sweep's runs go to a task of their own on this machine: those of a
    task of one (the tasks are as large as leave every core two; a remainder of one runs alone)."""
    from laossim.experiment.sweep import chunk_size

    chunk = chunk_size(runs, os.cpu_count() or 1)
    return runs if chunk == 1 else int(runs % chunk == 1)


def test_an_output_a_run_cannot_give_fails_that_run_and_not_its_task():
    import pickle

    from laossim.experiment.worker import Task, execute_many

    blob = pickle.dumps(load_experiment(HERE / "tiny_grid.yaml").scenario)
    outputs = [("stability",), ("stability", "alignment.XXX.CHN"), ("stability",)]  # XXX: no such state
    tasks = [Task(r, blob, {}, 11, r, 3, names) for r, names in enumerate(outputs)]
    results = execute_many(tasks)
    assert [r[2] is None for r in results] == [True, False, True] and "x not in tuple" in results[1][2]
    assert results[0][1] is not None and len(results[0][1]["stability"]) == 4


def _experiment(folder: Path, name: str, vary: str) -> Path:
    """A two-point grid of the minimal scenario, two replications, varying one path."""
    path = folder / f"{name}.yaml"
    scenario = ROOT / "scenarios" / "teaching_minimal.yaml"
    path.write_text(
        f"format_version: 1\nexperiment: {name}\nscenario: {scenario}\nreplications: 2\nsteps: 4\n"
        f"design: {{method: grid}}\nvary:\n  {vary}\noutputs: [stability]\n"
    )
    return path


def test_a_task_of_many_runs_gives_each_what_it_gets_alone_stacked_or_not_and_failing_alone():
    import pickle

    from laossim.experiment.worker import Task, execute, execute_many

    loaded = load_experiment(HERE / "tiny_grid.yaml")
    blob = pickle.dumps(loaded.scenario)
    outputs = ("stability", "focal_autonomy", "alignment.LAO.CHN")
    overrides = [
        {"states.LAO.autonomy": 0.2},
        {"states.LAO.autonomy": 0.8, "relations.LAO-VNM.trust": 0.9},  # stacks with the first
        {"states.LAO.autonomy": 0.5, "parameters.crises.severity_min": 0.3},  # stacks: a real coefficient
        {"parameters.engagement.max_per_step": 2},  # alone: a whole number sets the shape of a draw
        {"parameters.crises.severity_min": 0.9, "parameters.crises.severity_max": 0.5},  # fails
        {"states.LAO.autonomy": 0.6},  # stacks with the first three
    ]
    tasks = [Task(r, blob, o, 11, r % 2, 8, outputs) for r, o in enumerate(overrides)]
    many = execute_many(tasks)
    assert [r[0] for r in many] == [0, 1, 2, 3, 4, 5]
    assert many[0][3] == many[1][3] == many[2][3] == many[5][3] != many[3][3]  # one stack, sharing its time
    for task, (run_id, columns, error, seconds) in zip(tasks, many, strict=True):
        _, alone, alone_error, _ = execute(task)
        if run_id == 4:
            assert columns is None and "severity_min (0.9) is above severity_max (0.5)" in error
            continue
        assert error is None and alone_error is None and seconds > 0
        assert columns.keys() == alone.keys()
        for name in columns:
            np.testing.assert_array_equal(columns[name], alone[name], err_msg=name)


def test_tasks_are_as_large_as_keeps_every_worker_busy_and_no_larger_than_the_most_a_stack_gains():
    from laossim.experiment.sweep import chunk_size
    from laossim.kernel import MAX_STACK

    assert chunk_size(40, 2) == 10  # two tasks for each of two workers
    assert chunk_size(10_000, 2) == MAX_STACK
    assert chunk_size(3, 8) == 1 and chunk_size(0, 2) == 1


def test_on_an_unchecked_python_the_pool_falls_back_to_the_public_forkserver_context(tmp_path, monkeypatch):
    from multiprocessing.context import ForkServerContext

    from laossim.experiment import forkserver

    assert forkserver.skips_main_script()  # every Python CI runs is one the override was checked on
    assert type(forkserver.context()) is forkserver.WorkerContext
    monkeypatch.setattr(forkserver, "CHECKED", ())
    assert type(forkserver.context()) is ForkServerContext
    sweep(HERE / "tiny_grid.yaml", tmp_path / "public", executor="process", workers=2, progress=False, limit=4)
    sweep(HERE / "tiny_grid.yaml", tmp_path / "serial", executor="serial", progress=False, limit=4)
    pd.testing.assert_frame_equal(_tables(tmp_path / "public"), _tables(tmp_path / "serial"))
