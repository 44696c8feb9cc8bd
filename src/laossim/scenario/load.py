"""Loading scenario files: YAML -> assembled document -> every problem at once -> Scenario.

Nothing runs and nothing is written until the whole file is valid; every
problem is reported as ``FILE:LINE: field.path: problem (expected, got)``.
"""

from __future__ import annotations

import hashlib
import types
import typing
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML

from laossim.errors import Problem, ScenarioError, did_you_mean, show
from laossim.scenario.checks import check
from laossim.scenario.compose import (
    apply_override,
    apply_removals,
    item_key,
    merge_maps,
    normalise_parameters,
    pair_label,
)
from laossim.scenario.kinds import SCENARIO, wrong_kind
from laossim.scenario.parameters import Parameters, coefficient
from laossim.scenario.schema import NAME_PATTERN, Scenario
from laossim.scenario.tree import LList, LMap, Loc, not_a_mapping, parse_yaml_text, read_yaml, to_builtin

MAX_EXTENDS_DEPTH = 16


@dataclass(frozen=True)
class Resolved:
    """A loaded scenario with where it came from (recorded in results)."""

    scenario: Scenario
    files: tuple[tuple[str, str], ...]
    """(path, sha256) of the file and every file it extends, child first."""
    overrides: tuple[str, ...]


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
            bad = Problem(*loc, path.strip(), "an override is written key=value", "like states.LAO.autonomy=0.5", text)
            out.append((path.strip(), _BadOverride(bad), loc))
            continue
        value, problems = parse_yaml_text(raw.strip() or "null", "--set")
        if problems:
            bad = Problem(*loc, path.strip(), "value is not valid YAML", got=raw.strip(), hint="quote text with '...'")
            out.append((path.strip(), _BadOverride(bad), loc))
            continue
        out.append((path.strip(), value, loc))
    return out


