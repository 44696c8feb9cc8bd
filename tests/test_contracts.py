"""Contract tests every mechanism must pass: simplex, bounds, no NaN, determinism, and its
declared contract (what it reads, writes and draws).

Hypothesis drives synthetic worlds through whole steps under extreme
parameters; each bug it finds becomes an ``@example``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import laossim
from conftest import SCENARIOS, world_before
from laossim import metrics
from laossim.mechanisms import BEGIN, MECHANISMS, STEP_ORDER, STREAMS, begin_step, forums
from laossim.mechanisms.contract import FIELDS
from laossim.scenario import load_scenario, override_scenario
from laossim.seeding import Streams, root_sequence
from laossim.simulation import Simulation
from laossim.world import DYAD, THIS_STEP, Sightings, World, build_world

BOUNDED = (
    "trust",
    "tension",
    "interoperability",
    "border_cooperation",
    "liaison",
    "beliefs",
    "autonomy",
    "trade",
    "aid",
    "debt",
)

extreme = st.sampled_from([0.0, 1e-6, 0.5, 1.0])
big = st.sampled_from([0.0, 1.0, 50.0])  # 50: the most an open-ended coefficient takes (OPEN_BOUND)


def check_world(w: World) -> None:
    np.testing.assert_allclose(w.alignment.sum(axis=1), 1.0, atol=1e-9)
    assert (w.alignment >= 0).all()
    np.testing.assert_array_equal(w.alignment[w.poles], np.eye(w.k))
    for name in BOUNDED:
        arr = getattr(w, name)
        assert np.isfinite(arr).all(), name
        assert (arr >= 0).all() and (arr <= 1).all(), name
    assert (w.capability > 0).all() and np.isfinite(w.capability).all()
    assert np.allclose(w.tension, w.tension.T) and np.allclose(w.trust, w.trust.T)
    assert np.array_equal(w.border_cooperation, w.border_cooperation.T)
    assert np.array_equal(w.liaison, w.liaison.T)  # a tie of the pair; beliefs are directed
    assert (w.incidents >= 0).all() and np.isfinite(w.incidents).all()
    ties = w.supplier_ties.sum(axis=-1)
    assert (w.supplier_ties >= 0).all() and np.allclose(ties[ties > 0], 1.0), ties
    assert (w.military_stock >= 0).all() and np.isfinite(w.arms_deliveries).all()
    assert w.pressure >= 0 and np.isfinite(w.pressure)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    n=st.integers(4, 12),
    seed=st.integers(0, 1000),
    responsiveness=extreme,
    noise=st.sampled_from([0.0, 0.02, 5.0]),
    threat=big,
    temperature=st.sampled_from([1e-3, 0.5, 100.0]),
    decay=extreme,
    intercept=st.sampled_from([-20.0, 0.0, 20.0]),
    strength=extreme,
)
def test_every_mechanism_keeps_the_world_valid(
    n, seed, responsiveness, noise, threat, temperature, decay, intercept, strength
):
    scenario = override_scenario(
        laossim.synthetic_scenario(n, seed=seed, steps=6),
        {
            "parameters.alignment.responsiveness": responsiveness,
            "parameters.alignment.noise": noise,
            "parameters.alignment.threat": threat,
            "parameters.engagement.temperature": temperature,
            "parameters.engagement.trust_decay": decay,
            "parameters.crises.intercept": intercept,
            "parameters.security.visibility_gain": threat,
            "parameters.beliefs.signal_noise": strength,
            "parameters.beliefs.liaison_precision": threat,
            "forums.GLOBAL.strength": strength,
        },
    )
    world = build_world(scenario)
    check_world(world)
    streams = Streams(root_sequence(seed))
    for t in range(1, 5):
        world = begin_step(world, scenario.parameters)
        for m in STEP_ORDER:
            if m.name == "events":
                continue
            world, _ = m.step(world, scenario.parameters, streams.generator(m.stream, t), t)
            check_world(world)
        scores = metrics.scores(world, scenario.parameters)
        assert all(np.isfinite(v) for v in scores.values())
        assert all(0 <= scores[k] <= 1 for k in metrics.SCORES)


def test_same_seed_same_world_and_different_seed_different_world():
    scenario = laossim.synthetic_scenario(8, seed=3, steps=10)

    def final(seed: int) -> World:
        model = laossim.LaosModel(scenario, rng=seed)
        model.run()
        return model.world

    a, b, c = final(1), final(1), final(2)
    for name in ("alignment", "trust", "tension", "capability"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
    assert not np.array_equal(a.alignment, c.alignment)


def test_each_mechanism_sees_the_same_draws_whatever_the_others_consumed():
    """Common random numbers: stream (mechanism, step) does not depend on other draws."""
    streams = Streams(root_sequence(5))
    first = streams.generator(0, 3).random(4)
    streams.generator(1, 3).random(1000)
    np.testing.assert_array_equal(streams.generator(0, 3).random(4), first)
    assert not np.array_equal(streams.generator(0, 4).random(4), first)


def test_the_stream_of_a_mechanism_and_step_is_pcg64_of_its_seed_sequence_child():
    """The seeding contract of docs/model.md, which keeps a (scenario, seed) reproducible across
    versions: (mechanism m, step t) of the replication with sequence S draws from
    PCG64(SeedSequence(S.entropy, spawn_key=(*S.spawn_key, m, t))) with m the mechanism's declared
    stream key, however it is made."""
    child = np.random.SeedSequence(5).spawn(3)[2]
    streams = Streams(child)
    seq = np.random.SeedSequence(5, spawn_key=(2, 1, 7))
    expected = np.random.Generator(np.random.PCG64(seq))
    drawn = streams.generator(1, 7)
    np.testing.assert_array_equal(drawn.random(6), expected.random(6))
    np.testing.assert_array_equal(drawn.standard_gamma(np.ones(3)), expected.standard_gamma(np.ones(3)))


def test_dyadic_arrays_stay_single_precision_through_every_mechanism():
    """A float64 leak would double the memory traffic of large worlds without any test noticing."""
    from laossim.world import DYAD

    model = laossim.LaosModel(laossim.synthetic_scenario(12, seed=2), steps=8)
    model.run()
    for name in ("trust", "tension", "interoperability", "affinity", "trade", "aid", "debt"):
        assert getattr(model.world, name).dtype == DYAD, name
    assert model.world.visibility.weight.dtype == DYAD


# -- each mechanism keeps to its declared contract, and the step order to the contracts --------

CONTRACT_SCENARIOS = sorted(SCENARIOS.glob("*.yaml"))
CRISIS_PRONE = {"parameters.crises.intercept": 1.0}
"""Crises in most dyads every year, so the crisis mechanism has work at the step checked."""


def _scrambled(world: World, fields: set[str], rng: np.random.Generator) -> World:
    """The world with each of ``fields`` replaced by other values of its shape and type."""
    changes: dict[str, object] = {}
    for name in fields:
        value = getattr(world, name)
        if isinstance(value, Sightings):
            rows = rng.integers(0, world.n, 6)
            changes[name] = Sightings(rows, (rows + 1) % world.n, rng.random(6).astype(DYAD))
        elif isinstance(value, np.ndarray) and value.dtype == bool:
            changes[name] = ~value
        elif isinstance(value, np.ndarray) and np.issubdtype(value.dtype, np.integer):
            changes[name] = ((value + 1) % 3).astype(value.dtype) if name == "doctrine" else value + 1
        elif isinstance(value, np.ndarray):
            changes[name] = rng.random(value.shape).astype(value.dtype)
        else:
            changes[name] = value + 3 if isinstance(value, int) else value + 0.37
    return world.evolve(**changes)


def _cases() -> list[tuple[str, Path, int]]:
    """(mechanism, scenario, step): every mechanism on every shipped scenario at a step where it
    has work (a forum meeting for forums; each scheduled step for events)."""
    cases = []
    for path in CONTRACT_SCENARIOS:
        spec = load_scenario(path)
        for m in STEP_ORDER:
            if m.name == "events":
                cases += [("events", path, s) for s in sorted({spec.event_step(ev.at) for ev in spec.events})[:3]]
            elif m.name == "forums":
                world = build_world(spec)
                cases.append(("forums", path, next(t for t in range(6, 400) if forums.meets(world, t).any())))
            else:
                cases.append((m.name, path, 6))
    return cases


class _NoDraws:
    def __getattr__(self, name: str) -> None:
        raise AssertionError(f"drew ({name}) though its contract says it draws nothing")


@pytest.mark.parametrize(("name", "path", "t"), _cases(), ids=lambda v: getattr(v, "stem", str(v)))
def test_a_mechanism_writes_only_what_it_declares_and_depends_only_on_what_it_reads(name, path, t):
    spec = override_scenario(load_scenario(path), CRISIS_PRONE if name == "crises" else {})
    sim = Simulation(spec, np.random.SeedSequence(9), t)
    for s in range(1, t):
        sim.advance(s)
    world = world_before(sim, name, t)
    declared = next(m for m in sim.mechanisms if m.name == name)
    rule = declared.contract

    def step(w: World) -> tuple[World, list]:
        rng = sim.streams.generator(declared.stream, t) if rule.draws else _NoDraws()
        return declared.step(w, sim.params, rng, t)

    after, records = step(world)
    moved = {f for f in FIELDS if not _same(getattr(after, f), getattr(world, f))}
    assert moved <= rule.writes, f"{name} changed {sorted(moved - rule.writes)}, which its contract does not write"
    assert moved, f"{name} had nothing to do at step {t}: the case tests nothing"

    other, other_records = step(_scrambled(world, set(FIELDS - rule.reads), np.random.default_rng(1)))
    depends = {f for f in rule.writes if not _same(getattr(other, f), getattr(after, f))}
    assert not depends, f"{name}'s {sorted(depends)} moved when fields its contract does not read were changed"
    assert other_records == records


def _same(a: object, b: object) -> bool:
    if isinstance(a, Sightings) and isinstance(b, Sightings):
        return all(np.array_equal(getattr(a, k), getattr(b, k)) for k in ("rows", "cols", "weight"))
    return np.array_equal(np.asarray(a), np.asarray(b), equal_nan=True)


def test_each_field_of_this_steps_activity_is_read_only_after_something_this_step_wrote_it():
    """Derived from the step order: a mechanism placed before the one that writes what it reads of
    this step's activity (leverage, sightings, capability gains, the crisis count) would read the
    last step's."""
    written = set(BEGIN.writes)
    for m in STEP_ORDER:
        stale = (m.contract.reads & set(THIS_STEP)) - written
        assert not stale, f"{m.name} reads {sorted(stale)} before anything this step writes them"
        written |= m.contract.writes
    assert set(THIS_STEP) <= written


