"""Scores: each in [0, 1], with the documented extremes."""

from __future__ import annotations

import numpy as np
import pytest

from laossim import metrics
from laossim.scenario.parameters import EVERYWHERE_KM
from laossim.world import World


def test_all_scores_are_in_the_unit_interval_on_a_fresh_world(world: World, tiny):
    scores = metrics.scores(world, tiny.parameters)
    assert set(scores) == set(metrics.COLUMNS)
    for name in (*metrics.SCORES, "mean_tension", "mean_trust", "polarisation", "frustration"):
        assert 0.0 <= scores[name] <= 1.0, name


def test_entropy_share_is_one_when_balanced_and_zero_at_a_vertex():
    assert metrics.entropy_share(np.array([1 / 3, 1 / 3, 1 / 3])) == pytest.approx(1.0)
    assert metrics.entropy_share(np.array([1.0, 0.0, 0.0])) == 0.0


def test_polarisation_is_one_for_two_equal_opposed_blocs_and_zero_for_consensus():
    blocs = np.array([[1.0, 0.0]] * 3 + [[0.0, 1.0]] * 3)
    assert metrics.polarisation(blocs, metrics.coalitions(blocs), 1.0) == pytest.approx(1.0)
    assert metrics.polarisation(np.array([[0.6, 0.4]] * 5), np.zeros(5, dtype=int), 1.0) == 0.0


def test_polarisation_groups_states_by_their_camps_not_their_shares():
    """A state that leans to the other pole but has not changed camp stays in its camp's group."""
    leaning = np.array([[0.9, 0.1]] * 3 + [[0.45, 0.55]] + [[0.1, 0.9]] * 2)
    by_shares = metrics.polarisation(leaning, metrics.coalitions(leaning), 1.0)
    by_camps = metrics.polarisation(leaning, np.array([0, 0, 0, 0, 1, 1]), 1.0)
    assert by_camps != pytest.approx(by_shares)


def test_dyad_means_ignore_the_diagonal_and_weight_by_capability():
    x = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 0.0]])
    equal = metrics.dyad_means((x,), np.ones(3), 1.0)[0]
    assert equal == pytest.approx(2 / 6)
    heavy = metrics.dyad_means((x,), np.array([10.0, 10.0, 1.0]), 1.0)[0]
    assert heavy > equal


def test_focal_security_falls_with_a_strong_neighbours_tension(world: World, tiny):
    calm = metrics.scores(world, tiny.parameters)["focal_security"]
    tension = world.tension.copy()
    tension[0, 2] = tension[2, 0] = 0.9
    perceived = {"tension": tension, "beliefs": tension.copy()}  # seen as it is
    tense = metrics.scores(world.evolve(**perceived), tiny.parameters)["focal_security"]
    assert tense < calm
    everywhere = np.full(world.n, EVERYWHERE_KM)  # CHN reaches LAO: its whole capability counts
    threat = metrics.threat_toward(world.evolve(tension=tension, reach=everywhere), tiny.parameters, 0)
    assert threat[2] == pytest.approx(0.9 * 0.2 / (0.001 + 0.2))


def test_focal_security_is_one_minus_the_five_year_crisis_probability_discounted_by_incidents(world: World, tiny):
    """The score in units a person can check: from the crises' own hazard, 1 - prod (1 - h)^(5 s),
    times exp(-incidents / scale)."""
    from laossim.mechanisms import crises

    tension = world.tension.copy()
    tension[0, 1] = tension[1, 0] = 0.8
    tense = world.evolve(tension=tension, beliefs=tension.copy(), incidents=np.array([50.0, 0.0, 0.0, 0.0]))
    h = np.asarray(crises.hazard(tense, tiny.parameters), dtype=float)[0]
    expected = 1.0 - np.prod((1.0 - h) ** (5 * tense.steps_per_year))
    scores = metrics.scores(tense, tiny.parameters)
    assert scores["crisis_probability"] == pytest.approx(expected, rel=1e-9)
    assert expected > 0.05  # a tense neighbour: a real risk
    assert scores["focal_incidents"] == 50.0
    assert scores["focal_security"] == pytest.approx((1.0 - expected) * np.exp(-50.0 / 100.0), rel=1e-9)


