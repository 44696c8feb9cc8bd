"""The backtest itself: run a scenario, observe it like the UN voting data, and score it against
the data and naive forecasts, in-sample (2000-2016) and on the hold-out (2017-2023).

The observable is each state's UN General Assembly ideal point, the scenario's
one axis (:mod:`laossim.backtest.observation`). Only non-pole states are compared
(a pole's position is fixed by construction), and ideal points are centred over
the compared states each year. The naive forecasts: *persistence* holds each
state at its 2000 value; *linear trend* extends each state's least-squares line
over the fitting years. A reference, *all states alike*, puts every state at the
year's mean: the error of knowing nothing about the differences between states.

Myanmar's votes of 2021-2023 are an observation break (:data:`ideal_points.OBSERVATION_BREAKS`):
as :mod:`laossim.backtest.skill` does, the hold-out is scored both with and without
the flagged rows, each time centred over the rows scored.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

import laossim
from laossim.backtest import build, data, ideal_points, observation, scoring
from laossim.calendar import step_label
from laossim.errors import InputError
from laossim.scenario import Scenario

POLES: tuple[str, ...] = build.POLES
"""The poles of the ideal-point axis, as the scenario's builder sets them."""
COMPARED: tuple[str, ...] = tuple(state for state in build.STATES if state not in POLES)
"""The non-pole states of the data (fourteen of its sixteen): their centred ideal points are scored."""
ASEAN_FIVE: tuple[str, ...] = ("VNM", "THA", "KHM", "MMR", "LAO")
FIT = (2000, 2016)
HOLDOUT = (2017, 2023)
BREAKS = ", ".join(f"{state} {first}-{last}" for state, first, last in ideal_points.OBSERVATION_BREAKS)
"""The observation breaks, as the scores' labels name them (``MMR 2021-2023``)."""
WINDOWS: tuple[tuple[str, tuple[int, int], bool], ...] = (
    ("2000-2016 (fitting)", FIT, True),
    ("2017-2023 (hold-out)", HOLDOUT, True),
    (f"2017-2023 (hold-out, without {BREAKS})", HOLDOUT, False),
)
"""Each scored window: its label, its years, and whether the rows flagged as an observation break count."""


def check_covers(scenario: Scenario, file: str | Path) -> None:
    """The backtest scores the compared states' positions on one axis, the ideal-point scale
    between the poles USA and CHN, in every year from 2000 to 2023: refuse, before anything runs,
    a scenario that lacks any of it.

    Raises:
        InputError: naming what the scenario lacks.
    """
    sim = scenario.simulation
    first = int(sim.start[:4])
    last = int(step_label(sim.start, sim.time_unit, sim.steps)[:4])
    lacks = []
    if missing := [s for s in COMPARED if s not in scenario.state_ids]:
        lacks.append(f"the states {', '.join(missing)}")
    if missing := [p for p in POLES if p not in scenario.poles]:
        lacks.append(f"the poles {', '.join(missing)}")
    if scenario.format_version < 2 or len(scenario.poles) != len(POLES):
        has = (
            f"format_version {scenario.format_version}, shares"
            if scenario.format_version < 2
            else f"{len(scenario.poles)} poles, {len(scenario.poles) - 1} axes"
        )
        lacks.append(f"positions on one axis (format_version 2, two poles; it has {has})")
    if first > FIT[0] or last < HOLDOUT[1]:
        lacks.append(f"the years {FIT[0]}-{HOLDOUT[1]} (it runs {first}-{last})")
    if lacks:
        raise InputError(
            f"{file}: the backtest compares the ideal points of {', '.join(COMPARED)} on one axis between the "
            f"poles {' and '.join(POLES)} from {FIT[0]} to {HOLDOUT[1]}, and this scenario lacks "
            f"{'; '.join(lacks)}; start from scenarios/backtest_2000.yaml (extend it to change its figures)"
        )


def observed(path: str | Path = ideal_points.FILE) -> pd.DataFrame:
    """The compared states' observed ideal points from 2000, centred over them each year."""
    return observation.observed(ideal_points.load(path), list(COMPARED), first=FIT[0])


def centre(frame: pd.DataFrame) -> pd.DataFrame:
    """Ideal points of the compared states, centred over them each year."""
    out = frame[frame.state.isin(COMPARED)].copy()
    out["centred"] = observation.centred(out)
    return out


def alike(obs: pd.DataFrame) -> pd.DataFrame:
    """Every state at the year's mean ideal point: a forecast that knows the level but no
    differences (centred 0), the error a model reaches by pulling every state to the same place."""
    out = obs[["year", "state"]].copy()
    out["ideal_point"] = obs.groupby("year").ideal_point.transform("mean")
    return centre(out)


def persistence(obs: pd.DataFrame) -> pd.DataFrame:
    """Every year at the state's first observed value."""
    first = obs.sort_values("year").groupby("state").first()
    out = obs[["year", "state"]].copy()
    out["ideal_point"] = out.state.map(first.ideal_point)
    return centre(out)


def linear_trend(obs: pd.DataFrame, years: tuple[int, int] = FIT) -> pd.DataFrame:
    """Each state's least-squares line over ``years``, extended to every year."""
    fit = obs[(obs.year >= years[0]) & (obs.year <= years[1])]
    lines = {state: np.polyfit(group.year, group.ideal_point, 1) for state, group in fit.groupby("state")}
    out = obs[["year", "state"]].copy()
    out["ideal_point"] = [np.polyval(lines[s], y) for s, y in zip(out.state, out.year, strict=True)]
    return centre(out)


def window(frame: pd.DataFrame, years: tuple[int, int]) -> pd.DataFrame:
    return frame[(frame.year >= years[0]) & (frame.year <= years[1])]


