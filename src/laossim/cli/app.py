"""``laossim app``: the classroom app, served by Solara; signals are passed on to the server."""

from __future__ import annotations

import argparse
import json
import signal
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

from laossim.cli.common import at_least
from laossim.errors import ScenarioError, UsageError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("app", help="the classroom app in the browser (needs the app extra)")
    p.add_argument("scenario", nargs="?", help="scenario to open (default the baseline; others in the picker)")
    p.add_argument(
        "--compare", metavar="OTHER", help="a second scenario, stepped side by side with the first on one seed"
    )
    p.add_argument(
        "--compare-set",
        action="append",
        default=[],
        metavar="PATH=VALUE",
        help="an override of the second scenario (the first, when --compare is not given): two lever settings "
        "side by side, e.g. --compare-set states.LAO.partner_cap=1 (repeatable)",
    )
    p.add_argument("--host", default="127.0.0.1", help="address to serve on (default 127.0.0.1)")
    p.add_argument("--port", type=at_least(0, 65535), default=8765, help="port (default 8765; 0 picks a free one)")
    p.set_defaults(handle=handle)


def handle(args: argparse.Namespace) -> int:
    import importlib.util
    import os

    from laossim.model import shipped_scenario
    from laossim.scenario import load_scenario

    path = Path(args.scenario) if args.scenario else shipped_scenario()
    load_scenario(path)  # a broken scenario is reported here, not in the browser
    other = Path(args.compare) if args.compare else None
    if other is not None or args.compare_set:
        from laossim.app.viewmodel import mismatch

        try:
            right = load_scenario(other or path, args.compare_set)
        except ScenarioError as exc:  # the overrides are this command's --compare-set, not --set
            raise ScenarioError(
                [replace(p, file="--compare-set") if p.file == "--set" else p for p in exc.problems]
            ) from None
        problem = mismatch(load_scenario(path), right)
        if problem:
            raise UsageError(problem)
    if importlib.util.find_spec("solara") is None:
        raise UsageError("the app needs its extra: pip install -e '.[app]'")
    env = os.environ | {
        "LAOSSIM_APP_SCENARIO": str(path.resolve()),
        "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False",
        "SOLARA_CHECK_HOOKS": "off",  # its one warning is about Mesa's own SolaraViz code
    }
    if other is not None:
        env["LAOSSIM_APP_COMPARE"] = str(other.resolve())
    if args.compare_set:
        env["LAOSSIM_APP_COMPARE_SET"] = json.dumps(args.compare_set)
    port = _free_port(args.host, args.port)
    command = [sys.executable, "-m", "solara", "run", "laossim.app.page", "--host", args.host,
               "--port", str(port), "--production", "--no-check-version", "--no-open"]  # fmt: skip
    print(f"laossim app: starting {path.stem} ...", flush=True)
    servers: list[subprocess.Popen] = []
    pending: list[int] = []

    def forward(signum: int, frame: object) -> None:  # the server must free its port too
        for server in servers:
            server.send_signal(signum)
        pending.append(signum)

    previous = {s: signal.signal(s, forward) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        servers.append(subprocess.Popen(command, env=env))
        for signum in pending:  # a signal that came while the server was starting
            servers[0].send_signal(signum)
        if _serving(servers[0], args.host, port):
            print(f"laossim app: {path.stem} on http://{args.host}:{port}/ (Ctrl-C stops it)", flush=True)
        code = servers[0].wait()
        if code not in (0, -signal.SIGINT, -signal.SIGTERM) and not pending:
            print(f"laossim: the app's server stopped (exit {code}); its messages are above", file=sys.stderr)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 0 if code in (0, -signal.SIGINT, -signal.SIGTERM) else code


def _free_port(host: str, port: int) -> int:
    """``port``, checked to be free on ``host`` (0: a free port the system picks).

    Raises:
        UsageError: the port is in use or cannot be bound.
    """
    import errno
    import socket

    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server binds
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise UsageError(
                    f"--port {port}: the port is in use on {host} (another laossim app?); "
                    "choose another, or --port 0 for a free one"
                ) from None
            raise UsageError(f"--host {host} --port {port}: cannot serve there ({exc.strerror})") from None
        return int(probe.getsockname()[1])


def _serving(server: subprocess.Popen, host: str, port: int, timeout: float = 120) -> bool:
    """Wait until the server accepts connections (True), or has exited or not come up (False)."""
    import socket
    import time

    deadline = time.monotonic() + timeout
    while server.poll() is None and time.monotonic() < deadline:
        try:
            socket.create_connection((host if host not in ("0.0.0.0", "::") else "127.0.0.1", port), 1).close()
            return True
        except OSError:
            time.sleep(0.2)
    return False
