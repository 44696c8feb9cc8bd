"""Analysis of sweep folders: per-point summaries and SALib sensitivity indices.

Reads only result tables (``laossim.results.load``); never runs a model.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from laossim import results, vocab
from laossim.errors import ResultsError, did_you_mean
from laossim.summaries import mean_ci


class AnalysisError(ResultsError):
    """The sweep cannot be analysed as asked (failed or missing runs, NaN outputs)."""


def point_summary(table: pd.DataFrame, params: list[str], outputs: list[str]) -> pd.DataFrame:
    """Each output's mean and 95% CI across replications, per design point."""
    rows = []
    for point, group in table[table.status == "done"].groupby("point"):
        row = {"point": point, **group.iloc[0][params].to_dict(), "replications": len(group)}
        for out in outputs:
            mean, low, high, _, _ = mean_ci(group[out].to_numpy(), vocab.bounds(out))
            row |= {out: mean, f"{out}_ci_low": low, f"{out}_ci_high": high}
        rows.append(row)
    return pd.DataFrame(rows)


def require_complete(table: pd.DataFrame, outputs: list[str]) -> None:
    """Refuse indices on an incomplete sweep, naming the runs (SALib would silently give zeros)."""
    bad = table[(table.status != "done") | table[outputs].isna().any(axis=1)]
    if len(bad):
        ids = ", ".join(str(i) for i in bad.run_id.head(20))
        more = f" and {len(bad) - 20} more" if len(bad) > 20 else ""
        raise AnalysisError(
            f"{len(bad)} run(s) failed, are missing or have NaN outputs (run ids {ids}{more}); "
            "sensitivity indices need every run: resume the sweep or fix the failing runs"
        )


def sensitivity(folder: str | Path) -> pd.DataFrame:
    """Sobol (first and total order with 95% confidence) or Morris (mu*, sigma) indices per output.

    Each design point's output is its mean over replications (common random
    numbers make that mean a smooth function of the parameters).
    """
    folder = Path(folder)
    manifest = results.sweep_manifest(folder)
    method = manifest["design"]["method"]
    if method not in ("sobol", "morris"):
        raise AnalysisError(f"sensitivity indices need a sobol or morris design, this sweep is {method}")
    table = results.load(folder)
    outputs = manifest["outputs"]
    require_complete(table, outputs)
    params = list(manifest["vary"])
    problem = {
        "num_vars": len(params),
        "names": params,
        "bounds": [[v["from"], v["to"]] for v in manifest["vary"].values()],
    }
    means = table.groupby("point")[[*params, *outputs]].mean().sort_index()
    seed = manifest["design"]["seed"]
    keys = ("S1", "S1_conf", "ST", "ST_conf") if method == "sobol" else ("mu_star", "mu_star_conf", "sigma")
    rows = []
    for out in outputs:
        y = means[out].to_numpy()
        if method == "sobol":
            from SALib.analyze import sobol

            si = sobol.analyze(problem, y, calc_second_order=False, conf_level=0.95, seed=seed)
        else:
            from SALib.analyze import morris

            x = means[params].to_numpy()
            si = morris.analyze(problem, x, y, conf_level=0.95, num_levels=manifest["design"]["levels"], seed=seed)
        rows += [
            {"output": out, "parameter": name, **{key: si[key][k] for key in keys}} for k, name in enumerate(params)
        ]
    return pd.DataFrame(rows)


def varied_label(path: str, width: int = 30) -> str:
    """A varied path as an axis label: the whole path (``states.LAO.autonomy``, never just
    ``autonomy``, which would not say whose), broken at a dot when it is long."""
    if len(path) <= width or "." not in path:
        return path
    head, _, last = path.rpartition(".")
    return f"{head}.\n{last}"


