"""``laossim discover``: scenario discovery (PRIM, CART) over a folder of many runs."""

from __future__ import annotations

import argparse

from laossim.cli.common import FORCE_FOLDER, at_least, given, with_pandas_width


def _density(text: str) -> float:
    """An argparse type: a density in (0, 1]."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number in (0, 1], got {text!r}") from None
    if not 0 < value <= 1:
        raise argparse.ArgumentTypeError(f"must lie in (0, 1] (got {value})")
    return value


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "discover", help="scenario discovery: which inputs of a sweep mark the runs where a condition holds (PRIM)"
    )
    p.add_argument("folder", help="a folder of many runs, written by laossim sweep")
    p.add_argument(
        "--where",
        required=True,
        metavar="EXPR",
        help='the runs of interest: outputs compared with numbers, joined by and/or, e.g. "focal_security < 0.5"',
    )
    p.add_argument("--out", required=True, help="the discovery folder to write")
    p.add_argument("--threshold", type=_density, help="the density the chosen box must reach (default 0.8)")
    p.add_argument("--resamples", type=at_least(0), help="PRIM runs on random halves for stability (default 10)")
    p.add_argument("--seed", type=at_least(0), help="seed of the resampling and the tree (default 0)")
    p.add_argument("--depth", type=at_least(1, 6), help="depth of the CART tree (default 3)")
    p.add_argument("--force", action="store_true", help=FORCE_FOLDER)
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(handle=handle)


def handle(args: argparse.Namespace) -> int:
    from laossim.discovery import discover

    found = discover(
        args.folder,
        args.where,
        args.out,
        force=args.force,
        progress=not args.quiet,
        **given(threshold=args.threshold, resamples=args.resamples, seed=args.seed, depth=args.depth),
    )
    with_pandas_width()
    hits, runs = int(found.cases.of_interest.sum()), len(found.cases)
    print(f"{found.condition}: holds in {hits} of {runs} runs")
    print(f"PRIM's box: coverage {found.coverage:.3f}, density {found.density:.3f}")
    box = found.box[found.box.restricted][["dimension", "low", "high", "values", "full_low", "full_high", "stability"]]
    if not box["values"].astype(bool).any():
        box = box.drop(columns="values")
    if box.empty:
        print("   (no input restricted)")
    else:
        print(box.round(4).to_string(index=False))
    for note in found.notes:
        print(f"note: {note}")
    print(f"\ndiscovery written to {args.out}/ (boxes.csv, trajectory.csv, summary.md, plots/)")
    return 0
