"""YAML documents as plain dicts and lists that remember where each value came from.

A scenario is assembled from several sources (a file, the files it
``extends``, ``--set`` overrides); each value keeps its own (file, line) so an
error always points at the line that wrote it.
"""

from __future__ import annotations

import datetime as _dt
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from laossim.errors import Problem

Loc = tuple[str, int | None]


class LMap(dict):
    """A mapping with the location of itself and of each key."""

    def __init__(self, *args: Any, loc: Loc = ("?", None), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.loc: Loc = loc
        self.key_locs: dict[Any, Loc] = {}

    def set(self, key: Any, value: Any, loc: Loc) -> None:
        self[key] = value
        self.key_locs[key] = loc

    def where(self, key: Any) -> Loc:
        return self.key_locs.get(key, self.loc)


class LList(list):
    """A sequence with the location of itself and of each item."""

    def __init__(self, *args: Any, loc: Loc = ("?", None)) -> None:
        super().__init__(*args)
        self.loc: Loc = loc
        self.item_locs: list[Loc] = []

    def push(self, value: Any, loc: Loc) -> None:
        self.append(value)
        self.item_locs.append(loc)

    def where(self, index: int) -> Loc:
        return self.item_locs[index] if 0 <= index < len(self.item_locs) else self.loc


MAX_VALUES = 200_000
"""Most values (mappings, lists and scalars, each alias counted where it is used) a file may
expand to: far above any scenario (the largest shipped one has about 1,300), far below what
nested aliases (a "billion laughs" file) would take memory for."""


class _TooLarge(Exception):
    def __init__(self, line: int | None) -> None:
        self.line = line


def _plain(node: Any, file: str) -> Any:
    """Turn ruamel's round-trip nodes into LMap/LList with 1-based line numbers.

    Raises:
        _TooLarge: the file expands to more than :data:`MAX_VALUES` values.
    """
    budget = [MAX_VALUES]

    def walk(node: Any, line: int | None) -> Any:
        budget[0] -= 1
        if budget[0] < 0:
            raise _TooLarge(line)
        if isinstance(node, CommentedMap):
            out = LMap(loc=(file, node.lc.line + 1))
            for key in node:
                at = node.lc.key(key)[0] + 1 if node.lc.data and key in node.lc.data else out.loc[1]
                out.set(_scalar_key(key), walk(node[key], at), (file, at))
            return out
        if isinstance(node, CommentedSeq):
            out_list = LList(loc=(file, node.lc.line + 1))
            for i, item in enumerate(node):
                at = node.lc.item(i)[0] + 1 if node.lc.data and i in node.lc.data else out_list.loc[1]
                out_list.push(walk(item, at), (file, at))
            return out_list
        if isinstance(node, dict):  # tagged or merged mappings fall back to plain dicts
            out = LMap(loc=(file, None))
            for key, value in node.items():
                out.set(_scalar_key(key), walk(value, line), (file, None))
            return out
        if isinstance(node, list):
            out_list = LList(loc=(file, None))
            for item in node:
                out_list.push(walk(item, line), (file, None))
            return out_list
        if isinstance(node, (_dt.date, _dt.datetime)):
            return node.isoformat()
        if node is None or isinstance(node, (bool, int, float, str)):
            return _scalar(node)
        return str(node)

    return walk(node, 1)


def _scalar(value: Any) -> Any:
    # ruamel's ScalarFloat / ScalarInt / ScalarString subclasses become builtins
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    return str(value)


def _scalar_key(key: Any) -> Any:
    return _scalar(key) if isinstance(key, (bool, int, float, str)) or key is None else str(key)


def _yaml() -> YAML:
    # round-trip mode keeps line numbers and, like safe mode, never builds Python objects
    yaml = YAML(typ="rt", pure=True)
    yaml.allow_duplicate_keys = False
    return yaml


def parse_yaml_text(text: str, file: str) -> tuple[Any, list[Problem]]:
    """Parse YAML text into located plain data, or report the syntax error with its line."""
    try:
        data = _yaml().load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        what = str(exc.problem or exc.context or "cannot parse")
        if exc.context and exc.context_mark is not None and exc.problem:
            what += f" ({exc.context} that starts on line {exc.context_mark.line + 1})"
        return None, [
            Problem(file, line, "", f"YAML syntax error: {what}", hint="check indentation, colons and brackets")
        ]
    except YAMLError as exc:  # pragma: no cover - ruamel raises marked errors for syntax
        return None, [Problem(file, None, "", f"YAML error: {exc}")]
    except (ValueError, TypeError, RecursionError) as exc:
        return None, [Problem(file, None, "", f"YAML could not be read: {exc}")]
    try:
        return _plain(data, file), []
    except _TooLarge as exc:
        return None, [
            Problem(
                file,
                exc.line,
                "",
                f"the file expands to more than {MAX_VALUES:,} values",
                hint="YAML aliases nested inside each other multiply; write the values out instead",
            )
        ]


def read_yaml(path: Path) -> tuple[Any, list[Problem]]:
    """Read a YAML file, reporting a missing file or bad encoding as a problem."""
    file = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None, [Problem(file, None, "", "file not found", hint="check the path")]
    except UnicodeDecodeError as exc:
        line = exc.object[: exc.start].count(b"\n") + 1
        return None, [
            Problem(
                file,
                line,
                "",
                f"not UTF-8 text (byte 0x{exc.object[exc.start]:02x} cannot be decoded)",
                hint="save the file as UTF-8",
            )
        ]
    except (OSError, ValueError) as exc:  # ValueError: a NUL in the path
        return None, [Problem(file, None, "", f"cannot read file: {exc}")]
    return parse_yaml_text(text, file)


def read_mapping(path: Path, what: str, keys: str) -> LMap:
    """Read a YAML file that must be a mapping (a scenario, landscape or experiment file).

    Raises:
        ScenarioError: the file is missing, unreadable, not YAML or not a mapping.
    """
    from laossim.errors import ScenarioError

    doc, problems = read_yaml(path)
    if problems:
        raise ScenarioError(problems)
    if not isinstance(doc, LMap):
        raise ScenarioError([not_a_mapping(path, what, keys, doc)])
    return doc


def not_a_mapping(path: Path, what: str, keys: str, doc: Any) -> Problem:
    """The problem of a file that holds something other than a mapping, said in plain words."""
    found = (
        "nothing"
        if doc is None
        else "a list"
        if isinstance(doc, list)
        else "text"
        if isinstance(doc, str)
        else "a single value"
    )
    return Problem(str(path), 1, "", f"{what} is a YAML mapping, and this file holds {found}", keys)


def to_builtin(node: Any) -> Any:
    """A deep copy as plain dicts and lists (for printing and hashing)."""
    if isinstance(node, dict):
        return {k: to_builtin(v) for k, v in node.items()}
    if isinstance(node, list):
        return [to_builtin(v) for v in node]
    return node
