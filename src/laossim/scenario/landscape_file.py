"""Landscape files (``landscapes/*.yaml``): actors, sizes, propensities, observed coalitions.

Validated like scenario files: every problem at once, with file, line and field.

```yaml
format_version: 1
landscape: small_example
actors:
  - {id: A, size: 1.0}
propensities:                 # pairs (absent pairs are 0) ...
  - {between: [A, B], value: 1.0}
# ... or a matrix in the order of `actors`:  propensities: {matrix: [[0, 1], [1, 0]]}
observed: [[A], [B, C]]       # optional: coalitions to score a prediction against
```
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

import numpy as np
from pydantic import Discriminator, Field, Tag, ValidationError

from laossim.errors import Problem, Raw, ScenarioError, did_you_mean, show
from laossim.inputs.items import item_key, pair_label
from laossim.inputs.kinds import LANDSCAPE, read_document
from laossim.inputs.translate import translate
from laossim.inputs.tree import LList, LMap, to_builtin
from laossim.scenario.parameters import Frozen
from laossim.scenario.schema import Source, StateId

Finite = Annotated[float, Field(allow_inf_nan=False)]


class Actor(Frozen):
    id: StateId
    name: str | None = None
    size: Annotated[float, Field(gt=0, allow_inf_nan=False)]


class PairValue(Frozen):
    between: tuple[StateId, StateId]
    value: Finite


class Matrix(Frozen):
    matrix: list[list[Finite]]


class LandscapeFile(Frozen):
    """The landscape file format."""

    format_version: Literal[1] = 1
    landscape: str = Field(min_length=1)
    description: str = ""
    sources: list[Source] = Field(default_factory=list)
    actors: list[Actor] = Field(min_length=2)
    propensities: Annotated[
        Annotated[list[PairValue], Tag("pairs")] | Annotated[Matrix, Tag("matrix")],
        Discriminator(lambda v: "matrix" if isinstance(v, dict) else "pairs"),
    ]
    observed: list[list[StateId]] | None = Field(None, description="Observed coalitions, as lists of actor ids.")


@dataclass(frozen=True)
class LandscapeSpec:
    """A landscape ready for analysis: names, sizes, a symmetric propensity matrix."""

    name: str
    ids: tuple[str, ...]
    sizes: np.ndarray
    propensities: np.ndarray
    observed: np.ndarray | None = None
    """Observed coalition index of each actor (-1 where unknown), or None."""
    description: str = ""


def load_landscape(path: str | Path) -> LandscapeSpec:
    """Read and validate a landscape file.

    Raises:
        ScenarioError: with every problem of the file.
    """
    doc = read_document(Path(path), LANDSCAPE)
    problems = _check(doc)
    try:
        spec = LandscapeFile.model_validate(to_builtin(doc))
    except ValidationError as exc:
        problems += translate(exc, doc, LandscapeFile)
        raise ScenarioError(problems) from None
    if problems:
        raise ScenarioError(problems)
    return _build(spec)


def _check(doc: LMap) -> list[Problem]:
    problems: list[Problem] = []
    actors = doc.get("actors")
    if not isinstance(actors, LList):
        actors = LList()
    ids = [a.get("id") for a in actors if isinstance(a, LMap)]
    seen: set[object] = set()  # ids as written, a missing or non-text one included
    for i, sid in enumerate(ids):
        if sid in seen:
            problems.append(Problem.at(actors.where(i), f"actors[{i}].id", f"duplicate id '{sid}'"))
        seen.add(sid)

    def ref(node: LList, j: int, path: str) -> None:
        value = node[j]
        if isinstance(value, str) and value not in ids:
            problems.append(
                Problem.at(
                    node.where(j),
                    path,
                    f"unknown actor '{value}'",
                    hint=did_you_mean(value, ids) or "declare it under actors:",
                )
            )

    props = doc.get("propensities")
    if isinstance(props, LList):
        pairs: dict[frozenset, int] = {}
        for i, item in enumerate(props):
            between = item.get("between") if isinstance(item, LMap) else None
            if isinstance(between, LList):
                for j in range(len(between)):
                    ref(between, j, f"propensities[{i}].between[{j}]")
            key = item_key(item, "between")
            if key is not None and key in pairs:
                problems.append(
                    Problem.at(
                        props.where(i),
                        f"propensities[{i}]",
                        f"duplicate pair {pair_label(key)}",
                        hint=f"first given at propensities[{pairs[key]}]",
                    )
                )
            elif key is not None:
                pairs[key] = i
            if isinstance(between, LList) and len(between) == 2 and between[0] == between[1]:
                problems.append(
                    Problem.at(
                        item.where("between"),
                        f"propensities[{i}].between",
                        "p_ii is unused: a pair needs two different actors",
                    )
                )
    elif isinstance(props, LMap) and isinstance(props.get("matrix"), LList):
        matrix = props["matrix"]
        n = len(ids)
        rows = [r for r in matrix if isinstance(r, LList)]
        if len(matrix) != n or any(len(r) != n for r in rows):
            shape = f"{len(matrix)} rows of lengths {sorted({len(r) for r in rows})}"
            problems.append(
                Problem.at(
                    props.where("matrix"),
                    "propensities.matrix",
                    "wrong shape",
                    f"{n} x {n} (one row and column per actor)",
                    Raw(shape),
                )
            )
        elif len(rows) == n and all(isinstance(v, (int, float)) and not isinstance(v, bool) for r in rows for v in r):
            m = np.array(rows, dtype=float)
            bad = np.argwhere(~np.isclose(m, m.T))
            if len(bad):
                a, b = bad[0]
                problems.append(
                    Problem.at(
                        matrix.where(int(a)),
                        f"propensities.matrix[{a}][{b}]",
                        "propensities must be symmetric",
                        f"the value at [{b}][{a}], {m[b, a]:g}",
                        Raw(f"{m[a, b]:g}"),
                    )
                )
    observed = doc.get("observed")
    if isinstance(observed, LList):
        placed: dict[str, int] = {}
        for c, group in enumerate(observed):
            if not isinstance(group, LList):
                continue
            for j, sid in enumerate(group):
                ref(group, j, f"observed[{c}][{j}]")
                if sid in placed:
                    problems.append(
                        Problem.at(
                            group.where(j),
                            f"observed[{c}][{j}]",
                            f"'{sid}' is already in observed[{placed[sid]}]",
                            got=show(sid),
                        )
                    )
                placed.setdefault(sid, c)
    return problems


def _build(spec: LandscapeFile) -> LandscapeSpec:
    ids = tuple(a.id for a in spec.actors)
    index = {sid: i for i, sid in enumerate(ids)}
    n = len(ids)
    if isinstance(spec.propensities, Matrix):
        p = np.array(spec.propensities.matrix, dtype=float)
    else:
        p = np.zeros((n, n))
        for pair in spec.propensities:
            a, b = index[pair.between[0]], index[pair.between[1]]
            p[a, b] = p[b, a] = pair.value
    np.fill_diagonal(p, 0.0)
    observed = None
    if spec.observed is not None:
        observed = np.full(n, -1)
        for c, group in enumerate(spec.observed):
            observed[[index[s] for s in group]] = c
    return LandscapeSpec(spec.landscape, ids, np.array([a.size for a in spec.actors]), p, observed, spec.description)


def dump_landscape(spec: LandscapeSpec, sources: list[dict] | None = None) -> str:
    """A landscape file's text for a spec (used to export a scenario's landscape)."""
    lines = ["format_version: 1", f"landscape: {spec.name}"]
    if spec.description:
        lines.append(f"description: {json.dumps(spec.description)}")
    if sources:
        lines.append("sources:")
        lines += [f"  - {{name: {json.dumps(s['name'])}, note: {json.dumps(s.get('note') or '')}}}" for s in sources]
    lines.append("actors:")
    lines += [f"  - {{id: {sid}, size: {size:.12g}}}" for sid, size in zip(spec.ids, spec.sizes, strict=True)]
    lines.append("propensities:")
    n = len(spec.ids)
    for a in range(n):
        for b in range(a + 1, n):
            if spec.propensities[a, b] != 0:
                lines.append(f"  - {{between: [{spec.ids[a]}, {spec.ids[b]}], value: {spec.propensities[a, b]:.12g}}}")
    if spec.observed is not None:
        groups = [[spec.ids[i] for i in np.flatnonzero(spec.observed == c)] for c in sorted(set(spec.observed) - {-1})]
        lines.append("observed: [" + ", ".join("[" + ", ".join(g) + "]" for g in groups) + "]")
    return "\n".join(lines) + "\n"
