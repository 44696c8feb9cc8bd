"""Sweep analysis: SALib indices through the sweep-folder path, refusal on incomplete sweeps, compare."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from conftest import BASELINE, SCENARIOS
from laossim.analysis import AnalysisError, sensitivity
from laossim.cli import main
from laossim.experiment.sweep import _record

A, B = 7.0, 0.1


def ishigami(x: np.ndarray) -> np.ndarray:
    return np.sin(x[:, 0]) + A * np.sin(x[:, 1]) ** 2 + B * x[:, 2] ** 4 * np.sin(x[:, 0])


def analytic_indices() -> tuple[np.ndarray, np.ndarray]:
    """First- and total-order Sobol indices of the Ishigami function (exact formulas)."""
    pi = math.pi
    v1 = 0.5 * (1 + B * pi**4 / 5) ** 2
    v2 = A**2 / 8
    v13 = 8 * B**2 * pi**8 / 225
    v = v1 + v2 + v13
    return np.array([v1, v2, 0.0]) / v, np.array([v1 + v13, v2, v13]) / v


def sweep_folder(tmp_path: Path, method: str, samples: int, fail: int | None = None, replications: int = 2) -> Path:
    """A sweep folder whose 'runs' evaluate Ishigami at the design points."""
    from SALib.sample import morris, sobol

    names = ["x1", "x2", "x3"]
    problem = {"num_vars": 3, "names": names, "bounds": [[-math.pi, math.pi]] * 3}
    if method == "sobol":
        points = sobol.sample(problem, samples, calc_second_order=False, seed=1)
    else:
        points = morris.sample(problem, samples, num_levels=4, seed=1)
    out = tmp_path / method
    (out / "runs").mkdir(parents=True)
    (out / "status").mkdir()
    rows = [(p, r) for r in range(replications) for p in range(len(points))]
    design = pd.DataFrame(rows, columns=["point", "replication"])
    design.insert(0, "run_id", np.arange(len(design)))
    design = pd.concat([design, pd.DataFrame(points[design.point], columns=names)], axis=1)
    design.to_parquet(out / "design.parquet")
    y = ishigami(points)
    for run_id, point, _ in design[["run_id", "point", "replication"]].itertuples(index=False):
        value = np.nan if run_id == fail else y[point]
        frame = pd.DataFrame({"run_id": run_id, "step": [0, 1], "stability": [value, value]})
        _record(out, int(run_id), frame, None, 0.0)
    manifest = {
        "design": {"method": method, "samples": samples, "seed": 1, "levels": 4},
        "vary": {n: {"from": -math.pi, "to": math.pi} for n in names},
        "outputs": ["stability"],
        "steps": 1,
        "resolved_scenario": {"simulation": {"time_unit": "year"}, "parameters": {"scores": {"summary_window": 1}}},
    }
    (out / "manifest.json").write_text(json.dumps(manifest))
    return out


def test_sobol_indices_of_ishigami_through_the_sweep_path(tmp_path):
    indices = sensitivity(sweep_folder(tmp_path, "sobol", 1024, replications=1))
    first, total = analytic_indices()
    np.testing.assert_allclose(indices.S1, first, atol=0.05)
    np.testing.assert_allclose(indices.ST, total, atol=0.05)
    assert (indices.S1_conf < 0.1).all()


def test_morris_ranks_ishigami_inputs(tmp_path):
    indices = sensitivity(sweep_folder(tmp_path, "morris", 50)).set_index("parameter")
    assert indices.mu_star["x1"] > indices.mu_star["x3"] and indices.mu_star["x2"] > indices.mu_star["x3"]


def test_indices_are_refused_when_an_output_is_nan(tmp_path):
    with pytest.raises(AnalysisError, match=r"1 run\(s\) failed, are missing or have NaN outputs \(run ids 7\)"):
        sensitivity(sweep_folder(tmp_path, "sobol", 64, fail=7))


def test_compare_prints_paired_differences_and_a_plot(tmp_path, capsys):
    plot = tmp_path / "diff.png"
    code = main(
        ["compare", str(BASELINE), str(SCENARIOS / "us_china_crisis.yaml"), "--replications", "4", "--plot", str(plot)]
    )
    out = capsys.readouterr().out
    assert code == 0 and plot.stat().st_size > 10_000
    assert "us_china_crisis minus laos_baseline: 4 paired replications of 24 steps" in out
    assert "stability" in out and "distinguishable" in out


def test_analyze_a_real_morris_sweep(tmp_path, capsys):
    from laossim.experiment.load import load_experiment
    from laossim.experiment.sweep import sweep

    text = (Path(__file__).parents[1] / "experiments" / "engagement_screening_morris.yaml").read_text()
    path = tmp_path / "small_morris.yaml"
    path.write_text(
        text.replace("../scenarios/", f"{SCENARIOS}/")
        .replace("samples: 20", "samples: 2")
        .replace("replications: 3", "replications: 1")
        .replace("steps: 40", "steps: 4")
    )
    sweep(load_experiment(path), tmp_path / "sweep", executor="serial", progress=False)
    assert main(["analyze", str(tmp_path / "sweep")]) == 0
    out = capsys.readouterr().out
    assert "mu_star" in out
    assert {p.name for p in (tmp_path / "sweep" / "analysis").iterdir()} >= {"indices.csv", "indices.png", "points.csv"}
