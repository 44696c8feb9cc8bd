"""Camps (mechanism 2a): landscape theory's frustration-lowering moves inside the run, the cost of
leaving a camp that grows with its ties, and the history it gives: two basins with lock-in, one
without."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

import laossim
from conftest import SCENARIOS
from laossim import landscape
from laossim.mechanisms import alignment, camps
from laossim.mechanisms.records import describe
from laossim.scenario import load_scenario
from laossim.simulation import Simulation
from laossim.world import World, build_world, per_step
from yaml_writer import dump

# -- the two basins ----------------------------------------------------------------------------

YEARS, EARLY = 20, 5


def estrangement(year: int) -> list[dict[str, Any]]:
    """A year of estrangement from China and courting by the USA (figures that then fade)."""
    between = {"type": "change", "op": "set", "at": f"{year}-Q2"}
    return [
        {**between, "between": ["LAO", "CHN"], "field": "tension", "value": 0.9},
        {**between, "between": ["LAO", "CHN"], "field": "trust", "value": 0.0},
        {**between, "between": ["LAO", "USA"], "field": "trust", "value": 0.9},
    ]


HISTORIES: dict[str, list[dict[str, Any]]] = {
    "estranged": [event for year in (2025, 2027, 2029) for event in estrangement(year)],
    "courted": [{"type": "change", "op": "set", "at": "2026-Q1", "between": ["LAO", "CHN"], "field": "trust",
                 "value": 0.9}],
}  # fmt: skip
"""Two histories of the first five years (2025-2029) of one scenario; nothing happens after."""


def two_poles(tmp_path: Path, history: str, lock_in: float) -> Simulation:
    """Laos between China and the USA, leaning to China (its landscape puts it there by 0.78 of its
    frustration), with nothing random: no engagements, crises or noise."""
    data = {
        "format_version": 1,
        "scenario": "two_basins",
        "description": "Laos between two poles, for the two-basin test.",
        "simulation": {"start": "2025-Q1", "time_unit": "quarter", "steps": 4 * YEARS, "seed": 3, "replications": 1},
        "poles": ["CHN", "USA"],
        "states": [
            {"id": "LAO", "name": "Lao PDR", "role": "focal", "doctrine": "hedger", "capital": [17.97, 102.63],
             "capability": 0.001, "engagement_budget": 0, "alignment": {"CHN": 0.6, "USA": 0.4}},
            {"id": "CHN", "name": "China", "role": "external", "capital": [39.9, 116.4], "capability": 0.23,
             "engagement_budget": 0},
            {"id": "USA", "name": "United States", "role": "external", "capital": [38.9, -77.0],
             "capability": 0.13, "engagement_budget": 0},
        ],
        "relations": [
            {"between": ["CHN", "LAO"], "affinity": 0.5},
            {"between": ["LAO", "USA"], "affinity": 0.0},
            {"between": ["CHN", "USA"], "affinity": -0.6, "tension": 0.5},
        ],
        "events": HISTORIES[history],
        "parameters": {"alignment": {"noise": 0.0}, "crises": {"intercept": -50.0}, "camps": {"lock_in": lock_in}},
    }  # fmt: skip
    path = tmp_path / f"{history}_{lock_in}.yaml"
    path.write_text(dump(data))
    spec = load_scenario(path)
    assert all(spec.event_step(ev.at) <= 4 * EARLY for ev in spec.events)  # the histories differ in 2025-2029 only
    sim = Simulation(spec, np.random.SeedSequence(3), 4 * YEARS)
    sim.run()
    return sim


def final_camp(sim: Simulation, state: str = "LAO") -> str:
    world = sim.world
    return world.ids[world.poles[world.camp[world.index(state)]]]


def test_with_lock_in_two_histories_of_the_first_five_years_end_in_two_camps_and_without_it_in_one(tmp_path):
    locked = {history: two_poles(tmp_path, history, 1.0) for history in HISTORIES}
    free = {history: two_poles(tmp_path, history, 0.0) for history in HISTORIES}
    assert {h: final_camp(s) for h, s in locked.items()} == {"estranged": "USA", "courted": "CHN"}
    assert {h: final_camp(s) for h, s in free.items()} == {"estranged": "CHN", "courted": "CHN"}
    # the estranged Laos left China in the estrangement's first year, and without lock-in came back
    # once the estrangement had faded; with it, the ties it built with the USA held it there
    assert [(t, r.target) for t, r in locked["estranged"].records if r.kind == camps.SWITCH] == [(2, "USA")]
    switches = [(t, r.target) for t, r in free["estranged"].records if r.kind == camps.SWITCH]
    assert [to for _, to in switches] == ["USA", "CHN"] and switches[1][0] > 4 * EARLY
    lao, usa = locked["estranged"].world.index("LAO"), locked["estranged"].world.index("USA")
    assert (
        locked["estranged"].world.interoperability[lao, usa] > 0.4 > free["estranged"].world.interoperability[lao, usa]
    )
    # and the camp moved its position: two basins of Laos's share on China after twenty years
    share = {h: s.world.alignment[lao, 0] for h, s in locked.items()}
    assert share["estranged"] < 0.2 and share["courted"] > 0.55


# -- the mechanism on its own ------------------------------------------------------------------


@pytest.fixture
def baseline_world() -> tuple[World, Any]:
    spec = load_scenario(SCENARIOS / "laos_baseline.yaml")
    return camps.settled(alignment.anchored(build_world(spec), spec.parameters), spec.parameters), spec.parameters


def landscape_of(world: World, params: Any) -> tuple[np.ndarray, np.ndarray]:
    lp = params.landscape
    sizes = world.capability / world.capability.sum()
    p = landscape.propensities(world.affinity, world.trust, world.tension, lp.affinity, lp.trust).astype(float)
    return sizes, (p + p.T) / 2


def test_the_frustration_shed_is_landscape_theorys_and_a_move_lowers_the_energy(baseline_world):
    world, params = baseline_world
    sizes, p = landscape_of(world, params)
    shed = camps.shed(world, params)
    scale = (sizes * np.abs(p - np.diag(np.diag(p)))).sum(axis=1)
    before = landscape.frustration(sizes, p, world.camp)
    for i in np.flatnonzero(~world.is_pole):
        for c in range(world.k):
            moved = world.camp.copy()
            moved[i] = c
            after = landscape.frustration(sizes, p, moved)[i]
            assert shed[i, c] == pytest.approx((before[i] - after) / scale[i], abs=1e-6)
            change = landscape.delta_energy(sizes, p, world.camp, int(i), c)
            assert change == pytest.approx(-2 * sizes[i] * scale[i] * shed[i, c], abs=1e-9)


@pytest.mark.parametrize("path", sorted(SCENARIOS.glob("*.yaml")), ids=lambda p: p.stem)
def test_a_run_begins_with_camps_at_a_local_minimum_of_frustration(path: Path):
    spec = load_scenario(path)
    world = camps.settled(alignment.anchored(build_world(spec), spec.parameters), spec.parameters)
    assert (camps.moves(world, spec.parameters, locked=False) <= camps.TOLERANCE).all()
    np.testing.assert_array_equal(world.camp_start, world.camp)
    np.testing.assert_array_equal(world.camp[world.poles], np.arange(world.k))  # a pole is its own camp


def test_a_state_leaves_its_camp_only_for_more_than_the_threshold_and_its_ties(baseline_world):
    world, params = baseline_world
    tha, chn = world.index("THA"), world.index("CHN")
    assert world.camp[tha] == 0  # China's
    net = camps.moves(world, params)[tha, 1]
    tension = world.tension.copy()
    tension[tha, chn] = tension[chn, tha] = 1.0  # China now threatens Thailand
    hostile = world.evolve(tension=tension)
    shed = camps.shed(hostile, params)[tha, 1]
    assert shed > net  # it would shed more than before by moving to the USA's camp
    c = params.camps
    for tie in (0.0, 0.5, 1.0):
        interop = world.interoperability.copy()
        interop[tha, chn] = interop[chn, tha] = tie
        tied = hostile.evolve(interoperability=interop)
        assert camps.cost(tied, params)[tha] == pytest.approx(c.threshold + c.lock_in * tie, rel=1e-6)
        camp, gain = camps.best_move(tied, params)
        leaves = shed > c.threshold + c.lock_in * tie
        assert (camp[tha] == 1) == leaves and (
            camp[np.arange(world.n) != tha] == world.camp[np.arange(world.n) != tha]
        ).all()
        if leaves:
            assert gain == pytest.approx(shed - c.threshold - c.lock_in * tie, rel=1e-6)


def test_one_state_moves_a_step_the_one_that_gains_most(baseline_world):
    world, params = baseline_world
    free = params.model_copy(update={"camps": params.camps.model_copy(update={"threshold": 0.0, "lock_in": 0.0})})
    tension, trust = world.tension.copy(), world.trust.copy()
    for state in ("THA", "MMR"):
        i, chn = world.index(state), world.index("CHN")
        tension[i, chn] = tension[chn, i] = 1.0
        trust[i, chn] = trust[chn, i] = 0.0
    hostile = world.evolve(tension=tension, trust=trust)
    net = camps.moves(hostile, free)
    movers = np.flatnonzero(net.max(axis=1) > 0)
    assert len(movers) >= 2
    camp, gain = camps.best_move(hostile, free)
    moved = np.flatnonzero(camp != world.camp)
    assert list(moved) == [int(np.unravel_index(np.argmax(net), net.shape)[0])] and gain == net.max()


def test_a_camp_builds_interoperability_with_its_pole_alone(baseline_world):
    world, params = baseline_world
    after, records = camps.step(world, params, None, 1)  # draws nothing
    assert not len(records)
    g = per_step(params.camps.ties, world.steps_per_year)
    before = world.interoperability.astype(float)
    grown = after.interoperability.astype(float)
    expected = before.copy()
    for i in np.flatnonzero(~world.is_pole):
        p = world.poles[world.camp[i]]
        expected[i, p] = expected[p, i] = before[i, p] + g * (1 - before[i, p])
    np.testing.assert_allclose(grown, expected, atol=1e-6)
    np.testing.assert_array_equal(after.interoperability, after.interoperability.T)


def test_a_switch_is_recorded_and_moves_the_target_by_the_camps_shift(baseline_world):
    world, params = baseline_world
    tha = world.index("THA")
    tension = world.tension.copy()
    chn = world.index("CHN")
    tension[tha, chn] = tension[chn, tha] = 1.0
    trust = world.trust.copy()
    trust[tha, chn] = trust[chn, tha] = 0.0
    after, records = camps.step(world.evolve(tension=tension, trust=trust), params, None, 1)
    assert [(r.kind, r.source, r.target) for r in records] == [(camps.SWITCH, "THA", "USA")]
    assert describe(records[0]).startswith("THA joins the camp of USA")
    shift = alignment.camp_shift(after, params)
    poles = world.resting[world.poles]
    np.testing.assert_allclose(shift[tha], params.camps.shift * (poles[1] - poles[0]))
    assert not np.delete(shift, tha, axis=0).any()
    lev = alignment.leverage(after, params)
    moved = alignment.target(after, params, lev) - alignment.target(world, params, lev)
    np.testing.assert_allclose(moved[tha], shift[tha], atol=1e-12)


def test_runs_record_each_states_camp():
    result = laossim.run(SCENARIOS / "teaching_minimal.yaml", replications=1, steps=4)
    states = result.states
    assert set(states["camp"]) <= {"CHN", "USA"}
    assert (states.loc[states["state"] == "USA", "camp"] == "USA").all()
