"""Geography: great-circle distances, the reach discount and the politically relevant pairs."""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
import pytest

from conftest import BASELINE
from laossim import geography
from laossim.errors import ScenarioError
from laossim.mechanisms import crises
from laossim.scenario import load_scenario, override_scenario
from laossim.simulation import Simulation
from laossim.world import build_world
from test_batch import assert_stacked_as_alone

R = geography.EARTH_RADIUS_KM


def test_great_circle_distance_matches_the_haversine_formula_worked_by_hand():
    """Vientiane (17.97 N, 102.63 E) to Hanoi (21.03 N, 105.85 E), the formula's steps written out
    one by one; and three distances that are whole fractions of a great circle."""
    phi1, phi2 = math.radians(17.97), math.radians(21.03)
    half_dphi, half_dlam = math.radians(21.03 - 17.97) / 2, math.radians(105.85 - 102.63) / 2
    h = math.sin(half_dphi) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(half_dlam) ** 2
    by_hand = 2 * R * math.asin(math.sqrt(h))
    d = geography.great_circle_km(np.array([[17.97, 102.63], [21.03, 105.85]]))
    assert d[0, 1] == pytest.approx(by_hand, rel=1e-12)
    assert 400 < by_hand < 550  # about 4.4 degrees of arc: 490 km
    arcs = geography.great_circle_km(np.array([[0.0, 0.0], [0.0, 90.0], [90.0, 0.0], [60.0, 180.0]]))
    assert arcs[0, 1] == pytest.approx(R * math.pi / 2)  # a quarter of the equator
    assert arcs[0, 2] == pytest.approx(R * math.pi / 2)  # equator to pole
    assert arcs[2, 3] == pytest.approx(R * math.pi / 6)  # the pole to 60 N
    np.testing.assert_array_equal(arcs, arcs.T)
    assert (np.diag(arcs) == 0).all()


def test_the_reach_discount_is_one_within_reach_and_falls_with_distance_beyond():
    distance = np.array([0.0, 500.0, 1000.0, 1500.0, 3000.0, 10_000.0])
    g = geography.reach_discount(distance, np.full(6, 1000.0), 1000.0)
    np.testing.assert_array_equal(g[:3], 1.0)
    assert (np.diff(g[2:]) < 0).all()
    assert g[3] == pytest.approx(math.exp(-0.5)) and g[4] == pytest.approx(math.exp(-2.0))
    slower = geography.reach_discount(distance, np.full(6, 1000.0), 4000.0)
    assert (slower[3:] > g[3:]).all()  # a longer decay: strength falls more slowly


def test_relevance_contiguity_reach_and_an_ally_next_door():
    """Four states on the equator, 1,000 km (about 9 degrees) apart: A-B share a border; C is allied
    with B; D is far from all."""
    capitals = np.array([[0.0, 0.0], [0.0, 9.0], [0.0, 18.0], [0.0, 90.0]])
    distance = geography.great_circle_km(capitals)
    border = np.zeros((4, 4), dtype=bool)
    border[0, 1] = border[1, 0] = True
    alliance = np.zeros((4, 4), dtype=bool)
    alliance[2, 1] = alliance[1, 2] = True
    short = np.full(4, 100.0)
    rel = geography.relevant(border, alliance, distance, short)
    assert rel[0, 1] and rel[0, 2]  # contiguous; C allied with A's neighbour B
    assert not rel[1, 2]  # an alliance is not itself a reason (B and C are 1,000 km apart)
    assert not rel[0, 3] and not rel[2, 3] and not rel.diagonal().any()
    np.testing.assert_array_equal(rel, rel.T)
    long = short.copy()
    long[3] = geography.EVERYWHERE_KM  # D reaches everyone
    assert geography.relevant(border, alliance, distance, long)[:3, 3].all()
    stacked = geography.relevant(np.stack([border] * 2), np.stack([alliance] * 2), np.stack([distance] * 2),
                                 np.stack([short, long]))  # fmt: skip
    np.testing.assert_array_equal(stacked[0], rel)
    np.testing.assert_array_equal(stacked[1], geography.relevant(border, alliance, distance, long))


def test_in_the_baseline_japan_cannot_reach_laos_and_the_usa_china_and_russia_can():
    world = build_world(load_scenario(BASELINE))
    lao, jpn = world.index("LAO"), world.index("JPN")
    assert not world.relevant[lao, jpn]
    for power in ("USA", "CHN", "RUS"):
        p = world.index(power)
        assert world.distance[lao, p] <= world.reach[p]
        assert world.relevant[lao, p]


BASELINE_RUN_YEARS = 1000 * 80 // 4
"""1,000 replications of the baseline's 80 quarters: 20,000 run-years. A pair at 0.1% a year would
have 20 crises in expectation, so a check on the count alone can fail by chance; before the geography
Laos-Japan had 0.73% a year (146 crises here) and Laos-USA 1.48% (295); with it, and the lower odds
of a crisis between states that share no border (``crises.distant``), none and 0.07% (14). Since the
crises read the perceived tension (model version 7, mechanism 5a), whose misperception raises the
odds, Laos-USA's expected rate is 0.08% a year (the mean of its hazard along the runs), and the check
reads that rate; the count must agree with it."""


