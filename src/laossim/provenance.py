"""What every results manifest records about the code that wrote it: versions and commit.

Light on purpose (standard library only), so a sweep's parent and the results
readers can ask it without importing the model.
"""

from __future__ import annotations

import platform
import subprocess
from importlib import metadata
from pathlib import Path

MODEL_VERSION = 11
"""The version of the model's numbers. Bump it in the same commit as any change that alters
the results of any run (a mechanism, a default, the seeding); a change that leaves every number
as it was leaves it alone. A sweep is never resumed across two model versions, since its old and
new runs would not be comparable. ``tests/test_outputs_unchanged.py`` hashes every shipped
scenario's and experiment's outputs and fails when they move and this did not."""

MODEL_VERSION_KEY = "laossim_model"
"""The key of :data:`MODEL_VERSION` in a manifest's ``versions``."""


def versions() -> dict[str, str | int]:
    """Versions of laossim's model, laossim, Python and the libraries that shape results."""
    out: dict[str, str | int] = {MODEL_VERSION_KEY: MODEL_VERSION, "python": platform.python_version()}
    for pkg in ("laossim", "mesa", "numpy", "pandas", "scipy", "pydantic", "pyarrow"):
        try:
            out[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:  # pragma: no cover - always installed
            out[pkg] = "unknown"
    return out


def git_commit(where: Path | None = None) -> str | None:
    """The commit of the git checkout containing ``where`` (default: this package), if any."""
    where = where or Path(__file__).resolve().parent
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=where, capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None if out.returncode == 0 else None
