"""What several commands share: option types, repeated options, printing helpers."""

from __future__ import annotations

import argparse
import signal
from collections.abc import Callable
from typing import Any

FORCE_FOLDER = "replace a laossim results folder at --out (never a folder of other files, nor a file)"


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where Ctrl-C would be so that every command cleans up alike."""


def interrupted_code(exc: BaseException | None) -> int:
    """130 for Ctrl-C, 143 for SIGTERM (128 plus the signal's number, as shells report them)."""
    while exc is not None:
        if isinstance(exc, Terminated):
            return 128 + signal.SIGTERM
        exc = exc.__cause__ or exc.__context__
    return 128 + signal.SIGINT


def at_least(least: int, most: int | None = None) -> Callable[[str], int]:
    """An argparse type: an integer of at least ``least`` (and at most ``most``)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if value < least:
            raise argparse.ArgumentTypeError(f"must be at least {least} (got {value})")
        if most is not None and value > most:
            raise argparse.ArgumentTypeError(f"must be at most {most} (got {value})")
        return value

    return parse


def add_overrides(p: argparse.ArgumentParser) -> None:
    """``--set PATH=VALUE``, repeatable: a scenario override."""
    p.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="PATH=VALUE",
        help="override a scenario value, e.g. --set states.LAO.autonomy=0.5 (repeatable)",
    )


def start_pool_early(executor: str | None) -> None:
    """Start a process pool's server before the command imports and loads anything heavy."""
    if executor in (None, "process"):
        from laossim.experiment import forkserver

        forkserver.start()


def with_pandas_width() -> None:
    import pandas as pd

    pd.set_option("display.width", 200)
    pd.set_option("display.max_columns", 50)


def given(**options: Any) -> dict[str, Any]:
    """The options the user gave (not None): what a handler passes on, so the library's
    defaults apply to the rest."""
    return {name: value for name, value in options.items() if value is not None}