@pytest.fixture(scope="module")
def baseline_crises() -> tuple[Counter[frozenset[str]], dict[frozenset[str], float]]:
    """The baseline's crises by pair over :data:`BASELINE_RUN_YEARS` run-years (one stack), and each
    pair's expected crises a year: the mean over the runs and steps of its crisis probability a step
    (:func:`laossim.mechanisms.crises.hazard`), times the steps a year."""

    spec = load_scenario(BASELINE)
    stack = Simulation.replicated(spec, BASELINE_RUN_YEARS * 4 // spec.simulation.steps, spec.simulation.steps)
    hazard = np.zeros((stack.world.n, stack.world.n))
    for t in range(1, spec.simulation.steps + 1):
        hazard += crises.hazard(stack.world, stack.params).mean(axis=0)  # what step t's draws face
        stack.advance(t)
    yearly = hazard / spec.simulation.steps * stack.world.steps_per_year
    ids = stack.world.ids
    rates = {frozenset((ids[i], ids[j])): float(yearly[i, j]) for i in range(len(ids)) for j in range(i)}
    pairs: Counter[frozenset[str]] = Counter()
    for _, block in stack.log:
        crisis = block.kind == "crisis"
        pairs.update(frozenset(p) for p in zip(block.source[crisis], block.target[crisis], strict=True))
    return pairs, rates


def test_in_the_baseline_laos_japan_crises_happen_under_one_in_a_thousand_years(baseline_crises):
    counts, rates = baseline_crises
    assert counts[frozenset(("LAO", "JPN"))] / BASELINE_RUN_YEARS < 0.001
    assert rates[frozenset(("LAO", "JPN"))] < 0.001
    assert counts[frozenset(("LAO", "VNM"))] > 0  # the run has crises: contiguous pairs have them


def test_in_the_baseline_laos_usa_crises_happen_under_one_in_a_thousand_years(baseline_crises):
    counts, rates = baseline_crises
    pair = frozenset(("LAO", "USA"))
    assert rates[pair] < 0.001
    expected = rates[pair] * BASELINE_RUN_YEARS  # the count is Poisson-like around it: within 4 SDs
    assert abs(counts[pair] - expected) < 4 * np.sqrt(expected) + 1, (counts[pair], expected)


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (-1, "states.JPN.reach: out of range"),
        (30_000, "states.JPN.reach: out of range"),
        (True, "states.JPN.reach: true or false where a number is meant"),
    ],
)
def test_a_reach_beyond_its_meaning_is_refused_with_its_file_and_line(tmp_path, value, words):
    text = BASELINE.read_text()
    assert "reach: 1852}" in text
    path = tmp_path / "bad.yaml"
    path.write_text(text.replace("reach: 1852}", f"reach: {str(value).lower()}}}"))
    line = 1 + next(n for n, row in enumerate(path.read_text().splitlines()) if " reach: " in row)
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert f"{path}:{line}: {words}" in caught.value.render()


def test_runs_that_differ_in_reach_and_capitals_share_a_stack_and_keep_their_own_numbers():
    """Distance, reach and relevance are per run: Japan relevant to Laos in one run and not in
    another, Laos's capital moved in a third, crises frequent; each run as it is alone, to the bit."""
    base = override_scenario(load_scenario(BASELINE), {"parameters.crises.intercept": -2.0})
    specs = [
        base,
        override_scenario(base, {"states.JPN.reach": geography.EVERYWHERE_KM}),
        override_scenario(base, {"states.LAO.capital": [19.89, 102.13]}),  # Luang Prabang
    ]
    worlds = [build_world(spec) for spec in specs]
    lao, jpn = worlds[0].index("LAO"), worlds[0].index("JPN")
    assert not worlds[0].relevant[lao, jpn] and worlds[1].relevant[lao, jpn]
    assert worlds[2].distance[lao, jpn] != worlds[0].distance[lao, jpn]
    assert_stacked_as_alone(specs, seed=3, label="reach")


def test_a_relevant_pair_without_a_border_has_lower_odds_of_a_crisis_by_the_distant_term():
    from laossim.world import build_world

    spec = load_scenario(BASELINE)
    world = build_world(spec)
    lao, usa = world.ids.index("LAO"), world.ids.index("USA")
    border = world.border.copy()
    border[lao, usa] = border[usa, lao] = True
    neighbours = world.evolve(border=border)
    spy, phi = world.steps_per_year, spec.parameters.crises.distant
    far, near = (1 - (1 - crises.hazard(w, spec.parameters)[lao, usa]) ** spy for w in (world, neighbours))
    odds = lambda p: p / (1 - p)  # noqa: E731
    assert odds(far) == pytest.approx(odds(near) * np.exp(-phi), rel=1e-3)  # dyads in single precision
