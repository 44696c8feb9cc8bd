"""The two calibration files in ``data/``, read and checked: every bad cell is reported with
its file, line and column, never as a traceback."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from laossim.inputs import tables

DATA = Path(__file__).resolve().parents[1] / "data"
"""The calibration data, shipped inside the package (a link to the repository's ``data/``)."""
CINC_FILE = DATA / "cow_nmc6_asia_2000_2016.csv"
UNGA_FILE = DATA / "unga_ideal_points_asia_2000_2023.csv"

CINC_COLUMNS = {"iso3": str, "year": int, "cinc": float}
UNGA_COLUMNS = {"iso3c": str, "year": int, "agree_usa": float, "agree_china": float, "agree_russia": float}


SHARES = {"agree_usa": (0.0, 1.0), "agree_china": (0.0, 1.0), "agree_russia": (0.0, 1.0), "cinc": (0.0, 1.0)}
"""The columns that are shares."""


def read_checked(path: str | Path, columns: dict[str, type]) -> pd.DataFrame:
    """A CSV with the named columns, each cell of the right type, the shares in [0, 1]
    (:func:`laossim.inputs.tables.read_checked`)."""
    return tables.read_checked(path, columns, {k: v for k, v in SHARES.items() if k in columns})


def cinc(path: str | Path = CINC_FILE) -> pd.DataFrame:
    """COW National Material Capabilities v6.0 excerpt: columns iso3, year, cinc."""
    return read_checked(path, CINC_COLUMNS)


def unga(path: str | Path = UNGA_FILE) -> pd.DataFrame:
    """UNGA voting (Bailey, Strezhnev and Voeten, June 2024 release): iso3c, year and agreements."""
    return read_checked(path, UNGA_COLUMNS)
