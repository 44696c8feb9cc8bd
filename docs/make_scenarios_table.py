"""Regenerate the figures of docs/scenarios.md: ``python docs/make_scenarios_table.py``.

Runs the baseline and each variant with the same seeds (common random
numbers) and prints Markdown tables: the baseline's scores, and each
variant's paired difference from the baseline on every score.
"""

from __future__ import annotations

from pathlib import Path

import laossim
from laossim.metrics import SCORES
from laossim.runs import paired_difference

ROOT = Path(__file__).resolve().parents[1]
VARIANTS = [
    "china_debt_leverage",
    "us_china_crisis",
    "asean_chair_year",
    "mekong_disaster_response",
    "vietnam_special_relationship",
]
EXTRA = ("dependence_concentration", "mean_tension", "mean_trust", "engagement_volume", "crisis_intensity")
REPLICATIONS = 10


def fmt(row) -> str:
    return f"{row['difference']:+.4f} [{row['ci_low']:+.4f}, {row['ci_high']:+.4f}]"


def main() -> None:
    baseline = laossim.run(ROOT / "scenarios" / "laos_baseline.yaml", replications=REPLICATIONS)
    print(f"Baseline, {REPLICATIONS} replications x 80 steps, final two years:\n")
    print("| score | mean | 95% CI |\n|---|---|---|")
    for row in baseline.summary.itertuples():
        if row.score in SCORES + EXTRA:
            print(f"| {row.score} | {row.mean:.3f} | [{row.ci_low:.3f}, {row.ci_high:.3f}] |")
    for name in VARIANTS:
        variant = laossim.run(ROOT / "scenarios" / f"{name}.yaml", replications=REPLICATIONS)
        steps = variant.provenance["steps"]
        base = (
            baseline
            if steps == 80
            else laossim.run(ROOT / "scenarios" / "laos_baseline.yaml", replications=REPLICATIONS, steps=steps)
        )
        diff = paired_difference(variant, base).set_index("score")
        print(f"\n{name} ({steps} steps), variant minus baseline, paired, 95% CI:\n")
        print("| score | difference [95% CI] |\n|---|---|")
        for score in SCORES + EXTRA:
            print(f"| {score} | {fmt(diff.loc[score])} |")


if __name__ == "__main__":
    main()
