"""One replication of a scenario, step by step, without Mesa.

A :class:`Simulation` owns the :class:`~laossim.world.World` and composes the
pure mechanisms in :data:`~laossim.mechanisms.STEP_ORDER`; a run is a pure
function of (scenario, seed sequence, steps). :class:`~laossim.model.LaosModel`
is this plus Mesa (agents, DataCollector, SolaraViz, batch_run); sweep
workers run the Simulation alone, so they start without importing Mesa and
pandas. Both go through :meth:`Simulation.advance`, so their results are
the same to the bit.
"""

from __future__ import annotations

import copy
import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from functools import partial

import numpy as np

from laossim import batch, metrics, vocab
from laossim.errors import NonFiniteScoreError
from laossim.mechanisms import STEP_ORDER, Declared, alignment, begin_step, camps, churn, events
from laossim.mechanisms.records import Record, Records
from laossim.scenario import Scenario
from laossim.scenario.schema import ChangeEvent, Event, ProgrammeEvent
from laossim.seeding import StackedStreams, Streams
from laossim.world import DYAD, RESTING, TALLIES, World, build_world


def outputs(scenario: Scenario) -> list[str]:
    """Every output a sweep can record for this scenario: the scores and their components, and
    each family's member for each non-pole state (and pole): ``alignment.LAO.CHN``
    (:data:`laossim.vocab.FAMILIES`)."""
    poles = list(scenario.poles)
    states = [s for s in scenario.state_ids if s not in poles]
    members = (
        family.member(state, part) for family in vocab.FAMILIES for state in states for part in family.parts(poles)
    )
    return [*vocab.COLUMNS, *members]


def recorded() -> tuple[str, ...]:
    """The world fields a simulation keeps at every step: what the run tables read (alignment,
    capability, camp) and each family of :data:`laossim.vocab.FAMILIES` reads."""
    return tuple(dict.fromkeys(("alignment", "capability", "camp", *(f.field for f in vocab.FAMILIES))))


def member_series(name: str, histories: dict[str, np.ndarray], world: World) -> np.ndarray:
    """A family member's value at every step (``alignment.LAO.CHN``), from the histories of the
    :func:`recorded` fields ((steps, [runs,] N[, K])); (steps,) or (steps, runs).

    Raises:
        KeyError: ``name`` is no family's member.
    """
    member = vocab.family_member(name)
    if member is None:
        raise KeyError(name)
    family, state, part = member
    history, i = histories[family.field], world.index(state)
    if part is None:
        return history[..., i]
    return history[..., i, family.parts([world.ids[p] for p in world.poles]).index(part)]


def _check_finite(scores: metrics.Scores, t: int) -> None:
    if np.isfinite(np.array(list(scores.values()), dtype=np.float64)).all():  # one check for all: a step's cost
        return
    bad = [name for name, value in scores.items() if not np.isfinite(value).all()]
    if bad:
        raise NonFiniteScoreError(
            f"step {t}: {', '.join(bad)} reached a value that is not a finite number; nothing was written"
        )


def per_run_value(ev: Event) -> bool:
    """Whether runs of one stack may differ in this event's value: a change of a number (not of a
    doctrine or a border, which are not numbers)."""
    return isinstance(ev, ChangeEvent) and isinstance(ev.value, float | np.ndarray) and not isinstance(ev.value, bool)


def merged_events(specs: Sequence[Scenario]) -> list[Event]:
    """The events of runs that share a stack (:func:`stack_key`): each as the first run has it, but
    a numeric change whose value differs by run carries one value per run."""
    merged = []
    for same in zip(*(spec.events for spec in specs), strict=True):
        values = [ev.value for ev in same if isinstance(ev, ChangeEvent)]
        if per_run_value(same[0]) and any(v != values[0] for v in values[1:]):
            merged.append(same[0].model_copy(update={"value": np.array(values, dtype=np.float64)}))
        else:
            merged.append(same[0])
    return merged


def stack_key(spec: Scenario, steps: int) -> str:
    """What runs must have in common to share a stack (:meth:`Simulation.stacked`), read off their
    scenario before any world is built: their states, poles and focal state, their calendar and
    length, their events, their forums but for each forum's strength (a figure of the world), and
    their coefficients but for the real-valued ones (:func:`laossim.batch.parameter_shape`); a numeric
    change event's value may differ by run (:func:`merged_events`)."""
    structure = [s.id for s in spec.states], list(spec.poles), spec.focal
    forums = [f.model_dump(mode="json", exclude={"strength"}) for f in spec.forums]
    events = [e.model_dump(mode="json", exclude={"value"} if per_run_value(e) else None) for e in spec.events]
    calendar = spec.simulation.start, spec.simulation.time_unit.value
    shape = batch.parameter_shape(spec.parameters)
    return json.dumps([structure, calendar, forums, events, shape, steps], sort_keys=True, default=str)


