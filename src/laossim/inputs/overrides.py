"""Dotted-path overrides (``--set states.LAO.autonomy=0.5``, an experiment's ``vary``): read,
located, and set into a document before it is validated like a file."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from laossim.errors import Problem, did_you_mean, show
from laossim.inputs.items import KEYED_LISTS, item_key, pair_label
from laossim.inputs.tree import LList, LMap, Loc, parse_yaml_text


def parse_overrides(
    overrides: Iterable[str] | Mapping[str, Any] | None,
) -> list[tuple[str, Any, Loc]]:
    """``k=v`` strings (values read as YAML scalars) or a mapping, with their locations."""
    if overrides is None:
        return []
    if isinstance(overrides, Mapping):
        return [(str(k), v, ("--set", i + 1)) for i, (k, v) in enumerate(overrides.items())]
    out = []
    for i, text in enumerate(overrides):
        path, sep, raw = str(text).partition("=")
        loc: Loc = ("--set", i + 1)
        if not sep:
            bad = Problem.at(
                loc, path.strip(), "an override is written key=value", "like states.LAO.autonomy=0.5", text
            )
            out.append((path.strip(), BadOverride(bad), loc))
            continue
        value, problems = parse_yaml_text(raw.strip() or "null", "--set")
        if problems:
            bad = Problem.at(
                loc, path.strip(), "value is not valid YAML", got=raw.strip(), hint="quote text with '...'"
            )
            out.append((path.strip(), BadOverride(bad), loc))
            continue
        out.append((path.strip(), value, loc))
    return out


class BadOverride:
    """An override that could not be read, with the problem that says why."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem


def apply_overrides(doc: LMap, overrides: list[tuple[str, Any, Loc]]) -> list[Problem]:
    """Set every read override into ``doc``; the problems of those that could not be set."""
    problems = []
    for key, value, loc in overrides:
        problem = value.problem if isinstance(value, BadOverride) else apply_override(doc, key, value, loc)
        if problem:
            problems.append(problem)
    return problems


def apply_override(doc: LMap, path: str, value: Any, loc: Loc) -> Problem | None:
    """Set ``path`` (``states.LAO.autonomy``, ``relations.CHN-LAO.debt.LAO``,
    ``forums.ADMM.strength``, ``events.3.at``, ``parameters.alignment.responsiveness``)
    to ``value``. Containers must exist; leaves are validated like file values."""
    parts = path.split(".")
    if not path or any(not p for p in parts):
        return Problem.at(loc, path, "not a dotted path", "like states.LAO.autonomy", show(path))
    node: Any = doc
    section = ""
    for depth, part in enumerate(parts[:-1]):
        if isinstance(node, LList):
            found = _find_item(node, section, part)
            if isinstance(found, Problem):
                return Problem.at(
                    loc,
                    ".".join(parts[: depth + 1]),
                    found.message,
                    found.expected,
                    found.got,
                    found.hint,
                )
            node = node[found]
        elif isinstance(node, LMap):
            child = node.get(part)
            if child is None:
                child = LMap(loc=loc)
                node.set(part, child, loc)
            elif not isinstance(child, (LMap, LList)):
                return Problem.at(loc, ".".join(parts[: depth + 1]), "is a value, not a section", got=show(child))
            section = part if depth == 0 else section
            node = child
    leaf = parts[-1]
    if isinstance(node, LList):
        found = _find_item(node, section, leaf)
        if isinstance(found, Problem):
            return Problem.at(loc, path, found.message, found.expected, found.got, found.hint)
        node[found] = value
        node.item_locs[found] = loc
    else:
        node.set(leaf, value, loc)
    return None


def _find_item(items: LList, section: str, part: str) -> int | Problem:
    key = KEYED_LISTS.get(section)
    if key == "between":
        wanted = frozenset(part.split("-"))
        for i, item in enumerate(items):
            if item_key(item, key) == wanted:
                return i
        known = [pair_label(item_key(it, key)) for it in items if item_key(it, key)]
        return Problem(
            "",
            None,
            "",
            f"no relation {part} in the scenario",
            "a pair like CHN-LAO",
            hint=did_you_mean(pair_label(wanted), known) or "add the relation to the scenario file first",
        )
    if key == "id":
        for i, item in enumerate(items):
            if item_key(item, key) == part:
                return i
        known = [item_key(it, key) for it in items]
        return Problem(
            "",
            None,
            "",
            f"no {section[:-1]} '{part}' in the scenario",
            hint=did_you_mean(part, known),
        )
    if part.isdigit() and int(part) < len(items):
        return int(part)
    return Problem("", None, "", "no such item", f"an index below {len(items)}", show(part))
