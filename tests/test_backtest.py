"""The backtest's observation model and scores: hand-made states, the real 2000 voting data, and
synthetic series with known answers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from conftest import ROOT
from laossim.backtest import observation as ob
from laossim.backtest import scoring

UNGA = ROOT / "data" / "unga_ideal_points_asia_2000_2023.csv"
NINE = ["USA", "RUS", "JPN", "CHN", "VNM", "THA", "KHM", "MMR", "LAO"]
ASEAN_FIVE = ["VNM", "THA", "KHM", "MMR", "LAO"]


def test_alignment_from_agreement_keeps_the_ratios_and_sums_to_one():
    shares = ob.alignment_from_agreement(np.array([[0.2, 0.6, 0.2], [1.0, 1.0, 2.0]]))
    np.testing.assert_allclose(shares, [[0.2, 0.6, 0.2], [0.25, 0.25, 0.5]])
    with pytest.raises(ValueError, match="positive sum"):
        ob.alignment_from_agreement(np.array([[0.0, 0.0, 0.0]]))


def test_the_mapping_reproduces_the_2000_observations_it_was_built_from():
    unga = pd.read_csv(UNGA)
    year = unga[(unga.year == 2000) & unga.iso3c.isin(ASEAN_FIVE)].set_index("iso3c").loc[ASEAN_FIVE]
    shares = ob.alignment_from_agreement(year[["agree_usa", "agree_china", "agree_russia"]].to_numpy())
    lean_model = ob.china_lean(shares[:, 0], shares[:, 1])
    lean_data = year.agree_china / (year.agree_china + year.agree_usa)
    np.testing.assert_allclose(lean_model, lean_data.to_numpy(), rtol=1e-12)
    # Laos in 2000 (agree_usa 0.1428571, agree_china 0.9365079): 0.9365079 / 1.079365
    assert lean_model[ASEAN_FIVE.index("LAO")] == pytest.approx(0.9365079 / (0.9365079 + 0.1428571))


def test_observed_leans_are_centred_on_each_years_mean():
    obs = ob.observed(pd.read_csv(UNGA), NINE)
    assert set(obs.year) == set(range(2000, 2024)) and set(obs.state) == set(NINE)
    assert obs.groupby("year").centred.sum().abs().max() < 1e-12
    usa_2000 = obs[(obs.state == "USA") & (obs.year == 2000)].lean.item()
    assert usa_2000 == pytest.approx(0.1492537 / 1.1492537)


def test_simulated_leans_average_each_calendar_year_of_a_run():
    table = pd.DataFrame(
        {
            "replication": 0,
            "step": [0, 1, 2, 0, 1, 2],
            "period": ["1999-Q4", "2000-Q1", "2000-Q2"] * 2,
            "state": ["LAO"] * 3 + ["THA"] * 3,
            "alignment_USA": [0.5, 0.2, 0.4, 0.5, 0.5, 0.5],
            "alignment_CHN": [0.5, 0.6, 0.4, 0.5, 0.5, 0.5],
        }
    )
    sim = ob.simulated(table, ["LAO", "THA"])
    lao_2000 = sim[(sim.state == "LAO") & (sim.year == 2000)].lean.item()
    assert lao_2000 == pytest.approx((0.75 + 0.5) / 2)
    assert sim[(sim.state == "LAO") & (sim.year == 1999)].lean.item() == 0.5
    assert sim[sim.year == 2000].centred.sum() == pytest.approx(0.0)


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
    obs = series({"VNM": [0.9, 0.9], "LAO": [0.8, 0.8], "THA": [0.5, 0.5]}, column="lean")
    sim = series({"VNM": [0.7, 0.2], "LAO": [0.6, 0.5], "THA": [0.1, 0.9]}, column="lean")
    taus = scoring.ordering(sim, obs, ["VNM", "LAO", "THA"]).set_index("year")
    assert taus.loc[2000, "tau"] == pytest.approx(1.0)
    assert taus.loc[2001, "tau"] == pytest.approx(-1.0)