REST_SAMPLES = 16
"""The fewest sampled steps that measure a run's rest (:meth:`Simulation.rest`); each costs a step."""

MOST_REST_SAMPLES = 48
"""The most: forums with long or mismatched periods are then sampled in near, not exact, proportion."""


def rest_samples(world: World) -> int:
    """How many sampled steps measure a run's rest: the least multiple of the meeting periods' least
    common multiple (of the forums meeting from the start) that is at least :data:`REST_SAMPLES`, so
    every regular meeting comes round in proportion; at most :data:`MOST_REST_SAMPLES`."""
    periods = np.asarray(world.forum_period).reshape(-1, len(world.forum_ids))[0] if world.forum_ids else []
    since = np.asarray(world.forum_since).reshape(-1, len(world.forum_ids))[0] if world.forum_ids else []
    cycle = int(np.lcm.reduce([int(p) for p, s in zip(periods, since, strict=True) if s <= 0] or [1]))
    return min(MOST_REST_SAMPLES, -(-REST_SAMPLES // cycle) * cycle)


NOISE = next(m for m in STEP_ORDER if m.name == "noise")

UNSAMPLED = frozenset({"events", "noise", "rest"})
"""What a sampled step leaves out: the timeline (a change, not the world as it stands), the noise
(mean zero: sampled, it would only add error) and the rest itself."""


CHOSEN_FROM = ("engagement_tally",)
"""The tallies a mechanism chooses by (the engagements' partner shares, which a hedger spreads): a sampled
step reads their expected values as the samples before it measured them, so the choices sampled are
those of the run at rest."""


def _expected(increment: np.ndarray, kept: float | np.ndarray, now: float | np.ndarray) -> np.ndarray:
    """A fading tally's expected value, its mean increment a step over the share a step forgets; as
    it is where it forgets nothing (it has no expected value)."""
    forgets = 1.0 - np.asarray(kept, dtype=float)
    return np.where(forgets > 0, increment / np.where(forgets > 0, forgets, 1.0), now)


def _bound(spec: Scenario, timeline: Sequence[Event]) -> tuple[Declared, ...]:
    """:data:`STEP_ORDER` with the events mechanism bound to ``timeline``, each event at its step (a
    programme at its step and once a year after, for its years)."""
    schedule: dict[int, list] = defaultdict(list)
    spy = spec.simulation.steps_per_year
    for ev in timeline:
        first = spec.event_step(ev.at)
        for year in range(ev.years if isinstance(ev, ProgrammeEvent) else 1):  # a programme: once a year
            schedule[first + year * spy].append(ev)
    return tuple(
        replace(m, step=partial(events.step, schedule=dict(schedule))) if m.name == "events" else m for m in STEP_ORDER
    )


class Simulation:
    """A scenario's world and its history, advanced one step at a time.

    Args:
        spec: the scenario.
        seq: the replication's seed sequence (each mechanism and step draws from its own child).
        steps: run length.
    """

    def __init__(self, spec: Scenario, seq: np.random.SeedSequence, steps: int, *, at_rest: bool = True) -> None:
        self.spec: Scenario = spec
        self.params = spec.parameters
        self.max_steps = int(steps)
        self.root_seed = seq.entropy
        """The root seed's entropy (the int given, or the scenario's seed)."""
        self.streams: Streams | StackedStreams = Streams(seq)
        self.world: World = camps.settled(alignment.anchored(build_world(spec), spec.parameters), spec.parameters)
        self.mechanisms: tuple[Declared, ...] = _bound(spec, spec.events)
        """The step's mechanisms in order (:data:`STEP_ORDER`), events bound to this run's schedule."""
        self.log: list[tuple[int, Records]] = []
        """What happened, as each mechanism reported it with the step (columns; in a stack every
        run's, each marked with its run); the steps in order."""
        self._rows: list[tuple[int, Record]] = []
        self._rows_read = 0
        self._last_from = 0
        self.previous_world: World | None = None
        """The world before the last step (what the app compares to show changes)."""
        self.histories: dict[str, list[np.ndarray]] = {name: [getattr(self.world, name)] for name in recorded()}
        """Each :func:`recorded` field at every step so far (step 0 first)."""
        self.scores: metrics.Scores = metrics.scores(self.world, self.params)
        self.score_history: list[metrics.Scores] = [self.scores]
        self.rested = False
        """Whether the run began at rest (:meth:`rest`)."""
        if at_rest:
            self.rest()

    def rest(self, samples: int | None = None) -> None:
        """Begin the run at rest (:mod:`laossim.mechanisms.rest`): measure each held figure's
        expected change in a step from the initial world, over ``samples`` sampled steps t = 1, ...
        (default :func:`rest_samples`: every regular meeting comes round in proportion) of every
        mechanism but the scheduled events and the noise, each drawing from its own sampling stream,
        with the forums founded during the run left out (their founding is a change); and start
        every tally at its expected value, the mean increment of a step over what a step keeps of it
        (a sampled step reads the :data:`CHOSEN_FROM` tallies as the samples before it measured them).
        The growth and the beliefs (:mod:`laossim.mechanisms.beliefs`) a sampled step leaves are carried
        to the next, so the rest measures misperception at about its size at rest, and the run starts
        from the beliefs the sampled steps leave (no belief error builds up after step 0).
        Step 0 is then recorded again. ``at_rest=False`` defers this, so a stack of runs can do it
        as one.

        Raises:
            ValueError: the run has begun, or ``samples`` is not positive.
        """
        if len(self.score_history) != 1 or self.rested:
            raise ValueError("a run is brought to rest once, at step 0")
        samples = rest_samples(self.world) if samples is None else samples
        if samples < 1:
            raise ValueError("a run's rest is measured over at least one sampled step")
        start, params = self.world, self.params
        later = np.asarray(start.forum_since) > 0  # founded during the run: not part of the world at rest
        sampled = start.evolve(forum_since=np.where(later, np.iinfo(np.int64).max // 2, start.forum_since))
        unit = start.evolve(**{name: np.ones_like(np.asarray(getattr(start, name), dtype=float)) for name in TALLIES})
        kept = begin_step(unit, params)
        moved = np.zeros(start.drift.shape)
        moved_capability = np.zeros(start.capability.shape)
        added = {name: np.zeros(np.shape(getattr(start, name))) for name in TALLIES}
        growth, believed = start.growth, start.beliefs
        modernisation = np.power(1.0 + start.modernization, 1.0 / start.steps_per_year) - 1.0  # not held: a scenario's
        known: dict[str, np.ndarray] = {}  # the read tallies' expected values from the samples so far
        for sample in range(samples + 1):  # sample 0 only carries the growth (read a step later) in
            world = begin_step(sampled.evolve(growth=growth, beliefs=believed, **known), params)
            for m in self.mechanisms:
                if m.name not in UNSAMPLED:
                    world, _ = m.step(world, params, self.streams.sampling(m.stream, sample), max(sample, 1))
            growth, believed = world.growth, world.beliefs
            if sample == 0:
                continue
            for k, name in enumerate(RESTING):
                moved[..., k, :, :] += getattr(world, name).astype(float) - getattr(start, name)
            moved_capability += world.capability - start.capability
            for name in TALLIES:
                began = known.get(name, getattr(start, name))  # what the sampled step's tally began at
                added[name] += np.asarray(getattr(world, name)) - np.asarray(getattr(kept, name)) * began
            noisy, _ = NOISE.step(world, params, self.streams.sampling(NOISE.stream, sample), sample)
            added["churn"] += churn(start.alignment, noisy.alignment, start.is_pole)  # a step's change, noise too
            known = {
                name: _expected(added[name] / sample, getattr(kept, name), getattr(start, name)).astype(
                    np.asarray(getattr(start, name)).dtype
                )
                for name in CHOSEN_FROM
            }
        tallies = {
            name: _expected(added[name] / samples, getattr(kept, name), getattr(start, name)) for name in TALLIES
        }
        self.world = start.evolve(
            **{name: value if np.ndim(value) else float(value) for name, value in tallies.items()},
            norm_pull_start=tallies["norm_pull"],
            growth=growth,
            beliefs=believed,
            drift=(moved / samples).astype(DYAD),
            drift_capability=moved_capability / samples / start.capability - modernisation,
        )
        self.histories = {name: [getattr(self.world, name)] for name in recorded()}
        self.scores = metrics.scores(self.world, self.params)
        self.score_history = [self.scores]
        self.rested = True

    @classmethod
    def replicated(cls, spec: Scenario, replications: int, steps: int, seed: int | None = None) -> Simulation:
        """A scenario's replications (each from child r of the root seed, the scenario's unless
        given) as one stack brought to rest, at step 0: the way to study a scenario's mean path."""
        root = np.random.SeedSequence(spec.simulation.seed if seed is None else seed)
        stack = cls.stacked([cls(spec, seq, steps, at_rest=False) for seq in root.spawn(replications)])
        stack.rest()  # a stack even of one: every series has a column per replication
        return stack

    @classmethod
    def stacked(cls, runs: Sequence[Simulation]) -> Simulation:
        """Runs at step 0 advanced as one, on a stack of their worlds (:mod:`laossim.batch`).

        The runs must share their scenario's structure, calendar, events and forums but for their
        strength; they may differ in state and relation figures, forum strengths, real-valued
        coefficients (:func:`laossim.batch.parameters`) and seed. Every output's :meth:`series`
        then has a column per run, each that run's own series to the bit, and its :attr:`log` every
        run's records, each marked with its run.

        Raises:
            ValueError: the runs cannot share a stack.
        """
        first = runs[0]
        if any(r.stack_key() != first.stack_key() for r in runs[1:]):
            raise ValueError(
                "runs with different states, events, forums, calendars, lengths or whole-number coefficients "
                "cannot share a stack"
            )
        if any(len(r.score_history) != 1 for r in runs):
            raise ValueError("runs are stacked at step 0")
        if any(r.rested != first.rested for r in runs):
            raise ValueError("runs are stacked all at rest or none (then the stack is brought to rest)")
        streams = [r.streams for r in runs]
        if not all(isinstance(s, Streams) for s in streams):
            raise ValueError("a stack is not stacked again")
        stack = copy.copy(first)
        stack.mechanisms = _bound(first.spec, merged_events([r.spec for r in runs]))
        stack.params = batch.parameters([r.params for r in runs])
        stack.world = batch.stack([r.world for r in runs])
        stack.streams = StackedStreams([s for s in streams if isinstance(s, Streams)])
        stack.log, stack._rows, stack._rows_read, stack._last_from = [], [], 0, 0
        stack.histories = {name: [getattr(stack.world, name)] for name in recorded()}
        stack.scores = metrics.scores(stack.world, stack.params)
        stack.score_history = [stack.scores]
        return stack

    def stack_key(self) -> str:
        """What runs must have in common to share a stack (:func:`stack_key`)."""
        return stack_key(self.spec, self.max_steps)

    def advance(self, t: int) -> None:
        """Step t (from 1): the mechanisms in :data:`STEP_ORDER`, then the scores."""
        world = begin_step(self.world, self.params)
        self._last_from = len(self.log)
        for m in self.mechanisms:
            world, records = m.step(world, self.params, self.streams.generator(m.stream, t), t)
            if len(records):
                self.log.append((t, records))
        self.previous_world, self.world = self.world, world
        for name, history in self.histories.items():
            history.append(getattr(world, name))
        self.scores = metrics.scores(world, self.params)
        _check_finite(self.scores, t)
        self.score_history.append(self.scores)

    @property
    def last_records(self) -> Records:
        """What happened in the last step."""
        return Records.concat([records for _, records in self.log[self._last_from :]])

    @property
    def records(self) -> list[tuple[int, Record]]:
        """Every happening so far with its step, as rows (made when first read, in order)."""
        for t, block in self.log[self._rows_read :]:
            self._rows += [(t, r) for r in block]
        self._rows_read = len(self.log)
        return self._rows

    def run(self) -> None:
        """Advance to ``max_steps``."""
        for t in range(len(self.score_history), self.max_steps + 1):
            self.advance(t)

    @property
    def alignment_history(self) -> list[np.ndarray]:
        """The alignments at every step so far."""
        return self.histories["alignment"]

    @property
    def capability_history(self) -> list[np.ndarray]:
        """The capability shares at every step so far."""
        return self.histories["capability"]

    def series(self, output: str) -> np.ndarray:
        """One output at every step so far (step 0 first): a score or component
        (:data:`laossim.vocab.COLUMNS`), or a family's member (``alignment.LAO.CHN``); (steps, runs)
        for a stack."""
        member = vocab.family_member(output)
        if member is not None:
            field = member[0].field  # stack only the history the member reads
            return member_series(output, {field: np.stack(self.histories[field])}, self.world)
        return np.array([scores[output] for scores in self.score_history], dtype=np.float64)
