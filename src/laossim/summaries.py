"""Summaries of result tables, in one place: the final window, each replication's mean over it,
and the mean with its 95% confidence interval across replications.

Light on purpose (numpy, pandas; scipy on first use): results, analysis and
reports summarise tables without importing the model.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from laossim import vocab

if TYPE_CHECKING:
    from laossim.scenario import Scenario


def replication_scores(timeseries: pd.DataFrame, window_steps: int) -> pd.DataFrame:
    """Each replication's mean of every score over the final ``window_steps`` steps."""
    last = timeseries["step"].max()
    final = timeseries[timeseries["step"] > last - window_steps]
    return final.groupby("replication")[list(vocab.COLUMNS)].mean()


def summarise(timeseries: pd.DataFrame, window_steps: int) -> pd.DataFrame:
    """Each score's final-window mean per replication, then the mean and 95% confidence
    interval (Student t) across replications, clipped to the score's range."""
    per_rep = replication_scores(timeseries, window_steps)
    rows = [(name, *mean_ci(per_rep[name].to_numpy(), vocab.bounds(name))) for name in vocab.COLUMNS]
    return pd.DataFrame(rows, columns=["score", "mean", "ci_low", "ci_high", "std", "n"])


def difference_bounds(name: str) -> tuple[float, float] | None:
    """The range of a difference of two values of output ``name``."""
    span = vocab.bounds(name)
    return None if span is None else (span[0] - span[1], span[1] - span[0])


def mean_ci(x: np.ndarray, bounds: tuple[float, float] | None = None) -> tuple[float, float, float, float, int]:
    """Mean, 95% CI bounds (Student t), standard deviation and n of a sample; the interval is
    clipped to ``bounds`` (with two or three replications the t interval of a share can reach
    past 0 or 1, which no value can). With one value the interval and deviation are NaN."""
    n = len(x)
    mean = float(x.mean())
    if n < 2:
        return mean, float("nan"), float("nan"), float("nan"), n
    from scipy import stats  # imported here: it costs half a second at start-up

    sd = float(x.std(ddof=1))
    half = float(stats.t.ppf(0.975, n - 1) * sd / np.sqrt(n))
    low, high = mean - half, mean + half
    if bounds is not None:
        low, high = max(low, bounds[0]), min(high, bounds[1])
    return mean, low, high, sd, n


def clipped(low: float, high: float, bounds: tuple[float, float] | None) -> bool:
    """Whether a CI from :func:`mean_ci` was cut at its range (it then touches a bound)."""
    return bounds is not None and (low <= bounds[0] or high >= bounds[1])


def window_steps(scenario: Scenario) -> int:
    """Steps in the summary window (``parameters.scores.summary_window`` years)."""
    return window_length(scenario.parameters.scores.summary_window, scenario.simulation.steps_per_year)


def window_length(years: float, steps_per_year: int) -> int:
    """Steps in a window of ``years`` (at least one)."""
    return max(1, round(years * steps_per_year))
