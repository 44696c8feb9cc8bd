"""Pattern checks against data the model was not fitted to (docs/validation.md, "Pattern checks").

Military exercises: the Multinational Military Exercises data (MME v7, 1980-2010; D'Orazio and
Galambos 2021) list every exercise with its participants. The model's joint exercises are
bilateral, so the like-for-like count is the data's bilateral exercises between two of the
sixteen states (two participants in all), a year, by class of pair: ``neighbours`` (a shared
border in the scenario), ``with a major power`` (one side an external power of the scenario) and
``other``. A run's joint exercises are counted by the same classes from its records. Nothing here
is fitted: the check reads the data only to compare.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd

from laossim.backtest.data import DATA
from laossim.inputs import tables
from laossim.scenario import Scenario
from laossim.scenario.schema import Role

EXERCISES_FILE = DATA / "mme_exercises_16_1980_2010.csv"
CLASSES: tuple[str, ...] = ("neighbours", "with a major power", "other")
"""The classes of pair the exercise counts are compared by."""
FACTOR = 2.0
"""A class's simulated count passes when it is within this factor of the observed (the issue's check)."""


def pair_class(spec: Scenario) -> Callable[[str, str], str]:
    """The class of a pair of the scenario's states (:data:`CLASSES`)."""
    border = {frozenset(r.between) for r in spec.relations if r.border}
    major = {s.id for s in spec.states if s.role is Role.external}

    def of(a: str, b: str) -> str:
        if frozenset((a, b)) in border:
            return CLASSES[0]
        return CLASSES[1] if a in major or b in major else CLASSES[2]

    return of


def observed_exercises(spec: Scenario, first: int, last: int, path: str | Path = EXERCISES_FILE) -> pd.Series:
    """Bilateral exercises a year between two of the scenario's states, ``first``-``last``, by class."""
    frame = tables.read_checked(
        path, {"mmeid": str, "start_year": int, "n_participants": int, "participants_in16_iso3": str}, {}
    )
    years = frame[frame.start_year.between(first, last) & (frame.n_participants == 2)]
    pairs = [p.split(";") for p in years.participants_in16_iso3]
    ids = set(spec.state_ids)
    of = pair_class(spec)
    classes = [of(*p) for p in pairs if len(p) == 2 and set(p) <= ids]
    return pd.Series(classes, dtype=str).value_counts().reindex(CLASSES, fill_value=0) / (last - first + 1)


def simulated_exercises(events: pd.DataFrame, spec: Scenario, first: int, last: int, replications: int) -> pd.Series:
    """A run's joint exercises a year, ``first``-``last``, by class, the mean over its replications."""
    years = events.period.str[:4].astype(int)
    done = events[(events.kind == "joint_exercise") & years.between(first, last)]
    of = pair_class(spec)
    classes = [of(a, b) for a, b in zip(done.source, done.target, strict=True)]
    counts = pd.Series(classes, dtype=str).value_counts().reindex(CLASSES, fill_value=0)
    return counts / (last - first + 1) / replications


def exercise_check(spec: Scenario, events: pd.DataFrame, replications: int, first: int, last: int) -> pd.DataFrame:
    """Observed and simulated exercises a year by class, their ratio, and whether it is within
    :data:`FACTOR`."""
    observed = observed_exercises(spec, first, last)
    simulated = simulated_exercises(events, spec, first, last, replications)
    ratio = simulated / observed
    within = (ratio >= 1.0 / FACTOR) & (ratio <= FACTOR)
    return pd.DataFrame({"observed": observed, "simulated": simulated, "ratio": ratio, "within": within})
