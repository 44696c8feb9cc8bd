"""The border (mechanism 7c): transnational incidents on shared borders, fewer with more border
cooperation; the stock built by border patrols and lapsing; the Mekong patrols scenario."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from conftest import BASELINE, SCENARIOS, tiny_scenario
from laossim.errors import ScenarioError
from laossim.mechanisms import border, engagement
from laossim.scenario import load_scenario
from laossim.simulation import Simulation
from laossim.world import DYAD, World, build_world

MEKONG = SCENARIOS / "mekong_patrols.yaml"


def bordered(world: World, cooperation: float) -> World:
    """``world`` with one shared border, between its first two states, of the given cooperation."""
    n = world.n
    shared = np.zeros((n, n), dtype=bool)
    shared[0, 1] = shared[1, 0] = True
    stock = np.zeros((n, n), dtype=DYAD)
    stock[0, 1] = stock[1, 0] = cooperation
    return world.evolve(border=shared, border_cooperation=stock, incidents=np.zeros(n))


def counts(world: World, steps: int, seed: int = 3) -> np.ndarray:
    """Each step's incidents on the first pair's border, the stock held where it is (steps, )."""
    params = tiny_scenario().parameters
    rng = np.random.default_rng(seed)
    out = []
    for t in range(1, steps + 1):
        _, records = border.step(world, params, rng, t)
        out.append(sum(r.magnitude for r in records))
        assert {r.kind for r in records} <= {border.KIND}
        assert all({r.source, r.target} == {world.ids[0], world.ids[1]} for r in records)
    return np.array(out)


def test_the_poisson_quantile_is_scipys():
    u = np.random.default_rng(0).random(2000)
    for mean in (0.0, 0.08, 0.7, 2.5, 40.0):
        np.testing.assert_array_equal(
            border.poisson_quantile(u, np.full_like(u, mean)), stats.poisson.ppf(u, mean).astype(np.int64)
        )


def test_only_a_shared_border_has_incidents_and_more_cooperation_has_fewer():
    world = build_world(tiny_scenario())
    spy = world.steps_per_year
    steps = 4000
    none, full = counts(bordered(world, 0.0), steps), counts(bordered(world, 1.0), steps)
    lam0, kappa = 10.0, 2.0  # the defaults
    # Poisson means a step, lambda / s: 2.5 and 0.338 a quarter; the tolerance is 5 standard errors
    for drawn, expected in ((none, lam0 / spy), (full, lam0 * np.exp(-kappa) / spy)):
        assert abs(drawn.mean() - expected) < 5 * np.sqrt(expected / steps), (drawn.mean(), expected)
    assert (full <= none).all() and full.sum() < 0.2 * none.sum()  # the same draws: never more
    # a state with no shared border has none, however many steps
    stepped = bordered(world, 0.0)
    rng = np.random.default_rng(1)
    for t in range(1, 200):
        stepped, _ = border.step(stepped, tiny_scenario().parameters, rng, t)
    assert (stepped.incidents[2:] == 0).all() and (stepped.incidents[:2] > 0).all()


def test_the_stock_lapses_at_its_yearly_rate_and_border_patrols_build_it():
    world = bordered(build_world(tiny_scenario()), 0.5)
    params = tiny_scenario().parameters
    rng = np.random.default_rng(0)
    stepped = world
    for t in range(1, world.steps_per_year + 1):
        stepped, _ = border.step(stepped, params, rng, t)
    assert stepped.border_cooperation[0, 1] == pytest.approx(0.5 * (1 - 0.2), rel=1e-6)
    kinds = engagement.KIND_NAMES
    runs = np.zeros(1, dtype=np.intp)
    patrolled, _ = engagement.apply(
        world, params, np.array([0]), np.array([1]), np.array([kinds.index("border_patrol")]), runs=runs
    )
    assert patrolled.border_cooperation[0, 1] == pytest.approx(0.5 + 0.5 * (1 - np.exp(-0.05)), rel=1e-6)
    assert patrolled.border_cooperation[1, 0] == patrolled.border_cooperation[0, 1]
    exercised, _ = engagement.apply(
        world, params, np.array([0]), np.array([1]), np.array([kinds.index("joint_exercise")]), runs=runs
    )
    assert exercised.border_cooperation[0, 1] == world.border_cooperation[0, 1]


def test_a_run_begins_at_rest_with_incidents_at_their_expected_rate():
    """Each state's tally stays at the sum of its borders' rates (the mean of 64 replications over 40
    steps, within 3%), and the stock where the scenario put it, as the rest holds trust and
    interoperability (in this run those move by up to 0.029 and 0.051 in the mean; the stock by
    0.027, in a pair with few patrols)."""
    sim = Simulation.replicated(load_scenario(BASELINE), 64, 40, seed=2)
    start = sim.world
    expected = border.pair_rates(start, sim.params)[0].sum(axis=-1)
    lao = start.index("LAO")
    assert expected[lao] == pytest.approx(5 * 10 * np.exp(-2 * 0.2))  # five borders at the default 0.2
    tally = []
    for t in range(1, 41):
        sim.advance(t)
        tally.append(sim.world.incidents.mean(axis=0))
    np.testing.assert_allclose(np.mean(tally, axis=0), expected, rtol=0.03)
    cooperation = sim.world.border_cooperation.mean(axis=0)
    np.testing.assert_allclose(cooperation, start.border_cooperation[0], atol=0.035)


def test_the_mekong_patrols_lower_laoss_incidents_against_the_baseline_with_paired_seeds():
    import laossim

    patrols = laossim.run(MEKONG, replications=4, seed=9)
    steps = patrols.provenance["steps"]
    base = laossim.run(BASELINE, replications=4, seed=9, steps=steps)

    def laos(result) -> np.ndarray:
        events = result.events
        mine = events[(events.kind == border.KIND) & ((events.source == "LAO") | (events.target == "LAO"))]
        return (
            mine.groupby(["replication", "step"])
            .magnitude.sum()
            .unstack(fill_value=0)
            .reindex(columns=range(1, steps + 1), fill_value=0)
            .to_numpy()
        )

    campaign = slice(4, 24)  # 2026-2030: steps 5-24
    with_patrols, without = laos(patrols), laos(base)
    assert (with_patrols <= without).all()  # the same draws, more cooperation: never more
    yearly = lambda counts: counts[:, campaign].sum(axis=1) / 5  # noqa: E731
    assert (yearly(with_patrols) < 0.8 * yearly(without)).all()
    before = slice(0, 4)  # 2025: nothing has changed yet
    np.testing.assert_array_equal(with_patrols[:, before], without[:, before])


def test_a_bad_border_cooperation_in_a_file_is_reported_at_its_line(tmp_path):
    text = BASELINE.read_text().replace(
        "{between: [LAO, MMR], affinity: 0.2, border: true}",
        "{between: [LAO, MMR], affinity: 0.2, border: true, border_cooperation: 1.5}",
    )
    line = next(n for n, row in enumerate(text.splitlines(), 1) if "border_cooperation: 1.5" in row)
    bad = tmp_path / "bad.yaml"
    bad.write_text(text)
    with pytest.raises(ScenarioError) as err:
        load_scenario(bad)
    assert f"bad.yaml:{line}" in str(err.value) and "border_cooperation" in str(err.value)
