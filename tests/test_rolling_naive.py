"""The rolling backtest's data, naive forecasts and scores: known answers on hand-made tables,
no look at the future on the real extract, the extract against its source, the doc current."""

from __future__ import annotations

import os
import runpy
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import scoringrules as sr
from scipy import stats

from conftest import ROOT
from laossim.backtest import data, ideal_points, naive, observation, skill
from laossim.errors import ScenarioError

SHARED = Path(os.environ.get("LAOSSIM_SHARED_DATA", ROOT.parent / "shared" / "data"))
"""The shared data beside the repository (as CI lays it), or where LAOSSIM_SHARED_DATA says."""


@pytest.fixture(scope="module")
def shipped() -> pd.DataFrame:
    return ideal_points.load()


def line(states=("AAA", "BBB"), years=range(1990, 2011), slope=0.1) -> pd.DataFrame:
    """x = offset + slope * (year - 1990): each state a straight line, offsets 0, 1, 2, ..."""
    return pd.DataFrame(
        [{"year": y, "state": s, "ideal_point": i + slope * (y - 1990)} for i, s in enumerate(states) for y in years]
    )


def at(forecasts: pd.DataFrame, method: str, **where) -> pd.DataFrame:
    rows = forecasts[forecasts.method == method]
    for key, value in where.items():
        rows = rows[rows[key] == value]
    return rows


# The naive forecasts


def test_each_naive_method_on_a_straight_line():
    obs = line()
    f = naive.ladder(obs, origins=[2005], horizons=[1, 2, 3], last=2010)
    truth = obs.set_index(["state", "year"]).ideal_point
    a = {m: at(f, m, state="AAA").set_index("horizon") for m in naive.METHODS}
    for h in (1, 2, 3):
        assert a["random walk"].forecast[h] == pytest.approx(0.1 * 15)
        assert truth["AAA", 2005 + h] - a["random walk"].forecast[h] == pytest.approx(0.1 * h)  # error = slope * h
        assert a["linear trend (2000-)"].forecast[h] == pytest.approx(truth["AAA", 2005 + h])  # exact
        assert a["expanding mean"].forecast[h] == pytest.approx(0.1 * 7.5)  # mean of 1990-2005
        assert a["persistence (2000)"].forecast[h] == pytest.approx(0.1 * 10)
    # intervals: a random walk's one-year errors are all the slope, the trend's all zero
    rw = a["random walk"]
    assert (rw.q95 - rw.forecast).to_numpy() == pytest.approx(0.1 * stats.norm.ppf(0.95) * np.sqrt([1, 2, 3]))
    assert (rw.forecast - rw.q05).to_numpy() == pytest.approx((rw.q95 - rw.forecast).to_numpy())
    trend = a["linear trend (2000-)"]
    assert (trend.q95 - trend.q05).to_numpy() == pytest.approx(0, abs=1e-9)
    assert set(f.year) == {2006, 2007, 2008} and list(f.columns) == naive.COLUMNS


def test_the_ew_mean_halves_a_weight_every_three_years_counting_missing_years():
    obs = pd.DataFrame({"year": [2002, 2005], "state": "AAA", "ideal_point": [3.0, 0.0]})
    f = naive.ladder(obs, origins=[2005], horizons=[1], last=2006)
    assert at(f, "EW mean (half-life 3)").forecast.item() == pytest.approx((0.0 * 1 + 3.0 * 0.5) / 1.5)


def test_a_state_unobserved_at_the_origin_is_forecast_from_its_last_value_and_2000_from_the_next():
    obs = line(years=[1999, 2001, 2002, 2003, 2004, 2006])  # no 2000, no 2005
    obs = pd.concat([obs, pd.DataFrame({"year": [2006], "state": ["CCC"], "ideal_point": [9.0]})])
    f = naive.ladder(obs, origins=[2005], horizons=[1], last=2006)
    truth = obs.set_index(["state", "year"]).ideal_point
    assert at(f, "random walk", state="AAA").forecast.item() == pytest.approx(truth["AAA", 2004])
    assert at(f, "persistence (2000)", state="BBB").forecast.item() == pytest.approx(truth["BBB", 2001])
    assert "CCC" not in set(f.state)  # nothing observed by the origin: no forecast


