"""The app's controls, read off the scenario schema: one source of truth for ranges and defaults.

Each control is a dotted scenario path (the model takes it as an override)
described in the dictionary form Mesa's SolaraViz reads as ``model_params``.
Ranges are the schema's bounds (``ge``/``le``), or its ``typical`` range
where a bound is open; values are the scenario's own.
"""

from __future__ import annotations

from typing import Any

from annotated_types import Ge, Gt, Le, Lt
from pydantic import BaseModel

from laossim.scenario.parameters import AlignmentParams, CrisisParams
from laossim.scenario.schema import Doctrine, Forum, Scenario, Simulation, State

Control = dict[str, Any]


def span(model: type[BaseModel], field: str) -> tuple[float, float]:
    """A field's slider range: its schema bounds, or its ``typical`` range where one is open."""
    info = model.model_fields[field]
    low = high = None
    for rule in info.metadata:
        if isinstance(rule, Ge | Gt):
            low = float(rule.ge if isinstance(rule, Ge) else rule.gt)
        elif isinstance(rule, Le | Lt):
            high = float(rule.le if isinstance(rule, Le) else rule.lt)
    extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
    typical = extra.get("typical")
    if low is None or high is None:
        if typical is None:
            raise ValueError(f"{model.__name__}.{field} has an open range and no typical range for a slider")
        low = typical[0] if low is None else low
        high = typical[1] if high is None else high
    return low, high


def slider(model: type[BaseModel], field: str, value: float, label: str, steps: int = 20) -> Control:
    low, high = span(model, field)
    return {
        "type": "SliderFloat",
        "label": label,
        "value": float(value),
        "min": low,
        "max": high,
        "step": (high - low) / steps,
    }


def controls(scenario: Scenario) -> dict[str, Control]:
    """Mesa ``model_params`` for a scenario: seed, each state's autonomy and doctrine, alignment
    responsiveness, each forum's strength and the crises' sensitivity to tension."""
    params = scenario.parameters
    low, high = span(Simulation, "seed")
    out: dict[str, Control] = {
        "rng": {
            "type": "SliderInt",
            "label": "seed",
            "value": scenario.simulation.seed,
            "min": int(low),
            "max": int(max(high, scenario.simulation.seed)),
            "step": 1,
        },
        "parameters.alignment.responsiveness": slider(
            AlignmentParams, "responsiveness", params.alignment.responsiveness, "alignment responsiveness"
        ),
        "parameters.crises.tension": slider(
            CrisisParams, "tension", params.crises.tension, "crisis sensitivity to tension"
        ),
    }
    for forum in scenario.forums:
        out[f"forums.{forum.id}.strength"] = slider(Forum, "strength", forum.strength, f"{forum.id} strength")
    for state in scenario.states:
        name = state.name or state.id
        out[f"states.{state.id}.autonomy"] = slider(State, "autonomy", state.autonomy, f"{name}: autonomy")
        out[f"states.{state.id}.doctrine"] = {
            "type": "Select",
            "label": f"{name}: doctrine",
            "value": state.doctrine.value,
            "values": [d.value for d in Doctrine],
        }
    return out
