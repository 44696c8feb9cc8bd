"""Each mechanism's documented effect, in direction and size, on a hand-made world."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from conftest import idx, rng, tiny_scenario
from laossim import geography
from laossim.mechanisms import (
    STEP_ORDER,
    alignment,
    begin_step,
    crises,
    economy,
    engagement,
    events,
    forums,
    noise,
    security,
)
from laossim.scenario.parameters import EVERYWHERE_KM, EngagementKind
from laossim.scenario.schema import ChangeEvent, DisasterEvent, EngagementEvent
from laossim.simulation import Simulation
from laossim.world import Sightings, World, bounded, build_world, per_step

ONE = np.zeros(1, dtype=np.intp)
"""The run of one engagement or crisis in one world (run 0)."""


def test_per_step_converts_a_yearly_share_exactly():
    r = per_step(0.19, 4)
    assert (1 - r) ** 4 == pytest.approx(0.81)
    assert per_step(0.3, 1) == pytest.approx(0.3)


def test_bounded_update_matches_its_formula_and_never_leaves_the_unit_interval():
    x = np.array([0.0, 0.3, 1.0])
    np.testing.assert_allclose(bounded(x, 0.2, 0.1), x + 0.2 * (1 - x) - 0.1 * x)
    extreme = bounded(x, 1.0, 1.0)
    assert ((extreme >= 0) & (extreme <= 1)).all()


# --- alignment ---------------------------------------------------------------


def test_leverage_grows_with_trade_and_falls_with_tension(world: World, tiny):
    lao, chn = idx(world, "LAO", "CHN")
    p = tiny.parameters
    base = alignment.leverage(world, p)[lao, 0]
    more_trade = world.trade.copy()
    more_trade[lao, chn] += 0.2
    assert alignment.leverage(world.evolve(trade=more_trade), p)[lao, 0] == pytest.approx(
        base + 0.2 * p.alignment.trade * 1.0
    )
    tense = world.tension.copy()
    tense[lao, chn] = tense[chn, lao] = 0.9
    assert alignment.leverage(world.evolve(tension=tense), p)[lao, 0] < base


def _log_odds(world: World, params, position: np.ndarray, i: int) -> float:
    """log(share of CHN / share of USA) of state i at ``position`` (the tiny scenario's poles)."""
    a = alignment.shares(world, params, position)[i]
    return float(np.log(a[0] / a[1]))


def test_a_target_moves_only_with_the_change_of_leverage_since_the_start(world: World, tiny):
    p = tiny.parameters
    lao = world.index("LAO")
    at_rest = alignment.target(world, p, world.leverage_start)
    np.testing.assert_array_equal(at_rest, world.resting)  # nothing changed: every state rests
    pulled = world.leverage_start.copy()
    pulled[lao, 0] += 0.5  # China's pull on Laos grows by half a unit
    goal = alignment.target(world, p, pulled)
    gain = p.alignment.leverage_gain
    # the default geometry is exact: the target's log-odds grow by gamma_L times the change
    assert _log_odds(world, p, goal, lao) - _log_odds(world, p, world.resting, lao) == pytest.approx(0.5 * gain)
    others = np.arange(world.n) != lao
    np.testing.assert_array_equal(goal[others], world.resting[others])


def test_a_doctrines_band_holds_how_far_a_target_strays_from_rest(world: World, tiny):
    p = tiny.parameters
    lao = world.index("LAO")
    pulled = world.leverage_start.copy()
    pulled[lao, 0] += 50.0  # far more than any band allows
    hedger = alignment.target(world, p, pulled)[lao] - world.resting[lao]
    assert np.linalg.norm(hedger) == pytest.approx(p.alignment.hedger_band)
    assert hedger[0] > 0  # toward CHN, the first pole (+0.5 on the axis)
    bandwagoner = world.evolve(doctrine=np.full(world.n, alignment.BANDWAGONER, dtype=np.int8))
    moved = alignment.target(bandwagoner, p, pulled)[lao] - world.resting[lao]
    assert np.linalg.norm(moved) == pytest.approx(p.alignment.aligned_band)


def test_rising_tension_with_a_pole_moves_a_states_target_away_from_it(world: World, tiny):
    p = tiny.parameters
    lao, chn = idx(world, "LAO", "CHN")
    tense = world.tension.copy()
    tense[lao, chn] = tense[chn, lao] = 0.9
    threatened = world.evolve(tension=tense)
    goal = alignment.target(threatened, p, alignment.leverage(threatened, p))
    assert _log_odds(world, p, goal, lao) < _log_odds(world, p, world.resting, lao)


def test_alignment_step_closes_the_gap_by_the_responsiveness_and_keeps_poles_whole():
    scenario = tiny_scenario(alignment={"responsiveness": 1.0, "pressure_gain": 0.0})
    world = alignment.anchored(build_world(scenario), scenario.parameters)
    lao = world.index("LAO")
    trade = world.trade.copy()
    trade[lao, world.index("USA")] = 0.3  # the USA's pull grows
    changed = world.evolve(trade=trade)
    moved, records = alignment.step(changed, scenario.parameters, rng(), 1)
    goal = alignment.target(changed, scenario.parameters, alignment.leverage(changed, scenario.parameters))
    np.testing.assert_array_equal(moved.position, goal)  # rho = 1 a year, a year a step: it arrives
    after = alignment.shares(moved, scenario.parameters, moved.position)  # what the noise, next, writes
    assert after[lao, 1] > world.alignment[lao, 1] and not len(records)
    np.testing.assert_array_equal(after[world.poles], np.eye(2))


def test_the_noise_follows_the_alignment_in_the_step_so_shares_are_never_stale():
    order = [m.name for m in STEP_ORDER]
    assert order.index("noise") == order.index("alignment") + 1
    assert "alignment" in next(m for m in STEP_ORDER if m.name == "noise").contract.writes


def test_noise_moves_positions_by_mean_zero_steps_of_the_stated_size(world: World, tiny):
    sigma = 0.4
    scenario = tiny_scenario(alignment={"noise": sigma})
    steps = np.stack(
        [noise.step(world, scenario.parameters, rng(s), 1)[0].position - world.position for s in range(4000)]
    )
    per_step = sigma / np.sqrt(world.steps_per_year)
    assert abs(steps.mean()) < 4 * per_step / np.sqrt(steps.size)
    assert steps.std() == pytest.approx(per_step, rel=0.03)
    still, _ = noise.step(world, tiny_scenario(alignment={"noise": 0.0}).parameters, rng(), 1)
    np.testing.assert_array_equal(still.position, world.position)


def test_polarisation_pressure_raises_responsiveness(world: World, tiny):
    calm = alignment.responsiveness(world, tiny.parameters)
    pressed = alignment.responsiveness(world.evolve(pressure=2.0), tiny.parameters)
    assert (pressed > calm).all()
    assert (pressed <= 1).all()


def test_shares_stay_on_the_simplex_wherever_a_state_stands(world: World, tiny):
    far = world.position + np.random.default_rng(3).normal(0, 5, world.position.shape)
    a = alignment.shares(world, tiny.parameters, far)
    np.testing.assert_allclose(a.sum(axis=1), 1.0)
    assert (a >= 0).all()


# --- engagements --------------------------------------------------------------


def test_scripted_engagement_adds_its_gains_and_logs_it(world: World, tiny):
    lao, vnm = idx(world, "LAO", "VNM")
    kind = engagement.KINDS.index(EngagementKind.joint_exercise)
    gain = tiny.parameters.engagement.types[EngagementKind.joint_exercise].trust_gain
    out, records = engagement.apply(
        world, tiny.parameters, np.array([lao]), np.array([vnm]), np.array([kind]), runs=ONE
    )
    before = world.trust[lao, vnm]
    expected = before + (1 - np.exp(-gain)) * (1 - before)
    assert out.trust[lao, vnm] == pytest.approx(expected)
    assert out.trust[vnm, lao] == pytest.approx(expected)
    assert out.visibility.dense(world.n)[lao, vnm] == pytest.approx(1.0)
    assert records[0].kind == "joint_exercise" and "LAO and VNM hold a joint exercise" in records[0].description
    assert world.trust[lao, vnm] == before  # the input world is untouched


def test_defence_project_gives_capability_and_debt_to_the_weaker_side(world: World, tiny):
    lao, chn = idx(world, "LAO", "CHN")
    kind = engagement.KINDS.index(EngagementKind.defence_project)
    t = tiny.parameters.engagement.types[EngagementKind.defence_project]
    out, _ = engagement.apply(world, tiny.parameters, np.array([chn]), np.array([lao]), np.array([kind]), runs=ONE)
    assert out.capability_gain[lao] == pytest.approx(t.capability_gain)
    assert out.capability_gain[chn] == 0
    assert out.debt[lao, chn] == pytest.approx(world.debt[lao, chn] + t.finance)


def test_engagement_step_spends_budgets_and_prefers_trusted_partners(tiny):
    scenario = tiny_scenario(engagement={"acceptance_bias": 20.0})
    world = build_world(scenario)
    lao, vnm, chn, usa = idx(world, "LAO", "VNM", "CHN", "USA")
    trust = world.trust.copy()
    trust[lao, vnm] = trust[vnm, lao] = 0.95
    trust[lao, [chn, usa]] = trust[[chn, usa], lao] = 0.0
    world = world.evolve(trust=trust)
    partners = []
    for t in range(40):
        _, records = engagement.step(world, scenario.parameters, rng(t), t)
        partners += [r.target for r in records if r.source == "LAO"]
    assert partners.count("VNM") > len(partners) / 2
    out, _ = engagement.step(world, scenario.parameters, rng(1), 1)
    assert out.budget_units == pytest.approx(world.budget.sum() / 4)


def test_disaster_response_needs_a_disaster_and_border_patrol_a_border(world: World, tiny):
    seen = set()
    for t in range(30):
        _, records = engagement.step(world, tiny.parameters, rng(t), t)
        for r in records:
            seen.add(r.kind)
            if r.kind == "border_patrol":
                assert world.border[world.index(r.source), world.index(r.target)]
    assert "disaster_response" not in seen
    hit = world.evolve(disaster=np.array([0.9, 0.0, 0.0, 0.0]))
    kinds = {r.kind for t in range(30) for r in engagement.step(hit, tiny.parameters, rng(t), t)[1]}
    assert "disaster_response" in kinds


# --- forums -------------------------------------------------------------------


def test_forum_meeting_calms_tension_and_pulls_toward_the_norm(world: World, tiny):
    lao, vnm = idx(world, "LAO", "VNM")
    tension = world.tension.copy()
    tension[lao, vnm] = tension[vnm, lao] = 0.6
    resting = world.resting.copy()
    resting[lao] = [0.3]  # toward CHN, at +0.5
    w = world.evolve(tension=tension, resting=resting, forum_norm=np.full((1, 2), 0.5))  # nonaligned
    out, records = forums.hold_meeting(w, tiny.parameters, 0, np.ones(w.n, dtype=bool), 2)
    strength = 0.5
    assert out.tension[lao, vnm] == pytest.approx(0.6 * (1 - strength))
    assert out.tension[0, 2] == w.tension[0, 2]  # non-members untouched
    # LAO is a focal hedger: it advocates the norm, which strengthens the pull toward the poles' centre (0)
    pull = tiny.parameters.forums.norm_pull * strength * (1 + tiny.parameters.forums.advocacy_gain)
    assert out.norm_pull[lao, 0] == pytest.approx(pull * (0.0 - 0.3))
    np.testing.assert_array_equal(out.position, w.position)  # a meeting moves targets, not positions
    goal = alignment.target(out, tiny.parameters, out.leverage_start)
    assert goal[lao, 0] == pytest.approx(0.3 + pull * (0.0 - 0.3))  # within the hedger's band here
    assert records[0].kind == "forum_meeting" and records[0].magnitude == 1.0


def test_forums_meet_on_their_period(world: World):
    assert forums.meets(world, 2).tolist() == [True]
    assert forums.meets(world, 3).tolist() == [False]


def test_a_forum_founded_during_the_run_first_meets_at_its_founding_then_every_period(world: World):
    founded = world.evolve(forum_since=np.array([5]))
    assert [t for t in range(1, 12) if forums.meets(founded, t)[0]] == [5, 7, 9, 11]


# --- security dilemma --------------------------------------------------------


def test_visible_exercise_with_a_rival_raises_tension_with_the_third_party(world: World, tiny):
    """A LAO-VNM exercise is read in Beijing when CHN and VNM are rivals."""
    lao, vnm, chn = idx(world, "LAO", "VNM", "CHN")
    tension = world.tension.copy()
    tension[chn, vnm] = tension[vnm, chn] = 0.8
    w = world.evolve(tension=tension)
    kind = engagement.KINDS.index(EngagementKind.joint_exercise)
    seen, _ = engagement.apply(w, tiny.parameters, np.array([lao]), np.array([vnm]), np.array([kind]), runs=ONE)
    quiet, _ = security.step(w, tiny.parameters, rng(), 1)
    loud, _ = security.step(seen, tiny.parameters, rng(), 1)
    assert loud.tension[chn, lao] > quiet.tension[chn, lao]


def test_trust_makes_tension_decay_faster(world: World, tiny):
    lao, chn = idx(world, "LAO", "CHN")
    tension = world.tension.copy()
    tension[lao, chn] = tension[chn, lao] = 0.8
    low, high = world.trust.copy(), world.trust.copy()
    low[lao, chn] = low[chn, lao] = 0.0
    high[lao, chn] = high[chn, lao] = 1.0
    a, _ = security.step(world.evolve(tension=tension, trust=low), tiny.parameters, rng(), 1)
    b, _ = security.step(world.evolve(tension=tension, trust=high), tiny.parameters, rng(), 1)
    assert b.tension[lao, chn] < a.tension[lao, chn]


def test_alignment_distance_is_total_variation():
    a = np.array([[1.0, 0.0], [0.0, 1.0], [0.5, 0.5]])
    np.testing.assert_allclose(security.alignment_distance(a), [[0, 1, 0.5], [1, 0, 0.5], [0.5, 0.5, 0]])


# --- crises -------------------------------------------------------------------


def test_hazard_rises_with_tension_and_falls_with_trust(world: World, tiny):
    h = crises.hazard(world, tiny.parameters)
    tense = world.evolve(beliefs=np.minimum(world.beliefs + 0.4, 1.0))  # the tension perceived (5a)
    trusting = world.evolve(trust=np.minimum(world.trust + 0.4, 1.0))
    assert (crises.hazard(tense, tiny.parameters) >= h).all()
    assert (crises.hazard(trusting, tiny.parameters) <= h).all()


def test_crisis_raises_tension_cuts_trust_and_feeds_polarisation_when_a_pole_is_involved(world: World, tiny):
    lao, vnm, chn, usa = idx(world, "LAO", "VNM", "CHN", "USA")
    c = tiny.parameters.crises
    out, records = crises.apply(world, tiny.parameters, np.array([chn]), np.array([usa]), np.array([0.5]), runs=ONE)
    assert out.tension[chn, usa] == pytest.approx(world.tension[chn, usa] + c.tension_gain * 0.5 * (1 - 0.5))
    assert out.trust[usa, chn] == pytest.approx(world.trust[usa, chn] * (1 - c.trust_loss * 0.5))
    assert out.pressure == pytest.approx(0.5)
    assert out.crisis_count == 1 and records[0].kind == "crisis"
    calm, _ = crises.apply(world, tiny.parameters, np.array([lao]), np.array([vnm]), np.array([0.5]), runs=ONE)
    assert calm.pressure == 0.0  # no pole involved


EVERY_PAIR_RELEVANT = {"reach_focal": EVERYWHERE_KM, "reach_regional": EVERYWHERE_KM}
"""Every state of the tiny world reaches every other, so every pair is politically relevant."""


def test_crisis_draws_follow_the_hazard(tiny):
    scenario = tiny_scenario(
        crises={"intercept": 0.0, "tension": 0.0, "trust": 0.0, "interoperability": 0.0, "distant": 0.0},
        geography=EVERY_PAIR_RELEVANT,
    )
    world = build_world(scenario)  # hazard sigmoid(0) = 0.5 per year for every dyad, neighbours or not
    count = sum(crises.step(world, scenario.parameters, rng(t), t)[0].crisis_count for t in range(400))
    expected = 400 * 6 * per_step(0.5, 4)
    assert abs(count - expected) < 4 * np.sqrt(expected)


def test_crises_are_drawn_only_in_politically_relevant_pairs():
    """The tiny world with every reach 1,000 km and a crisis hazard of 0.95 a year in every pair:
    LAO borders VNM and CHN, so those pairs have crises; USA (13,700 km away) and VNM-CHN (2,300 km
    apart, no border) never do, until an alliance or a longer reach makes them relevant."""
    hot = {"intercept": 3.0, "tension": 0.0, "trust": 0.0, "interoperability": 0.0, "distant": 0.0}
    scenario = tiny_scenario(crises=hot, geography={"reach_focal": 1000.0, "reach_regional": 1000.0})
    world = build_world(scenario)
    lao, vnm, usa = idx(world, "LAO", "VNM", "USA")

    def crisis_pairs(w: World) -> Counter[frozenset[str]]:
        pairs: Counter[frozenset[str]] = Counter()
        for t in range(200):
            pairs.update(frozenset((r.source, r.target)) for r in crises.step(w, scenario.parameters, rng(t), t)[1])
        return pairs

    def pair(a: str, b: str) -> frozenset[str]:
        return frozenset((a, b))

    def relevant(w: World) -> World:
        return w.evolve(relevant=geography.relevant(w.border, w.alliance, w.distance, w.reach))

    pairs = crisis_pairs(world)
    assert pairs[pair("LAO", "VNM")] > 50 and pairs[pair("CHN", "LAO")] > 50  # contiguous
    far = [pair("LAO", "USA"), pair("VNM", "USA"), pair("CHN", "USA"), pair("CHN", "VNM")]
    assert [pairs[p] for p in far] == [0, 0, 0, 0]  # no border, out of reach, no ally next door
    assert crises.hazard(world, scenario.parameters)[lao, usa] == 0.0

    alliance = world.alliance.copy()  # USA allied with LAO: relevant to LAO's neighbours VNM and CHN
    alliance[lao, usa] = alliance[usa, lao] = True
    pairs = crisis_pairs(relevant(world.evolve(alliance=alliance)))
    assert pairs[pair("VNM", "USA")] > 50 and pairs[pair("CHN", "USA")] > 50
    assert pairs[pair("LAO", "USA")] == 0 and pairs[pair("CHN", "VNM")] == 0  # an alliance is no border

    reach = world.reach.copy()  # Hanoi reaching 2,400 km reaches Beijing
    reach[vnm] = 2400.0
    assert crisis_pairs(relevant(world.evolve(reach=reach)))[pair("CHN", "VNM")] > 50


# --- economy ------------------------------------------------------------------


def test_capability_grows_by_modernisation_plus_capped_absorption(world: World, tiny):
    gain = np.array([1.0, 0.0, 0.0, 0.0])
    out, _ = economy.step(world.evolve(capability_gain=gain), tiny.parameters, rng(), 1)
    growth = (1.02) ** 0.25 - 1
    cap = world.absorption[0] / 4
    assert out.capability[0] == pytest.approx(world.capability[0] * (1 + growth + cap))
    assert out.capability[1] == pytest.approx(world.capability[1] * (1 + growth))


def test_trade_drifts_toward_trusted_partners_keeping_totals():
    shares = np.array([[0.0, 0.3, 0.3], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]])
    out = economy.drift(shares, lambda i, j: np.where(j == 1, 2.0, 1.0), 0.5)
    assert out[0].sum() == pytest.approx(0.6)
    assert out[0, 1] > 0.3 > out[0, 2]
    assert out[0, 0] == 0.0


