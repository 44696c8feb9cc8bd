"""``laossim schema``: the JSON Schema of scenario files, for editors."""

from __future__ import annotations

import argparse
import json


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("schema", help="print the JSON Schema of scenario files")
    p.set_defaults(handle=handle)


def handle(args: argparse.Namespace) -> int:
    from laossim.scenario import Scenario

    print(json.dumps(Scenario.model_json_schema(), indent=2))
    return 0
