"""Arms imports (mechanism 9b): supplier ties from SIPRI's deliveries that lock buyers in, absorption
built by training, and deterrence by denial between neighbours, whose effect on security depends on
the threat environment."""

from __future__ import annotations

import numpy as np
import pytest

from conftest import SCENARIOS, tiny_scenario
from laossim import batch
from laossim.mechanisms import arms, begin_step, crises, economy, ministry, security
from laossim.scenario import Scenario, load_scenario, override_scenario, transfers
from laossim.simulation import Simulation
from laossim.world import World, build_world, supplier_ties
from test_batch import assert_mechanism_stacks, runs

BACKTEST = SCENARIOS / "backtest_2000.yaml"
OBSERVED_LAOS_2000_2021 = {"RUS": 129.0, "CHN": 100.0}
"""SIPRI's deliveries to Laos 2000-2021 from the scenario's states (TIV m; Ukraine's 26, Canada's 8
and France's 7 come from states outside it): read from the shipped file by the test below."""


def test_the_initial_ties_of_the_2000_backtest_are_sipris_1990_1999_deliveries():
    """Laos 1990-1999: Russia 69, Ukraine 26, China 8 TIV m; Ukraine is not a state of the scenario,
    so Laos's ties are 69/77 Russia and 8/77 China. The Soviet Union counts as Russia."""
    volume = transfers.tiv(2000, ("LAO", "RUS", "UKR", "CHN"))
    assert volume[0].tolist() == [0.0, 69.0, 26.0, 8.0]
    world = build_world(load_scenario(BACKTEST))
    lao = world.index("LAO")
    ties = dict(zip(world.ids, world.supplier_ties[lao], strict=True))
    assert ties["RUS"] == pytest.approx(69 / 77) and ties["CHN"] == pytest.approx(8 / 77)
    assert sum(v for k, v in ties.items() if k not in ("RUS", "CHN")) == 0
    sums = world.supplier_ties.sum(axis=1)
    assert np.allclose(sums[sums > 0], 1.0) and (sums[sums == 0] == 0).all()
    soviet = transfers.deliveries()  # India's Soviet deliveries of 1990-1991 are Russia's
    assert "SUN" not in set(soviet.supplier_iso3)
    raw = transfers.tiv(1992, ("IND", "RUS"))[0, 1]
    assert raw >= 3392  # the Soviet Union's 1990-1991 deliveries to India alone
    assert world.arms_exporter[[world.index(s) for s in ("USA", "RUS", "CHN")]].all()
    assert not world.arms_exporter[lao]


def test_a_relation_overrides_a_share_and_the_data_fill_the_rest():
    spec = load_scenario(BACKTEST)
    dumped = spec.model_dump(mode="json")
    for rel in dumped["relations"]:
        if set(rel["between"]) == {"CHN", "LAO"}:
            rel["arms"] = {"LAO": 0.6}
    ties, exporter = supplier_ties(Scenario.model_validate(dumped))
    ids = spec.state_ids
    lao = ids.index("LAO")
    assert ties[lao, ids.index("CHN")] == pytest.approx(0.6)
    assert ties[lao, ids.index("RUS")] == pytest.approx(0.4)  # Russia alone of the data fills the rest
    assert ties[lao].sum() == pytest.approx(1.0)
    # a scenario outside the data buys from its external powers; a partial row with nothing else sums to 1
    tiny = tiny_scenario().model_dump(mode="json")
    tiny["relations"].append({"between": ["LAO", "USA"], "arms": {"LAO": 0.3}})
    tiny["simulation"]["start"] = "1900-Q1"
    ties, exporter = supplier_ties(Scenario.model_validate(tiny))
    assert ties[0].tolist() == [0.0, 0.0, 0.0, 1.0] and exporter.tolist() == [False, False, False, True]


