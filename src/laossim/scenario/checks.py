"""Cross-reference checks that need the whole scenario: ids, the simplex, the calendar.

They run on the assembled document (not on validated objects), guarding each
access, so they report alongside type errors instead of after them: a user
sees every mistake of a file in one pass.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

from laossim.calendar import TimeUnit, parse_period, step_of
from laossim.errors import Problem, Raw, did_you_mean, show
from laossim.inputs.items import pair_label
from laossim.inputs.tree import LList, LMap
from laossim.scenario.schema import FORUM_NORMS, PAIR_FIELDS, STATE_FIELDS, Changeable, Doctrine, Op
from laossim.scenario.schema import Simulation as SimulationSettings

SIMPLEX_TOLERANCE = 1e-6
DEFAULTS = SimulationSettings.model_validate({})
"""The simulation settings a document leaves out, as the schema gives them."""


def _items(doc: LMap, key: str) -> list[tuple[int, LMap, tuple[str, int | None]]]:
    seq = doc.get(key)
    if not isinstance(seq, LList):
        return []
    return [(i, item, seq.where(i)) for i, item in enumerate(seq) if isinstance(item, LMap)]


class _Checker:
    def __init__(self, doc: LMap) -> None:
        self.doc = doc
        self.problems: list[Problem] = []
        self.ids = [sid for _, s, _ in _items(doc, "states") if isinstance(sid := s.get("id"), str)]
        poles = doc.get("poles")
        self.poles = [p for p in poles if isinstance(p, str)] if isinstance(poles, LList) else []
        sim = doc.get("simulation")
        if not isinstance(sim, LMap):
            sim = LMap()
        self.sim = sim
        unit_name = sim.get("time_unit", DEFAULTS.time_unit.value)
        self.unit = TimeUnit(unit_name) if unit_name in TimeUnit.__members__ else None
        start = str(sim.get("start", DEFAULTS.start))
        self.start_label = start
        self.start = start if self.unit is not None and _parses(start, self.unit) else None
        self.steps = sim.get("steps", DEFAULTS.steps)
        self.unallied = {
            sid
            for _, s, _ in _items(doc, "states")
            if isinstance(sid := s.get("id"), str) and s.get("no_alliance") is True
        }
        """The states whose doctrine forbids an alliance."""
        self.founded: dict[str, int] = {}
        """Forum id -> step of its first meeting, for forums founded during the run."""

    def add(
        self,
        node: LMap | LList,
        key: Any,
        path: str,
        message: str,
        expected: str | None = None,
        got: Any = None,
        hint: str | None = None,
    ) -> None:
        file, line = node.where(key)
        self.problems.append(Problem(file, line, path, message, expected, None if got is None else show(got), hint))

    def state_ref(self, node: LMap | LList, key: Any, path: str, value: Any) -> None:
        if not isinstance(self.doc.get("states"), LList):
            return  # states: itself is wrong (reported by the schema); every id would be "unknown"
        if isinstance(value, str) and value not in self.ids:
            self.add(
                node,
                key,
                path,
                f"unknown state '{value}'",
                got=None,
                hint=did_you_mean(value, self.ids) or "declare it under states:",
            )

    def pair_refs(self, item: LMap, path: str) -> list[str] | None:
        pair = item.get("between")
        if not isinstance(pair, LList) or len(pair) != 2:
            return None
        for j, sid in enumerate(pair):
            self.state_ref(pair, j, f"{path}.between[{j}]", sid)
        if pair[0] == pair[1]:
            self.add(
                item,
                "between",
                f"{path}.between",
                "a relation needs two different states",
                got=list(pair),
            )
        return [p for p in pair if isinstance(p, str)]

    # -- sections -----------------------------------------------------------
    def duplicates(self, section: str, key: str) -> None:
        seen = Counter(item.get(key) for _, item, _ in _items(self.doc, section) if isinstance(item.get(key), str))
        for i, item, _ in _items(self.doc, section):
            if seen.get(item.get(key), 0) > 1:
                self.add(
                    self.doc[section],
                    i,
                    f"{section}[{i}].{key}",
                    f"duplicate {key} '{item[key]}'",
                    hint=f"each {section[:-1]} must have a unique {key}",
                )
                seen[item[key]] = 0  # report each duplicate once

    def case_twins(self) -> list[str]:
        """States whose id differs from an earlier one only in case: an override meant for that
        state (``- {id: lao, ...}`` in a file extending one with LAO) declares a new state
        instead. Each is reported once, and its ids returned so nothing else is said of it."""
        first: dict[str, str] = {}
        twins = []
        for i, state, _ in _items(self.doc, "states"):
            sid = state.get("id")
            if not isinstance(sid, str):
                continue
            known = first.setdefault(sid.lower(), sid)
            if known != sid:
                twins.append(sid)
                self.add(
                    self.doc["states"],
                    i,
                    f"states.{sid}.id",
                    f"'{sid}' differs from the state '{known}' only in case, so it declares a new state",
                    hint=f"did you mean '{known}'? ids are case-sensitive",
                )
        return twins

    def poles_section(self) -> None:
        poles = self.doc.get("poles")
        if not isinstance(poles, LList):
            return
        for j, pole in enumerate(poles):
            self.state_ref(poles, j, f"poles[{j}]", pole)
        for pole, n in Counter(p for p in poles if isinstance(p, str)).items():
            if n > 1:
                self.add(self.doc, "poles", "poles", f"pole '{pole}' listed {n} times")
        for _, state, _ in _items(self.doc, "states"):
            if state.get("role") == "focal" and state.get("id") in poles:
                j = poles.index(state.get("id"))
                self.add(
                    poles,
                    j,
                    f"poles[{j}]",
                    f"the focal state '{state.get('id')}' cannot be a pole",
                    hint="a pole is an axis others align on; the focal state hedges between them",
                )

    def states(self) -> None:
        focal = []
        for _, state, _ in _items(self.doc, "states"):
            sid = state.get("id")
            path = f"states.{sid}" if isinstance(sid, str) else "states"
            if state.get("role") == "focal":
                focal.append(state)
            alignment = state.get("alignment")
            if isinstance(alignment, LMap):
                self.alignment(state, alignment, path, sid)
        self.positions()
        if len(focal) != 1:
            where = focal[1] if len(focal) > 1 else None
            if where is not None:
                self.add(
                    where,
                    "role",
                    f"states.{where.get('id')}.role",
                    "more than one focal state",
                    "exactly one state with role: focal",
                    got=", ".join(str(s.get("id")) for s in focal),
                )
            elif self.ids:
                self.add(
                    self.doc,
                    "states",
                    "states",
                    "no focal state",
                    "exactly one state with role: focal",
                    hint="set role: focal on the state whose autonomy and security are scored",
                )

    def positions(self) -> None:
        """Positions (format version 2): one coordinate per pole but one, given for every state or
        for none, and never beside an alignment (the two say the same thing)."""
        states = [(state.get("id"), state) for _, state, _ in _items(self.doc, "states")]
        placed = [sid for sid, state in states if state.get("position") is not None]
        axes = max(len(self.poles) - 1, 1)
        seen: dict[str, tuple] = {}  # each pole's position so far
        for sid, state in states:
            path = f"states.{sid}"
            for field in ("position", "resting_position"):
                value = state.get(field)
                if value is None:
                    continue
                if self.doc.get("format_version") != 2:
                    self.add(state, field, f"{path}.{field}", f"{field} is new in format version 2",
                             hint="put format_version: 2 at the top of the file")  # fmt: skip
                elif isinstance(value, LList) and len(value) != axes:
                    self.add(state, field, f"{path}.{field}", f"{field} has {len(value)} coordinates",
                             f"{axes}: one per pole but one ({', '.join(self.poles)})", list(value))  # fmt: skip
            if sid in self.poles and isinstance(state.get("position"), LList):
                spot = tuple(state["position"])
                twin = next((p for p, at in seen.items() if at == spot), None)
                if twin is not None:
                    self.add(state, "position", f"{path}.position", f"the same position as the pole {twin}",
                             "poles at distinct positions", list(spot), hint="move one of them")  # fmt: skip
                seen[sid] = spot
            if placed and state.get("position") is None:
                self.add(state, "id", f"{path}.position", "no position, while other states have one",
                         "a position for every state, or for none", hint=f"give {sid} a position as "
                         f"{placed[0]} has, with {axes} coordinate(s)")  # fmt: skip
            elif state.get("position") is not None and state.get("alignment") is not None:
                self.add(state, "alignment", f"{path}.alignment", "both an alignment and a position",
                         "one of them: a position sets the shares", hint="remove alignment")  # fmt: skip

    def alignment(self, state: LMap, alignment: LMap, path: str, sid: Any) -> None:
        values = {}
        for pole, share in alignment.items():
            if pole not in self.poles:
                self.add(
                    alignment,
                    pole,
                    f"{path}.alignment.{pole}",
                    f"'{pole}' is not a pole",
                    f"one of {', '.join(self.poles)}",
                    hint=did_you_mean(pole, self.poles),
                )
            elif isinstance(share, (int, float)) and not isinstance(share, bool):
                values[pole] = float(share)
        if len(values) != len(alignment) or any(v < 0 for v in values.values()):
            return
        total = sum(values.values())
        if sid in self.poles:
            vertex = {p: float(p == sid) for p in self.poles}
            if any(abs(values.get(p, 0.0) - v) > SIMPLEX_TOLERANCE for p, v in vertex.items()):
                self.add(
                    state,
                    "alignment",
                    f"{path}.alignment",
                    "a pole's alignment is its own vertex",
                    f"{{{sid}: 1}} or no alignment",
                    dict(values),
                    "remove alignment from this pole",
                )
            return
        if abs(total - 1.0) > SIMPLEX_TOLERANCE:
            if total > 0:
                normalised = ", ".join(f"{p}: {v / total:.3f}" for p, v in values.items())
                hint = f"normalised, that is {{{normalised}}}"
            else:
                hint = "give at least one positive share"
            self.add(
                state,
                "alignment",
                f"{path}.alignment",
                "alignment is not on the simplex",
                "shares over the poles summing to 1",
                Raw(f"a sum of {total:.6g}"),
                hint,
            )

    def relations(self) -> None:
        seen: dict[frozenset[str], int] = {}
        totals: dict[tuple[str, str], dict[str, float]] = {}
        for i, rel, _ in _items(self.doc, "relations"):
            pair = self.pair_refs(rel, f"relations[{i}]")
            if not pair or len(pair) != 2 or not set(pair) <= set(self.ids):
                continue
            label = pair_label(pair)
            key = frozenset(pair)
            if key in seen and len(key) == 2:
                self.add(
                    self.doc["relations"],
                    i,
                    f"relations.{label}",
                    f"duplicate relation {label}",
                    hint=f"merge it with relations[{seen[key]}]",
                )
            seen.setdefault(key, i)
            if rel.get("alliance") is True:
                self.forbidden_alliance(rel, "alliance", f"relations.{label}.alliance", pair)
            for field in ("trade", "aid", "debt", "arms"):
                shares = rel.get(field)
                if not isinstance(shares, LMap):
                    continue
                for holder, share in shares.items():
                    if holder not in pair:
                        self.add(
                            shares,
                            holder,
                            f"relations.{label}.{field}.{holder}",
                            f"'{holder}' is not in this relation",
                            f"one of {', '.join(pair)}",
                            hint=did_you_mean(holder, pair),
                        )
                    elif field in ("trade", "arms") and isinstance(share, (int, float)) and not isinstance(share, bool):
                        totals.setdefault((holder, field), {})[label] = float(share)
        # a single share above 1 is reported by the schema; totals only matter when each share is valid
        for (holder, field), shares in totals.items():
            if sum(shares.values()) > 1.0 + SIMPLEX_TOLERANCE and max(shares.values()) <= 1.0:
                states = self.doc.get("states")
                node = next((s for _, s, _ in _items(self.doc, "states") if s.get("id") == holder), None)
                target: LMap | LList = self.doc
                at: Any = "relations"
                if node is not None and isinstance(states, LList):  # a state was found: states is a list
                    target, at = states, self.ids.index(holder)
                self.add(
                    target,
                    at,
                    f"states.{holder}",
                    f"{field} shares add up to more than 1",
                    "a total of at most 1",
                    Raw(f"{sum(shares.values()):.3g} over {', '.join(shares)}"),
                )

    def forums(self) -> None:
        for i, forum, _ in _items(self.doc, "forums"):
            fid = forum.get("id")
            path = f"forums.{fid}" if isinstance(fid, str) else f"forums[{i}]"
            members = forum.get("members")
            if isinstance(members, LList):
                for j, m in enumerate(members):
                    self.state_ref(members, j, f"{path}.members[{j}]", m)
                for m, n in Counter(x for x in members if isinstance(x, str)).items():
                    if n > 1:
                        self.add(forum, "members", f"{path}.members", f"member '{m}' listed {n} times")
            norm = forum.get("norm")
            if isinstance(norm, str) and norm not in FORUM_NORMS and norm not in self.poles:
                choices = [*FORUM_NORMS, *self.poles]
                self.add(
                    forum,
                    "norm",
                    f"{path}.norm",
                    "unknown norm",
                    f"one of {', '.join(choices)}",
                    norm,
                    did_you_mean(norm, choices),
                )
            since = self.time(forum, "since", f"{path}.since", "founding")
            if since is not None and isinstance(fid, str):
                self.founded[fid] = since

    def forbidden_alliance(self, node: LMap, key: str, path: str, pair: list[str]) -> None:
        """An alliance given to a state whose doctrine forbids one (``no_alliance``) is an error."""
        for sid in pair:
            if sid in self.unallied:
                self.add(
                    node,
                    key,
                    path,
                    f"{sid}'s doctrine forbids a military alliance (no_alliance: true)",
                    "no alliance with this state",
                    True,
                    f"remove the alliance, or set no_alliance: false on {sid} if its doctrine has changed",
                )

    def events(self) -> None:
        if self.unit is not None and self.start is None:
            self.add(
                self.sim,
                "start",
                "simulation.start",
                "not a calendar label",
                f"a {self.unit.value} label like {self.unit.example}",
                self.start_label,
            )
        forum_ids = [f.get("id") for _, f, _ in _items(self.doc, "forums")]
        for i, ev, _ in _items(self.doc, "events"):
            path = f"events[{i}]"
            self.state_ref(ev, "state", f"{path}.state", ev.get("state"))
            if isinstance(ev.get("between"), LList):
                self.pair_refs(ev, path)
            forum = ev.get("forum")
            if isinstance(forum, str) and forum not in forum_ids:
                self.add(
                    ev,
                    "forum",
                    f"{path}.forum",
                    f"unknown forum '{forum}'",
                    hint=did_you_mean(forum, forum_ids) or "declare it under forums:",
                )
            if ev.get("type") == "programme":
                self.programme(ev, path)
            pair = ev.get("between")
            if ev.get("field") == "alliance" and ev.get("value") is True and isinstance(pair, LList):
                self.forbidden_alliance(ev, "value", f"{path}.value", [p for p in pair if isinstance(p, str)])
            step = self.time(ev, "at", f"{path}.at", "event")
            if step is not None and isinstance(forum, str) and step < self.founded.get(forum, 0):
                self.add(
                    ev,
                    "at",
                    f"{path}.at",
                    f"forum '{forum}' does not exist yet: it first meets at step {self.founded[forum]}",
                    f"a step from {self.founded[forum]}",
                    Raw(f"{ev.get('at')} (step {step})") if isinstance(ev.get("at"), str) else step,
                    f"move the event, or set forums.{forum}.since earlier",
                )
            if ev.get("type") == "change":
                self.change(ev, path)

    def programme(self, ev: LMap, path: str) -> None:
        """A programme's co-chairs are known states, two, distinct, and members of its forum."""
        chairs, forum = ev.get("chairs"), ev.get("forum")
        if not isinstance(chairs, LList):
            return
        for k, sid in enumerate(chairs):
            self.state_ref(chairs, k, f"{path}.chairs[{k}]", sid)
        members = next(
            (f.get("members") for _, f, _ in _items(self.doc, "forums") if f.get("id") == forum),
            None,
        )
        if isinstance(members, LList):
            for k, sid in enumerate(chairs):
                if isinstance(sid, str) and sid in self.ids and sid not in members:
                    self.add(
                        chairs,
                        k,
                        f"{path}.chairs[{k}]",
                        f"{sid} is not a member of {forum}",
                        f"one of {', '.join(str(m) for m in members)}",
                        sid,
                        f"add {sid} to forums.{forum}.members, or choose a member",
                    )
        if len(chairs) == 2 and chairs[0] == chairs[1]:
            self.add(chairs, 1, f"{path}.chairs", "the two co-chairs are the same state", "two different members")

    def time(self, node: LMap, key: str, path: str, what: str) -> int | None:
        """The step of ``node[key]`` (a step or a calendar label), checked to fall in the run;
        None when absent or unreadable (the problem is reported)."""
        at = node.get(key)
        if isinstance(at, bool) or at is None:
            return None
        step = at if isinstance(at, int) else None
        unit = self.unit
        if isinstance(at, str) and unit is not None:
            if not _parses(at, unit):
                self.add(
                    node,
                    key,
                    path,
                    "not a step or a calendar label",
                    f"a step number or a {unit.value} label like {unit.example}",
                    at,
                )
                return None
            if self.start is not None:
                step = step_of(at, self.start, unit)
        steps = self.steps
        if step is None or not isinstance(steps, int) or isinstance(steps, bool):
            return step
        if step < 1 or step > steps:
            got = f"{at} (step {step})" if isinstance(at, str) else at
            hint = f"lengthen simulation.steps or move the {what}"
            if isinstance(at, int) and unit is TimeUnit.year and 1000 <= at <= 9999:
                hint = f'a bare number is a step; write the year in quotes, "{at}"'
            self.add(node, key, path, f"{what} falls outside the run", f"a step from 1 to {steps}", got, hint)
            return None
        return step

    def change(self, ev: LMap, path: str) -> None:
        field, op = ev.get("field"), ev.get("op")
        has_state, has_pair = ev.get("state") is not None, ev.get("between") is not None
        if has_state == has_pair:
            self.add(
                ev,
                "field",
                path,
                "a change names either state: or between:, not both or neither",
                "state: ID or between: [A, B]",
            )
            return
        table = STATE_FIELDS if has_state else PAIR_FIELDS
        kind = "state" if has_state else "relation"
        if not isinstance(field, str):
            return
        if field not in table:
            self.add(
                ev,
                "field",
                f"{path}.field",
                f"not a {kind} field a change can set",
                f"one of {', '.join(table)}",
                field,
                did_you_mean(field, table),
            )
            return
        rule = table[field]
        if isinstance(op, str) and op in Op.__members__ and op not in rule.ops:
            self.add(
                ev,
                "op",
                f"{path}.op",
                f"op '{op}' does not apply to {field}",
                f"op: {rule.ops[0]}",
                op,
            )
        value = ev.get("value")
        if field == "doctrine":
            choices = tuple(d.value for d in Doctrine)
            if value not in choices:
                self.add(
                    ev,
                    "value",
                    f"{path}.value",
                    "not a doctrine",
                    ", ".join(choices),
                    value,
                    did_you_mean(value, choices),
                )
        elif field in ("border", "alliance"):
            if not isinstance(value, bool):
                self.add(
                    ev,
                    "value",
                    f"{path}.value",
                    f"{field} is true or false",
                    "true or false",
                    value,
                )
        elif not isinstance(value, (int, float)) or isinstance(value, bool):
            self.add(ev, "value", f"{path}.value", f"{field} takes a number", "a number", value)
        elif not math.isfinite(value):
            self.add(ev, "value", f"{path}.value", "not a finite number", "a finite number", value, "not .inf or .nan")
        elif op == "set" and not _within(value, rule):
            self.add(
                ev,
                "value",
                f"{path}.value",
                f"{field} cannot be set outside its range",
                _range_text(rule),
                value,
                "an add or scale is clipped to the range; a set must fall inside it",
            )


def _within(value: float, rule: Changeable) -> bool:
    return (rule.low is None or value >= rule.low) and (rule.high is None or value <= rule.high)


def _range_text(rule: Changeable) -> str:
    if rule.high is None:
        return f"a number >= {rule.low:g}"
    return f"a number from {rule.low:g} to {rule.high:g}"


def _parses(label: str, unit: TimeUnit) -> bool:
    try:
        parse_period(label, unit)
    except ValueError:
        return False
    return True


def check(doc: LMap) -> tuple[list[Problem], list[str]]:
    """Every cross-reference problem of an assembled scenario document, and the ids of states
    that differ from another only in case (the schema's problems with those are a cascade)."""
    checker = _Checker(doc)
    twins = checker.case_twins()
    checker.duplicates("states", "id")
    checker.duplicates("forums", "id")
    checker.poles_section()
    checker.states()
    checker.relations()
    checker.forums()
    checker.events()
    return checker.problems, twins
