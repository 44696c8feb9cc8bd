"""Calibration of the backtest on 2000-2016 only, through the sweep layer.

Four coefficients are fitted, the ones that decide how far and which way
positions drift from the observed starting point (each state's 2000 ideal
point) along the observed capability path, which is all the voting data can
speak to:

* ``alignment.responsiveness`` (rho): how fast a state closes the gap between
  where it stands and its target (anchored at where it stood in 2000). The
  default (0.3 a year) was a judgement for the 2025 scenarios.
* ``alignment.leverage_gain`` (gamma_L): how far a change of a pole's pull
  since 2000 (trade, aid, capability, tension) moves a state's target toward
  it; 0 holds every target at the state's 2000 position.
* ``alignment.capability_exponent`` (alpha): how much a pole's capability
  weighs in its pull. China's CINC overtakes the USA's in the data; this is
  the coefficient through which that rise can move the region.
* ``forums.norm_pull``: how far each ASEAN, ADMM and ADMM-Plus meeting pulls
  its members toward equidistance between the poles (a pull their error
  correction then undoes), the multilateral hedging the mission is about.

The alignment noise is not fitted: the error of a replication mean always
falls as noise falls, so the data cannot say how much there is.

Recipe: a Latin hypercube over the four ranges (:data:`PARAMETERS`) run by
:func:`laossim.sweep` (crash-safe files, any executor), each run only to the
end of 2016 and recording the compared states' positions on the one axis
(``position.STATE.1``); each point's error is the RMSE of the replication-mean
centred ideal point against the observed one over 2000-2016. The best tenth of the points is
kept as an approximate Bayesian computation rejection sample (its spread is
reported); the defaults are evaluated too (the refinement's first evaluation),
and the better of them and the best point starts a bounded Nelder-Mead search
(``scipy.optimize.minimize``) in the unit cube of the ranges, each evaluation
running the same replications with the same seeds (common random numbers
make the error a deterministic function of the parameters). The observations
are cut to the fitting years before anything else, and no simulated year
after 2016 exists, so the hold-out cannot leak in.
"""

from __future__ import annotations

import json
import os
import pickle
import time
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import minimize
from tqdm.auto import tqdm

from laossim import vocab
from laossim.backtest import observation, scoring
from laossim.backtest.compare import COMPARED, FIT, window
from laossim.calendar import step_label
from laossim.errors import RunError
from laossim.experiment.design import design_table
from laossim.experiment.load import LoadedExperiment
from laossim.experiment.schema import Design, Experiment, Method, Range
from laossim.experiment.sweep import chunk_size, make_executor, sweep
from laossim.experiment.worker import Task, execute_many
from laossim.results import load
from laossim.scenario import Scenario, load_resolved
from laossim.scenario.parameters import Parameters

PARAMETERS: dict[str, tuple[float, float]] = {
    "parameters.alignment.responsiveness": (0.0, 1.0),
    "parameters.alignment.leverage_gain": (0.0, 4.0),
    "parameters.alignment.capability_exponent": (0.0, 6.0),
    "parameters.forums.norm_pull": (0.0, 1.0),
}
"""The fitted coefficients and the ranges searched (each includes its default; the
responsiveness's and the norm pull's are all they admit)."""
ACCEPTED = 0.1
"""Share of design points an approximate Bayesian computation rejection step keeps (the best by
error): with the hypercube as a uniform prior, their spread shows what the data leave open."""


class CalibrationError(RunError):
    """A calibration run failed (its traceback is in the sweep's status records or the message)."""


@dataclass(frozen=True)
class Calibration:
    """What a calibration found: the fitted values and how it got there."""

    fitted: dict[str, float]
    error: float
    """In-sample RMSE of centred ideal points at the fitted values (2000-2016)."""
    design: pd.DataFrame
    """One row per design point: its values and its error."""
    refinement: pd.DataFrame
    """One row per Nelder-Mead evaluation, in order: its values and its error."""
    accepted: pd.DataFrame
    """Per parameter: low, median and high over the accepted design points (:data:`ACCEPTED`)."""
    runs: int
    seconds: float


