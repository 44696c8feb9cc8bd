"""The observation model of the backtest: what a run says about UN General Assembly voting.

The scenario's one axis is the UN General Assembly ideal-point scale (Bailey,
Strezhnev and Voeten 2017, :mod:`laossim.backtest.ideal_points`), its poles the
USA and China, and each state starts at its 2000 ideal point. The observable is
therefore the position itself, with no mapping in between:

* **The ideal point.** The model's ``position_1`` (a state's coordinate on the
  axis) against the observed ``ideal_point``; a run's yearly value is the mean
  of its steps in that calendar year (step 0, the initial state, counts toward
  the year before the start).
* **Removing the agenda's common shift.** Each session's agenda moves every
  state together; the comparison uses each value relative to the mean of the
  compared states that year (``centred``), which removes any shift common to all.

The China lean of the earlier, nine-state backtest (``agree_china / (agree_china
+ agree_usa)``) stays for the comparison table of ``docs/make_rolling_naive.py``
(:func:`observed_lean`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

AXIS = "position_1"
"""A run's column of each state's position on the one axis, the ideal-point scale."""
LEAN_STATES: tuple[str, ...] = ("VNM", "THA", "KHM", "MMR", "LAO", "JPN")
"""The non-pole states of the nine-state voting file whose China lean ``docs/make_rolling_naive.py``
sets beside the second design's figures."""


def centred(frame: pd.DataFrame, column: str = "ideal_point", by: tuple[str, ...] = ("year",)) -> pd.Series:
    """Each value minus the mean of its year (the common shift of a session removed), within
    each group of ``by`` (add ``replication`` for a run's replications)."""
    return frame[column] - frame.groupby(list(by))[column].transform("mean")


def observed(points: pd.DataFrame, states: list[str], first: int = 2000) -> pd.DataFrame:
    """Observed yearly ideal points of ``states`` from ``first`` on (``ideal_points.load()``):
    columns year, state, ideal_point, q05, q95, observation_break and centred (over ``states``)."""
    rows = points[points.state.isin(states) & (points.year >= first)]
    out = rows[["year", "state", "ideal_point", "q05", "q95", "observation_break"]].reset_index(drop=True)
    out["centred"] = centred(out)
    return out.sort_values(["state", "year"], ignore_index=True)


def simulated(states_table: pd.DataFrame, states: list[str]) -> pd.DataFrame:
    """Simulated yearly ideal points from a run's ``states`` table (one row per replication, step
    and state, with ``period`` and ``position_1``): columns replication, year, state, ideal_point,
    centred. Step 0 (the initial state) counts toward the year before the start."""
    rows = states_table[states_table.state.isin(states)]
    out = pd.DataFrame(
        {
            "replication": rows.replication.to_numpy(),
            "year": rows.period.str.slice(0, 4).astype(int).to_numpy(),
            "state": rows.state.to_numpy(),
            "ideal_point": rows[AXIS].to_numpy(dtype=float),
        }
    )
    out = out.groupby(["replication", "year", "state"], as_index=False)["ideal_point"].mean()
    out["centred"] = centred(out, by=("replication", "year"))
    return out


def china_lean(usa: np.ndarray | pd.Series, china: np.ndarray | pd.Series) -> np.ndarray:
    """China's share of the pair: china / (china + usa); 0.5 where both are zero."""
    usa, china = np.asarray(usa, dtype=float), np.asarray(china, dtype=float)
    total = usa + china
    return np.divide(china, total, out=np.full_like(total, 0.5), where=total > 0)


def observed_lean(unga: pd.DataFrame, states: list[str]) -> pd.DataFrame:
    """Observed yearly China leans of ``states`` from the nine-state voting file (``data.unga()``):
    columns year, state, lean, centred (over ``states``)."""
    rows = unga[unga.iso3c.isin(states)]
    out = pd.DataFrame(
        {
            "year": rows.year.to_numpy(),
            "state": rows.iso3c.to_numpy(),
            "lean": china_lean(rows.agree_usa, rows.agree_china),
        }
    )
    out["centred"] = centred(out, "lean")
    return out.sort_values(["state", "year"], ignore_index=True)
