"""The robustness metrics (issue 17, item 2) on hand-made tables with known answers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from laossim.robustness import METRICS, robustness

VALUES = {  # setting -> future -> the two replications' scores
    "A": {"f1": [0.6, 0.8], "f2": [0.5, 0.5], "f3": [0.9, 0.7]},
    "B": {"f1": [0.7, 0.7], "f2": [0.6, 0.6], "f3": [0.4, 0.6]},
}


def table(values=VALUES) -> pd.DataFrame:
    rows = [
        {"setting": s, "future": f, "replication": r, "security": v}
        for s, futures in values.items()
        for f, reps in futures.items()
        for r, v in enumerate(reps)
    ]
    return pd.DataFrame(rows)


def value(result: pd.DataFrame, setting: str, metric: str) -> float:
    row = result[(result.setting == setting) & (result.metric == metric)]
    return float(row.value.iloc[0])


def test_regret_satisficing_maximin_and_domain_have_their_known_values():
    """Worked by hand: regret is against the best setting in the same future, on the futures' means
    (A's 0.7, 0.5, 0.8 against B's 0.7, 0.6, 0.5). In f1 the two settings are even on average, so
    neither has regret there, though each has the better replication once."""
    result = robustness(table(), {"security": 0.6}, {"security": 0.05}, resamples=50)
    expected = {
        "A": {"mean": 2.0 / 3, "p50": 0.7, "mean_regret": 0.1 / 3, "max_regret": 0.1, "satisficing": 2 / 3,
              "maximin": 0.5, "domain": 2 / 3},
        "B": {"mean": 0.6, "p50": 0.6, "mean_regret": 0.1, "max_regret": 0.3, "satisficing": 2 / 3,
              "maximin": 0.5, "domain": 2 / 3},
    }  # fmt: skip
    for setting, metrics in expected.items():
        for metric, known in metrics.items():
            assert value(result, setting, metric) == pytest.approx(known), (setting, metric)
    assert set(result.metric) == set(METRICS) and len(result) == 2 * len(METRICS)
    assert (result.ci_low <= result.value + 1e-12).all() and (result.value <= result.ci_high + 1e-12).all()


def test_the_bootstrap_keeps_the_pairing_of_replications():
    """B is A less 0.1 in every draw of chance, however noisy A is: its regret is 0.1 in every
    resample, so its interval has no width (resampling the settings apart would give it one)."""
    rng = np.random.default_rng(3)
    noisy = {f"f{k}": list(rng.uniform(0.2, 0.9, size=20)) for k in range(6)}
    shifted = {f: [v - 0.1 for v in reps] for f, reps in noisy.items()}
    result = robustness(table({"A": noisy, "B": shifted}), {"security": 0.5}, {"security": 0.01}, resamples=200)
    row = result[(result.setting == "B") & (result.metric == "mean_regret")].iloc[0]
    assert row.value == pytest.approx(0.1) and row.ci_high - row.ci_low == pytest.approx(0.0, abs=1e-12)
    spread = result[(result.setting == "A") & (result.metric == "mean")].iloc[0]
    assert spread.ci_high - spread.ci_low > 0.01  # the mean itself is uncertain


def test_runs_that_are_not_paired_are_refused():
    runs = table().iloc[1:]  # A has lost one replication of one future
    with pytest.raises(ValueError, match="not paired"):
        robustness(runs, {"security": 0.6}, {"security": 0.05}, resamples=10)
