"""``laossim validate``: check input files of every kind, printing every problem of each."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from laossim.cli.common import add_overrides


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("validate", help="check scenario, experiment and landscape files; exit 2 with every problem")
    p.add_argument("files", nargs="+")
    p.add_argument("--resolved", action="store_true", help="print each scenario after extends and overrides")
    add_overrides(p)
    p.set_defaults(handle=handle)


def handle(args: argparse.Namespace) -> int:
    from laossim.errors import ScenarioError

    failed = False
    for path in args.files:
        try:
            print(_validate(Path(path), args))
        except ScenarioError as exc:  # every file is checked, not only the first bad one
            print(exc.render(), file=sys.stderr)
            failed = True
    return ScenarioError.exit_code if failed else 0


def _validate(path: Path, args: argparse.Namespace) -> str:
    """Load ``path`` with its own kind's loader (a scenario when it names no kind); say what it holds."""
    from laossim.errors import UsageError
    from laossim.inputs.kinds import EXPERIMENT, LANDSCAPE, file_kind
    from laossim.scenario import dump_yaml, load_resolved

    kind = file_kind(path)
    if kind in (EXPERIMENT, LANDSCAPE) and (args.set or args.resolved):
        raise UsageError(f"{path}: --set and --resolved apply to scenario files, and this is {kind.a_file}")
    if kind == EXPERIMENT:
        from laossim.experiment.design import design_table
        from laossim.experiment.load import load_experiment

        loaded = load_experiment(path)
        runs = len(design_table(loaded))
        exp = loaded.experiment
        if exp.robust:
            futures = runs // (len(exp.levers) * exp.replications)
            return (
                f"{path}: valid robust experiment ({len(exp.levers)} lever settings x {futures} futures "
                f"({exp.design.method.value}) x {exp.replications} replications = {runs} runs)"
            )
        return f"{path}: valid experiment ({exp.design.method.value}, {runs} runs)"
    if kind == LANDSCAPE:
        from laossim.scenario.landscape_file import load_landscape

        spec = load_landscape(path)
        return f"{path}: valid landscape ({len(spec.ids)} actors)"
    resolved = load_resolved(path, args.set)
    if args.resolved:
        return f"# {path} resolved\n{dump_yaml(resolved.scenario)}"
    return f"{path}: valid ({len(resolved.scenario.states)} states, {len(resolved.scenario.events)} events)"
