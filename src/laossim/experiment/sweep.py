"""Sweeps: every run of a design table on any ``concurrent.futures`` executor, written as it goes.

Output folder::

    design.parquet      the design table (written first, atomically)
    manifest.json       versions, git commit, input hashes, root seed, design, executor, times
    runs/run-000123.parquet   one file per finished run: the outputs at every step
    status/run-000123.json    done or failed (with its traceback), wall time

Every file is written under a temporary name and renamed, so a sweep killed at
any moment (even by SIGKILL) loses no finished run and leaves no corrupt file;
``resume=True`` skips the runs whose file exists and never duplicates one.
The parent keeps at most a few tasks in flight and writes each result as it
arrives, so its memory does not grow with the number of runs. A task carries
several runs, which a worker advances as one stack of worlds where they may
share one: they may differ in state and relation figures, forum strengths and
any real-valued coefficient (``worker.execute_many``). A run is a pure
function of its row of the design table, to the bit whether it ran alone or
in a stack, so results are identical whatever the executor, the number of
workers and the grouping of runs.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import logging
import os
import pickle
import time
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from tqdm.auto import tqdm

from laossim import manifest
from laossim.batch import varies_within_stack
from laossim.errors import RefusedError, ResultsError
from laossim.experiment import forkserver
from laossim.experiment.design import design_table, overrides
from laossim.experiment.load import LoadedExperiment, load_experiment
from laossim.experiment.worker import Columns, Task, execute_many
from laossim.folders import LOCK, folder_lock, write_file
from laossim.kernel import MAX_STACK
from laossim.provenance import MODEL_VERSION
from laossim.results import run_file_problem, run_files, status_records

log = logging.getLogger(__name__)

PARAMETER_PREFIX = "vary."


class SweepError(RefusedError):
    """A sweep cannot start: the folder holds something else or another sweep, is not empty
    without --resume, or its sweep was started from other inputs or by another model version."""


class SweepInterrupted(KeyboardInterrupt):
    """Ctrl-C or SIGTERM stopped a sweep; its finished runs are kept and ``--resume`` continues it."""

    def __init__(self, out: Path, finished: int, runs: int) -> None:
        super().__init__(f"{finished} of {runs} runs finished")
        self.out, self.finished, self.runs = out, finished, runs


def _atomic_write_bytes(path: Path, data: bytes) -> None:
    # no fsync: a killed process loses nothing the kernel holds; the folder is never made again
    write_file(path, lambda tmp: tmp.write_bytes(data), make_folder=False)


def _atomic_parquet(table: pd.DataFrame | Columns, path: Path) -> None:
    """Write under a temporary name, then rename. A run's small file skips dictionary encoding and
    column statistics, which halve the cost of writing it and which nothing reads back."""
    if isinstance(table, pd.DataFrame):
        write_file(
            path, lambda t: pq.write_table(pa.Table.from_pandas(table, preserve_index=False), t), make_folder=False
        )
    else:
        write_file(
            path,
            lambda t: pq.write_table(pa.table(table), t, use_dictionary=False, write_statistics=False),
            make_folder=False,
        )


def run_file(out: Path, run_id: int) -> Path:
    return out / "runs" / f"run-{run_id:06d}.parquet"


def status_file(out: Path, run_id: int) -> Path:
    return out / "status" / f"run-{run_id:06d}.json"


def _design_hash(table: pd.DataFrame) -> str:
    return hashlib.sha256(pd.util.hash_pandas_object(table, index=True).values.tobytes()).hexdigest()


@contextmanager
def make_executor(kind: str | Executor, workers: int | None) -> Iterator[tuple[Executor, str]]:
    """An executor by name: ``serial``, ``process`` (a local pool), ``dask`` (a LocalCluster),
    ``dask://HOST:PORT`` (a running scheduler), or an Executor given directly."""
    if isinstance(kind, Executor):
        yield kind, type(kind).__name__
        return
    workers = workers or os.cpu_count() or 1
    if kind == "serial":
        yield _Serial(), "serial"
    elif kind == "process":
        pool = ProcessPoolExecutor(
            max_workers=workers, mp_context=forkserver.context(), initializer=forkserver.follow_parent
        )
        try:
            yield pool, f"process pool, {workers} workers"
        except BaseException:
            _stop(pool)  # Ctrl-C or SIGTERM: do not wait for the runs in flight
            raise
        finally:
            pool.shutdown(wait=True)
    elif kind == "dask" or kind.startswith("dask://") or kind.startswith("tcp://"):
        try:
            from distributed import Client, LocalCluster
        except ImportError as exc:  # pragma: no cover - the extra is installed in CI
            raise SweepError("the Dask executor needs the cluster extra: pip install 'laossim[cluster]'") from exc
        if kind == "dask":
            with (
                LocalCluster(
                    n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None, host="127.0.0.1"
                ) as cluster,
                Client(cluster) as client,
            ):
                yield client.get_executor(pure=False), f"dask LocalCluster, {workers} workers"
        else:
            address = "tcp://" + kind.split("://", 1)[1]
            with Client(address) as client:
                yield client.get_executor(pure=False), f"dask scheduler {address}"
    else:
        raise SweepError(f"unknown executor {kind!r}: serial, process, dask or dask://HOST:PORT")


