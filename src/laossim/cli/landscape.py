"""``laossim landscape``: exact minima, basins and structural balance of a landscape or a scenario."""

from __future__ import annotations

import argparse
import dataclasses
import json
from pathlib import Path

from laossim.cli.common import at_least
from laossim.errors import UsageError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("landscape", help="minima, basins and structural balance of a landscape or scenario")
    p.add_argument("file", help="a landscape file (landscapes/*.yaml) or a scenario file")
    p.add_argument("--coalitions", type=at_least(2), default=2, help="number of coalitions K (default 2)")
    p.add_argument("--top", type=at_least(1), help="show the N lowest minima")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--step", type=int, help="for a scenario: the step whose world is analysed (default 0)")
    p.add_argument("--rule", choices=["steepest", "random"], default="steepest", help="descent rule for basins")
    p.add_argument("--seed", type=at_least(0), default=0, help="seed of the random rule and of multi-start search")
    p.add_argument("--starts", type=at_least(1), help="starts of the multi-start search (large landscapes)")
    p.add_argument("--set", action="append", default=[], metavar="PATH=VALUE", help="scenario override")
    p.add_argument("--export", metavar="PATH", help="also write the analysed landscape as a landscape file")
    p.add_argument("--force", action="store_true", help="replace the --export file if it exists")
    p.set_defaults(handle=handle)


def handle(args: argparse.Namespace) -> int:
    from laossim.folders import check_file, write_file
    from laossim.inputs.kinds import LANDSCAPE, file_kind
    from laossim.landscape_report import analyse, render, scenario_landscape
    from laossim.scenario import load_resolved, load_scenario
    from laossim.scenario.landscape_file import dump_landscape, load_landscape

    if args.export:
        inputs = (
            [args.file] if file_kind(Path(args.file)) == LANDSCAPE else [p for p, _ in load_resolved(args.file).files]
        )
        check_file(Path(args.export), inputs=inputs, force=args.force, option="--export")
    if file_kind(Path(args.file)) == LANDSCAPE:
        if args.step is not None:
            raise UsageError("--step applies to scenario files, not landscape files")
        spec = load_landscape(args.file)
        sources = None
    else:
        scenario = load_scenario(args.file, args.set)
        step = 0 if args.step is None else args.step
        if not 0 <= step <= scenario.simulation.steps:
            raise UsageError(f"--step must be between 0 and {scenario.simulation.steps}, got {step}")
        spec = scenario_landscape(scenario, step)
        sources = [s.model_dump() for s in scenario.sources]
    if args.export:
        spec = dataclasses.replace(spec, name=Path(args.export).stem)
        text = dump_landscape(spec, sources)
        write_file(Path(args.export), lambda tmp: tmp.write_text(text, encoding="utf-8"))
    report = analyse(spec, args.coalitions, args.rule, args.seed, args.starts)
    print(json.dumps(report, indent=2) if args.json else render(report, args.top))
    return 0
