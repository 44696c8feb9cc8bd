"""Positions and shares (laossim.geometry): the two views of where a state stands."""

from __future__ import annotations

import numpy as np
import pytest

from laossim import geometry


@pytest.mark.parametrize("k", [2, 3, 4, 5])
def test_the_default_poles_are_a_centred_simplex_with_unit_edges(k: int):
    poles = geometry.default_poles(k)
    assert poles.shape == (k, k - 1)
    np.testing.assert_allclose(poles.mean(axis=0), 0.0, atol=1e-15)
    gaps = geometry.squared_distances(poles, poles)
    np.testing.assert_allclose(gaps, 1.0 - np.eye(k), atol=1e-15)


@pytest.mark.parametrize("k", [2, 3, 4])
def test_a_position_found_from_shares_gives_those_shares_back(k: int):
    poles = geometry.default_poles(k)
    given = np.random.default_rng(k).dirichlet(np.ones(k), size=50)
    found = geometry.position_of(given, 4.0)
    np.testing.assert_allclose(geometry.shares(found, poles, 4.0), given, rtol=1e-10)


def test_a_position_beyond_a_pole_holds_more_of_its_share_than_the_pole_itself():
    """A state that votes 'beyond China': further from the USA than China is, on the same axis."""
    poles = np.array([[-0.7], [2.7]])  # CHN and USA on the ideal-point axis
    at_china, beyond = geometry.shares(np.array([[-0.7], [-1.2]]), poles, 1.0)
    assert beyond[0] > at_china[0] > 0.5


def test_a_change_of_pull_moves_the_log_odds_by_exactly_that_change_in_the_default_geometry():
    poles = geometry.default_poles(3)
    x = np.array([[0.1, -0.05]])
    pull = np.array([[0.3, -0.2, 0.05]])
    moved = x + geometry.shift_toward(pull, poles, 4.0)
    before, after = (np.log(geometry.shares(p, poles, 4.0)[0]) for p in (x, moved))
    change = after - before
    np.testing.assert_allclose(change - change.mean(), pull[0] - pull[0].mean(), atol=1e-12)


def test_shares_given_as_zero_read_as_the_floor():
    poles = geometry.default_poles(2)
    found = geometry.position_of(np.array([1.0, 0.0]), 4.0)
    share = geometry.shares(found[None], poles, 4.0)[0]
    assert share[1] == pytest.approx(geometry.SHARE_FLOOR / (1 + geometry.SHARE_FLOOR))
