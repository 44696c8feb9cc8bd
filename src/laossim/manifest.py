"""A results folder's manifest: what the folder is, and everything needed to reproduce it.

One module writes manifests and reads them back. :func:`compose` starts every
manifest alike (the kind's marker, the kind, the versions with the model's,
the git commit) and adds what the kind records; :func:`write` writes it
atomically; :func:`read` opens a folder as a :class:`Manifest`, and says
plainly when the folder is not a laossim results folder, is of another kind
than the command takes, or lacks what its kind records. The kinds are
:data:`laossim.vocab.RESULT_KINDS`; a folder written by any earlier laossim
reads by its marker.

Light on purpose: the standard library and laossim's storage helpers only.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from laossim.errors import ResultsError
from laossim.folders import MANIFEST, manifest_kind, write_file
from laossim.provenance import MODEL_VERSION_KEY, git_commit, versions
from laossim.vocab import RESULT_KINDS, ResultKind, result_kind


@dataclass(frozen=True)
class Manifest:
    """A results folder's manifest, read back: its kind and what it records."""

    kind: ResultKind
    folder: Path
    data: Mapping[str, Any]

    def __getitem__(self, key: str) -> Any:
        return self.data[key]

    def get(self, key: str, default: Any = None) -> Any:
        """What the manifest records under ``key``, or ``default``."""
        return self.data.get(key, default)

    @property
    def versions(self) -> dict[str, Any]:
        """The versions of the model, laossim, Python and the libraries that wrote the folder."""
        return dict(self.data.get("versions") or {})

    @property
    def model_version(self) -> int | None:
        """The model version whose numbers the folder holds (None if its writer predates them)."""
        return self.versions.get(MODEL_VERSION_KEY)

    @property
    def inputs(self) -> list[dict[str, Any]]:
        """The input files with their hashes."""
        return list(self.data.get("inputs") or [])


def compose(kind: str, **fields: Any) -> dict[str, Any]:
    """A new manifest of ``kind``: its marker, the kind, the versions and the git commit, then
    ``fields`` (what the kind records)."""
    marked = result_kind(kind)
    return {marked.marker: 1, "kind": marked.name, "versions": versions(), "git_commit": git_commit(), **fields}


def write(folder: Path, manifest: Mapping[str, Any]) -> Path:
    """Write ``folder/manifest.json`` atomically (a reader never sees half of one)."""
    text = json.dumps(manifest, indent=2, allow_nan=True) + "\n"
    # never make the folder: one that vanished (removed by its user mid-sweep) stays gone
    return write_file(Path(folder) / MANIFEST, lambda tmp: tmp.write_text(text, encoding="utf-8"), make_folder=False)


def read(folder: str | Path, kind: str | None = None) -> Manifest:
    """Open a results folder's manifest; with ``kind``, only a folder of that kind.

    Raises:
        laossim.errors.ResultsError: the folder is not a laossim results folder, is of another kind,
            or its manifest lacks what its kind records (each said in a sentence, with what to give).
    """
    folder = Path(folder)
    path = folder / MANIFEST
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        data = None
    except (OSError, ValueError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ResultsError(f"{path} cannot be read ({reason}); it is not a results folder laossim can open") from None
    found = manifest_kind(data)
    if found is None:
        names = [k.command.removeprefix("laossim ") for k in RESULT_KINDS]  # the commands: discover writes discovery
        wanted = result_kind(kind).command if kind else f"laossim {', '.join(names[:-1])} or {names[-1]}"
        raise ResultsError(
            f"{folder} is not a laossim results folder (no laossim manifest.json); give a folder written by {wanted}"
        )
    if kind is not None and found != kind:
        raise ResultsError(
            f"{folder} is not a {kind} folder (it is a laossim {found} folder); give a folder written by "
            f"{result_kind(kind).command}"
        )
    marked = result_kind(found)
    missing = [key for key in marked.records if key not in data]
    if missing:
        raise ResultsError(f"{path} is not a {found}'s manifest (it lacks {', '.join(missing)})")
    return Manifest(marked, folder, data)
