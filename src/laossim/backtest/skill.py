"""Scores of rolling-origin forecasts against the observations, each a small function.

Every score reads a *paired* table made by :func:`pair`: the forecasts (columns method,
origin, horizon, year, state, forecast, q05, q95, observation_break, as
:func:`laossim.backtest.naive.ladder` writes them) joined to the observations of their
target (year, state), both **centred**: within each (method, origin, year), the
forecasts, their interval and the observations are shifted by the mean over the same
set of states, those with both a forecast and an observation that year (so the two
centres are taken over identical states). Centring removes what moves every state
together (a session's agenda) and leaves the differences between states the
backtest is about. ``pair(..., breaks=False)`` drops the rows flagged
``observation_break`` (Myanmar 2021-2023) *before* centring, so the centre is then
taken without them too; :func:`summary` gives every figure both ways.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scoringrules as sr
from scipy import stats
from statsmodels.regression.linear_model import OLS

from laossim.backtest.naive import Z95

ASEAN_FIVE: tuple[str, ...] = ("VNM", "THA", "KHM", "MMR", "LAO")
ROLLING_ORIGINS = (2005, 2018)
"""First and last origin of the pooled rolling RMSE and CRPS (every horizon 1-5 observed)."""
ROLLING_HORIZONS = (1, 5)
FIXED_ORIGIN = 2016
"""The fixed split: forecasts from 2016 of the hold-out years 2017-2023."""
NODES = 9
"""Gauss-Hermite nodes over an observation's posterior in the CRPS."""


def pair(
    forecasts: pd.DataFrame, observed: pd.DataFrame, value: str = "ideal_point", breaks: bool = True
) -> pd.DataFrame:
    """Forecasts beside the observations of their (year, state), centred as the module says.

    ``observed`` has year, state, ``value`` and optionally the posterior quantiles q05 and q95
    (then ``observed_sd``, the normal posterior's SD ``(q95 - q05) / (2 z_0.95)``; else 0).
    Forecasts without a value (NaN) are left out. Columns added: observed, observed_sd, error
    (forecast minus observed, centred)."""
    seen = observed[["year", "state", value]].rename(columns={value: "observed"})
    if {"q05", "q95"} <= set(observed.columns):
        seen["observed_sd"] = (observed.q95 - observed.q05) / (2 * Z95)
    else:
        seen["observed_sd"] = 0.0
    out = forecasts.dropna(subset=["forecast"]).merge(seen.dropna(subset=["observed"]), on=["year", "state"])
    if not breaks:
        out = out[~out.observation_break]
    groups = out.groupby(["method", "origin", "year"])
    shift_forecast = groups["forecast"].transform("mean")
    out = out.assign(
        forecast=out.forecast - shift_forecast,
        q05=out.q05 - shift_forecast,
        q95=out.q95 - shift_forecast,
        observed=out.observed - groups["observed"].transform("mean"),
    )
    out["error"] = out.forecast - out.observed
    return out.reset_index(drop=True)


def rmse_by_horizon(paired: pd.DataFrame) -> pd.DataFrame:
    """Per method and horizon: the root of the mean squared error over every (origin, state) row
    (columns method, horizon, rmse, rows)."""
    grouped = paired.groupby(["method", "horizon"], sort=False).error
    return grouped.agg(rmse=lambda e: float(np.sqrt(np.mean(e**2))), rows="size").reset_index()


def _rolling_cells(paired: pd.DataFrame, origins: tuple[int, int], horizons: tuple[int, int]) -> pd.DataFrame:
    keep = paired.origin.between(*origins) & paired.horizon.between(*horizons)
    return paired[keep]


