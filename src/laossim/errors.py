"""Error records for bad input: every problem names its file, line and field.

Loaders collect *all* problems of a file before raising, so a user fixes a
file in one pass instead of one error per run (the rendercv style).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file.

    Rendered as ``FILE:LINE: field.path: message (expected ..., got ...) hint``.
    """

    file: str
    line: int | None
    path: str
    message: str
    expected: str | None = None
    got: str | None = None
    hint: str | None = None

    @classmethod
    def at(
        cls,
        where: tuple[str, int | None],
        path: str,
        message: str,
        expected: str | None = None,
        got: str | None = None,
        hint: str | None = None,
    ) -> Problem:
        """A problem at ``where``, the (file, line) a located value was read from."""
        file, line = where
        return cls(file, line, path, message, expected, got, hint)

    def render(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        text = f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"
        detail = []
        if self.expected is not None:
            detail.append(f"expected {self.expected}")
        if self.got is not None:
            detail.append(f"got {self.got}")
        if detail:
            text += f" ({', '.join(detail)})"
        if self.hint:
            text += f"; {self.hint}"
        return text


class LaossimError(Exception):
    """Base of every error laossim raises on purpose. A command prints :meth:`render` (never a
    traceback) and exits with :attr:`exit_code`; the CLI maps them in one place."""

    exit_code = 2

    def render(self) -> str:
        return f"laossim: {self}"


class InputError(LaossimError):
    """Bad input: a file, an option or a folder is not what the command needs (exit 2)."""


class UsageError(InputError):
    """Options out of range, or given without the option they belong to."""


class ScenarioError(InputError):
    """Raised with every problem found in a scenario (or experiment, or landscape) file."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(
            sorted(problems, key=lambda p: (p.file, p.line or 0, p.path, p.message))
        )
        super().__init__(self.render())

    def render(self) -> str:
        """All problems, one per line, ordered by file and line."""
        return "\n".join(p.render() for p in self.problems)


class RefusedError(InputError):
    """laossim will not do what was asked because it would lose, overwrite or mix data.

    Raised before any work starts; the message says what is in the way and what to do instead.
    """


class ResultsExistError(RefusedError):
    """The destination exists and may not be replaced (not without ``force``, or never)."""


class ResultsError(InputError):
    """A results folder cannot be read as asked: the wrong kind of folder, or an unreadable file
    (named in the message)."""


class RunError(LaossimError):
    """The input was fine but the work failed (exit 1), e.g. a calibration whose runs all failed."""

    exit_code = 1


class NonFiniteScoreError(RunError):
    """A run reached a score that is not a finite number: a bug in a mechanism, never a result
    to write (the scenario's figures are bounded on load, so input alone cannot do this)."""


def did_you_mean(word: object, choices: Iterable[object]) -> str | None:
    """A "did you mean ...?" hint for a misspelt key or id, or None; choices that are not strings
    (ids a document got wrong) are skipped."""
    if not isinstance(word, str):
        return None
    names = [c for c in choices if isinstance(c, str)]
    matches = difflib.get_close_matches(word, names, n=1, cutoff=0.6)
    if not matches:
        lowered = {c.lower(): c for c in names}
        if word.lower() in lowered:
            matches = [lowered[word.lower()]]
    return f"did you mean '{matches[0]}'?" if matches else None


class Raw(str):
    """Text already written for a message (``show`` leaves it unquoted)."""


def show(value: object, limit: int = 60) -> str:
    """A short, readable rendering of a value for an error message (strings quoted)."""
    if isinstance(value, Raw):
        return str(value)
    text = repr(value) if isinstance(value, str) else str(value)
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif value is None:
        text = "null"
    return text if len(text) <= limit else text[: limit - 3] + "..."
