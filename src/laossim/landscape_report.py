"""Landscape analysis of a landscape file or of a scenario's world at a step.

From a scenario, at step T of replication 0 (the scenario's seed): sizes are
capability shares; propensities are the in-run ones,
p_ij = w_H H_ij + w_R (R_ij - tau_ij) (``parameters.landscape``); the observed
coalitions are each state's dominant pole at that step. Structural balance
is reported for the signs of the propensities.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from laossim import landscape, metrics
from laossim.calendar import step_label
from laossim.kernel import Job, evaluate
from laossim.scenario import Scenario
from laossim.scenario.landscape_file import LandscapeSpec
from laossim.seeding import replication_sequences


def scenario_landscape(scenario: Scenario, step: int) -> LandscapeSpec:
    """The landscape the states sit in at ``step`` of replication 0."""
    sim = scenario.simulation
    if not 0 <= step <= sim.steps:
        raise ValueError(f"--step must be between 0 and simulation.steps ({sim.steps}), got {step}")
    (trace,) = evaluate([Job(scenario, replication_sequences(sim.seed, 1)[0], step)])
    world = trace.world
    period = step_label(sim.start, sim.time_unit, step)
    return LandscapeSpec(
        name=f"{scenario.scenario}@{period}",
        ids=world.ids,
        sizes=world.capability / world.capability.sum(),
        propensities=metrics.propensities(world, scenario.parameters),
        observed=metrics.coalitions(world.alignment),
        description=f"Derived from scenario {scenario.scenario} at step {step} ({period}), seed {sim.seed}.",
    )


def analyse(spec: LandscapeSpec, coalitions: int = 2, rule: str = "steepest", seed: int = 0,
            starts: int | None = None) -> dict[str, Any]:  # fmt: skip
    """Minima, basins, structural balance and agreement with the observed coalitions, as plain data."""
    found = landscape.minima(spec.sizes, spec.propensities, coalitions, rule=rule, seed=seed, starts=starts)
    balance = landscape.structural_balance(spec.propensities)
    observed = spec.observed if spec.observed is not None and (spec.observed >= 0).any() else None
    rows = []
    for m in found.minima:
        row: dict[str, Any] = {
            "coalitions": [[spec.ids[i] for i in np.flatnonzero(np.array(m.assignment) == c)]
                           for c in sorted(set(m.assignment))],
            "energy": m.energy,
            "basin": m.basin,
            "reached": m.reached,
            "global": m.is_global,
        }  # fmt: skip
        if observed is not None:
            mask = observed >= 0
            agree = landscape.agreement(np.array(m.assignment)[mask], observed[mask])
            row["agreement"] = agree.agreement
            row["misplaced"] = [spec.ids[i] for i in np.flatnonzero(mask)[list(agree.misplaced)]]
        rows.append(row)
    return {
        "landscape": spec.name,
        "description": spec.description,
        "actors": list(spec.ids),
        "coalitions": coalitions,
        "method": found.method,
        "rule": found.rule,
        "starts": found.starts,
        "minima": rows,
        "structural_balance": {
            "triads": balance.triads,
            "balanced_share": balance.balanced_share,
            "balanced": balance.is_balanced,
            "factions": [[spec.ids[i] for i in f] for f in balance.factions] if balance.factions else None,
        },
    }


def render(report: dict[str, Any], top: int | None = None) -> str:
    """The report as a table for the terminal."""
    sb = report["structural_balance"]
    how = f"{report['method']}, {report['starts']} starts, {report['rule']} descent"
    lines = [
        f"Landscape {report['landscape']}: {len(report['actors'])} actors, {report['coalitions']} coalitions ({how})",
        f"Structural balance: {sb['balanced_share']:.0%} of {sb['triads']} triads balanced; "
        + (
            "balanced, factions " + " | ".join(", ".join(f) for f in sb["factions"])
            if sb["balanced"]
            else "not balanced"
        ),
        "",
        f"{'#':>3}  {'energy':>12}  {'basin':>7}  {'global':>6}  {'agree':>6}  coalitions",
    ]
    for k, row in enumerate(report["minima"][:top] if top else report["minima"], start=1):
        agree = f"{row['agreement']:.0%}" if "agreement" in row else "-"
        groups = " | ".join("{" + ", ".join(g) + "}" for g in row["coalitions"])
        flag = "yes" if row["global"] else ""
        lines.append(f"{k:>3}  {row['energy']:>12.6g}  {row['basin']:>7.1%}  {flag:>6}  {agree:>6}  {groups}")
        if row.get("misplaced"):
            lines.append(f"{'':>43}misplaced against observed: {', '.join(row['misplaced'])}")
    shown = min(top or len(report["minima"]), len(report["minima"]))
    if shown < len(report["minima"]):
        lines.append(f"... {len(report['minima']) - shown} more minima (--top to show more)")
    return "\n".join(lines)
