"""The regional frameworks (docs/model.md, (1), (3) and 3.4): engagements held within a framework
are read by rivals at a discount, a forum's multi-year programmes (the ADMM-Plus expert working
groups' cycles) engage its members once a year, and a state's framework alignment compares its
defence activity with the priorities of the forums it belongs to."""

from __future__ import annotations

import numpy as np
import pytest

import laossim
from conftest import BASELINE
from laossim import metrics
from laossim.errors import ScenarioError
from laossim.mechanisms import engagement
from laossim.scenario import load_scenario, override_scenario
from laossim.scenario.parameters import EngagementKind
from laossim.simulation import Simulation
from test_batch import assert_stacked_as_alone

KINDS = list(EngagementKind)


def _baseline():
    spec = load_scenario(BASELINE)
    return Simulation(spec, np.random.SeedSequence(2), 4).world, spec


def _one(world, spec, a: str, b: str, kind: str):
    i, j, k = np.array([world.index(a)]), np.array([world.index(b)]), np.array([KINDS.index(EngagementKind(kind))])
    after, _ = engagement.apply(world, spec.parameters, i, j, k, runs=np.zeros(1, dtype=np.int64))
    return after


def test_an_engagement_within_a_framework_is_seen_at_a_discount():
    """Laos and China are both in the ADMM-Plus, whose working groups prioritise disaster relief but
    not attachés; Laos and Japan's relief is seen in full only if they share no such forum."""
    world, spec = _baseline()
    discount = spec.parameters.forums.multilateral_discount
    table = engagement.kind_table(spec.parameters)
    for kind, framed in (("disaster_response", True), ("attache", False)):
        after = _one(world, spec, "LAO", "CHN", kind)
        seen = after.visibility.dense(world.n)[world.index("LAO"), world.index("CHN")]
        full = table["visibility"][KINDS.index(EngagementKind(kind))]
        assert seen == pytest.approx(full * (1 - discount if framed else 1.0)), kind
    lao, chn = world.index("LAO"), world.index("CHN")
    outside = world.evolve(forum_members=np.zeros_like(world.forum_members))
    after = _one(outside, spec, "LAO", "CHN", "disaster_response")
    relief = table["visibility"][KINDS.index(EngagementKind.disaster_response)]
    assert after.visibility.dense(world.n)[lao, chn] == pytest.approx(relief)


def test_each_engagement_adds_its_kind_to_both_sides_portfolios():
    world, spec = _baseline()
    after = _one(world, spec, "LAO", "VNM", "training")
    k = KINDS.index(EngagementKind.training)
    added = after.kind_tally - world.kind_tally
    lao, vnm = world.index("LAO"), world.index("VNM")
    assert added[lao, k] == pytest.approx(added[vnm, k]) and added[lao, k] > 0
    assert np.count_nonzero(added) == 2


def test_framework_alignment_is_one_on_the_priorities_and_zero_off_them():
    world, _ = _baseline()
    lao = world.focal
    wanted = world.forum_priority[world.forum_members[:, lao]].sum(axis=0).astype(float)
    on = world.kind_tally.copy()
    on[lao] = 3.0 * wanted
    assert metrics.framework_alignment(world.evolve(kind_tally=on)) == pytest.approx(1.0)
    off = world.kind_tally.copy()
    off[lao] = np.where(wanted > 0, 0.0, 1.0)
    assert metrics.framework_alignment(world.evolve(kind_tally=off)) == 0.0
    none = world.kind_tally.copy()
    none[lao] = 0.0
    assert metrics.framework_alignment(world.evolve(kind_tally=none)) == 0.0


PROGRAMME = "{at: 2026-Q1, type: programme, forum: ADMM_Plus, kind: disaster_response, chairs: [LAO, JPN], years: 2}"


def _programme(tmp_path, event: str = PROGRAMME):
    path = tmp_path / "programme.yaml"
    path.write_text(f"extends: {BASELINE}\nscenario: programme\nevents:\n  - {event}\n")
    return path


def test_a_programme_runs_once_a_year_each_co_chair_engaging_every_other_member(tmp_path):
    """Two co-chairs of the nine-member ADMM-Plus: 2 x 8 engagements, their own once, so 15, in
    2026-Q1 and 2027-Q1 and not in 2028-Q1; each seen by rivals at the framework's discount."""
    plain = laossim.run(BASELINE, replications=1, steps=16)
    ran = laossim.run(_programme(tmp_path), replications=1, steps=16)

    def relief(result, period: str) -> int:
        e = result.events
        return int(((e.kind == "disaster_response") & (e.period == period)).sum())

    for period, extra in (("2026-Q1", 15), ("2027-Q1", 15), ("2028-Q1", 0)):
        assert relief(ran, period) - relief(plain, period) == extra, period


def test_a_programmes_runs_stacked_equal_runs_alone(tmp_path):
    spec = load_scenario(_programme(tmp_path))
    specs = [override_scenario(spec, {"parameters.forums.multilateral_discount": v}) for v in (0.0, 0.5, 1.0)]
    assert_stacked_as_alone(specs, seed=3, label="programme")


def test_a_programme_chaired_by_a_non_member_is_refused_with_its_line(tmp_path):
    path = _programme(tmp_path, PROGRAMME.replace("[LAO, JPN]", "[LAO, LOA]").replace("ADMM_Plus", "ADMM"))
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    message = str(caught.value)
    assert f"{path}:4: events[0].chairs[1]: unknown state 'LOA'" in message and "did you mean 'LAO'" in message
    path = _programme(tmp_path, PROGRAMME.replace("ADMM_Plus", "ADMM"))
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert f"{path}:4: events[0].chairs[1]: JPN is not a member of ADMM" in str(caught.value)
