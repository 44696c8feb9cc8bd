"""Stacked worlds: a mechanism run on a stack gives every run exactly what it gives that run alone."""

from __future__ import annotations

import dataclasses
from functools import reduce
from pathlib import Path

import numpy as np
import pytest
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from conftest import BASELINE, world_before
from laossim import batch, metrics
from laossim.errors import ScenarioError
from laossim.mechanisms import STEP_ORDER, STREAMS, begin_step, forums
from laossim.mechanisms.engagement import KIND_NAMES
from laossim.scenario import Scenario, load_scenario, override_scenario
from laossim.scenario.parameters import EngagementKind, EngagementType, Parameters
from laossim.seeding import Stacked, StackedStreams, Streams
from laossim.simulation import Simulation
from laossim.simulation import outputs as outputs_of
from laossim.world import World, build_world

SCENARIOS = sorted((Path(__file__).resolve().parents[1] / "scenarios").glob("*.yaml"))


STACK_READY = ("alignment", "engagement", "forums", "security", "crises", "economy", "arms")
"""Every mechanism but events, which applies at its scheduled steps (tested over all of them below)."""


CRISIS_PRONE = {"parameters.crises.intercept": 1.0}
"""Crises in most dyads every year, so a step of four runs has several."""


def runs(path: Path, steps: int = 5, overrides: dict[str, float] | None = None) -> tuple[list[Simulation], int]:
    """Four runs of a scenario with different seeds and focal autonomy, ``steps`` steps in;
    and the next step."""
    base = load_scenario(path)
    sims = []
    for r, autonomy in enumerate((0.2, 0.4, 0.6, 0.9)):
        spec = override_scenario(base, {f"states.{base.focal}.autonomy": autonomy, **(overrides or {})})
        sim = Simulation(spec, np.random.SeedSequence(17, spawn_key=(r,)), steps + 1)
        for t in range(1, steps + 1):
            sim.advance(t)
        sims.append(sim)
    return sims, steps + 1


def assert_run_of_stack(stacked: World, b: int, alone: World) -> None:
    for field in dataclasses.fields(World):
        if field.name in batch.SHARED:
            continue
        if field.name == "visibility":
            seen = stacked.visibility.dense(stacked.trust.shape)[b]
            np.testing.assert_array_equal(seen, alone.visibility.dense(alone.n), err_msg=field.name)
        else:
            mine, theirs = np.asarray(getattr(stacked, field.name))[b], np.asarray(getattr(alone, field.name))
            np.testing.assert_array_equal(mine, theirs, err_msg=field.name)


def assert_mechanism_stacks(sims: list[Simulation], name: str, t: int) -> tuple[World, list[World]]:
    """Step t's mechanism ``name`` on the runs' worlds stacked and on each alone: each run of the stack
    gets its own world to the bit. Returns the stacked result and the worlds it began from."""
    params = sims[0].params
    worlds = [world_before(sim, name, t) for sim in sims]
    mechanism = next(m for m in STEP_ORDER if m.name == name)
    generator = StackedStreams([s.streams for s in sims]).generator(mechanism.stream, t)
    stacked, _ = mechanism.step(batch.stack(worlds), params, generator, t)
    for b, (sim, world) in enumerate(zip(sims, worlds, strict=True)):
        alone, _ = mechanism.step(world, params, sim.streams.generator(mechanism.stream, t), t)
        assert_run_of_stack(stacked, b, alone)
    return stacked, worlds


@pytest.mark.parametrize("name", STACK_READY)
@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_a_mechanism_on_a_stack_gives_each_run_its_own_world_to_the_bit(path: Path, name: str):
    steps = 5
    if name == "forums":  # the step before a meeting
        world = load_scenario(path)
        steps = next(t for t in range(5, 400) if forums.meets(build_world(world), t + 1).any())
    sims, t = runs(path, steps, overrides=CRISIS_PRONE if name == "crises" else None)
    stacked, worlds = assert_mechanism_stacks(sims, name, t)
    if name == "crises":
        assert (stacked.crisis_count > 0).sum() >= 2  # the crises were there to be checked
    if name == "forums":
        assert (stacked.forum_expected > worlds[0].forum_expected).all()  # and the meetings


