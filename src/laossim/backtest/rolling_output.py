"""What the rolling backtest writes: its forecasts, the naive ladder, the scores, the
Diebold-Mariano tests and two plots (``laossim backtest SCENARIO --rolling --out DIR``).

Files (docs/validation.md reads them):

* ``forecasts.csv``: the full model's forecasts only (:data:`laossim.backtest.rolling.COLUMNS`);
* ``naive_forecasts.csv``: the naive ladder (:mod:`laossim.backtest.naive`) and the model
  without its structural terms, with a ``method`` column first;
* ``scores.csv``: :func:`laossim.backtest.skill.summary` of every forecast, with and without
  the rows flagged ``observation_break``;
* ``diebold_mariano.csv``: at horizons 3-5, the model against the best naive forecast (the
  lowest rolling RMSE of the ladder), the model against itself without its structural terms,
  and that null against the best naive forecast, each with and without the flagged rows;
* ``anchors.csv``: each origin's pooled error-correction estimate;
* ``fans.png``: per state, the observed ideal points with their 90% posterior intervals and
  the model's forecasts from a few origins with their 90% bands;
* ``skill_by_horizon.png``: each forecast's RMSE by horizon.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import numpy as np
import pandas as pd

from laossim.backtest import naive, rolling, skill

DM_HORIZONS = (3, 4, 5)
FAN_ORIGINS = (2006, 2011, 2016)
"""The origins whose forecasts ``fans.png`` draws (a few, so the fans stay readable)."""


def all_forecasts(result: rolling.Rolling, ladder: pd.DataFrame) -> pd.DataFrame:
    """Every forecast with its method: the model, its null and the naive ladder."""
    return pd.concat(
        [result.model.assign(method=rolling.MODEL), result.null.assign(method=rolling.NULL), ladder], ignore_index=True
    )[["method", *rolling.COLUMNS]]


def tests(forecasts: pd.DataFrame, observed: pd.DataFrame, scores: pd.DataFrame) -> pd.DataFrame:
    """The Diebold-Mariano tests of the module's docstring, both treatments of the flagged rows."""
    rows = []
    for label, keep in (("included", True), ("excluded", False)):
        paired = skill.pair(forecasts, observed, breaks=keep)
        ladder = scores[(scores.breaks == label) & scores.method.isin(list(naive.METHODS))]
        best = str(ladder.loc[ladder.rolling_rmse.idxmin(), "method"])
        for first, second in ((rolling.MODEL, best), (rolling.MODEL, rolling.NULL), (rolling.NULL, best)):
            dm = skill.diebold_mariano(paired, first, second, DM_HORIZONS)
            rows.append(
                {
                    "first": first,
                    "second": second,
                    "breaks": label,
                    "horizons": f"{DM_HORIZONS[0]}-{DM_HORIZONS[-1]}",
                    "statistic": dm.statistic,
                    "p_value": dm.p_value,
                    "origins": dm.periods,
                }
            )
    return pd.DataFrame(rows)


