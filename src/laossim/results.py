"""Results folders: written atomically, never overwritten by accident, with provenance.

A run's folder holds ``manifest.json``, ``summary.json``, ``timeseries``,
``states``, ``events`` and ``network`` tables as Parquet (and CSV on
request), and ``plots/`` (drawn by the caller: this module draws nothing). It is built under a temporary name beside its
destination and renamed into place only when complete, so an interrupted
run leaves nothing half-written and an existing folder is never damaged.
"""

from __future__ import annotations

import datetime as _dt
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from laossim import manifest
from laossim.calendar import TimeUnit
from laossim.errors import ResultsError
from laossim.folders import atomic_folder, check_folder, results_kind
from laossim.summaries import window_length, window_steps
from laossim.vocab import RESULT_KINDS

if TYPE_CHECKING:
    from laossim.runs import RunResult

TABLES = ("timeseries", "states", "events", "network")


def run_manifest(result: RunResult, started: str | None = None) -> dict[str, Any]:
    """Everything needed to reproduce a run: versions, commit, inputs, seeds, times, and each
    replication's own overrides when it had them (``laossim run --posterior``)."""
    own = {"per_replication": result.provenance["per_replication"]} if "per_replication" in result.provenance else {}
    return manifest.compose(
        "run",
        scenario=result.scenario.scenario,
        inputs=result.provenance.get("files", []),
        overrides=result.provenance.get("overrides", []),
        root_seed=result.seed,
        replication_seeds=result.seeds,
        replications=result.provenance.get("replications"),
        steps=result.provenance.get("steps"),
        started=started or result.provenance.get("started"),
        finished=_dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        resolved_scenario=result.scenario.model_dump(mode="json"),
        **own,
    )


