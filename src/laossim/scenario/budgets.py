"""Each state's economy and defence spending from the data, for a scenario's start year.

Four World Bank tables ship with the package (``data/``, see its README for sources,
vintages and terms): military expenditure as a share of GDP (SIPRI's figures as the
World Bank republishes them, to 2024), GDP in current US$ (to 2023), real GDP growth
(to 2024) and external debt stocks (ten of the sixteen states, to 2024). For a state of
the data and a year Y, the figures a scenario's state gets when it does not give them
(:func:`figures`):

* **defence share**: the share observed in Y, else the latest before Y; where the
  state's spending data end more than :data:`STALE_AFTER` years before Y (Laos after
  2013, Vietnam after 2018), the mean of its last :data:`CARRY_YEARS` observed years
  carries forward, and the figure is flagged ``carried``;
* **GDP growth**: the mean of the yearly real growth rates of :data:`GROWTH_YEARS`
  (2015-2024), used from the last observed GDP onward;
* **GDP**: observed in Y, else the latest before Y grown at that rate to Y (flagged
  ``projected``);
* **external debt**: the stock observed in Y, else the latest before it; 0 for a state
  the debt statistics do not cover (the creditor economies), flagged ``not covered``.

Nothing after Y is read. The defence budget a year that follows from these
(mechanism 9, :mod:`laossim.mechanisms.ministry`) is
``B = s Y (1 - psi r D / Y)``: the share s of GDP Y, less the squeeze of debt service,
the stock D times a stated interest rate r (``ministry.interest_rate``, a judgement:
the data hold stocks only), weighted by ``ministry.squeeze`` psi.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from laossim.inputs.tables import read_checked

DATA = Path(__file__).resolve().parents[1] / "data"
SHARE_FILE = DATA / "wdi_milex_share_gdp_pct.csv"
GDP_FILE = DATA / "wdi_gdp_current_usd.csv"
GROWTH_FILE = DATA / "wdi_gdp_growth_pct.csv"
DEBT_FILE = DATA / "wdi_external_debt.csv"
FILES: tuple[Path, ...] = (SHARE_FILE, GDP_FILE, GROWTH_FILE, DEBT_FILE)

STALE_AFTER = 2
"""Years after a state's last observed defence share beyond which the share is carried forward
as a mean rather than taken as it stood (the latest data are a year or two behind)."""
CARRY_YEARS = 5
"""Observed years whose mean share carries forward where the spending data end."""
GROWTH_YEARS = (2015, 2024)
"""The years whose mean real growth projects GDP forward."""
BN = 1e9


@dataclass(frozen=True)
class Figures:
    """One state's economy and defence spending for a year, with how each figure was found."""

    gdp: float
    """US$ bn."""
    gdp_growth: float
    """Real growth a year, as a fraction."""
    defence_share: float
    """Military expenditure over GDP, as a fraction."""
    external_debt: float
    """US$ bn."""
    flags: tuple[str, ...]
    """What was not observed in the year: ``carried`` share, ``projected`` GDP, debt ``not covered``."""


@lru_cache(maxsize=1)
def tables() -> dict[str, pd.DataFrame]:
    """The four tables, read and checked (FILE:LINE errors), indexed by state and year."""
    share = read_checked(SHARE_FILE, {"iso3": str, "year": int, "milex_pct_gdp": float}, {"milex_pct_gdp": (0, 100)})
    gdp = read_checked(GDP_FILE, {"iso3": str, "year": int, "gdp_current_usd": float}, {"gdp_current_usd": (0, 1e15)})
    growth = read_checked(
        GROWTH_FILE, {"iso3": str, "year": int, "gdp_growth_pct": float}, {"gdp_growth_pct": (-100, 100)}
    )
    debt = read_checked(
        DEBT_FILE,
        {"iso3": str, "year": int, "external_debt_stocks_total_usd": float},
        {"external_debt_stocks_total_usd": (0, 1e15)},
    )
    return {
        "share": share.set_index(["iso3", "year"]).milex_pct_gdp / 100.0,
        "gdp": gdp.set_index(["iso3", "year"]).gdp_current_usd / BN,
        "growth": growth.set_index(["iso3", "year"]).gdp_growth_pct / 100.0,
        "debt": debt.set_index(["iso3", "year"]).external_debt_stocks_total_usd / BN,
    }


