"""The kinds of input file laossim reads, told apart by the top-level key that names each.

One catalogue: every loader checks that a file is of its kind (an experiment given to ``run``
gets one line saying it is an experiment and which command takes it, not a screen of unknown
fields), and ``laossim validate`` picks each file's loader from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from laossim.errors import Problem, ScenarioError
from laossim.inputs.tree import LMap, read_mapping, read_yaml


@dataclass(frozen=True)
class FileKind:
    """One kind of input file."""

    name: str
    keys: tuple[str, ...]
    """Top-level keys only a file of this kind has, the one naming it first (``experiment: my_sweep``)."""
    command: str
    """The command that takes it."""

    @property
    def a_file(self) -> str:
        """``an experiment file``."""
        return f"{'an' if self.name[0] in 'aeiou' else 'a'} {self.name} file"

    @property
    def holds(self) -> str:
        """What such a file holds, for a message about a file that is not a mapping."""
        return "keys " + ", ".join(f"{key}:" for key in self.keys)


EXPERIMENT = FileKind(
    "experiment", ("experiment", "vary", "levers", "uncertainties"), "laossim sweep or laossim robust"
)
LANDSCAPE = FileKind("landscape", ("landscape", "actors", "propensities"), "laossim landscape")
SCENARIO = FileKind("scenario", ("scenario", "poles", "states"), "laossim run")
KINDS: tuple[FileKind, ...] = (EXPERIMENT, LANDSCAPE, SCENARIO)
"""In the order they are recognised: an experiment also has a ``scenario:`` key (the file it varies)."""


def kind_of(doc: LMap) -> tuple[FileKind, str] | None:
    """The kind a document is, with the key that says so; None when it has no kind's keys."""
    for kind in KINDS:
        for key in kind.keys:
            if key in doc:
                return kind, key
    return None


def file_kind(path: Path) -> FileKind | None:
    """The kind of the file at ``path``, or None when it cannot be read or has no kind's keys."""
    doc, problems = read_yaml(path)
    found = kind_of(doc) if not problems and isinstance(doc, LMap) else None
    return None if found is None else found[0]


def wrong_kind(doc: LMap, file: str | Path, wanted: FileKind) -> Problem | None:
    """A problem when ``doc`` is plainly a file of another kind than ``wanted``, else None."""
    found = kind_of(doc)
    if found is None or found[0] == wanted:
        return None
    kind, key = found
    _, line = doc.where(key)
    return Problem(
        str(file),
        line,
        "",
        f"this is {kind.a_file} (it has {key}:), not {wanted.a_file}",
        hint=f"{kind.command} takes it",
    )


def read_document(path: Path, kind: FileKind) -> LMap:
    """Read a file that must be a mapping of ``kind``.

    Raises:
        ScenarioError: the file is missing, unreadable, not YAML, not a mapping, or of another kind.
    """
    doc = read_mapping(path, kind.a_file, kind.holds)
    problem = wrong_kind(doc, path, kind)
    if problem is not None:
        raise ScenarioError([problem])
    return doc