def rolling_rmse(
    paired: pd.DataFrame, origins: tuple[int, int] = ROLLING_ORIGINS, horizons: tuple[int, int] = ROLLING_HORIZONS
) -> pd.Series:
    """Per method, the pooled rolling RMSE: over the (origin, year) cells of ``origins`` (first,
    last) and ``horizons`` (first, last), each cell's mean squared error over its states, then
    the mean over cells (each cell counts once, whatever its number of states), then the root."""
    cells = _rolling_cells(paired, origins, horizons)
    mse = cells.assign(se=cells.error**2).groupby(["method", "origin", "year"], sort=False).se.mean()
    return np.sqrt(mse.groupby(level="method", sort=False).mean()).rename("rolling_rmse")


def crps(paired: pd.DataFrame) -> np.ndarray:
    """Per row, the CRPS of the forecast's normal (centre ``forecast``, SD ``(q95 - q05) / (2
    z_0.95)``) against the observation, averaged over the observation's normal posterior
    (centre ``observed``, SD ``observed_sd``) by Gauss-Hermite quadrature with :data:`NODES`
    nodes. CRPS from ``scoringrules``; a forecast of zero spread is a point mass (its CRPS, the
    ensemble CRPS of one member, is the absolute error). NaN where the interval is missing."""
    nodes, weights = np.polynomial.hermite_e.hermegauss(NODES)
    weights = weights / weights.sum()
    centre, sd = paired.forecast.to_numpy(float), ((paired.q95 - paired.q05) / (2 * Z95)).to_numpy(float)
    draws = paired.observed.to_numpy(float)[:, None] + paired.observed_sd.to_numpy(float)[:, None] * nodes
    spread = np.where(sd > 0, sd, 1.0)[:, None]
    normal = sr.crps_normal(draws, centre[:, None], spread)
    point = sr.crps_ensemble(draws.reshape(-1), np.repeat(centre, NODES)[:, None]).reshape(draws.shape)
    scores = np.where((sd > 0)[:, None], normal, point) @ weights
    return np.where(np.isfinite(sd), scores, np.nan)


def rolling_crps(
    paired: pd.DataFrame, origins: tuple[int, int] = ROLLING_ORIGINS, horizons: tuple[int, int] = ROLLING_HORIZONS
) -> pd.Series:
    """Per method, the mean CRPS over the rows of the rolling cells (as :func:`rolling_rmse`'s)."""
    cells = _rolling_cells(paired, origins, horizons)
    return cells.assign(crps=crps(cells)).groupby("method", sort=False).crps.mean().rename("rolling_crps")


def fixed_split_rmse(paired: pd.DataFrame, origin: int = FIXED_ORIGIN) -> pd.Series:
    """Per method, the RMSE over every (year, state) row forecast from ``origin`` (every later year)."""
    rows = paired[paired.origin == origin]
    return np.sqrt((rows.error**2).groupby(rows.method, sort=False).mean()).rename("fixed_rmse")


def ordering_tau(paired: pd.DataFrame, origin: int = FIXED_ORIGIN, states: Sequence[str] = ASEAN_FIVE) -> pd.DataFrame:
    """Per method and target year from ``origin``: Kendall's tau-b (scipy) between the forecast and
    observed values of ``states`` (1: same order; NaN with fewer than two states or a tie in
    every pair). Columns method, year, states, tau."""
    rows = paired[(paired.origin == origin) & paired.state.isin(states)]
    out = [
        {"method": method, "year": int(year), "states": len(g), "tau": stats.kendalltau(g.forecast, g.observed)[0]}
        for (method, year), g in rows.groupby(["method", "year"], sort=False)
    ]
    return pd.DataFrame(out, columns=["method", "year", "states", "tau"])


def asean_tau(paired: pd.DataFrame, origin: int = FIXED_ORIGIN, states: Sequence[str] = ASEAN_FIVE) -> pd.Series:
    """Per method, the mean over target years (2017-2023 from 2016) of :func:`ordering_tau`."""
    taus = ordering_tau(paired, origin, states)
    return taus.groupby("method", sort=False).tau.mean().rename("asean_tau")


