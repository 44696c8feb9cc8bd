"""The analysis of a robust folder (``laossim robust``): which lever setting holds up across the
sampled futures, from the saved run table only (it never runs a model).

Each run's score is its mean over the scenario's final summary window, as every run and sweep
summary takes it (:func:`laossim.results.load`). On the paired table of (setting, future,
replication) it writes:

* ``criteria.csv``: each output's satisficing threshold and domain tolerance, and where each comes
  from (the experiment file; else the first setting's median over the futures, and the score's
  minimal important difference, measured by :mod:`laossim.importance`'s rule into ``mids.csv``);
* ``robustness.csv``: every metric of :mod:`laossim.robustness` per setting and output, with its
  paired bootstrap interval;
* ``ranking.csv``: per output, the settings by mean, and every paired difference with its interval
  against the MID: ``larger than the MID`` when the whole interval lies beyond it, ``smaller than
  the MID`` when it lies within it, else ``not resolved``;
* ``plots/regret.png`` (each setting's regret over the futures, per output) and
  ``plots/tradeoff.png`` (autonomy against security across the settings, with the intervals of
  their paired differences from the first setting).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from laossim import manifest, results, vocab
from laossim.errors import ResultsError
from laossim.folders import write_file
from laossim.robustness import KEYS, cube, future_regret, paired_differences, robustness

RESAMPLES = 1000
"""Bootstrap resamples of the replications behind every interval."""
SEED = 0
"""The bootstrap's seed (the intervals are reproducible to the bit)."""
LEVEL = 0.95
"""The intervals' confidence level."""
TRADE_OFF = ("focal_autonomy", "focal_security")
"""The trade-off plot's axes, when the experiment records both."""


class RobustError(ResultsError):
    """A robust folder cannot be analysed yet (runs failed or not run, a tolerance unknown)."""