def indices_figure(indices: pd.DataFrame):
    """Bar chart of the indices, one panel per output."""
    from laossim.plotting import plt

    outputs = list(dict.fromkeys(indices.output))
    fig, axes = plt.subplots(1, len(outputs), figsize=(4.5 * len(outputs), 4), squeeze=False, constrained_layout=True)
    sobol = "S1" in indices
    for ax, out in zip(axes[0], outputs, strict=True):
        part = indices[indices.output == out]
        y = np.arange(len(part))
        if sobol:
            ax.barh(y - 0.2, part.S1, 0.4, xerr=part.S1_conf, label="first order")
            ax.barh(y + 0.2, part.ST, 0.4, xerr=part.ST_conf, label="total order")
        else:
            ax.barh(y, part.mu_star, 0.6, xerr=part.mu_star_conf, label="mu*")
        ax.set_yticks(y, [varied_label(p) for p in part.parameter], fontsize=8)
        ax.set_title(vocab.label(out))
        ax.grid(alpha=0.3)
    axes[0][0].legend(fontsize=8)
    return fig


def main_effects_figure(table: pd.DataFrame, params: list[str], outputs: list[str]):
    """Each output against each varied parameter, one dot per run."""
    from laossim.plotting import plt

    done = table[table.status == "done"]
    fig, axes = plt.subplots(
        len(outputs),
        len(params),
        figsize=(3.2 * len(params), 2.6 * len(outputs)),
        squeeze=False,
        constrained_layout=True,
    )
    for i, out in enumerate(outputs):
        for j, par in enumerate(params):
            ax = axes[i][j]
            values = pd.to_numeric(done[par], errors="coerce")
            if values.isna().all() and done[par].notna().any():  # text (a lever setting): a column of dots a value
                names = list(dict.fromkeys(done[par].astype(str)))
                values = done[par].astype(str).map({name: k for k, name in enumerate(names)})
                ax.set_xticks(range(len(names)), names, rotation=30, ha="right", fontsize=7)
            ax.scatter(values, done[out], s=6, alpha=0.5)
            if i == len(outputs) - 1:
                ax.set_xlabel(varied_label(par), fontsize=8)
            if j == 0:
                ax.set_ylabel(vocab.label(out), fontsize=8)
            ax.grid(alpha=0.3)
    return fig


def influential_pair(params: list[str], indices: pd.DataFrame | None) -> tuple[str, str] | None:
    """The two varied parameters a heatmap shows by default: the two with the largest
    total-order index (or mu*) summed over outputs, else the first two varied."""
    if len(params) < 2:
        return None
    if indices is None:
        return params[0], params[1]
    key = "ST" if "ST" in indices else "mu_star"
    ranked = indices.groupby("parameter")[key].sum().reindex(params).sort_values(ascending=False, kind="stable")
    return ranked.index[0], ranked.index[1]


def pair_means(
    table: pd.DataFrame,
    x: str,
    y: str,
    output: str,
    bins: int = 8,
    ranges: dict[str, tuple[float, float]] | None = None,
) -> pd.DataFrame:
    """An output's mean over finished runs on a grid of two varied parameters (rows y, columns x),
    averaging over everything else. A parameter with at most ``bins`` distinct values keeps its
    values; one sampled over a range (``ranges``, default the values' span) is cut into ``bins``
    equal-width bins labelled by their centres."""
    done = table[table.status == "done"]

    def axis(name: str) -> pd.Series:
        if not pd.api.types.is_numeric_dtype(done[name]):
            return done[name]  # categories (a doctrine) keep their names
        values = pd.to_numeric(done[name])
        if values.nunique() <= bins:
            return values
        low, high = (ranges or {}).get(name, (values.min(), values.max()))
        edges = np.linspace(low, high, bins + 1)
        centres = (edges[:-1] + edges[1:]) / 2
        return pd.Series(centres[np.clip(np.digitize(values, edges[1:-1]), 0, bins - 1)], index=values.index)

    return done.groupby([axis(y), axis(x)])[output].mean().unstack()


def _tick(value: object) -> str:
    """A heatmap's tick label: a number to three significant digits, a category by its name."""
    return f"{value:.3g}" if isinstance(value, int | float | np.number) else str(value)


