"""The command line, tested in-process."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import BASELINE, SCENARIOS
from laossim.cli import main


def test_run_prints_the_score_table_and_writes_the_folder(tmp_path, capsys):
    out = tmp_path / "baseline"
    code = main(
        [
            "run",
            str(BASELINE),
            "--out",
            str(out),
            "--replications",
            "2",
            "--steps",
            "8",
            "--set",
            "states.LAO.autonomy=0.6",
        ]
    )
    text = capsys.readouterr().out
    assert code == 0
    for score in ("stability", "cooperation", "focal_autonomy", "focal_security", "95% CI"):
        assert score in text
    assert (out / "timeseries.parquet").exists()
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["overrides"] == ["states.LAO.autonomy=0.6"]
    assert main(["run", str(BASELINE), "--out", str(out), "--steps", "2"]) == 2  # never overwritten silently
    assert main(["run", str(BASELINE), "--out", str(out), "--steps", "2", "--replications", "1", "--force"]) == 0


def test_validate_exit_codes_and_resolved_output(capsys):
    assert main(["validate", *map(str, sorted(SCENARIOS.glob("*.yaml")))]) == 0
    assert main(["validate", "--resolved", str(SCENARIOS / "asean_chair_year.yaml")]) == 0
    out = capsys.readouterr().out
    assert "scenario: asean_chair_year" in out and "type: chair" in out and "id: MMR" in out


def test_bad_arguments_exit_2_without_traceback(capsys, tmp_path):
    assert main(["run", str(BASELINE), "--steps", "0", "--out", str(tmp_path / "x")]) == 2
    assert main(["validate", str(tmp_path / "missing.yaml")]) == 2
    assert main(["run", str(BASELINE), "--set", "states.XYZ.autonomy=1", "--out", str(tmp_path / "y")]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "file not found" in err and "no state 'XYZ'" in err
    assert not (tmp_path / "x").exists() and not (tmp_path / "y").exists()


def test_schema_and_params(capsys):
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["title"] == "Scenario"
    assert main(["params"]) == 0
    assert "`parameters.alignment.responsiveness`" in capsys.readouterr().out


def test_console_entry_point_and_module_run():
    out = subprocess.run([sys.executable, "-m", "laossim", "--version"], capture_output=True, text=True, check=True)
    assert out.stdout.startswith("laossim ")


def test_the_command_starts_without_mesa_or_pandas_and_the_api_resolves_on_use():
    code = (
        "import sys, laossim.cli; heavy = sorted({'mesa', 'pandas', 'scipy'} & set(sys.modules));"
        "import laossim, laossim.analysis, laossim.runs;"  # submodules loaded before the names are used
        "print(heavy, callable(laossim.run), laossim.sweep.__module__, laossim.LaosModel.__name__)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["[]", "True", "laossim.experiment.sweep", "LaosModel"]