def fit_steps(scenario: Scenario) -> int:
    """Steps from the start to the last period of the final fitting year."""
    sim = scenario.simulation
    steps = 0
    while int(step_label(sim.start, sim.time_unit, steps + 1)[:4]) <= FIT[1]:
        steps += 1
    return steps


AXIS = "1"
"""The axis of the positions the ideal point is: the scenario's one axis."""


def outputs() -> list[str]:
    """The sweep outputs the ideal points need: each compared state's position on the axis."""
    position = vocab.family("position")
    return [position.member(s, AXIS) for s in COMPARED]


def design_experiment(scenario: str | Path, points: int, replications: int, seed: int | None) -> LoadedExperiment:
    """The calibration's design as an experiment: an LHS over :data:`PARAMETERS`, runs to 2016."""
    resolved = load_resolved(scenario)
    root = resolved.scenario.simulation.seed if seed is None else seed
    experiment = Experiment(
        experiment=f"calibrate_{resolved.scenario.scenario}",
        description="Backtest calibration design (laossim backtest --calibrate)",
        scenario=str(scenario),
        replications=replications,
        seed=root,
        steps=fit_steps(resolved.scenario),
        design=Design(method=Method.lhs, samples=points, seed=root),
        vary={name: Range.model_validate({"from": lo, "to": hi}) for name, (lo, hi) in PARAMETERS.items()},
        outputs=outputs(),
    )
    return LoadedExperiment(experiment, Path(scenario), resolved.scenario, tuple(resolved.files))


def yearly_points(series: pd.DataFrame, scenario: Scenario) -> pd.DataFrame:
    """Per run (``replication`` = run_id), year and compared state: ideal_point and centred."""
    sim = scenario.simulation
    labels = np.array([step_label(sim.start, sim.time_unit, t) for t in range(int(series.step.max()) + 1)])
    position = vocab.family("position")
    parts = [
        pd.DataFrame(
            {
                "replication": series.run_id.to_numpy(),
                "period": labels[series.step.to_numpy()],
                "state": state,
                position.column(AXIS): series[position.member(state, AXIS)].to_numpy(),
            }
        )
        for state in COMPARED
    ]
    return observation.simulated(pd.concat(parts, ignore_index=True), list(COMPARED))


def fit_error(points: pd.DataFrame, observed: pd.DataFrame) -> float:
    """RMSE over 2000-2016 of the replication-mean centred ideal point against the observed one."""
    mean = points.groupby(["year", "state"], as_index=False).centred.mean()
    return scoring.rmse(window(mean, FIT), window(observed, FIT))


@dataclass(frozen=True)
class Options:
    """How a calibration searches, with the library's one set of defaults."""

    points: int = 64
    """Latin-hypercube points."""
    replications: int = 8
    """Runs per point (common seeds)."""
    refine: int = 60
    """Most Nelder-Mead evaluations after the design (0: none)."""
    executor: str | Executor = "process"
    """Where runs go: ``process``, ``serial``, ``dask`` or ``dask://HOST:PORT``."""
    workers: int | None = None
    """Worker processes (default: all cores)."""

    @classmethod
    def given(cls, **values: Any) -> Options:
        """The defaults, with each value given (not None) in their place."""
        return cls(**{name: value for name, value in values.items() if value is not None})


