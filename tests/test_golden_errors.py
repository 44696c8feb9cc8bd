"""Golden files for error messages: every mistake in tests/golden/cases gives exactly
the message in tests/golden/expected, with exit code 2 and nothing written.

After an intended change of wording, regenerate with
``LAOSSIM_UPDATE_GOLDEN=1 pytest tests/test_golden_errors.py`` and review the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from laossim.cli import main

GOLDEN = Path(__file__).parent / "golden"
CASES = sorted(p.stem for p in (GOLDEN / "cases").glob("*.yaml") if p.stem != "cycle_b")
UPDATE = os.environ.get("LAOSSIM_UPDATE_GOLDEN") == "1"


def test_there_are_at_least_fifteen_distinct_mistakes():
    assert len(CASES) >= 15


@pytest.mark.parametrize("case", CASES)
def test_error_message_matches_its_golden_file(case, monkeypatch, capsys, tmp_path):
    monkeypatch.chdir(GOLDEN)
    code = main(["validate", f"cases/{case}.yaml"])
    out = capsys.readouterr()
    assert code == 2
    assert out.out == ""
    assert "Traceback" not in out.err
    expected = GOLDEN / "expected" / f"{case}.txt"
    if UPDATE:
        expected.write_text(out.err)
    assert out.err == expected.read_text()
    for line in out.err.splitlines():  # FILE:LINE: field: problem
        assert line.startswith("cases/") and line.split(":")[1].isdigit(), line


@pytest.mark.parametrize("case", ["many_mistakes", "negative_capability", "yaml_syntax"])
def test_run_with_a_bad_scenario_writes_nothing(case, monkeypatch, capsys, tmp_path):
    monkeypatch.chdir(GOLDEN)
    out = tmp_path / "results"
    assert main(["run", f"cases/{case}.yaml", "--out", str(out)]) == 2
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []
    assert "Traceback" not in capsys.readouterr().err


def test_every_mistake_of_a_file_is_reported_at_once(monkeypatch, capsys):
    monkeypatch.chdir(GOLDEN)
    main(["validate", "cases/many_mistakes.yaml"])
    err = capsys.readouterr().err
    for fragment in ("unknown state 'USX'", "autonmy", "capability: out of range", "'LOA'", "unknown event type"):
        assert fragment in err