class _BadOverride:
    """An override that could not be read, with the problem that says why."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem


def _assemble(path: Path, problems: list[Problem], chain: list[tuple[str, str]], depth: int = 0) -> LMap | None:
    """Read ``path`` and, recursively, the files it extends; merge them parent first."""
    doc, read_problems = read_yaml(path)
    problems.extend(read_problems)
    if read_problems:
        return None
    chain.append((str(path), hashlib.sha256(path.read_bytes()).hexdigest()))
    if not isinstance(doc, LMap):
        problems.append(not_a_mapping(path, "a scenario file", SCENARIO.holds, doc))
        return None
    other = wrong_kind(doc, path, SCENARIO)
    if other is not None:
        problems.append(other)
        return None
    doc = normalise_parameters(doc)
    parent_ref = doc.get("extends")
    remove = doc.pop("remove", None)
    if parent_ref is not None:
        if not isinstance(parent_ref, str) or not parent_ref.strip() or "\0" in parent_ref:
            problems.append(
                Problem(
                    *doc.where("extends"),
                    "extends",
                    "must be a file path",
                    "a path such as laos_baseline.yaml",
                    show(parent_ref),
                )
            )
            return doc
        parent_path = path.parent / parent_ref
        try:
            cycle = any(Path(p).resolve() == parent_path.resolve() for p, _ in chain)
        except (OSError, RuntimeError):  # RuntimeError: a symlink loop, before Python 3.13
            file, line = doc.where("extends")
            problems.append(
                Problem(file, line, "extends", "the parent's path is a loop of symbolic links", got=parent_ref)
            )
            return doc
        if cycle:
            problems.append(
                Problem(
                    *doc.where("extends"),
                    "extends",
                    "extends forms a cycle",
                    "a chain of files ending in one that extends nothing",
                    parent_ref,
                )
            )
            return doc
        if depth + 1 >= MAX_EXTENDS_DEPTH:
            file, line = doc.where("extends")
            problems.append(
                Problem(
                    file,
                    line,
                    "extends",
                    f"extends goes deeper than {MAX_EXTENDS_DEPTH} files",
                    f"a chain of at most {MAX_EXTENDS_DEPTH} files",
                    parent_ref,
                    "merge some of the files in the chain",
                )
            )
            return doc
        before = len(problems)
        parent = _assemble(parent_path, problems, chain, depth + 1)
        for i in range(before, len(problems)):
            p = problems[i]
            if p.file == str(parent_path) and p.message == "file not found":
                problems[i] = Problem(
                    *doc.where("extends"),
                    "extends",
                    f"parent scenario not found: {parent_path}",
                    hint="paths are relative to the file that extends them",
                )
        if parent is None:
            return None  # the parent's problem is the one to fix; what the child then lacks is not
        doc = merge_maps(parent, doc)
    if remove is not None:
        doc.set("remove", remove, (str(path), None))
        doc = apply_removals(doc, remove, problems)
        doc.pop("remove")
    return doc


def assemble(
    path: str | Path, overrides: Iterable[str] | Mapping[str, Any] | None = None
) -> tuple[LMap | None, list[Problem], list[tuple[str, str]]]:
    """The merged document of a scenario file with overrides applied, and its problems."""
    problems: list[Problem] = []
    chain: list[tuple[str, str]] = []
    doc = _assemble(Path(path), problems, chain)
    if doc is None:
        return None, problems, chain
    for key, value, loc in parse_overrides(overrides):
        if isinstance(value, _BadOverride):
            problems.append(value.problem)
            continue
        problem = apply_override(doc, key, value, loc)
        if problem:
            problems.append(problem)
    return doc, problems, chain


def validate_document(doc: LMap) -> tuple[Scenario | None, list[Problem]]:
    """Validate an assembled document: types and ranges, then cross-references."""
    problems, twins = check(doc)
    data = to_builtin(doc)
    if isinstance(data.get("parameters"), dict):
        # lay the file's parameters over the full defaults, so overriding one field of an
        # engagement kind keeps that kind's other defaults
        data["parameters"] = _deep_merge(Parameters().model_dump(mode="json"), data["parameters"])
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        cascade = tuple(f"states.{sid}." for sid in twins)
        problems.extend(p for p in translate(exc, doc) if not p.path.startswith(cascade))
        return None, problems
    return (None if problems else scenario), problems


def load_resolved(path: str | Path, overrides: Iterable[str] | Mapping[str, Any] | None = None) -> Resolved:
    """Load, merge, override and validate; raise :class:`ScenarioError` with every problem."""
    doc, problems, chain = assemble(path, overrides)
    scenario = None
    if doc is not None and not any(p.message.startswith("YAML") or p.path == "extends" for p in problems):
        # a file that could not be read or whose parent was not found is reported alone: what
        # it would then lack is a cascade of that one mistake
        scenario, more = validate_document(doc)
        problems.extend(more)
    if problems or scenario is None:
        raise ScenarioError(_unique(problems))
    names = tuple(f"{k}={v!r}" for k, v, _ in parse_overrides(overrides))
    return Resolved(scenario, tuple(chain), names)


def load_scenario(path: str | Path, overrides: Iterable[str] | Mapping[str, Any] | None = None) -> Scenario:
    """Load a scenario file (with ``extends`` and ``--set``-style overrides) into a frozen :class:`Scenario`.

    Raises:
        ScenarioError: listing every problem with file, line and field.
    """
    return load_resolved(path, overrides).scenario


def override_scenario(scenario: Scenario, overrides: Iterable[str] | Mapping[str, Any]) -> Scenario:
    """A copy of a loaded scenario with dotted-path overrides, validated like a file."""
    parsed = list(parse_overrides(overrides))
    quick = _with_coefficients(scenario, parsed)
    if quick is not None:
        return quick
    doc = _to_located(scenario.model_dump(mode="json", exclude_defaults=False), ("<scenario>", None))
    problems = []
    for key, value, loc in parsed:
        if isinstance(value, _BadOverride):
            problems.append(value.problem)
            continue
        problem = apply_override(doc, key, value, loc)
        if problem:
            problems.append(problem)
    new, more = validate_document(doc) if not problems else (None, [])
    problems += more
    if problems or new is None:
        raise ScenarioError(_unique(problems))
    return new


def _with_coefficients(scenario: Scenario, parsed: list[tuple[str, Any, Loc]]) -> Scenario | None:
    """The scenario with real-valued coefficients set, validating its parameters alone (no other
    field reads them: a sweep varying coefficients builds each run's scenario in a fraction of the
    time); None when an override is anything else or a value is refused, which the whole
    validation then reports with its place."""
    numbers = (int, float)
    if not parsed or any(
        coefficient(key) is not float or isinstance(value, bool) or not isinstance(value, numbers)
        for key, value, _ in parsed
    ):
        return None
    data = scenario.parameters.model_dump(mode="json")
    for key, value, _ in parsed:
        *sections, leaf = key.split(".")[1:]
        node = data
        for name in sections:
            node = node[name]
        node[leaf] = value
    try:
        parameters = Parameters.model_validate(data)
    except ValidationError:
        return None
    return scenario.model_copy(update={"parameters": parameters})


def _deep_merge(base: dict, over: dict) -> dict:
    out = dict(base)
    for key, value in over.items():
        out[key] = (
            _deep_merge(base[key], value) if isinstance(base.get(key), dict) and isinstance(value, dict) else value
        )
    return out


def _to_located(data: Any, loc: Loc) -> Any:
    if isinstance(data, dict):
        out = LMap(loc=loc)
        for k, v in data.items():
            out.set(k, _to_located(v, loc), loc)
        return out
    if isinstance(data, list):
        seq = LList(loc=loc)
        for v in data:
            seq.push(_to_located(v, loc), loc)
        return seq
    return data


def dump_yaml(scenario: Scenario) -> str:
    """The resolved scenario as a standalone YAML file (``laossim validate --resolved``):
    ``extends`` already applied and dropped, unset optional fields left out."""
    import io

    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = None
    yaml.sort_base_mapping_type_on_output = False
    buffer = io.StringIO()
    yaml.dump(scenario.model_dump(mode="json", exclude_none=True, exclude={"extends"}), buffer)
    return buffer.getvalue()


def _unique(problems: list[Problem]) -> list[Problem]:
    seen, out = set(), []
    for p in problems:
        key = (p.file, p.line, p.path, p.message)
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out


# -- pydantic errors -> problems -------------------------------------------------


def translate(exc: ValidationError, doc: LMap, root: type[BaseModel] = Scenario) -> list[Problem]:
    """Pydantic's errors as problems with the file, line and readable path of each.

    A value that fits none of a union's options is reported by the option that came closest
    (the one whose errors are deepest in the value, or say more than "wrong kind of value"),
    with every error of that option and none of the others, and never with the validator's
    names for the options: one problem per mistake.
    """
    unions: dict[tuple, dict[str, list[dict[str, Any]]]] = {}
    for err in exc.errors(include_url=False):
        place, option, loc = _mistake(doc, tuple(err["loc"]), err["type"])
        unions.setdefault(place, {}).setdefault(option, []).append({**err, "loc": loc})
    problems = []
    for place, options in unions.items():
        best = max(options.values(), key=lambda errs: max(_closeness(e) for e in errs))
        if all(not _closeness(e)[0] and e["loc"] == place for errs in options.values() for e in errs):
            best = [e for errs in options.values() for e in errs]  # no option fits the value's kind
        at: dict[tuple, list[dict[str, Any]]] = {}
        for mistake in best:
            at.setdefault(tuple(mistake["loc"]), []).append(mistake)
        for loc, mistakes in at.items():
            (file, line), tree_path, display = _locate(doc, loc)
            if len(mistakes) > 1 and not any(_closeness(e)[0] for e in mistakes):
                problems.append(_wrong_kind(mistakes, file, line, display))
                continue
            for mistake in mistakes:
                problems.append(_problem(mistake, file, line, display, tree_path, root))
    return problems


KIND_WORDS = {"float": "a number", "int": "a number", "number": "a number", "string": "text", "bool": "true/false"}
KIND_WORDS |= {"list": "a list", "tuple": "a list", "dict": "a mapping", "model": "a mapping"}
"""What a pydantic ``*_type`` or ``*_parsing`` error says the value should have been, by its first word."""


def _wrong_kind(mistakes: list[dict[str, Any]], file: str, line: int | None, path: str) -> Problem:
    """One problem for a value that fits none of a union's kinds, naming every kind it could be."""
    kinds = list(dict.fromkeys(KIND_WORDS.get(e["type"].split("_")[0], "another value") for e in mistakes))
    expected = kinds[0] if len(kinds) == 1 else ", ".join(kinds[:-1]) + " or " + kinds[-1]
    return Problem(file, line, path, "wrong kind of value", expected, show(mistakes[0].get("input")))


