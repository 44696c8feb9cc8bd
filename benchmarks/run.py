"""Speed and memory of the core engine: ``python benchmarks/run.py [--quick]``.

Prints one table: the baseline run (80 steps, one replication; median of
repeated runs), the time per step of synthetic worlds of 10 to 1,000 states,
the 1,000-state x 50-step run against its 10 s target, exact landscape
enumeration (every minimum and basin) for n = 16, 20 and 22 actors, and peak
memory.
Figures are wall-clock on whatever machine runs it: compare ratios measured
in the same run, not absolute numbers across machines.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
from pathlib import Path

import numpy as np

import laossim
from laossim import landscape

ROOT = Path(__file__).resolve().parents[1]


def timed(fn, repeats: int) -> list[float]:
    out = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def baseline_run(scenario: laossim.Scenario) -> None:
    model = laossim.LaosModel(scenario, steps=80)
    model.run()


def step_time(n: int, steps: int) -> float:
    model = laossim.LaosModel(laossim.synthetic_scenario(n, seed=1), steps=steps)
    start = time.perf_counter()
    model.run()
    return (time.perf_counter() - start) / steps


def whole_run(n: int, steps: int) -> float:
    start = time.perf_counter()
    model = laossim.LaosModel(laossim.synthetic_scenario(n, seed=1), steps=steps)
    model.run()
    return time.perf_counter() - start


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats and no 1,000-state run")
    args = parser.parse_args(argv)
    repeats = 3 if args.quick else 7
    rows: list[tuple[str, str, str]] = []

    scenario = laossim.load_scenario(ROOT / "scenarios" / "laos_baseline.yaml")
    baseline_run(scenario)  # warm-up: imports and caches
    times = timed(lambda: baseline_run(scenario), repeats)
    rows.append(
        ("baseline run, 80 steps x 1 replication (median)", f"{statistics.median(times):.3f} s", "well under 1 s")
    )
    sizes = (10, 50, 200) if args.quick else (10, 50, 200, 1000)
    for n in sizes:
        rows.append((f"step time, synthetic world of {n} states", f"{step_time(n, 10) * 1000:.1f} ms", ""))
    if not args.quick:
        total = whole_run(1000, 50)
        rows.append(("1,000 states x 50 steps (build + run)", f"{total:.2f} s", "within 10 s"))
    for n in (16, 20) if args.quick else (16, 20, 22):
        rng = np.random.default_rng(n)
        p = rng.uniform(-1, 1, (n, n))
        sizes = rng.uniform(0.1, 2.0, n)
        seconds = timed(lambda s=sizes, q=(p + p.T) / 2: landscape.minima(s, q), 1)[0]
        rows.append(
            (f"landscape: all minima and basins, n = {n} (2 coalitions)", f"{seconds:.2f} s", "a few seconds at n = 20")
        )
    rows.append(("peak memory (resident)", f"{peak_mb():.0f} MB", ""))

    width = max(len(r[0]) for r in rows)
    print(f"laossim {laossim.__version__}, Python {sys.version.split()[0]}")
    print(f"{'benchmark':<{width}}  {'result':>12}  target")
    print("-" * (width + 30))
    for name, value, target in rows:
        print(f"{name:<{width}}  {value:>12}  {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