def test_forecasts_from_an_origin_are_the_same_with_every_later_row_deleted(shipped):
    full = naive.ladder(shipped)
    for origin in naive.ORIGINS:
        alone = naive.ladder(shipped[shipped.year <= origin], origins=[origin])
        pd.testing.assert_frame_equal(alone, full[full.origin == origin].reset_index(drop=True))


def test_a_forecast_is_refused_a_history_that_holds_its_future(shipped):
    with pytest.raises(ValueError, match="later years"):
        naive.at_origin(shipped, 2010, [1], "ideal_point", 2023)


def test_the_ladder_covers_every_origin_horizon_and_state_up_to_2023(shipped):
    f = naive.ladder(shipped)
    assert f.year.max() == 2023 and (f.year == f.origin + f.horizon).all()
    per_method = f.groupby("method").size()
    assert set(per_method) == {16 * (12 * 7 + 6 + 5 + 4 + 3 + 2 + 1)}
    assert f[["forecast", "q05", "q95"]].notna().all().all() and (f.q05 <= f.forecast).all()


# The data


def test_observation_break_flags_myanmar_2021_to_2023_only(shipped):
    flagged = shipped[shipped.observation_break]
    assert sorted(zip(flagged.state, flagged.year, strict=True)) == [("MMR", 2021), ("MMR", 2022), ("MMR", 2023)]
    f = naive.ladder(shipped)
    assert set(f[f.observation_break].state) == {"MMR"} and set(f[f.observation_break].year) == {2021, 2022, 2023}
    assert not f[(f.state == "MMR") & (f.year <= 2020)].observation_break.any()


def test_the_extract_is_tidy_and_covers_the_sixteen_states(shipped):
    assert list(shipped.columns) == ["year", "state", "ideal_point", *ideal_points.QUANTILES, "observation_break"]
    assert set(shipped.state) == set(ideal_points.STATES) and (shipped.year.min(), shipped.year.max()) == (1990, 2023)


def test_the_extract_equals_the_nine_state_file_on_every_shared_row(shipped):
    """The data README: the all-states release is identical to the nine-state file on shared rows."""
    raw = pd.read_csv(ideal_points.FILE)
    nine = pd.read_csv(data.UNGA_FILE)
    both = nine.merge(raw, on=["iso3c", "year"], suffixes=("_nine", ""))
    assert len(both) == len(nine) == 9 * 24
    for column in ("session", "n_votes", "ideal_point_all", "agree_usa", "agree_china", "agree_russia"):
        assert (both[f"{column}_nine"] == both[column]).all(), column


@pytest.mark.skipif(not (SHARED / "unga_ideal_points_all_1990_2023.csv").exists(), reason="no shared data here")
def test_the_extract_is_the_shared_files_sixteen_states_cell_for_cell():
    script = runpy.run_path(str(ROOT / "data" / "extract_unga_16.py"))
    made = script["extract"](SHARED / "unga_ideal_points_all_1990_2023.csv")
    shipped_text = pd.read_csv(ideal_points.FILE, dtype=str, keep_default_na=False)
    pd.testing.assert_frame_equal(made.reset_index(drop=True), shipped_text)
    assert set(made.iso3c) == set(ideal_points.STATES)


def test_a_bad_cell_is_reported_with_its_file_line_and_column(tmp_path):
    text = ideal_points.FILE.read_text().splitlines()
    cells = text[2].split(",")
    cells[6] = "high"  # ideal_point_all on line 3
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join([text[0], text[1], ",".join(cells), *text[3:]]) + "\n")
    with pytest.raises(ScenarioError) as error:
        ideal_points.load(bad)
    assert f"{bad}:3" in str(error.value) and "ideal_point_all" in str(error.value)


def test_quantiles_out_of_order_are_refused_with_their_line(tmp_path):
    text = ideal_points.FILE.read_text().splitlines()
    cells = text[4].split(",")
    cells[7], cells[11] = cells[11], cells[7]  # q05 and q95 swapped on line 5
    bad = tmp_path / "swapped.csv"
    bad.write_text("\n".join([*text[:4], ",".join(cells), *text[5:]]) + "\n")
    with pytest.raises(ScenarioError, match="quantiles out of order") as error:
        ideal_points.load(bad)
    assert f"{bad}:5" in str(error.value)