def calibrate(
    scenario: str | Path,
    observed: pd.DataFrame,
    out: str | Path,
    *,
    points: int | None = None,
    replications: int | None = None,
    refine: int | None = None,
    seed: int | None = None,
    executor: str | Executor | None = None,
    workers: int | None = None,
    progress: bool = True,
) -> Calibration:
    """Fit :data:`PARAMETERS` to the observed centred ideal points of 2000-2016.

    Args:
        scenario: the backtest scenario file.
        observed: observed ideal points (``compare.observed()``); only the fitting years are read.
        out: folder for the design sweep (design table, one file per run, manifest).
        points, replications, refine, executor, workers: see :class:`Options` (None: its default).
    """
    options = Options.given(points=points, replications=replications, refine=refine, executor=executor,
                            workers=workers)  # fmt: skip
    points, replications, refine = options.points, options.replications, options.refine
    executor, workers = options.executor, options.workers
    started = time.perf_counter()
    observed = window(observed, FIT)  # the hold-out years are gone before anything runs
    loaded = design_experiment(scenario, points, replications, seed)
    names = list(PARAMETERS)
    sweep(loaded, out, executor=executor, workers=workers, progress=progress)
    series = load(out, series=True)
    if series.empty or series.run_id.nunique() < len(design_table(loaded)):
        failed = [json.loads(f.read_text()) for f in sorted((Path(out) / "status").glob("run-*.json"))]
        first = next((r.get("traceback", "") for r in failed if r.get("status") == "failed"), "")
        raise CalibrationError(f"calibration runs failed; the first:\n{first}")
    points_by_run = yearly_points(series, loaded.scenario)
    errors = {
        point: fit_error(points_by_run[points_by_run.replication.isin(runs)], observed)
        for point, runs in series.groupby("point").run_id.unique().items()
    }
    design = series.groupby("point")[names].first().assign(error=pd.Series(errors)).reset_index()
    best = design.loc[design.error.idxmin()]
    evaluations: list[dict[str, float]] = []
    if refine > 0:
        bar = tqdm(total=refine, desc="refinement", unit="eval", disable=not progress)
        with make_executor(executor, workers) as (pool, _), bar:
            evaluate = _evaluator(loaded, observed, pool, max(workers or 1, os.cpu_count() or 1))

            def objective(u: np.ndarray) -> float:
                values = _from_unit(u)
                error = evaluate(values)
                evaluations.append({**values, "error": error})
                bar.update(1)
                bar.set_postfix(best=f"{min(e['error'] for e in evaluations):.4f}", refresh=False)
                return error

            defaults = {name: default(name) for name in names}
            if objective(_to_unit(np.array(list(defaults.values())))) < best.error:  # the defaults are a candidate
                best = pd.Series({**defaults, "error": evaluations[-1]["error"]})
            start = _to_unit(best[names].to_numpy(dtype=float))
            inward = np.where(start > 0.5, -0.15, 0.15)  # each first step stays inside the cube
            simplex = np.vstack([start, start + np.diag(inward)])
            if refine > 1:
                minimize(
                    objective,
                    start,
                    method="Nelder-Mead",
                    bounds=[(0.0, 1.0)] * len(names),
                    options={"maxfev": refine - 1, "initial_simplex": simplex, "xatol": 0.01, "fatol": 1e-4},
                )
    refinement = pd.DataFrame(evaluations, columns=[*names, "error"])
    candidates = pd.concat([design[[*names, "error"]], refinement], ignore_index=True)
    winner = candidates.loc[candidates.error.idxmin()]
    near = design.nsmallest(max(1, round(ACCEPTED * len(design))), "error")[names]
    accepted = (
        pd.DataFrame({"low": near.min(), "median": near.median(), "high": near.max(), "points": len(near)})
        .rename_axis("parameter")
        .reset_index()
    )
    return Calibration(
        fitted={name: float(winner[name]) for name in names},
        error=float(winner.error),
        design=design,
        refinement=refinement,
        accepted=accepted,
        runs=len(series.run_id.unique()) + len(evaluations) * replications,
        seconds=time.perf_counter() - started,
    )


def _from_unit(u: np.ndarray) -> dict[str, float]:
    return {name: float(lo + ui * (hi - lo)) for ui, (name, (lo, hi)) in zip(u, PARAMETERS.items(), strict=True)}


def _to_unit(x: np.ndarray) -> np.ndarray:
    lo, hi = np.array(list(PARAMETERS.values())).T
    return (x - lo) / (hi - lo)


