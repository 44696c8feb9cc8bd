"""The naive ladder: five forecasts that know nothing of the model, from rolling origins.

At each origin year and for each state, every forecast is computed from that state's
observations up to and including the origin year, and nothing later: :func:`at_origin`
receives only those rows (:func:`ladder` cuts the table before calling it), so a
forecast cannot see its future. The forecasts of a value ``x`` for year ``origin + h``:

* **random walk**: the last observed value (the origin year's, or the latest before it
  when the state has no observation that year);
* **expanding mean**: the mean of every observation from the first year of the data
  (1990 in the shipped extract) to the origin;
* **EW mean (half-life 3)**: the same observations weighted by ``0.5 ** ((origin - year) / 3)``,
  so a value three calendar years old counts half (a missing year is simply absent);
* **linear trend (2000-)**: the least-squares line through the observations from
  :data:`ANCHOR` (2000) to the origin, extended to the target year (two observations needed);
* **persistence (2000)**: the value of :data:`ANCHOR` (2000), or of the first later year
  observed by the origin when 2000 is missing.

**Intervals.** Each forecast is the centre of a normal whose standard deviation is the
root-mean-square of the same method's one-year-ahead errors for that state, made at
every earlier origin whose target year is at most the origin (so every error used was
known at the origin), times ``sqrt(h)``; ``q05`` and ``q95`` are its 5% and 95%
quantiles. ``sqrt(h)`` is the random walk's growth of the error with the horizon, used
for every method as a stated simplification. With fewer than :data:`MIN_ERRORS` such
errors the interval is missing (NaN); from the default origins it never is.

A state with no observation at all by the origin (or none from 2000 for the two
anchored methods) gets no forecast row from that origin (or NaN for that method).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np
import pandas as pd
from scipy import stats

from laossim.backtest.ideal_points import observation_break

ORIGINS: tuple[int, ...] = tuple(range(2005, 2023))
HORIZONS: tuple[int, ...] = tuple(range(1, 8))
LAST_YEAR = 2023
"""The last year observed: no forecast targets a later year."""
ANCHOR = 2000
"""The first year of the linear trend's fit, and the year persistence holds."""
HALF_LIFE = 3.0
"""Years after which an observation's weight in the EW mean halves."""
MIN_ERRORS = 2
"""One-year-ahead errors a forecast needs for its interval."""
Z95 = float(stats.norm.ppf(0.95))
COLUMNS = ["method", "origin", "horizon", "year", "state", "forecast", "q05", "q95", "observation_break"]

Method = Callable[[np.ndarray, np.ndarray, int, np.ndarray], np.ndarray]
"""(years, values, origin, target years) -> forecasts: years and values are one state's
observations up to the origin, in order."""


def random_walk(years: np.ndarray, values: np.ndarray, origin: int, targets: np.ndarray) -> np.ndarray:
    """The last observed value, for every target."""
    return np.full(targets.shape, values[-1], dtype=float)


def expanding_mean(years: np.ndarray, values: np.ndarray, origin: int, targets: np.ndarray) -> np.ndarray:
    """The mean of every observation."""
    return np.full(targets.shape, values.mean(), dtype=float)


def ew_mean(years: np.ndarray, values: np.ndarray, origin: int, targets: np.ndarray) -> np.ndarray:
    """The mean weighted by ``0.5 ** ((origin - year) / HALF_LIFE)``."""
    weights = 0.5 ** ((origin - years) / HALF_LIFE)
    return np.full(targets.shape, np.average(values, weights=weights), dtype=float)


def linear_trend(years: np.ndarray, values: np.ndarray, origin: int, targets: np.ndarray) -> np.ndarray:
    """The least-squares line through the observations from ANCHOR, at each target year."""
    fit = years >= ANCHOR
    if fit.sum() < 2:
        return np.full(targets.shape, np.nan)
    slope, intercept = np.polyfit(years[fit], values[fit], 1)
    return intercept + slope * targets.astype(float)


def persistence(years: np.ndarray, values: np.ndarray, origin: int, targets: np.ndarray) -> np.ndarray:
    """The value of ANCHOR (or the first observed year after it)."""
    after = np.flatnonzero(years >= ANCHOR)
    return np.full(targets.shape, values[after[0]] if len(after) else np.nan, dtype=float)


METHODS: dict[str, Method] = {
    "random walk": random_walk,
    "expanding mean": expanding_mean,
    "EW mean (half-life 3)": ew_mean,
    "linear trend (2000-)": linear_trend,
    "persistence (2000)": persistence,
}


def one_year_errors(method: Method, years: np.ndarray, values: np.ndarray) -> np.ndarray:
    """The method's errors (observed minus forecast) one year ahead, from each observed year
    whose next year is observed too, using only the observations up to that year."""
    errors = [
        values[i + 1] - method(years[: i + 1], values[: i + 1], int(years[i]), years[i + 1 : i + 2])[0]
        for i in range(len(years) - 1)
        if years[i + 1] == years[i] + 1
    ]
    errors_array = np.asarray(errors, dtype=float)
    return errors_array[np.isfinite(errors_array)]


def at_origin(past: pd.DataFrame, origin: int, horizons: Iterable[int], value: str, last: int) -> pd.DataFrame:
    """Every method's forecasts from ``origin`` for each state of ``past`` (its rows year, state
    and ``value``, none after the origin), at the horizons whose year is at most ``last``."""
    if (past.year > origin).any():
        raise ValueError(f"the history of origin {origin} holds later years")
    steps = np.array([h for h in horizons if origin + h <= last], dtype=int)
    rows = []
    for state, history in past.dropna(subset=[value]).sort_values("year").groupby("state"):
        years, values = history.year.to_numpy(), history[value].to_numpy(dtype=float)
        for name, method in METHODS.items():
            errors = one_year_errors(method, years, values)
            spread = np.sqrt(np.mean(errors**2)) if len(errors) >= MIN_ERRORS else np.nan
            point = method(years, values, origin, origin + steps)
            half = Z95 * spread * np.sqrt(steps)
            rows.append(
                pd.DataFrame(
                    {
                        "method": name,
                        "origin": origin,
                        "horizon": steps,
                        "year": origin + steps,
                        "state": state,
                        "forecast": point,
                        "q05": point - half,
                        "q95": point + half,
                    }
                )
            )
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=COLUMNS[:-1])


def ladder(
    observed: pd.DataFrame,
    value: str = "ideal_point",
    origins: Iterable[int] = ORIGINS,
    horizons: Iterable[int] = HORIZONS,
    last: int = LAST_YEAR,
) -> pd.DataFrame:
    """The naive forecasts of ``value`` (a column of ``observed``, with year and state) from each
    origin at each horizon up to year ``last``: columns method, origin, horizon, year, state,
    forecast, q05, q95, observation_break (the target's, from the declared constant)."""
    horizons = tuple(horizons)
    frames = [at_origin(observed[observed.year <= origin], origin, horizons, value, last) for origin in origins]
    out = pd.concat(frames, ignore_index=True)
    out["observation_break"] = observation_break(out.state, out.year)
    out["method"] = pd.Categorical(out.method, categories=list(METHODS), ordered=True)
    out = out.sort_values(["method", "origin", "horizon", "state"])
    out["method"] = out.method.astype(str)
    return out[COLUMNS].reset_index(drop=True).astype({"origin": int, "horizon": int, "year": int})
