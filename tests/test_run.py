"""Runs: reproducible tables, summaries with confidence intervals, atomic result folders."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import laossim
from conftest import BASELINE
from laossim.errors import ResultsExistError
from laossim.results import load_run
from laossim.runs import paired_difference
from laossim.summaries import mean_ci


@pytest.fixture(scope="module")
def result():
    return laossim.run(BASELINE, replications=3, steps=16)


def test_same_seed_gives_identical_tables(result):
    again = laossim.run(BASELINE, replications=3, steps=16)
    for name in ("timeseries", "states", "events", "network", "summary"):
        pd.testing.assert_frame_equal(getattr(result, name), getattr(again, name))


def test_replications_differ_and_another_seed_changes_the_run(result):
    ts = result.timeseries
    first = ts[ts.replication == 0]["stability"].to_numpy()
    second = ts[ts.replication == 1]["stability"].to_numpy()
    assert not np.array_equal(first, second)
    other = laossim.run(BASELINE, seed=99, replications=1, steps=16)
    assert not np.array_equal(other.timeseries["stability"].to_numpy(), first)


def test_replication_r_is_the_same_whatever_the_number_of_replications(result):
    one = laossim.run(BASELINE, replications=1, steps=16)
    pd.testing.assert_frame_equal(
        one.timeseries, result.timeseries[result.timeseries.replication == 0].reset_index(drop=True)
    )


def test_tables_have_the_documented_columns(result):
    assert {
        "replication",
        "step",
        "period",
        "stability",
        "cooperation",
        "focal_autonomy",
        "focal_security",
        "frustration",
        "dependence_concentration",
        "engagement_volume",
    } <= set(result.timeseries.columns)
    assert result.timeseries.period.iloc[1] == "2025-Q1"
    assert {"state", "alignment_CHN", "alignment_USA", "alignment_VNM", "capability", "coalition"} <= set(
        result.states.columns
    )
    assert {"kind", "source", "target", "magnitude", "description"} <= set(result.events.columns)
    assert {"joint_exercise", "forum_meeting"} <= set(result.events.kind)
    assert len(result.timeseries) == 3 * 17


def test_scores_move_over_a_run(result):
    """No run settles at once into a fixed point."""
    ts = result.timeseries[result.timeseries.step > 0]
    for score in ("stability", "cooperation", "focal_autonomy", "focal_security"):
        assert ts.groupby("replication")[score].std().min() > 1e-3, score


def test_summary_is_the_final_window_mean_with_a_t_interval(result):
    window = 8  # two years of quarters
    ts = result.timeseries
    per_rep = ts[ts.step > 16 - window].groupby("replication")["stability"].mean()
    row = result.summary.set_index("score").loc["stability"]
    assert row["mean"] == pytest.approx(per_rep.mean())
    assert row["ci_low"] < row["mean"] < row["ci_high"]
    mean, _low, high, _sd, n = mean_ci(np.array([1.0, 2.0, 3.0]))
    assert (mean, n) == (2.0, 3) and high - mean == pytest.approx(4.302652729911275 * 1.0 / np.sqrt(3))


def test_save_writes_the_folder_atomically_and_refuses_to_overwrite(result, tmp_path):
    out = tmp_path / "run"
    result.save(out, csv=True)
    names = {p.name for p in out.iterdir()}
    assert {
        "manifest.json",
        "summary.json",
        "timeseries.parquet",
        "states.parquet",
        "events.parquet",
        "network.parquet",
        "plots",
        "timeseries.csv",
    } <= names
    assert {p.name for p in (out / "plots").iterdir()} == {"scores.png", "alignment.png", "network.png"}
    back = load_run(out)
    pd.testing.assert_frame_equal(back["timeseries"], result.timeseries)
    pd.testing.assert_frame_equal(back["network"], result.network)  # real Parquet, read back by pandas
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["root_seed"] == 2025 and len(manifest["replication_seeds"]) == 3
    assert manifest["resolved_scenario"]["scenario"] == "laos_baseline"
    assert manifest["inputs"][0]["sha256"] and manifest["versions"]["mesa"]
    with pytest.raises(ResultsExistError):
        result.save(out)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no leftovers


def test_an_interrupted_save_leaves_the_old_folder_intact(result, tmp_path, monkeypatch):
    out = tmp_path / "run"
    result.save(out)
    before = (out / "summary.json").read_text()

    def boom(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("laossim.plotting.save_run_plots", boom)
    with pytest.raises(KeyboardInterrupt):
        result.save(out, force=True)
    assert (out / "summary.json").read_text() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]


def test_paired_difference_of_a_run_with_itself_is_exactly_zero(result):
    diff = paired_difference(result, result)
    assert (diff["difference"] == 0).all()


def test_compare_api_pairs_two_scenarios_over_the_shorter_horizon():
    from conftest import SCENARIOS

    result = laossim.compare(BASELINE, SCENARIOS / "asean_chair_year.yaml", replications=2)
    assert result.steps == 12 and result.a.seed == result.b.seed
    assert set(result.differences.score) >= {"stability", "focal_autonomy"}


def test_the_network_table_holds_each_pairs_end_state(result):
    """One row per unordered pair and replication: trust, tension and the new figures of the pair,
    the tension each side perceives beside the true one (they differ: misperception), the liaison,
    and the engagements a year between them (Laos and Viet Nam, close partners, have some)."""
    network = result.network
    n = len(result.scenario.states)
    assert len(network) == network.replication.nunique() * n * (n - 1) // 2
    for column in ("trust", "tension", "border_cooperation", "liaison", "perceived_by_source", "perceived_by_target"):
        assert network[column].between(0, 1).all(), column
    assert (network.perceived_by_source != network.tension).any()
    pair = network[(network[["source", "target"]].apply(frozenset, axis=1)) == frozenset(("LAO", "VNM"))]
    assert (pair.engagements > 0).all() and len(pair) == network.replication.nunique()