def _stop(pool: ProcessPoolExecutor) -> None:
    """Cancel what is queued and end the workers now (``shutdown`` alone would wait for every run in
    flight). The pool keeps its processes in ``_processes`` in Python 3.11-3.13."""
    pool.shutdown(wait=False, cancel_futures=True)
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        process.terminate()


class _Serial(Executor):
    """Runs each task at submission, in this process (for debugging and tiny sweeps)."""

    def submit(self, fn, /, *args, **kwargs) -> Future:  # type: ignore[override]
        future: Future = Future()
        future.set_result(fn(*args, **kwargs))
        return future


@dataclass(frozen=True)
class SweepSummary:
    out: Path
    runs: int
    done: int
    failed: int
    skipped: int
    seconds: float


def sweep(
    experiment: str | Path | LoadedExperiment,
    out: str | Path,
    *,
    executor: str | Executor = "process",
    workers: int | None = None,
    resume: bool = False,
    progress: bool = True,
    limit: int | None = None,
    stack: bool = True,
) -> SweepSummary:
    """Run every run of an experiment's design, writing each result as it finishes.

    Args:
        experiment: an experiment file or a loaded experiment.
        out: the sweep folder.
        executor: ``process`` (default), ``serial``, ``dask``, ``dask://HOST:PORT`` or an Executor.
        workers: processes for ``process`` and ``dask`` (default: all cores).
        resume: continue a sweep in ``out``, skipping its finished runs.
        limit: stop after submitting this many runs (to try a design quickly).
        stack: advance runs that may share a stack of worlds as one (the same numbers, to the bit;
            off only to measure what stacking gains).

    Raises:
        SweepError: the sweep cannot start in ``out`` (the message says why), before any run.
        laossim.folders.FolderLockedError: another process is running a sweep in ``out``.
        SweepInterrupted: Ctrl-C or SIGTERM; every finished run is kept.
    """
    if isinstance(executor, str) and not (executor in ("serial", "process", "dask") or "://" in executor):
        raise SweepError(f"unknown executor {executor!r}: serial, process, dask or dask://HOST:PORT")
    if executor == "process":
        forkserver.start()  # its imports overlap with loading the experiment and the design
    loaded = experiment if isinstance(experiment, LoadedExperiment) else load_experiment(experiment)
    out = Path(out)
    table = design_table(loaded)
    digest = _design_hash(table)
    _refuse_unusable(out, resume)
    out.mkdir(parents=True, exist_ok=True)
    with folder_lock(out):
        try:
            return _sweep_locked(loaded, out, table, digest, executor, workers, resume, progress, limit, stack)
        except KeyboardInterrupt as exc:
            raise SweepInterrupted(out, len(run_files(out)), len(table)) from exc