# The scores


def forecast_table(rows: list[tuple], method: str = "m") -> pd.DataFrame:
    """(origin, horizon, state, forecast) rows, with a zero-width interval."""
    f = pd.DataFrame(rows, columns=["origin", "horizon", "state", "forecast"])
    return f.assign(method=method, year=f.origin + f.horizon, q05=f.forecast, q95=f.forecast, observation_break=False)


def test_centring_removes_a_shift_common_to_the_states_observed_that_year():
    obs = pd.DataFrame({"year": 2006, "state": ["A", "B", "C"], "ideal_point": [1.0, 2.0, 40.0]})
    f = forecast_table([(2005, 1, "A", 11.0), (2005, 1, "B", 12.0)])  # C not forecast: not in either centre
    paired = skill.pair(f, obs)
    assert paired.forecast.tolist() == [-0.5, 0.5] and paired.observed.tolist() == [-0.5, 0.5]
    assert paired.error.abs().max() == 0


def test_rmse_per_horizon_pools_rows_and_the_rolling_rmse_pools_cells_equally():
    obs = pd.DataFrame({"year": [2006] * 3 + [2007] * 2, "state": ["A", "B", "C", "A", "B"], "ideal_point": 0.0})
    # every year already centred: cell 2006 (three states) has MSE 6, cell 2007 (two states) MSE 1
    f = forecast_table(
        [(2005, 1, "A", 3.0), (2005, 1, "B", -3.0), (2005, 1, "C", 0.0), (2006, 1, "A", 1.0), (2006, 1, "B", -1.0)]
    )
    paired = skill.pair(f, obs)
    assert paired.set_index(["origin", "state"]).error.to_dict() == {
        (2005, "A"): 3.0, (2005, "B"): -3.0, (2005, "C"): 0.0, (2006, "A"): 1.0, (2006, "B"): -1.0
    }  # fmt: skip
    per_row = np.sqrt((9 + 9 + 0 + 1 + 1) / 5)
    per_cell = np.sqrt((18 / 3 + 2 / 2) / 2)
    assert skill.rmse_by_horizon(paired).rmse.item() == pytest.approx(per_row)
    assert skill.rolling_rmse(paired, origins=(2005, 2006), horizons=(1, 1)).item() == pytest.approx(per_cell)
    assert skill.rolling_rmse(paired, origins=(2005, 2005), horizons=(1, 1)).item() == pytest.approx(np.sqrt(6))


def test_crps_of_a_point_mass_against_a_sure_observation_is_the_absolute_error():
    obs = pd.DataFrame({"year": 2006, "state": ["A", "B"], "ideal_point": [0.0, 0.0]})
    f = forecast_table([(2005, 1, "A", 0.3), (2005, 1, "B", -0.3)])
    scores = skill.crps(skill.pair(f, obs))
    assert scores == pytest.approx([0.3, 0.3])
    assert scores[0] == pytest.approx(sr.crps_ensemble(0.0, np.array([0.3])))


def test_crps_of_a_normal_forecast_averaged_over_a_normal_posterior():
    """E_Y CRPS(N(m, s), Y) for Y ~ N(mu, t) is CRPS(N(m, S), mu) + (S - s) / sqrt(pi), S^2 = s^2 + t^2."""
    z = stats.norm.ppf(0.95)
    m, s, mu, t = 0.2, 0.3, -0.1, 0.4
    paired = pd.DataFrame(
        {"forecast": [m], "q05": [m - z * s], "q95": [m + z * s], "observed": [mu], "observed_sd": [t]}
    )
    big = np.hypot(s, t)
    expected = sr.crps_normal(mu, m, big) + (big - s) / np.sqrt(np.pi)
    assert skill.crps(paired)[0] == pytest.approx(expected, rel=5e-3)
    sure = paired.assign(observed_sd=0.0)
    assert skill.crps(sure)[0] == pytest.approx(sr.crps_normal(mu, m, s))


