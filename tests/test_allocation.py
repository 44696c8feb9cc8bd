"""The defence ministry's allocation of engagements (docs/model.md, mechanism 3): units that follow
the budget's departure from the plan, creditors that fill a squeeze's gap, the partner cap, the
concentration penalty, the doctrine's kind weights and its hard constraint, and the debt-squeeze
scenario's checks in their own units."""

from __future__ import annotations

import numpy as np
import pytest

import laossim
from conftest import BASELINE, SCENARIOS
from laossim.errors import ScenarioError
from laossim.mechanisms import engagement
from laossim.scenario import load_scenario, override_scenario
from laossim.simulation import Simulation
from laossim.world import World
from test_batch import assert_stacked_as_alone


def _world(**changes: object) -> tuple[World, laossim.Scenario]:
    spec = load_scenario(BASELINE)
    sim = Simulation(spec, np.random.SeedSequence(1), 4)
    return sim.world.evolve(**changes), spec


def _engagements(world: World, spec: laossim.Scenario, steps: int = 200, seed: int = 0) -> World:
    """The engagement mechanism alone, ``steps`` times from ``world`` (its tallies reset first)."""
    rng = np.random.default_rng(seed)
    world = world.evolve(engagement_tally=np.zeros_like(world.engagement_tally), self_funded=world.self_funded * 0)
    for t in range(1, steps + 1):
        world, _ = engagement.step(world, spec.parameters, rng, t)
    return world


def test_own_units_follow_the_budget_against_the_plan_and_creditors_fill_part_of_the_gap():
    world, spec = _world()
    lao = world.index("LAO")
    own, lent = engagement.capacity(world, spec.parameters)
    assert own[lao] == pytest.approx(world.budget[lao]) and lent[lao] == 0.0  # on plan: the file's units
    squeezed = world.defence_budget.copy()
    squeezed[lao] *= 0.6
    own, lent = engagement.capacity(world.evolve(defence_budget=squeezed), spec.parameters)
    assert own[lao] == pytest.approx(0.6 * world.budget[lao])
    assert lent[lao] == pytest.approx(spec.parameters.ministry.gap_financing * 0.4 * world.budget[lao])
    no_debt = world.debt.copy()
    no_debt[lao] = 0
    _, lent = engagement.capacity(world.evolve(defence_budget=squeezed, debt=no_debt), spec.parameters)
    assert lent[lao] == 0.0  # nobody to lend


def test_financed_engagements_go_to_creditors_as_projects_and_add_to_the_debt():
    world, spec = _world()
    lao, chn = world.index("LAO"), world.index("CHN")
    squeezed = world.defence_budget.copy()
    squeezed[lao] = 0.0  # the whole gap: every own unit lost
    after = _engagements(world.evolve(defence_budget=squeezed), spec, steps=120)
    assert after.financed[lao] > 0.5 and after.self_funded[lao] == 0.0
    assert after.debt[lao, chn] > world.debt[lao, chn]  # China, Laos's only creditor, lent it
    creditors = np.flatnonzero(world.debt[lao] > 0)
    assert list(creditors) == [chn]


def test_no_partner_goes_above_the_cap_and_a_hedger_spreads_its_partners():
    world, spec = _world()
    lao = world.index("LAO")
    free = _engagements(world, spec, seed=3)
    shares = free.engagement_tally[lao] / free.engagement_tally[lao].sum()
    cap = np.full(world.n, 1.0)
    cap[lao] = 0.25
    capped = _engagements(world.evolve(partner_cap=cap), spec, seed=3)
    initiated = capped.engagement_tally[lao] / capped.engagement_tally[lao].sum()
    assert shares.max() > 0.3 > initiated.max()  # either side may initiate: the cap binds Laos's own choices
    unpenalised = override_scenario(spec, {"parameters.engagement.concentration_penalty": 0.0})
    herfindahl = {}
    for name, s in (("penalised", spec), ("free", unpenalised)):
        w = _engagements(world, s, seed=5)
        row = w.engagement_tally[lao] / w.engagement_tally[lao].sum()
        herfindahl[name] = float((row * row).sum())
    assert herfindahl["penalised"] < herfindahl["free"] - 0.01


def test_a_kind_weight_of_zero_rules_the_kind_out():
    spec = override_scenario(load_scenario(BASELINE), {"states.LAO.kind_weights": {"attache": 0.0}})
    result = laossim.run(spec, replications=1, steps=40)
    events = result.events
    laos_attaches = events[(events.kind == "attache") & (events.source == "LAO")]
    assert laos_attaches.empty
    assert not events[(events.kind == "attache") & (events.source != "LAO")].empty


def test_a_doctrine_without_alliances_refuses_one_in_the_file_with_its_line(tmp_path):
    path = tmp_path / "allied.yaml"
    path.write_text(
        "extends: " + str(SCENARIOS / "laos_baseline.yaml") + "\n"
        "scenario: allied\n"
        "states:\n"
        "  - {id: LAO, no_alliance: true}\n"
        "events:\n"
        "  - {at: 2026-Q1, type: change, between: [LAO, VNM], field: alliance, op: set, value: true}\n"
    )
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    message = str(caught.value)
    assert f"{path}:6:" in message and "forbids a military alliance" in message and "no_alliance" in message


def test_the_allocations_runs_stacked_equal_runs_alone():
    spec = load_scenario(SCENARIOS / "laos_debt_squeeze.yaml")
    specs = [override_scenario(spec, {"parameters.ministry.gap_financing": v}) for v in (0.2, 0.5, 1.0)]
    assert_stacked_as_alone(specs, seed=11, label="gap_financing")


def _laos(result: laossim.RunResult, columns: list[str]) -> dict[str, np.ndarray]:
    """Each replication's mean of Laos's per-state outputs over the squeeze's years (2026-2030)."""
    s = result.states
    rows = s[(s.state == "LAO") & s.period.between("2026-Q1", "2030-Q4")]
    means = rows.groupby("replication")[columns].mean()
    return {c: means[c].to_numpy() for c in columns}


@pytest.mark.slow
def test_the_debt_squeeze_cuts_self_funded_engagements_and_turns_laos_to_its_creditor():
    """The issue's checks, in their own units, against the baseline with the same seeds: Laos's
    self-funded engagements a year fall and its share of arms from China rises, each by more than its
    replication SD; its share of engagements with China rises, by less than its SD (docs/scenarios.md
    reports every figure, and the headline autonomy's move against its MID)."""
    squeeze = laossim.run(SCENARIOS / "laos_debt_squeeze.yaml", replications=20)
    base = laossim.run(BASELINE, replications=20)
    columns = ["self_funded", "financed", "engagement_share_CHN", "arms_share_CHN"]
    s, b = _laos(squeeze, columns), _laos(base, columns)
    fall = b["self_funded"].mean() - s["self_funded"].mean()
    assert fall > b["self_funded"].std(ddof=1)
    assert s["financed"].mean() > 0.2 and b["financed"].mean() == 0.0
    arms = s["arms_share_CHN"].mean() - b["arms_share_CHN"].mean()  # China, the creditor, supplies the credit
    assert arms > b["arms_share_CHN"].std(ddof=1)
    assert s["engagement_share_CHN"].mean() > b["engagement_share_CHN"].mean()  # up, by less than its SD