def _sweep_locked(
    loaded: LoadedExperiment,
    out: Path,
    table: pd.DataFrame,
    digest: str,
    executor: str | Executor,
    workers: int | None,
    resume: bool,
    progress: bool,
    limit: int | None,
    stack: bool,
) -> SweepSummary:
    _prepare(out, loaded, table, digest, resume, stack)
    finished = set(run_files(out))
    todo = table[~table["run_id"].isin(finished)]
    if limit is not None:
        todo = todo.head(limit)
    names = varied(loaded)
    outputs = tuple(loaded.experiment.outputs)
    started = time.time()
    done = failed = alone = 0
    blob = pickle.dumps(loaded.scenario, protocol=pickle.HIGHEST_PROTOCOL)
    with make_executor(executor, workers) as (pool, description):
        described = _manifest(loaded, digest, description, len(table), stack)
        manifest.write(out, described)
        in_flight: set[Future] = set()
        parallel = max(workers or 1, os.cpu_count() or 1)
        # consecutive runs of the interleaved order share a stack only if every varied path may
        # differ within one; otherwise one run a task keeps the progress bar and a kill's losses fine
        chunk = chunk_size(len(todo), parallel) if stack and stackable(names) else 1
        window = 1 if isinstance(pool, _Serial) else 2 * parallel  # serial: write each task's runs at once
        rows = todo.itertuples(index=False, name=None)
        fields = list(todo.columns)
        bar = tqdm(total=len(todo), desc=loaded.experiment.experiment, unit="run", disable=not progress)
        try:
            exhausted = False
            while in_flight or not exhausted:
                while not exhausted and len(in_flight) < window:
                    tasks = []
                    for row in islice(rows, chunk):
                        record = dict(zip(fields, row, strict=True))
                        tasks.append(
                            Task(
                                int(record["run_id"]),
                                blob,
                                {k: _plain(v) for k, v in overrides(loaded.experiment, record).items()},
                                int(record["seed_entropy"]),
                                int(record["seed_key"]),
                                loaded.steps,
                                outputs,
                            )
                        )
                    if not tasks:
                        exhausted = True
                        break
                    alone += len(tasks) == 1  # a task of one run is a run that shares no stack
                    in_flight.add(pool.submit(execute_many, tasks))
                if not in_flight:
                    break
                finished_now, in_flight = wait(in_flight, return_when=FIRST_COMPLETED)
                for future in finished_now:
                    for run_id, columns, error, seconds in future.result():
                        _record(out, run_id, columns, error, seconds)
                        done += error is None
                        failed += error is not None
                        bar.update(1)
                    bar.set_postfix(done=done, failed=failed, refresh=False)
        finally:
            bar.close()
        described |= {"finished": _now(), "wall_seconds": round(time.time() - started, 3), "unstacked_runs": alone}
        manifest.write(out, described)
    return SweepSummary(out, len(table), done, failed, len(finished), time.time() - started)


def varied(loaded: LoadedExperiment) -> list[str]:
    """Every path whose value may differ between the runs of a design: the varied or sampled
    fields, and a robust experiment's lever fields."""
    return [*loaded.experiment.lever_paths, *loaded.experiment.sampled]


def stackable(names: list[str]) -> bool:
    """Whether the runs of a design varying these paths may share stacks of worlds."""
    return all(varies_within_stack(name) for name in names)


def unstacked_runs(loaded: LoadedExperiment, runs: int) -> int:
    """How many of a design's runs cannot share a stack: all, if it varies a path that sets a
    stack's shape (a forum's meeting period, a whole-number coefficient, an event); else none.
    (What the manifest records at the start; at the end it records how many runs this sweep sent
    alone, which also counts runs too few to fill a task for every worker.)"""
    return 0 if stackable(varied(loaded)) else runs