def test_asean_tau_is_one_for_the_observed_order_and_minus_one_reversed():
    five = list(skill.ASEAN_FIVE)
    obs = pd.DataFrame(
        [{"year": y, "state": s, "ideal_point": float(i)} for y in (2017, 2018) for i, s in enumerate(five)]
    )
    same = forecast_table([(2016, y - 2016, s, 10.0 * i) for y in (2017, 2018) for i, s in enumerate(five)], "same")
    reverse = forecast_table([(2016, y - 2016, s, -1.0 * i) for y in (2017, 2018) for i, s in enumerate(five)], "rev")
    taus = skill.asean_tau(skill.pair(pd.concat([same, reverse]), obs))
    assert taus["same"] == pytest.approx(1.0) and taus["rev"] == pytest.approx(-1.0)


def dm_table(errors_a: np.ndarray, errors_b: np.ndarray, horizons=(1,)) -> pd.DataFrame:
    """Two methods, one state pair per origin whose centred errors are +-e (so squared error e^2)."""
    rows = []
    for name, errors in (("a", errors_a), ("b", errors_b)):
        for i, e in enumerate(errors):
            for h in horizons:
                rows.append({"method": name, "origin": 2000 + i, "horizon": h, "state": "S", "error": e})
                rows.append({"method": name, "origin": 2000 + i, "horizon": h, "state": "T", "error": -e})
    return pd.DataFrame(rows)


def test_diebold_mariano_of_identical_forecasts_is_zero_with_p_value_one():
    errors = np.random.default_rng(1).normal(size=12)
    dm = skill.diebold_mariano(dm_table(errors, errors, (3, 4, 5)), "a", "b", (3, 4, 5))
    assert (dm.statistic, dm.p_value, dm.periods, dm.lags) == (0.0, 1.0, 12, 4)


def test_diebold_mariano_at_one_step_is_the_t_test_of_the_loss_differential():
    """With horizon 1: no lags, and the HLN factor turns the Newey-West mean test into Student's t."""
    rng = np.random.default_rng(2)
    a, b = rng.normal(scale=0.5, size=15), rng.normal(scale=1.0, size=15)
    dm = skill.diebold_mariano(dm_table(a, b), "a", "b", (1,))
    t = stats.ttest_1samp(a**2 - b**2, 0.0)
    assert dm.statistic == pytest.approx(t.statistic) and dm.p_value == pytest.approx(t.pvalue)
    swapped = skill.diebold_mariano(dm_table(b, a), "a", "b", (1,))
    assert swapped.statistic == pytest.approx(-dm.statistic) and swapped.p_value == pytest.approx(dm.p_value)


def test_every_summary_figure_is_given_with_and_without_myanmars_break(shipped):
    table = skill.summary(naive.ladder(shipped), shipped)
    assert sorted(table.breaks.unique()) == ["excluded", "included"]
    assert table.groupby("breaks").size().to_dict() == {"excluded": 5, "included": 5}
    assert table.drop(columns=["method", "breaks"]).notna().all().all()
    included = table[table.breaks == "included"].set_index("method")
    excluded = table[table.breaks == "excluded"].set_index("method")
    assert (included.rmse_h7 != excluded.rmse_h7).all()  # the flagged years are late targets


def test_the_ladder_reproduces_the_second_designs_fixed_split_on_the_china_lean():
    """MODEL-V2 section 2 (centred China lean of the six non-pole states): state mean 2000-2016
    RMSE 0.0296 and ASEAN-five tau 0.46; random walk from 2016 0.034; persistence from 2000 0.041."""
    obs = observation.observed_lean(data.unga(), list(observation.LEAN_STATES))
    paired = skill.pair(naive.ladder(obs, value="lean", origins=[2016]), obs, value="lean")
    rmse = skill.fixed_split_rmse(paired)
    assert round(rmse["expanding mean"], 4) == 0.0296
    assert round(rmse["random walk"], 3) == 0.034 and round(rmse["persistence (2000)"], 3) == 0.041
    assert round(skill.asean_tau(paired)["expanding mean"], 2) == 0.46


def test_the_rolling_backtest_doc_holds_what_its_script_prints():
    script = runpy.run_path(str(ROOT / "docs" / "make_rolling_naive.py"))
    doc = (ROOT / "docs" / "rolling_backtest.md").read_text()
    section = doc[doc.index(script["START"]) + len(script["START"]) : doc.index(script["END"])]
    assert section == script["render"](), "rerun python docs/make_rolling_naive.py"
