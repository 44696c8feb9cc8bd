"""What mechanisms report: what happened, one entry per happening, kept as columns.

A mechanism returns its step's happenings as :class:`Records`: columns of
kinds, states, magnitudes, sentences and runs, built with a few array
operations however many engagements or crises a step has (in a stack of
worlds, every run's, each marked with its run). A :class:`Record` is one row,
made only when something reads it (the app's feed, a run's events table).
Mechanisms that log thousands of happenings per step (engagements, crises)
leave ``text`` empty; :func:`describe` writes their sentence when a feed or a
table asks for it, so the simulation step does no string formatting.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple, overload

import numpy as np

from laossim.vocab import PHRASES


class Record(NamedTuple):
    """One logged happening: an engagement, a crisis, a meeting, a scheduled event.

    ``source`` and ``target`` are state ids (or a forum id); ``magnitude`` is
    the size that matters for the kind (trust gain, severity, turnout, ...);
    ``run`` is the run of a stack of worlds it happened in (0 for one world).
    """

    kind: str
    source: str
    target: str
    magnitude: float
    text: str = ""
    run: int = 0

    @property
    def description(self) -> str:
        return describe(self)


@lru_cache(maxsize=16)
def names(ids: tuple[str, ...]) -> np.ndarray:
    """A world's state ids as a column to pick records' states from (made once per world)."""
    column = np.array(ids, dtype=object)
    column.flags.writeable = False
    return column


COLUMNS = Record._fields
"""A record's fields, which are :class:`Records`' columns."""


@dataclass(frozen=True, eq=False)
class Records(Sequence[Record]):
    """Happenings as columns of equal length: ``kind``, ``source``, ``target`` and ``text`` hold
    strings, ``magnitude`` floats and ``run`` each happening's run of a stack (0 for one world).

    A sequence of :class:`Record` rows to whoever reads it (rows are made on demand), equal to
    any sequence of the same rows.
    """

    kind: np.ndarray
    source: np.ndarray
    target: np.ndarray
    magnitude: np.ndarray
    text: np.ndarray
    run: np.ndarray

    @classmethod
    def of(cls, *rows: Record) -> Records:
        """These rows, as columns."""
        if not rows:
            return NONE
        kind, source, target, magnitude, text, run = zip(*rows, strict=True)
        return cls(
            np.array(kind, dtype=object),
            np.array(source, dtype=object),
            np.array(target, dtype=object),
            np.array(magnitude, dtype=np.float64),
            np.array(text, dtype=object),
            np.array(run, dtype=np.int64),
        )

    @classmethod
    def columns(
        cls,
        kind: np.ndarray | str,
        source: np.ndarray,
        target: np.ndarray | str,
        magnitude: np.ndarray,
        text: np.ndarray | str = "",
        run: np.ndarray | None = None,
    ) -> Records:
        """Happenings from columns; a string stands for the same string in every row, and no
        ``run`` for run 0."""
        count = len(source)

        def strings(value: np.ndarray | str) -> np.ndarray:
            return np.full(count, value, dtype=object) if isinstance(value, str) else np.asarray(value, dtype=object)

        runs = np.zeros(count, dtype=np.int64) if run is None else np.asarray(run, dtype=np.int64)
        magnitudes = np.asarray(magnitude, dtype=np.float64)
        return cls(strings(kind), strings(source), strings(target), magnitudes, strings(text), runs)

    @classmethod
    def concat(cls, parts: Sequence[Records]) -> Records:
        """The happenings of ``parts``, in order."""
        full = [p for p in parts if len(p)]
        if len(full) <= 1:
            return full[0] if full else NONE
        return cls(**{name: np.concatenate([getattr(p, name) for p in full]) for name in COLUMNS})

    def in_every_run(self, runs: int) -> Records:
        """These happenings in each of ``runs`` runs of a stack, run by run (a scheduled event
        that reads nothing of a run's own figures); themselves for one world."""
        if runs == 1:
            return self
        repeated = {name: np.tile(getattr(self, name), runs) for name in COLUMNS[:-1]}
        return Records(**repeated, run=np.repeat(np.arange(runs, dtype=np.int64), len(self)))

    def of_run(self, run: int) -> Records:
        """Run ``run``'s happenings, in order, as that run alone reports them (run 0)."""
        mine = self.run == run
        picked = {name: getattr(self, name)[mine] for name in COLUMNS[:-1]}
        return Records(**picked, run=np.zeros(int(mine.sum()), np.int64))

    def __len__(self) -> int:
        return len(self.run)

    @overload
    def __getitem__(self, index: int) -> Record: ...

    @overload
    def __getitem__(self, index: slice) -> Records: ...

    def __getitem__(self, index: int | slice) -> Record | Records:
        if isinstance(index, slice):
            return Records(**{name: getattr(self, name)[index] for name in COLUMNS})
        return Record(
            str(self.kind[index]),
            str(self.source[index]),
            str(self.target[index]),
            float(self.magnitude[index]),
            str(self.text[index]),
            int(self.run[index]),
        )

    def __iter__(self) -> Iterator[Record]:
        columns = (getattr(self, name).tolist() for name in COLUMNS)
        return (Record(*row) for row in zip(*columns, strict=True))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and len(self) == len(other) and list(self) == list(other)

    def __hash__(self) -> int:  # pragma: no cover - a mutable sequence's columns: never a key
        raise TypeError("Records are not hashable")

    def __repr__(self) -> str:
        return f"Records({list(self)!r})"


NONE = Records.columns("", np.zeros(0, dtype=object), "", np.zeros(0))
"""No happenings."""


def signed(x: float) -> str:
    """``+0.040`` / ``-0.012``: a change as it reads in the event feed."""
    return f"{x:+.3f}"


def describe(record: Record) -> str:
    """The record in plain words."""
    if record.text:
        return record.text
    if record.kind in PHRASES:
        return f"{record.source} and {record.target} {PHRASES[record.kind]}; trust {signed(record.magnitude)}"
    if record.kind == "camp_switch":
        shed = f"sheds {record.magnitude:.3f} of its frustration beyond the cost"
        return f"{record.source} joins the camp of {record.target} ({shed})"
    if record.kind == "border_incident":
        count = int(record.magnitude)
        what = "a transnational incident" if count == 1 else f"{count} transnational incidents"
        return f"{what} on the {record.source}-{record.target} border (trafficking, armed smuggling, scam compounds)"
    if record.kind == "crisis":
        return f"crisis between {record.source} and {record.target} (severity {record.magnitude:.2f})"
    return f"{record.kind}: {record.source} {record.target} ({record.magnitude:.3g})"
