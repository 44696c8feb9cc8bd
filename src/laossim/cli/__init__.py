"""The ``laossim`` command: one module per command, each with its parser beside its handler.

Every command module has ``register(subparsers)``, which adds its parser and
sets its handler; the handlers are thin over the Python API and pass None for
an option not given, so the library owns every default. Errors are mapped to
exit codes here, once, from laossim's error hierarchy (:mod:`laossim.errors`):

* 0 success; 1 a run failed (:class:`~laossim.errors.RunError`, or failed runs
  in a sweep); 2 bad input or a refusal that protects data
  (:class:`~laossim.errors.InputError`: every problem printed as
  ``FILE:LINE: field: problem``), and bad options;
* 130 Ctrl-C, 143 SIGTERM, which every command handles alike: nothing
  half-written is left behind.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import signal
import sys
from collections.abc import Sequence

from laossim import __version__
from laossim.cli.common import Terminated, interrupted_code
from laossim.errors import LaossimError

COMMANDS = (
    "run",
    "backtest",
    "report",
    "app",
    "validate",
    "migrate",
    "schema",
    "landscape",
    "sweep",
    "analyze",
    "discover",
    "robust",
    "compare",
    "params",
)
"""Every command, in the order ``laossim --help`` lists them; each is the module ``laossim.cli.NAME``."""


def parser() -> argparse.ArgumentParser:
    """The whole command line: each command's module adds its own parser."""
    p = argparse.ArgumentParser(
        prog="laossim", description="Scenario simulation engine for the military diplomacy of Laos."
    )
    p.add_argument("--version", action="version", version=f"laossim {__version__}")
    sub = p.add_subparsers(dest="command", required=True)
    for name in COMMANDS:
        importlib.import_module(f"laossim.cli.{name}").register(sub)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``laossim`` console script and ``python -m laossim``."""
    try:
        args = parser().parse_args(argv)
    except SystemExit as exc:  # --help, --version, or a bad option (argparse printed why)
        return exc.code if isinstance(exc.code, int) else 2
    _show_notices()
    previous = signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        return args.handle(args)
    except LaossimError as exc:
        print(exc.render(), file=sys.stderr)
        return exc.exit_code
    except BrokenPipeError:  # the reader left (``laossim ... | head``): stop quietly, as a killed writer would
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # so the flush at exit cannot fail again
        return 128 + signal.SIGPIPE
    except OSError as exc:
        print(f"laossim: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), file=sys.stderr)
        return 1
    except KeyboardInterrupt as exc:
        print("laossim: interrupted; nothing half-written was left", file=sys.stderr)
        return interrupted_code(exc)
    finally:
        signal.signal(signal.SIGTERM, previous)


def _on_sigterm(signum: int, frame: object) -> None:
    raise Terminated()


def _show_notices() -> None:
    """laossim's warnings (a stale temporary folder removed, a killed sweep's lock taken over) on
    stderr, as ``laossim: message``."""
    logger = logging.getLogger("laossim")
    if not any(isinstance(h, _Notices) for h in logger.handlers):
        logger.addHandler(_Notices())
        logger.setLevel(logging.WARNING)


class _Notices(logging.Handler):
    """Prints a record to whatever ``sys.stderr`` is when it is emitted."""

    def emit(self, record: logging.LogRecord) -> None:
        print(f"laossim: {record.getMessage()}", file=sys.stderr)
