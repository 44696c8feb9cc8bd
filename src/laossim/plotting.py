"""Figures from result tables (matplotlib); plotting never runs a model."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from laossim import vocab

if TYPE_CHECKING:
    from laossim.runs import RunResult
    from laossim.scenario import Scenario


def _ticks(ax: plt.Axes, table: pd.DataFrame) -> None:
    periods = table.drop_duplicates("step").set_index("step")["period"]
    every = max(1, len(periods) // 8)
    steps = periods.index[::every]
    ax.set_xticks(steps, periods.loc[steps], rotation=30, ha="right", fontsize=8)


def score_panels() -> tuple[Figure, list[plt.Axes]]:
    """One panel per headline score, two to a row (spare panels removed)."""
    rows = -(-len(vocab.SCORES) // 2)
    fig, grid = plt.subplots(rows, 2, figsize=(11, 3.5 * rows), sharex=True, constrained_layout=True, squeeze=False)
    panels = list(grid.ravel())
    for spare in panels[len(vocab.SCORES) :]:
        spare.remove()
    return fig, panels[: len(vocab.SCORES)]


def scores_over_time(timeseries: pd.DataFrame, title: str = "") -> Figure:
    """The headline scores over time: mean across replications with a 2.5-97.5% band."""
    fig, axes = score_panels()
    for ax, name in zip(axes, vocab.SCORES, strict=True):
        g = timeseries.groupby("step")[name]
        mean, lo, hi = g.mean(), g.quantile(0.025), g.quantile(0.975)
        ax.fill_between(mean.index, lo, hi, alpha=0.25, label="95% of replications")
        ax.plot(mean.index, mean, lw=2, label="mean")
        ax.set_title(vocab.label(name))
        ax.set_ylim(0, 1)
        ax.grid(alpha=0.3)
        _ticks(ax, timeseries)
    axes[0].legend(loc="lower left", fontsize=8)
    fig.suptitle(title or "Scores over time")
    return fig


def alignment_over_time(states: pd.DataFrame, poles: list[str], title: str = "") -> Figure:
    """Each state's mean alignment on each pole over time (one panel per state)."""
    ids = list(dict.fromkeys(states["state"]))
    cols = min(3, len(ids))
    rows = int(np.ceil(len(ids) / cols))
    fig, axes = plt.subplots(
        rows, cols, figsize=(4 * cols, 2.6 * rows), sharex=True, sharey=True, constrained_layout=True, squeeze=False
    )
    means = states.groupby(["state", "step"])[[f"alignment_{p}" for p in poles]].mean()
    for ax, sid in zip(axes.ravel(), ids, strict=False):
        for p in poles:
            series = means.loc[sid][f"alignment_{p}"]
            ax.plot(series.index, series.to_numpy(), label=p, lw=1.8)
        ax.set_title(sid)
        ax.set_ylim(0, 1)
        ax.grid(alpha=0.3)
        _ticks(ax, states[states["state"] == sid])
    for ax in axes.ravel()[len(ids) :]:
        ax.axis("off")
    axes[0, 0].legend(fontsize=8)
    fig.suptitle(title or "Alignment on each pole (mean over replications)")
    return fig


def network_map(network: pd.DataFrame, scenario: Scenario, title: str = "") -> Figure:
    """End-state trust (green) and tension (red) between states placed at their capitals."""
    mean = network.groupby(["source", "target"])[["trust", "tension"]].mean().reset_index()
    pos = {s.id: (s.capital[1], s.capital[0]) for s in scenario.states}
    size = {s.id: s.capability for s in scenario.states}
    fig, ax = plt.subplots(figsize=(11, 6), constrained_layout=True)
    for row in mean.itertuples():
        (x0, y0), (x1, y1) = pos[row.source], pos[row.target]
        if row.trust > 0.35:
            ax.plot(
                [x0, x1],
                [y0, y1],
                color="tab:green",
                alpha=min(1, row.trust),
                lw=0.5 + 3 * row.trust,
                zorder=1,
            )
        if row.tension > 0.25:
            ax.plot(
                [x0, x1],
                [y0, y1],
                color="tab:red",
                alpha=min(1, row.tension),
                lw=0.5 + 3 * row.tension,
                ls="--",
                zorder=2,
            )
    for sid, (x, y) in pos.items():
        ax.scatter([x], [y], s=60 + 2000 * np.sqrt(size[sid]), color="tab:blue", edgecolor="k", zorder=3)
        ax.annotate(sid, (x, y), textcoords="offset points", xytext=(6, 6), fontsize=9, zorder=4)
    ax.set_xlabel("longitude")
    ax.set_ylabel("latitude")
    ax.plot([], [], color="tab:green", lw=2, label="trust > 0.35")
    ax.plot([], [], color="tab:red", lw=2, ls="--", label="tension > 0.25")
    ax.legend(loc="lower left")
    ax.grid(alpha=0.3)
    ax.set_title(title or "End-state network: trust and tension (mean over replications)")
    return fig


def paired_differences_figure(variant: pd.DataFrame, baseline: pd.DataFrame, title: str = "") -> Figure:
    """Each score's variant-minus-baseline difference over time, paired by replication and step:
    the mean with a 95% band of the paired differences."""
    keys = ["replication", "step"]
    joined = variant.merge(baseline, on=keys, suffixes=("", "_base"))
    fig, axes = score_panels()
    for ax, name in zip(axes, vocab.SCORES, strict=True):
        diff = (joined[name] - joined[f"{name}_base"]).groupby(joined["step"])
        mean, n = diff.mean(), diff.count()
        half = 1.96 * diff.std(ddof=1).fillna(0) / np.sqrt(n)
        ax.fill_between(mean.index, mean - half, mean + half, alpha=0.25)
        ax.plot(mean.index, mean, lw=2)
        ax.axhline(0, color="k", lw=0.8)
        ax.set_title(vocab.label(name))
        ax.grid(alpha=0.3)
        _ticks(ax, variant)
    fig.suptitle(title or "Paired differences over time")
    return fig


def save_run_plots(result: RunResult, folder: Path) -> list[Path]:
    """Write a run's standard figures as PNG files into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    name = result.scenario.scenario
    figures = {
        "scores.png": scores_over_time(result.timeseries, f"{name}: scores over time"),
        "alignment.png": alignment_over_time(result.states, list(result.scenario.poles), f"{name}: alignment"),
        "network.png": network_map(result.network, result.scenario, f"{name}: end-state trust and tension"),
    }
    paths = []
    for filename, fig in figures.items():
        path = folder / filename
        fig.savefig(path, dpi=110)
        plt.close(fig)
        paths.append(path)
    return paths