def _closeness(err: dict) -> tuple[bool, int]:
    """How near an error of one union option came: deeper in the value, and more than a wrong
    kind of value, is nearer."""
    return not err["type"].endswith(("_type", "_parsing", "union_tag_invalid")), len(err["loc"])


def _mistake(doc: LMap, loc: tuple, kind: str) -> tuple[tuple, str, tuple]:
    """Where in the file a pydantic error is: (the place of the union it is in, or its own place;
    the union option it was found under, or ""; its location without the options' names).

    A location part that names no key or item of the document (``float``,
    ``function-after[...]``, ``list[PairValue]``) is a union option's name.
    """
    node: Any = doc
    place: tuple | None = None
    option = ""
    kept: list = []
    for n, part in enumerate(loc):
        if isinstance(node, LMap) and part in node:
            node = node[part]
        elif isinstance(node, LList) and isinstance(part, int):
            node = node[part] if part < len(node) else None
        elif isinstance(node, LMap) and (part == "[key]" or node.get("type") == part):
            pass  # a key's own error, or a discriminated union's tag: _locate skips both
        elif n == len(loc) - 1 and kind in ("missing", "extra_forbidden"):
            pass
        elif isinstance(part, str) and place is None:
            place, option = tuple(kept), part
            continue
        else:
            continue
        kept.append(part)
    return (tuple(kept) if place is None else place), option, tuple(kept)


