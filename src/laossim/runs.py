"""One run of a scenario: a pure function of (scenario, seed).

``run`` evaluates the scenario's replications through the kernel
(:func:`laossim.kernel.evaluate`, which advances them as one stack of worlds),
each seeded from its own child of the root ``SeedSequence``, and returns tidy
tables. No Mesa here: :class:`~laossim.model.LaosModel` wraps the same
``Simulation`` for the app and Mesa's own tools, with the same numbers
(``tests/test_model.py``). Nothing here writes files (see :mod:`laossim.results`).
"""

from __future__ import annotations

import datetime as _dt
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from laossim import vocab
from laossim.calendar import step_label
from laossim.errors import InputError
from laossim.kernel import Job, Trace, outcomes
from laossim.mechanisms.records import describe
from laossim.scenario import Resolved, Scenario, load_resolved, override_scenario
from laossim.seeding import replication_sequences, seed_record
from laossim.summaries import difference_bounds, mean_ci, replication_scores, summarise, window_steps

log = logging.getLogger("laossim")

LONG_HORIZON_YEARS = 100
"""A run longer than this is warned about: the model's figures and rates are meant for decades."""


@dataclass(frozen=True)
class RunResult:
    """Tables of a run (all replications), with what is needed to reproduce it."""

    scenario: Scenario
    seed: int
    seeds: list[dict[str, Any]]
    timeseries: pd.DataFrame
    states: pd.DataFrame
    events: pd.DataFrame
    network: pd.DataFrame
    summary: pd.DataFrame
    provenance: dict[str, Any] = field(default_factory=dict)

    def save(self, out: str | Path, *, csv: bool = False, force: bool = False, plots: bool = True) -> Path:
        """Write the results folder atomically (see :func:`laossim.results.write_run`), with its
        standard plots in ``plots/`` unless ``plots`` is false."""
        from laossim.results import write_run

        def draw(folder: Path) -> None:
            from laossim.plotting import save_run_plots

            save_run_plots(self, folder / "plots")

        return write_run(self, Path(out), csv=csv, force=force, also=draw if plots else None)


def tables(trace: Trace, scenario: Scenario, replication: int) -> dict[str, pd.DataFrame]:
    """One replication's tables (timeseries, states, events, network) from its trace."""
    sim = scenario.simulation
    t_count = len(trace.capability)
    labels = [step_label(sim.start, sim.time_unit, t) for t in range(t_count)]
    ts = pd.DataFrame({name: trace.scores[name] for name in vocab.COLUMNS})
    ts.insert(0, "period", labels)
    ts.insert(0, "step", np.arange(t_count))
    ts.insert(0, "replication", replication)

    world = trace.world
    ids = list(world.ids)
    poles = [ids[p] for p in world.poles]
    n = len(ids)
    families: dict[str, np.ndarray] = {}  # every family's columns: the same outputs as a sweep's, long
    for family in vocab.FAMILIES:
        history = trace.histories[family.field]  # (T+1, N, K), (T+1, N, K - 1) or (T+1, N)
        if family.per:
            families |= {family.column(p): history[:, :, k].ravel() for k, p in enumerate(family.parts(poles))}
        else:
            families[family.column()] = history.ravel()
    states = pd.DataFrame(
        {
            "replication": replication,
            "step": np.repeat(np.arange(t_count), n),
            "period": np.repeat(labels, n),
            "state": np.tile(ids, t_count),
            **families,
            "coalition": np.array(poles)[trace.alignment.argmax(axis=2).ravel()],
            "camp": np.array(poles)[trace.histories["camp"].ravel()],
        }
    )
    happened, at = trace.happened, trace.happened_at
    events = pd.DataFrame(
        {
            "replication": np.full(len(at), replication, dtype=np.int64),
            "step": at,
            "period": np.asarray(labels, dtype=object)[at],
            "kind": happened.kind,
            "source": happened.source,
            "target": happened.target,
            "magnitude": happened.magnitude,
            "description": [describe(r) for r in happened],
        }
    )
    iu, ju = np.triu_indices(n, k=1)
    network = pd.DataFrame(
        {
            "replication": replication,
            "source": np.array(ids)[iu],
            "target": np.array(ids)[ju],
            "trust": world.trust[iu, ju],
            "tension": world.tension[iu, ju],
            "interoperability": world.interoperability[iu, ju],
            "border_cooperation": world.border_cooperation[iu, ju],
            "liaison": world.liaison[iu, ju],
            "perceived_by_source": world.beliefs[iu, ju],
            "perceived_by_target": world.beliefs[ju, iu],
            "engagements": world.engagement_tally[iu, ju],
        }
    )
    return {"timeseries": ts, "states": states, "events": events, "network": network}