def test_purchases_follow_the_ties_to_the_power_lock_in_and_the_partners_value():
    world = build_world(load_scenario(BACKTEST))
    params = load_scenario(BACKTEST).parameters
    bought = arms.purchase_shares(world, params)
    sums = bought.sum(axis=-1)
    assert np.allclose(sums, 1.0)  # every state has an exporter to buy from
    assert (bought[:, ~world.arms_exporter] == 0).all() and (np.diag(bought) == 0).all()
    lao, rus, chn = (world.index(s) for s in ("LAO", "RUS", "CHN"))

    def value(j: int) -> float:
        return float(world.trust[lao, j]) + float(world.interoperability[lao, j]) - float(world.tension[lao, j])

    o = params.arms.openness
    expected = (
        (world.supplier_ties[lao, rus] + o) / (world.supplier_ties[lao, chn] + o) * np.exp(value(rus) - value(chn))
    )
    assert bought[lao, rus] / bought[lao, chn] == pytest.approx(expected, rel=1e-6)  # lock-in 1: in proportion
    locked = override_scenario(load_scenario(BACKTEST), {"parameters.arms.lock_in": 3.0}).parameters
    assert arms.purchase_shares(world, locked)[lao, rus] > bought[lao, rus] > 0.5  # the leader gains
    free = override_scenario(load_scenario(BACKTEST), {"parameters.arms.lock_in": 0.0}).parameters
    assert arms.purchase_shares(world, free)[lao, rus] < bought[lao, rus]


def test_ties_fade_toward_purchases_at_their_memory_and_deliveries_add_up():
    spec = load_scenario(BACKTEST)
    world, params = build_world(spec), spec.parameters
    bought = arms.purchase_shares(world, params)
    stepped, records = arms.step(world, params, np.random.default_rng(0), 1)
    assert records == ()
    mu = 1 - np.exp(-1 / (params.arms.memory * world.steps_per_year))
    has = world.supplier_ties.sum(axis=1) > 0
    np.testing.assert_allclose(stepped.supplier_ties[has], ((1 - mu) * world.supplier_ties + mu * bought)[has])
    np.testing.assert_allclose(stepped.supplier_ties[~has], bought[~has])  # a first purchase sets the ties
    np.testing.assert_allclose(arms.arms_shares(stepped).sum(axis=1), 1.0)
    imports = world.arms_import_share * params.ministry.procurement_share * world.defence_budget / world.steps_per_year
    np.testing.assert_allclose(stepped.arms_deliveries.sum(axis=1), imports)  # US$ m, all bought
    herfindahl = np.square(arms.arms_shares(stepped)).sum(axis=1)  # what a hedging index reads
    assert ((herfindahl > 0) & (herfindahl <= 1)).all()


def test_imports_beyond_absorption_are_wasted_and_training_builds_absorption_that_fades():
    spec = load_scenario(BACKTEST)
    world, params = build_world(spec), spec.parameters
    lao = world.index("LAO")
    spy = world.steps_per_year
    # at the steady stock Laos's imports (0.9 x delta K a year) are within its absorption of 0.1
    stepped, _ = arms.step(world, params, np.random.default_rng(0), 1)
    assert stepped.military_stock[lao] == world.military_stock[lao]
    # with absorption 0.02 a year only 0.02 K / s of them become stock
    poor = world.evolve(absorption=np.full(world.n, 0.02))
    imports = 0.9 * 0.25 * world.defence_budget[lao] * 1e-3 / spy
    stepped, _ = arms.step(poor, params, np.random.default_rng(0), 1)
    waste = imports - 0.02 * world.military_stock[lao] / spy
    assert stepped.military_stock[lao] == pytest.approx(world.military_stock[lao] - waste, rel=1e-12)
    # a step's capability gain from partners adds to absorption; it fades at its yearly rate (begin_step)
    trained = world.evolve(capability_gain=np.where(np.arange(world.n) == lao, 0.05, 0.0))
    stepped, _ = arms.step(trained, params, np.random.default_rng(0), 1)
    assert stepped.learned_absorption[lao] == pytest.approx(0.05) and arms.capacity(stepped)[lao] == pytest.approx(0.15)
    for t in range(2, spy + 2):
        stepped, _ = arms.step(begin_step(stepped, params), params, np.random.default_rng(0), t)
    assert stepped.learned_absorption[lao] == pytest.approx(0.05 * 0.5, rel=1e-9)  # half fades in a year


