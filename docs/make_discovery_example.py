"""The worked example of docs/decisions.md (scenario discovery): ``python docs/make_discovery_example.py``.

It sweeps the shipped ``experiments/autonomy_lhs.yaml`` (40 Latin-hypercube points over Laos's
autonomy, responsiveness and threat sensitivity, 3 replications of 40 quarters: 120 runs, a few
seconds) and runs ``laossim discover`` on it twice, printing what each command prints and the
figures the doc quotes; it copies the plots of the first discovery to ``docs/images/``.
``--short`` leaves the images as they are (what the test suite runs: the same numbers, which it
finds in the doc).
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
from pathlib import Path

import pandas as pd

from laossim import results
from laossim.cli import main as laossim
from laossim.discovery import in_box

ROOT = Path(__file__).resolve().parents[1]
EXPERIMENT = ROOT / "experiments" / "autonomy_lhs.yaml"
IMAGES = ROOT / "docs" / "images"
AUTONOMY = "focal_autonomy >= 0.64"
SECURITY = "focal_security < 0.575"


def command(*args: str) -> None:
    """Run a laossim command in this process, printed as the doc's transcript shows it."""
    shown = [f'"{a}"' if " " in a else a for a in args]
    print("$ laossim " + " ".join(shown).replace(str(EXPERIMENT), "experiments/autonomy_lhs.yaml"))
    code = laossim(list(args))
    if code != 0:
        raise SystemExit(f"laossim {' '.join(args)} exited with {code}")


def example(short: bool) -> None:
    """Sweep, discover twice, print the figures (the current directory is a scratch folder)."""
    command("sweep", str(EXPERIMENT), "--out", "results/lhs", "--executor", "serial", "--quiet")
    table = results.load("results/lhs")
    print(
        f"focal_autonomy over the {len(table)} runs: {table.focal_autonomy.min():.3f} to "
        f"{table.focal_autonomy.max():.3f}, median {table.focal_autonomy.median():.3f}"
    )
    command("discover", "results/lhs", "--where", AUTONOMY, "--out", "results/autonomy", "--quiet")
    boxes = pd.read_csv("results/autonomy/boxes.csv", dtype={"values": str}).fillna({"values": ""})
    for row in boxes.itertuples(index=False):
        sides = [f"{side} {p:.2g}" for side, p in (("lower", row.qp_low), ("upper", row.qp_high)) if p == p]
        print(f"  {row.dimension}: quasi-p of its " + ", ".join(sides))
    cases = pd.read_csv("results/autonomy/cases.csv")
    alone = boxes[boxes.qp_low.fillna(1).lt(0.05) | boxes.qp_high.fillna(1).lt(0.05)]
    inside, hit = in_box(cases, alone), cases.of_interest.to_numpy()
    print(
        f"the box with only its significant restrictions ({', '.join(alone.dimension)}): {inside.sum()} runs, "
        f"coverage {(inside & hit).sum() / hit.sum():.3f}, density {(inside & hit).sum() / inside.sum():.3f}"
    )
    mixed = cases[cases.in_box].groupby("states.LAO.threat_sensitivity").of_interest.agg(["sum", "size"])
    mixed = mixed[mixed["sum"] < mixed["size"]]
    print(
        "design points in the box with runs not of interest: threat sensitivity "
        + ", ".join(f"{t:.3f} ({int(row['sum'])} of {int(row['size'])} runs)" for t, row in mixed.iterrows())
    )
    cart = pd.read_csv("results/autonomy/cart.csv")
    best = cart[cart.predicted].iloc[0]
    print(
        f"CART's densest leaf: {best.rule}: {best.runs} runs, coverage {best.coverage:.3f}, density {best.density:.3f}"
    )
    command("discover", "results/lhs", "--where", SECURITY, "--out", "results/security", "--quiet")
    below = (table.focal_security < float(SECURITY.split("<")[1])).groupby(table.replication).mean()
    print(f"share of runs with {SECURITY} by replication: " + ", ".join(f"{r}: {s:.3f}" for r, s in below.items()))
    spread = table.groupby("replication").focal_security.agg(["min", "max"])
    print(
        "focal_security by replication: "
        + "; ".join(f"{r}: {row['min']:.4f} to {row['max']:.4f}" for r, row in spread.iterrows())
    )
    if not short:
        for name in ("tradeoff", "box", "cart"):
            shutil.copyfile(Path("results/autonomy/plots") / f"{name}.png", IMAGES / f"discovery_{name}.png")
        print("plots copied to docs/images/discovery_*.png")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--short", action="store_true", help="leave docs/images as they are")
    short = parser.parse_args().short
    here = Path.cwd()
    with tempfile.TemporaryDirectory() as scratch:
        os.chdir(scratch)
        try:
            example(short)
        finally:
            os.chdir(here)


if __name__ == "__main__":
    main()