def run(
    scenario: str | Path | Scenario | Resolved,
    seed: int | None = None,
    replications: int | None = None,
    steps: int | None = None,
    overrides: list[str] | dict[str, Any] | None = None,
    progress: bool = False,
    per_replication: Sequence[Mapping[str, Any]] | None = None,
) -> RunResult:
    """Run a scenario's replications and collect their tables.

    Args:
        scenario: a file path, a loaded :class:`Scenario`, or a :class:`Resolved` load.
        seed: root seed (default ``simulation.seed``); replication r uses child r.
        replications: default ``simulation.replications``.
        steps: default ``simulation.steps``.
        overrides: dotted-path overrides, as with ``--set``.
        progress: show a progress bar over every step of every replication (so a single long
            replication shows progress too), and warn of a horizon longer than :data:`LONG_HORIZON_YEARS`.
        per_replication: dotted-path overrides of each replication's own (one mapping per
            replication, after ``overrides``), e.g. coefficients drawn from a posterior
            (``laossim run --posterior``); recorded in the provenance.
    """
    provenance: dict[str, Any] = {"started": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")}
    if isinstance(scenario, (str, Path)):
        scenario = load_resolved(scenario, overrides)
    elif overrides:
        base = scenario.scenario if isinstance(scenario, Resolved) else scenario
        scenario = override_scenario(base, overrides)
    if isinstance(scenario, Resolved):
        provenance |= {
            "files": [{"path": p, "sha256": h, "resolved": str(Path(p).resolve())} for p, h in scenario.files],
            "overrides": list(scenario.overrides),
        }
        scenario = scenario.scenario
    sim = scenario.simulation
    seed = sim.seed if seed is None else int(seed)
    reps = sim.replications if replications is None else int(replications)
    steps = sim.steps if steps is None else int(steps)
    seqs = replication_sequences(seed, reps)
    if per_replication is not None and len(per_replication) != reps:
        raise ValueError(f"per_replication has {len(per_replication)} entries for {reps} replications")
    specs = [override_scenario(scenario, dict(o)) for o in per_replication] if per_replication else [scenario] * reps
    if per_replication:
        provenance["per_replication"] = [dict(o) for o in per_replication]
    if progress and steps > LONG_HORIZON_YEARS * sim.steps_per_year:
        log.warning(
            "%s: %d steps (%.0f years) is far beyond what the model is built for; "
            "scores stay in range, but read them as a stress test, not a forecast",
            scenario.scenario,
            steps,
            steps / sim.steps_per_year,
        )
    bar = tqdm(total=reps * steps, desc=scenario.scenario, unit="step", disable=not progress, leave=False)
    parts: dict[int, dict[str, pd.DataFrame]] = {}
    with bar:  # counts the steps of every replication: the replications advance together, as stacks
        jobs = [Job(spec, seq, steps) for spec, seq in zip(specs, seqs, strict=True)]
        for r, trace in outcomes(jobs, stepped=bar.update):  # a stack's traces become tables at once
            parts[r] = tables(trace, specs[r], r)
    merged = {name: pd.concat([parts[r][name] for r in range(reps)], ignore_index=True) for name in parts[0]}
    return RunResult(
        scenario=scenario,
        seed=seed,
        seeds=[seed_record(s) for s in seqs],
        summary=summarise(merged["timeseries"], window_steps(scenario)),
        provenance=provenance | {"replications": reps, "steps": steps},
        **merged,
    )


def paired_difference(variant: RunResult, baseline: RunResult) -> pd.DataFrame:
    """Each score's variant-minus-baseline difference, paired by replication (the runs
    must share seeds: common random numbers), with its 95% CI."""
    window = window_steps(variant.scenario)
    a = replication_scores(variant.timeseries, window)
    b = replication_scores(baseline.timeseries, window)
    if not a.index.equals(b.index):
        raise ValueError("paired runs need the same replications")
    rows = [(name, *mean_ci((a[name] - b[name]).to_numpy(), difference_bounds(name))) for name in vocab.COLUMNS]
    return pd.DataFrame(rows, columns=["score", "difference", "ci_low", "ci_high", "std", "n"])


@dataclass(frozen=True)
class Comparison:
    """Two runs with common random numbers and their paired differences (``b`` minus ``a``)."""

    a: RunResult
    b: RunResult
    differences: pd.DataFrame
    steps: int


def compare(
    a: str | Path | Scenario | Resolved,
    b: str | Path | Scenario | Resolved,
    replications: int | None = None,
    steps: int | None = None,
    progress: bool = False,
) -> Comparison:
    """Run two scenarios with the same seeds over the shorter of their horizons (or ``steps``)
    and the fewer of their replications (or ``replications``), and return each score's paired
    difference, b minus a, with its 95% CI."""
    first = load_resolved(a) if isinstance(a, (str, Path)) else a
    second = load_resolved(b) if isinstance(b, (str, Path)) else b
    sims = (_scenario_of(first).simulation, _scenario_of(second).simulation)
    if sims[0].time_unit != sims[1].time_unit:
        names = (_scenario_of(first).scenario, _scenario_of(second).scenario)
        raise InputError(
            f"{names[0]} steps by {sims[0].time_unit.value} and {names[1]} by {sims[1].time_unit.value}: "
            "a comparison pairs the runs step by step, so both must use one time_unit; "
            "write a variant of one with the other's simulation.time_unit (and steps, and event dates)"
        )
    horizon = steps or min(sim.steps for sim in sims)
    pairs = replications or min(sim.replications for sim in sims)
    run_a = run(first, replications=pairs, steps=horizon, progress=progress)
    run_b = run(second, replications=pairs, seed=run_a.seed, steps=horizon, progress=progress)
    return Comparison(run_a, run_b, paired_difference(run_b, run_a), horizon)


def _scenario_of(item: Scenario | Resolved) -> Scenario:
    return item.scenario if isinstance(item, Resolved) else item