def fans(forecasts: pd.DataFrame, observed: pd.DataFrame):
    """Per state: observed ideal points (90% posterior bars) and the model's fans from :data:`FAN_ORIGINS`."""
    from laossim.plotting import plt

    states = sorted(forecasts.state.unique())
    cols = 4
    fig, axes = plt.subplots(
        -(-len(states) // cols), cols, figsize=(15, 2.6 * -(-len(states) // cols)), sharex=True, constrained_layout=True
    )
    model = forecasts[forecasts.method == rolling.MODEL]
    colours = plt.get_cmap("viridis")(np.linspace(0.1, 0.8, len(FAN_ORIGINS)))
    for ax, state in zip(axes.ravel(), states, strict=False):
        seen = observed[(observed.state == state) & (observed.year >= 2000)]
        ax.errorbar(
            seen.year, seen.ideal_point, yerr=[seen.ideal_point - seen.q05, seen.q95 - seen.ideal_point],
            fmt="o", ms=3, color="black", lw=0.8, label="observed, 90% posterior",
        )  # fmt: skip
        for origin, colour in zip(FAN_ORIGINS, colours, strict=True):
            fan = model[(model.state == state) & (model.origin == origin)].sort_values("year")
            start = seen[seen.year <= origin].tail(1)
            years = np.concatenate([start.year, fan.year])
            ax.plot(years, np.concatenate([start.ideal_point, fan.forecast]), color=colour, label=f"from {origin}")
            ax.fill_between(fan.year, fan.q05, fan.q95, color=colour, alpha=0.2)
        ax.set_title(state, fontsize=10)
        ax.grid(alpha=0.3)
    for ax in axes.ravel()[len(states) :]:
        ax.axis("off")
    axes.ravel()[0].legend(fontsize=7, loc="best")
    fig.suptitle("Rolling backtest: forecast ideal points (mean and 90% band of the replications) against UNGA voting")
    return fig


def skill_by_horizon(scores: pd.DataFrame):
    """RMSE by horizon of every forecast, flagged rows included (left) and excluded (right)."""
    from laossim.plotting import plt

    fig, axes = plt.subplots(1, 2, figsize=(12, 4.5), sharey=True, constrained_layout=True)
    horizons = list(naive.HORIZONS)
    for ax, label in zip(axes, ("included", "excluded"), strict=True):
        for row in scores[scores.breaks == label].itertuples():
            model = str(row.method).startswith(rolling.MODEL)
            ax.plot(
                horizons, [getattr(row, f"rmse_h{h}") for h in horizons], marker="o" if model else ".",
                lw=2.2 if row.method == rolling.MODEL else 1.2, ls="-" if model else "--", label=row.method,
            )  # fmt: skip
        ax.set_title(f"Myanmar 2021-2023 {label}")
        ax.set_xlabel("horizon (years)")
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("RMSE of the centred ideal point")
    axes[1].legend(fontsize=8)
    return fig


def write(
    result: rolling.Rolling,
    observed: pd.DataFrame,
    folder: Path,
    scenario: str | Path,
    settings: dict[str, object],
    data_files: list[Path],
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Write every file of the module's docstring and the manifest into ``folder``; return the scores
    and the Diebold-Mariano tests."""
    from laossim import manifest
    from laossim.plotting import plt
    from laossim.scenario import load_resolved

    ladder = naive.ladder(observed)
    forecasts = all_forecasts(result, ladder)
    scores = skill.summary(forecasts, observed)
    result.model.to_csv(folder / "forecasts.csv", index=False)
    forecasts[forecasts.method != rolling.MODEL].to_csv(folder / "naive_forecasts.csv", index=False)
    scores.to_csv(folder / "scores.csv", index=False)
    dm = tests(forecasts, observed, scores)
    dm.to_csv(folder / "diebold_mariano.csv", index=False)
    result.anchors.to_csv(folder / "anchors.csv", index=False)
    for name, fig in (("fans.png", fans(forecasts, observed)), ("skill_by_horizon.png", skill_by_horizon(scores))):
        fig.savefig(folder / name, dpi=100)
        plt.close(fig)
    resolved = load_resolved(scenario)
    inputs = [*resolved.files, *((str(f), hashlib.sha256(f.read_bytes()).hexdigest()) for f in data_files)]
    record = manifest.compose(
        "backtest",
        scenario=resolved.scenario.scenario,
        settings=settings | {"rolling": True},
        fitting_years=[rolling.FIT_FROM, max(naive.ORIGINS)],
        origins=[min(naive.ORIGINS), max(naive.ORIGINS)],
        horizons=[min(naive.HORIZONS), max(naive.HORIZONS)],
        inputs=[{"path": path, "sha256": digest} for path, digest in inputs],
        finished=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    )
    manifest.write(folder, record)
    return scores, dm
