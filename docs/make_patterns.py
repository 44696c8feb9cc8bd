"""Print the pattern checks of docs/validation.md ("Pattern checks"): ``python docs/make_patterns.py``.

The backtest scenario (``scenarios/backtest_2000.yaml``) run from 2000 with 20 replications; its
joint exercises a year in 2000-2010 by class of pair against the MME data's bilateral exercises
(:mod:`laossim.backtest.patterns`). Nothing is fitted to these data.
"""

from __future__ import annotations

from pathlib import Path

import laossim
from laossim.backtest import patterns
from laossim.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios" / "backtest_2000.yaml"
REPLICATIONS = 20
FIRST, LAST = 2000, 2010


def exercise_table() -> list[str]:
    """The exercise check as the rows of a Markdown table."""
    spec = load_scenario(SCENARIO)
    steps = (LAST - FIRST + 1) * spec.simulation.steps_per_year
    result = laossim.run(spec, replications=REPLICATIONS, steps=steps)
    check = patterns.exercise_check(spec, result.events, REPLICATIONS, FIRST, LAST)
    rows = ["| pair class | observed a year | simulated a year | ratio | within x2 |", "|---|---|---|---|---|"]
    for name, row in check.iterrows():
        rows.append(
            f"| {name} | {row.observed:.2f} | {row.simulated:.2f} | {row.ratio:.2f} | {'yes' if row.within else 'no'} |"
        )
    return rows


def main() -> None:
    print(f"Joint exercises a year, {FIRST}-{LAST}, MME bilateral exercises against the backtest's:\n")
    print("\n".join(exercise_table()))


if __name__ == "__main__":
    main()
