"""Regenerate the figures of docs/scenarios.md: ``python docs/make_scenarios_table.py``.

Runs the baseline and each variant with the same seeds (common random
numbers) and prints Markdown tables: the baseline's scores, and each
variant's paired difference from the baseline on every score; for the
Mekong patrols, Laos's transnational incidents a year (which no score reads
yet), counted from the runs' records.
"""

from __future__ import annotations

from pathlib import Path

import laossim
from laossim.metrics import SCORES
from laossim.runs import paired_difference
from laossim.summaries import mean_ci

ROOT = Path(__file__).resolve().parents[1]
VARIANTS = [
    "china_debt_leverage",
    "us_china_crisis",
    "asean_chair_year",
    "mekong_disaster_response",
    "vietnam_special_relationship",
    "mekong_patrols",
]
EXTRA = ("dependence_concentration", "mean_tension", "mean_trust", "engagement_volume", "crisis_intensity")
REPLICATIONS = 10


def fmt(row) -> str:
    return f"{row['difference']:+.4f} [{row['ci_low']:+.4f}, {row['ci_high']:+.4f}]"


def incidents_a_year(result, state: str, first: int, last: int):
    """Each replication's transnational incidents a year on ``state``'s borders over the calendar
    years ``first``-``last``, from the run's ``border_incident`` records."""
    events = result.events
    mine = events[(events.kind == "border_incident") & ((events.source == state) | (events.target == state))]
    year = mine.period.str[:4].astype(int)
    counted = mine[(year >= first) & (year <= last)].groupby("replication").magnitude.sum()
    return counted.reindex(range(REPLICATIONS), fill_value=0.0).to_numpy() / (last - first + 1)


def incidents_table(variant, base) -> None:
    print("\nLaos's transnational incidents a year (from the records), paired, 95% CI:\n")
    print("| years | baseline | variant | difference [95% CI] |\n|---|---|---|---|")
    for first, last in ((2025, 2025), (2026, 2030), (2031, 2034)):
        a, b = incidents_a_year(base, "LAO", first, last), incidents_a_year(variant, "LAO", first, last)
        mean, low, high, _, _ = mean_ci(b - a)
        years = f"{first}" if first == last else f"{first}-{last}"
        print(f"| {years} | {a.mean():.1f} | {b.mean():.1f} | {mean:+.1f} [{low:+.1f}, {high:+.1f}] |")


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
        if name == "mekong_patrols":
            incidents_table(variant, base)


if __name__ == "__main__":
    main()
