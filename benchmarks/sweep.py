"""Sweep-layer throughput against Mesa's batch_run: ``python benchmarks/sweep.py [--memory]``.

Prints one table of ratios measured in the same run (the machines are noisy):
a short sweep (40 runs x 40 steps), the same varying a coefficient instead
of a state's figure (a parameter-varying design), and a long one (8 runs x
240 steps, over 0.2 s a run) through ``laossim sweep`` and
``mesa.batch_run`` on the same model class, runs, steps and per-step data,
both with two processes; the first runs of the shipped Sobol experiment with
stacking off and on; the
short sweep again without the model's runs, which the two share (what is
left is start-up, scenario loading and row handling), and batch_run against
laossim's runs alone (the ratio a sweep layer costing nothing would reach);
two workers against one; the sweep layer's overhead per run and its
start-up; and, with ``--memory``, the parent's peak memory for 2,000 and
10,000 one-step runs.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import mesa
import numpy as np

import laossim
from laossim.experiment.sweep import sweep
from laossim.metrics import COLUMNS

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "scenarios" / "laos_baseline.yaml"
LONG_STEPS = 240
"""Steps of a long sweep's runs: enough that a run takes over 0.2 s even in the stacks of two
runs a long sweep makes (the targets are for runs of 0.2 s or more; the table shows the figure)."""


SOBOL = ROOT / "experiments" / "stability_drivers_sobol.yaml"
SOBOL_RUNS = 480
"""The first runs of the shipped Sobol design timed with stacking off and on (about a minute)."""
AUTONOMY = "states.LAO.autonomy"
RESPONSIVENESS = "parameters.alignment.responsiveness"
"""What the two short sweeps vary: a state's figure, and a coefficient of the model."""


def values(points: int) -> list[float]:
    return [round(float(v), 6) for v in np.linspace(0.1, 0.9, points)]


def experiment(
    folder: Path,
    name: str,
    points: int,
    steps: int,
    scenario: Path = BASELINE,
    replications: int = 1,
    varied: str = AUTONOMY,
) -> Path:
    """``points`` values of ``varied`` (Laos's autonomy unless told) times ``replications``,
    recording every score and component at every step: the per-step data of LaosModel's
    DataCollector, which batch_run collects. (Loading checks each listed value once: the overhead
    and memory sweeps list few and replicate, so their per-run figures are dispatch and writing,
    as the issue defines.)"""
    listed = ", ".join(f"{v:.6f}" for v in values(points))
    path = folder / f"{name}.yaml"
    path.write_text(f"""format_version: 1
experiment: {name}
scenario: {scenario}
replications: {replications}
steps: {steps}
design: {{method: grid}}
vary:
  {varied}: [{listed}]
outputs: [{", ".join(COLUMNS)}]
""")
    return path


def time_sweep(
    path: Path, folder: Path, workers: int, executor: str = "process", stack: bool = True, limit: int | None = None
) -> float:
    out = sweep_folder(path, folder, workers, executor, stack)
    start = time.perf_counter()
    sweep(path, out, executor=executor, workers=workers, progress=False, stack=stack, limit=limit)
    return time.perf_counter() - start


def sweep_folder(path: Path, folder: Path, workers: int, executor: str = "process", stack: bool = True) -> Path:
    return folder / f"out-{path.stem}-{executor}-{workers}{'' if stack else '-unstacked'}"


def run_seconds(out: Path) -> float:
    """Seconds the runs of a finished sweep took, summed over runs (from their status records)."""
    return sum(json.loads(p.read_text())["seconds"] for p in (out / "status").glob("*.json"))


def time_batch_run(runs: int, steps: int, varied: str = AUTONOMY) -> float:
    start = time.perf_counter()
    mesa.batch_run(
        laossim.LaosModel,
        parameters={"spec": [str(BASELINE)], varied: values(runs)},
        number_processes=2,
        max_steps=steps,
        data_collection_period=1,
        display_progress=False,
    )
    return time.perf_counter() - start


