"""The two calibration files in ``data/``, read and checked: every bad cell is reported with
its file, line and column, never as a traceback."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from laossim.errors import Problem, ScenarioError

DATA = Path(__file__).resolve().parents[1] / "data"
"""The calibration data, shipped inside the package (a link to the repository's ``data/``)."""
CINC_FILE = DATA / "cow_nmc6_asia_2000_2016.csv"
UNGA_FILE = DATA / "unga_ideal_points_asia_2000_2023.csv"

CINC_COLUMNS = {"iso3": str, "year": int, "cinc": float}
UNGA_COLUMNS = {"iso3c": str, "year": int, "agree_usa": float, "agree_china": float, "agree_russia": float}


def read_checked(path: str | Path, columns: dict[str, type]) -> pd.DataFrame:
    """A CSV with the named columns, each cell of the right type (shares in [0, 1]); raises
    :class:`ScenarioError` listing every problem as ``FILE:LINE: column: ...``."""
    path = Path(path)
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise ScenarioError([Problem(str(path), None, "", f"cannot read the file: {exc}")]) from None
    problems = [
        Problem(
            str(path), 1, name, "missing column", f"a header with {', '.join(columns)}", hint="check the header row"
        )
        for name in columns
        if name not in frame.columns
    ]
    if problems:
        raise ScenarioError(problems)
    out = frame[list(columns)].copy()
    for name, kind in columns.items():
        if kind is str:
            continue
        values = pd.to_numeric(frame[name], errors="coerce")
        bad = values.isna() | ((values < 0) | (values > 1) if name.startswith(("agree", "cinc")) else False)
        for row in frame.index[bad]:
            expected = "a share from 0 to 1" if name.startswith(("agree", "cinc")) else "a whole number"
            problems.append(
                Problem(str(path), int(row) + 2, name, "not a valid value", expected, repr(frame.at[row, name]))
            )
        out[name] = values
    if problems:
        raise ScenarioError(problems)
    return out.astype(columns)


def cinc(path: str | Path = CINC_FILE) -> pd.DataFrame:
    """COW National Material Capabilities v6.0 excerpt: columns iso3, year, cinc."""
    return read_checked(path, CINC_COLUMNS)


def unga(path: str | Path = UNGA_FILE) -> pd.DataFrame:
    """UNGA voting (Bailey, Strezhnev and Voeten, June 2024 release): iso3c, year and agreements."""
    return read_checked(path, UNGA_COLUMNS)
