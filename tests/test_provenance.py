"""The model's version and what every manifest records about the code that wrote it.

A sweep is never resumed across model versions, so the version must move with
the numbers: the fingerprint below (the shipped scenarios' scores after a few
steps) fails whenever a change moves any of them while ``MODEL_VERSION`` stays.
After an intended change of the numbers, bump ``laossim.provenance.MODEL_VERSION``
and regenerate with ``LAOSSIM_UPDATE_GOLDEN=1 pytest tests/test_provenance.py``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest

from conftest import SCENARIOS
from laossim.metrics import COLUMNS
from laossim.provenance import MODEL_VERSION, MODEL_VERSION_KEY, git_commit, versions
from laossim.runs import run

FINGERPRINT = Path(__file__).parent / "golden" / "model_fingerprint.json"
UPDATE = os.environ.get("LAOSSIM_UPDATE_GOLDEN") == "1"
SHIPPED = sorted(p.stem for p in SCENARIOS.glob("*.yaml"))


def fingerprint() -> dict[str, dict[str, float]]:
    """Every score of every shipped scenario: the mean over 2 replications of steps 1-6, seed 11."""
    prints = {}
    for name in SHIPPED:
        result = run(SCENARIOS / f"{name}.yaml", seed=11, replications=2, steps=6)
        prints[name] = {score: float(result.timeseries[score].mean()) for score in COLUMNS}
    return prints


def test_the_model_version_moves_with_the_numbers():
    current = fingerprint()
    if UPDATE:
        FINGERPRINT.write_text(json.dumps({"model_version": MODEL_VERSION, "scores": current}, indent=1) + "\n")
    pinned = json.loads(FINGERPRINT.read_text())
    how = "regenerate with LAOSSIM_UPDATE_GOLDEN=1 pytest tests/test_provenance.py"
    assert pinned["model_version"] == MODEL_VERSION, f"MODEL_VERSION changed: {how}"
    assert sorted(pinned["scores"]) == SHIPPED, f"the shipped scenarios changed: {how}"
    for name, scores in pinned["scores"].items():
        for score, value in scores.items():
            assert np.isclose(current[name][score], value, rtol=1e-6, atol=1e-9), (
                f"{name} {score} moved ({value} -> {current[name][score]}): the model's numbers changed, so "
                f"bump laossim.provenance.MODEL_VERSION (now {MODEL_VERSION}) and {how}"
            )


def test_every_manifest_records_the_model_version_and_the_libraries():
    recorded = versions()
    assert recorded[MODEL_VERSION_KEY] == MODEL_VERSION
    assert {"laossim", "numpy", "pandas", "mesa", "python"} <= set(recorded)
    commit = git_commit()
    assert commit is None or len(commit) == 40


@pytest.mark.parametrize("kind", ["run", "sweep"])
def test_run_and_sweep_manifests_carry_the_model_version(tmp_path, kind):
    from laossim.experiment.sweep import sweep

    if kind == "run":
        run(SCENARIOS / "teaching_minimal.yaml", replications=1, steps=2).save(tmp_path / "r")
        manifest = json.loads((tmp_path / "r" / "manifest.json").read_text())
    else:
        sweep(Path(__file__).parent / "experiments" / "tiny_grid.yaml", tmp_path / "s", executor="serial",
              progress=False, limit=1)  # fmt: skip
        manifest = json.loads((tmp_path / "s" / "manifest.json").read_text())
    assert manifest["versions"][MODEL_VERSION_KEY] == MODEL_VERSION