def scored(obs: pd.DataFrame, years: tuple[int, int], breaks: bool) -> pd.DataFrame:
    """The observations a window scores: its years, without the flagged rows unless ``breaks``,
    centred over the rows kept."""
    seen = window(obs, years)
    if not breaks:
        seen = seen[~seen.observation_break]
    return seen.assign(centred=observation.centred(seen))


def on(forecast: pd.DataFrame, seen: pd.DataFrame) -> pd.DataFrame:
    """A forecast at the (year, state) rows of ``seen``, centred over those rows (so forecast and
    observation are centred over the same states each year)."""
    out = forecast.drop(columns="centred").merge(seen[["year", "state"]], on=["year", "state"])
    return out.assign(centred=observation.centred(out))


def score_table(forecasts: dict[str, pd.DataFrame], obs: pd.DataFrame) -> pd.DataFrame:
    """One row per forecast and window (:data:`WINDOWS`): RMSE of centred ideal points, mean
    correlation over time, share of states whose drift direction matches, and mean Kendall tau of
    the ASEAN five's ordering."""
    rows = []
    for name, forecast in forecasts.items():
        for label, years, breaks in WINDOWS:
            seen = scored(obs, years, breaks)
            sim = on(forecast, seen)
            overall = scoring.per_state(sim, seen).set_index("state").loc["all"]
            taus = scoring.ordering(sim, seen, list(ASEAN_FIVE), value="ideal_point")
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
    """Per replication, year and state: ideal_point (and centred), at the fitted values if any."""
    observed: pd.DataFrame
    scores: pd.DataFrame
    per_state: pd.DataFrame
    """Per state and window, the model (calibrated if fitted) against the observations."""
    baseline: pd.DataFrame | None = None
    """With fitted values: the uncalibrated model's yearly means, for comparison."""


def simulate(
    scenario: str | Path, replications: int | None, seed: int | None, overrides: dict[str, float] | None = None
) -> pd.DataFrame:
    """Yearly ideal points of the compared states, per replication."""
    result = laossim.run(scenario, replications=replications, seed=seed, overrides=overrides)
    return observation.simulated(result.states, list(COMPARED))


def _mean(runs: pd.DataFrame) -> pd.DataFrame:
    return runs.groupby(["year", "state"], as_index=False)[["ideal_point", "centred"]].mean()


def backtest(
    scenario: str | Path,
    replications: int | None = None,
    seed: int | None = None,
    fitted: dict[str, float] | None = None,
) -> Backtest:
    """Run the scenario (and with ``fitted``, also at the fitted values) and score it against
    the ideal points and the naive forecasts."""
    obs = observed()  # centred over the compared states
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
    states = []
    for label, years, breaks in WINDOWS:
        seen = scored(obs, years, breaks)
        states.append(scoring.per_state(on(_mean(model), seen), seen).assign(window=label))
    return Backtest(model, obs, score_table(forecasts | naive, obs), pd.concat(states, ignore_index=True), baseline)


def figure(bt: Backtest):
    """Per compared state, the simulated band (5-95% of replications) and mean of the ideal point
    against the observed points with their posterior 5-95% as error bars."""
    from laossim.plotting import plt

    columns = 5
    rows = -(-(len(COMPARED) + 1) // columns)  # one spare panel holds the legend
    fig, axes = plt.subplots(
        rows, columns, figsize=(3.1 * columns, 2.5 * rows), sharex=True, sharey=True, constrained_layout=True
    )
    years = bt.simulated.year >= FIT[0]
    for ax, state in zip(axes.ravel(), COMPARED, strict=False):
        runs = bt.simulated[years & (bt.simulated.state == state)].groupby("year").ideal_point
        low, high, mean = runs.quantile(0.05), runs.quantile(0.95), runs.mean()
        ax.fill_between(low.index, low, high, alpha=0.25, label="simulated, 5-95%")
        ax.plot(mean.index, mean, label="simulated mean" if bt.baseline is None else "calibrated mean")
        if bt.baseline is not None:
            before = bt.baseline[(bt.baseline.state == state) & (bt.baseline.year >= FIT[0])]
            ax.plot(before.year, before.ideal_point, ls="--", color="grey", label="uncalibrated mean")
        for flagged, face, label in ((False, "black", "observed (UNGA), 5-95%"), (True, "white", "observation break")):
            seen = bt.observed[(bt.observed.state == state) & (bt.observed.observation_break == flagged)]
            ax.errorbar(seen.year, seen.ideal_point, yerr=[seen.ideal_point - seen.q05, seen.q95 - seen.ideal_point],
                        fmt="o", ms=3, mfc=face, color="black", elinewidth=0.7, label=label, zorder=3)  # fmt: skip
        ax.axvline(HOLDOUT[0] - 0.5, color="grey", ls=":")
        ax.set_title(state, fontsize=10)
        ax.grid(alpha=0.3)
    for ax in axes[:, 0]:
        ax.set_ylabel("ideal point")
    spare = axes.ravel()[len(COMPARED)]
    flagged_panel = axes.ravel()[COMPARED.index(ideal_points.OBSERVATION_BREAKS[0][0])]  # has every kind of mark
    spare.legend(*flagged_panel.get_legend_handles_labels(), loc="center", fontsize=8)
    spare.axis("off")
    for ax in axes.ravel()[len(COMPARED) + 1 :]:
        ax.axis("off")
    fig.suptitle(
        "Backtest: UN General Assembly ideal points (USA high, China low); hold-out right of the dotted line",
        fontsize=11,
    )
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
    data_files = [(str(f), hashlib.sha256(f.read_bytes()).hexdigest()) for f in (ideal_points.FILE, data.CINC_FILE)]
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
