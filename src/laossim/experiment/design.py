"""The design table: every run of a sweep, fixed before anything runs.

One row per run: ``run_id``, ``point`` (design point), ``replication``, the
seed (``seed_entropy`` and ``seed_key``: replication r uses child r of the
root ``SeedSequence``, the same at every point, so differences between points
are not noise) and the value of every varied path. Samplers: scipy.stats.qmc
for Latin hypercubes, SALib for the Saltelli (Sobol) and Morris designs.
Runs are ordered replication by replication, and within a replication in
bit-reversed (van der Corput) point order, so a partial sweep already spreads
over the whole design.

A robust experiment's table has one row per (lever setting, future, replication): the design's
points are its futures (the sampled uncertainties), crossed with every lever setting, so each
setting meets every future; columns ``setting`` and ``future`` name them, the lever fields give
the setting's values (empty where a setting leaves a field as the scenario has it), and the seed
is the replication's, the same for every setting and future (common random numbers).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from laossim.experiment.load import LoadedExperiment
from laossim.experiment.schema import Experiment, Method, Range, Scalar


def salib_problem(loaded: LoadedExperiment) -> dict:
    """SALib's problem definition for the experiment's (numeric) varied paths."""
    vary = loaded.experiment.sampled
    return {
        "num_vars": len(vary),
        "names": list(vary),
        "bounds": [[r.start, r.to] for r in vary.values() if isinstance(r, Range)],
    }


def design_points(loaded: LoadedExperiment) -> pd.DataFrame:
    """One row per design point, one column per varied path (in the experiment's order).

    A Latin hypercube samples a set (a robust experiment's uncertainty given as a list) by its
    stratum: value k of n where the unit coordinate falls in [k/n, (k+1)/n), so each value comes
    up equally often."""
    exp = loaded.experiment
    design = exp.design
    sampled = exp.sampled
    names = list(sampled)
    if design.method is Method.grid:
        axes = [_grid_values(v) for v in sampled.values()]
        return pd.DataFrame(list(itertools.product(*axes)), columns=names)
    if design.method is Method.lhs:
        from scipy.stats import qmc

        unit = qmc.LatinHypercube(d=len(names), seed=design.seed).random(design.samples)
        columns = {}
        for k, (name, spec) in enumerate(sampled.items()):
            if isinstance(spec, Range):
                columns[name] = qmc.scale(unit[:, [k]], [spec.start], [spec.to])[:, 0]
            else:
                picks = np.minimum((unit[:, k] * len(spec)).astype(int), len(spec) - 1)
                columns[name] = [spec[i] for i in picks]
        return pd.DataFrame(columns, columns=names)
    problem = salib_problem(loaded)
    if design.method is Method.sobol:
        from SALib.sample import sobol

        points = sobol.sample(problem, design.samples, calc_second_order=False, seed=design.seed)
        return pd.DataFrame(points, columns=names)
    from SALib.sample import morris

    points = morris.sample(problem, design.samples, num_levels=design.levels, seed=design.seed)
    return pd.DataFrame(points, columns=names)


def _grid_values(values: list[Scalar] | Range) -> list:
    """One varied path's values on a grid: a list as given, a range's ``steps`` values (ends included)."""
    if isinstance(values, Range):
        assert values.steps is not None, "loading an experiment rejects a grid range without steps"
        return np.linspace(values.start, values.to, values.steps).tolist()
    return list(values)


def interleaved(count: int) -> np.ndarray:
    """0..count-1 in bit-reversed order: every prefix spreads over the whole range."""
    bits = max(1, int(np.ceil(np.log2(max(count, 2)))))
    keys = np.array([int(f"{i:0{bits}b}"[::-1], 2) for i in range(count)])
    return np.argsort(keys, kind="stable")


def robust_points(loaded: LoadedExperiment) -> pd.DataFrame:
    """A robust experiment's points: every lever setting on every future (the design's points),
    future by future, with ``setting``, ``future``, the lever fields and the sampled fields."""
    exp = loaded.experiment
    futures = design_points(loaded)
    levers = exp.lever_paths
    rows = []
    for future, values in enumerate(futures.itertuples(index=False, name=None)):
        for name, setting in exp.levers.items():
            rows.append((name, future, *(setting.get(path) for path in levers), *values))
    return pd.DataFrame(rows, columns=["setting", "future", *levers, *futures.columns])


def overrides(experiment: Experiment, row: Mapping[str, Any]) -> dict[str, Any]:
    """The scenario overrides of one row of the design table: a sweep's varied values; a robust
    run's lever setting (as the file writes it) and its future's sampled values."""
    if experiment.robust:
        sampled = {path: row[path] for path in experiment.uncertainties}
        return {**experiment.levers[row["setting"]], **sampled}
    return {path: row[path] for path in experiment.vary}


def design_table(loaded: LoadedExperiment) -> pd.DataFrame:
    """Every run of the sweep, in execution order, with its seed and parameter values."""
    points = robust_points(loaded) if loaded.experiment.robust else design_points(loaded)
    replications = loaded.experiment.replications
    root = np.random.SeedSequence(loaded.root_seed)
    order = interleaved(len(points))
    rows = []
    for r, child in enumerate(root.spawn(replications)):
        for point in order:
            rows.append((int(point), r, str(child.entropy), int(child.spawn_key[0])))
    table = pd.DataFrame(rows, columns=["point", "replication", "seed_entropy", "seed_key"])
    table.insert(0, "run_id", np.arange(len(table)))
    values = points.iloc[table["point"].to_numpy()].reset_index(drop=True)
    if loaded.experiment.robust:  # setting and future beside the point they make
        table.insert(2, "setting", values.pop("setting"))
        table.insert(3, "future", values.pop("future"))
    return pd.concat([table, values], axis=1)
