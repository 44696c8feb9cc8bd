"""``laossim robust``: run a robust experiment's lever settings over its sampled futures, then
say which setting holds up (issue 17, items 1 and 2).

The runs are a sweep (:func:`laossim.experiment.sweep.sweep`: stacks of worlds, any executor,
crash-safe, resumable, with progress), into a folder of the sweep's layout whose manifest says
``robust``. When every run is done, the outputs without a tolerance in the experiment file get
their minimal important difference, measured once by :mod:`laossim.importance`'s rule and kept
in ``mids.csv`` (a resumed or repeated analysis reuses it), and the analysis of
:mod:`laossim.robust_analysis` writes the tables and plots from the saved runs.

Folder rules: an absent or empty ``out`` is written; ``resume`` continues the robust run in it;
``force`` replaces a laossim results folder, once the new one is complete (it is built beside
it under a temporary name); a folder of other files is never touched.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from laossim import importance
from laossim.errors import UsageError
from laossim.experiment.load import LoadedExperiment, load_experiment
from laossim.experiment.sweep import SweepError, SweepSummary, sweep
from laossim.folders import LOCK, atomic_folder, check_folder, write_file
from laossim.robust_analysis import analyse


@dataclass(frozen=True)
class RobustSummary:
    """What a robust run did: its sweep, and its tables (None until every run is done)."""

    out: Path
    sweep: SweepSummary
    tables: dict[str, pd.DataFrame] | None


def robust(
    experiment: str | Path | LoadedExperiment,
    out: str | Path,
    *,
    executor: str = "process",
    workers: int | None = None,
    resume: bool = False,
    force: bool = False,
    progress: bool = True,
    limit: int | None = None,
    mid_replications: int = importance.MID_REPLICATIONS,
) -> RobustSummary:
    """Run a robust experiment into ``out`` and analyse it once every run is done.

    Args:
        experiment: an experiment file with ``levers:`` and ``uncertainties:``, or one loaded.
        out: the robust folder.
        executor, workers, limit: as :func:`laossim.experiment.sweep.sweep` takes them.
        resume: continue the robust run in ``out``, skipping its finished runs.
        force: replace the laossim results folder at ``out`` (never a folder of other files).
        mid_replications: replications of each run the MIDs are measured from.

    Raises:
        UsageError: the experiment declares no levers, or ``resume`` and ``force`` together.
        laossim.errors.ResultsExistError, SweepError: ``out`` may not be written (before any run).
        SweepInterrupted: Ctrl-C or SIGTERM; finished runs are kept (not with ``force``, whose
            half-built replacement is removed and the old folder left as it was).
    """
    loaded = experiment if isinstance(experiment, LoadedExperiment) else load_experiment(experiment)
    if not loaded.experiment.robust:
        raise UsageError(
            f"{loaded.path} declares no levers: laossim sweep runs it; laossim robust takes an experiment "
            "with levers: and uncertainties:"
        )
    if resume and force:
        raise UsageError("--resume continues the robust run in --out and --force replaces it: give one")
    out = Path(out)
    inputs = [path for path, _ in loaded.files]
    with _destination(out, inputs, resume, force) as folder:
        summary = sweep(
            loaded, folder, executor=executor, workers=workers, resume=resume, progress=progress, limit=limit
        )
        if summary.done + summary.skipped < summary.runs:
            tables = None  # failed or not yet run: the metrics need every pair
        else:
            _measure_mids(loaded, folder, mid_replications, progress)
            tables = analyse(folder)
    return RobustSummary(out, summary, tables)


@contextmanager
def _destination(out: Path, inputs: list[str], resume: bool, force: bool) -> Iterator[Path]:
    """The folder to run in: ``out`` itself, or with ``force`` over a results folder a temporary
    folder renamed onto it when the block ends."""
    occupied = out.is_dir() and any(p.name != LOCK for p in out.iterdir())
    if not occupied:
        check_folder(out, inputs=inputs)  # refuses a file, a link, the current directory, an input's folder
        yield out
        return
    check_folder(out, inputs=inputs, force=True)  # refuses a folder of other files, or one in use
    if resume:
        yield out
    elif force:
        with atomic_folder(out, replace=True) as tmp:
            yield tmp
    else:
        raise SweepError(
            f"{out} already holds a laossim folder; pass --resume to continue the robust run in it, --force to "
            "replace it, or choose another --out"
        )


def _measure_mids(loaded: LoadedExperiment, folder: Path, replications: int, progress: bool) -> None:
    """Write ``mids.csv`` with the MIDs of the outputs the experiment gives no tolerance for
    (unless it is there already, from this folder's first analysis)."""
    exp = loaded.experiment
    wanted = [output for output in exp.outputs if output not in exp.tolerances]
    target = folder / "mids.csv"
    if not wanted or target.exists():
        return
    means = importance.mid_means(replications, progress=progress)
    found = importance.minimal_important_differences(means, wanted)
    rows = [
        (s, min(m[s] for m in means.values()), max(m[s] for m in means.values()), found[s], replications)
        for s in wanted
    ]
    frame = pd.DataFrame(rows, columns=["score", "lowest", "highest", "mid", "replications"])
    write_file(target, lambda tmp: frame.to_csv(tmp, index=False), make_folder=False)
