"""``laossim analyze``: per-point summaries, sensitivity indices and plots of a sweep folder."""

from __future__ import annotations

import argparse
from pathlib import Path

from laossim.cli.common import with_pandas_width


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("analyze", help="summaries, sensitivity indices and plots of a sweep folder")
    p.add_argument("folder")
    p.add_argument(
        "--pair",
        nargs=2,
        metavar=("X", "Y"),
        help="the two varied paths of the heatmap (default: the most influential)",
    )
    p.set_defaults(handle=handle)


def handle(args: argparse.Namespace) -> int:
    from laossim.analysis import analyze

    tables = analyze(args.folder, tuple(args.pair) if args.pair else None)
    with_pandas_width()
    points = tables["points"]
    shown = points[[c for c in points.columns if not c.endswith(("_ci_low", "_ci_high"))]].round(4)
    if len(shown) > 40:
        print(shown.head(10).to_string(index=False))
        print(f"   ... and {len(shown) - 10} more design points (all in points.csv, with 95% CIs)")
    else:
        print(shown.to_string(index=False))
    if "indices" in tables:
        print()
        print(tables["indices"].round(4).to_string(index=False))
    print(f"\nanalysis written to {Path(args.folder) / 'analysis'}/")
    return 0