@pytest.mark.parametrize("path", [p for p in SCENARIOS if load_scenario(p).events], ids=lambda p: p.stem)
def test_every_scheduled_event_applies_to_a_stack_as_to_each_run(path: Path):
    sims, _ = runs(path, steps=0)
    spec = sims[0].spec
    schedule = {spec.event_step(ev.at) for ev in spec.events}
    events = next(m.step for m in sims[0].mechanisms if m.name == "events")  # the runs share their schedule
    params = sims[0].params
    for t in range(1, max(schedule) + 1):
        if t in schedule:
            worlds = [begin_step(sim.world, params) for sim in sims]
            generator = StackedStreams([s.streams for s in sims]).generator(STREAMS["events"], t)
            stacked, _ = events(batch.stack(worlds), params, generator, t)
            for b, (sim, world) in enumerate(zip(sims, worlds, strict=True)):
                alone, _ = events(world, params, sim.streams.generator(STREAMS["events"], t), t)
                assert_run_of_stack(stacked, b, alone)
        for sim in sims:
            sim.advance(t)


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_a_step_begins_on_a_stack_as_on_each_run(path: Path):
    sims, _ = runs(path)
    params = sims[0].params
    stacked = begin_step(batch.stack([s.world for s in sims]), params)
    for b, sim in enumerate(sims):
        assert_run_of_stack(stacked, b, begin_step(sim.world, params))


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_the_scores_of_a_stack_are_each_runs_own_to_the_bit(path: Path):
    sims, _ = runs(path, overrides=CRISIS_PRONE)
    stacked = metrics.scores(batch.stack([s.world for s in sims]), sims[0].params)
    assert list(stacked) == list(metrics.COLUMNS)
    for b, sim in enumerate(sims):
        assert {name: float(values[b]) for name, values in stacked.items()} == metrics.scores(sim.world, sim.params)


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_runs_advanced_as_a_stack_have_each_their_own_series_to_the_bit(path: Path):
    base = load_scenario(path)
    steps = min(base.simulation.steps, 24)
    specs = [override_scenario(base, {f"states.{base.focal}.autonomy": a}) for a in (0.1, 0.5, 0.9)]
    seqs = [np.random.SeedSequence(5, spawn_key=(r,)) for r in range(3)]
    stack = Simulation.stacked([Simulation(spec, seq, steps) for spec, seq in zip(specs, seqs, strict=True)])
    stack.run()
    outputs = outputs_of(base)
    for b, (spec, seq) in enumerate(zip(specs, seqs, strict=True)):
        alone = Simulation(spec, seq, steps)
        alone.run()
        for name in outputs:
            np.testing.assert_array_equal(stack.series(name)[:, b], alone.series(name), err_msg=name)
        assert records_of(stack, b) == alone.records


def records_of(stack: Simulation, b: int) -> list:
    """Run b's records of a stack, as the run alone keeps them (in order, with run 0)."""
    return [(t, r._replace(run=0)) for t, r in stack.records if r.run == b]


def real_coefficients(model: type[BaseModel] = Parameters, path: str = "parameters") -> list[tuple[str, FieldInfo]]:
    """Every real-valued coefficient's dotted path, with its field (bounds and default)."""
    found = []
    for name, info in model.model_fields.items():
        here = f"{path}.{name}"
        if info.annotation is float:
            found.append((here, info))
        elif isinstance(info.annotation, type) and issubclass(info.annotation, BaseModel):
            found += real_coefficients(info.annotation, here)
        elif name == "types":
            found += [p for kind in KIND_NAMES for p in real_coefficients(EngagementType, f"{here}.{kind}")]
    return found


