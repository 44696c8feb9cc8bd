"""Loading scenario files: YAML -> assembled document -> every problem at once -> Scenario.

Nothing runs and nothing is written until the whole file is valid; every
problem is reported as ``FILE:LINE: field.path: problem (expected, got)``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from ruamel.yaml import YAML

from laossim.errors import Problem, ScenarioError, show
from laossim.inputs.kinds import SCENARIO, wrong_kind
from laossim.inputs.overrides import apply_overrides, parse_overrides
from laossim.inputs.translate import translate, unique
from laossim.inputs.tree import LList, LMap, Loc, not_a_mapping, read_yaml, to_builtin
from laossim.scenario.checks import check
from laossim.scenario.compose import apply_removals, merge_maps, normalise_parameters
from laossim.scenario.parameters import Parameters, coefficient
from laossim.scenario.schema import Scenario

MAX_EXTENDS_DEPTH = 16


@dataclass(frozen=True)
class Resolved:
    """A loaded scenario with where it came from (recorded in results)."""

    scenario: Scenario
    files: tuple[tuple[str, str], ...]
    """(path, sha256) of the file and every file it extends, child first."""
    overrides: tuple[str, ...]


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
                Problem.at(
                    doc.where("extends"),
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
                Problem.at(
                    doc.where("extends"),
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
                problems[i] = Problem.at(
                    doc.where("extends"),
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
    problems += apply_overrides(doc, parse_overrides(overrides))
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
        problems.extend(p for p in translate(exc, doc, Scenario) if not p.path.startswith(cascade))
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
        raise ScenarioError(unique(problems))
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
    problems = apply_overrides(doc, parsed)
    new, more = validate_document(doc) if not problems else (None, [])
    problems += more
    if problems or new is None:
        raise ScenarioError(unique(problems))
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
    yaml.sort_base_mapping_type_on_output = False  # type: ignore[assignment]  # ruamel types it by its None default
    buffer = io.StringIO()
    yaml.dump(scenario.model_dump(mode="json", exclude_none=True, exclude={"extends"}), buffer)
    return buffer.getvalue()
