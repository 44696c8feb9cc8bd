"""``laossim validate``: check scenario files, printing every problem of each."""

from __future__ import annotations

import argparse
import sys

from laossim.cli.common import add_overrides


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("validate", help="check scenario files; exit 2 with every problem")
    p.add_argument("files", nargs="+")
    p.add_argument("--resolved", action="store_true", help="print each scenario after extends and overrides")
    add_overrides(p)
    p.set_defaults(handle=handle)


def handle(args: argparse.Namespace) -> int:
    from laossim.errors import ScenarioError
    from laossim.scenario import dump_yaml, load_resolved

    failed = False
    for path in args.files:
        try:
            resolved = load_resolved(path, args.set)
        except ScenarioError as exc:  # every file is checked, not only the first bad one
            print(exc.render(), file=sys.stderr)
            failed = True
            continue
        if args.resolved:
            print(f"# {path} resolved\n{dump_yaml(resolved.scenario)}")
        else:
            print(f"{path}: valid ({len(resolved.scenario.states)} states, {len(resolved.scenario.events)} events)")
    return ScenarioError.exit_code if failed else 0
