"""The backtest's observation model and scores: hand-made states, the real 2000 voting data, and
synthetic series with known answers."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from conftest import ROOT
from laossim import results
from laossim.backtest import observation as ob
from laossim.backtest import scoring
from laossim.manifest import read as read_manifest
from test_sweep import alone

IDEAL_POINTS = ROOT / "data" / "unga_ideal_points_16_1990_2023.csv"
ASEAN_FIVE = ["VNM", "THA", "KHM", "MMR", "LAO"]
SCENARIO = ROOT / "scenarios" / "backtest_2000.yaml"


def test_the_compared_states_are_the_datas_sixteen_but_the_poles_of_the_scenario():
    from laossim.backtest import ideal_points
    from laossim.backtest.compare import COMPARED, POLES
    from laossim.scenario import load_scenario

    scenario = load_scenario(SCENARIO)
    assert len(COMPARED) == 14 and set(COMPARED) | set(POLES) == set(ideal_points.STATES)
    assert list(scenario.poles) == list(POLES) == ["USA", "CHN"]
    assert set(COMPARED) <= set(scenario.state_ids) and not set(COMPARED) & set(scenario.poles)


def test_observed_ideal_points_are_the_files_from_2000_centred_on_each_years_mean():
    from laossim.backtest.compare import COMPARED, observed

    obs = observed()
    assert set(obs.year) == set(range(2000, 2024)) and set(obs.state) == set(COMPARED)
    assert len(obs) == 14 * 24 and obs.groupby("year").centred.sum().abs().max() < 1e-12
    raw = pd.read_csv(IDEAL_POINTS).set_index(["iso3c", "year"])
    lao = obs.set_index(["state", "year"]).loc[("LAO", 2000)]
    assert lao.ideal_point == raw.ideal_point_all["LAO", 2000] == pytest.approx(-1.180685)
    assert (lao.q05, lao.q95) == (raw.ideal_point_q05["LAO", 2000], raw.ideal_point_q95["LAO", 2000])
    flagged = obs[obs.observation_break]
    assert flagged.state.unique().tolist() == ["MMR"] and flagged.year.tolist() == [2021, 2022, 2023]


def test_simulated_ideal_points_average_each_calendar_year_of_a_run():
    table = pd.DataFrame(
        {
            "replication": 0,
            "step": [0, 1, 2, 0, 1, 2],
            "period": ["1999-Q4", "2000-Q1", "2000-Q2"] * 2,
            "state": ["LAO"] * 3 + ["THA"] * 3,
            "alignment_USA": 0.5,  # the shares are not what is observed
            "alignment_CHN": 0.5,
            "position_1": [-1.2, -1.0, -0.6, -0.3, -0.3, -0.3],
        }
    )
    sim = ob.simulated(table, ["LAO", "THA"])
    lao_2000 = sim[(sim.state == "LAO") & (sim.year == 2000)].ideal_point.item()
    assert lao_2000 == pytest.approx(-0.8)
    assert sim[(sim.state == "LAO") & (sim.year == 1999)].ideal_point.item() == -1.2
    centred = sim[sim.year == 2000].set_index("state").centred
    assert centred.sum() == pytest.approx(0.0) and centred["LAO"] == pytest.approx(-0.25)


def test_the_china_lean_stays_for_the_nine_state_comparison_table():
    from laossim.backtest import data

    leans = ob.observed_lean(data.unga(), list(ob.LEAN_STATES))
    assert set(leans.state) == set(ob.LEAN_STATES) and leans.groupby("year").centred.sum().abs().max() < 1e-12
    lao = leans.set_index(["state", "year"]).lean["LAO", 2000]
    assert lao == pytest.approx(0.9365079 / (0.9365079 + 0.1428571))  # agree_china / (agree_china + agree_usa)


def series(values: dict[str, list[float]], start: int = 2000, column: str = "centred") -> pd.DataFrame:
    return pd.DataFrame(
        [(start + k, state, v) for state, vs in values.items() for k, v in enumerate(vs)],
        columns=["year", "state", column],
    )


def test_scores_are_perfect_on_identical_series_and_measure_a_known_offset():
    obs = series({"LAO": [0.1, 0.2, 0.3], "THA": [0.0, -0.1, -0.3]})
    same = scoring.per_state(obs, obs).set_index("state")
    assert (same.rmse == 0).all() and same.loc["LAO", "correlation"] == pytest.approx(1.0)
    assert same.loc["all", "drift_matches"] == 1.0
    shifted = series({"LAO": [0.15, 0.25, 0.35], "THA": [0.05, -0.05, -0.25]})
    scores = scoring.per_state(shifted, obs).set_index("state")
    assert scores.rmse.tolist() == pytest.approx([0.05, 0.05, 0.05])
    assert scores.loc["THA", "correlation"] == pytest.approx(1.0)


def test_drift_direction_and_years_in_common():
    obs = series({"LAO": [0.1, 0.2, 0.3, 0.4]})
    sim = series({"LAO": [0.3, 0.2, 0.1]}, start=2001)  # falls while the observed rises
    scores = scoring.per_state(sim, obs).set_index("state")
    assert scores.loc["LAO", "years"] == 3
    assert not scores.loc["LAO", "drift_matches"]
    assert scores.loc["LAO", "drift_observed"] == pytest.approx(0.2)
    assert scores.loc["LAO", "correlation"] == pytest.approx(-1.0)


def test_kendall_tau_of_the_ordering_each_year():
    obs = series({"VNM": [-1.3, -1.3], "LAO": [-1.2, -1.2], "THA": [-0.3, -0.3]}, column="ideal_point")
    sim = series({"VNM": [-1.5, -0.2], "LAO": [-1.1, -0.5], "THA": [0.1, -0.9]}, column="ideal_point")
    taus = scoring.ordering(sim, obs, ["VNM", "LAO", "THA"], value="ideal_point").set_index("year")
    assert taus.loc[2000, "tau"] == pytest.approx(1.0)
    assert taus.loc[2001, "tau"] == pytest.approx(-1.0)


def test_the_backtest_scenario_is_what_the_builder_writes_from_the_data():
    from laossim.backtest import build, data, ideal_points

    written = build.document(data.cinc(), ideal_points.load())
    assert SCENARIO.read_text() == written, "regenerate with `python -m laossim.backtest.build`"


def test_the_backtest_scenario_starts_at_the_2000_observations():
    import laossim
    from laossim.backtest.compare import COMPARED, observed

    model = laossim.LaosModel(SCENARIO)
    world = model.world
    poles = [world.ids[p] for p in world.poles]
    assert poles == ["USA", "CHN"] and world.position.shape == (16, 1) and model.spec.simulation.steps == 96
    raw = pd.read_csv(IDEAL_POINTS).set_index(["iso3c", "year"]).ideal_point_all
    for state in world.ids:  # every state, the poles too: six decimals in the file
        assert world.position[world.index(state), 0] == pytest.approx(raw[state, 2000], abs=5e-7)
    first = laossim.run(SCENARIO, replications=1, steps=1).states
    start = first[first.step == 0].set_index("state").position_1
    observed_2000 = observed().query("year == 2000").set_index("state").ideal_point
    for state in COMPARED:
        assert round(start[state], 6) == round(observed_2000[state], 6), state
    cinc = pd.read_csv(ROOT / "data" / "cow_nmc6_asia_2000_2016.csv").set_index(["iso3", "year"]).cinc
    assert world.capability[world.index("LAO")] == pytest.approx(cinc["LAO", 2000])
    for _ in range(21):  # to 2005-Q1 (step 21), when the observed 2005 CINC is set
        model.step()
    assert model.period == "2005-Q1"
    assert model.world.capability[world.index("VNM")] == pytest.approx(cinc["VNM", 2005], rel=0.02)


def test_the_backtest_refuses_a_scenario_without_positions_on_one_axis():
    from laossim.backtest.compare import check_covers
    from laossim.errors import InputError
    from laossim.scenario import load_scenario

    scenario = load_scenario(SCENARIO)
    check_covers(scenario, "ok.yaml")  # the shipped file covers it
    with pytest.raises(InputError, match=r"^shares\.yaml: .* lacks positions on one axis \(format_version 2, two "
                       r"poles; it has format_version 1, shares\); start from"):  # fmt: skip
        check_covers(scenario.model_copy(update={"format_version": 1}), "shares.yaml")
    with pytest.raises(InputError, match=r"lacks positions on one axis \(.*it has 3 poles, 2 axes\); start"):
        check_covers(scenario.model_copy(update={"poles": ["USA", "CHN", "RUS"]}), "three.yaml")


def test_every_historical_event_is_dated_in_the_window_sourced_and_sized_by_the_rule():
    from laossim.backtest.history import HISTORY, SEVERITY, TRUST_STEP

    assert [e.at for e in HISTORY] == sorted(e.at for e in HISTORY)
    for event in HISTORY:
        assert "2000-Q1" <= event.at <= "2023-Q4" and event.source.startswith("http") and event.note
        magnitude = event.fields.get("severity", event.fields.get("value"))
        if magnitude is not None:
            assert magnitude in SEVERITY.values() or abs(magnitude) == TRUST_STEP


def test_the_defence_forums_first_meet_when_they_were_founded():
    import laossim

    result = laossim.run(ROOT / "scenarios" / "backtest_2000.yaml", replications=1, steps=56)
    meetings = result.events[result.events.kind == "forum_meeting"]
    first = meetings.groupby("source").period.min()
    assert first["ADMM"] == "2006-Q2" and first["ADMM_Plus"] == "2010-Q4"
    plus = meetings[meetings.source == "ADMM_Plus"].period.tolist()
    assert plus == ["2010-Q4", "2012-Q4"]  # biennial until 2017


def test_the_capability_path_interpolates_geometrically_between_observations():
    from laossim.backtest.build import capability_path

    cinc = pd.DataFrame({"iso3": "X", "year": [2000, 2005, 2010], "cinc": [1.0, 2.0, 2.0]})
    path = capability_path(cinc, "X")
    assert [year for year, _, _ in path] == [2000, 2005, 2010]
    assert path[0][2] == pytest.approx(2 ** (1 / 5) - 1)  # doubles in five years
    assert path[1][2] == pytest.approx(0.0) and path[2][2] == pytest.approx(0.0)  # the last keeps the last rate


def test_backtest_scores_the_model_and_the_naive_forecasts_on_both_windows(tmp_path, capsys):
    from laossim.backtest.compare import WINDOWS, alike, linear_trend, persistence
    from laossim.cli import main

    assert main(["backtest", str(SCENARIO), "--replications", "2",
                 "--out", str(tmp_path / "bt")]) == 0  # fmt: skip
    out = capsys.readouterr().out
    assert "2017-2023 (hold-out)" in out and "persistence (2000)" in out and "linear trend (2000-2016)" in out
    scores = pd.read_csv(tmp_path / "bt" / "scores.csv")
    assert "ideal points of RUS, JPN, IND" in out and "without MMR 2021-2023" in out
    assert len(scores) == 4 * 3 and set(scores.window) == {w for w, _, _ in WINDOWS}
    assert scores.rmse.notna().all() and (tmp_path / "bt" / "backtest.png").stat().st_size > 50_000
    per_state = pd.read_csv(tmp_path / "bt" / "per_state.csv")
    assert per_state.groupby("window").size().tolist() == [15, 15, 15]  # 14 states and "all", each window
    simulated = pd.read_parquet(tmp_path / "bt" / "simulated.parquet")
    assert {"ideal_point", "centred"} <= set(simulated.columns) and simulated.replication.nunique() == 2
    manifest = read_manifest(tmp_path / "bt", "backtest")
    assert any(i["path"].endswith("unga_ideal_points_16_1990_2023.csv") for i in manifest.inputs)
    assert not any(i["path"].endswith("unga_ideal_points_asia_2000_2023.csv") for i in manifest.inputs)
    obs = pd.DataFrame({"year": [2000, 2001, 2002] * 2, "state": ["LAO"] * 3 + ["THA"] * 3,
                        "ideal_point": [-1.2, -1.1, -1.0, -0.3, -0.3, -0.3]})  # fmt: skip
    held = persistence(obs).set_index(["state", "year"]).ideal_point
    assert held["LAO", 2002] == -1.2 and held["THA", 2001] == -0.3
    trend = linear_trend(obs, (2000, 2001)).set_index(["state", "year"]).ideal_point
    assert trend["LAO", 2002] == pytest.approx(-1.0)  # the 2000-2001 line, extended
    same = alike(obs).set_index(["state", "year"])
    assert same.ideal_point["THA", 2001] == pytest.approx(-0.7) and (same.centred == 0).all()


def test_the_hold_out_is_scored_with_and_without_the_observation_break_each_centred_on_what_it_scores():
    from laossim.backtest.compare import on, score_table, scored

    obs = pd.DataFrame({"year": [2021] * 3, "state": ["LAO", "THA", "MMR"], "ideal_point": [-1.0, 0.0, 1.0],
                        "observation_break": [False, False, True]})  # fmt: skip
    kept = scored(obs, (2017, 2023), breaks=False).set_index("state").centred
    assert kept.to_dict() == {"LAO": -0.5, "THA": 0.5}  # the centre taken without Myanmar
    assert scored(obs, (2017, 2023), breaks=True).set_index("state").centred["LAO"] == -1.0
    forecast = obs.assign(ideal_point=[-1.0, 0.0, -5.0], centred=np.nan)  # right but for the flagged row
    assert on(forecast, scored(obs, (2017, 2023), breaks=False)).centred.tolist() == [-0.5, 0.5]
    both = pd.concat([obs.assign(year=2016, observation_break=False), obs], ignore_index=True)  # a fitting year too
    forecast = both.assign(ideal_point=[-1.0, 0.0, 1.0, -1.0, 0.0, -5.0], centred=np.nan)
    scores = score_table({"f": forecast}, both).set_index("window").rmse
    assert scores["2000-2016 (fitting)"] == scores["2017-2023 (hold-out, without MMR 2021-2023)"] == 0.0
    assert scores["2017-2023 (hold-out)"] > 2


def test_a_bad_data_file_is_reported_with_file_line_and_column(tmp_path):
    from laossim.backtest.data import unga
    from laossim.errors import ScenarioError

    bad = tmp_path / "votes.csv"
    bad.write_text("iso3c,year,agree_usa,agree_china,agree_russia\nLAO,2000,0.1,0.9,0.7\nTHA,2000,abc,1.4,0.5\n")
    with pytest.raises(ScenarioError) as caught:
        unga(bad)
    text = caught.value.render()
    assert f"{bad}:3: agree_usa: not a valid value (expected a share from 0 to 1, got 'abc')" in text
    assert f"{bad}:3: agree_china: not a valid value (expected a share from 0 to 1, got '1.4')" in text
    (tmp_path / "short.csv").write_text("iso3c,year\nLAO,2000\n")
    with pytest.raises(ScenarioError, match=r"short\.csv:1: agree_usa: missing column"):
        unga(tmp_path / "short.csv")


# --- calibration -------------------------------------------------------------


def test_the_fit_error_reads_only_the_fitting_years():
    from laossim.backtest.calibrate import fit_error

    obs = series({"LAO": [0.1] * 24, "THA": [-0.1] * 24})
    sim = obs.assign(replication=0)
    sim.loc[sim.year <= 2016, "centred"] += 0.05
    sim.loc[sim.year > 2016, "centred"] += 9.0  # the hold-out never counts
    assert fit_error(sim, obs) == pytest.approx(0.05)


def _calibrate(observed, out, **kwargs):
    from laossim.backtest.calibrate import calibrate

    options = {"points": 4, "replications": 2, "refine": 4, "executor": "serial", "progress": False}
    return calibrate(SCENARIO, observed, out, **(options | kwargs))


def test_calibration_never_reads_the_hold_out_years(tmp_path):
    from laossim.backtest.calibrate import PARAMETERS, outputs
    from laossim.backtest.compare import COMPARED, observed

    assert outputs() == [f"position.{state}.1" for state in COMPARED]  # the ideal points, not the shares
    observed = observed()
    full = _calibrate(observed, tmp_path / "full")
    cut = _calibrate(observed[observed.year <= 2016], tmp_path / "cut")
    assert full.fitted == cut.fitted and full.error == cut.error
    pd.testing.assert_frame_equal(full.refinement, cut.refinement)
    assert set(full.fitted) == set(PARAMETERS)
    for name, (lo, hi) in PARAMETERS.items():
        assert lo <= full.fitted[name] <= hi
    # the runs stop at the end of 2016: nothing after the fitting window is even simulated
    series = results.load(tmp_path / "full", series=True)
    assert series.step.max() == 68  # 2000-Q1 .. 2016-Q4
    assert {f"position.{state}.1" for state in COMPARED} <= set(series.columns)
    assert full.error <= full.design.error.min()  # refinement starts at the best point and keeps the best
    manifest = json.loads((tmp_path / "full" / "manifest.json").read_text())
    assert manifest["runs"] == 8 and manifest["unstacked_runs"] == alone(8)  # its design's runs share stacks


def test_backtest_calibrate_fits_reports_and_is_never_worse_than_its_defaults_in_sample(tmp_path, capsys):
    from laossim.cli import main

    out = tmp_path / "bt"
    assert main(["backtest", str(SCENARIO), "--calibrate", "--points", "8",
                 "--calibration-replications", "2", "--refine", "6", "--replications", "2",
                 "--out", str(out)]) == 0  # fmt: skip
    printed = capsys.readouterr().out
    assert "fitted in" in printed and "alignment.responsiveness" in printed
    fitted = json.loads((out / "fitted.json").read_text())
    assert fitted["fitting_years"] == [2000, 2016] and fitted["runs"] == 8 * 2 + 6 * 2
    scores = pd.read_csv(out / "scores.csv").set_index(["forecast", "window"]).rmse
    fitting = "2000-2016 (fitting)"
    assert scores["laossim (calibrated)", fitting] <= scores["laossim (defaults)", fitting]  # a candidate
    assert ("laossim (calibrated)", "2017-2023 (hold-out)") in scores.index
    assert ("laossim (calibrated)", "2017-2023 (hold-out, without MMR 2021-2023)") in scores.index
    assert len(pd.read_csv(out / "calibration_design.csv")) == 8
    assert (out / "calibration.png").stat().st_size > 20_000 and (out / "calibration" / "design.parquet").exists()
    manifest = read_manifest(out, "backtest")
    assert manifest["settings"]["points"] == 8 and len(manifest.inputs) == 3  # the scenario, ideal points, CINC
    assert main(["report", str(out)]) == 0
    page = (out / "report.html").read_text()
    assert "Backtest of backtest_2000" in page and "alignment.responsiveness" in page and "ideal point" in page
    assert page.count("<img src='data:image/png;base64,") == 2  # the bands and the calibration plot


def test_backtest_refuses_an_unknown_executor_or_calibration_options_alone_and_writes_nothing(tmp_path, capsys):
    from laossim.cli import main

    out = tmp_path / "bt"
    code = main(["backtest", str(SCENARIO), "--calibrate", "--executor", "gpu",
                 "--out", str(out)])  # fmt: skip
    assert code == 2 and "unknown executor 'gpu'" in capsys.readouterr().err
    assert not out.exists() and not list(tmp_path.iterdir())
    assert main(["backtest", str(SCENARIO), "--points", "8", "--out", str(out)]) == 2
    assert "--points only applies with --calibrate" in capsys.readouterr().err and not out.exists()