def _locate(doc: LMap, loc: tuple) -> tuple[Loc, tuple, str]:
    """The (file, line) of a pydantic error location, its path in the tree, and a readable path."""
    node: Any = doc
    where: Loc = doc.loc
    tree_path: list = []
    display: list[str] = []
    section = None
    for part in loc:
        if isinstance(node, LMap):
            if part not in node and node.get("type") == part:
                continue  # discriminated-union tag, not a key in the file
            if part == "[key]":
                continue
            where = node.where(part) if part in node else where
            display.append(str(part))
            if section is None:
                section = part
            node = node.get(part)
        elif isinstance(node, LList) and isinstance(part, str):
            continue  # a union's tag (e.g. ``pairs``), not a place in the file
        elif isinstance(node, LList) and isinstance(part, int):
            where = node.where(part)
            item = node[part] if part < len(node) else None
            key = item_key(item, "id") if section in ("states", "forums", "actors") and len(display) == 1 else None
            pair = item_key(item, "between") if section == "relations" and len(display) == 1 else None
            if key:
                display.append(key)
            elif pair:
                display.append(pair_label(pair))
            elif display:
                display[-1] += f"[{part}]"
            node = item
        else:
            node = None
            display.append(str(part))
        tree_path.append(part)
    return where, tuple(tree_path), ".".join(display)


