"""Regenerate the figures of docs/decisions.md ("Robustness"): ``python docs/make_decisions.py --images``.

Runs ``experiments/laos_hedge_or_concentrate.yaml`` with ``laossim robust`` (the library's
:func:`laossim.robust.robust`, on a process pool) into ``--out DIR`` (default a temporary folder;
a folder that already holds the finished robust run is read, not run again), prints the tables
the doc quotes (the criteria, each score's metrics with their 95% intervals, the ranking against
the MIDs) and the run's wall time; then runs ``laossim discover`` on it (where does a choice fall
short of the security threshold?) and prints its box; with ``--images`` it copies the robust
run's two plots and the discovery's box to ``docs/images/decisions_*.png``.
``--short`` (what CI's fast test runs): 4 futures, 2 replications of 8 steps and MIDs from one
replication, into a temporary folder, the images left alone: the same tables, not the doc's figures
(the discovery, on too few runs for its checks, asks where security falls below its median).
"""

from __future__ import annotations

import argparse
import dataclasses
import shutil
import tempfile
import time
from pathlib import Path

import pandas as pd

from laossim import results, vocab
from laossim.discovery import MIN_CASES, MIN_RUNS, discover, in_box
from laossim.experiment.load import LoadedExperiment, load_experiment
from laossim.robust import robust
from laossim.robust_analysis import analyse

ROOT = Path(__file__).resolve().parents[1]
EXPERIMENT = ROOT / "experiments" / "laos_hedge_or_concentrate.yaml"
IMAGES = ROOT / "docs" / "images"
SHOWN = ("mean", "p10", "p90", "mean_regret", "max_regret", "satisficing", "maximin", "domain")


def shortened(loaded: LoadedExperiment) -> LoadedExperiment:
    """The experiment in CI's short mode: 4 futures, 2 replications of 8 steps."""
    exp = loaded.experiment
    short = exp.model_copy(
        update={"replications": 2, "steps": 8, "design": exp.design.model_copy(update={"samples": 4})}
    )
    return dataclasses.replace(loaded, experiment=short)


def number(value: float, output: str) -> str:
    """A figure as the doc prints it: four decimals for a score, six for a capability share."""
    text = f"{value:.4f}" if output in vocab.COLUMNS else f"{value:.6f}"
    return text.lstrip("-") if float(text) == 0 else text  # no "-0.0000"


def interval(row: pd.Series, output: str) -> str:
    return f"{number(row.value, output)} [{number(row.ci_low, output)}, {number(row.ci_high, output)}]"


def print_tables(folder: Path) -> None:
    """The doc's tables, from the robust folder's written files."""
    criteria = pd.read_csv(folder / "criteria.csv")
    print("\n| score | satisficing threshold | from | domain tolerance | from |\n|---|---|---|---|---|")
    for row in criteria.itertuples():
        print(
            f"| {row.score} | {number(row.threshold, row.score)} | {row.threshold_source} | "
            f"{number(row.tolerance, row.score)} | {row.tolerance_source} |"
        )
    table = pd.read_csv(folder / "robustness.csv")
    for score, rows in table.groupby("score", sort=False):
        print(f"\n{score}: each metric with its 95% CI over the replications (paired bootstrap)\n")
        print("| setting | " + " | ".join(SHOWN) + " |")
        print("|---" * (len(SHOWN) + 1) + "|")
        for setting, mine in rows.groupby("setting", sort=False):
            cells = mine.set_index("metric")
            print(f"| {setting} | " + " | ".join(interval(cells.loc[m], score) for m in SHOWN) + " |")
    ranking = pd.read_csv(folder / "ranking.csv")
    print("\nPaired differences of the mean (setting minus other, 95% CI) against each score's tolerance:\n")
    print("| score | setting - other | difference [95% CI] | tolerance | verdict |\n|---|---|---|---|---|")
    for row in ranking.itertuples():
        cell = (
            f"{number(row.difference, row.score)} [{number(row.ci_low, row.score)}, {number(row.ci_high, row.score)}]"
        )
        print(f"| {row.score} | {row.setting} - {row.other} | {cell} | {number(row.mid, row.score)} | {row.verdict} |")
    mids = folder / "mids.csv"
    if mids.exists():
        print("\n| score | lowest | highest | MID |\n|---|---|---|---|")
        for row in pd.read_csv(mids).itertuples():
            print(f"| {row.score} | {row.lowest:.3f} | {row.highest:.3f} | {row.mid:.4f} |")


