"""Scenario files: the schema, the loader and the checks."""

from laossim.scenario.load import (
    Resolved,
    dump_yaml,
    load_resolved,
    load_scenario,
    override_scenario,
)
from laossim.scenario.parameters import EngagementKind, Parameters
from laossim.scenario.schema import Scenario

__all__ = [
    "EngagementKind",
    "Parameters",
    "Resolved",
    "Scenario",
    "dump_yaml",
    "load_resolved",
    "load_scenario",
    "override_scenario",
]
