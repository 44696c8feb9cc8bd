"""What a mechanism may touch: the world fields it reads and writes, and whether it draws.

Each mechanism module declares one :class:`Contract` beside its ``step``; the
step order (:data:`laossim.mechanisms.STEP_ORDER`) pairs each with its random
stream. ``tests/test_contracts.py`` holds every mechanism to its contract: it
changes no field it does not declare as written, its result does not move when
any field it does not declare as read is scrambled, it draws nothing unless it
declares that it draws, and each field it reads that holds this step's activity
was written earlier in the step.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass

from laossim.world import STRUCTURE, World

FIELDS: frozenset[str] = frozenset(f.name for f in dataclasses.fields(World)) - set(STRUCTURE)
"""The world's fields a contract may name: all but its structure, which every mechanism reads."""


@dataclass(frozen=True)
class Contract:
    """The world fields a mechanism reads and writes, and whether it draws random numbers."""

    reads: frozenset[str]
    writes: frozenset[str]
    draws: bool = False

    def __post_init__(self) -> None:
        unknown = (self.reads | self.writes) - FIELDS
        if unknown:
            raise ValueError(f"a contract names fields the world does not have: {sorted(unknown)}")

    def __or__(self, other: Contract) -> Contract:
        """What two parts of one mechanism touch together."""
        return Contract(self.reads | other.reads, self.writes | other.writes, self.draws or other.draws)


def contract(*, reads: str | Iterable[str], writes: str | Iterable[str], draws: bool = False) -> Contract:
    """A :class:`Contract` from field names, each given as one space-separated string or as an iterable."""
    return Contract(_names(reads), _names(writes), draws)


def _names(names: str | Iterable[str]) -> frozenset[str]:
    return frozenset(names.split() if isinstance(names, str) else names)
