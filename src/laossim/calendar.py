"""Calendar labels for steps: one step is one period of the scenario's time unit.

Step 0 is the initial state, labelled with the period before ``start``; step
t >= 1 is the t-th simulated period, labelled ``start + (t - 1)``. So with
``start: 2025-Q1`` step 1 is ``2025-Q1`` and step 4 is ``2025-Q4``.
"""

from __future__ import annotations

import re
from enum import StrEnum


class TimeUnit(StrEnum):
    """Length of one step."""

    quarter = "quarter"
    month = "month"
    year = "year"

    @property
    def steps_per_year(self) -> int:
        return {"quarter": 4, "month": 12, "year": 1}[self.value]

    @property
    def example(self) -> str:
        return {"quarter": "2025-Q1", "month": "2025-01", "year": "2025"}[self.value]


_PATTERNS = {
    TimeUnit.quarter: re.compile(r"^(\d{4})-Q([1-4])$"),
    TimeUnit.month: re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$"),
    TimeUnit.year: re.compile(r"^(\d{4})$"),
}


def parse_period(label: object, unit: TimeUnit) -> int:
    """Period index (periods since year 0) of a label such as ``2025-Q3``.

    Raises:
        ValueError: when the label does not match the time unit.
    """
    match = _PATTERNS[unit].match(str(label).strip())
    if not match:
        raise ValueError(f"a {unit.value} label like {unit.example}")
    year = int(match.group(1))
    sub = int(match.group(2)) - 1 if unit is not TimeUnit.year else 0
    return year * unit.steps_per_year + sub


def format_period(index: int, unit: TimeUnit) -> str:
    """The label of a period index, inverse of :func:`parse_period`."""
    year, sub = divmod(index, unit.steps_per_year)
    if unit is TimeUnit.quarter:
        return f"{year}-Q{sub + 1}"
    if unit is TimeUnit.month:
        return f"{year}-{sub + 1:02d}"
    return f"{year}"


def step_label(start: str, unit: TimeUnit, step: int) -> str:
    """Calendar label of a step (see the module docstring for the convention)."""
    return format_period(parse_period(start, unit) + step - 1, unit)


def step_of(label: str, start: str, unit: TimeUnit) -> int:
    """The step whose period is ``label``: inverse of :func:`step_label`."""
    return parse_period(label, unit) - parse_period(start, unit) + 1