def test_every_mechanism_has_its_own_stream_key():
    assert len(set(STREAMS.values())) == len(STEP_ORDER) == len(MECHANISMS)


def _draws_and_does_nothing(world, params, rng, t):
    rng.random(1000)
    return world, []


@pytest.mark.parametrize("position", [0, 3, len(STEP_ORDER)])
def test_a_mechanism_added_anywhere_in_the_step_changes_no_other_mechanisms_numbers(monkeypatch, position):
    """Streams are keyed by each mechanism's declared key, not by its place: a new mechanism that
    draws from its own stream leaves every table of a run as it was."""
    from laossim.mechanisms import Declared
    from laossim.mechanisms.contract import contract

    before = laossim.run(SCENARIOS / "laos_baseline.yaml", seed=4, replications=2, steps=12)
    noop = Declared("noop", _draws_and_does_nothing, 99, contract(reads=(), writes=(), draws=True))
    order = (*STEP_ORDER[:position], noop, *STEP_ORDER[position:])
    monkeypatch.setattr("laossim.simulation.STEP_ORDER", order)
    after = laossim.run(SCENARIOS / "laos_baseline.yaml", seed=4, replications=2, steps=12)
    for table in ("timeseries", "states", "events", "network", "summary"):
        pd.testing.assert_frame_equal(getattr(after, table), getattr(before, table), check_exact=True)


def test_begin_step_writes_only_what_it_declares_and_depends_only_on_what_it_reads():
    sim = Simulation(load_scenario(SCENARIOS / "laos_baseline.yaml"), np.random.SeedSequence(9), 6)
    for s in range(1, 6):
        sim.advance(s)
    world = sim.world
    after = begin_step(world, sim.params)
    moved = {f for f in FIELDS if not _same(getattr(after, f), getattr(world, f))}
    assert moved and moved <= BEGIN.writes, sorted(moved - BEGIN.writes)
    other = begin_step(_scrambled(world, set(FIELDS - BEGIN.reads), np.random.default_rng(1)), sim.params)
    assert not {f for f in BEGIN.writes if not _same(getattr(other, f), getattr(after, f))}
