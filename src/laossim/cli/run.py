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
    p.set_defaults(handle=handle)


def handle(args: argparse.Namespace) -> int:
    from laossim import vocab
    from laossim.folders import check_folder
    from laossim.results import default_folder
    from laossim.runs import run
    from laossim.scenario import load_resolved

    resolved = load_resolved(args.scenario, args.set)
    out = Path(args.out) if args.out else default_folder(resolved.scenario.scenario)
    check_folder(out, inputs=[path for path, _ in resolved.files], force=args.force)
    result = run(resolved, progress=True, **given(seed=args.seed, replications=args.replications, steps=args.steps))
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
