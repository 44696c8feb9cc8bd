"""Landscape files and ``laossim landscape``: validation, the worked example, scenarios at a step."""

from __future__ import annotations

import json

import numpy as np
import pytest

from conftest import ROOT, SCENARIOS
from laossim.cli import main
from laossim.errors import ScenarioError
from laossim.scenario.landscape_file import load_landscape

LANDSCAPES = ROOT / "landscapes"


def test_small_example_has_the_hand_computed_minima_and_basins(capsys):
    spec = load_landscape(LANDSCAPES / "small_example.yaml")
    assert spec.ids == ("A", "B", "C", "D")
    assert main(["landscape", str(LANDSCAPES / "small_example.yaml"), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    rows = report["minima"]
    # docs/model.md 3.5: {A, D} | {B, C} has E = -12 and 7 of the 8 starts; {A, C} | {B, D} has E = -10
    assert [r["energy"] for r in rows] == [-12.0, -10.0]
    assert [r["basin"] for r in rows] == [0.875, 0.125]
    assert rows[0]["coalitions"] == [["A", "D"], ["B", "C"]] and rows[0]["global"]
    assert rows[0]["agreement"] == 1.0 and rows[1]["misplaced"] == ["C", "D"]


def test_matrix_form_gives_the_same_landscape(tmp_path):
    text = (LANDSCAPES / "small_example.yaml").read_text()
    pairs = text[text.index("propensities:") : text.index("observed:")]
    matrix = "propensities:\n  matrix: [[0, -1, -1, -1], [-1, 0, 1, 0.5], [-1, 1, 0, -1], [-1, 0.5, -1, 0]]\n"
    path = tmp_path / "matrix.yaml"
    path.write_text(text.replace(pairs, matrix))
    np.testing.assert_array_equal(
        load_landscape(path).propensities, load_landscape(LANDSCAPES / "small_example.yaml").propensities
    )


def test_landscape_file_mistakes_are_all_reported_with_lines(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("""format_version: 1
landscape: bad
actors:
  - {id: A, size: 1}
  - {id: B, size: -2}
  - {id: A, size: 1}
propensities:
  - {between: [A, C], value: 1}
  - {between: [A, B], value: x}
observed: [[A], [B, Q]]
""")
    with pytest.raises(ScenarioError) as err:
        load_landscape(path)
    text = str(err.value)
    for fragment in (
        "bad.yaml:5: actors.B.size: out of range",
        "bad.yaml:6: actors[2].id: duplicate id 'A'",
        "bad.yaml:8: propensities[0].between[1]: unknown actor 'C'",
        "bad.yaml:9: propensities[1].value: not a number",
        "bad.yaml:10: observed[1][1]: unknown actor 'Q'",
    ):
        assert fragment in text, fragment


def test_asymmetric_matrix_is_reported(tmp_path):
    path = tmp_path / "asym.yaml"
    path.write_text("format_version: 1\nlandscape: a\nactors: [{id: A, size: 1}, {id: B, size: 1}]\n"
                    "propensities: {matrix: [[0, 1], [0.5, 0]]}\n")  # fmt: skip
    with pytest.raises(ScenarioError, match=r"propensities.matrix\[0\]\[1\]: propensities must be symmetric"):
        load_landscape(path)


@pytest.mark.parametrize("scenario", sorted(SCENARIOS.glob("*.yaml")), ids=lambda p: p.stem)
def test_landscape_of_every_shipped_scenario_at_a_step(scenario, capsys):
    assert main(["landscape", str(scenario), "--step", "4", "--top", "3"]) == 0
    out = capsys.readouterr().out
    assert "Structural balance" in out and "yes" in out


def test_export_round_trips(tmp_path, capsys):
    out = tmp_path / "exported.yaml"
    assert main(["landscape", str(SCENARIOS / "teaching_minimal.yaml"), "--step", "8", "--export", str(out)]) == 0
    first = capsys.readouterr().out
    assert main(["landscape", str(out)]) == 0
    assert capsys.readouterr().out.splitlines()[3:] == first.splitlines()[3:]


def test_bad_landscape_arguments_exit_2(capsys):
    assert main(["landscape", str(SCENARIOS / "teaching_minimal.yaml"), "--step", "999"]) == 2
    assert main(["landscape", str(LANDSCAPES / "small_example.yaml"), "--step", "3"]) == 2
    assert main(["landscape", str(LANDSCAPES / "small_example.yaml"), "--coalitions", "1"]) == 2
    assert "Traceback" not in capsys.readouterr().err
