"""The sixteen states' UNGA ideal points 1990-2023 (``data/unga_ideal_points_16_1990_2023.csv``),
read and checked, as the tidy table the rolling backtest forecasts and scores.

The ideal point (Bailey, Strezhnev and Voeten 2017, June 2024 release) is a state's
position on the single dimension of UN General Assembly voting, with posterior
quantiles that let a forecast's interval be scored against an uncertain observation.
Myanmar's votes since the 2021 coup are cast by the envoy appointed before it, so
they do not measure the government's alignment: those rows are flagged as an
observation break (one declared constant, :data:`OBSERVATION_BREAKS`), never dropped
silently.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from laossim.backtest import data
from laossim.errors import Problem, ScenarioError

FILE = data.DATA / "unga_ideal_points_16_1990_2023.csv"
STATES: tuple[str, ...] = (
    *("USA", "RUS", "JPN", "CHN", "IND", "AUS", "KOR"),
    *("VNM", "THA", "KHM", "MMR", "LAO", "MYS", "SGP", "IDN", "PHL"),
)
"""The sixteen states of the file: the powers and the region's states."""
QUANTILES: tuple[str, ...] = ("q05", "q10", "q50", "q90", "q95")
"""The posterior quantiles of each ideal point, in order."""
OBSERVATION_BREAKS: tuple[tuple[str, int, int], ...] = (("MMR", 2021, 2023),)
"""(state, first year, last year) whose votes do not measure the state's government: Myanmar's
seat has been held since the 2021 coup by the envoy appointed before it."""

_SOURCE = {"ideal_point": "ideal_point_all"} | {q: f"ideal_point_{q}" for q in QUANTILES}
COLUMNS: dict[str, type] = {"iso3c": str, "year": int} | dict.fromkeys(_SOURCE.values(), float)


def observation_break(state: pd.Series | np.ndarray, year: pd.Series | np.ndarray) -> np.ndarray:
    """True where (state, year) falls in one of :data:`OBSERVATION_BREAKS` (a declared constant, so
    it can flag a forecast's target year without reading that year's data)."""
    state, year = np.asarray(state), np.asarray(year)
    flagged = np.zeros(state.shape, dtype=bool)
    for name, first, last in OBSERVATION_BREAKS:
        flagged |= (state == name) & (year >= first) & (year <= last)
    return flagged


def _order_problems(path: Path, frame: pd.DataFrame) -> list[Problem]:
    """A row whose quantiles are not in increasing order, or a state-year given twice."""
    problems = []
    ordered = np.all(np.diff(frame[list(QUANTILES)].to_numpy(), axis=1) >= 0, axis=1)
    for row in frame.index[~ordered]:
        got = ", ".join(f"{frame.at[row, q]:g}" for q in QUANTILES)
        expected = "q05 <= q10 <= q50 <= q90 <= q95"
        problems.append(Problem(str(path), int(row) + 2, "ideal_point_q05", "quantiles out of order", expected, got))
    for row in frame.index[frame.duplicated(["state", "year"])]:
        got = f"{frame.at[row, 'state']} {frame.at[row, 'year']}"
        problems.append(Problem(str(path), int(row) + 2, "year", "a state-year given twice", "one row each", got))
    return problems


def load(path: str | Path = FILE) -> pd.DataFrame:
    """The ideal points as a tidy table: year, state, ideal_point, q05, q10, q50, q90, q95 and
    observation_break, sorted by state and year.

    Raises:
        ScenarioError: every bad cell as ``FILE:LINE: column: ...`` (through the backtest's
        checked reader), quantiles out of order, or a state-year given twice.
    """
    path = Path(path)
    raw = data.read_checked(path, COLUMNS)
    frame = raw.rename(columns={"iso3c": "state"} | {v: k for k, v in _SOURCE.items()})
    if problems := _order_problems(path, frame):
        raise ScenarioError(problems)
    frame["observation_break"] = observation_break(frame.state, frame.year)
    columns = ["year", "state", "ideal_point", *QUANTILES, "observation_break"]
    return frame[columns].sort_values(["state", "year"], ignore_index=True)
