"""Reports: one self-contained HTML file from a run folder or a sweep folder."""

from __future__ import annotations

import re

import pandas as pd

import laossim
from conftest import SCENARIOS
from laossim.cli import main
from laossim.report import key_events, report

EXTERNAL = re.compile(r"""(src|href)\s*=\s*['"](?!data:)""", re.IGNORECASE)


def test_run_report_is_self_contained_with_scores_plots_events_and_provenance(tmp_path):
    scenario = SCENARIOS / "us_china_crisis.yaml"
    folder = laossim.run(laossim.load_scenario(scenario), replications=2, steps=16).save(tmp_path / "run")
    page = report(folder).read_text()
    assert "<h1>us_china_crisis</h1>" in page
    summary = pd.read_json(folder / "summary.json").scores.apply(pd.Series).set_index("score")
    for score in ("stability", "cooperation", "focal_autonomy", "focal_security"):
        assert f"<td>{score}</td>\n      <td>{summary.loc[score, 'mean']:.4f}</td>" in page
    assert page.count("<img src='data:image/png;base64,") == 3
    assert not EXTERNAL.search(page)  # nothing to fetch: no linked images, scripts or styles
    assert "Correlates of War" in page and "Provenance" in page and "git commit" in page
    events = key_events(pd.read_parquet(folder / "events.parquet"))
    assert (events.kind == "change").any()  # the scenario's scheduled crisis shows as a key event
    assert events.description.iloc[0] in page


def test_sweep_report_shows_the_analysis(tmp_path):
    experiment = tmp_path / "tiny.yaml"
    experiment.write_text(f"""format_version: 1
experiment: tiny_grid
description: Two autonomy values, two replications.
scenario: {SCENARIOS / "teaching_minimal.yaml"}
replications: 2
steps: 4
design: {{method: grid}}
vary:
  states.LAO.autonomy: [0.3, 0.8]
outputs: [stability, focal_autonomy]
""")
    laossim.sweep(experiment, out=tmp_path / "sweep", executor="serial", progress=False)
    assert main(["report", str(tmp_path / "sweep"), "--out", str(tmp_path / "sweep.html")]) == 0
    page = (tmp_path / "sweep.html").read_text()
    assert "<h1>tiny_grid</h1>" in page and "Design points" in page and "Two autonomy values" in page
    assert page.count("data:image/png;base64,") >= 2  # main effects and distributions
    assert not EXTERNAL.search(page)
    assert "Incomplete sweep" not in page

    (tmp_path / "sweep" / "runs" / "run-000002.parquet").unlink()  # as a sweep killed before its last run
    (tmp_path / "sweep" / "status" / "run-000002.json").unlink()
    status = tmp_path / "sweep" / "status" / "run-000001.json"
    status.write_text(status.read_text().replace('"done"', '"failed"'))
    assert main(["report", str(tmp_path / "sweep"), "--out", str(tmp_path / "partial.html")]) == 0
    page = (tmp_path / "partial.html").read_text()
    assert "Incomplete sweep: 2 of 4 runs done, 1 failed, 1 not yet run" in page


def test_report_of_a_folder_that_holds_no_results_is_a_clear_error(tmp_path, capsys):
    assert main(["report", str(tmp_path)]) == 2
    (tmp_path / "summary.json").write_text("{}")  # a results file's name is not enough: the manifest says
    assert main(["report", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.count("is not a laossim results folder (no laossim manifest.json)") == 2
    assert "Traceback" not in err and not (tmp_path / "report.html").exists()


def test_run_with_report_writes_it_beside_the_results(tmp_path, capsys):
    out = tmp_path / "run"
    args = ["run", str(SCENARIOS / "teaching_minimal.yaml"), "--replications", "2", "--steps", "4", "--out", str(out)]
    assert main([*args, "--report"]) == 0
    assert (out / "report.html").stat().st_size > 10_000
    assert f"report: {out / 'report.html'}" in capsys.readouterr().out