def test_debt_is_repaid_at_the_yearly_rate(world: World, tiny):
    out, _ = economy.step(world, tiny.parameters, rng(), 1)
    lao, chn = idx(world, "LAO", "CHN")
    world = world.evolve(debt=np.where(np.eye(4) > 0, 0, 0.4))
    out, _ = economy.step(world, tiny.parameters, rng(), 1)
    assert out.debt[lao, chn] == pytest.approx(0.4 * (1 - per_step(0.05, 4)))


# --- scheduled events ---------------------------------------------------------


@pytest.mark.parametrize(("op", "value", "expected"), [("set", 0.2, 0.2), ("add", 0.2, 0.7), ("scale", 0.5, 0.25)])
def test_change_event_ops(world: World, op, value, expected):
    ev = ChangeEvent(type="change", at=1, state="LAO", field="autonomy", op=op, value=value)
    out, records = events.change(world, ev)
    assert out.autonomy[0] == pytest.approx(expected)
    assert "autonomy" in records[0].description


def test_change_event_clips_to_the_field_range_and_sets_directed_fields(world: World):
    up = ChangeEvent(type="change", at=1, state="LAO", field="autonomy", op="add", value=5.0)
    assert events.change(world, up)[0].autonomy[0] == 1.0
    debt = ChangeEvent(type="change", at=1, between=("LAO", "CHN"), field="debt", op="set", value=0.6)
    out, _ = events.change(world, debt)
    lao, chn = idx(world, "LAO", "CHN")
    assert out.debt[lao, chn] == 0.6 and out.debt[chn, lao] == 0.0
    trust = ChangeEvent(type="change", at=1, between=("LAO", "CHN"), field="trust", op="set", value=0.9)
    out, _ = events.change(world, trust)
    assert out.trust[lao, chn] == out.trust[chn, lao] == 0.9


