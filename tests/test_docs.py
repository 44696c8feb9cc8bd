"""The documentation matches the code: generated tables, named files, README commands."""

from __future__ import annotations

import sys

import pytest

from conftest import ROOT
from laossim.scenario.docs import parameter_table


def test_model_doc_parameter_table_is_the_schemas():
    text = (ROOT / "docs" / "model.md").read_text()
    start, end = "<!-- parameters:start -->\n", "\n<!-- parameters:end -->"
    table = text[text.index(start) + len(start) : text.index(end)]
    assert table.strip() == parameter_table().strip(), "regenerate with `laossim params`"


def test_every_parameter_has_a_provenance():
    for line in parameter_table().splitlines()[2:]:
        assert "| judgement |" in line or "| sourced |" in line, line


def test_documents_exist_and_name_every_mechanism_and_score():
    from laossim.mechanisms import MECHANISMS
    from laossim.vocab import SCORES

    model = (ROOT / "docs" / "model.md").read_text()
    for word in (*(f"`mechanisms/{name}.py`" for name in MECHANISMS), *SCORES, "Landscape theory"):
        assert word in model, word
    for name in ("scenario-format.md", "scenarios.md", "architecture.md"):
        assert (ROOT / "docs" / name).stat().st_size > 1000


@pytest.mark.slow
def test_every_table_line_of_the_scenarios_doc_comes_from_its_script(capsys, monkeypatch):
    """docs/scenarios.md quotes docs/make_scenarios_table.py; rerun it (about a minute: its MIDs and
    its 20 draws of the judgement coefficients) and find each line in the doc."""
    import runpy

    monkeypatch.setattr(sys, "argv", ["make_scenarios_table.py"])
    runpy.run_path(str(ROOT / "docs" / "make_scenarios_table.py"), run_name="__main__")
    rows = [line for line in capsys.readouterr().out.splitlines() if line.startswith("| ") and "---" not in line]
    text = (ROOT / "docs" / "scenarios.md").read_text()
    assert len(rows) >= 6 * 9
    missing = [row for row in rows if row not in text]
    assert not missing, f"rerun docs/make_scenarios_table.py and update docs/scenarios.md: {missing}"


def test_the_scenarios_script_runs_in_its_short_mode_with_every_table(capsys, monkeypatch):
    """What CI's fast run checks: the script's short mode (2 replications, 3 draws) prints the MIDs
    first and every variant's table with its effect over the MID and its sign under the draws."""
    import runpy

    monkeypatch.setattr(sys, "argv", ["make_scenarios_table.py", "--short"])
    script = runpy.run_path(str(ROOT / "docs" / "make_scenarios_table.py"), run_name="__main__")
    out = capsys.readouterr().out
    assert out.startswith("Minimal important differences: 0.1 of each headline score's range")
    assert out.count("| / MID | sign kept in 3 draws |") == len(script["VARIANTS"])
    for name in script["VARIANTS"]:
        assert f"\n{name} (" in out


def test_scenarios_doc_covers_every_shipped_scenario():
    text = (ROOT / "docs" / "scenarios.md").read_text()
    for path in (ROOT / "scenarios").glob("*.yaml"):
        assert f"## {path.stem}" in text, path.stem


def test_readme_opens_with_the_two_commands_and_ci_runs_the_second():
    lines = (ROOT / "README.md").read_text().splitlines()
    blocks = [lines[i + 1] for i, line in enumerate(lines[:8]) if line.startswith("```bash")]
    assert len(blocks) >= 2
    assert "laossim run scenarios/laos_baseline.yaml" in blocks[0]
    assert "pytest" in blocks[1]
    assert blocks[1] in (ROOT / ".ci" / "run").read_text()


def test_every_figure_quoted_in_the_teaching_exercises_comes_from_a_real_run(capsys):
    """docs/teaching.md quotes docs/make_teaching_figures.py; rerun it and find each figure in the doc."""
    import re
    import runpy

    runpy.run_path(str(ROOT / "docs" / "make_teaching_figures.py"), run_name="__main__")
    figures = re.findall(r"\d\.\d{3}", capsys.readouterr().out)
    teaching = (ROOT / "docs" / "teaching.md").read_text()
    assert len(figures) == 4 * 3 + 4 * 2 + 3 * 3 + 4 * 4
    missing = [f for f in figures if f not in teaching]
    assert not missing, f"figures not in docs/teaching.md (rerun docs/make_teaching_figures.py): {missing}"


def test_the_refusal_quoted_in_the_data_safety_doc_is_what_the_command_prints(tmp_path, monkeypatch, capsys):
    import shutil

    from laossim.cli import main

    text = (ROOT / "docs" / "data-safety.md").read_text()
    block = text[text.index("```text\n$ laossim run") + len("```text\n") :].split("```")[0].splitlines()
    command, message = block[0].removeprefix("$ laossim ").split(), block[1]
    shutil.copytree(ROOT / "scenarios", tmp_path / "scenarios")
    monkeypatch.chdir(tmp_path)
    assert main(command) == 2
    assert capsys.readouterr().err.strip() == message


def test_the_first_run_quoted_in_the_readme_is_what_the_command_prints(tmp_path, capsys):
    """The README's first block of output is the baseline's score table as ``laossim run`` prints it."""
    from laossim.cli import main

    assert main(["run", str(ROOT / "scenarios" / "laos_baseline.yaml"), "--out", str(tmp_path / "r")]) == 0
    printed = capsys.readouterr().out.splitlines()
    readme = (ROOT / "README.md").read_text()
    table = [
        line
        for line in printed
        if line.split(" ")[0] in {"stability", "cooperation", "focal_autonomy", "focal_security"}
    ]
    assert len(table) == 4
    for line in table:
        assert line.rstrip() in readme, f"README's first run is stale; it should read: {line}"


def test_every_figure_of_the_discovery_example_comes_from_its_script(capsys, monkeypatch):
    """docs/decisions.md's worked example of scenario discovery quotes docs/make_discovery_example.py; rerun it
    (its short mode leaves the images alone; a few seconds) and find each command, table line and figure."""
    import re
    import runpy

    monkeypatch.setattr(sys, "argv", ["make_discovery_example.py", "--short"])
    runpy.run_path(str(ROOT / "docs" / "make_discovery_example.py"), run_name="__main__")
    out = capsys.readouterr().out
    text = (ROOT / "docs" / "decisions.md").read_text()
    quoted = (
        "$ laossim d",
        "states.LAO",
        "PRIM's box",
        "focal_autonomy >=",
        "focal_security <",
        "the box with",
        "note:",
        "(no",
    )
    lines = [line.rstrip() for line in out.splitlines() if line.strip().startswith(quoted)]
    assert len(lines) >= 14
    figures = re.findall(r"\d+\.\d{3,}", out)
    missing = [line for line in lines if line not in text] + [f for f in figures if f not in text]
    assert not missing, f"rerun docs/make_discovery_example.py and update docs/decisions.md: {missing}"
    for name in ("tradeoff", "box", "cart"):
        assert f"images/discovery_{name}.png" in text and (ROOT / "docs" / "images" / f"discovery_{name}.png").exists()
