"""Validation errors in the project's words: a pydantic error becomes one :class:`Problem` per
mistake, with its file, line and field path as the file writes it, what was expected and a
suggestion, never the validator's internals."""

from __future__ import annotations

import types
import typing
from typing import Any

from pydantic import BaseModel, ValidationError

from laossim.errors import Problem, did_you_mean, show
from laossim.inputs.items import KEYED_LISTS, NAME_PATTERN, item_key, pair_label
from laossim.inputs.tree import LList, LMap, Loc


def unique(problems: list[Problem]) -> list[Problem]:
    """Each problem once (a mistake reached by two routes is reported once)."""
    seen, out = set(), []
    for p in problems:
        key = (p.file, p.line, p.path, p.message)
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out


# -- pydantic errors -> problems -------------------------------------------------


def translate(exc: ValidationError, doc: LMap, root: type[BaseModel]) -> list[Problem]:
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
            named_by = KEYED_LISTS.get(str(section)) if len(display) == 1 else None  # an item of a section
            key = item_key(item, "id") if named_by == "id" else None
            pair = item_key(item, "between") if named_by == "between" else None
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
            "type: change | disaster | crisis | engagement | summit | chair | programme",
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
