"""The backtest itself: run a scenario, observe it like the UN voting data, and score it against
the data and naive forecasts, in-sample (2000-2016) and on the hold-out (2017-2023).

Only non-pole states are compared (a pole's alignment is fixed by construction),
and leans are centred over those states each year. The naive forecasts:
*persistence* holds each state at its 2000 value; *linear trend* extends each
state's least-squares line over the fitting years. A reference, *all states
alike*, puts every state at the year's mean: the error of knowing nothing
about the differences between states.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

import laossim
from laossim.backtest import data, observation, scoring
from laossim.calendar import step_label
from laossim.errors import InputError
from laossim.scenario import Scenario

COMPARED: tuple[str, ...] = ("VNM", "THA", "KHM", "MMR", "LAO", "JPN")
"""The non-pole states of the backtest: their centred leans are what is scored."""
ASEAN_FIVE: tuple[str, ...] = ("VNM", "THA", "KHM", "MMR", "LAO")
FIT = (2000, 2016)
HOLDOUT = (2017, 2023)


def check_covers(scenario: Scenario, file: str | Path) -> None:
    """The backtest scores the compared states' China lean (their shares on the CHN and USA poles)
    in every year from 2000 to 2023: refuse, before anything runs, a scenario that lacks any of it.

    Raises:
        InputError: naming what the scenario lacks.
    """
    sim = scenario.simulation
    first = int(sim.start[:4])
    last = int(step_label(sim.start, sim.time_unit, sim.steps)[:4])
    lacks = []
    if missing := [s for s in COMPARED if s not in scenario.state_ids]:
        lacks.append(f"the states {', '.join(missing)}")
    if missing := [p for p in ("CHN", "USA") if p not in scenario.poles]:
        lacks.append(f"the poles {', '.join(missing)}")
    if first > FIT[0] or last < HOLDOUT[1]:
        lacks.append(f"the years {FIT[0]}-{HOLDOUT[1]} (it runs {first}-{last})")
    if lacks:
        raise InputError(
            f"{file}: the backtest compares {', '.join(COMPARED)} on the CHN and USA poles from {FIT[0]} to "
            f"{HOLDOUT[1]}, and this scenario lacks {'; '.join(lacks)}; "
            "start from scenarios/backtest_2000.yaml (extend it to change its figures)"
        )


def centre(frame: pd.DataFrame) -> pd.DataFrame:
    """Leans of the compared states, centred over them each year."""
    out = frame[frame.state.isin(COMPARED)].copy()
    out["centred"] = observation.centred(out)
    return out


def alike(obs: pd.DataFrame) -> pd.DataFrame:
    """Every state at the year's mean lean: a forecast that knows the level but no differences
    (centred lean 0), the error a model reaches by pulling every state to the same place."""
    out = obs[["year", "state"]].copy()
    out["lean"] = obs.groupby("year").lean.transform("mean")
    return centre(out)


def persistence(obs: pd.DataFrame) -> pd.DataFrame:
    """Every year at the state's first observed value."""
    first = obs.sort_values("year").groupby("state").first()
    out = obs[["year", "state"]].copy()
    out["lean"] = out.state.map(first.lean)
    return centre(out)


def linear_trend(obs: pd.DataFrame, years: tuple[int, int] = FIT) -> pd.DataFrame:
    """Each state's least-squares line over ``years``, extended to every year."""
    fit = obs[(obs.year >= years[0]) & (obs.year <= years[1])]
    lines = {state: np.polyfit(group.year, group.lean, 1) for state, group in fit.groupby("state")}
    out = obs[["year", "state"]].copy()
    out["lean"] = [np.polyval(lines[s], y) for s, y in zip(out.state, out.year, strict=True)]
    return centre(out)


def window(frame: pd.DataFrame, years: tuple[int, int]) -> pd.DataFrame:
    return frame[(frame.year >= years[0]) & (frame.year <= years[1])]


def score_table(forecasts: dict[str, pd.DataFrame], obs: pd.DataFrame) -> pd.DataFrame:
    """One row per forecast and window: RMSE of centred leans, mean correlation over time, share of
    states whose drift direction matches, and mean Kendall tau of the ASEAN five's ordering."""
    rows = []
    for name, forecast in forecasts.items():
        for label, years in (("2000-2016 (fitting)", FIT), ("2017-2023 (hold-out)", HOLDOUT)):
            sim, seen = window(forecast, years), window(obs, years)
            overall = scoring.per_state(sim, seen).set_index("state").loc["all"]
            taus = scoring.ordering(sim, seen, list(ASEAN_FIVE))
            rows.append(
                {
                    "forecast": name,
                    "window": label,
                    "rmse": overall.rmse,
                    "correlation": overall.correlation,
                    "drift_matches": overall.drift_matches,
                    "kendall_tau": float(taus.tau.mean()) if len(taus) else np.nan,
                }
            )
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class Backtest:
    simulated: pd.DataFrame
    """Per replication, year and state: lean (and centred), at the fitted values if any."""
    observed: pd.DataFrame
    scores: pd.DataFrame
    per_state: pd.DataFrame
    """Per state and window, the model (calibrated if fitted) against the observations."""
    baseline: pd.DataFrame | None = None
    """With fitted values: the uncalibrated model's yearly means, for comparison."""


