"""Results folders' manifests: one module writes them and reads them back, and says plainly when
a folder is not the kind a command takes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import laossim
from conftest import BASELINE, ROOT
from laossim.errors import ResultsError
from laossim.experiment.sweep import sweep
from laossim.folders import results_kind
from laossim.manifest import compose, read, write
from laossim.provenance import MODEL_VERSION
from laossim.vocab import RESULT_KINDS


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A run folder and a sweep folder, each written by its command's library call."""
    root = tmp_path_factory.mktemp("results")
    run = laossim.run(BASELINE, replications=2, steps=3).save(root / "run", plots=False)
    sweep(ROOT / "tests" / "experiments" / "tiny_grid.yaml", root / "sweep", executor="serial", progress=False)
    return {"run": run, "sweep": root / "sweep"}


def test_every_folder_reads_back_as_the_kind_its_command_wrote(folders):
    for kind, folder in folders.items():
        manifest = read(folder, kind)
        assert manifest.kind.name == kind == manifest["kind"] == results_kind(folder)
        assert manifest.model_version == MODEL_VERSION and manifest.inputs
        assert all(key in manifest.data for key in manifest.kind.records)


def test_a_folder_of_another_kind_is_refused_naming_both_kinds_and_the_command(folders):
    with pytest.raises(ResultsError) as err:
        read(folders["run"], "sweep")
    assert str(err.value) == (
        f"{folders['run']} is not a sweep folder (it is a laossim run folder); give a folder written by laossim sweep"
    )
    with pytest.raises(ResultsError, match=r"it is a laossim sweep folder.*written by laossim run$"):
        read(folders["sweep"], "run")


def test_a_folder_that_is_not_laossims_or_lacks_what_its_kind_records_is_named(tmp_path):
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "manifest.json").write_text('{"title": "my notes"}')
    with pytest.raises(ResultsError) as err:
        read(tmp_path / "notes")
    assert "is not a laossim results folder (no laossim manifest.json); give a folder written by laossim run, " in str(
        err.value
    ) and str(err.value).endswith("sweep, backtest, discover or robust")
    (tmp_path / "cut").mkdir()
    write(tmp_path / "cut", compose("run", scenario="x"))
    with pytest.raises(ResultsError, match=r"manifest.json is not a run's manifest \(it lacks resolved_scenario"):
        read(tmp_path / "cut")


def test_a_manifest_that_cannot_be_read_is_named_and_a_vanished_folder_is_not_made_again(tmp_path):
    (tmp_path / "manifest.json").write_text("{not json")
    with pytest.raises(ResultsError, match=r"manifest.json cannot be read \(Expecting"):
        read(tmp_path)
    with pytest.raises(FileNotFoundError):
        write(tmp_path / "gone", compose("run"))
    assert not (tmp_path / "gone").exists()


def test_a_manifest_of_an_earlier_laossim_reads_by_its_marker(tmp_path):
    for kind in RESULT_KINDS:
        folder = tmp_path / kind.name
        folder.mkdir()
        (folder / "manifest.json").write_text(json.dumps({kind.marker: 1, **dict.fromkeys(kind.records, 0)}))
        manifest = read(folder, kind.name)
        assert manifest.kind == kind and manifest.model_version is None and manifest.inputs == []


def test_a_new_manifest_starts_with_its_marker_kind_versions_and_commit(tmp_path):
    written = compose("backtest", scenario="s", settings={}, fitting_years=[2000, 2016])
    assert list(written)[:4] == ["laossim_backtest", "kind", "versions", "git_commit"]
    write(tmp_path, written)
    assert [p.name for p in tmp_path.iterdir()] == ["manifest.json"]  # no temporary file left
    assert read(tmp_path, "backtest").versions["laossim_model"] == MODEL_VERSION
