"""Arms transfers from the data: each state's arms suppliers before a scenario's start year.

One SIPRI table ships with the package (``data/sipri_arms_tiv_dyadic_to16.csv``, see its README
for source and terms): deliveries of major conventional arms by supplier and year to each of the
sixteen states, 1990-2021, in SIPRI's trend-indicator values (TIV, millions; a volume of military
resources, not a price). For a scenario starting in year Y the initial arms-supplier ties
(:mod:`laossim.mechanisms.arms`) are each recipient's TIV by supplier over the :data:`WINDOW` years
before Y (Y - 10 to Y - 1, as far as the table goes), over the scenario's states only, as shares
that sum to 1; nothing from Y on is read. The Soviet Union (SIPRI's ``SUN``, deliveries to 1991)
counts as Russia (:data:`SUCCESSORS`): Russia is its continuing state and its arms industry's
main successor, and its spares, doctrine and training are what a buyer of Soviet arms stays
locked into. Suppliers outside the scenario (Ukraine's 26 TIV m to Laos in 1990-1999, for one)
are left out, and the shares are over the rest.

A state is an **arms exporter** of a scenario when the table holds a delivery of it in that window
(to any of the sixteen): only exporters are bought from.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from laossim.inputs.tables import read_checked

DATA = Path(__file__).resolve().parents[1] / "data"
ARMS_FILE = DATA / "sipri_arms_tiv_dyadic_to16.csv"

WINDOW = 10
"""Years before the start year whose deliveries make the initial ties and the exporters."""

SUCCESSORS: dict[str, str] = {"SUN": "RUS"}
"""Suppliers of the table counted as another: the Soviet Union as Russia."""


@lru_cache(maxsize=1)
def deliveries() -> pd.DataFrame:
    """The table, read and checked (FILE:LINE errors): recipient, supplier (successors mapped),
    year, TIV m."""
    frame = read_checked(
        ARMS_FILE,
        {"recipient_iso3": str, "supplier_iso3": str, "year": int, "tiv_musd": float},
        {"tiv_musd": (0, 1e6), "year": (1900, 2100)},
    )
    frame = frame.assign(supplier_iso3=frame.supplier_iso3.replace(SUCCESSORS))
    return frame[frame.supplier_iso3.str.len() == 3]  # "Unknown supplier(s)" and the like have no code


def tiv(year: int, ids: tuple[str, ...]) -> np.ndarray:
    """(N, N): TIV m delivered to state i (row) by state j (column) in the :data:`WINDOW` years
    before ``year``, summed in the table's order (0 for states outside the table). A copy of the
    one worked out per year and states (a world is built for every run)."""
    return _tiv(year, ids).copy()


@lru_cache(maxsize=64)
def _tiv(year: int, ids: tuple[str, ...]) -> np.ndarray:
    frame = deliveries()
    index = {sid: i for i, sid in enumerate(ids)}
    window = frame[(frame.year >= year - WINDOW) & (frame.year < year)]
    window = window[window.recipient_iso3.isin(index) & window.supplier_iso3.isin(index)]
    out = np.zeros((len(ids), len(ids)))
    for (recipient, supplier), value in window.groupby(["recipient_iso3", "supplier_iso3"], sort=True).tiv_musd:
        out[index[recipient], index[supplier]] = float(value.sum())
    np.fill_diagonal(out, 0.0)
    return out


def exporters(year: int, ids: tuple[str, ...]) -> np.ndarray:
    """(N,) bool: the states with any delivery in the table in the window before ``year`` (a copy)."""
    return _exporters(year, ids).copy()


@lru_cache(maxsize=64)
def _exporters(year: int, ids: tuple[str, ...]) -> np.ndarray:
    frame = deliveries()
    window = frame[(frame.year >= year - WINDOW) & (frame.year < year) & (frame.tiv_musd > 0)]
    sold = set(window.supplier_iso3)
    return np.array([sid in sold for sid in ids], dtype=bool)


def shares(volume: np.ndarray) -> np.ndarray:
    """Each row of ``volume`` over its sum (a row with none stays 0)."""
    total = volume.sum(axis=-1, keepdims=True)
    return np.divide(volume, total, out=np.zeros_like(volume), where=total > 0)


__all__ = ["ARMS_FILE", "SUCCESSORS", "WINDOW", "deliveries", "exporters", "shares", "tiv"]
