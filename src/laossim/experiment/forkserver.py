"""The process pool's start method: a forkserver that imports what runs need once.

Workers fork from a server process instead of the parent: they never inherit
the parent's threads (numpy's and pyarrow's pools make plain ``fork``
unsafe), and they start warm, because the server imports the worker module
(:mod:`laossim.experiment.worker`: numpy, pydantic and the simulation, not
Mesa or pandas) before forking any of them. :func:`start` begins that early,
so the ``laossim`` command can import and load while the server does the
same on another core.

One more cost hides here. Like every spawned process, a worker re-imports
the caller's main script (multiprocessing's rule, so that functions defined
there can be unpickled), and with it whatever the script imports: Mesa and
pandas, typically, a second or more per worker and per pool. When the
caller runs a script, the server therefore also imports the third-party
packages the caller has loaded, so the workers' re-import finds them ready.
The ``laossim`` command, a notebook or ``python -c`` have no such script and
keep the light server.

Light on purpose: importing this module imports nothing heavy.
"""

from __future__ import annotations

import sys
import sysconfig
from multiprocessing import forkserver, get_context
from multiprocessing.context import BaseContext

WORKER = "laossim.experiment.worker"
"""What every run needs, imported by the server before it forks workers."""


def preload() -> list[str]:
    """The server's imports: the worker module, and when the caller runs a script, the third-party
    packages it has loaded (the workers will import them again with the script)."""
    if not getattr(sys.modules.get("__main__"), "__file__", None):
        return [WORKER]
    site = sysconfig.get_paths()["purelib"]
    loaded = {
        name.partition(".")[0]
        for name, module in list(sys.modules.items())
        if (getattr(module, "__file__", None) or "").startswith(site)
    }
    return [WORKER, *sorted(loaded - {"laossim"})]


def context() -> BaseContext:
    """The forkserver context, with the server set to :func:`preload`."""
    ctx = get_context("forkserver")
    ctx.set_forkserver_preload(preload())
    return ctx


def start() -> None:
    """Start the server now (it imports in the background); pools made later use it."""
    context()
    forkserver.ensure_running()
