"""Landscape energy: provable identities and an independent brute-force check."""

from __future__ import annotations

import itertools
from collections import Counter

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


# --- exact minima, basins, descent ----------------------------------------------


def brute_minima(sizes, p, k=2):
    """Independent enumeration: every labelled configuration, local-minimum test by trying every move."""
    n = len(sizes)
    found = {}
    for x in itertools.product(range(k), repeat=n):
        e = landscape.energy(sizes, p, x)
        is_min = True
        for a in range(n):
            for c in range(k):
                if c != x[a]:
                    y = list(x)
                    y[a] = c
                    if landscape.energy(sizes, p, y) < e - 1e-9 * max(1.0, abs(e)):
                        is_min = False
        if is_min:
            found[landscape.canonical(x)] = e
    return found


@settings(max_examples=25, deadline=None)
@given(n=st.integers(3, 10), seed=st.integers(0, 10_000))
def test_exact_two_coalition_minima_match_brute_force_and_descent_from_every_start(n, seed):
    sizes, p = instance(n, seed)
    result = landscape.minima(sizes, p)
    brute = brute_minima(sizes, p)
    assert {m.assignment for m in result.minima} == set(brute)
    for m in result.minima:
        assert m.energy == pytest.approx(brute[m.assignment])
    assert sum(m.basin for m in result.minima) == pytest.approx(1.0)
    assert [m.energy for m in result.minima] == sorted(m.energy for m in result.minima)
    assert result.minima[0].is_global and result.minima[0].energy == pytest.approx(min(brute.values()))
    # basins: descend (the slow reference) from every start, mirror pairs once
    ends = Counter()
    for code in range(2 ** (n - 1)):
        start = [(code >> i) & 1 for i in range(n)]
        ends[landscape.canonical(landscape.descend(sizes, p, start)[-1])] += 1
    for m in result.minima:
        assert m.reached == ends[m.assignment]


def test_two_coalition_energies_match_the_definition():
    sizes, p = instance(9, 4)
    energies = landscape.two_coalition_energies(sizes, p)
    for code in (0, 1, 77, 255):
        assignment = [(code >> i) & 1 for i in range(9)]
        assert energies[code] == pytest.approx(landscape.energy(sizes, p, assignment))


@settings(max_examples=30, deadline=None)
@given(n=st.integers(3, 12), seed=st.integers(0, 10_000), data=st.data())
def test_a_structurally_balanced_split_is_the_global_minimum(n, seed, data):
    rng = np.random.default_rng(seed)
    side = np.array(data.draw(st.lists(st.integers(0, 1), min_size=n, max_size=n)))
    strength = rng.uniform(0.1, 1.0, (n, n))
    strength = (strength + strength.T) / 2
    p = np.where(side[:, None] == side[None, :], strength, -strength)
    sizes = rng.uniform(0.2, 3.0, n)
    best = landscape.minima(sizes, p).best
    assert best.assignment == landscape.canonical(side) or len(set(side)) == 1
    balance = landscape.structural_balance(p)
    assert balance.is_balanced and balance.balanced_share == 1.0


def test_delta_energy_is_the_energy_difference():
    sizes, p = instance(6, 2)
    x = np.array([0, 1, 2, 0, 1, 2])
    y = x.copy()
    y[3] = 2
    assert landscape.delta_energy(sizes, p, x, 3, 2) == pytest.approx(
        landscape.energy(sizes, p, y) - landscape.energy(sizes, p, x)
    )


def test_descent_path_lowers_the_energy_at_every_move_and_ends_at_a_minimum():
    sizes, p = instance(8, 11)
    path = landscape.descend(sizes, p, [0, 1, 0, 1, 0, 1, 0, 1])
    energies = [landscape.energy(sizes, p, x) for x in path]
    assert all(b < a for a, b in itertools.pairwise(energies))
    assert landscape.canonical(path[-1]) in brute_minima(sizes, p)
    random_path = landscape.descend(sizes, p, [0, 1, 0, 1, 0, 1, 0, 1], rule="random", seed=3)
    assert random_path == landscape.descend(sizes, p, [0, 1, 0, 1, 0, 1, 0, 1], rule="random", seed=3)
    assert landscape.canonical(random_path[-1]) in brute_minima(sizes, p)


@pytest.mark.parametrize("k", [3, 4])
def test_k_coalition_exact_enumeration_matches_brute_force(k):
    sizes, p = instance(6, 21 + k)
    result = landscape.minima(sizes, p, coalitions=k)
    assert result.method == "exact"
    assert {m.assignment for m in result.minima} == set(brute_minima(sizes, p, k))
    assert sum(m.basin for m in result.minima) == pytest.approx(1.0)


def test_partitions_are_counted_by_stirling_numbers():
    # partitions of 5 actors into at most 3 coalitions: S(5,1) + S(5,2) + S(5,3) = 1 + 15 + 25
    assert len(landscape.partitions(5, 3)) == 41
    assert len(landscape.partitions(6, 2)) == 2**5


def test_multi_start_search_finds_a_planted_three_camp_optimum():
    rng = np.random.default_rng(0)
    n = 18
    camp = np.repeat([0, 1, 2], 6)
    p = np.where(camp[:, None] == camp[None, :], 1.0, -0.5) * rng.uniform(0.5, 1.0, (n, n))
    p = (p + p.T) / 2
    result = landscape.minima(np.ones(n), p, coalitions=3, exact=False, starts=200, seed=1)
    assert result.method == "search"
    assert result.best.assignment == landscape.canonical(camp)
    assert result.best.reached >= 1 and sum(m.reached for m in result.minima) == 200


def test_structural_balance_of_an_unbalanced_triangle_and_weights():
    frustrated = np.array([[0, 1, 1], [1, 0, -1], [1, -1, 0]], dtype=float)
    balance = landscape.structural_balance(frustrated)
    assert balance.triads == 1 and balance.balanced_share == 0.0 and not balance.is_balanced
    four = np.array([[0, 1, -1, 1], [1, 0, -1, 1], [-1, -1, 0, -1], [1, 1, -1, 0]], dtype=float)
    assert landscape.structural_balance(four).factions == ((0, 1, 3), (2,))
    mixed = np.array([[0, 1, 1, 1], [1, 0, -1, 1], [1, -1, 0, 1], [1, 1, 1, 0]], dtype=float)
    plain = landscape.structural_balance(mixed)
    assert plain.triads == 4 and plain.balanced_share == pytest.approx(2 / 4)
    weights = np.ones((4, 4))
    weights[1, 2] = weights[2, 1] = 3.0  # the frustrated edge weighs more
    assert landscape.structural_balance(mixed, weights).balanced_share == pytest.approx(2 / (2 + 2 * 3))


def test_agreement_handles_mirror_symmetry_and_names_the_misplaced():
    assert landscape.agreement([0, 0, 1, 1], [1, 1, 0, 0]).agreement == 1.0
    result = landscape.agreement([0, 0, 1, 1], [1, 1, 0, 1])
    assert result.agreement == 0.75 and result.misplaced == (3,)


def test_random_rule_basins_are_reproducible_and_end_at_true_minima():
    sizes, p = instance(8, 5)
    a = landscape.minima(sizes, p, rule="random", seed=4)
    b = landscape.minima(sizes, p, rule="random", seed=4)
    assert a == b and a.method == "exact" and a.rule == "random"
    assert {m.assignment for m in a.minima} <= set(brute_minima(sizes, p))
    assert sum(m.basin for m in a.minima) == pytest.approx(1.0)
    big = landscape.minima(*instance(18, 5), rule="random", seed=4, starts=50)
    assert big.method == "search" and big.starts == 50
