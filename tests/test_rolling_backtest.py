"""The model's rolling backtest: forecasts that read nothing after their origin, coefficients
estimated the stated way, the noise of a year as estimated, and the command's files."""

from __future__ import annotations

import json
import math
import runpy

import numpy as np
import pandas as pd
import pytest

from conftest import SCENARIOS
from laossim.backtest import data, ideal_points, naive, posterior, rolling
from laossim.cli import main
from laossim.kernel import Job, evaluate
from laossim.scenario import load_scenario


@pytest.fixture(scope="module")
def template():
    return load_scenario(SCENARIOS / "backtest_2000.yaml")


@pytest.fixture(scope="module")
def observed() -> pd.DataFrame:
    return ideal_points.load()


def test_no_forecast_reads_any_input_dated_after_its_origin(template, observed):
    """Every later vote, capability, scheduled event and forum founding removed: identical forecasts."""
    cinc = data.cinc()
    for origin in (2008, 2013):
        full = rolling.rolling(template, observed, cinc, origins=[origin], replications=4)
        later_forums = [f.id for f in template.forums if f.since is not None and int(f.since[:4]) > origin]
        cut = template.model_copy(
            update={"events": [], "forums": [f for f in template.forums if f.id not in later_forums]}
        )
        past = rolling.rolling(
            cut, observed[observed.year <= origin], cinc[cinc.year <= origin], origins=[origin], replications=4
        )
        pd.testing.assert_frame_equal(full.model, past.model)
        pd.testing.assert_frame_equal(full.null, past.null)
        assert (full.model.year > origin).all() and full.model.year.max() == min(origin + 7, naive.LAST_YEAR)


def test_anchors_refuse_later_data_and_follow_the_stated_rules(observed):
    cinc = data.cinc()
    with pytest.raises(ValueError, match="later years"):
        rolling.anchors(observed, cinc[cinc.year <= 2010], 2010)
    a = rolling.anchors(observed[observed.year <= 2010], cinc[cinc.year <= 2010], 2010)
    lao = observed[(observed.state == "LAO") & (observed.year <= 2010)]
    weights = 0.5 ** ((2010 - lao.year) / naive.HALF_LIFE)
    assert a.resting["LAO"] == pytest.approx(np.average(lao.ideal_point, weights=weights), rel=1e-12)
    assert a.start["LAO"] == lao[lao.year == 2010].ideal_point.item()
    # capability: the 2010 CINC (observed that year), growing at the 2005-2010 rate
    chn = cinc[cinc.iso3 == "CHN"].set_index("year").cinc
    assert a.capability["CHN"] == pytest.approx(chn[2010], rel=1e-12)
    assert a.growth["CHN"] == pytest.approx((chn[2010] / chn[2005]) ** (1 / 5) - 1, rel=1e-12)
    # the pooled regression through the origin, by hand
    gaps, nexts = [], []
    for _, rows in observed[observed.year <= 2010].groupby("state"):
        years, values = rows.year.to_numpy(), rows.ideal_point.to_numpy()
        for k in range(len(years) - 1):
            if years[k] >= rolling.FIT_FROM and years[k + 1] == years[k] + 1:
                centre = rolling.weighted_mean(years, values, int(years[k]))
                gaps.append(values[k] - centre)
                nexts.append(values[k + 1] - centre)
    x, y = np.array(gaps), np.array(nexts)
    assert a.phi == pytest.approx(x @ y / (x @ x), rel=1e-10) and a.pairs == len(x)
    assert a.sigma == pytest.approx(math.sqrt(np.sum((y - a.phi * x) ** 2) / (len(x) - 1)), rel=1e-10)


def test_posterior_draws_centre_on_the_estimate(observed):
    a = rolling.anchors(observed[observed.year <= 2016], data.cinc(), 2016)
    draws = a.draws(20_000, np.random.default_rng(1))
    se = a.sigma / math.sqrt(a.spread)
    assert abs(draws[:, 0].mean() - a.phi) < 4 * se / math.sqrt(20_000) + 1e-3
    assert draws[:, 0].std() == pytest.approx(se, rel=0.05)
    assert np.median(draws[:, 1]) == pytest.approx(a.sigma, rel=0.02)


