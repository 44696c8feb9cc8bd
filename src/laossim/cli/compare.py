"""``laossim compare``: two scenarios run with common random numbers, and their paired differences."""

from __future__ import annotations

import argparse
from pathlib import Path

from laossim.cli.common import at_least, given
from laossim.errors import UsageError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("compare", help="paired comparison of two scenarios with common random numbers")
    p.add_argument("a", help="the reference scenario")
    p.add_argument("b", help="the scenario compared with it")
    p.add_argument("--replications", type=at_least(1))
    p.add_argument("--steps", type=at_least(1))
    p.add_argument("--plot", metavar="PNG", help="write the paired differences over time")
    p.add_argument("--force", action="store_true", help="replace the --plot file if it exists")
    p.add_argument("--all-scores", action="store_true")
    p.set_defaults(handle=handle)


def handle(args: argparse.Namespace) -> int:
    from laossim import vocab
    from laossim.folders import check_file, write_file
    from laossim.runs import compare

    if args.plot:
        _check_plot(Path(args.plot))
        check_file(Path(args.plot), inputs=[args.a, args.b], force=args.force, option="--plot")
    result = compare(args.a, args.b, progress=True, **given(replications=args.replications, steps=args.steps))
    a, b = result.a, result.b
    print(
        f"{b.scenario.scenario} minus {a.scenario.scenario}: {a.provenance['replications']} paired replications "
        f"of {result.steps} steps (common random numbers, seed {a.seed}), "
        f"final {a.scenario.parameters.scores.summary_window:g} years"
    )
    print(f"{'score':<26}{'difference':>11}   {'95% CI':<19} distinguishable")
    for row in (
        result.differences.set_index("score").loc[list(vocab.COLUMNS if args.all_scores else vocab.SCORES)].itertuples()
    ):
        if row.n < 2:
            print(f"{row.Index:<26}{row.difference:>+11.4f}   {'n/a (1 replication)':<19} n/a")
            continue
        sure = "yes" if row.ci_low > 0 or row.ci_high < 0 else "no"
        print(f"{row.Index:<26}{row.difference:>+11.4f}   [{row.ci_low:+.4f}, {row.ci_high:+.4f}]  {sure}")
    if args.plot:
        from laossim.plotting import paired_differences_figure, plt

        title = f"{b.scenario.scenario} minus {a.scenario.scenario}"
        fig = paired_differences_figure(b.timeseries, a.timeseries, title)
        write_file(Path(args.plot), lambda tmp: fig.savefig(tmp, dpi=110, format=Path(args.plot).suffix[1:]))
        plt.close(fig)
        print(f"plot written to {args.plot}")
    return 0


def _check_plot(path: Path) -> None:
    """The plot's name must say an image format matplotlib writes."""
    from laossim.plotting import plt

    formats = plt.figure().canvas.get_supported_filetypes()
    plt.close("all")
    if path.suffix.lstrip(".").lower() not in formats:
        raise UsageError(
            f"--plot {path}: the file name must end in an image format's extension "
            f"(.png, .pdf, .svg, ...; got {path.suffix or 'none'})"
        )
