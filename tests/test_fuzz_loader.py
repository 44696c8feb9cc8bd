"""The loader's only outcomes are a valid scenario or the error report, never a traceback."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conftest import BASELINE
from laossim.errors import ScenarioError
from laossim.scenario import load_scenario
from laossim.scenario.schema import Scenario

TEXT = BASELINE.read_text()

yaml_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 10**6), st.floats(allow_nan=True), st.text(max_size=12)
)
yaml_values = st.recursive(
    yaml_scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=12,
)


def outcome(path: Path) -> None:
    try:
        assert isinstance(load_scenario(path), Scenario)
    except ScenarioError as exc:
        assert exc.problems, "an error report lists its problems"
        for problem in exc.problems:
            assert problem.render().startswith(str(path))


def mutate(text: str, position: int, width: int, insert: str) -> str:
    position %= len(text)
    return text[:position] + insert + text[position + width :]


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    position=st.integers(0, 10**6),
    width=st.integers(0, 6),
    insert=st.sampled_from(
        ["", ":", "-", "[", "]", "{", "}", "\n", "  ", "x", "0", "-1", "2", "true", "null", "!!", "&a"]
    ),
)
@example(position=TEXT.index("capability: 0.00060419599"), width=25, insert="capability: [1, 2]")
@example(position=TEXT.index("alignment:"), width=9, insert="alignment: 3")
def test_mutated_baseline_yields_scenario_or_report(tmp_path, position, width, insert):
    path = tmp_path / "mutant.yaml"
    path.write_text(mutate(TEXT, position, width, insert))
    outcome(path)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    doc=st.dictionaries(
        st.sampled_from(
            [
                "format_version",
                "scenario",
                "simulation",
                "poles",
                "states",
                "relations",
                "forums",
                "events",
                "parameters",
                "extends",
                "remove",
                "junk",
            ]
        ),
        yaml_values,
        max_size=8,
    )
)
@example(doc={"extends": ""})  # an empty parent path once pointed the report at the folder
@example(doc={"extends": "\x00"})  # a NUL in the parent path once raised ValueError
def test_random_documents_yield_scenario_or_report(tmp_path, doc):
    import yaml_writer

    path = tmp_path / "random.yaml"
    path.write_text(yaml_writer.dump(doc))
    outcome(path)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.binary(max_size=200))
def test_random_bytes_yield_a_report(tmp_path, raw):
    path = tmp_path / "bytes.yaml"
    path.write_bytes(raw)
    outcome(path)
