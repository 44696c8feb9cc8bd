"""Landscape energy: provable identities and an independent brute-force check."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from laossim import landscape


def instance(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    sizes = rng.uniform(0.1, 2.0, n)
    p = rng.uniform(-1, 1, (n, n))
    p = (p + p.T) / 2
    np.fill_diagonal(p, rng.uniform(-5, 5, n))  # p_ii is unused: garbage here must not matter
    return sizes, p


def brute_energy(sizes, p, assignment) -> float:
    n = len(sizes)
    return sum(
        sizes[i] * sizes[j] * p[i, j] for i in range(n) for j in range(n) if i != j and assignment[i] != assignment[j]
    )


def test_hand_computed_three_actor_energy():
    # sizes 1, 2, 3; p12 = 1, p13 = -1, p23 = 0.5; split {1} vs {2, 3}
    sizes = np.array([1.0, 2.0, 3.0])
    p = np.array([[0, 1, -1], [1, 0, 0.5], [-1, 0.5, 0]])
    # ordered pairs across the split: (1,2), (2,1), (1,3), (3,1): 2*(1*2*1) + 2*(1*3*-1) = 4 - 6
    assert landscape.energy(sizes, p, [0, 1, 1]) == pytest.approx(-2.0)
    np.testing.assert_allclose(landscape.frustration(sizes, p, [0, 1, 1]), [2 * 1 - 3 * 1, 1, -1])


@settings(max_examples=60, deadline=None)
@given(n=st.integers(2, 9), seed=st.integers(0, 10_000), k=st.integers(2, 4), data=st.data())
def test_moving_an_actor_changes_energy_by_twice_its_size_times_its_frustration_change(n, seed, k, data):
    sizes, p = instance(n, seed)
    before = np.array(data.draw(st.lists(st.integers(0, k - 1), min_size=n, max_size=n)))
    mover = data.draw(st.integers(0, n - 1))
    after = before.copy()
    after[mover] = data.draw(st.integers(0, k - 1))
    d_energy = landscape.energy(sizes, p, after) - landscape.energy(sizes, p, before)
    d_frustration = landscape.frustration(sizes, p, after)[mover] - landscape.frustration(sizes, p, before)[mover]
    assert d_energy == pytest.approx(2 * sizes[mover] * d_frustration, abs=1e-9)


@settings(max_examples=60, deadline=None)
@given(n=st.integers(2, 9), seed=st.integers(0, 10_000), data=st.data())
def test_two_coalition_energy_is_mirror_symmetric_and_matches_brute_force(n, seed, data):
    sizes, p = instance(n, seed)
    x = np.array(data.draw(st.lists(st.integers(0, 1), min_size=n, max_size=n)))
    e = landscape.energy(sizes, p, x)
    assert e == pytest.approx(landscape.energy(sizes, p, 1 - x))
    assert e == pytest.approx(brute_energy(sizes, p, x))


@settings(max_examples=40, deadline=None)
@given(n=st.integers(2, 7), seed=st.integers(0, 10_000))
def test_normalised_frustration_spans_zero_to_one_over_all_splits(n, seed):
    sizes, p = instance(n, seed)
    values = [landscape.normalised_frustration(sizes, p, x) for x in itertools.product(range(3), repeat=n)]
    energies = [landscape.energy(sizes, p, x) for x in itertools.product(range(3), repeat=n)]
    assert min(values) >= 0 and max(values) <= 1
    # it is an affine map of the energy: the ordering of configurations is kept
    order_v = np.argsort(values, kind="stable")
    assert np.all(np.diff(np.array(energies)[order_v]) >= -1e-9)


def test_structurally_balanced_split_has_zero_normalised_frustration():
    # two camps {0, 1} and {2, 3}: friends inside, enemies across
    p = np.array([[0, 1, -1, -1], [1, 0, -1, -1], [-1, -1, 0, 1], [-1, -1, 1, 0]], dtype=float)
    sizes = np.ones(4)
    assert landscape.normalised_frustration(sizes, p, [0, 0, 1, 1]) == 0.0
    # [0, 1, 0, 1] separates both friendly pairs and joins two hostile ones: 4 of 6 pairs frustrated
    assert landscape.normalised_frustration(sizes, p, [0, 1, 0, 1]) == pytest.approx(4 / 6)
    assert landscape.normalised_frustration(sizes, np.zeros((4, 4)), [0, 0, 1, 1]) == 0.0
