"""The process pool's start method: workers fork, warm, from a server that imported what runs need.

Workers fork from a server process instead of the parent: they never inherit
the parent's threads (numpy's and pyarrow's pools make plain ``fork``
unsafe), and they start warm, because the server imports the worker module
(:mod:`laossim.experiment.worker`: numpy, pydantic and the simulation, not
Mesa or pandas) before forking any of them. :func:`start` begins that early,
so the ``laossim`` command can import and load while the server does the
same on another core.

A worker also skips what every other spawned process does first: re-import
the caller's main script (multiprocessing's rule, so that functions defined
there can be unpickled). A sweep's tasks name only laossim's functions, so
the script is never needed, and importing it would cost whatever it imports
at its top level (Mesa, pandas: a second or more per worker and per pool)
and would start the sweep again in every worker of a script written without
``if __name__ == "__main__":``.

Light on purpose: importing this module imports nothing heavy.
"""

from __future__ import annotations

import io
import multiprocessing
import os
import signal
import sys
import threading
from multiprocessing import connection, forkserver, popen_forkserver, reduction, spawn, util
from multiprocessing.context import ForkServerContext, ForkServerProcess, set_spawning_popen
from multiprocessing.process import BaseProcess

WORKER = "laossim.experiment.worker"
"""What every run needs, imported by the server before it forks workers."""

MAIN_SCRIPT_KEYS = ("init_main_from_path", "init_main_from_name")
"""The preparation data that makes a new process import the caller's main script."""


class _PopenWithoutMain(popen_forkserver.Popen):
    """Launches a process through the server as the standard library does (Python 3.11-3.13),
    with the preparation data stripped of the caller's main script."""

    # typeshed leaves out the private names this mirror of the standard library's code uses
    def _launch(self, process_obj: BaseProcess) -> None:
        prep_data = spawn.get_preparation_data(process_obj._name)  # type: ignore[attr-defined]
        for key in MAIN_SCRIPT_KEYS:
            prep_data.pop(key, None)
        buf = io.BytesIO()
        set_spawning_popen(self)
        try:
            reduction.dump(prep_data, buf)
            reduction.dump(process_obj, buf)
        finally:
            set_spawning_popen(None)
        self.sentinel, w = forkserver.connect_to_new_process(self._fds)  # type: ignore[attr-defined]
        parent_w = os.dup(w)  # the child watches it to learn that its parent died
        self.finalizer = util.Finalize(self, util.close_fds, (parent_w, self.sentinel))  # type: ignore[attr-defined]
        with open(w, "wb", closefd=True) as f:
            f.write(buf.getbuffer())
        self.pid = forkserver.read_signed(self.sentinel)


class WorkerProcess(ForkServerProcess):
    """A process forked by the server that does not import the caller's main script."""

    @staticmethod
    def _Popen(process_obj: BaseProcess) -> _PopenWithoutMain:
        return _PopenWithoutMain(process_obj)


class WorkerContext(ForkServerContext):
    """The forkserver context, with the server preloading :data:`WORKER` and processes that
    skip the main script: what a ``ProcessPoolExecutor`` of sweep runs is given."""

    Process = WorkerProcess


CHECKED = ((3, 11), (3, 12), (3, 13))
"""The Pythons whose ``popen_forkserver.Popen._launch`` :class:`_PopenWithoutMain` mirrors
(compared line by line); on any other the pool takes the standard library's public context."""


def skips_main_script() -> bool:
    """Whether workers skip the caller's main script here: only on a Python whose private launch
    code :class:`_PopenWithoutMain` was checked against, and only while that code has the names it uses."""
    return sys.version_info[:2] in CHECKED and all(
        hasattr(module, name)
        for module, name in ((forkserver, "connect_to_new_process"), (forkserver, "read_signed"),
                             (spawn, "get_preparation_data"), (popen_forkserver.Popen, "_launch"))
    )  # fmt: skip


def context() -> ForkServerContext:
    """The pool's context: the server preloads :data:`WORKER`; workers skip the caller's main script
    where :func:`skips_main_script` allows, and otherwise start as the standard library starts them."""
    ctx = WorkerContext() if skips_main_script() else multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload([WORKER])
    return ctx  # type: ignore[return-value]


def start() -> None:
    """Start the server now (it imports in the background); pools made later use it."""
    context()
    forkserver.ensure_running()


def follow_parent() -> None:
    """Each worker's initializer: leave Ctrl-C to the sweep's process (which ends the workers
    itself), and exit as soon as that process dies, however it dies (even by SIGKILL), instead
    of waiting forever for tasks that will never come."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = multiprocessing.parent_process()
    if parent is not None and parent.sentinel is not None:
        threading.Thread(target=_exit_when_gone, args=(parent.sentinel,), daemon=True).start()


def _exit_when_gone(sentinel: int) -> None:
    connection.wait([sentinel])  # readable once the parent's end of the pipe is closed
    os._exit(1)
