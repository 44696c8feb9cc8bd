"""The app's controls, read off the scenario schema: one source of truth for ranges and defaults.

Each control is a dotted scenario path (the model takes it as an override)
described in the dictionary form Mesa's SolaraViz reads as ``model_params``.
Ranges are a field's ``typical`` range where it has one, else the schema's
bounds (``ge``/``le``); values are the scenario's own.
"""

from __future__ import annotations

from typing import Any, cast, get_args, get_origin

from annotated_types import Ge, Gt, Le, Lt
from pydantic import BaseModel

from laossim.scenario.parameters import AlignmentParams, CrisisParams, EngagementKind, EngagementType, SecurityParams
from laossim.scenario.schema import Doctrine, Forum, Relation, Role, Scenario, Simulation, State

Control = dict[str, Any]


def span(model: type[BaseModel], field: str) -> tuple[float, float]:
    """A field's slider range: its ``typical`` range where it has one (a coefficient's bounds
    may reach far past what is worth exploring), else its schema bounds (for a mapping such as
    ``debt``, those of its values)."""
    info = model.model_fields[field]
    rules = list(info.metadata)
    if get_origin(info.annotation) is dict:
        value_type = get_args(info.annotation)[1]
        rules += [rule for extra in get_args(value_type)[1:] for rule in getattr(extra, "metadata", [extra])]
    low: float | None = None
    high: float | None = None
    for rule in rules:
        if isinstance(rule, Ge | Gt):
            low = float(cast(float, rule.ge if isinstance(rule, Ge) else rule.gt))
        elif isinstance(rule, Le | Lt):
            high = float(cast(float, rule.le if isinstance(rule, Le) else rule.lt))
    extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
    typical = extra.get("typical")
    if isinstance(typical, list) and len(typical) == 2:
        return float(cast(float, typical[0])), float(cast(float, typical[1]))
    if low is None or high is None:
        raise ValueError(f"{model.__name__}.{field} has an open range and no typical range for a slider")
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
    """Mesa ``model_params`` for a scenario: seed, alignment responsiveness, the crises'
    sensitivity to tension, the visibility of joint exercises and rivals' reaction to it, the
    focal state's debt to each pole it has a relation with, each forum's strength, and each
    non-pole state's autonomy and doctrine."""
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
    out["parameters.engagement.types.joint_exercise.visibility"] = slider(
        EngagementType,
        "visibility",
        params.engagement.types[EngagementKind("joint_exercise")].visibility,
        "joint exercise visibility",
    )
    out["parameters.security.visibility_gain"] = slider(
        SecurityParams, "visibility_gain", params.security.visibility_gain, "rivals' reaction to visibility"
    )
    focal = next(s for s in scenario.states if s.role is Role.focal)
    for relation in scenario.relations:
        pair = set(relation.between)
        if focal.id in pair and len(pair) == 2 and (pair - {focal.id}) <= set(scenario.poles):
            (pole,) = pair - {focal.id}
            out[f"relations.{pole}-{focal.id}.debt.{focal.id}"] = slider(
                Relation,
                "debt",
                relation.debt.get(focal.id, 0.0),
                f"{focal.id} debt to {pole} (of GDP)",
            )
    for forum in scenario.forums:
        out[f"forums.{forum.id}.strength"] = slider(Forum, "strength", forum.strength, f"{forum.id} strength")
    for state in scenario.states:
        if state.id in scenario.poles:
            continue  # a pole holds its own line: neither autonomy nor doctrine moves it
        name = state.name or state.id
        out[f"states.{state.id}.autonomy"] = slider(State, "autonomy", state.autonomy, f"{name}: autonomy")
        out[f"states.{state.id}.doctrine"] = {
            "type": "Select",
            "label": f"{name}: doctrine",
            "value": state.doctrine.value,
            "values": [d.value for d in Doctrine],
        }
    return out
