"""The regional frameworks (docs/model.md, (3) and 3.4): engagements held within a framework are
read by rivals at a discount, and a state's framework alignment compares its defence activity
with the priorities of the forums it belongs to."""

from __future__ import annotations

import numpy as np
import pytest

from conftest import BASELINE
from laossim import metrics
from laossim.mechanisms import engagement
from laossim.scenario import load_scenario
from laossim.scenario.parameters import EngagementKind
from laossim.simulation import Simulation

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