SHORTFALL = "focal_security < 0.6"
"""Where a choice falls short: the security threshold of the experiment file (satisficing)."""


def print_discovery(folder: Path, out: Path, short: bool) -> None:
    """Scenario discovery on the robust run: which settings and futures give security below the
    threshold, PRIM's box and the box of its significant restrictions only, as the doc quotes them."""
    where = SHORTFALL
    if short:  # 40 runs of 8 steps: below the discovery's minimums and far from the threshold
        where = f"focal_security < {results.load(folder).focal_security.median()}"
    found = discover(folder, where, out, min_runs=20 if short else MIN_RUNS, min_cases=3 if short else MIN_CASES)
    cases, boxes = found.cases, found.box
    hits = int(cases.of_interest.sum())
    print(f"\n{where}: holds in {hits} of {len(cases)} runs ({hits / len(cases):.0%})")
    print(f"PRIM's box: coverage {found.coverage:.3f}, density {found.density:.3f}\n")
    print("| input | box | stability | quasi-p |\n|---|---|---|---|")
    for row in boxes[boxes.restricted].itertuples(index=False):
        span = "{" + row.values.replace("|", ", ") + "}" if row.values else f"{row.low:.3f} to {row.high:.3f}"
        p = min(v for v in (row.qp_low, row.qp_high) if v == v)
        print(f"| {row.dimension} | {span} | {row.stability:.0%} | {p:.2g} |")
    strong = boxes[boxes.restricted & (boxes.qp_low.fillna(1).lt(0.05) | boxes.qp_high.fillna(1).lt(0.05))]
    inside, hit = in_box(cases, strong), cases.of_interest.to_numpy()
    print(
        f"\nthe box with only its significant restrictions ({', '.join(strong.dimension)}): {inside.sum()} runs, "
        f"coverage {(inside & hit).sum() / hit.sum():.3f}, density {(inside & hit).sum() / max(inside.sum(), 1):.3f}"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--short", action="store_true", help="CI's short mode (not the doc's figures)")
    parser.add_argument("--out", help="the robust folder (default a temporary folder)")
    parser.add_argument("--workers", type=int, default=2, help="worker processes (the doc's time: 2)")
    parser.add_argument("--images", action="store_true", help="copy the plots to docs/images/decisions_*.png")
    args = parser.parse_args(argv)
    loaded = load_experiment(EXPERIMENT)
    if args.short:
        loaded = shortened(loaded)
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(args.out) if args.out else Path(scratch) / "robust"
        started = time.perf_counter()
        if (folder / "robustness.csv").exists() and not args.short:
            analyse(folder)  # a finished run: its tables again, from its saved runs
            print(f"read the finished robust run in {folder}")
        else:
            summary = robust(
                loaded, folder, workers=args.workers, progress=False, mid_replications=1 if args.short else 10
            )
            print(
                f"{summary.sweep.runs} runs and the analysis in {time.perf_counter() - started:.0f} s "
                f"on {args.workers} worker processes"
            )
        print_tables(folder)
        where = Path(scratch) / "shortfall"
        print_discovery(folder, where, args.short)
        if args.images and not args.short:
            for name in ("regret", "tradeoff"):
                shutil.copyfile(folder / "plots" / f"{name}.png", IMAGES / f"decisions_{name}.png")
            shutil.copyfile(where / "plots" / "box.png", IMAGES / "decisions_shortfall_box.png")


if __name__ == "__main__":
    main()
