"""Make ``mme_exercises_16_1980_2010.csv`` from the shared Multinational Military Exercises file.

``python data/extract_mme_16.py [SOURCE]`` keeps four columns of every exercise with at least one
of the sixteen states (``mmeid``, ``start_year``, ``n_participants``, ``participants_in16_iso3``),
every cell exactly as the source writes it (read as text), in the source's order. SOURCE defaults
to ``../shared/data/mme_exercises_with16.csv`` beside the repository. Nothing is typed in: rerun
it to remake the file, and the tests compare the two when the source is there.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
SOURCE = HERE.parent.parent / "shared" / "data" / "mme_exercises_with16.csv"
TARGET = HERE / "mme_exercises_16_1980_2010.csv"
COLUMNS = ["mmeid", "start_year", "n_participants", "participants_in16_iso3"]


def extract(source: Path) -> pd.DataFrame:
    """The four columns of ``source``, every cell as text."""
    return pd.read_csv(source, dtype=str, keep_default_na=False)[COLUMNS]


def main(argv: list[str]) -> None:
    source = Path(argv[0]) if argv else SOURCE
    extract(source).to_csv(TARGET, index=False, lineterminator="\n")
    print(f"wrote {TARGET.name} from {source}")


if __name__ == "__main__":
    main(sys.argv[1:])