def test_the_hedging_index_is_the_mean_of_its_parts_and_falls_as_partners_concentrate(world: World, tiny):
    """Autonomy is the mean of six checkable parts; one partner for every engagement lowers it."""
    spread = np.zeros((4, 4), dtype=np.float32)
    spread[0, 1:] = spread[1:, 0] = 4.0
    even = metrics.scores(world.evolve(engagement_tally=spread), tiny.parameters)
    assert even["partner_diversity"] == pytest.approx(1 - 3 * (1 / 3) ** 2)
    finance = (1.0 - even["dependence_concentration"]) * 2.0
    named = ("alignment_entropy", "pole_distance", "partner_diversity", "supplier_diversity", "option_value")
    parts = [even[k] for k in named]
    assert even["focal_autonomy"] == pytest.approx((sum(parts) + finance) / 6)
    one = np.zeros((4, 4), dtype=np.float32)
    one[0, 2] = one[2, 0] = 12.0
    concentrated = metrics.scores(world.evolve(engagement_tally=one), tiny.parameters)
    assert concentrated["partner_diversity"] == 0.0
    assert concentrated["focal_autonomy"] < even["focal_autonomy"] - 0.1


def test_volatility_is_the_alignment_noise_read_back_so_stability_leaves_it_out(baseline):
    """With the alignments at rest, volatility's level follows the noise coefficient: near 0 without
    noise, about doubling with it (docs/model.md 3.4: why it weighs 0 in stability)."""
    from laossim import run
    from laossim.scenario import override_scenario

    def volatility(noise: float) -> float:
        spec = override_scenario(baseline, {"parameters.alignment.noise": noise})
        return float(run(spec, replications=2, steps=20).timeseries["volatility"].mean())

    off, on, double = volatility(0.0), volatility(0.02), volatility(0.04)
    assert off < 0.03 < 0.08 < on
    assert double == pytest.approx(2 * on, rel=0.25)
    assert baseline.parameters.scores.w_volatility == 0.0


def test_a_threat_from_beyond_reach_is_discounted_by_distance(world: World, tiny):
    """CHN (Beijing, 2,770 km from the tiny world's Vientiane) reaching 1,500 km: its capability
    counts exp(-(d - 1,500) / decay) at LAO."""
    tension = world.tension.copy()
    tension[0, 2] = tension[2, 0] = 0.9
    reach = np.full(world.n, 1500.0)
    threat = metrics.threat_toward(world.evolve(tension=tension, reach=reach), tiny.parameters, 0)
    felt = 0.2 * np.exp(-(float(world.distance[0, 2]) - 1500.0) / tiny.parameters.geography.decay)
    assert threat[2] == pytest.approx(0.9 * felt / (0.001 + felt))
    assert threat[2] < 0.9 * 0.2 / (0.001 + 0.2)


def test_stability_falls_as_crises_accumulate(world: World, tiny):
    quiet = metrics.scores(world, tiny.parameters)
    stormy = metrics.scores(world.evolve(crisis_load=5.0), tiny.parameters)
    assert stormy["crisis_intensity"] == pytest.approx(1 - np.exp(-5.0))
    assert stormy["stability"] < quiet["stability"]


def test_institutional_ties_are_the_larger_of_liaison_and_border_cooperation_averaged_over_pairs(world: World, tiny):
    n = world.n
    full = np.ones((n, n), dtype=np.float32) - np.eye(n, dtype=np.float32)
    none = np.zeros((n, n), dtype=np.float32)
    everywhere = metrics.scores(world.evolve(liaison=full, border_cooperation=none), tiny.parameters)
    assert everywhere["institutional_ties"] == pytest.approx(1.0)
    nothing = metrics.scores(world.evolve(liaison=none, border_cooperation=none), tiny.parameters)
    assert nothing["institutional_ties"] == 0.0
    border = metrics.scores(world.evolve(liaison=none, border_cooperation=full * world.border), tiny.parameters)
    assert 0.0 < border["institutional_ties"] < 1.0  # only the pairs with a border have it
