"""``laossim robust``: lever settings over sampled futures, and which of them holds up."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from laossim.cli.common import at_least, given, interrupted_code, start_pool_early, with_pandas_width

SHOWN = ("mean", "p10", "mean_regret", "satisficing", "maximin", "domain")
"""The metrics the command prints (robustness.csv has every one, with intervals)."""


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "robust",
        help="run an experiment's lever settings over its sampled futures; robustness, regret, ranking and plots",
    )
    p.add_argument(
        "experiment", help="experiment YAML file with levers:, e.g. experiments/laos_hedge_or_concentrate.yaml"
    )
    p.add_argument("--out", help="robust folder (default results/robust-<experiment>)")
    p.add_argument("--executor", help="process (default), serial, dask, or dask://HOST:PORT")
    p.add_argument("--workers", type=at_least(1), help="worker processes (default: all cores)")
    p.add_argument("--resume", action="store_true", help="continue the robust run in --out, skipping finished runs")
    p.add_argument(
        "--force", action="store_true", help="replace a laossim results folder at --out, once the new one is complete"
    )
    p.add_argument("--limit", type=at_least(1), help="submit at most this many runs (try a design quickly)")
    p.add_argument("--quiet", action="store_true", help="no progress bar (the summary is still printed)")
    p.set_defaults(handle=handle)


def handle(args: argparse.Namespace) -> int:
    start_pool_early(args.executor)
    from laossim.experiment.load import load_experiment
    from laossim.experiment.sweep import SweepInterrupted
    from laossim.robust import robust

    loaded = load_experiment(args.experiment)
    out = Path(args.out) if args.out else Path("results") / f"robust-{loaded.experiment.experiment}"
    try:
        summary = robust(
            loaded,
            out,
            resume=args.resume,
            force=args.force,
            progress=not args.quiet,
            **given(executor=args.executor, workers=args.workers, limit=args.limit),
        )
    except SweepInterrupted as exc:
        if args.force:
            print(f"laossim: interrupted; {out} is as it was (its replacement was discarded)", file=sys.stderr)
        else:
            print(
                f"laossim: interrupted; {exc.finished} of {exc.runs} runs are finished and kept in {exc.out}/: "
                f"laossim robust {args.experiment} --out {exc.out} --resume continues",
                file=sys.stderr,
            )
        return interrupted_code(exc)
    runs = summary.sweep
    print(
        f"{loaded.experiment.experiment}: {runs.runs} runs ({len(loaded.experiment.levers)} settings x futures x "
        f"replications); {runs.skipped} already done, {runs.done} done now, {runs.failed} failed "
        f"({runs.seconds:.1f} s). Results in {out}/"
    )
    if summary.tables is None:
        if runs.failed:
            print(f"laossim: {runs.failed} run(s) failed: tracebacks in {out}/status/", file=sys.stderr)
            return 1
        print(f"not every run is done yet: laossim robust {args.experiment} --out {out} --resume continues")
        return 0
    with_pandas_width()
    table = summary.tables["robustness"]
    shown = table[table.metric.isin(SHOWN)].pivot_table(
        index=["score", "setting"], columns="metric", values="value", sort=False
    )[list(SHOWN)]
    print("\n" + shown.to_string(float_format="{:.4g}".format))
    ranking = summary.tables["ranking"]
    print("\npaired differences (setting minus other, 95% CI) against each score's MID:")
    for row in ranking.itertuples():
        print(
            f"  {row.score}: {row.setting} - {row.other} = {row.difference:+.3g} "
            f"[{row.ci_low:+.3g}, {row.ci_high:+.3g}], MID {row.mid:.3g}: {row.verdict}"
        )
    print(f"\nrobustness.csv, ranking.csv, criteria.csv and plots/ written to {out}/")
    return 0
