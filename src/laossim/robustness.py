"""Robustness of lever settings across futures (issue 17, item 2): the decision metrics of
exploratory modelling, on a table of paired runs.

The input is one row per (lever setting, future, replication) with a column per score, every
setting run on the same futures with the same seeds (common random numbers), so replication r of
future f is the same draw of chance for every setting. For each setting and score:

- ``mean``: the mean over futures and replications;
- ``p10``, ``p50``, ``p90``: percentiles over the futures of the future's mean;
- ``mean_regret``, ``max_regret``: regret is how far a setting falls short of the best setting in
  the same future (Savage 1951), on each future's mean over its replications: the best setting's
  mean minus its own (the best of each single replication would count the replications' noise
  as regret, however many there were); the mean over the futures, and the largest;
- ``satisficing``: the share of futures whose mean reaches a stated threshold (Simon 1955);
- ``maximin``: the worst future's mean (Wald 1945);
- ``domain``: Starr's domain criterion (Starr 1963), the share of futures in which the setting is
  as good as the best to within a stated tolerance (the score's minimal important difference):
  its future mean regret is at most the tolerance.

Each metric comes with a percentile bootstrap confidence interval over the replications, drawn
jointly for every setting and future (a resampled replication is the same draw of chance for all
settings, so the pairing is kept). Higher values are better: a robust experiment takes only the
outputs the catalogue says so of (:func:`laossim.vocab.better`).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

METRICS: tuple[str, ...] = (
    "mean",
    "p10",
    "p50",
    "p90",
    "mean_regret",
    "max_regret",
    "satisficing",
    "maximin",
    "domain",
)
"""Every robustness metric, in the order the table gives them."""

ROUNDING = 1e-12
"""A threshold or tolerance is met to within this (a mean of scores is rounded in its last bits)."""

KEYS = ("setting", "future", "replication")
"""The columns that identify a paired run."""


def cube(runs: pd.DataFrame, score: str) -> tuple[np.ndarray, list, list]:
    """The score as an array (settings, futures, replications), with the settings and futures in
    their order of first appearance.

    Raises:
        ValueError: a setting lacks a (future, replication) another has: the runs are not paired.
    """
    settings = list(dict.fromkeys(runs["setting"]))
    futures = list(dict.fromkeys(runs["future"]))
    replications = sorted(set(runs["replication"]))
    full = pd.MultiIndex.from_product([settings, futures, replications], names=list(KEYS))
    table = runs.set_index(list(KEYS))[score]
    if table.index.has_duplicates or len(table) != len(full) or not table.index.isin(full).all():
        raise ValueError(
            "the runs are not paired: every lever setting needs every future with the same replications, once"
        )
    values = table.reindex(full).to_numpy(dtype=float)
    return values.reshape(len(settings), len(futures), len(replications)), settings, futures


def future_regret(values: np.ndarray) -> np.ndarray:
    """(settings, futures): each setting's regret in each future, the best setting's mean over the
    future's replications minus its own, from ``values`` (settings, futures, replications)."""
    per_future = values.mean(axis=2)
    return per_future.max(axis=0, keepdims=True) - per_future


def metrics(values: np.ndarray, threshold: float, tolerance: float) -> dict[str, np.ndarray]:
    """Every metric of :data:`METRICS` for each setting, from ``values`` (settings, futures,
    replications): one array (settings,) each."""
    per_future = values.mean(axis=2)  # (settings, futures)
    regret = future_regret(values)
    return {
        "mean": values.mean(axis=(1, 2)),
        "p10": np.percentile(per_future, 10, axis=1),
        "p50": np.percentile(per_future, 50, axis=1),
        "p90": np.percentile(per_future, 90, axis=1),
        "mean_regret": regret.mean(axis=1),
        "max_regret": regret.max(axis=1),
        "satisficing": (per_future >= threshold - ROUNDING).mean(axis=1),
        "maximin": per_future.min(axis=1),
        "domain": (regret <= tolerance + ROUNDING).mean(axis=1),
    }


def robustness(
    runs: pd.DataFrame,
    thresholds: Mapping[str, float],
    tolerances: Mapping[str, float],
    resamples: int = 1000,
    seed: int = 0,
    level: float = 0.95,
) -> pd.DataFrame:
    """The robustness table: one row per (setting, score, metric) with its value and the bounds of
    its bootstrap confidence interval at ``level`` (``ci_low``, ``ci_high``).

    ``thresholds``: each score's satisficing threshold; ``tolerances``: each score's tolerance for
    Starr's domain criterion (its minimal important difference). The scores are those of
    ``thresholds``.
    """
    rng = np.random.default_rng(seed)
    rows = []
    for score, threshold in thresholds.items():
        values, settings, _ = cube(runs, score)
        tolerance = tolerances[score]
        point = metrics(values, threshold, tolerance)
        count = values.shape[2]
        picks = rng.integers(0, count, size=(resamples, count))
        drawn = {name: np.empty((resamples, len(settings))) for name in METRICS}
        for b, pick in enumerate(picks):
            for name, value in metrics(values[:, :, pick], threshold, tolerance).items():
                drawn[name][b] = value
        tail = 100 * (1 - level) / 2
        for name in METRICS:
            low, high = np.percentile(drawn[name], [tail, 100 - tail], axis=0)
            for s, setting in enumerate(settings):
                rows.append((setting, score, name, point[name][s], low[s], high[s]))
    return pd.DataFrame(rows, columns=["setting", "score", "metric", "value", "ci_low", "ci_high"])


def paired_differences(
    runs: pd.DataFrame,
    scores: list[str],
    resamples: int = 1000,
    seed: int = 0,
    level: float = 0.95,
) -> pd.DataFrame:
    """For each score, every pair of settings, the better (by mean) first: the mean over futures
    and replications of the paired difference (``setting`` minus ``other`` in the same future and
    replication) with its percentile bootstrap interval over the replications, drawn jointly as
    :func:`robustness` draws them, so the difference keeps its pairing. Columns: score, rank (the
    setting's place by mean, 1 the best), setting, other, difference, ci_low, ci_high."""
    rng = np.random.default_rng(seed)
    rows = []
    tail = 100 * (1 - level) / 2
    for score in scores:
        values, settings, _ = cube(runs, score)
        count = values.shape[2]
        picks = rng.integers(0, count, size=(resamples, count))
        means = values.mean(axis=(1, 2))
        drawn = np.stack([values[:, :, pick].mean(axis=(1, 2)) for pick in picks])  # (resamples, settings)
        order = np.argsort(-means, kind="stable")
        for rank, a in enumerate(order, start=1):
            for b in order[rank:]:
                low, high = np.percentile(drawn[:, a] - drawn[:, b], [tail, 100 - tail])
                rows.append((score, rank, settings[a], settings[b], means[a] - means[b], low, high))
    columns = ["score", "rank", "setting", "other", "difference", "ci_low", "ci_high"]
    return pd.DataFrame(rows, columns=columns)


__all__ = ["KEYS", "METRICS", "ROUNDING", "cube", "metrics", "paired_differences", "robustness"]
