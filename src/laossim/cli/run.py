"""``laossim run``: run a scenario's replications and write its results folder."""

from __future__ import annotations

import argparse
from pathlib import Path

from laossim.cli.common import FORCE_FOLDER, add_overrides, at_least, given


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("run", help="run a scenario and write its results folder")
    p.add_argument("scenario", help="scenario YAML file, e.g. scenarios/laos_baseline.yaml")
    p.add_argument("--out", help="results folder (default results/<scenario>-<timestamp>)")
    p.add_argument("--seed", type=at_least(0), help="root seed (default simulation.seed; a whole number >= 0)")
    p.add_argument("--replications", type=at_least(1), help="default simulation.replications")
    p.add_argument("--steps", type=at_least(1), help="default simulation.steps")
    add_overrides(p)
    p.add_argument("--csv", action="store_true", help="also write CSV copies of the tables")
    p.add_argument("--force", action="store_true", help=FORCE_FOLDER)
    p.add_argument("--all-scores", action="store_true", help="print the score components too")
    p.add_argument("--report", action="store_true", help="also write report.html (self-contained) in the folder")
    p.add_argument(
        "--posterior",
        action="store_true",
        help="each replication draws its error correction and noise from their posterior, estimated on the UN "
        "ideal points before the start (scenarios on the ideal-point axis, e.g. scenarios/backtest_2000.yaml)",
    )
    p.set_defaults(handle=handle)


def handle(args: argparse.Namespace) -> int:
    from laossim import vocab
    from laossim.folders import check_folder
    from laossim.results import default_folder
    from laossim.runs import run
    from laossim.scenario import load_resolved

    resolved = load_resolved(args.scenario, args.set)
    out = Path(args.out) if args.out else default_folder(resolved.scenario.scenario)
    inputs = [path for path, _ in resolved.files]
    per_replication = None
    if args.posterior:
        from laossim.backtest import ideal_points, posterior

        sim = resolved.scenario.simulation
        reps, seed = args.replications or sim.replications, sim.seed if args.seed is None else args.seed
        per_replication, estimate = posterior.replication_overrides(resolved.scenario, args.scenario, reps, seed)
        inputs.append(str(ideal_points.FILE))
        print(
            f"posterior from the ideal points to {estimate.origin} ({estimate.pairs} pairs of years): "
            f"phi {estimate.phi:.3f} (SE {estimate.sigma / estimate.spread**0.5:.3f}), sigma {estimate.sigma:.3f}; "
            f"one draw per replication"
        )
    check_folder(out, inputs=inputs, force=args.force)
    chosen = given(seed=args.seed, replications=args.replications, steps=args.steps)
    result = run(resolved, progress=True, per_replication=per_replication, **chosen)
    sim = result.scenario.simulation
    print(
        f"{result.scenario.scenario}: {result.provenance['replications']} replication(s) x "
        f"{result.provenance['steps']} steps ({sim.time_unit.value}s from {sim.start}), seed {result.seed}"
    )
    print(score_table(result.summary, vocab.COLUMNS if args.all_scores else vocab.SCORES))
    result.save(out, csv=args.csv, force=args.force)
    print(f"\nresults written to {out}/ (plots in {out}/plots/)")
    if args.report:
        from laossim.report import report

        print(f"report: {report(out)}")
    return 0


def score_table(summary, scores) -> str:  # type: ignore[no-untyped-def]
    """The summary's scores as a text table: mean and 95% CI."""
    from laossim import vocab
    from laossim.summaries import clipped

    rows = summary.set_index("score").loc[list(scores)]
    lines = [f"{'score':<26}{'mean':>8}   {'95% CI':<17}", "-" * 53]
    cut = False
    for name, row in rows.iterrows():
        ci = "n/a (1 replication)" if row["n"] < 2 else f"[{row['ci_low']:.3f}, {row['ci_high']:.3f}]"
        if row["n"] >= 2 and clipped(row["ci_low"], row["ci_high"], vocab.bounds(str(name))):
            ci, cut = ci + " *", True
        lines.append(f"{name:<26}{row['mean']:>8.3f}   {ci}")
    if cut:
        lines.append("* cut at the score's range [0, 1]: with few replications the interval reaches past it")
    return "\n".join(lines)