def paired_runs(folder: str | Path) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The folder's runs, one row per (setting, future, replication) with each output's final-window
    mean, the settings in the file's order (the first is the reference of a default threshold),
    and its manifest.

    Raises:
        RobustError: some runs failed or are not run yet (the metrics need every pair).
    """
    folder = Path(folder)
    record = dict(manifest.read(folder, "robust").data)
    outputs = list(record["outputs"])
    table = results.load(folder)
    missing = table[(table.status != "done") | table[outputs].isna().any(axis=1)]
    if len(missing):
        failed = int((missing.status == "failed").sum())
        raise RobustError(
            f"{len(missing)} of {len(table)} runs in {folder} are not done ({failed} failed, tracebacks in "
            f"{folder / 'status'}/; {len(missing) - failed} not yet run): the metrics compare every setting "
            f"in every future, so they need every run; continue with laossim robust EXPERIMENT --out {folder} "
            "--resume"
        )
    order = {name: k for k, name in enumerate(record["levers"])}  # the settings as the file lists them
    paired = table[[*KEYS, *outputs]].sort_values(
        ["setting", "future", "replication"], key=lambda c: c.map(order) if c.name == "setting" else c
    )
    return paired.reset_index(drop=True), record


def mids_table(folder: Path) -> dict[str, float]:
    """The MIDs the runner measured into ``mids.csv`` (none if it did not need to)."""
    path = folder / "mids.csv"
    if not path.exists():
        return {}
    frame = pd.read_csv(path)
    return dict(zip(frame.score, frame.mid, strict=True))


def criteria(runs: pd.DataFrame, record: Mapping[str, Any], mids: Mapping[str, float]) -> pd.DataFrame:
    """Each output's satisficing threshold and domain tolerance, with where each comes from.

    Raises:
        RobustError: an output has no tolerance in the file and no measured MID.
    """
    rows = []
    first = next(iter(dict.fromkeys(runs.setting)))
    for output in record["outputs"]:
        if output in record["thresholds"]:
            threshold, said = float(record["thresholds"][output]), "experiment file"
        else:
            values, _, _ = cube(runs, output)
            threshold = float(np.percentile(values[0].mean(axis=1), 50))
            said = f"median over the futures of '{first}'"
        if output in record["tolerances"]:
            tolerance, tolerance_said = float(record["tolerances"][output]), "experiment file"
        elif output in mids:
            tolerance, tolerance_said = float(mids[output]), "MID (mids.csv)"
        else:
            raise RobustError(
                f"{output} has no domain tolerance: give tolerances: {{{output}: VALUE}} in the experiment file"
            )
        rows.append((output, threshold, said, tolerance, tolerance_said))
    return pd.DataFrame(rows, columns=["score", "threshold", "threshold_source", "tolerance", "tolerance_source"])


def verdict(low: float, high: float, mid: float) -> str:
    """Whether a paired difference's interval says it matters: wholly beyond the MID, wholly
    within it, or neither."""
    if low > mid or high < -mid:
        return "larger than the MID"
    if -mid < low and high < mid:
        return "smaller than the MID"
    return "not resolved"


def ranking(runs: pd.DataFrame, tolerances: Mapping[str, float]) -> pd.DataFrame:
    """Per output, the settings by mean and every paired difference against its MID (:func:`verdict`)."""
    frame = paired_differences(runs, list(tolerances), RESAMPLES, SEED, LEVEL)
    frame["mid"] = frame.score.map(tolerances)
    frame["verdict"] = [verdict(lo, hi, m) for lo, hi, m in zip(frame.ci_low, frame.ci_high, frame.mid, strict=True)]
    return frame


def regret_table(runs: pd.DataFrame, output: str) -> pd.DataFrame:
    """Each setting's regret in each future (:func:`laossim.robustness.future_regret`): one row per
    (setting, future)."""
    values, settings, futures = cube(runs, output)
    regret = future_regret(values)
    return pd.DataFrame(
        [(s, f, regret[i, j]) for i, s in enumerate(settings) for j, f in enumerate(futures)],
        columns=["setting", "future", "regret"],
    )


def regret_figure(runs: pd.DataFrame, table: pd.DataFrame):
    """Each setting's regret over the futures, one panel per output (three a row), the MID dashed."""
    from laossim.plotting import plt

    outputs = list(table.score)
    columns = min(3, len(outputs))
    rows = -(-len(outputs) // columns)
    fig, axes = plt.subplots(rows, columns, figsize=(4.4 * columns, 3.9 * rows), squeeze=False, constrained_layout=True)
    for ax, output, mid in zip(axes.flat, table.score, table.tolerance, strict=False):
        regret = regret_table(runs, output)
        settings = list(dict.fromkeys(regret.setting))
        groups = [regret[regret.setting == s].regret.to_numpy() for s in settings]
        ax.boxplot(groups, tick_labels=settings, showfliers=False)
        jitter = np.random.default_rng(0)
        for k, group in enumerate(groups, start=1):
            ax.scatter(k + jitter.uniform(-0.12, 0.12, len(group)), group, s=6, alpha=0.4, color="tab:blue")
        ax.axhline(mid, color="tab:red", linestyle="--", linewidth=1, label=f"tolerance (MID) {mid:.3g}")
        ax.set_title(vocab.label(output) if output in vocab.COLUMNS else output)
        ax.set_ylabel("regret in a future\n(best setting's score minus this one's)", fontsize=8)
        for label in ax.get_xticklabels():
            label.set(rotation=30, horizontalalignment="right", fontsize=8)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7)
    for ax in list(axes.flat)[len(outputs) :]:
        ax.set_visible(False)
    fig.suptitle("Regret of each lever setting across the futures (one dot a future)", fontsize=10)
    return fig


def from_reference(ranking: pd.DataFrame, output: str, setting: str, reference: str) -> tuple[float, float]:
    """The 95% interval of ``setting`` minus ``reference`` on ``output``, paired, from the ranking's rows."""
    rows = ranking[ranking.score == output]
    same = rows[(rows.setting == setting) & (rows.other == reference)]
    if len(same):
        return float(same.ci_low.iloc[0]), float(same.ci_high.iloc[0])
    flipped = rows[(rows.setting == reference) & (rows.other == setting)]
    return -float(flipped.ci_high.iloc[0]), -float(flipped.ci_low.iloc[0])