def heatmap_figure(
    table: pd.DataFrame,
    pair: tuple[str, str],
    outputs: list[str],
    ranges: dict[str, tuple[float, float]] | None = None,
):
    """Each output's mean over a grid of two varied parameters, one panel per output."""
    from laossim.plotting import plt

    x, y = pair
    fig, axes = plt.subplots(1, len(outputs), figsize=(4.2 * len(outputs), 3.6), squeeze=False, constrained_layout=True)
    for ax, out in zip(axes[0], outputs, strict=True):
        grid = pair_means(table, x, y, out, ranges=ranges)
        image = ax.imshow(grid.to_numpy(), origin="lower", aspect="auto", cmap="viridis")
        ax.set_xticks(range(grid.shape[1]), [_tick(v) for v in grid.columns], fontsize=7, rotation=45)
        ax.set_yticks(range(grid.shape[0]), [_tick(v) for v in grid.index], fontsize=7)
        ax.set_xlabel(varied_label(x), fontsize=8)
        ax.set_ylabel(varied_label(y), fontsize=8)
        ax.set_title(vocab.label(out))
        fig.colorbar(image, ax=ax, shrink=0.85)
    return fig


def distributions_figure(table: pd.DataFrame, outputs: list[str], max_points: int = 30):
    """How each output varies across replications. Few design points: a box per point over its
    replications. Many: the histogram of every run's value and, with replications, of each run's
    deviation from its point's mean (the spread that is noise, not the parameters)."""
    from laossim.plotting import plt

    done = table[table.status == "done"]
    per_point = done.groupby("point")
    replicated = bool(len(done)) and per_point.size().max() > 1
    boxes = replicated and per_point.ngroups <= max_points
    columns = 1 if boxes or not replicated else 2
    width = max(6.0, 0.3 * per_point.ngroups) if boxes else 5.0 * columns
    fig, axes = plt.subplots(
        len(outputs), columns, figsize=(width, 2.4 * len(outputs)), squeeze=False, constrained_layout=True
    )
    for row, out in zip(axes, outputs, strict=True):
        if boxes:
            labels, groups = zip(*[(str(p), g[out].to_numpy()) for p, g in per_point], strict=True)
            row[0].boxplot(groups, tick_labels=labels)
            row[0].set_xlabel("design point (box: its replications)", fontsize=8)
        else:
            row[0].hist(done[out].dropna(), bins=40)
            row[0].set_xlabel("value over every run", fontsize=8)
        if columns == 2:
            row[1].hist((done[out] - per_point[out].transform("mean")).dropna(), bins=40, color="tab:orange")
            row[1].set_xlabel("run minus its design point's mean (replication noise)", fontsize=8)
        row[0].set_ylabel(vocab.label(out), fontsize=8)
        for ax in row:
            ax.grid(alpha=0.3)
    return fig


def analyze(folder: str | Path, pair: tuple[str, str] | None = None) -> dict[str, pd.DataFrame]:
    """Write ``analysis/`` in a sweep folder (point summaries, indices, plots) and return the tables.

    ``pair``: the two varied parameters of the heatmap (default: the two most influential).
    """
    folder = Path(folder)
    manifest = results.sweep_manifest(folder)
    params, outputs = list(manifest["vary"]), manifest["outputs"]
    if manifest.get("levers"):  # a robust folder: its runs differ by lever setting as well as by future
        params = ["setting", *params]
    if pair is not None:
        unknown = [p for p in pair if p not in params]
        if unknown:
            hints = [did_you_mean(p, params) for p in unknown]
            raise AnalysisError(
                f"--pair {' '.join(unknown)}: not varied in this sweep; "
                + ("; ".join(h for h in hints if h) or f"varied: {', '.join(params)}")
            )
    table = results.load(folder)
    target = folder / "analysis"
    target.mkdir(exist_ok=True)
    tables = {"points": point_summary(table, params, outputs)}
    tables["points"].to_csv(target / "points.csv", index=False)
    figures = {
        "main_effects.png": main_effects_figure(table, params, outputs),
        "distributions.png": distributions_figure(table, outputs),
    }
    if manifest["design"]["method"] in ("sobol", "morris"):
        tables["indices"] = sensitivity(folder)
        tables["indices"].to_csv(target / "indices.csv", index=False)
        figures["indices.png"] = indices_figure(tables["indices"])
    pair = pair or influential_pair(list(manifest["vary"]), tables.get("indices"))  # a heatmap of numbers
    if pair is not None:
        ranges = {k: (v["from"], v["to"]) for k, v in manifest["vary"].items() if isinstance(v, dict)}
        figures["heatmap.png"] = heatmap_figure(table, pair, outputs, ranges)
    from laossim.plotting import plt

    for name, fig in figures.items():
        fig.savefig(target / name, dpi=110)
        plt.close(fig)
    return tables
