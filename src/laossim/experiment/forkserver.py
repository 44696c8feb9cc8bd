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
there can be unpickled), and with it whatever the script imports at its top
level: Mesa and pandas, typically, a second or more per worker and per pool.
The server therefore also imports the modules the script imports (read from
its source, outside ``if __name__ == "__main__":``), so the workers find them
ready (Python 3.11's server ignores a ``__main__`` preload and the caller's
``sys.path``, so a module found only through a path the script adds at run
time is left to the workers). The ``laossim`` command imports nothing heavy
at its top level; a notebook or ``python -c`` has no script at all.

Light on purpose: importing this module imports nothing heavy.
"""

from __future__ import annotations

import ast
import sys
import tokenize
from functools import lru_cache
from multiprocessing import forkserver, get_context
from multiprocessing.context import BaseContext

WORKER = "laossim.experiment.worker"
"""What every run needs, imported by the server before it forks workers."""


def preload() -> list[str]:
    """The server's imports: the worker module, and the modules the caller's main script imports
    at its top level (each worker will import them again with the script)."""
    path = getattr(sys.modules.get("__main__"), "__file__", None)
    return [WORKER, *(name for name in script_imports(path) if name != WORKER)] if path else [WORKER]


@lru_cache(maxsize=4)
def script_imports(path: str) -> tuple[str, ...]:
    """Absolute imports a script runs when imported as a module: those at its top level and in
    top-level blocks other than ``if __name__ == "__main__":`` (never inside functions or classes).
    Cached: the server's preload is asked for at its start and again by every pool."""
    try:
        with tokenize.open(path) as source:
            tree = ast.parse(source.read())
    except (OSError, SyntaxError, ValueError):
        return ()
    names: list[str] = []
    pending = list(tree.body)
    while pending:
        node = pending.pop(0)
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.append(node.module)
        elif isinstance(node, ast.If) and not _is_main_guard(node.test):
            pending += [*node.body, *node.orelse]
        elif isinstance(node, (ast.Try, ast.With)):
            pending += [*node.body, *getattr(node, "orelse", []), *getattr(node, "finalbody", [])]
            pending += [stmt for handler in getattr(node, "handlers", []) for stmt in handler.body]
    return tuple(dict.fromkeys(names))


def _is_main_guard(test: ast.expr) -> bool:
    return (
        isinstance(test, ast.Compare)
        and isinstance(test.left, ast.Name)
        and test.left.id == "__name__"
        and any(isinstance(c, ast.Constant) and c.value == "__main__" for c in test.comparators)
    )


def context() -> BaseContext:
    """The forkserver context, with the server set to :func:`preload`."""
    ctx = get_context("forkserver")
    ctx.set_forkserver_preload(preload())
    return ctx


def start() -> None:
    """Start the server now (it imports in the background); pools made later use it."""
    context()
    forkserver.ensure_running()