def test_a_run_starts_the_absorption_training_built_at_its_expected_value():
    """A fading tally: the baseline's Laos receives training and exercises, so it begins with some
    (0.03 to 0.06 in the baseline's replications)."""
    sim = Simulation.replicated(load_scenario(SCENARIOS / "laos_baseline.yaml"), 2, 4, seed=1)
    lao = sim.world.index("LAO")
    assert (sim.world.learned_absorption[:, lao] > 0).all()
    assert (sim.world.learned_absorption[:, lao] < 1).all()


def test_arms_on_a_stack_gives_each_run_its_own_world_to_the_bit():
    sims, t = runs(BACKTEST, 5)
    params = sims[0].params
    _, worlds = assert_mechanism_stacks(sims, "arms", t)
    stack = batch.stack(worlds)  # and the deterrence term of the hazard, over every dyad
    for b, world in enumerate(worlds):
        np.testing.assert_array_equal(crises.hazard(stack, params)[b], crises.hazard(world, params))


# -- deterrence by denial, and the spiral: modernisation's effect depends on the threat environment --


def neighbours(hostile: bool, deterrence: float = 2.0) -> Scenario:
    """A hand-made world: Laos and a neighbour twice its economy and military stock, the two poles
    far away; the neighbour hostile (affinity -0.8, tension 0.7) or benign (affinity 0.8, tension
    0.05). Every economic figure is given, so no data are read; Laos absorbs 0.3 of its stock a
    year (a trained force) so that its imports become stock."""
    economy_of = {"gdp_growth": 0.0, "defence_share": 0.02, "external_debt": 0.0, "modernization": 0.02}
    lao = {"id": "LAO", "role": "focal", "capital": [18, 102.6], "capability": 0.001, "absorption": 0.3}
    rival = {"id": "VNM", "capital": [21, 105.8], "capability": 0.002}
    relation = {"between": ["LAO", "VNM"], "border": True}
    relation |= {"affinity": -0.8, "tension": 0.7} if hostile else {"affinity": 0.8, "tension": 0.05}
    return Scenario.model_validate(
        {
            "scenario": "deterrence",
            "simulation": {"steps": 20, "seed": 1, "replications": 1},
            "poles": ["CHN", "USA"],
            "states": [
                lao | economy_of | {"gdp": 20.0, "alignment": {"CHN": 0.5, "USA": 0.5}},
                rival | economy_of | {"gdp": 40.0, "alignment": {"CHN": 0.5, "USA": 0.5}},
                {"id": "CHN", "capital": [39.9, 116.4], "capability": 0.2},
                {"id": "USA", "capital": [38.9, -77.0], "capability": 0.2},
            ],
            "relations": [relation],
            "forums": [{"id": "ASEAN", "members": ["LAO", "VNM"], "period": 2, "strength": 0.5}],
            "parameters": {"arms": {"deterrence": deterrence}},
        }
    )


def five_years(spec: Scenario, modernising: bool) -> tuple[float, float, float]:
    """Laos-neighbour crisis hazard a year, tension and Laos's denial D after five years of the
    deterministic mechanisms (security dilemma, economy, ministry, arms; no draws). Modernising:
    from the same start, Laos's defence share doubled (2% to 4% of GDP) and its capability growth
    up from 2% to 6% a year, so its stock and its capability grow faster."""
    world, params = build_world(spec), spec.parameters
    lao, rival = world.index("LAO"), world.index("VNM")
    if modernising:
        own = np.arange(world.n) == lao
        world = world.evolve(
            defence_share=np.where(own, 0.04, world.defence_share),
            modernization=np.where(own, 0.06, world.modernization),
        )
    rng = np.random.default_rng(0)
    for t in range(1, 5 * world.steps_per_year + 1):
        world = begin_step(world, params)
        for mechanism in (security, economy, ministry, arms):
            world, _ = mechanism.step(world, params, rng, t)
    world = world.evolve(beliefs=world.tension.copy())  # read without misperception (beliefs are not run here)
    at = (np.array([lao]), np.array([rival]))
    risk = float(crises.hazard(world, params, at)[0]) * world.steps_per_year
    return risk, float(world.tension[lao, rival]), float(crises.denial(world, params.geography.decay, at)[0])


