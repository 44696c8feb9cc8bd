"""The oracle for moves that must not change a number: every table of a run of each shipped
scenario, and of a short sweep of each shipped experiment, hashed.

Values are hashed after sorting the columns by name and the rows by every
column, with floats rounded to 10 significant digits (the last bits may
differ between numpy builds; a real change moves far more), through
``RENAMED`` (old column name -> new), so renaming an output keeps its hash.
The model's version moves with the numbers: if a hash changes, either the
change was meant (bump ``laossim.provenance.MODEL_VERSION`` and regenerate with
``LAOSSIM_UPDATE_GOLDEN=1 pytest tests/test_outputs_unchanged.py``, in a commit of
its own whose documented figures are regenerated too) or it is a bug.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from conftest import ROOT, SCENARIOS
from laossim import results
from laossim.experiment.sweep import sweep
from laossim.provenance import MODEL_VERSION
from laossim.runs import run

GOLDEN = Path(__file__).parent / "golden" / "output_hashes.json"
UPDATE = os.environ.get("LAOSSIM_UPDATE_GOLDEN") == "1"
SCENARIO_FILES = sorted(SCENARIOS.glob("*.yaml"))
EXPERIMENT_FILES = sorted((ROOT / "experiments").glob("*.yaml"))
RENAMED: dict[str, str] = {}
"""Column renames since the hashes were taken (old name -> new name)."""


def table_hash(table: pd.DataFrame) -> str:
    """The hash of a table's values, whatever the order of its rows and columns."""
    table = table.rename(columns={new: old for old, new in RENAMED.items()})
    table = table[sorted(table.columns)]
    for name in table.columns:
        if pd.api.types.is_float_dtype(table[name]):
            values = table[name].to_numpy()
            scale = 10.0 ** (9 - np.floor(np.log10(np.abs(np.where(values == 0, 1, values)))))
            table[name] = np.round(values * scale) / scale
    table = table.sort_values(list(table.columns), ignore_index=True)
    return hashlib.sha256(pd.util.hash_pandas_object(table, index=False).to_numpy().tobytes()).hexdigest()


def current() -> dict[str, str]:
    hashes = {}
    for path in SCENARIO_FILES:
        result = run(path, seed=5, replications=2, steps=8)
        for name in ("timeseries", "states", "events", "network", "summary"):
            hashes[f"run {path.stem} {name}"] = table_hash(getattr(result, name))
    return hashes


def current_sweeps(tmp: Path) -> dict[str, str]:
    hashes = {}
    for path in EXPERIMENT_FILES:
        sweep(path, tmp / path.stem, executor="serial", progress=False, limit=6)
        hashes[f"sweep {path.stem}"] = table_hash(results.load(tmp / path.stem, series=True))
    return hashes


def test_every_shipped_scenarios_and_experiments_outputs_are_as_recorded(tmp_path):
    now = current() | current_sweeps(tmp_path)
    if UPDATE:
        GOLDEN.write_text(json.dumps({"model_version": MODEL_VERSION, "hashes": now}, indent=1) + "\n")
    pinned = json.loads(GOLDEN.read_text())
    how = "regenerate with LAOSSIM_UPDATE_GOLDEN=1 pytest tests/test_outputs_unchanged.py"
    assert pinned["model_version"] == MODEL_VERSION, f"MODEL_VERSION changed: {how}"
    assert sorted(pinned["hashes"]) == sorted(now), f"the shipped scenarios or experiments changed: {how}"
    moved = [key for key, value in pinned["hashes"].items() if now[key] != value]
    assert not moved, (
        f"outputs changed: {moved}. If meant, bump laossim.provenance.MODEL_VERSION (now {MODEL_VERSION}) "
        f"and {how}; if a column was renamed, add it to RENAMED"
    )


@pytest.mark.parametrize("change", ["value", "order"])
def test_the_hash_sees_a_changed_value_but_not_a_reordering(change):
    table = pd.DataFrame({"b": [0.1, 0.2, 0.3], "a": ["x", "y", "z"]})
    other = table.copy()
    if change == "value":
        other.loc[1, "b"] = 0.2 + 1e-6
        assert table_hash(other) != table_hash(table)
    else:
        other = other.iloc[::-1][["a", "b"]]
        assert table_hash(other) == table_hash(table)
    assert table_hash(table.assign(b=table.b + 1e-15)) == table_hash(table)  # below 10 digits
