"""The hostile user's suite, part 2: bad input gets a clear error (exit 2), never a traceback.

(Part 1, nothing lost or overwritten, is ``tests/test_data_loss.py``.) This file
is started: the cases of issue 13's section 2 that are fixed so far.
"""

from __future__ import annotations

import pytest

from conftest import SCENARIOS
from laossim.cli import main

BASELINE = str(SCENARIOS / "laos_baseline.yaml")
TEACHING = str(SCENARIOS / "teaching_minimal.yaml")


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["run", BASELINE, "--seed", "-1"], "--seed: must be at least 0 (got -1)"),
        (["backtest", str(SCENARIOS / "backtest_2000.yaml"), "--seed", "-3"], "--seed: must be at least 0"),
        (["landscape", TEACHING, "--seed", "x"], "--seed: expected a whole number, got 'x'"),
        (["app", "--port", "99999"], "--port: must be at most 65535 (got 99999)"),
        (["run", BASELINE, "--steps", "0"], "--steps: must be at least 1 (got 0)"),
    ],
    ids=["run-seed", "backtest-seed", "landscape-seed", "app-port", "run-steps"],
)
def test_an_option_out_of_range_is_named_with_exit_2(tmp_path, monkeypatch, capsys, args, words):
    monkeypatch.chdir(tmp_path)
    assert main(args) == 2
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err
    assert not list(tmp_path.iterdir())  # nothing was written


def test_compare_of_scenarios_with_different_replication_counts_pairs_the_fewer(capsys):
    assert main(["compare", BASELINE, TEACHING, "--steps", "2"]) == 0  # 10 and 5 replications
    out = capsys.readouterr().out
    assert "5 paired replications of 2 steps" in out
