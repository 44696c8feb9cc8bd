"""What mechanisms report: one record per thing that happened, in plain words.

Mechanisms that log thousands of happenings per step (engagements, crises)
leave ``text`` empty; :func:`describe` writes their sentence when a feed or
a table asks for it, so the simulation step does no string formatting.
"""

from __future__ import annotations

from typing import NamedTuple

from laossim.vocab import PHRASES


class Record(NamedTuple):
    """One logged happening: an engagement, a crisis, a meeting, a scheduled event.

    ``source`` and ``target`` are state ids (or a forum id); ``magnitude`` is
    the size that matters for the kind (trust gain, severity, turnout, ...).
    """

    kind: str
    source: str
    target: str
    magnitude: float
    text: str = ""

    @property
    def description(self) -> str:
        return describe(self)


def signed(x: float) -> str:
    """``+0.040`` / ``-0.012``: a change as it reads in the event feed."""
    return f"{x:+.3f}"


def describe(record: Record) -> str:
    """The record in plain words."""
    if record.text:
        return record.text
    if record.kind in PHRASES:
        return f"{record.source} and {record.target} {PHRASES[record.kind]}; trust {signed(record.magnitude)}"
    if record.kind == "crisis":
        return f"crisis between {record.source} and {record.target} (severity {record.magnitude:.2f})"
    return f"{record.kind}: {record.source} {record.target} ({record.magnitude:.3g})"
