"""Assembling one scenario document: ``extends`` merging and ``remove``.

Precedence, lowest first: the parent file (recursively its own parents), the
child file, then ``--set`` overrides in the order given (set by
:mod:`laossim.inputs.overrides`). Merging rules:

* mappings merge key by key (``simulation``, ``parameters``, a relation's
  ``trade``/``aid``/``debt``/``arms``), except a state's ``alignment``, which is a
  distribution and is replaced whole;
* ``states`` and ``forums`` merge by ``id`` and ``relations`` by their
  unordered pair: a child item overlays the parent's item with the same key,
  new items are appended;
* ``events`` and ``sources`` append;
* ``remove: {states: [..], forums: [..], relations: [[A, B]], events: [..]}``
  deletes from the merged result; removing a state also removes its
  relations, events and forum memberships. Events are removed by their
  index in the parent or by a mapping that matches their fields.
"""

from __future__ import annotations

from typing import Any

from laossim.errors import Problem, did_you_mean, show
from laossim.inputs.items import KEYED_LISTS, item_key, pair_label
from laossim.inputs.tree import LList, LMap

APPENDED_LISTS = ("events", "sources")
REPLACED_WHOLE = ("alignment", "capital", "members", "between", "poles")


def normalise_parameters(doc: Any) -> Any:
    """Expand dotted keys under ``parameters`` (``alignment.responsiveness: 0.1``) into nesting."""
    if not isinstance(doc, LMap) or not isinstance(doc.get("parameters"), LMap):
        return doc
    params = doc["parameters"]
    nested = LMap(loc=params.loc)
    for key, value in params.items():
        parts = str(key).split(".")
        node = nested
        for part in parts[:-1]:
            child = node.get(part)
            if not isinstance(child, LMap):
                child = LMap(loc=params.where(key))
                node.set(part, child, params.where(key))
            node = child
        leaf = parts[-1]
        if isinstance(node.get(leaf), LMap) and isinstance(value, LMap):
            value = merge_maps(node[leaf], value)
        node.set(leaf, value, params.where(key))
    doc.set("parameters", nested, doc.where("parameters"))
    return doc


def merge_maps(parent: LMap, child: LMap) -> LMap:
    """Lay ``child`` over ``parent`` by the rules of the module docstring."""
    out = LMap(loc=child.loc)
    for key, value in parent.items():
        out.set(key, value, parent.where(key))
    for key, value in child.items():
        old = out.get(key)
        if key in KEYED_LISTS and isinstance(old, LList) and isinstance(value, LList):
            value = _merge_keyed(old, value, KEYED_LISTS[key])
        elif key in APPENDED_LISTS and isinstance(old, LList) and isinstance(value, LList):
            value = _concat(old, value)
        elif key not in REPLACED_WHOLE and isinstance(old, LMap) and isinstance(value, LMap):
            value = merge_maps(old, value)
        out.set(key, value, child.where(key))
    return out


def _concat(a: LList, b: LList) -> LList:
    out = LList(loc=b.loc)
    for source in (a, b):
        for i, item in enumerate(source):
            out.push(item, source.where(i))
    return out


def _merge_keyed(parent: LList, child: LList, key: str) -> LList:
    out = LList(loc=child.loc)
    index: dict[Any, int] = {}
    for i, item in enumerate(parent):
        k = item_key(item, key)
        if k is not None:
            index[k] = len(out)
        out.push(item, parent.where(i))
    for i, item in enumerate(child):
        k = item_key(item, key)
        if k is not None and k in index and isinstance(out[index[k]], LMap) and isinstance(item, LMap):
            j = index[k]
            out[j] = merge_maps(out[j], item)
            out.item_locs[j] = child.where(i)
        else:
            if k is not None:
                index[k] = len(out)
            out.push(item, child.where(i))
    return out


def apply_removals(doc: LMap, remove: Any, problems: list[Problem]) -> LMap:
    """Delete what a child's ``remove:`` names, reporting names that match nothing."""
    if remove is None:
        return doc
    file, line = doc.where("remove")
    if not isinstance(remove, LMap):
        problems.append(
            Problem(
                file,
                line,
                "remove",
                "must be a mapping",
                "{states: [...], events: [...]}",
                show(remove),
            )
        )
        return doc
    allowed = ("states", "forums", "relations", "events")
    for key in remove:
        if key not in allowed:
            problems.append(
                Problem.at(
                    remove.where(key),
                    f"remove.{key}",
                    "unknown section",
                    ", ".join(allowed),
                    show(key),
                    did_you_mean(key, allowed),
                )
            )
    gone_states = _names(remove, "states", problems)
    gone_states -= _keep_axes(doc, remove, gone_states, problems)
    for section, key in (("states", "id"), ("forums", "id")):
        names = gone_states if section == "states" else _names(remove, section, problems)
        _drop(
            doc,
            section,
            lambda item, k=key, n=names: item_key(item, k) in n,
            names,
            remove,
            problems,
        )
    pairs = set()
    rel = remove.get("relations")
    if isinstance(rel, LList):
        for i, pair in enumerate(rel):
            k = item_key({"between": pair}, "between")
            if k is None:
                problems.append(
                    Problem.at(rel.where(i), f"remove.relations[{i}]", "not a pair of state ids", "[A, B]", show(pair))
                )
            pairs.add(k)
    _drop(
        doc,
        "relations",
        lambda item: item_key(item, "between") in pairs or bool(set(_states_of(item)) & gone_states),
        {p for p in pairs if p},
        remove,
        problems,
    )
    _remove_events(doc, remove.get("events"), remove, gone_states, problems)
    forums = doc.get("forums")
    if gone_states and isinstance(forums, LList):
        for forum in forums:
            members = forum.get("members") if isinstance(forum, LMap) else None
            if isinstance(members, LList):
                kept = LList(loc=members.loc)
                for i, m in enumerate(members):
                    if m not in gone_states:
                        kept.push(m, members.where(i))
                forum.set("members", kept, forum.where("members"))
    return doc


