"""Analysis of sweep folders: per-point summaries and SALib sensitivity indices.

Reads only result tables (``laossim.results.load``); never runs a model.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from laossim import results
from laossim.run import mean_ci


class AnalysisError(Exception):
    """The sweep cannot be analysed as asked (failed or missing runs, NaN outputs)."""


def point_summary(table: pd.DataFrame, params: list[str], outputs: list[str]) -> pd.DataFrame:
    """Each output's mean and 95% CI across replications, per design point."""
    rows = []
    for point, group in table[table.status == "done"].groupby("point"):
        row = {"point": point, **group.iloc[0][params].to_dict(), "replications": len(group)}
        for out in outputs:
            mean, low, high, _, _ = mean_ci(group[out].to_numpy())
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
    manifest = json.loads((folder / "manifest.json").read_text())
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
        ax.set_yticks(y, [p.split(".")[-1] for p in part.parameter], fontsize=8)
        ax.set_title(out)
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
            ax.scatter(values, done[out], s=6, alpha=0.5)
            if i == len(outputs) - 1:
                ax.set_xlabel(par.split(".")[-1], fontsize=8)
            if j == 0:
                ax.set_ylabel(out, fontsize=8)
            ax.grid(alpha=0.3)
    return fig


def analyze(folder: str | Path) -> dict[str, pd.DataFrame]:
    """Write ``analysis/`` in a sweep folder (point summaries, indices, plots) and return the tables."""
    folder = Path(folder)
    manifest = json.loads((folder / "manifest.json").read_text())
    params, outputs = list(manifest["vary"]), manifest["outputs"]
    table = results.load(folder)
    target = folder / "analysis"
    target.mkdir(exist_ok=True)
    tables = {"points": point_summary(table, params, outputs)}
    tables["points"].to_csv(target / "points.csv", index=False)
    figures = {"main_effects.png": main_effects_figure(table, params, outputs)}
    if manifest["design"]["method"] in ("sobol", "morris"):
        tables["indices"] = sensitivity(folder)
        tables["indices"].to_csv(target / "indices.csv", index=False)
        figures["indices.png"] = indices_figure(tables["indices"])
    from laossim.plotting import plt

    for name, fig in figures.items():
        fig.savefig(target / name, dpi=110)
        plt.close(fig)
    return tables