def simulate(
    scenario: str | Path, replications: int | None, seed: int | None, overrides: dict[str, float] | None = None
) -> pd.DataFrame:
    """Yearly leans of the compared states, per replication."""
    result = laossim.run(scenario, replications=replications, seed=seed, overrides=overrides)
    return observation.simulated(result.states, list(COMPARED))


def _mean(runs: pd.DataFrame) -> pd.DataFrame:
    return runs.groupby(["year", "state"], as_index=False)[["lean", "centred"]].mean()


def backtest(
    scenario: str | Path,
    replications: int | None = None,
    seed: int | None = None,
    fitted: dict[str, float] | None = None,
) -> Backtest:
    """Run the scenario (and with ``fitted``, also at the fitted values) and score it against
    the voting data and the naive forecasts."""
    obs = observation.observed(data.unga(), list(COMPARED))  # centred over the compared states
    runs = simulate(scenario, replications, seed)
    naive = {
        "persistence (2000)": persistence(obs),
        "linear trend (2000-2016)": linear_trend(obs),
        "all states alike": alike(obs),
    }
    if fitted is None:
        model, baseline, forecasts = runs, None, {"laossim": _mean(runs)}
    else:
        model, baseline = simulate(scenario, replications, seed, fitted), _mean(runs)
        forecasts = {"laossim (defaults)": baseline, "laossim (calibrated)": _mean(model)}
    states = pd.concat(
        [
            scoring.per_state(window(_mean(model), years), window(obs, years)).assign(window=label)
            for label, years in (("2000-2016", FIT), ("2017-2023", HOLDOUT))
        ],
        ignore_index=True,
    )
    return Backtest(model, obs, score_table(forecasts | naive, obs), states, baseline)


def figure(bt: Backtest):
    """Simulated band (5-95% of replications) and mean against the observed points, per state."""
    from laossim.plotting import plt

    fig, axes = plt.subplots(2, 3, figsize=(13, 6.5), sharex=True, sharey=True, constrained_layout=True)
    for ax, state in zip(axes.ravel(), COMPARED, strict=True):
        runs = bt.simulated[bt.simulated.state == state].groupby("year").lean
        low, high, mean = runs.quantile(0.05), runs.quantile(0.95), runs.mean()
        ax.fill_between(low.index, low, high, alpha=0.25, label="simulated, 5-95%")
        ax.plot(mean.index, mean, label="simulated mean" if bt.baseline is None else "calibrated mean")
        if bt.baseline is not None:
            before = bt.baseline[bt.baseline.state == state]
            ax.plot(before.year, before.lean, ls="--", color="grey", label="uncalibrated mean")
        seen = bt.observed[bt.observed.state == state]
        ax.scatter(seen.year, seen.lean, s=12, color="black", label="observed (UNGA)", zorder=3)
        ax.axvline(HOLDOUT[0] - 0.5, color="grey", ls=":")
        ax.set_title(state)
        ax.set_ylim(0, 1)
        ax.grid(alpha=0.3)
    axes[0][0].set_ylabel("China lean")
    axes[1][0].set_ylabel("China lean")
    axes[0][0].legend(fontsize=7)
    fig.suptitle("Backtest: China lean = agree_China / (agree_China + agree_USA); hold-out right of the dotted line")
    return fig


def write(bt: Backtest, folder: Path, scenario: str | Path, settings: dict[str, object]) -> None:
    """scores.csv, per_state.csv, simulated.parquet, backtest.png and manifest.json (versions,
    commit, the scenario's and the data files' hashes, the settings) into ``folder``."""
    from laossim import manifest
    from laossim.plotting import plt
    from laossim.scenario import load_resolved

    bt.scores.to_csv(folder / "scores.csv", index=False)
    bt.per_state.to_csv(folder / "per_state.csv", index=False)
    bt.simulated.to_parquet(folder / "simulated.parquet", index=False)
    fig = figure(bt)
    fig.savefig(folder / "backtest.png", dpi=110)
    plt.close(fig)
    resolved = load_resolved(scenario)
    data_files = [(str(f), hashlib.sha256(f.read_bytes()).hexdigest()) for f in (data.UNGA_FILE, data.CINC_FILE)]
    record = manifest.compose(
        "backtest",
        scenario=resolved.scenario.scenario,
        settings=settings,
        fitting_years=list(FIT),
        hold_out_years=list(HOLDOUT),
        compared=list(COMPARED),
        inputs=[{"path": path, "sha256": digest} for path, digest in (*resolved.files, *data_files)],
        finished=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    )
    manifest.write(folder, record)
