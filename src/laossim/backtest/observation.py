"""The observation model of the backtest: what a run says about UN General Assembly voting.

The voting data (Bailey, Strezhnev and Voeten 2017) give, per state and
year, the share of votes in which it voted as the USA, China and Russia did.
The model's alignment gives each state's shares over the poles USA, CHN and
RUS. The two meet through one recipe, used both ways:

* **Initial alignment from agreement.** A state's share on pole k is its
  agreement with k over the sum of its agreements with the three poles:
  ``a_k = agree_k / (agree_USA + agree_CHN + agree_RUS)``. Shares then keep
  the ratios between agreements, which is what the data say about relative
  closeness; the level of agreement (how consensual a session was) carries
  no alignment information and is divided out.
* **The observable: the China lean.** ``lean = a_CHN / (a_CHN + a_USA)`` on the
  model side and ``agree_China / (agree_China + agree_USA)`` on the data side,
  the position between the two powers the question is about, in [0, 1]. It is
  equal on both sides for the initial year by construction (the ratio is
  preserved), so the mapping reproduces its own data exactly.
* **Removing the agenda's common shift.** Each session's agenda moves every
  state's agreements together; the comparison also uses each lean relative
  to the mean lean of the states observed that year (``centred``), which
  removes any shift common to all.

A run's yearly value is the mean of its steps in that calendar year.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

POLES: tuple[str, ...] = ("USA", "CHN", "RUS")
"""The powers the voting data measure agreement with, in the order of the scenario's poles."""


def alignment_from_agreement(agreement: np.ndarray) -> np.ndarray:
    """(N, 3) alignment shares over USA, CHN, RUS from agreements with them (rows need a positive sum)."""
    agreement = np.asarray(agreement, dtype=float)
    totals = agreement.sum(axis=1, keepdims=True)
    if np.any(totals <= 0) or np.any(agreement < 0):
        raise ValueError("agreements must be non-negative with a positive sum per state")
    return agreement / totals


def china_lean(usa: np.ndarray | pd.Series, china: np.ndarray | pd.Series) -> np.ndarray:
    """China's share of the pair: china / (china + usa); 0.5 where both are zero."""
    usa, china = np.asarray(usa, dtype=float), np.asarray(china, dtype=float)
    total = usa + china
    return np.divide(china, total, out=np.full_like(total, 0.5), where=total > 0)


def centred(frame: pd.DataFrame, column: str = "lean", by: tuple[str, ...] = ("year",)) -> pd.Series:
    """Each value minus the mean of its year (the common shift of a session removed), within
    each group of ``by`` (add ``replication`` for a run's replications)."""
    return frame[column] - frame.groupby(list(by))[column].transform("mean")


def observed(unga: pd.DataFrame, states: list[str]) -> pd.DataFrame:
    """Observed yearly leans of ``states``: columns year, state, lean, centred."""
    rows = unga[unga.iso3c.isin(states)]
    out = pd.DataFrame(
        {
            "year": rows.year.to_numpy(),
            "state": rows.iso3c.to_numpy(),
            "lean": china_lean(rows.agree_usa, rows.agree_china),
        }
    )
    out["centred"] = centred(out)
    return out.sort_values(["state", "year"], ignore_index=True)


def simulated(states_table: pd.DataFrame, states: list[str]) -> pd.DataFrame:
    """Simulated yearly leans from a run's ``states`` table (one row per replication, step and
    state, with ``period`` and ``alignment_USA``/``alignment_CHN``): columns replication, year,
    state, lean, centred. Step 0 (the initial state) counts toward the year before the start."""
    rows = states_table[states_table.state.isin(states)]
    out = pd.DataFrame(
        {
            "replication": rows.replication.to_numpy(),
            "year": rows.period.str.slice(0, 4).astype(int).to_numpy(),
            "state": rows.state.to_numpy(),
            "lean": china_lean(rows.alignment_USA, rows.alignment_CHN),
        }
    )
    out = out.groupby(["replication", "year", "state"], as_index=False)["lean"].mean()
    out["centred"] = centred(out, by=("replication", "year"))
    return out
