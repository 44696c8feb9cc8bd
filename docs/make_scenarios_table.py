"""Regenerate the figures of docs/scenarios.md: ``python docs/make_scenarios_table.py [--short]``.

First the headline scores' minimal important differences, by the rule of
:mod:`laossim.importance` (a tenth of each score's range over the shipped
scenarios and the ten levers' ends), before any variant table. Then the
baseline's scores, and each variant's paired difference from the baseline on
every score (same seeds: common random numbers), each headline effect also
divided by its MID and with the share of 20 draws of the judgement coefficients
(each scaled by 0.5 to 2) in which the paired effect keeps its sign; for the
Mekong patrols, Laos's transnational incidents a year, counted from the runs'
records; for the debt squeeze, Laos's engagements a year (self-funded, financed),
its shares of them and of its arms with China, and its budget, with each one's replication SD.
``--short`` (what CI's fast test runs) uses 2 replications and 3 draws: the same tables, not the
doc's figures.
"""

from __future__ import annotations

import sys
from pathlib import Path

import laossim
from laossim import importance
from laossim.metrics import SCORES
from laossim.runs import paired_difference
from laossim.scenario import load_scenario
from laossim.summaries import mean_ci

ROOT = Path(__file__).resolve().parents[1]
VARIANTS = list(importance.SCENARIOS[1:])
EXTRA = (
    "crisis_probability",
    "focal_incidents",
    "partner_diversity",
    "dependence_concentration",
    "mean_tension",
    "mean_trust",
    "engagement_volume",
    "crisis_intensity",
)
MINISTRY = ("self_funded", "financed", "engagement_share_CHN", "arms_share_CHN", "defence_budget")
"""Laos's per-state outputs the debt squeeze is asked about, in their own units."""
REPLICATIONS = 10
DRAW_REPLICATIONS = 5
"""Replications of each draw's paired runs (the sign of a paired mean needs fewer than its interval)."""


def fmt(row) -> str:
    return f"{row['difference']:+.4f} [{row['ci_low']:+.4f}, {row['ci_high']:+.4f}]"


def incidents_a_year(result, state: str, first: int, last: int, replications: int = REPLICATIONS):
    """Each replication's transnational incidents a year on ``state``'s borders over the calendar
    years ``first``-``last``, from the run's ``border_incident`` records."""
    events = result.events
    mine = events[(events.kind == "border_incident") & ((events.source == state) | (events.target == state))]
    year = mine.period.str[:4].astype(int)
    counted = mine[(year >= first) & (year <= last)].groupby("replication").magnitude.sum()
    return counted.reindex(range(replications), fill_value=0.0).to_numpy() / (last - first + 1)


def incidents_table(variant, base, replications: int = REPLICATIONS) -> None:
    print("\nLaos's transnational incidents a year (from the records), paired, 95% CI:\n")
    print("| years | baseline | variant | difference [95% CI] |\n|---|---|---|---|")
    for first, last in ((2025, 2025), (2026, 2030), (2031, 2034)):
        a = incidents_a_year(base, "LAO", first, last, replications)
        b = incidents_a_year(variant, "LAO", first, last, replications)
        mean, low, high, _, _ = mean_ci(b - a)
        years = f"{first}" if first == last else f"{first}-{last}"
        print(f"| {years} | {a.mean():.1f} | {b.mean():.1f} | {mean:+.1f} [{low:+.1f}, {high:+.1f}] |")


def ministry_table(variant, base, first: str = "2026-Q1", last: str = "2030-Q4") -> None:
    """Laos's ministry in the squeeze's years: each replication's mean, baseline and variant with their
    replication SDs, and the paired difference."""
    print(f"\nLaos's ministry, {first} to {last}, each replication's mean (replication SD), paired, 95% CI:\n")
    print("| output | baseline (SD) | variant (SD) | difference [95% CI] |\n|---|---|---|---|")

    def means(result):
        s = result.states
        rows = s[(s.state == "LAO") & s.period.between(first, last)]
        return rows.groupby("replication")[list(MINISTRY)].mean()

    a, b = means(base), means(variant)
    for column in MINISTRY:
        mean, low, high, _, _ = mean_ci((b[column] - a[column]).to_numpy())
        print(
            f"| {column} | {a[column].mean():.3f} ({a[column].std():.3f}) | {b[column].mean():.3f} "
            f"({b[column].std():.3f}) | {mean:+.3f} [{low:+.3f}, {high:+.3f}] |"
        )


