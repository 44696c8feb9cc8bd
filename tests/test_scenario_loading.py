"""Scenario files: shipped files validate, extends merges as documented, overrides validate."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import BASELINE, ROOT, SCENARIOS
from laossim.calendar import TimeUnit, step_label, step_of
from laossim.errors import ScenarioError
from laossim.scenario import dump_yaml, load_resolved, load_scenario, override_scenario
from laossim.scenario.schema import Scenario

SHIPPED = sorted(SCENARIOS.glob("*.yaml"))


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_every_shipped_scenario_validates(path):
    scenario = load_scenario(path)
    assert scenario.scenario == path.stem
    assert scenario.sources, "shipped scenarios cite their sources"


def test_baseline_capabilities_are_the_2016_cinc_scores(baseline):
    """The baseline's capabilities are the COW NMC v6.0 CINC scores for 2016 (../shared/data)."""
    import csv

    data = ROOT / "data" / "cow_nmc6_asia_2000_2016.csv"
    rows = {r["iso3"]: float(r["cinc"]) for r in csv.DictReader(data.open()) if r["year"] == "2016"}
    for state in baseline.states:
        assert state.capability == pytest.approx(rows[state.id], rel=1e-6), state.id


def test_calendar_labels_round_trip():
    assert step_label("2025-Q1", TimeUnit.quarter, 1) == "2025-Q1"
    assert step_label("2025-Q1", TimeUnit.quarter, 0) == "2024-Q4"
    assert step_label("2025-Q3", TimeUnit.quarter, 3) == "2026-Q1"
    assert step_label("2025-11", TimeUnit.month, 3) == "2026-01"
    assert step_of("2028-Q1", "2025-Q1", TimeUnit.quarter) == 13
    assert step_label("2025", TimeUnit.year, 10) == "2034"


def test_extends_merges_states_by_id_relations_by_pair_and_appends_events(tmp_path):
    child = write(
        tmp_path,
        "child.yaml",
        f"""
format_version: 1
scenario: child
extends: {BASELINE}
states:
  - {{id: LAO, autonomy: 0.3}}
relations:
  - {{between: [LAO, CHN], debt: {{LAO: 0.7}}}}
events:
  - {{at: 3, type: disaster, state: LAO}}
parameters:
  alignment.responsiveness: 0.5
""",
    )
    base = load_scenario(BASELINE)
    merged = load_scenario(child)
    lao = next(s for s in merged.states if s.id == "LAO")
    base_lao = next(s for s in base.states if s.id == "LAO")
    assert lao.autonomy == 0.3
    assert lao.capability == base_lao.capability and lao.alignment == base_lao.alignment
    rel = next(r for r in merged.relations if set(r.between) == {"CHN", "LAO"})
    assert rel.debt == {"LAO": 0.7} and rel.trade["LAO"] == 0.25  # trade kept from the parent
    assert len(merged.relations) == len(base.relations)
    assert len(merged.events) == len(base.events) + 1
    assert merged.parameters.alignment.responsiveness == 0.5
    assert merged.parameters.alignment.trade == base.parameters.alignment.trade


def test_remove_deletes_a_state_with_its_relations_events_and_memberships(tmp_path):
    child = write(
        tmp_path,
        "child.yaml",
        f"""
format_version: 1
scenario: no_myanmar
extends: {SCENARIOS / "mekong_disaster_response.yaml"}
remove: {{states: [MMR], events: [{{type: engagement, between: [USA, LAO]}}]}}
""",
    )
    scenario = load_scenario(child)
    assert "MMR" not in scenario.state_ids
    assert all("MMR" not in r.between for r in scenario.relations)
    assert all("MMR" not in f.members for f in scenario.forums)
    assert not any(getattr(e, "between", None) == ("USA", "LAO") for e in scenario.events)


def test_resolved_scenario_round_trips_through_yaml(tmp_path):
    scenario = load_scenario(SCENARIOS / "vietnam_special_relationship.yaml")
    text = dump_yaml(scenario)
    assert "extends" not in text
    again = load_scenario(write(tmp_path, "resolved.yaml", text))
    assert again.model_dump(exclude={"extends"}) == scenario.model_dump(exclude={"extends"})


def test_overrides_apply_with_validation():
    resolved = load_resolved(
        BASELINE,
        [
            "states.LAO.autonomy=0.4",
            "relations.LAO-CHN.debt.LAO=0.6",
            "parameters.crises.tension=5",
            "simulation.steps=12",
        ],
    )
    s = resolved.scenario
    assert next(x for x in s.states if x.id == "LAO").autonomy == 0.4
    assert next(r for r in s.relations if set(r.between) == {"CHN", "LAO"}).debt["LAO"] == 0.6
    assert s.parameters.crises.tension == 5 and s.simulation.steps == 12
    assert resolved.overrides[0] == "states.LAO.autonomy=0.4"
    with pytest.raises(ScenarioError) as err:
        load_scenario(BASELINE, ["states.LAO.autonomy=1.5", "forums.ADMN.strength=0.1"])
    text = str(err.value)
    assert "--set:1: states.LAO.autonomy: out of range" in text
    assert "did you mean 'ADMM'?" in text


def test_override_of_a_loaded_scenario_is_a_new_validated_object(baseline):
    changed = override_scenario(baseline, {"states.LAO.doctrine": "balancer"})
    assert next(s for s in changed.states if s.id == "LAO").doctrine == "balancer"
    assert next(s for s in baseline.states if s.id == "LAO").doctrine == "hedger"
    with pytest.raises(ScenarioError):
        override_scenario(baseline, {"states.LAO.doctrine": "neutral"})


def test_scenarios_are_frozen(baseline):
    with pytest.raises(Exception):  # noqa: B017 - pydantic raises its ValidationError
        baseline.states[0].autonomy = 0.1  # type: ignore[misc]


def test_yaml_is_never_evaluated_as_code(tmp_path):
    bad = write(
        tmp_path,
        "evil.yaml",
        f"""
format_version: 1
scenario: !!python/object/apply:os.system ["touch {tmp_path}/pwned"]
poles: [CHN, USA]
""",
    )
    with pytest.raises(ScenarioError):
        load_scenario(bad)
    assert not (tmp_path / "pwned").exists()


def test_json_schema_describes_the_format():
    schema = Scenario.model_json_schema()
    assert "states" in schema["properties"] and "$defs" in schema
    json.dumps(schema)


def test_overriding_one_field_of_an_engagement_kind_keeps_its_other_defaults(baseline):
    default = baseline.parameters.engagement.types
    changed = load_scenario(BASELINE, ["parameters.engagement.types.joint_exercise.visibility=0.2"])
    types = changed.parameters.engagement.types
    assert types["joint_exercise"].visibility == 0.2
    assert types["joint_exercise"].trust_gain == default["joint_exercise"].trust_gain
    assert types["defence_project"] == default["defence_project"]


def test_inconsistent_parameters_are_reported_with_their_place():
    with pytest.raises(ScenarioError) as err:
        load_scenario(
            BASELINE,
            [f"parameters.scores.{w}=0" for w in ("w_trust", "w_engagement", "w_forums", "w_interoperability")]
            + ["parameters.crises.severity_min=0.9", "parameters.crises.severity_max=0.5"],
        )
    text = str(err.value)
    assert "parameters.scores: the cooperation weights" in text
    assert "parameters.crises: severity_min (0.9) is above severity_max (0.5)" in text
