"""What every manifest records about the code that wrote it, the model version first.

(That the version moves with the numbers is ``tests/test_outputs_unchanged.py``'s to check.)
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import SCENARIOS
from laossim.provenance import MODEL_VERSION, MODEL_VERSION_KEY, git_commit, versions
from laossim.runs import run


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
