"""How well simulated yearly series match observed ones: per state and overall.

Every function takes long tables with columns ``year``, ``state`` and a value
column, the simulated one already averaged over replications, and compares
them on the years both have.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats


def paired(sim: pd.DataFrame, obs: pd.DataFrame, value: str) -> pd.DataFrame:
    """Simulated and observed values side by side (columns year, state, sim, obs) on common years."""
    merged = sim[["year", "state", value]].merge(
        obs[["year", "state", value]], on=["year", "state"], suffixes=("_sim", "_obs")
    )
    return merged.rename(columns={f"{value}_sim": "sim", f"{value}_obs": "obs"}).sort_values(
        ["state", "year"], ignore_index=True
    )


def rmse(sim: pd.DataFrame, obs: pd.DataFrame, value: str = "centred") -> float:
    """Root-mean-square error of ``value`` over every (year, state) both tables have."""
    both = paired(sim, obs, value)
    return float(np.sqrt(np.mean((both.sim - both.obs) ** 2)))


def per_state(sim: pd.DataFrame, obs: pd.DataFrame, value: str = "centred") -> pd.DataFrame:
    """Per state: RMSE, Pearson correlation over time, the observed and simulated drift (last year
    minus first) and whether their directions match; and an ``all`` row (RMSE over every point,
    mean correlation, share of states whose drift direction matches)."""
    both = paired(sim, obs, value)
    rows = []
    for state, group in both.groupby("state"):
        error = group.sim - group.obs
        corr = (
            float(np.corrcoef(group.sim, group.obs)[0, 1])
            if len(group) > 2 and group.sim.std() > 0 and group.obs.std() > 0
            else np.nan
        )
        drift_sim = float(group.sim.iloc[-1] - group.sim.iloc[0])
        drift_obs = float(group.obs.iloc[-1] - group.obs.iloc[0])
        rows.append(
            {
                "state": state,
                "years": len(group),
                "rmse": float(np.sqrt(np.mean(error**2))),
                "correlation": corr,
                "drift_observed": drift_obs,
                "drift_simulated": drift_sim,
                "drift_matches": bool(np.sign(drift_sim) == np.sign(drift_obs)),
            }
        )
    table = pd.DataFrame(rows)
    overall = {
        "state": "all",
        "years": int(table.years.sum()),
        "rmse": rmse(sim, obs, value),
        "correlation": float(table.correlation.mean()),
        "drift_observed": np.nan,
        "drift_simulated": np.nan,
        "drift_matches": float(table.drift_matches.mean()),
    }
    return pd.concat([table, pd.DataFrame([overall])], ignore_index=True)


def ordering(sim: pd.DataFrame, obs: pd.DataFrame, states: list[str], value: str = "lean") -> pd.DataFrame:
    """Per year, Kendall's tau between the simulated and observed ordering of ``states``
    (1: same order, -1: reversed), with its p-value."""
    both = paired(sim[sim.state.isin(states)], obs[obs.state.isin(states)], value)
    rows = []
    for year, group in both.groupby("year"):
        if len(group) < 2:
            continue
        tau, p = stats.kendalltau(group.sim, group.obs)
        rows.append({"year": int(year), "states": len(group), "tau": float(tau), "p_value": float(p)})
    return pd.DataFrame(rows)
