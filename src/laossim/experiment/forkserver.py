"""The process pool's start method: a forkserver that imports laossim once.

Workers fork from a server process instead of the parent: they never inherit
the parent's threads (numpy's and pyarrow's pools make plain ``fork``
unsafe), and they start warm, because the server imports the sweep module
before forking any of them. That import (Mesa, pandas, scipy) is most of a
pool's start-up; :func:`start` begins it early, so the ``laossim`` command
can do its own importing and loading while the server does the same on
another core.

Light on purpose: importing this module imports nothing heavy.
"""

from __future__ import annotations

from multiprocessing import forkserver, get_context
from multiprocessing.context import BaseContext

PRELOAD = ["laossim.experiment.worker"]
"""What the server imports before it forks workers: everything a run needs, and no more."""


def context() -> BaseContext:
    """The forkserver context, with the server set to preload :data:`PRELOAD`."""
    ctx = get_context("forkserver")
    ctx.set_forkserver_preload(PRELOAD)
    return ctx


def start() -> None:
    """Start the server now (it imports in the background); pools made later use it."""
    context()
    forkserver.ensure_running()