def test_a_years_noise_in_the_null_model_is_the_estimated_innovation(template, observed):
    """From rest (every state at its resting position), the null model's positions a year on spread
    with the SD sigma the regression estimated: the quarterly noise is converted right."""
    a = rolling.anchors(observed[observed.year <= 2016], data.cinc()[lambda c: c.year <= 2016], 2016)
    rested = rolling.Anchors(**{**a.__dict__, "start": dict(a.resting)})
    spec = rolling.scenario_at(template, rested, a.phi, a.sigma, structural=False)
    seeds = np.random.SeedSequence(7).spawn(400)
    traces = evaluate([Job(spec, seq, 4) for seq in seeds])
    moved = np.stack([t.histories["position"][4, :, 0] - t.histories["position"][0, :, 0] for t in traces])
    expected_mean = 0.0  # at rest the correction has nothing to correct
    assert abs(moved.mean() - expected_mean) < 4 * a.sigma / math.sqrt(moved.size)
    assert moved.std() == pytest.approx(a.sigma, rel=0.05)


def test_the_scenario_at_an_origin_starts_where_the_data_stood(template, observed):
    a = rolling.anchors(observed[observed.year <= 2012], data.cinc()[lambda c: c.year <= 2012], 2012)
    spec = rolling.scenario_at(template, a, 0.7, 0.15)
    assert spec.simulation.start == "2012-Q3" and spec.simulation.steps == 28 and spec.events == []
    vnm = next(s for s in spec.states if s.id == "VNM")
    assert vnm.position == [a.start["VNM"]] and vnm.resting_position == [a.resting["VNM"]]
    assert vnm.responsiveness == pytest.approx(0.3)
    assert spec.parameters.forums.norm_pull == template.parameters.forums.norm_pull
    null = rolling.scenario_at(template, a, 0.7, 0.15, structural=False)
    assert null.parameters.alignment.leverage_gain == 0 and null.parameters.forums.norm_pull == 0
    cinc = data.cinc()
    in_2005 = rolling.anchors(observed[observed.year <= 2005], cinc[cinc.year <= 2005], 2005)
    early = rolling.scenario_at(template, in_2005, 0.7, 0.15)
    assert {f.id for f in early.forums} == {"ASEAN"}  # the ADMM (2006) and ADMM-Plus (2010) not yet founded


def test_the_command_writes_the_forecasts_the_ladder_and_the_scores(tmp_path, capsys):
    out = tmp_path / "rolling"
    args = ["backtest", str(SCENARIOS / "backtest_2000.yaml"), "--rolling", "--replications", "4", "--out", str(out)]
    assert main(args) == 0
    forecasts = pd.read_csv(out / "forecasts.csv")
    assert list(forecasts.columns) == rolling.COLUMNS
    expected = sum(len(rolling.horizons(o)) for o in naive.ORIGINS) * len(ideal_points.STATES)
    assert len(forecasts) == expected and not forecasts.duplicated(["origin", "horizon", "state"]).any()
    assert (forecasts.year == forecasts.origin + forecasts.horizon).all()
    assert forecasts[forecasts.observation_break].state.unique().tolist() == ["MMR"]
    assert set(forecasts[forecasts.observation_break].year) == {2021, 2022, 2023}
    assert (forecasts.q05 <= forecasts.forecast).all() and (forecasts.forecast <= forecasts.q95).all()
    ladder = pd.read_csv(out / "naive_forecasts.csv")
    assert set(ladder.method) == {*naive.METHODS, rolling.NULL}
    scores = pd.read_csv(out / "scores.csv")
    assert set(scores.method) == {*naive.METHODS, rolling.NULL, rolling.MODEL}
    assert set(scores.breaks) == {"included", "excluded"}
    dm = pd.read_csv(out / "diebold_mariano.csv")
    assert len(dm) == 6 and dm.p_value.between(0, 1).all()
    assert json.loads((out / "manifest.json").read_text())["settings"]["rolling"] is True
    assert (out / "fans.png").stat().st_size > 10_000 and (out / "skill_by_horizon.png").stat().st_size > 10_000
    assert "Diebold-Mariano" in capsys.readouterr().out