def _evaluator(
    loaded: LoadedExperiment, observed: pd.DataFrame, pool: Executor, parallel: int
) -> Callable[[dict[str, float]], float]:
    """The in-sample error of a parameter vector, its replications run on ``pool`` (of
    ``parallel`` workers) with the design's seeds (replication r: the same seed as at every
    design point)."""
    table = design_table(loaded)
    seeds = table.groupby("replication")[["seed_entropy", "seed_key"]].first()
    blob = pickle.dumps(loaded.scenario, protocol=pickle.HIGHEST_PROTOCOL)
    names = tuple(loaded.experiment.outputs)

    def evaluate(values: dict[str, float]) -> float:
        tasks = [
            Task(int(r), blob, values, int(s.seed_entropy), int(s.seed_key), loaded.steps, names)
            for r, s in seeds.iterrows()
        ]
        size = chunk_size(len(tasks), parallel)  # the replications share stacks of worlds
        chunks = [tasks[i : i + size] for i in range(0, len(tasks), size)]
        frames = []
        for run_id, columns, error, _ in chain.from_iterable(pool.map(execute_many, chunks)):
            if error is not None:
                raise CalibrationError(f"calibration run {run_id} failed:\n{error}")
            frames.append(pd.DataFrame(columns))
        return fit_error(yearly_points(pd.concat(frames, ignore_index=True), loaded.scenario), observed)

    return evaluate


def default(name: str) -> float:
    """A parameter's default value (``parameters.alignment.responsiveness`` -> 0.3)."""
    value: object = Parameters()
    for part in name.split(".")[1:]:
        value = getattr(value, part)
    return float(value)  # type: ignore[arg-type]


def fitted_table(calibration: Calibration) -> pd.DataFrame:
    """One row per parameter: range searched, default, fitted value, and the ABC-accepted spread."""
    accepted = calibration.accepted.set_index("parameter")
    return pd.DataFrame(
        [
            {
                "parameter": name.removeprefix("parameters."),
                "searched": f"[{lo:g}, {hi:g}]",
                "default": default(name),
                "fitted": round(calibration.fitted[name], 4),
                "accepted_low": round(accepted.low[name], 4),
                "accepted_median": round(accepted["median"][name], 4),
                "accepted_high": round(accepted.high[name], 4),
            }
            for name, (lo, hi) in PARAMETERS.items()
        ]
    )


def write(calibration: Calibration, folder: Path) -> None:
    """calibration_design.csv, calibration_refinement.csv, fitted.json and calibration.png."""
    from laossim.plotting import plt

    calibration.design.to_csv(folder / "calibration_design.csv", index=False)
    calibration.refinement.to_csv(folder / "calibration_refinement.csv", index=False)
    record = {
        "fitted": calibration.fitted,
        "in_sample_rmse": calibration.error,
        "fitting_years": list(FIT),
        "searched": {name: list(bounds) for name, bounds in PARAMETERS.items()},
        "accepted": calibration.accepted.to_dict(orient="records"),
        "runs": calibration.runs,
        "seconds": round(calibration.seconds, 1),
    }
    (folder / "fitted.json").write_text(json.dumps(record, indent=2) + "\n")
    fig = figure(calibration)
    fig.savefig(folder / "calibration.png", dpi=110)
    plt.close(fig)


def figure(calibration: Calibration):
    """In-sample error against each parameter: design points, refinement steps, the fitted value."""
    from laossim.plotting import plt

    names = list(PARAMETERS)
    fig, axes = plt.subplots(1, len(names), figsize=(3.4 * len(names), 3.2), sharey=True, constrained_layout=True)
    design, steps = calibration.design, calibration.refinement
    for ax, name in zip(axes, names, strict=True):
        ax.scatter(design[name], design.error, s=12, color="grey", alpha=0.7, label="design points")
        if len(steps):
            ax.scatter(steps[name], steps.error, s=10, color="tab:blue", alpha=0.6, label="refinement")
        ax.scatter([calibration.fitted[name]], [calibration.error], marker="*", s=160, color="tab:red", label="fitted")
        ax.axvline(default(name), color="black", ls=":", lw=1, label="default")
        ax.set_xlabel(name.removeprefix("parameters."))
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("RMSE of centred ideal point, 2000-2016")
    axes[0].legend(fontsize=7)
    fig.suptitle("Calibration on 2000-2016: in-sample error over the design and the refinement")
    return fig
