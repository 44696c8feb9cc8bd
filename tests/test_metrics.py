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
    tense = metrics.scores(world.evolve(tension=tension), tiny.parameters)["focal_security"]
    assert tense < calm
    everywhere = np.full(world.n, EVERYWHERE_KM)  # CHN reaches LAO: its whole capability counts
    threat = metrics.threat_toward(world.evolve(tension=tension, reach=everywhere), tiny.parameters, 0)
    assert threat[2] == pytest.approx(0.9 * 0.2 / (0.001 + 0.2))


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
