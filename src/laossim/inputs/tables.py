"""Data tables read and checked: every bad cell of a CSV reported with its file, line and column,
never as a traceback (the calibration data, the defence-budget data)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from laossim.errors import Problem, ScenarioError


def read_checked(
    path: str | Path, columns: dict[str, type], bounds: dict[str, tuple[float, float]] | None = None
) -> pd.DataFrame:
    """A CSV with the named columns, each cell of the right type, and each column named in
    ``bounds`` within its (low, high).

    Raises:
        ScenarioError: every problem, as ``FILE:LINE: column: ...`` (an unreadable file, a missing
        column, a cell that is not a number of the column's kind or lies outside its bounds).
    """
    path, bounds = Path(path), bounds or {}
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
        low, high = bounds.get(name, (-float("inf"), float("inf")))
        bad = values.isna() | (values < low) | (values > high)
        if kind is int:
            bad |= values.notna() & (values != values.round())
        for row in frame.index[bad]:
            expected = "a whole number" if kind is int else "a number"
            if (low, high) == (0.0, 1.0):
                expected = "a share from 0 to 1"
            elif name in bounds:
                expected += f" from {low:g} to {high:g}"
            problems.append(
                Problem(str(path), int(row) + 2, name, "not a valid value", expected, repr(frame.at[row, name]))
            )
        out[name] = values
    if problems:
        raise ScenarioError(problems)
    return out.astype(columns)
