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

from laossim import map_layout, vocab

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
    """Each non-pole state's alignment on each pole over time: the mean over replications with
    the band 5-95% of them (a pole sits on its own vertex, so it gets no panel)."""
    ids = [sid for sid in dict.fromkeys(states["state"]) if sid not in poles]
    cols = min(3, len(ids))
    rows = int(np.ceil(len(ids) / cols))
    fig, axes = plt.subplots(
        rows, cols, figsize=(4 * cols, 2.8 * rows), sharex=True, sharey=True, constrained_layout=True, squeeze=False
    )
    columns = [f"alignment_{p}" for p in poles]
    grouped = states[states["state"].isin(ids)].groupby(["state", "step"])[columns]
    mean, low, high = grouped.mean(), grouped.quantile(0.05), grouped.quantile(0.95)
    for ax, sid in zip(axes.ravel(), ids, strict=False):
        for k, (p, column) in enumerate(zip(poles, columns, strict=True)):
            line = mean.loc[sid][column]
            ax.fill_between(line.index, low.loc[sid][column], high.loc[sid][column], color=f"C{k}", alpha=0.2, lw=0)
            ax.plot(line.index, line.to_numpy(), label=p, lw=1.8, color=f"C{k}")
        ax.set_title(sid)
        ax.set_ylim(0, 1)
        ax.grid(alpha=0.3)
        _ticks(ax, states[states["state"] == sid])
    for ax in axes.ravel()[len(ids) :]:
        ax.axis("off")
    for ax in axes[:, 0]:
        ax.set_ylabel("share on each pole")
    axes[0, 0].legend(fontsize=8, title="pole", title_fontsize=8)
    fig.suptitle(f"{title or 'Alignment on each pole'}\nlines: mean over replications; bands: 5-95% of them")
    return fig


def network_map(network: pd.DataFrame, states: pd.DataFrame, scenario: Scenario, title: str = "") -> Figure:
    """End-state trust (green) and tension (red, dashed) between the states, placed as the
    classroom app places them (:mod:`laossim.map_layout`), each sized by its capability at the
    end of the run (the mean over replications), with a legend of sizes."""
    mean = network.groupby(["source", "target"])[["trust", "tension"]].mean().reset_index()
    ids = [s.id for s in scenario.states]
    focal = ids.index(scenario.focal)
    xy = map_layout.map_positions(np.array([s.capital for s in scenario.states]), focal)
    pos = dict(zip(ids, map(tuple, xy), strict=True))
    end = states[states["step"] == states["step"].max()].groupby("state")["capability"].mean()
    capability = end.reindex(ids).to_numpy()
    shares = _size_legend_shares(float(capability.max()))
    sizes = map_layout.node_sizes(np.concatenate([capability, shares]))
    fig, ax = plt.subplots(figsize=(11, 7), constrained_layout=True)
    for row in mean.itertuples():
        (x0, y0), (x1, y1) = pos[row.source], pos[row.target]
        if row.trust > 0.35:
            ax.plot([x0, x1], [y0, y1], color="tab:green", alpha=min(1, row.trust), lw=0.5 + 3 * row.trust, zorder=1)
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
    ax.scatter(xy[:, 0], xy[:, 1], s=sizes[: len(ids)], color="tab:blue", edgecolor="k", alpha=0.85, zorder=3)
    ax.set_axis_off()
    ax.margins(0.1)
    lines = [
        ax.plot([], [], color="tab:green", lw=2, label="trust > 0.35")[0],
        ax.plot([], [], color="tab:red", lw=2, ls="--", label="tension > 0.25")[0],
    ]
    first = ax.legend(handles=lines, loc="lower left", title="pairs")
    ax.add_artist(first)
    markers = [
        ax.scatter([], [], s=size, color="tab:blue", edgecolor="k", alpha=0.85, label=f"{share:.2g}")
        for share, size in zip(shares, sizes[len(ids) :], strict=True)
    ]
    ax.legend(
        handles=markers, loc="lower right", title="capability share", labelspacing=2.4, borderpad=1.4, handletextpad=2.0
    )
    map_layout.place_labels(ax, xy, ids, sizes[: len(ids)], fontsize=11)
    heading = title or "Trust and tension at the end of the run"
    ax.set_title(
        f"{heading}\nmean over replications; states at their capitals, distances compressed around {scenario.focal}"
    )
    return fig


def _size_legend_shares(top: float) -> np.ndarray:
    """Three round capability shares spanning the map's markers, the largest at most ``top``."""
    exponent = np.floor(np.log10(top))
    largest = np.floor(top / 10**exponent) * 10**exponent
    return np.array([largest / 100, largest / 10, largest])


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
        ax.fill_between(mean.index, mean - half, mean + half, alpha=0.25, label="95% CI of the mean")
        ax.plot(mean.index, mean, lw=2, label="mean paired difference")
        ax.axhline(0, color="k", lw=0.8, label="no difference")
        ax.set_title(vocab.label(name))
        ax.set_ylabel(f"{vocab.label(name)}: difference")
        ax.grid(alpha=0.3)
        _ticks(ax, variant)
    axes[0].legend(loc="best", fontsize=8)
    fig.suptitle(title or "Paired differences over time")
    return fig


def save_run_plots(result: RunResult, folder: Path) -> list[Path]:
    """Write a run's standard figures as PNG files into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    name = result.scenario.scenario
    figures = {
        "scores.png": scores_over_time(result.timeseries, f"{name}: scores over time"),
        "alignment.png": alignment_over_time(result.states, list(result.scenario.poles), f"{name}: alignment"),
        "network.png": network_map(
            result.network, result.states, result.scenario, f"{name}: trust and tension at the end of the run"
        ),
    }
    paths = []
    for filename, fig in figures.items():
        path = folder / filename
        fig.savefig(path, dpi=110)
        plt.close(fig)
        paths.append(path)
    return paths