def three_values(base: Scenario, path: str, info: FieldInfo) -> list[Scenario]:
    """The scenario with a coefficient at its value, at its lower bound (0 where it may be:
    noise and gains switched off) or below, and above; each valid."""
    low, high = (next((m.ge for m in info.metadata if hasattr(m, "ge")), None), None)
    high = next((m.le for m in info.metadata if hasattr(m, "le")), None)
    value = float(
        reduce(getattr, path.split(".")[1:], base.parameters) if "types" not in path else _kind_value(base, path)
    )
    specs = [base]
    for candidate in (low, value * 0.6 if value else 0.3, value * 1.5 + 0.1, value * 0.8):
        if len(specs) == 3:
            break
        if candidate == value or (high is not None and candidate > high) or candidate < low:
            continue
        try:
            specs.append(override_scenario(base, {path: candidate}))
        except ScenarioError:
            continue
    return specs


def _kind_value(base: Scenario, path: str) -> float:
    *_, kind, name = path.split(".")
    return getattr(base.parameters.engagement.types[EngagementKind(kind)], name)


STEPS = 10
"""Long enough for the forums' first meetings and an event of every type."""


@pytest.fixture(scope="module")
def eventful() -> Scenario:
    """The baseline with every shipped scenario's events of its first ten steps (on the baseline's
    calendar and states): chairs, summits, engagements, programmes, changes, crises and disasters."""
    base = load_scenario(BASELINE)
    ids = [s.id for s in base.states]
    events = []
    for path in SCENARIOS:
        spec = load_scenario(path)
        if spec.simulation.start == base.simulation.start and [s.id for s in spec.states] == ids:
            events += [ev.model_dump(mode="json") for ev in spec.events if spec.event_step(ev.at) <= STEPS]
    document = base.model_dump(mode="json") | {"events": events}
    for state in document["states"]:  # the Vietnam pact's alliance is among them: lift the doctrine, as that file does
        state["no_alliance"] = False
    eventful = Scenario.model_validate(document)
    every = {"chair", "change", "crisis", "disaster", "engagement", "summit", "programme"}
    assert {ev.type for ev in eventful.events} == every
    return eventful


@pytest.mark.parametrize(("path", "info"), real_coefficients(), ids=lambda v: v if isinstance(v, str) else "")
def test_runs_that_differ_in_any_coefficient_share_a_stack_and_keep_their_own_numbers(
    path: str, info: FieldInfo, eventful: Scenario
):
    base = eventful
    if path != "parameters.crises.intercept":
        base = override_scenario(base, {"parameters.crises.intercept": -2.0})  # crises to be checked
    specs = three_values(base, path, info)
    assert len(specs) == 3, path
    assert batch.varies_within_stack(path)
    # a coefficient alone is set by validating the parameters alone: as the whole scenario would be
    value = (
        _kind_value(specs[1], path) if "types" in path else reduce(getattr, path.split(".")[1:], specs[1].parameters)
    )
    assert specs[1] == override_scenario(base, {path: value, "scenario": base.scenario}), path
    assert_stacked_as_alone(specs, seed=8, label=path)


def assert_stacked_as_alone(specs: list[Scenario], seed: int, label: str) -> None:
    """Run the scenarios as one stack and each alone: every output and record equal to the bit."""
    seqs = [np.random.SeedSequence(seed, spawn_key=(r,)) for r in range(len(specs))]
    stack = Simulation.stacked([Simulation(spec, seq, STEPS) for spec, seq in zip(specs, seqs, strict=True)])
    stack.run()
    for b, (spec, seq) in enumerate(zip(specs, seqs, strict=True)):
        alone = Simulation(spec, seq, STEPS)
        alone.run()
        for name in outputs_of(spec):
            np.testing.assert_array_equal(stack.series(name)[:, b], alone.series(name), err_msg=f"{label}: {name}")
        assert records_of(stack, b) == alone.records, label