def _keep_axes(doc: LMap, remove: LMap, gone: set[Any], problems: list[Problem]) -> set[Any]:
    """A ``remove:`` may not take away a pole the scenario still names, nor its only focal state:
    report each and return them, so they stay (and nothing else reports their absence)."""
    listed, poles, states = remove.get("states"), doc.get("poles"), doc.get("states")
    if not isinstance(listed, LList):
        return set()
    axes = set(poles) if isinstance(poles, LList) else set()
    items = states if isinstance(states, LList) else []
    focal = {item_key(s, "id") for s in items if isinstance(s, LMap) and s.get("role") == "focal"}
    kept = set()
    for i, sid in enumerate(listed):
        reasons = []
        if sid in axes:
            reasons.append(("it is a pole, one of the alignment axes", "also set poles: without it in this file"))
        if sid in focal and not focal - gone:
            reasons.append(
                (
                    "it is the focal state, whose autonomy and security are scored",
                    "give another state role: focal in this file",
                )
            )
        for why, fix in reasons:
            kept.add(sid)
            file, line = listed.where(i)
            problems.append(Problem(file, line, f"remove.states[{i}]", f"cannot remove '{sid}': {why}", hint=fix))
    return kept


def _names(remove: LMap, section: str, problems: list[Problem]) -> set[Any]:
    value = remove.get(section)
    if value is None:
        return set()
    if not isinstance(value, LList):
        problems.append(
            Problem.at(
                remove.where(section),
                f"remove.{section}",
                "must be a list",
                "[ID, ...]",
                show(value),
            )
        )
        return set()
    return {v for v in value if isinstance(v, str)}


def _states_of(item: Any) -> list[str]:
    if not isinstance(item, dict):
        return []
    found = [item[k] for k in ("state",) if isinstance(item.get(k), str)]
    between = item.get("between")
    if isinstance(between, list):
        found += [v for v in between if isinstance(v, str)]
    return found


def _drop(doc: LMap, section: str, gone, names: set[Any], remove: LMap, problems: list[Problem]) -> None:
    items = doc.get(section)
    if not isinstance(items, LList):
        items = LList()
    kept = LList(loc=items.loc)
    matched: set[Any] = set()
    key = KEYED_LISTS[section]
    for i, item in enumerate(items):
        if gone(item):
            matched.add(item_key(item, key))
        else:
            kept.push(item, items.where(i))
    if section in doc:
        doc.set(section, kept, doc.where(section))
    for name in names - matched:
        if section == "relations" and name is not None:
            label = pair_label(name)
            problems.append(
                Problem.at(
                    remove.where(section), f"remove.{section}", f"no relation {label} to remove in the parent scenario"
                )
            )
        elif section != "relations":
            known = [item_key(it, key) for it in items]
            problems.append(
                Problem.at(
                    remove.where(section),
                    f"remove.{section}",
                    f"no {section[:-1]} '{name}' to remove in the parent scenario",
                    hint=did_you_mean(name, known),
                )
            )


def _remove_events(doc: LMap, spec: Any, remove: LMap, gone_states: set[Any], problems: list[Problem]) -> None:
    events = doc.get("events")
    if not isinstance(events, LList):
        return
    drop: set[int] = {i for i, ev in enumerate(events) if set(_states_of(ev)) & gone_states}
    if isinstance(spec, LList):
        for j, pattern in enumerate(spec):
            hits = [
                i
                for i, ev in enumerate(events)
                if (isinstance(pattern, int) and not isinstance(pattern, bool) and i == pattern)
                or (
                    isinstance(pattern, dict)
                    and isinstance(ev, dict)
                    and all(ev.get(k) == v for k, v in pattern.items())
                )
            ]
            if not hits:
                problems.append(
                    Problem.at(
                        spec.where(j),
                        f"remove.events[{j}]",
                        "matches no event of the parent scenario",
                        "an event index or a mapping of its fields",
                        show(pattern),
                    )
                )
            drop.update(hits)
    elif spec is not None:
        problems.append(
            Problem.at(
                remove.where("events"),
                "remove.events",
                "must be a list",
                "[index or {at: .., type: ..}]",
                show(spec),
            )
        )
    kept = LList(loc=events.loc)
    for i, ev in enumerate(events):
        if i not in drop:
            kept.push(ev, events.where(i))
    doc.set("events", kept, doc.where("events"))