def _problem(err: dict, file: str, line: int | None, path: str, tree_path: tuple, root: type[BaseModel]) -> Problem:
    kind = err["type"]
    ctx = err.get("ctx") or {}
    got = err.get("input")
    if kind == "missing":
        return Problem(file, line, path, "required field missing", hint=f"add {tree_path[-1]}: ...")
    if kind == "extra_forbidden":
        known = _fields_at(tree_path[:-1], root)
        key = tree_path[-1]
        hint = did_you_mean(key, known) or (f"known fields: {', '.join(known)}" if known else None)
        return Problem(file, line, path, "unknown field", hint=hint)
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        sign = {
            "greater_than": ">",
            "greater_than_equal": ">=",
            "less_than": "<",
            "less_than_equal": "<=",
        }[kind]
        bound = next(iter(ctx.values()), "?")
        return Problem(file, line, path, "out of range", f"a number {sign} {bound}", show(got))
    if kind in ("enum", "literal_error"):
        expected = str(ctx.get("expected", "")).replace("'", "")
        choices = [c.strip() for c in expected.replace(" or ", ",").split(",") if c.strip()]
        return Problem(
            file,
            line,
            path,
            "not an allowed value",
            f"one of {', '.join(choices)}",
            show(got),
            did_you_mean(got, choices),
        )
    if kind == "union_tag_invalid":
        tags = [t.strip(" '") for t in str(ctx.get("expected_tags", "")).split(",")]
        return Problem(
            file,
            line,
            path,
            "unknown event type",
            f"one of {', '.join(tags)}",
            show(ctx.get("tag")),
            did_you_mean(ctx.get("tag"), tags),
        )
    if kind == "union_tag_not_found":
        return Problem(
            file,
            line,
            path,
            "event has no type",
            "type: change | disaster | crisis | engagement | summit | chair",
        )
    if kind == "number_not_bool":
        return Problem(
            file, line, path, "true or false where a number is meant", "a number", show(got), "write the number itself"
        )
    if kind == "finite_number":
        return Problem(file, line, path, "not a finite number", "a finite number", show(got), "not .inf or .nan")
    if kind in ("float_parsing", "float_type", "int_parsing", "int_type", "int_from_float"):
        what = "a whole number" if kind.startswith("int") else "a number"
        return Problem(file, line, path, f"not {what}", what, show(got))
    if kind in ("bool_type", "bool_parsing"):
        return Problem(file, line, path, "not true or false", "true or false", show(got))
    if kind == "string_pattern_mismatch" and ctx.get("pattern") == NAME_PATTERN:
        return Problem(
            file,
            line,
            path,
            "not a valid name",
            "letters, digits, _ and -, with single dots between them",
            show(got),
            "the name becomes part of a results folder's name, so it holds no / or spaces",
        )
    if kind in ("too_short", "too_long") and "actual_length" in ctx:
        least, most = ctx.get("min_length"), ctx.get("max_length")
        bound = f"at least {least}" if kind == "too_short" else f"at most {most}"
        unit = "characters" if isinstance(got, str) else "items"
        return Problem(file, line, path, f"{ctx['actual_length']} {unit} where {bound} are needed", got=show(got))
    if kind in ("string_type", "string_pattern_mismatch"):
        expected = "an id of letters, digits and _ starting with a letter" if "pattern" in kind else "text"
        year = isinstance(got, int) and not isinstance(got, bool) and 1000 <= got <= 9999
        return Problem(
            file,
            line,
            path,
            "not a valid " + ("id" if "pattern" in kind else "string"),
            expected,
            show(got),
            f'YAML reads a bare year as a number; write it in quotes, "{got}"' if year else None,
        )
    if kind in ("too_short", "too_long"):
        return Problem(file, line, path, err["msg"].lower(), got=show(got))
    if kind in ("list_type", "tuple_type", "dict_type", "model_type", "model_attributes_type"):
        expected = {"list_type": "a list", "tuple_type": "a list", "dict_type": "a mapping"}.get(kind, "a mapping")
        return Problem(file, line, path, "wrong kind of value", expected, show(got))
    if kind == "value_error":
        return Problem(file, line, path, str(ctx.get("error", err["msg"])))
    return Problem(file, line, path, err["msg"], got=show(got))


def _fields_at(tree_path: tuple, root: type[BaseModel]) -> list[str]:
    """Field names of the schema object at a tree path (for "did you mean")."""
    t: Any = root
    for part in tree_path:
        t = _strip(t)
        if isinstance(t, type) and issubclass(t, BaseModel):
            field = t.model_fields.get(part) if isinstance(part, str) else None
            if field is None:
                return []
            t = field.annotation
            continue
        origin = typing.get_origin(t)
        if origin in (list, tuple):
            t = typing.get_args(t)[0]
        elif origin is dict:
            t = typing.get_args(t)[1]
        elif origin in (typing.Union, types.UnionType):
            options = [a for a in typing.get_args(t) if isinstance(a, type) and issubclass(a, BaseModel)]
            match = [
                a
                for a in options
                if "type" in a.model_fields and typing.get_args(a.model_fields["type"].annotation) == (part,)
            ]
            if not match:
                return []
            t = match[0]
        else:
            return []
    t = _strip(t)
    if isinstance(t, type) and issubclass(t, BaseModel):
        return list(t.model_fields)
    options = [a for a in typing.get_args(t) if isinstance(a, type) and issubclass(a, BaseModel)]
    return sorted({f for a in options for f in a.model_fields})


def _strip(t: Any) -> Any:
    """Remove Annotated[...] and Optional[...] wrappers."""
    while True:
        origin = typing.get_origin(t)
        if origin is typing.Annotated:
            t = typing.get_args(t)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(t) if a is not type(None)]
            if len(args) == 1:
                t = args[0]
            else:
                return t
        else:
            return t
