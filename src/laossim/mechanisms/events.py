"""Mechanism 1: the scenario's timeline, applied first in each step.

Field changes (``op: set | add | scale``), disasters, crises, scripted
engagements (a policy lever), extra forum meetings (summits), chair
terms and forums' multi-year programmes (the simulation schedules a programme
once a year for its years). Every applied event is logged in plain words.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from laossim import geography
from laossim.batch import along, every_run, runs_in
from laossim.mechanisms import crises, engagement, forums
from laossim.mechanisms.contract import contract
from laossim.mechanisms.engagement import KINDS
from laossim.mechanisms.records import NONE, Record, Records
from laossim.scenario.parameters import Parameters
from laossim.scenario.schema import (
    DIRECTED_FIELDS,
    PAIR_FIELDS,
    STATE_FIELDS,
    ChairEvent,
    Changeable,
    ChangeEvent,
    CrisisEvent,
    DisasterEvent,
    EngagementEvent,
    Event,
    Op,
    ProgrammeEvent,
    SummitEvent,
)
from laossim.world import DOCTRINES, World

STATE_ARRAYS = {"engagement_budget": "budget"}
"""Event fields whose World attribute has another name (the rest share the field's name)."""

_CHANGED = {STATE_ARRAYS.get(name, name) for name in STATE_FIELDS} | set(PAIR_FIELDS)

CONTRACT = (
    contract(
        reads=_CHANGED | {"disaster", "distance", "reach", "relevant"},
        writes=_CHANGED | {"disaster", "forum_chair", "forum_chair_until", "relevant"},
    )
    | crises.APPLY
    | engagement.APPLY
    | forums.MEETING
    | contract(reads="", writes="", draws=True)
)
"""A change event touches its field (a border or an alliance, the politically relevant pairs too); the others
touch what a crisis, an engagement or a meeting does."""


def _operate(old: np.ndarray, op: Op, value: float | np.ndarray) -> np.ndarray:
    """The changed value before its clip to the field's range: a huge add or scale may overflow to
    infinity, which the clip brings back to the range's end."""
    with np.errstate(over="ignore"):
        if op is Op.set:
            return np.full_like(old, value)
        return old + value if op is Op.add else old * value


def _amount(ev: ChangeEvent) -> float | np.ndarray:
    """A numeric change's value: one, or one per run of a stack whose runs differ in it
    (``laossim.simulation.Simulation.stacked`` merges them)."""
    return ev.value if isinstance(ev.value, np.ndarray) else float(ev.value)


def _clip(x: np.ndarray, rule: Changeable) -> np.ndarray:
    return np.clip(x, -np.inf if rule.low is None else rule.low, np.inf if rule.high is None else rule.high)


def change(world: World, ev: ChangeEvent) -> tuple[World, Records]:
    """Apply one field change; the result is clipped to the field's range. In a stack of worlds
    (:mod:`laossim.batch`) every run changes, each with its own record."""
    runs = runs_in(world)
    if ev.state is not None:
        i = world.index(ev.state)
        if ev.field == "doctrine":
            doctrine = world.doctrine.copy()
            doctrine[..., i] = [d.value for d in DOCTRINES].index(str(ev.value))
            text = f"{ev.state} adopts the {ev.value} doctrine"
            return world.evolve(doctrine=doctrine), Records.of(Record("change", ev.state, "", 0.0, text)).in_every_run(
                runs
            )
        attr = STATE_ARRAYS.get(ev.field, ev.field)
        arr = getattr(world, attr).copy()
        old = arr[..., i].astype(float)
        arr[..., i] = _clip(_operate(old, ev.op, _amount(ev)), STATE_FIELDS[ev.field])
        return world.evolve(**{attr: arr}), _changes(ev, ev.state, "", old, arr[..., i])
    if ev.between is None:  # pragma: no cover - the schema requires a state or a pair
        raise TypeError("a change event names a state or a pair")
    a, b = ev.between
    i, j = world.index(a), world.index(b)
    if ev.field in ("border", "alliance"):
        arr = getattr(world, ev.field).copy()
        arr[..., i, j] = arr[..., j, i] = bool(ev.value)
        text = f"{a}-{b} {ev.field} set to {str(bool(ev.value)).lower()}"
        ties = {"border": world.border, "alliance": world.alliance, ev.field: arr}
        relevant = geography.relevant(ties["border"], ties["alliance"], world.distance, world.reach)
        return world.evolve(**{ev.field: arr}, relevant=relevant), Records.of(
            Record("change", a, b, float(bool(ev.value)), text)
        ).in_every_run(runs)
    arr = getattr(world, ev.field).copy()
    old = arr[..., i, j].astype(float)
    arr[..., i, j] = _clip(_operate(old, ev.op, _amount(ev)), PAIR_FIELDS[ev.field])
    if ev.field not in DIRECTED_FIELDS:
        arr[..., j, i] = arr[..., i, j]
    return world.evolve(**{ev.field: arr}), _changes(ev, a, b, old, arr[..., i, j])


def _changes(ev: ChangeEvent, source: str, target: str, old: np.ndarray, new: np.ndarray) -> Records:
    """The record of a change of one figure from ``old`` to ``new``: one, or one per run of a stack."""
    what = f"{source}-{target}" if target else source
    given = np.broadcast_to(np.asarray(_amount(ev)), np.shape(np.atleast_1d(old))).tolist()
    return Records.of(*[
        Record("change", source, target, float(after - before), f"{what} {ev.field} {ev.op.value} {value}: "
               f"{before:.3g} -> {after:.3g}", run)
        for run, (before, after, value) in enumerate(zip(np.atleast_1d(old), np.atleast_1d(new), given, strict=True))
    ])  # fmt: skip


def apply_event(world: World, params: Parameters, ev: Event, t: int, attend: np.ndarray) -> tuple[World, Records]:
    """Apply one scheduled event at step t (to every run of a stack, each with its records)."""
    if isinstance(ev, ChangeEvent):
        return change(world, ev)
    runs = every_run(world)
    if isinstance(ev, DisasterEvent):
        i = world.index(ev.state)
        disaster = world.disaster.copy()
        disaster[..., i] = np.maximum(disaster[..., i], ev.severity)
        text = f"disaster strikes {ev.state} (severity {ev.severity:.2f})"
        record = Record("disaster", ev.state, "", ev.severity, text)
        return world.evolve(disaster=disaster), Records.of(record).in_every_run(len(runs))
    if isinstance(ev, CrisisEvent):
        i, j = world.index(ev.between[0]), world.index(ev.between[1])
        text = f"crisis between {ev.between[0]} and {ev.between[1]} (scheduled, severity {ev.severity:.2f})"
        pair = np.full(len(runs), i), np.full(len(runs), j)
        return crises.apply(world, params, *pair, np.full(len(runs), ev.severity), text, runs=runs)
    if isinstance(ev, EngagementEvent):
        i, j = world.index(ev.between[0]), world.index(ev.between[1])
        kind = KINDS.index(ev.kind)
        whose = np.repeat(runs, ev.count)
        count = len(whose)
        return engagement.apply(world, params, np.full(count, i), np.full(count, j), np.full(count, kind), runs=whose)
    if isinstance(ev, SummitEvent):
        f = world.forum_ids.index(ev.forum)
        return forums.hold_meeting(world, params, f, attend[..., f, :], t, label="holds a summit")
    if isinstance(ev, ProgrammeEvent):
        f, kind = world.forum_ids.index(ev.forum), KINDS.index(ev.kind)
        members = np.flatnonzero(np.asarray(world.forum_members)[(0,) * (world.forum_members.ndim - 2) + (f,)])
        chairs = [world.index(c) for c in ev.chairs]
        pairs = [(c, m) for c in chairs for m in members if m != c and not (m in chairs and m < c)]
        initiators = np.tile(np.array([p[0] for p in pairs]), len(runs))
        partners = np.tile(np.array([p[1] for p in pairs]), len(runs))
        whose = np.repeat(runs, len(pairs))
        return engagement.apply(world, params, initiators, partners, np.full(len(initiators), kind), runs=whose)
    if isinstance(ev, ChairEvent):
        f = world.forum_ids.index(ev.forum)
        chair, until = world.forum_chair.copy(), world.forum_chair_until.copy()
        chair[..., f], until[..., f] = world.index(ev.state), t + ev.steps - 1
        text = f"{ev.state} takes the chair of {ev.forum} for {ev.steps} steps"
        record = Record("chair", ev.state, ev.forum, ev.steps, text)
        return world.evolve(forum_chair=chair, forum_chair_until=until), Records.of(record).in_every_run(len(runs))
    raise TypeError(f"unknown event {type(ev).__name__}")  # pragma: no cover - the schema is closed


def step(
    world: World, params: Parameters, rng: np.random.Generator, t: int, schedule: Mapping[int, Sequence[Event]]
) -> tuple[World, Records]:
    """Apply every event scheduled for step t, in file order."""
    if t not in schedule:
        return world, NONE  # draws nothing: this step's generator is its own, so no other draw moves
    draw = rng.random((len(world.forum_ids), world.n))
    attend = draw < along(params.forums.participation, draw)
    records = []
    for ev in schedule.get(t, ()):
        world, new = apply_event(world, params, ev, t, attend)
        if ev.note:
            new = Records.of(*(r._replace(text=f"{r.description} ({ev.note})") for r in new))
        records.append(new)
    return world, Records.concat(records)


__all__ = ["apply_event", "change", "step"]
