"""Each shipped variant moves its headline score (or a state's output in its own units: Laos's border
incidents for the Mekong patrols, its self-funded engagements for the debt squeeze) in the documented direction,
measured against the baseline with the same seeds (a paired 95% CI that excludes zero).

The directions are the ones docs/scenarios.md states; the figures there come from
the same comparisons (``python docs/make_scenarios_table.py``).
"""

from __future__ import annotations

import numpy as np
import pytest

import laossim
from conftest import BASELINE, SCENARIOS
from laossim import vocab
from laossim.runs import paired_difference
from laossim.summaries import mean_ci, window_steps

REPLICATIONS = 10
HEADLINES = {
    "china_debt_leverage": ("dependence_concentration", +1),
    "us_china_crisis": ("stability", -1),
    "asean_chair_year": ("focal_autonomy", +1),
    "mekong_disaster_response": ("cooperation", +1),
    "vietnam_special_relationship": ("dependence_concentration", -1),
    "mekong_patrols": ("incidents.LAO", -1),
    "laos_debt_squeeze": ("self_funded.LAO", -1),
}


def member_difference(variant, baseline, name: str) -> dict[str, float]:
    """A family member's paired difference (``incidents.LAO``), each replication's mean over the
    summary window as for the scores, with its 95% CI."""
    family, state, _ = vocab.family_member(name)
    window = window_steps(variant.scenario)

    def means(result) -> np.ndarray:
        s = result.states
        last = s[(s.state == state) & (s.step > s.step.max() - window)]
        return last.groupby("replication")[family.column()].mean().to_numpy()

    mean, low, high, _, _ = mean_ci(means(variant) - means(baseline))
    return {"difference": mean, "ci_low": low, "ci_high": high}


@pytest.mark.parametrize(("variant", "headline"), HEADLINES.items(), ids=list(HEADLINES))
def test_variant_moves_its_headline_score(variant, headline):
    score, sign = headline
    v = laossim.run(SCENARIOS / f"{variant}.yaml", replications=REPLICATIONS)
    b = laossim.run(BASELINE, replications=REPLICATIONS, steps=v.provenance["steps"])
    assert v.seed == b.seed
    member = vocab.family_member(score) is not None
    row = member_difference(v, b, score) if member else paired_difference(v, b).set_index("score").loc[score]
    if sign > 0:
        assert row["ci_low"] > 0, row
    else:
        assert row["ci_high"] < 0, row


def test_every_shipped_variant_extends_the_baseline_and_has_a_headline():
    variants = {p.stem for p in SCENARIOS.glob("*.yaml")} - {"laos_baseline", "teaching_minimal", "backtest_2000"}
    assert variants == set(HEADLINES)
    for name in variants:
        assert laossim.load_scenario(SCENARIOS / f"{name}.yaml").extends == "laos_baseline.yaml"