def test_runs_that_differ_in_a_change_events_value_share_a_stack_and_keep_their_own_numbers(eventful: Scenario):
    """A sweep over how large a change is (debt set to 0.5, 0.7 or 0.9) stacks: the model moves
    only with changes, so these are the designs analysts run."""
    numeric = [i for i, ev in enumerate(eventful.events) if ev.type == "change" and isinstance(ev.value, float)]
    assert numeric
    index = numeric[0]
    path = f"events.{index}.value"
    assert batch.varies_within_stack(path)
    specs = [override_scenario(eventful, {path: eventful.events[index].value * f}) for f in (0.5, 0.75, 1.0)]
    assert_stacked_as_alone(specs, seed=4, label=path)


@pytest.mark.parametrize(
    "change",
    [{"parameters.engagement.max_per_step": 2}, {"forums.ASEAN.period": 3}, {"events": []}],
    ids=["a whole-number coefficient", "a forum's period", "the events"],
)
def test_runs_that_differ_in_what_sets_a_stacks_shape_are_not_stacked(change: dict, eventful: Scenario):
    base = eventful
    other = base.model_copy(update=change) if "events" in change else override_scenario(base, change)
    runs = [Simulation(spec, np.random.SeedSequence(1), 4) for spec in (base, other)]
    with pytest.raises(ValueError, match="cannot share a stack"):
        Simulation.stacked(runs)
    assert not any(batch.varies_within_stack(p) for p in change if p != "events")


def test_a_stacked_generator_draws_each_runs_own_numbers():
    streams = [Streams(np.random.SeedSequence(3, spawn_key=(r,))) for r in range(3)]
    draws = StackedStreams(streams).generator(STREAMS["crises"], 4).random((2, 5), dtype=np.float32)
    assert draws.shape == (3, 2, 5) and draws.dtype == np.float32
    for b, s in enumerate(streams):
        np.testing.assert_array_equal(draws[b], s.generator(STREAMS["crises"], 4).random((2, 5), dtype=np.float32))
    normal = Stacked([s.generator(STREAMS["alignment"], 1) for s in streams[:2]]).standard_normal((4, 2))
    assert normal.shape == (2, 4, 2)
    for b, s in enumerate(streams[:2]):
        np.testing.assert_array_equal(normal[b], s.generator(STREAMS["alignment"], 1).standard_normal((4, 2)))


def test_only_worlds_of_one_structure_can_be_stacked_and_sightings_keep_their_run():
    sims, _ = runs(SCENARIOS[0], steps=1)
    other, _ = runs(Path(__file__).resolve().parents[1] / "scenarios" / "teaching_minimal.yaml", 1)
    with pytest.raises(ValueError, match="their ids differ"):
        batch.stack([sims[0].world, other[0].world])
    stacked = batch.stack([s.world for s in sims])
    assert stacked.trust.shape == (4, *sims[0].world.trust.shape) and stacked.pressure.shape == (4,)
    assert stacked.ids == sims[0].world.ids
    assert len(stacked.visibility) == sum(len(s.world.visibility) for s in sims) > 0
    for b, sim in enumerate(sims):
        assert_run_of_stack(stacked, b, sim.world)


def test_no_mechanism_asks_whether_its_world_is_a_stack():
    """The mechanisms are written once for one world and a stack: what differs between them (each
    happening's run, per-run totals) is asked of :mod:`laossim.batch`, never branched on."""
    import ast

    import laossim.mechanisms

    folder = Path(laossim.mechanisms.__file__).parent
    asking = []
    for source in sorted(folder.glob("*.py")):
        for node in ast.walk(ast.parse(source.read_text())):
            if isinstance(node, ast.Name | ast.Attribute) and (getattr(node, "id", None) or node.attr) == "is_stack":
                asking.append(f"{source.name}:{node.lineno}")
    assert not asking, f"mechanisms branching on one world or a stack: {asking}"
