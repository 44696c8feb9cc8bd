"""``laossim report``: one self-contained HTML page of a run, sweep, backtest, discovery or robust folder."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "report", help="one self-contained HTML report of a run, sweep, backtest, discovery or robust folder"
    )
    p.add_argument("folder", help="a folder written by laossim run, sweep, backtest, discover or robust")
    p.add_argument("--out", help="the HTML file (default FOLDER/report.html)")
    p.add_argument("--force", action="store_true", help="replace the HTML file if it exists")
    p.set_defaults(handle=handle)


def handle(args: argparse.Namespace) -> int:
    from laossim.report import report

    print(f"report written to {report(args.folder, args.out, force=args.force)}")
    return 0