@dataclass(frozen=True)
class DieboldMariano:
    """The test of equal squared-error loss of two forecasts (negative: the first is better)."""

    statistic: float
    p_value: float
    """Two-sided, from Student's t with periods - 1 degrees of freedom."""
    periods: int
    """Origins in the loss-differential series."""
    lags: int
    """Newey-West lags: the largest horizon minus one."""


def loss_differential(paired: pd.DataFrame, first: str, second: str, horizons: Sequence[int]) -> pd.Series:
    """Per origin: the mean over states and ``horizons`` of the squared error of method ``first``
    minus that of ``second``, on the rows both have, from the origins at which every horizon of
    the set has an observed target (a complete, equally weighted time series)."""
    rows = paired[paired.horizon.isin(horizons)].set_index(["origin", "horizon", "state"])
    both = pd.concat(
        [rows[rows.method == first].error ** 2, rows[rows.method == second].error ** 2], axis=1, keys=["a", "b"]
    ).dropna()
    complete = both.groupby(level="origin").apply(lambda g: g.index.get_level_values("horizon").nunique())
    origins = complete.index[complete == len(set(horizons))]
    both = both[both.index.get_level_values("origin").isin(origins)]
    return (both.a - both.b).groupby(level="origin").mean().rename("loss_differential")


def diebold_mariano(
    paired: pd.DataFrame, first: str, second: str, horizons: Sequence[int] = (3, 4, 5)
) -> DieboldMariano:
    """Diebold-Mariano test on :func:`loss_differential`: its mean over its Newey-West (Bartlett)
    standard error with ``max(horizons) - 1`` lags (statsmodels' HAC of a regression on a
    constant, no small-sample df correction), times the Harvey-Leybourne-Newbold factor
    ``sqrt((T + 1 - 2h + h(h - 1) / T) / T)`` with h the largest horizon; p-value from t(T - 1).
    A differential that is zero at every origin (identical losses) gives statistic 0 and p-value
    1; a constant non-zero one, statistic +-inf and p-value 0."""
    d = loss_differential(paired, first, second, horizons).to_numpy(float)
    periods, h = len(d), int(max(horizons))
    lags = h - 1
    if periods < 2:
        raise ValueError(f"Diebold-Mariano needs at least two origins; {first} and {second} share {periods}")
    if np.all(d == d[0]):
        statistic = 0.0 if d[0] == 0 else float(np.sign(d[0]) * np.inf)
        return DieboldMariano(statistic, 1.0 if d[0] == 0 else 0.0, periods, lags)
    fit = OLS(d, np.ones((periods, 1))).fit(cov_type="HAC", cov_kwds={"maxlags": lags, "use_correction": False})
    correction = np.sqrt((periods + 1 - 2 * h + h * (h - 1) / periods) / periods)
    statistic = float(fit.params[0] / fit.bse[0] * correction)
    return DieboldMariano(statistic, float(2 * stats.t.sf(abs(statistic), periods - 1)), periods, lags)


def summary(forecasts: pd.DataFrame, observed: pd.DataFrame, value: str = "ideal_point") -> pd.DataFrame:
    """One row per method and treatment of the flagged rows (``breaks``: "included" or
    "excluded"): rolling RMSE and CRPS, RMSE at each horizon (``rmse_h1`` ...), fixed-split RMSE
    and the ASEAN-five tau from :data:`FIXED_ORIGIN`."""
    tables = []
    for label, keep in (("included", True), ("excluded", False)):
        paired = pair(forecasts, observed, value, breaks=keep)
        by_horizon = rmse_by_horizon(paired).pivot(index="method", columns="horizon", values="rmse")
        by_horizon.columns = [f"rmse_h{h}" for h in by_horizon.columns]
        scores = [rolling_rmse(paired), rolling_crps(paired), by_horizon, fixed_split_rmse(paired), asean_tau(paired)]
        table = pd.concat(scores, axis=1).reindex(paired.method.unique())
        tables.append(table.rename_axis("method").reset_index().assign(breaks=label))
    return pd.concat(tables, ignore_index=True)
