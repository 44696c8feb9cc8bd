"""Contract tests every mechanism must pass: simplex, bounds, no NaN, determinism.

Hypothesis drives synthetic worlds through whole steps under extreme
parameters; each bug it finds becomes an ``@example``.
"""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import laossim
from laossim import metrics
from laossim.mechanisms import STEP_ORDER, begin_step
from laossim.scenario import override_scenario
from laossim.seeding import Streams, root_sequence
from laossim.world import World, build_world

BOUNDED = ("trust", "tension", "interoperability", "autonomy", "trade", "aid", "debt")

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
    assert w.pressure >= 0 and np.isfinite(w.pressure)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    n=st.integers(4, 12),
    seed=st.integers(0, 1000),
    responsiveness=extreme,
    noise=st.sampled_from([0.0, 1.0, 2000.0]),
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
            "parameters.alignment.noise_concentration": noise,
            "parameters.alignment.threat": threat,
            "parameters.engagement.temperature": temperature,
            "parameters.engagement.trust_decay": decay,
            "parameters.crises.intercept": intercept,
            "parameters.security.visibility_gain": threat,
            "forums.GLOBAL.strength": strength,
        },
    )
    world = build_world(scenario)
    check_world(world)
    streams = Streams(root_sequence(seed), tuple(name for name, _ in STEP_ORDER))
    for t in range(1, 5):
        world = begin_step(world, scenario.parameters)
        for name, mechanism in STEP_ORDER:
            if name == "events":
                continue
            world, _ = mechanism(world, scenario.parameters, streams.generator(name, t), t)
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
    streams = Streams(root_sequence(5), ("a", "b"))
    first = streams.generator("a", 3).random(4)
    streams.generator("b", 3).random(1000)
    np.testing.assert_array_equal(streams.generator("a", 3).random(4), first)
    assert not np.array_equal(streams.generator("a", 4).random(4), first)


def test_the_stream_of_a_mechanism_and_step_is_pcg64_of_its_seed_sequence_child():
    """The seeding contract of docs/model.md, which keeps a (scenario, seed) reproducible across
    versions: (mechanism m, step t) of the replication with sequence S draws from
    PCG64(SeedSequence(S.entropy, spawn_key=(*S.spawn_key, m, t))), however it is made."""
    child = np.random.SeedSequence(5).spawn(3)[2]
    streams = Streams(child, ("a", "b"))
    seq = np.random.SeedSequence(5, spawn_key=(2, 1, 7))
    expected = np.random.Generator(np.random.PCG64(seq))
    drawn = streams.generator("b", 7)
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
