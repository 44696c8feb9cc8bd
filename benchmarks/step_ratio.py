"""The baseline step against an earlier commit's: ``python benchmarks/step_ratio.py [--against REV]``.

Issue 16 holds the step of the defence establishment to 1.5 times the re-layered model's
(commit 4f7dede, the default). The earlier commit's ``src``, ``scenarios`` and ``data`` (which the
package links to) are exported with ``git archive`` into a temporary folder; each side then runs in
its own process, in alternating rounds, 80 steps of its own baseline scenario (the step time
alone, in CPU time of the process, so other work on the machine moves it little), the median of
``--runs`` runs. Prints each round's medians and their ratio, the same ratio for 64 replications
run in stacks of worlds, and each mechanism's share of a step (and the scores'), timed inside the
step on both sides. Compare the ratios, measured in one run, never the
absolute times across machines.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

TIMING = """
import statistics, sys, time
import laossim
scenario = laossim.load_scenario(sys.argv[1])
def step_time():
    model = laossim.LaosModel(scenario, steps=80)
    start = time.process_time()
    model.run()
    return (time.process_time() - start) / 80
step_time()
print(statistics.median(step_time() for _ in range(int(sys.argv[2]))))
"""


PARTS = """
import collections, dataclasses, sys, time
import laossim
from laossim import metrics
scenario = laossim.load_scenario(sys.argv[1])
spent = collections.Counter()
def timed(name, step):
    def run(*args, **kwargs):
        start = time.process_time()
        out = step(*args, **kwargs)
        spent[name] += time.process_time() - start
        return out
    return run
metrics.scores = timed("scores", metrics.scores)
runs = int(sys.argv[2])
for _ in range(runs):
    model = laossim.LaosModel(scenario, steps=80)
    model.mechanisms = tuple(dataclasses.replace(m, step=timed(m.name, m.step)) for m in model.mechanisms)
    model.run()
for name, seconds in spent.items():
    print(name, seconds / (80 * runs))
"""


STACKED = """
import sys, time
import laossim
scenario = laossim.load_scenario(sys.argv[1])
laossim.run(scenario, replications=4, steps=8)
best = []
for _ in range(3):
    start = time.process_time()
    laossim.run(scenario, replications=64, steps=80)
    best.append(time.process_time() - start)
print(min(best) / (64 * 80))
"""


def export(rev: str, into: Path) -> Path:
    """The commit's ``src``, ``scenarios`` and ``data``, unpacked into ``into``."""
    archive = into / "tree.tar"
    paths = [p for p in ("src", "scenarios", "data") if _has(rev, p)]  # the package's data are a link to data/
    subprocess.run(["git", "-C", str(ROOT), "archive", "-o", str(archive), rev, *paths], check=True)
    with tarfile.open(archive) as tar:
        tar.extractall(into, filter="data")
    return into


def _has(rev: str, path: str) -> bool:
    found = subprocess.run(["git", "-C", str(ROOT), "cat-file", "-e", f"{rev}:{path}"], capture_output=True)
    return found.returncode == 0


def median_step(tree: Path, runs: int) -> float:
    """The median step time (s) of the tree's baseline, in a fresh process on the tree's code."""
    env = {**os.environ, "PYTHONPATH": str(tree / "src")}
    scenario = tree / "scenarios" / "laos_baseline.yaml"
    out = subprocess.run(
        [sys.executable, "-c", TIMING, str(scenario), str(runs)], env=env, check=True, capture_output=True, text=True
    )
    return float(out.stdout.split()[-1])


def stacked(tree: Path) -> float:
    """The time (s) per run and step of 64 replications of the tree's baseline, run as ``laossim run``
    runs them, in stacks of worlds (the best of three)."""
    env = {**os.environ, "PYTHONPATH": str(tree / "src")}
    scenario = tree / "scenarios" / "laos_baseline.yaml"
    out = subprocess.run(
        [sys.executable, "-c", STACKED, str(scenario)], env=env, check=True, capture_output=True, text=True
    )
    return float(out.stdout.split()[-1])


def parts(tree: Path, runs: int) -> dict[str, float]:
    """Each mechanism's time (s) a step, and the scores', inside the tree's baseline steps."""
    env = {**os.environ, "PYTHONPATH": str(tree / "src")}
    scenario = tree / "scenarios" / "laos_baseline.yaml"
    out = subprocess.run(
        [sys.executable, "-c", PARTS, str(scenario), str(runs)], env=env, check=True, capture_output=True, text=True
    )
    return {name: float(seconds) for name, seconds in (line.split() for line in out.stdout.splitlines())}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", default="4f7dede", help="the earlier commit (default: the re-layered model)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--runs", type=int, default=20, help="runs of 80 steps per side and round")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        earlier = export(args.against, Path(tmp))
        rows = []
        for r in range(1, args.rounds + 1):
            before = median_step(earlier, args.runs)
            now = median_step(ROOT, args.runs)
            rows.append((r, before, now))
        split = parts(earlier, args.runs), parts(ROOT, args.runs)
        stacks = stacked(earlier), stacked(ROOT)
    print(f"baseline step, 80 steps, median of {args.runs} runs per side and round (CPU time)")
    print(f"{'round':>5}  {args.against:>10}  {'this tree':>10}  ratio")
    for r, before, now in rows:
        print(f"{r:>5}  {before * 1e6:>8.0f} us  {now * 1e6:>7.0f} us  {now / before:.2f}")
    ratios = [now / before for _, before, now in rows]
    print(f"ratio {min(ratios):.2f}-{max(ratios):.2f} (target: at most 1.5)")
    print(
        f"in stacks (64 replications, as laossim run): {stacks[0] * 1e6:.0f} us against {stacks[1] * 1e6:.0f} us "
        f"per run and step, ratio {stacks[1] / stacks[0]:.2f}"
    )
    print()
    print("inside a step (us): each mechanism and the scores")
    names = sorted(split[0].keys() | split[1].keys(), key=lambda n: -split[1].get(n, 0.0))
    print(f"{'part':<12}  {args.against:>8}  {'this tree':>9}")
    for name in names:
        before, now = (f"{side[name] * 1e6:.0f}" if name in side else "-" for side in split)
        print(f"{name:<12}  {before:>8}  {now:>9}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
