"""Make ``unga_ideal_points_16_1990_2023.csv`` from the shared all-states file.

``python data/extract_unga_16.py [SOURCE]`` keeps the rows of the sixteen states of the
backtest, every column and every cell exactly as the source writes it (read as text, so
no number is re-formatted), in the source's order. SOURCE defaults to
``../shared/data/unga_ideal_points_all_1990_2023.csv`` beside the repository. Nothing is
typed in: rerun it to remake the file, and the tests compare the two when the source is there.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from laossim.backtest.ideal_points import STATES

HERE = Path(__file__).resolve().parent
SOURCE = HERE.parent.parent / "shared" / "data" / "unga_ideal_points_all_1990_2023.csv"
TARGET = HERE / "unga_ideal_points_16_1990_2023.csv"


def extract(source: Path) -> pd.DataFrame:
    """The sixteen states' rows of ``source``, every cell as text."""
    frame = pd.read_csv(source, dtype=str, keep_default_na=False)
    return frame[frame.iso3c.isin(STATES)]


def main(argv: list[str]) -> None:
    source = Path(argv[0]) if argv else SOURCE
    extract(source).to_csv(TARGET, index=False, lineterminator="\n")
    print(f"wrote {TARGET.name} from {source}")


if __name__ == "__main__":
    main(sys.argv[1:])