def chunk_size(runs: int, parallel: int) -> int:
    """Runs per task: as many as can share a stack of worlds, up to the kernel's
    :data:`~laossim.kernel.MAX_STACK`, while every
    one of ``parallel`` workers still gets two tasks. ``parallel`` is the larger of the workers and
    the machine's cores, so one and two workers on one machine run the same stacks."""
    return max(1, min(MAX_STACK, -(-runs // (2 * parallel))))


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def _refuse_unusable(out: Path, resume: bool) -> None:
    """Refuse, before anything is written, a destination that is not a folder or holds something else."""
    if os.path.lexists(out) and not out.is_dir():
        raise SweepError(f"{out} is a file or device, not a folder; choose another --out")
    if not out.exists() or not any(p.name != LOCK for p in out.iterdir()):
        return
    if not resume:
        raise SweepError(f"{out} is not empty; pass --resume to continue the sweep in it, or choose another --out")
    if not (out / "design.parquet").exists():
        raise SweepError(f"{out} holds no sweep (no design.parquet) to resume; choose another --out")


def _prepare(out: Path, loaded: LoadedExperiment, table: pd.DataFrame, digest: str, resume: bool, stack: bool) -> None:
    """Make the folder ready (under its lock): on a resume, check that the sweep in it is this
    one, from the same inputs and model version; then clean what a killed sweep left."""
    design = out / "design.parquet"
    if design.exists():
        _check_same_sweep(out, loaded, digest)
    (out / "runs").mkdir(exist_ok=True)
    (out / "status").mkdir(exist_ok=True)
    if not (out / "manifest.json").exists():  # before the design: a folder with a design has a manifest
        manifest.write(out, _manifest(loaded, digest, "not started", len(table), stack))
    if not design.exists():
        _atomic_parquet(table, design)
    stale = list((out / "runs").glob(".*.tmp")) + list((out / "status").glob(".*.tmp"))
    for path in stale:  # left by a killed sweep (this process holds the lock): never a finished run
        path.unlink(missing_ok=True)
    if stale:
        log.warning("removed %d temporary file(s) left in %s by a killed sweep", len(stale), out)
    if resume:
        _drop_unreadable(out, loaded)
        _rewrite_missing_status(out)


def _check_same_sweep(out: Path, loaded: LoadedExperiment, digest: str) -> None:
    try:
        written = pd.read_parquet(out / "design.parquet")
    except Exception:  # pyarrow's own errors, OSError, ValueError
        raise SweepError(f"{out}/design.parquet cannot be read; start the sweep again in another --out") from None
    if _design_hash(written) != digest:
        raise SweepError(f"{out} holds a sweep of a different design; choose another --out")
    try:
        written_by = manifest.read(out, kind_of(loaded))
    except ResultsError as exc:
        raise SweepError(
            f"{exc}, so the sweep's inputs and model version are unknown; start the sweep again in another --out"
        ) from None
    written = written_by.model_version
    if written != MODEL_VERSION:
        was = "a laossim that did not record its model version" if written is None else f"model version {written}"
        raise SweepError(
            f"{out} was started by {was}, and this laossim runs model version {MODEL_VERSION}, whose results "
            "differ; its runs cannot be mixed with new ones: start the sweep again in another --out"
        )
    before = [(item["path"], item["sha256"]) for item in written_by.inputs]
    now = list(loaded.files)
    for (_, old_hash), (path, new_hash) in zip(before, now, strict=False):
        if old_hash != new_hash:
            raise SweepError(
                f"{path} has changed since the sweep in {out} started (sha256 {old_hash[:12]} then, {new_hash[:12]} "
                "now); resuming would mix runs of both versions: restore the file, or start the sweep in another --out"
            )
    if len(before) != len(now):
        raise SweepError(
            f"the files the experiment reads have changed since the sweep in {out} started "
            f"({', '.join(p for p, _ in before)} then; {', '.join(p for p, _ in now)} now); "
            "restore them, or start the sweep in another --out"
        )


def _drop_unreadable(out: Path, loaded: LoadedExperiment) -> None:
    """Remove the run files that cannot be read (a full disk, a copy cut short), so they run again."""
    outputs = list(loaded.experiment.outputs)
    for run_id, path in sorted(run_files(out).items()):
        problem = run_file_problem(path, outputs, loaded.steps)
        if problem:
            path.unlink()
            status_file(out, run_id).unlink(missing_ok=True)
            log.warning("%s %s; it runs again", path, problem)


def _rewrite_missing_status(out: Path) -> None:
    """Write the status record of a finished run whose record a kill cut off (its file says it is done)."""
    records = status_records(out)
    for run_id in sorted(set(run_files(out)) - set(records)):
        record = {"run_id": run_id, "status": "done", "seconds": None, "note": "record rewritten on resume"}
        _atomic_write_bytes(status_file(out, run_id), (json.dumps(record) + "\n").encode())


def _record(out: Path, run_id: int, columns: Columns | None, error: str | None, seconds: float) -> None:
    if columns is not None:
        _atomic_parquet(columns, run_file(out, run_id))
    status = {"run_id": run_id, "status": "done" if error is None else "failed", "seconds": round(seconds, 4)}
    if error is not None:
        status["traceback"] = error
    _atomic_write_bytes(status_file(out, run_id), (json.dumps(status) + "\n").encode())


def _now() -> str:
    return _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")


def kind_of(loaded: LoadedExperiment) -> str:
    """The kind of results folder an experiment's runs make: ``robust`` with lever settings, else
    ``sweep`` (both in the sweep's layout, which ``laossim analyze`` reads)."""
    return "robust" if loaded.experiment.robust else "sweep"


def _manifest(loaded: LoadedExperiment, digest: str, executor: str, runs: int, stack: bool) -> dict[str, Any]:
    exp = loaded.experiment
    robust = {"levers": exp.levers, "thresholds": exp.thresholds, "tolerances": exp.tolerances} if exp.robust else {}
    return manifest.compose(
        kind_of(loaded),
        experiment=exp.experiment,
        inputs=[{"path": p, "sha256": h} for p, h in loaded.files],
        root_seed=loaded.root_seed,
        design=exp.design.model_dump(mode="json"),
        vary={
            k: (v.model_dump(mode="json", by_alias=True) if hasattr(v, "model_dump") else v)
            for k, v in exp.sampled.items()
        },
        **robust,
        replications=exp.replications,
        steps=loaded.steps,
        outputs=list(exp.outputs),
        runs=runs,
        unstacked_runs=unstacked_runs(loaded, runs) if stack else runs,
        design_sha256=digest,
        executor=executor,
        started=_now(),
        experiment_definition=exp.model_dump(mode="json", by_alias=True),
        resolved_scenario=loaded.scenario.model_dump(mode="json"),
    )