def default_folder(scenario: str, root: Path = Path("results")) -> Path:
    """``results/<scenario>-<UTC timestamp>``."""
    stamp = _dt.datetime.now(_dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    return root / f"{scenario}-{stamp}"


def write_run(
    result: RunResult,
    out: Path,
    *,
    csv: bool = False,
    force: bool = False,
    also: Callable[[Path], object] | None = None,
) -> Path:
    """Write a run's folder atomically; ``also(folder)`` adds to it before it is renamed into
    place (:meth:`laossim.runs.RunResult.save` draws the plots so: storage draws none).

    Raises:
        laossim.errors.ResultsExistError: ``out`` may not be written (:func:`laossim.folders.check_folder`:
            a results folder is replaced only with ``force``, anything else never).
    """
    out = Path(out)
    check_folder(out, inputs=[f["resolved"] for f in result.provenance.get("files", [])], force=force)
    with atomic_folder(out, replace=force) as tmp:
        for name in TABLES:
            table: pd.DataFrame = getattr(result, name)
            table.to_parquet(tmp / f"{name}.parquet", index=False)
            if csv:
                table.to_csv(tmp / f"{name}.csv", index=False)
        if csv:
            result.summary.to_csv(tmp / "summary.csv", index=False)
        summary = {
            "scenario": result.scenario.scenario,
            "window_steps": window_steps(result.scenario),
            "scores": result.summary.to_dict(orient="records"),
        }
        (tmp / "summary.json").write_text(json.dumps(summary, indent=2, allow_nan=True) + "\n")
        if also is not None:
            also(tmp)
        manifest.write(tmp, run_manifest(result))
    return out


def load_run(folder: str | Path) -> dict[str, Any]:
    """Read a run folder back: its tables as DataFrames plus the manifest and summary."""
    folder = Path(folder)
    data: dict[str, Any] = {name: pd.read_parquet(folder / f"{name}.parquet") for name in TABLES}
    data["manifest"] = dict(manifest.read(folder, "run").data)
    data["summary"] = pd.DataFrame(json.loads((folder / "summary.json").read_text())["scores"])
    return data


DESIGN_COLUMNS = ("run_id", "point", "replication", "seed_entropy", "seed_key")
"""A design table's own columns (which run, which design point, which seed); the others hold the values of
the inputs the design varies."""


def load(folder: str | Path, series: bool = False) -> pd.DataFrame:
    """A sweep folder as one tidy DataFrame.

    By default one row per run of the design: ``run_id``, ``point``,
    ``replication``, the varied values, ``status`` (done, failed or pending)
    and each output's mean over the final summary window (NaN unless done).
    With ``series=True``, one row per run and step with the outputs instead. A robust folder, laid out
    as a sweep's, reads alike (:func:`sweep_manifest`).

    Raises:
        laossim.errors.ResultsError: ``folder`` is not a sweep folder, or one of its files
            cannot be read (named in the message, with how to mend it).
    """
    folder = Path(folder)
    manifest = sweep_manifest(folder)
    try:
        design = pd.read_parquet(folder / "design.parquet")
    except Exception as exc:  # pyarrow's own errors, OSError, ValueError
        raise ResultsError(f"{folder / 'design.parquet'} cannot be read ({_first_line(exc)})") from None
    outputs = manifest["outputs"]
    status = {run_id: record["status"] for run_id, record in status_records(folder).items()}
    steps = _read_runs(folder, outputs, manifest["steps"])
    # a run's file is written before its status record: a sweep killed between the two has
    # finished that run, so the file, not the record, says it is done
    status |= dict.fromkeys(steps["run_id"].unique().tolist(), "done")
    if series:
        return design.merge(steps, on="run_id", how="inner").sort_values(["run_id", "step"], ignore_index=True)
    scenario = manifest["resolved_scenario"]
    per_year = TimeUnit(scenario["simulation"]["time_unit"]).steps_per_year
    window = window_length(scenario["parameters"]["scores"]["summary_window"], per_year)
    last = manifest["steps"]
    summary = steps[steps["step"] > last - window].groupby("run_id")[outputs].mean().reset_index()
    table = design.merge(summary, on="run_id", how="left")
    table.insert(3, "status", table["run_id"].map(status).fillna("pending"))
    return table


RUN_FILE = re.compile(r"run-(\d{6})\.(parquet|json)")
"""A sweep's run file or status record: ``run-NNNNNN.parquet`` in ``runs/``, ``.json`` in ``status/``."""


def run_files(folder: Path) -> dict[int, Path]:
    """A sweep's finished run files by run id (temporary files, which start with a dot, and files of
    other names are not among them)."""
    return _numbered(Path(folder) / "runs", "parquet")


def _numbered(folder: Path, suffix: str) -> dict[int, Path]:
    found = {}
    for path in folder.glob(f"run-*.{suffix}"):
        match = RUN_FILE.fullmatch(path.name)
        if match:
            found[int(match.group(1))] = path
    return found


def status_records(folder: Path) -> dict[int, dict[str, Any]]:
    """A sweep's status records by run id; a record that cannot be read counts as missing."""
    records = {}
    for path in _numbered(Path(folder) / "status", "json").values():
        try:
            record = json.loads(path.read_text())
        except (OSError, ValueError):
            continue
        if isinstance(record, dict) and record.get("status") in ("done", "failed"):
            records[int(path.stem.removeprefix("run-"))] = record
    return records


def sweep_manifest(folder: Path) -> dict[str, Any]:
    """The manifest of a folder laid out as a sweep's: a sweep, or any kind the catalogue marks
    :attr:`laossim.vocab.ResultKind.sweep_layout` (a robust folder is a sweep of lever settings over
    futures, so everything that reads sweeps reads it).

    Raises:
        laossim.errors.ResultsError: the folder holds no sweep, or its manifest is missing, unreadable
            or lacks what a sweep records.
    """
    folder = Path(folder)
    commands = " or ".join(kind.command for kind in RESULT_KINDS if kind.sweep_layout)
    if not (folder / "design.parquet").exists() and results_kind(folder) is None:
        raise ResultsError(f"{folder} is not a sweep folder (no design.parquet); give a folder written by {commands}")
    record = manifest.read(folder)
    if not record.kind.sweep_layout:
        raise ResultsError(
            f"{folder} is not a sweep folder (it is a laossim {record.kind.name} folder); give a folder written by "
            f"{commands}"
        )
    return dict(record.data)


def _first_line(exc: BaseException) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return re.sub(r"^Could not open Parquet input source '[^']*': ", "", text)


def run_file_problem(path: Path, outputs: list[str], steps: int) -> str | None:
    """Why a sweep's run file cannot be used (unreadable, or not the run's steps and outputs), or None."""
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
    except Exception as exc:  # pyarrow raises its own errors, OSError and ValueError
        return f"cannot be read ({_first_line(exc)})"
    expected = ["run_id", "step", *outputs]
    if table.column_names != expected:
        return f"holds the columns {table.column_names}, not {expected}"
    if table.num_rows != steps + 1:
        return f"holds {table.num_rows} steps, not {steps + 1}"
    ids = set(table.column("run_id").to_pylist())
    if ids != {int(path.stem.removeprefix("run-"))}:
        return f"holds run {sorted(ids)}, not the run its name says"
    return None


def _read_runs(folder: Path, outputs: list[str], steps: int) -> pd.DataFrame:
    """Every finished run file of a sweep in one table (pyarrow reads them together). A file
    that cannot be read is named, with how to mend it."""
    import pyarrow.dataset as ds

    files = run_files(folder)
    if not files:
        return pd.DataFrame(columns=["run_id", "step", *outputs])
    try:
        return ds.dataset(folder / "runs", format="parquet").to_table().to_pandas()
    except Exception:  # find the file that broke it, and say so
        for path in sorted(files.values()):
            problem = run_file_problem(path, outputs, steps)
            if problem:
                raise ResultsError(
                    f"{path} {problem}; resume the sweep (laossim sweep EXPERIMENT --out {folder} --resume) "
                    "to run it again"
                ) from None
        raise