def run(name: str, replications: int, **extra):
    return laossim.run(ROOT / "scenarios" / f"{name}.yaml", replications=replications, **extra)


def headline_means(result) -> dict[str, float]:
    return result.summary.set_index("score")["mean"].to_dict()


def mids(baseline, replications: int) -> dict[str, float]:
    """The MIDs of :mod:`laossim.importance`, printed with the range each comes from."""
    means = importance.mid_means(replications, known={"laos_baseline": headline_means(baseline)})
    found = importance.minimal_important_differences(means, SCORES)
    print(
        f"Minimal important differences: {importance.MID_SHARE:g} of each headline score's range over the "
        f"{1 + len(VARIANTS)} shipped scenarios and the {len(importance.LEVERS)} levers' ends:\n"
    )
    print("| score | lowest | highest | MID |\n|---|---|---|---|")
    for score in SCORES:
        values = [m[score] for m in means.values()]
        print(f"| {score} | {min(values):.3f} | {max(values):.3f} | {found[score]:.4f} |")
    return found


def drawn_effects(name: str, steps: int, draws: list[dict[str, float]], replications: int) -> dict[str, list[float]]:
    """Each headline score's paired effect of variant ``name`` under each draw of the judgements."""
    out: dict[str, list[float]] = {score: [] for score in SCORES}
    for draw in draws:
        variant = run(name, replications, overrides=draw)
        base = run("laos_baseline", replications, steps=steps, overrides=draw)
        diff = paired_difference(variant, base).set_index("score")
        for score in SCORES:
            out[score].append(float(diff.loc[score, "difference"]))
    return out


def main() -> None:
    short = "--short" in sys.argv
    replications = 2 if short else REPLICATIONS
    draws = importance.judgement_draws(
        load_scenario(ROOT / "scenarios" / "laos_baseline.yaml"), 3 if short else importance.DRAWS
    )
    baseline = run("laos_baseline", replications)
    mid = mids(baseline, replications)
    print(f"\nBaseline, {replications} replications x 80 steps, final two years:\n")
    print("| score | mean | 95% CI |\n|---|---|---|")
    for row in baseline.summary.itertuples():
        if row.score in SCORES + EXTRA:
            print(f"| {row.score} | {row.mean:.3f} | [{row.ci_low:.3f}, {row.ci_high:.3f}] |")
    for name in VARIANTS:
        variant = run(name, replications)
        steps = variant.provenance["steps"]
        base = baseline if steps == 80 else run("laos_baseline", replications, steps=steps)
        diff = paired_difference(variant, base).set_index("score")
        drawn = drawn_effects(name, steps, draws, 2 if short else DRAW_REPLICATIONS)
        print(f"\n{name} ({steps} steps), variant minus baseline, paired, 95% CI:\n")
        print(f"| score | difference [95% CI] | / MID | sign kept in {len(draws)} draws |\n|---|---|---|---|")
        for score in SCORES:
            effect = float(diff.loc[score, "difference"])
            kept = importance.sign_kept(effect, drawn[score])
            ratio = effect / mid[score] if mid[score] > 0 else float("nan")
            shown = "no effect" if kept != kept else f"{kept:.0%}"  # NaN: nothing to keep the sign of
            print(f"| {score} | {fmt(diff.loc[score])} | {ratio:+.1f} | {shown} |")
        print("\n| other output | difference [95% CI] |\n|---|---|")
        for score in EXTRA:
            print(f"| {score} | {fmt(diff.loc[score])} |")
        if name == "mekong_patrols":
            incidents_table(variant, base, replications)
        if name == "laos_debt_squeeze":
            ministry_table(variant, base)


if __name__ == "__main__":
    main()