def tradeoff_figure(table: pd.DataFrame, ranking: pd.DataFrame, x: str, y: str):
    """Each setting's mean of ``x`` against ``y`` over the futures. The bars: the 95% interval of
    its paired difference from the first setting (the reference), drawn around its mean (the means'
    own intervals are wide, since every setting shares each replication's chance, and say less);
    thin lines: its 10th to 90th percentile over the futures."""
    from laossim.plotting import plt

    fig, ax = plt.subplots(figsize=(6.6, 5.0), constrained_layout=True)
    settings = list(dict.fromkeys(table.setting))
    reference = settings[0]
    for k, setting in enumerate(settings):
        rows = table[table.setting == setting].set_index(["score", "metric"])["value"]
        mx, my = rows[(x, "mean")], rows[(y, "mean")]
        colour = f"C{k}"
        ax.plot([rows[(x, "p10")], rows[(x, "p90")]], [my, my], color=colour, lw=0.7, alpha=0.6)
        ax.plot([mx, mx], [rows[(y, "p10")], rows[(y, "p90")]], color=colour, lw=0.7, alpha=0.6)
        if setting == reference:
            ax.plot(mx, my, "s", color=colour, label=f"{setting} (reference)")
            continue
        (xl, xh), (yl, yh) = (
            from_reference(ranking, x, setting, reference),
            from_reference(ranking, y, setting, reference),
        )
        d_x, d_y = mx - rows_mean(table, reference, x), my - rows_mean(table, reference, y)
        ax.errorbar(
            mx, my, xerr=[[d_x - xl], [xh - d_x]], yerr=[[d_y - yl], [yh - d_y]], fmt="o", color=colour, capsize=3,
            label=setting,
        )  # fmt: skip
    ax.set_xlabel(f"{vocab.label(x) if x in vocab.COLUMNS else x} (mean over futures)")
    ax.set_ylabel(f"{vocab.label(y) if y in vocab.COLUMNS else y} (mean over futures)")
    ax.set_title(
        f"Trade-off across lever settings\nbars: 95% CI of the paired difference from '{reference}'\n"
        "thin lines: 10th-90th percentile over the futures",
        fontsize=9,
    )
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    return fig


def rows_mean(table: pd.DataFrame, setting: str, output: str) -> float:
    """A setting's mean of an output, from the robustness table."""
    row = table[(table.setting == setting) & (table.score == output) & (table.metric == "mean")]
    return float(row.value.iloc[0])


TABLES = ("criteria", "robustness", "ranking")
"""The tables :func:`analyse` writes, each ``NAME.csv``."""


def written(folder: str | Path) -> dict[str, pd.DataFrame]:
    """A robust folder's tables as :func:`analyse` wrote them, read back (what a report shows: reading a
    folder never rewrites it).

    Raises:
        RobustError: the folder has no analysis yet (its run was stopped before its end).
    """
    folder = Path(folder)
    missing = [f"{name}.csv" for name in TABLES if not (folder / f"{name}.csv").exists()]
    if missing:
        raise RobustError(
            f"{folder} has no {', '.join(missing)}: its run stopped before the analysis; finish it with "
            f"laossim robust EXPERIMENT --out {folder} --resume"
        )
    return {name: pd.read_csv(folder / f"{name}.csv") for name in TABLES}


def analyse(folder: str | Path) -> dict[str, pd.DataFrame]:
    """Write ``criteria.csv``, ``robustness.csv``, ``ranking.csv`` and the plots in a robust folder
    whose runs are all done, and return the tables.

    Raises:
        RobustError: runs are missing or failed, or an output has no tolerance.
    """
    folder = Path(folder)
    runs, record = paired_runs(folder)
    table = criteria(runs, record, mids_table(folder))
    thresholds = dict(zip(table.score, table.threshold, strict=True))
    tolerances = dict(zip(table.score, table.tolerance, strict=True))
    tables = {
        "criteria": table,
        "robustness": robustness(runs, thresholds, tolerances, RESAMPLES, SEED, LEVEL),
        "ranking": ranking(runs, tolerances),
    }
    for name, frame in tables.items():
        write_file(folder / f"{name}.csv", partial(_csv, frame))
    from laossim.plotting import plt

    figures = {"regret.png": regret_figure(runs, table)}
    axes = TRADE_OFF if all(s in tolerances for s in TRADE_OFF) else tuple(tolerances)[:2]
    if len(axes) == 2:
        figures["tradeoff.png"] = tradeoff_figure(tables["robustness"], tables["ranking"], axes[0], axes[1])
    (folder / "plots").mkdir(exist_ok=True)
    for name, fig in figures.items():
        write_file(folder / "plots" / name, partial(fig.savefig, dpi=110, format="png"))
        plt.close(fig)
    return tables


def _csv(frame: pd.DataFrame, path: Path) -> None:
    frame.to_csv(path, index=False)
