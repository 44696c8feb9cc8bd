"""docs/decisions.md's "Robustness" section: every table line comes from docs/make_decisions.py."""

from __future__ import annotations

import runpy
import sys

import pytest

from conftest import ROOT

SCRIPT = ROOT / "docs" / "make_decisions.py"


def _run(monkeypatch, capsys, *args: str) -> str:
    monkeypatch.setattr(sys, "argv", ["make_decisions.py", *args])
    runpy.run_path(str(SCRIPT), run_name="__main__")
    return capsys.readouterr().out


def test_the_decisions_script_runs_in_its_short_mode_with_every_table(capsys, monkeypatch):
    """What CI's fast run checks: the shipped robust experiment, shortened (4 futures, 2 replications
    of 8 steps, MIDs from one replication), gives the criteria, each score's metrics and the ranking."""
    out = _run(monkeypatch, capsys, "--short")
    assert "40 runs and the analysis in" in out  # 5 settings x 4 futures x 2 replications
    assert out.count("| setting | mean | p10 | p90 | mean_regret |") == 5
    assert "| score | satisficing threshold | from | domain tolerance | from |" in out
    assert out.count(" than the MID |") + out.count("not resolved |") == 5 * 10  # ten pairs of settings a score
    assert "| focal_security | 0.6000 | experiment file |" in out


@pytest.mark.slow
def test_every_table_line_of_the_robustness_section_comes_from_its_script(capsys, monkeypatch, tmp_path):
    """Rerun the shipped experiment in full (a few minutes on two cores) and find each table line in
    docs/decisions.md."""
    out = _run(monkeypatch, capsys, "--out", str(tmp_path / "robust"))
    rows = [line for line in out.splitlines() if line.startswith("| ") and "---" not in line]
    text = (ROOT / "docs" / "decisions.md").read_text()
    assert len(rows) >= 5 * 5 + 5 * 10
    missing = [row for row in rows if row not in text]
    assert not missing, f"rerun docs/make_decisions.py and update docs/decisions.md: {missing}"
