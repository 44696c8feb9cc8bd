"""Several runs of one scenario structure advanced as one: their worlds stacked on a first axis.

A small world's step is a few hundred numpy calls on arrays of a few dozen
numbers, so it costs the calls, not the arithmetic. Stacking the worlds of B
runs (same states, poles and forums; any state or relation figures) makes each
call serve B runs. A mechanism written for stacks indexes from the right
(``world.trade[..., poles]``, ``axis=-1``) and draws through
:class:`laossim.seeding.Stacked`, so the same code serves one world and a
stack, and every run's numbers are the ones it gets alone, to the bit.

The runs of a stack may also differ in any real-valued coefficient
(:func:`parameters`): a coefficient that differs becomes one value per run,
and a mechanism reads it through :func:`along` (shaped to broadcast over a
stack's arrays, in their precision, as numpy takes a Python float),
:func:`at_runs` (for entries picked from several runs), :func:`each` (a
scalar formula worked out per run, as one run works it out) or
:func:`power`. A coefficient the same in every run stays a Python float, so
a run alone, and every stack of runs that share their coefficients, computes
exactly what it did before.

A stack keeps each run's records, each marked with its run, in the order the
run alone makes them. :meth:`laossim.simulation.Simulation.stacked` advances a stack of runs; a
sweep's worker stacks the runs of a task that may share one
(:func:`laossim.experiment.worker.execute_many`, :func:`varies_within_stack`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from pydantic import BaseModel

from laossim.scenario.parameters import Parameters, coefficient
from laossim.world import STRUCTURE, Sightings, World

Coefficient = float | np.floating | np.ndarray
"""A coefficient as a mechanism reads it: a float, or in a stack one value per run, (runs,)."""

SHARED: tuple[str, ...] = STRUCTURE
"""The structure every stacked world must have in common; every other field gets a run axis."""


def stack(worlds: Sequence[World]) -> World:
    """One world whose every per-run field has a first axis over ``worlds``; this step's
    sightings count their rows over the runs (run b's state i is row b N + i).

    Raises:
        ValueError: the worlds differ in structure.
    """
    first = worlds[0]
    for name in SHARED:
        if any(not np.array_equal(getattr(w, name), getattr(first, name)) for w in worlds[1:]):
            raise ValueError(f"worlds of different structure cannot be stacked: their {name} differ")
    changes: dict[str, object] = {
        f.name: np.stack([np.asarray(getattr(w, f.name)) for w in worlds])
        for f in dataclasses.fields(World)
        if f.name not in SHARED and f.name != "visibility"
    }
    changes["visibility"] = Sightings(
        np.concatenate([w.visibility.rows + b * first.n for b, w in enumerate(worlds)]),
        np.concatenate([w.visibility.cols for w in worlds]),
        np.concatenate([w.visibility.weight for w in worlds]),
    )
    return first.evolve(**changes)


def unstack(world: World, run: int) -> World:
    """Run ``run``'s own world out of a stack (what :func:`stack` put in, for that run)."""
    n = world.n
    seen = world.visibility
    mine = (seen.rows >= run * n) & (seen.rows < (run + 1) * n)
    changes: dict[str, object] = {  # copies: the run's world keeps none of the stack's arrays alive
        f.name: getattr(world, f.name)[run].copy()
        for f in dataclasses.fields(World)
        if f.name not in SHARED and f.name != "visibility"
    }
    changes["visibility"] = Sightings(seen.rows[mine] - run * n, seen.cols[mine], seen.weight[mine])
    return world.evolve(**changes)


def is_stack(world: World) -> bool:
    """Whether a world is a stack of runs' worlds (its per-state arrays have a run axis)."""
    return world.capability.ndim > 1


def runs_in(world: World) -> int:
    """How many runs a world holds: 1, or the size of a stack."""
    return len(world.capability) if is_stack(world) else 1


def run_index(world: World, dims: int) -> tuple[np.ndarray, ...]:
    """What to put before an index over ``dims`` further axes so it picks each run's own entries:
    nothing for one world, ``(runs,)`` shaped to broadcast for a stack (``x[(*run, i, j)]``)."""
    if not is_stack(world):
        return ()
    return (np.arange(len(world.capability)).reshape(-1, *(1,) * dims),)


def located(world: World, found: tuple[np.ndarray, ...]) -> tuple[np.ndarray, tuple[np.ndarray, ...]]:
    """``np.nonzero`` of a per-run array of ``world``, split into each entry's run (all 0 for one
    world) and its index within that run's world."""
    if is_stack(world):
        return found[0], found[1:]
    return np.zeros(len(found[0]), dtype=np.intp), found


def before(world: World, runs: np.ndarray) -> tuple[np.ndarray, ...]:
    """What to put before an index into a per-run array of ``world`` so entry e reads run
    ``runs[e]``'s own (``x[(*before(world, runs), i)]``): ``(runs,)`` in a stack; nothing for one
    world, whose entries are all run 0's."""
    return (runs,) if is_stack(world) else ()


def every_run(world: World) -> np.ndarray:
    """The runs of ``world``, in order: ``[0]`` for one world."""
    return np.arange(runs_in(world))


def totals(world: World, values: np.ndarray, runs: np.ndarray) -> float | np.ndarray:
    """Each run's sum of its ``values`` (``runs``: each value's run), as that run alone sums them:
    a float for one world, one per run of a stack (:func:`sums_per_run`)."""
    if not is_stack(world):
        return float(values.sum())
    return sums_per_run(values, runs, runs_in(world))


def counts(world: World, runs: np.ndarray) -> int | np.ndarray:
    """How many entries each run has (``runs``: each entry's run): an int for one world, one per run
    of a stack."""
    if not is_stack(world):
        return len(runs)
    return np.bincount(runs, minlength=runs_in(world))


def table_at(column: np.ndarray, at: tuple[np.ndarray, ...], k: np.ndarray) -> np.ndarray:
    """Entries ``k`` of a per-kind coefficient table's column: ``column[k]`` where the runs share
    it, ``column[(*at, k)]`` where it holds a row per run ((runs, kinds); ``at`` from
    :func:`before` or :func:`run_index`)."""
    return column[(*at, k)] if column.ndim > 1 else column[k]


def sums_per_run(values: np.ndarray, runs: np.ndarray, count: int) -> np.ndarray:
    """(count,): each run's sum of its ``values``, summed as numpy sums that run's values alone
    (so to the bit what the run gets unstacked); ``runs`` gives each value's run."""
    out = np.zeros(count)
    for b in np.unique(runs).tolist():
        out[b] = values[runs == b].sum()
    return out


def parameters(runs: Sequence[Parameters]) -> Parameters:
    """One set of coefficients for a stack of runs: a coefficient equal in every run stays as it is;
    a real-valued one that differs becomes an array of one float64 per run (the tree is not
    validated again: each run's own was).

    Raises:
        ValueError: the runs differ in a whole-number coefficient (it sets the shape of a draw).
    """
    return _merged(list(runs), "parameters")


def _merged(models: list[Any], path: str) -> Any:
    first = models[0]
    if all(m == first for m in models[1:]):
        return first
    if isinstance(first, BaseModel):
        names = type(first).model_fields
        fields = {name: _merged([getattr(m, name) for m in models], f"{path}.{name}") for name in names}
        return type(first).model_construct(**fields)
    if isinstance(first, dict):
        return {key: _merged([m[key] for m in models], f"{path}.{key}") for key in first}
    if isinstance(first, float) and all(isinstance(m, float) for m in models):
        return np.array(models, dtype=np.float64)
    raise ValueError(f"runs that differ in {path} cannot share a stack")


def parameter_shape(params: Parameters) -> Any:
    """What runs must share of their coefficients to share a stack (:func:`parameters`): every
    coefficient but the real-valued ones, as plain data."""
    return _shape(params)


def _shape(node: Any) -> Any:
    if isinstance(node, BaseModel):
        return {name: _shape(getattr(node, name)) for name in type(node).model_fields}
    if isinstance(node, dict):
        return {str(key): _shape(value) for key, value in node.items()}
    return None if isinstance(node, float) else node


def varies_within_stack(path: str) -> bool:
    """Whether runs that differ in this dotted scenario path may share a stack: state and relation
    figures (not a state's role, which may make it the focal state), a forum's strength, a change
    event's value (when it is a number: the stack key tells), and every
    real-valued coefficient (not a whole number such as ``parameters.engagement.max_per_step``,
    which sets the shape of a draw)."""
    head, *rest = path.split(".")
    if head == "events":
        return rest[1:] == ["value"]  # a numeric change's (laossim.simulation.merged_events)
    if head == "states":
        return rest[-1:] != ["role"]
    if head == "relations":
        return True
    if head == "forums":
        return len(rest) == 2 and rest[1] == "strength"
    return coefficient(path) is float


def along(value: Coefficient, like: np.ndarray) -> Coefficient:
    """A coefficient as it acts on a stack's array ``like``: a float as it is; one value per run
    shaped (runs, 1, ...) to broadcast over ``like``'s axes after its run axis, and in ``like``'s
    precision if that is a float type (a Python float times a single-precision array is computed
    in single precision; so is this)."""
    if not isinstance(value, np.ndarray):
        return value
    like = np.asarray(like)
    shaped = value.reshape(-1, *(1,) * (like.ndim - 1))
    return shaped.astype(like.dtype) if like.dtype.kind == "f" else shaped


def at_runs(value: Coefficient, runs: np.ndarray | None, like: np.ndarray | np.generic) -> Coefficient:
    """A coefficient for entries gathered from several runs of a stack (``runs``: each entry's
    run), in ``like``'s precision as :func:`along`; a float as it is."""
    if not isinstance(value, np.ndarray):
        return value
    picked = value[runs]
    like = np.asarray(like)
    return picked.astype(like.dtype) if like.dtype.kind == "f" else picked


def each(formula: Callable[..., Coefficient], *values: Coefficient) -> Coefficient:
    """``formula`` of coefficients worked out in scalar arithmetic, per run where one differs by
    run: what one run computes alone, to the bit (numpy's vectorised ``exp`` and ``**`` may round
    otherwise than Python's)."""
    for value in values:
        if isinstance(value, np.ndarray):
            break
    else:
        return formula(*values)
    count = next(len(v) for v in values if isinstance(v, np.ndarray))
    per_run = [[float(v[b]) if isinstance(v, np.ndarray) else v for v in values] for b in range(count)]
    return np.array([float(formula(*args)) for args in per_run])


def power(base: np.ndarray, exponent: Coefficient) -> np.ndarray:
    """base ** exponent, with an exponent per run of a stack applied to each run's slice as one
    run applies its own (numpy computes a square or square root otherwise than a general power)."""
    if not isinstance(exponent, np.ndarray):
        return base**exponent
    return np.stack([base[b] ** float(e) for b, e in enumerate(exponent.tolist())])
