"""``laossim params``: every model parameter with its default, as Markdown."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("params", help="print every mechanism parameter with its default (Markdown)")
    p.set_defaults(handle=handle)


def handle(args: argparse.Namespace) -> int:
    from laossim.scenario.docs import parameter_table

    print(parameter_table())
    return 0
