"""``laossim sweep``: run an experiment's design, crash-safe and resumable, on any executor."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from laossim.cli.common import at_least, given, interrupted_code, start_pool_early


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("sweep", help="run an experiment's design: crash-safe, resumable, on processes or Dask")
    p.add_argument("experiment", help="experiment YAML file, e.g. experiments/debt_leverage_grid.yaml")
    p.add_argument("--out", help="sweep folder (default results/sweep-<experiment>)")
    p.add_argument("--executor", help="process (default), serial, dask, or dask://HOST:PORT")
    p.add_argument("--workers", type=at_least(1), help="worker processes (default: all cores)")
    p.add_argument("--resume", action="store_true", help="continue the sweep in --out, skipping finished runs")
    p.add_argument("--limit", type=at_least(1), help="submit at most this many runs (try a design quickly)")
    p.add_argument("--quiet", action="store_true", help="no progress bar (the summary line is still printed)")
    p.set_defaults(handle=handle)


def handle(args: argparse.Namespace) -> int:
    start_pool_early(args.executor)
    from laossim.experiment.load import load_experiment
    from laossim.experiment.sweep import SweepInterrupted, sweep

    loaded = load_experiment(args.experiment)
    if loaded.experiment.robust:
        from laossim.errors import UsageError

        raise UsageError(
            f"{args.experiment} declares lever settings: laossim robust {args.experiment} runs it and says which "
            "setting holds up"
        )
    out = Path(args.out) if args.out else Path("results") / f"sweep-{loaded.experiment.experiment}"
    try:
        summary = sweep(
            loaded,
            out,
            resume=args.resume,
            progress=not args.quiet,
            **given(executor=args.executor, workers=args.workers, limit=args.limit),
        )
    except SweepInterrupted as exc:
        print(
            f"laossim: interrupted; {exc.finished} of {exc.runs} runs are finished and kept in {exc.out}/: "
            f"laossim sweep {args.experiment} --out {exc.out} --resume continues",
            file=sys.stderr,
        )
        return interrupted_code(exc)
    print(
        f"{loaded.experiment.experiment}: {summary.runs} runs in the design; {summary.skipped} already done, "
        f"{summary.done} done now, {summary.failed} failed ({summary.seconds:.1f} s). Results in {out}/"
    )
    if summary.failed:
        print(f"laossim: {summary.failed} run(s) failed: tracebacks in {out}/status/", file=sys.stderr)
        return 1
    return 0