def test_events_step_applies_only_that_steps_events(world: World, tiny):
    disaster = DisasterEvent(type="disaster", at=3, state="LAO", severity=0.7)
    drill = EngagementEvent(type="engagement", at=3, kind="joint_exercise", between=("LAO", "VNM"), count=2)
    out, records = events.step(world, tiny.parameters, rng(), 2, schedule={3: [disaster, drill]})
    assert records == [] and out is world
    out, records = events.step(world, tiny.parameters, rng(), 3, schedule={3: [disaster, drill]})
    assert out.disaster[0] == 0.7
    assert [r.kind for r in records] == ["disaster", "joint_exercise", "joint_exercise"]


def test_begin_step_ages_slow_state_and_clears_the_step(world: World, tiny):
    w = world.evolve(pressure=1.0, crisis_count=3, engaged_units=4.0)
    out = begin_step(w, tiny.parameters)
    assert out.pressure == pytest.approx(1 - per_step(0.5, 4))
    assert out.crisis_count == 0
    assert out.engaged_units == pytest.approx(4.0 * np.exp(-0.25))
    assert len(out.visibility) == 0


def test_sightings_sum_duplicates_and_multiply_like_the_matrix_they_stand_for():
    gen = np.random.default_rng(5)
    rows, cols = gen.integers(0, 6, 30), gen.integers(0, 6, 30)
    weight = gen.random(30)
    seen = Sightings.none().plus(rows[:10], cols[:10], weight[:10]).plus(rows[10:], cols[10:], weight[10:])
    matrix = np.zeros((6, 6))
    np.add.at(matrix, (rows, cols), weight)
    np.testing.assert_allclose(seen.dense(6), matrix, rtol=1e-6)
    other = gen.random((6, 6)).astype(np.float32)
    np.testing.assert_allclose(seen.times(other), matrix @ other, rtol=1e-5)
    assert not Sightings.none().times(other).any()
    big = 300  # a large world
    rows, cols, weight = gen.integers(0, big, 500), gen.integers(0, big, 500), gen.random(500)
    matrix, other = np.zeros((big, big)), gen.random((big, big)).astype(np.float32)
    np.add.at(matrix, (rows, cols), weight)
    np.testing.assert_allclose(Sightings.none().plus(rows, cols, weight).times(other), matrix @ other, rtol=1e-4)


def test_rivals_seeing_an_engagement_raise_tension_symmetrically(world: World, tiny):
    lao, vnm, chn = idx(world, "LAO", "VNM", "CHN")
    tension = np.zeros((world.n, world.n), dtype=np.float32)
    tension[chn, vnm] = tension[vnm, chn] = 0.5
    seen = security.mutual_rival_visibility(
        tension, Sightings.none().plus(np.array([lao]), np.array([vnm]), np.ones(1))
    )
    # LAO was seen engaging VNM, CHN's rival: CHN and LAO each see the other's side of it
    assert seen[chn, lao] == seen[lao, chn] == pytest.approx(0.25)
    assert seen.sum() == pytest.approx(0.5)


def test_a_scenario_without_forums_runs_and_no_meeting_is_held():
    spec = tiny_scenario().model_copy(update={"forums": []})
    sim = Simulation(spec, np.random.SeedSequence(1), 8)
    sim.run()
    assert not [r for _, r in sim.records if r.kind == "forum_meeting"]