def states() -> tuple[str, ...]:
    """The states the data cover (every table but the debt's)."""
    t = tables()
    covered = set(t["share"].index.unique(0)) & set(t["gdp"].index.unique(0)) & set(t["growth"].index.unique(0))
    return tuple(sorted(covered))


def _up_to(series: pd.Series, state: str, year: int) -> pd.Series:
    """One state's observations up to ``year``, by year."""
    if state not in series.index.unique(0):
        return pd.Series(dtype=float)
    own = series.xs(state, level=0)
    return own[own.index <= year].sort_index()


@lru_cache(maxsize=1024)
def figures(state: str, year: int) -> Figures:
    """The figures of ``state`` for ``year`` by the module's rules, from data up to ``year`` only.

    Raises:
        KeyError: the data do not cover the state, or hold nothing of it by ``year``.
    """
    t = tables()
    share, gdp = _up_to(t["share"], state, year), _up_to(t["gdp"], state, year)
    growth = _up_to(t["growth"], state, min(year, GROWTH_YEARS[1]))
    if share.empty or gdp.empty or growth.empty:
        raise KeyError(f"no defence share, GDP or growth of {state} by {year} in the data")
    flags = []
    stale = year - int(share.index[-1]) > STALE_AFTER
    s = float(share.tail(CARRY_YEARS).mean() if stale else share.iloc[-1])
    if stale:
        flags.append("carried")
    window = growth[growth.index >= GROWTH_YEARS[0]]
    rate = float(np.mean(window if len(window) else growth.tail(1)))
    last = int(gdp.index[-1])
    y = float(gdp.iloc[-1]) * (1.0 + rate) ** (year - last)
    if year > last:
        flags.append("projected")
    debt = _up_to(t["debt"], state, year)
    if debt.empty:
        flags.append("not covered")
    d = float(debt.iloc[-1]) if len(debt) else 0.0
    return Figures(gdp=y, gdp_growth=rate, defence_share=s, external_debt=d, flags=tuple(flags))


def known(state: str, year: int) -> Figures | None:
    """:func:`figures`, or None where the data hold nothing of the state by ``year``."""
    try:
        return figures(state, year)
    except KeyError:
        return None


def budget(
    share: float | np.ndarray,
    gdp: float | np.ndarray,
    debt: float | np.ndarray,
    rate: float | np.floating | np.ndarray,
    squeeze: float | np.floating | np.ndarray,
) -> np.ndarray:
    """B = s Y (1 - psi r D / Y), US$ bn a year, never below 0: the defence budget of a share s of
    GDP Y squeezed by the service of a debt stock D at interest rate r, weighted by psi."""
    y = np.asarray(gdp, dtype=float)
    burden = np.divide(rate * np.asarray(debt, dtype=float), y, out=np.zeros(y.shape), where=y > 0)
    return np.maximum(np.asarray(share) * y * (1.0 - squeeze * burden), 0.0)


def steady_stock(
    budget_bn: np.ndarray,
    procurement_share: float | np.floating | np.ndarray,
    depreciation: float | np.floating | np.ndarray,
    steps_per_year: int,
) -> np.ndarray:
    """The military stock (US$ bn) a budget's procurement holds steady, step by step: each step keeps
    ``(1 - delta)^(1/s)`` of the stock and adds ``pi_P B / s``, so the stock that stays put is
    ``K = (pi_P B / s) / (1 - (1 - delta)^(1/s))``."""
    worn = 1.0 - np.power(1.0 - np.asarray(depreciation, dtype=float), 1.0 / steps_per_year)
    return np.asarray(procurement_share) * np.asarray(budget_bn, dtype=float) / steps_per_year / worn