def unexplained(folder: Path, runs: int, repeats: int = 3) -> float:
    """Seconds of a serial sweep of ``runs`` one-step runs spent outside the runs themselves
    (the least of ``repeats`` sweeps: what the machine's noise adds is never negative)."""
    path = experiment(folder, f"overhead{runs}", 4, 1, ROOT / "scenarios" / "teaching_minimal.yaml", runs // 4)
    seconds = []
    for k in range(repeats):
        out = folder / f"overhead{runs}-{k}"
        start = time.perf_counter()
        sweep(path, out, executor="serial", progress=False)
        seconds.append(time.perf_counter() - start - run_seconds(out))
    return min(seconds)


def overhead(folder: Path, small: int = 100, large: int = 400) -> tuple[float, float]:
    """(milliseconds per run, start-up seconds) of the sweep layer: dispatch and writing per run
    is the slope of the unexplained time between a small and a large serial sweep."""
    few, many = unexplained(folder, small), unexplained(folder, large)
    per_run = (many - few) / (large - small)
    return per_run * 1000, few - small * per_run


def pool_startup() -> float:
    """Seconds for a fresh process to run a two-run sweep on a new two-worker pool, minus the runs."""
    code = (
        "import json, sys, tempfile, time, pathlib; sys.path.insert(0, 'benchmarks'); import sweep as b;"
        "from laossim.experiment.sweep import sweep;"
        "d = pathlib.Path(tempfile.mkdtemp());"
        "p = b.experiment(d, 'start', 2, 1, b.ROOT / 'scenarios' / 'teaching_minimal.yaml');"
        "t = time.perf_counter(); sweep(p, d / 'out', workers=2, progress=False); t = time.perf_counter() - t;"
        "print(t - max(json.loads(f.read_text())['seconds'] for f in (d / 'out' / 'status').glob('*.json')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    return float(out.stdout.strip().splitlines()[-1])


def command_startup(folder: Path, repeats: int = 3) -> float:
    """Median extra seconds of the whole ``laossim sweep`` command on a new two-process pool over
    the same command run serially (two one-step runs): the pool's start-up as a user meets it."""
    path = experiment(folder, "command", 2, 1, ROOT / "scenarios" / "teaching_minimal.yaml")
    extra = []
    for k in range(repeats):
        seconds = {}
        for executor in ("serial", "process"):
            out = str(folder / f"command-{executor}-{k}")
            command = [sys.executable, "-m", "laossim", "sweep", str(path), "--executor", executor, "--workers", "2"]
            start = time.perf_counter()
            subprocess.run([*command, "--out", out], capture_output=True, check=True)
            seconds[executor] = time.perf_counter() - start
        extra.append(seconds["process"] - seconds["serial"])
    return float(np.median(extra))


def memory(runs: int) -> float:
    """Peak resident MB of a separate process running a serial sweep of ``runs`` one-step runs."""
    code = (
        "import resource, sys, tempfile, pathlib; sys.path.insert(0, 'benchmarks'); import sweep as b;"
        "from laossim.experiment.sweep import sweep;"
        "d = pathlib.Path(tempfile.mkdtemp());"
        f"p = b.experiment(d, 'mem', 4, 1, b.ROOT / 'scenarios' / 'teaching_minimal.yaml', {runs // 4});"
        "sweep(p, d / 'out', executor='serial', progress=False);"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    return float(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--memory", action="store_true", help="also measure 2,000- and 10,000-run sweeps (minutes)")
    args = parser.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        short = experiment(folder, "short", 40, 40)
        long = experiment(folder, "long", 8, LONG_STEPS)
        s_ours, s_mesa = time_sweep(short, folder, 2), time_batch_run(40, 40)
        rows.append(
            (
                "short sweep 40 x 40 steps, 2 processes: batch_run / laossim",
                s_mesa / s_ours,
                ">= 3",
                f"{s_mesa:.1f} s / {s_ours:.1f} s",
            )
        )
        model = run_seconds(sweep_folder(short, folder, 2)) / 2  # the same model steps, on two processes
        rows.append(
            (
                "  short sweep, time outside the model's runs: batch_run / laossim",
                (s_mesa - model) / (s_ours - model),
                "(diagnostic)",
                f"{s_mesa - model:.1f} s / {s_ours - model:.1f} s: totals minus {model:.1f} s of runs",
            )
        )
        rows.append(
            (
                "  short sweep, batch_run / laossim's runs alone (the most a free sweep layer could reach)",
                s_mesa / model,
                "(diagnostic)",
                f"{s_mesa:.1f} s / {model:.1f} s",
            )
        )
        varying = experiment(folder, "coefficient", 40, 40, varied=RESPONSIVENESS)
        p_ours, p_mesa = time_sweep(varying, folder, 2), time_batch_run(40, 40, RESPONSIVENESS)
        rows.append(
            (
                f"short sweep varying {RESPONSIVENESS}: batch_run / laossim",
                p_mesa / p_ours,
                ">= 4",
                f"{p_mesa:.1f} s / {p_ours:.1f} s",
            )
        )
        off = time_sweep(SOBOL, folder, 2, stack=False, limit=SOBOL_RUNS)
        on = time_sweep(SOBOL, folder, 2, limit=SOBOL_RUNS)
        rows.append(
            (
                f"shipped Sobol experiment, first {SOBOL_RUNS} runs: stacking off / on",
                off / on,
                ">= 4",
                f"{off:.1f} s / {on:.1f} s",
            )
        )
        l_ours, l_mesa = time_sweep(long, folder, 2), time_batch_run(8, LONG_STEPS)
        rows.append(
            (
                f"long sweep 8 x {LONG_STEPS} steps, 2 processes: batch_run / laossim",
                l_mesa / l_ours,
                ">= 1 (not slower)",
                f"{l_mesa:.1f} s / {l_ours:.1f} s; {run_seconds(sweep_folder(long, folder, 2)) / 8:.2f} s a run",
            )
        )
        one = time_sweep(long, folder, 1)
        rows.append(("long sweep: 1 worker / 2 workers", one / l_ours, ">= 1.6", f"{one:.1f} s / {l_ours:.1f} s"))
        per_run, startup = overhead(folder)
        rows.append(("sweep-layer overhead per run (serial, ms)", per_run, "<= 2", "slope, 100 to 400 runs, min of 3"))
        rows.append(("sweep start-up, serial (s)", startup, "<= 1", "load, design, manifest"))
        rows.append(
            ("sweep start-up, new 2-process pool (s)", pool_startup(), "<= 1", "from sweep(), fresh interpreter")
        )
        rows.append(
            ("laossim sweep command, 2-process pool minus serial (s)", command_startup(folder), "<= 1", "median of 3")
        )
    if args.memory:
        small, large = memory(2000), memory(10_000)
        rows.append(("peak MB, 2,000-run sweep", small, "< 400", ""))
        rows.append(("peak MB, 10,000-run sweep", large, "< 400, flat", f"ratio {large / small:.2f}"))
    print(f"laossim {laossim.__version__}, Mesa {mesa.__version__}, Python {sys.version.split()[0]}")
    width = max(len(r[0]) for r in rows)
    print(f"{'measure':<{width}}  {'value':>8}  {'target':<18} detail")
    for name, value, target, detail in rows:
        print(f"{name:<{width}}  {value:>8.2f}  {target:<18} {detail}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