def test_modernising_deters_a_hostile_neighbour_and_spirals_with_benign_ones():
    """With the default deterrence (2): against a hostile neighbour Laos's faster-growing stock lowers
    the pair's crisis hazard by about a tenth (deterrence by denial: D from 0.67 to 0.83 outweighs the
    tension the security dilemma adds, 0.517 to 0.541); with a benign neighbour the same modernisation
    raises it by about 8% (the spiral: tension 0.154 to 0.206, and little threat to deter)."""
    hostile, benign = neighbours(True), neighbours(False)
    (base_h, tension_h, d_h), (mod_h, tension_h2, d_h2) = five_years(hostile, False), five_years(hostile, True)
    (base_b, tension_b, _), (mod_b, tension_b2, _) = five_years(benign, False), five_years(benign, True)
    assert d_h == pytest.approx(2 / 3) and d_h2 > 0.8  # the weaker side's denial grows toward parity
    assert tension_h2 > tension_h and tension_b2 > tension_b  # the security dilemma in both
    assert mod_h < 0.92 * base_h  # deterrence
    assert mod_b > 1.05 * base_b  # spiral
    # without the deterrence term, modernising raises the risk in both environments
    for spec in (neighbours(True, 0.0), neighbours(False, 0.0)):
        assert five_years(spec, True)[0] > five_years(spec, False)[0]


def test_the_deterrence_term_is_zero_off_a_shared_border_and_without_tension():
    spec = neighbours(True)
    world, params = build_world(spec), spec.parameters
    term = crises.deterrence_term(world, params, (...,), lambda value: value)
    assert (term[~world.border] == 0).all() and (term[world.border] > 0).all()
    calm = world.evolve(tension=np.zeros_like(world.tension), beliefs=np.zeros_like(world.beliefs))
    assert (crises.deterrence_term(calm, params, (...,), lambda value: value) == 0).all()
    assert (crises.denial(world.evolve(military_stock=np.zeros(world.n)), 1000.0) == 0).all()


# -- the data check: arms deliveries to Laos 2000-2021 ------------------------------------------


def simulated_laos_shares(replications: int = 20) -> dict[str, float]:
    """Each supplier's share of the arms delivered to Laos over 2000-2021 (88 quarters) in the 2000
    backtest, summed over ``replications`` runs (one stack)."""
    spec = load_scenario(BACKTEST)
    sim = Simulation.replicated(spec, replications, 88, seed=2000)
    sim.run()
    world: World = sim.world
    lao = world.index("LAO")
    delivered = world.arms_deliveries[:, lao, :].sum(axis=0)
    return dict(zip(world.ids, (delivered / delivered.sum()).tolist(), strict=True))


def test_russia_and_china_are_lao_s_top_two_arms_suppliers_2000_2021_as_observed():
    """Only the 1990-1999 deliveries are read (the initial ties); 2000-2021 is the check. Observed
    (SIPRI, from the shipped file): Russia 129, China 100 TIV m from the scenario's states, shares
    0.563 and 0.437. Simulated (20 runs): Russia 0.66, China 0.11, each other exporter at most 0.05
    (Japan): the order holds; China's share is well below the observed (the model has no reason yet
    for Laos to turn to China: its ties and value favour Russia)."""
    observed = transfers.deliveries()
    laos = observed[(observed.recipient_iso3 == "LAO") & (observed.year >= 2000) & (observed.year <= 2021)]
    by_supplier = laos.groupby("supplier_iso3").tiv_musd.sum()
    assert {s: by_supplier[s] for s in OBSERVED_LAOS_2000_2021} == OBSERVED_LAOS_2000_2021
    shares = simulated_laos_shares()
    top = sorted(shares, key=shares.__getitem__, reverse=True)[:2]
    assert top == ["RUS", "CHN"], shares
