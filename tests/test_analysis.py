"""Sweep analysis: SALib indices through the sweep-folder path, refusal on incomplete sweeps, compare."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from conftest import BASELINE, SCENARIOS
from laossim.analysis import AnalysisError, sensitivity
from laossim.cli import main
from laossim.experiment.sweep import _record
from laossim.manifest import compose, write

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
        columns = {"run_id": np.array([run_id] * 2), "step": np.arange(2), "stability": np.array([value] * 2)}
        _record(out, int(run_id), columns, None, 0.0)
    written = compose(
        "sweep",
        design={"method": method, "samples": samples, "seed": 1, "levels": 4},
        vary={n: {"from": -math.pi, "to": math.pi} for n in names},
        outputs=["stability"],
        steps=1,
        resolved_scenario={"simulation": {"time_unit": "year"}, "parameters": {"scores": {"summary_window": 1}}},
    )
    write(out, written)
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


def test_pair_means_on_a_grid_are_the_cell_means_and_bins_cover_sampled_ranges():
    from laossim.analysis import pair_means

    x, y = np.meshgrid([0.0, 1.0, 2.0], [10.0, 20.0])
    grid = pd.DataFrame({"x": np.tile(x.ravel(), 2), "y": np.tile(y.ravel(), 2), "z": np.zeros(12)})
    grid["out"] = grid.x + 100 * grid.y + np.repeat([-1.0, 1.0], 6)  # replications +-1 average out
    grid["status"] = "done"
    means = pair_means(grid, "x", "y", "out")
    assert list(means.columns) == [0.0, 1.0, 2.0] and list(means.index) == [10.0, 20.0]
    np.testing.assert_array_equal(means.to_numpy(), [[1000, 1001, 1002], [2000, 2001, 2002]])

    rng = np.random.default_rng(3)
    sampled = pd.DataFrame({"x": rng.uniform(0, 8, 4000), "y": rng.uniform(0, 1, 4000), "status": "done"})
    sampled["out"] = np.floor(sampled.x)  # constant within each of 8 unit-wide bins of x
    binned = pair_means(sampled, "x", "y", "out", bins=8, ranges={"x": (0, 8), "y": (0, 1)})
    assert binned.shape == (8, 8)
    np.testing.assert_allclose(binned.columns, np.arange(8) + 0.5)
    np.testing.assert_array_equal(binned.to_numpy(), np.tile(np.arange(8.0), (8, 1)))


def test_a_categorical_parameter_keeps_its_names_on_a_heatmap(tmp_path):
    """A doctrine crossed with a number: the categories are the rows, named, not dropped as NaN."""
    from laossim.analysis import heatmap_figure, pair_means

    table = pd.DataFrame(
        {"debt": [0.0, 1.0] * 3, "doctrine": np.repeat(["hedger", "balancer", "bandwagoner"], 2), "status": "done"}
    )
    table["stability"] = table.debt + np.repeat([0.0, 10.0, 20.0], 2)
    means = pair_means(table, "debt", "doctrine", "stability")
    assert sorted(means.index) == ["balancer", "bandwagoner", "hedger"]
    assert means.loc["bandwagoner", 1.0] == 21.0
    figure = heatmap_figure(table, ("debt", "doctrine"), ["stability"])
    labels = [tick.get_text() for tick in figure.axes[0].get_yticklabels()]
    assert sorted(labels) == ["balancer", "bandwagoner", "hedger"]


def test_the_heatmap_pair_defaults_to_the_most_influential_parameters():
    from laossim.analysis import influential_pair

    indices = pd.DataFrame(
        {"output": ["a"] * 3 + ["b"] * 3, "parameter": ["p", "q", "r"] * 2, "ST": [0.1, 0.5, 0.3, 0.0, 0.1, 0.4]}
    )
    assert influential_pair(["p", "q", "r"], indices) == ("r", "q")
    assert influential_pair(["p", "q", "r"], None) == ("p", "q")
    assert influential_pair(["p"], None) is None


def test_analyze_writes_a_heatmap_and_distributions_and_names_an_unknown_pair(tmp_path, capsys):
    folder = sweep_folder(tmp_path, "sobol", 64)
    assert main(["analyze", str(folder), "--pair", "x1", "x3"]) == 0
    written = {p.name for p in (folder / "analysis").iterdir()}
    assert {"heatmap.png", "distributions.png", "main_effects.png", "indices.png"} <= written
    capsys.readouterr()
    assert main(["analyze", str(folder), "--pair", "x1", "x4"]) == 2
    assert "--pair x4: not varied in this sweep; varied: x1, x2, x3" in capsys.readouterr().err
