"""Results folders: written atomically, never overwritten by accident, with provenance.

A run's folder holds ``manifest.json``, ``summary.json``, ``timeseries``,
``states``, ``events`` and ``network`` tables as Parquet (and CSV on
request), and ``plots/``. It is built under a temporary name beside its
destination and renamed into place only when complete, so an interrupted
run leaves nothing half-written and an existing folder is never damaged.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import platform
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from laossim.errors import ResultsExistError

if TYPE_CHECKING:
    from laossim.runs import RunResult

TABLES = ("timeseries", "states", "events", "network")


def versions() -> dict[str, str]:
    """Versions of laossim, Python and the libraries that shape results."""
    out = {"python": platform.python_version()}
    for pkg in ("laossim", "mesa", "numpy", "pandas", "scipy", "pydantic", "pyarrow"):
        try:
            out[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:  # pragma: no cover - always installed
            out[pkg] = "unknown"
    return out


def git_commit(where: Path) -> str | None:
    """The commit of the git checkout containing ``where``, if any."""
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=where, capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None if out.returncode == 0 else None


def manifest(result: RunResult, started: str | None = None) -> dict[str, Any]:
    """Everything needed to reproduce a run: versions, commit, inputs, seeds, times."""
    return {
        "laossim_results": 1,
        "scenario": result.scenario.scenario,
        "versions": versions(),
        "git_commit": git_commit(Path(__file__).resolve().parent),
        "inputs": result.provenance.get("files", []),
        "overrides": result.provenance.get("overrides", []),
        "root_seed": result.seed,
        "replication_seeds": result.seeds,
        "replications": result.provenance.get("replications"),
        "steps": result.provenance.get("steps"),
        "started": started or result.provenance.get("started"),
        "finished": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        "resolved_scenario": result.scenario.model_dump(mode="json"),
    }


def default_folder(scenario: str, root: Path = Path("results")) -> Path:
    """``results/<scenario>-<UTC timestamp>``."""
    stamp = _dt.datetime.now(_dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    return root / f"{scenario}-{stamp}"


def write_run(result: RunResult, out: Path, *, csv: bool = False, force: bool = False, plots: bool = True) -> Path:
    """Write a run's folder atomically.

    Raises:
        ResultsExistError: ``out`` exists, is not empty, and ``force`` is false.
    """
    out = Path(out)
    if out.exists() and (not out.is_dir() or any(out.iterdir())) and not force:
        raise ResultsExistError(f"{out} exists and is not empty; choose another --out or pass --force to replace it")
    with atomic_folder(out) as tmp:
        for name in TABLES:
            table: pd.DataFrame = getattr(result, name)
            table.to_parquet(tmp / f"{name}.parquet", index=False)
            if csv:
                table.to_csv(tmp / f"{name}.csv", index=False)
        if csv:
            result.summary.to_csv(tmp / "summary.csv", index=False)
        summary = {
            "scenario": result.scenario.scenario,
            "window_steps": _window(result),
            "scores": result.summary.to_dict(orient="records"),
        }
        (tmp / "summary.json").write_text(json.dumps(summary, indent=2, allow_nan=True) + "\n")
        if plots:
            from laossim.plotting import save_run_plots

            save_run_plots(result, tmp / "plots")
        (tmp / "manifest.json").write_text(json.dumps(manifest(result), indent=2) + "\n")
    return out


@contextmanager
def atomic_folder(out: Path) -> Iterator[Path]:
    """A temporary folder beside ``out`` to write into; renamed to ``out`` when the block ends,
    removed if it raises, so a reader never sees a half-written results folder."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".partial", dir=out.parent))
    try:
        yield tmp
        _swap_into_place(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _window(result: RunResult) -> int:
    from laossim.runs import window_steps

    return window_steps(result.scenario)


def _swap_into_place(tmp: Path, out: Path) -> None:
    """Rename the finished folder into place; an existing folder is moved aside first and
    removed only after the new one is in place."""
    if not out.exists():
        os.replace(tmp, out)
        return
    old = out.with_name(f".{out.name}.old-{os.getpid()}")
    os.replace(out, old)
    os.replace(tmp, out)
    shutil.rmtree(old, ignore_errors=True)


def load_run(folder: str | Path) -> dict[str, Any]:
    """Read a run folder back: its tables as DataFrames plus the manifest and summary."""
    folder = Path(folder)
    data: dict[str, Any] = {name: pd.read_parquet(folder / f"{name}.parquet") for name in TABLES}
    data["manifest"] = json.loads((folder / "manifest.json").read_text())
    data["summary"] = pd.DataFrame(json.loads((folder / "summary.json").read_text())["scores"])
    return data


def load(folder: str | Path, series: bool = False) -> pd.DataFrame:
    """A sweep folder as one tidy DataFrame.

    By default one row per run of the design: ``run_id``, ``point``,
    ``replication``, the varied values, ``status`` (done, failed or pending)
    and each output's mean over the final summary window (NaN unless done).
    With ``series=True``, one row per run and step with the outputs instead.
    """
    folder = Path(folder)
    if not (folder / "design.parquet").exists():
        raise FileNotFoundError(f"{folder} is not a sweep folder (no design.parquet)")
    design = pd.read_parquet(folder / "design.parquet")
    manifest = json.loads((folder / "manifest.json").read_text())
    outputs = manifest["outputs"]
    status = {
        int(p.stem.split("-")[1]): json.loads(p.read_text())["status"] for p in (folder / "status").glob("run-*.json")
    }
    steps = _read_runs(folder / "runs", outputs)
    # a run's file is written before its status record: a sweep killed between the two has
    # finished that run, so the file, not the record, says it is done
    status |= dict.fromkeys(steps["run_id"].unique().tolist(), "done")
    if series:
        return design.merge(steps, on="run_id", how="inner").sort_values(["run_id", "step"], ignore_index=True)
    scenario = manifest["resolved_scenario"]
    per_year = {"quarter": 4, "month": 12, "year": 1}[scenario["simulation"]["time_unit"]]
    window = max(1, round(scenario["parameters"]["scores"]["summary_window"] * per_year))
    last = manifest["steps"]
    summary = steps[steps["step"] > last - window].groupby("run_id")[outputs].mean().reset_index()
    table = design.merge(summary, on="run_id", how="left")
    table.insert(3, "status", table["run_id"].map(status).fillna("pending"))
    return table


def _read_runs(runs: Path, outputs: list[str]) -> pd.DataFrame:
    """Every finished run file of a sweep in one table (pyarrow reads them together; the
    temporary files of unfinished writes start with a dot and are ignored)."""
    import pyarrow.dataset as ds

    if not any(runs.glob("run-*.parquet")):
        return pd.DataFrame(columns=["run_id", "step", *outputs])
    return ds.dataset(runs, format="parquet").to_table().to_pandas()