def test_the_command_refuses_a_scenario_without_ideal_point_positions(tmp_path, capsys):
    assert main(["backtest", str(SCENARIOS / "laos_baseline.yaml"), "--rolling", "--out", str(tmp_path / "r")]) == 2
    err = capsys.readouterr().err
    assert "laos_baseline.yaml" in err and "format_version 2" in err and "backtest_2000.yaml" in err
    assert not (tmp_path / "r").exists()
    assert main(["backtest", str(SCENARIOS / "backtest_2000.yaml"), "--rolling", "--calibrate"]) == 2
    assert "drop --calibrate" in capsys.readouterr().err


@pytest.mark.slow
def test_the_validation_doc_holds_what_its_script_prints(tmp_path):
    """docs/make_rolling_model.py reruns the shipped rolling backtest (about two minutes)."""
    from conftest import ROOT

    script = runpy.run_path(str(ROOT / "docs" / "make_rolling_model.py"))
    text = script["render"](tmp_path)
    doc = (ROOT / "docs" / "validation.md").read_text()
    assert script["START"] + text + script["END"] in doc, "regenerate with `python docs/make_rolling_model.py`"
    assert {p.name for p in tmp_path.iterdir()} == set(script["IMAGES"].values())


def test_the_twin_experiment_fits_the_coefficients_back_within_a_fifth(template, observed):
    """Data made by the model at the coefficients fitted on all the votes, with the data's states,
    years and gaps, fitted back the same way: every fit within 20%, none on a bound."""
    twin = posterior.twin(template, observed, sets=8)
    assert (twin.error() < 0.2).all(), twin.fitted
    assert twin.fitted.phi.between(0.01, 0.98).all()
    assert twin.fitted.phi.mean() == pytest.approx(twin.true_phi, rel=0.05)


def test_run_with_posterior_draws_each_replications_coefficients_from_data_before_the_start(tmp_path, template):
    overrides, estimate = posterior.replication_overrides(template, "backtest_2000.yaml", 6, seed=3)
    points = ideal_points.load()
    assert estimate.origin == 1999 and estimate == rolling.anchors(points[points.year <= 1999], data.cinc()[:0], 1999)
    rates = [o["states.LAO.responsiveness"] for o in overrides]
    assert len(set(rates)) == 6
    assert all(o["states.USA.responsiveness"] == o["states.LAO.responsiveness"] for o in overrides)
    assert overrides == posterior.replication_overrides(template, "backtest_2000.yaml", 6, seed=3)[0]
    out = tmp_path / "run"
    args = ["run", str(SCENARIOS / "backtest_2000.yaml"), "--posterior", "--replications", "3", "--steps", "8"]
    assert main([*args, "--out", str(out)]) == 0
    recorded = json.loads((out / "manifest.json").read_text())
    assert len(recorded["per_replication"]) == 3  # the draws themselves: the run reproduces without the data
    states = pd.read_parquet(out / "states.parquet")
    moved = states[states.step == 8].groupby("replication").position_1.sum()
    assert moved.nunique() == 3
    assert main(["run", str(SCENARIOS / "laos_baseline.yaml"), "--posterior", "--out", str(tmp_path / "no")]) == 2


@pytest.mark.parametrize(("phi", "method"), [(1.0, "random walk"), (0.0, "EW mean (half-life 3)")])
def test_the_nested_nulls_reproduce_the_naive_forecasts_to_the_digit(template, observed, phi, method):
    """The model without its structural terms and without noise is the random walk when no gap is
    corrected (phi = 1) and the weighted mean when every gap closes at once (phi = 0)."""
    origin = 2012
    cinc = data.cinc()
    a = rolling.anchors(observed[observed.year <= origin], cinc[cinc.year <= origin], origin)
    spec = rolling.scenario_at(template, a, phi, 0.0, structural=False)
    (trace,) = evaluate([Job(spec, np.random.SeedSequence(1), spec.simulation.steps)])
    ladder = naive.ladder(observed, origins=[origin])
    for h in rolling.horizons(origin):
        expected = ladder[(ladder.method == method) & (ladder.horizon == h)].set_index("state").forecast
        got = pd.Series(trace.histories["position"][4 * h, :, 0], index=[s.id for s in template.states])
        np.testing.assert_allclose(got[expected.index], expected, rtol=0, atol=1e-12)
