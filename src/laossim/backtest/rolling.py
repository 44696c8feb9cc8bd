"""The model's rolling backtest: forecasts of every state's ideal point from each origin
2005-2022, made by running the scenario through the kernel from data up to the origin.

At each origin the template scenario (``scenarios/backtest_2000.yaml``: the sixteen states
on the ideal-point axis) is re-anchored from the data up to and including the origin
year (:func:`anchors`), and nothing later:

* **start**: every state stands at its origin-year ideal point (the latest earlier one if
  the origin year is missing), taken as the middle of the year: the run starts in the
  third quarter of the origin year, and the forecast for year ``origin + h`` is the
  position after ``4 h`` quarterly steps;
* **resting position**: the state's exponentially weighted mean ideal point, half-life
  :data:`laossim.backtest.naive.HALF_LIFE` years (the naive ladder's, committed before
  the first rolling run);
* **responsiveness and noise**: the pooled regression of the yearly gap to the resting
  position on last year's gap, ``g_t+1 = phi g_t + e``, over every state and every pair of
  consecutive years from :data:`FIT_FROM` to the origin, each gap taken from the
  weighted mean as it stood in the earlier year (statsmodels OLS). Its posterior under
  the flat prior is exact (``sigma^2 ~ SSR / chi2(n - 1)``, ``phi | sigma ~ N(phi_hat,
  sigma^2 / sum g^2)``): each replication draws its own ``(phi, sigma)`` from it, so the
  forecast intervals carry the coefficients' uncertainty as well as the noise's. A
  replication's states correct ``1 - phi`` of their gap a year (their ``responsiveness``)
  and its noise has the SD that makes a year's innovation ``sigma``
  (:func:`noise_for`);
* **capability**: the latest CINC observed by the origin, grown at the yearly rate
  between the last two observations up to the origin (also the modernisation rate
  onward): the stated rule for the path after the origin;
* **no scheduled events** (every dated event of the template is in the future of some
  origin, so none is read), and only the forums founded by the origin.

Everything else (doctrines, relations, forums, the coefficients of the structural terms)
is the template's, fixed before the first rolling run. **The model without its structural
terms** is the same, fitted the same way, with the leverage gain, the forums' pull, the
polarisation pressure gain and the camps' shift at zero (:data:`STRUCTURAL`): error correction to the resting
position with noise, whose replication mean is ``mu + phi^h (x_0 - mu)``.

A forecast is the mean of the replications' positions; ``q05`` and ``q95`` are their 5% and
95% quantiles.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from statsmodels.regression.linear_model import OLS

from laossim.backtest import ideal_points, naive
from laossim.backtest.ideal_points import observation_break
from laossim.errors import InputError
from laossim.kernel import Job, evaluate
from laossim.scenario import Scenario

FIT_FROM = 1995
"""The first year of the pooled regression (five years of weighted means behind it)."""
REPLICATIONS = 512
"""Replications per origin, each with its own coefficients drawn from the posterior: enough that the
replication mean's own noise (about 0.01 at long horizons) adds under 0.001 to an RMSE near 0.18."""
SEED = 2005
"""The root seed of the draws and the runs (``--seed`` replaces it)."""
STRUCTURAL: dict[str, float] = {
    "alignment.leverage_gain": 0.0,
    "forums.norm_pull": 0.0,
    "alignment.pressure_gain": 0.0,
    "camps.shift": 0.0,
}
"""The settings that switch the structural terms off: the null model of the Diebold-Mariano test."""
MODEL = "laossim"
NULL = "laossim without structural terms"
COLUMNS = ["origin", "horizon", "year", "state", "forecast", "q05", "q95", "observation_break"]
"""The columns of ``forecasts.csv`` (``naive_forecasts.csv`` adds ``method`` first)."""


def check_covers(scenario: Scenario, file: str | Path, use: str = "the rolling backtest forecasts") -> None:
    """The ideal-point estimates apply to a scenario whose every state stands on the ideal-point axis:
    refuse, before anything runs, one without positions on one axis or with a state the data lack.

    Raises:
        InputError: naming what the scenario lacks and the file to start from (``use`` says what
        needs it).
    """
    lacks = []
    if scenario.format_version < 2 or any(s.position is None or len(s.position) != 1 for s in scenario.states):
        lacks.append("a position on one axis (the ideal-point scale) for every state, which needs format_version 2")
    if missing := [s for s in scenario.state_ids if s not in ideal_points.STATES]:
        lacks.append(f"ideal points for {', '.join(missing)} (the data have {', '.join(ideal_points.STATES)})")
    if lacks:
        raise InputError(
            f"{file}: {use} each state's ideal point, and this scenario lacks {'; '.join(lacks)}; "
            "start from scenarios/backtest_2000.yaml (extend it to change its figures)"
        )


@dataclass(frozen=True)
class Anchors:
    """What the data up to an origin say: where each state starts and rests, and the posterior of
    the pooled error correction (see the module's docstring)."""

    origin: int
    start: dict[str, float]
    resting: dict[str, float]
    phi: float
    """Least-squares share of a gap that remains after a year."""
    ssr: float
    """Sum of squared residuals of the regression."""
    spread: float
    """Sum of squared regressors (the gaps), whose inverse times sigma^2 is phi's variance."""
    pairs: int
    capability: dict[str, float]
    growth: dict[str, float]

    @property
    def sigma(self) -> float:
        """The residual SD (one year's innovation), with n - 1 degrees of freedom."""
        return math.sqrt(self.ssr / (self.pairs - 1))

    def draws(self, count: int, rng: np.random.Generator) -> np.ndarray:
        """(count, 2): (phi, sigma) from the exact posterior under the flat prior, phi held in [0, 1)
        (a gap that grows or flips sign each year is outside the model)."""
        variance = self.ssr / rng.chisquare(self.pairs - 1, count)
        phi = self.phi + np.sqrt(variance / self.spread) * rng.standard_normal(count)
        return np.column_stack([np.clip(phi, 0.0, 0.999), np.sqrt(variance)])


def weighted_mean(years: np.ndarray, values: np.ndarray, at: int) -> float:
    """The mean of the values observed up to ``at``, each weighted ``0.5 ** ((at - year) / HALF_LIFE)``."""
    keep = years <= at
    return float(np.average(values[keep], weights=0.5 ** ((at - years[keep]) / naive.HALF_LIFE)))


def anchors(points: pd.DataFrame, cinc: pd.DataFrame, origin: int) -> Anchors:
    """The anchors of ``origin`` from the ideal points (year, state, ideal_point) and capabilities
    (iso3, year, cinc) up to it; later rows are refused, so none can leak in.

    Raises:
        ValueError: a table holds a year after the origin, or the regression has fewer than
        three pairs.
    """
    if (points.year > origin).any() or (cinc.year > origin).any():
        raise ValueError(f"the data of origin {origin} hold later years")
    start, resting, gaps, nexts = {}, {}, [], []
    for state, rows in points.dropna(subset=["ideal_point"]).sort_values("year").groupby("state"):
        years, values = rows.year.to_numpy(), rows.ideal_point.to_numpy(float)
        start[str(state)] = float(values[-1])
        resting[str(state)] = weighted_mean(years, values, origin)
        for k in range(len(years) - 1):
            if years[k] >= FIT_FROM and years[k + 1] == years[k] + 1:
                centre = weighted_mean(years, values, int(years[k]))
                gaps.append(values[k] - centre)
                nexts.append(values[k + 1] - centre)
    if len(gaps) < 3:
        raise ValueError(f"origin {origin}: {len(gaps)} pairs of consecutive years from {FIT_FROM}; at least 3 needed")
    x = np.asarray(gaps)
    fit = OLS(np.asarray(nexts), x[:, None]).fit()
    capability, growth = {}, {}
    for state, rows in cinc.sort_values("year").groupby("iso3"):
        years, values = rows.year.to_numpy(), rows.cinc.to_numpy(float)
        rate = (values[-1] / values[-2]) ** (1.0 / (years[-1] - years[-2])) - 1.0 if len(years) > 1 else 0.0
        capability[str(state)] = float(values[-1] * (1.0 + rate) ** (origin - years[-1]))
        growth[str(state)] = float(rate)
    return Anchors(
        origin, start, resting, float(fit.params[0]), float(fit.ssr), float(x @ x), len(x), capability, growth
    )


def noise_for(phi: float, sigma: float, steps_per_year: int = 4) -> float:
    """The noise coefficient (``alignment.noise``: each step's SD is it over the square root of the
    steps a year) whose steps, each followed by its share of the correction (``a = phi^(1 / S)`` of
    the gap left, S steps a year), make a year's innovation of SD ``sigma``:
    ``sigma^2 = noise^2 / S * sum_{j < S} a^(2 j)``."""
    a2 = phi ** (2.0 / steps_per_year)
    return sigma * math.sqrt(steps_per_year / sum(a2**j for j in range(steps_per_year)))


def horizons(origin: int) -> list[int]:
    """The horizons forecast from ``origin``: those whose year is observed (up to 2023)."""
    return [h for h in naive.HORIZONS if origin + h <= naive.LAST_YEAR]


def scenario_at(
    template: Scenario, a: Anchors, phi: float, sigma: float, structural: bool = True, years: int | None = None
) -> Scenario:
    """The template re-anchored at ``a``'s origin with one replication's coefficients, running to the
    last forecast year (or ``years`` years)."""
    spec = template.model_dump(mode="json", exclude_none=True)
    start = f"{a.origin}-Q3"
    spec["simulation"] |= {"start": start, "steps": 4 * (years or max(horizons(a.origin)))}
    for state in spec["states"]:
        sid = state["id"]
        if sid not in a.start or sid not in a.capability:
            raise ValueError(f"origin {a.origin}: no ideal point or capability of {sid} by then")
        state |= {
            "position": [a.start[sid]],
            "resting_position": [a.resting[sid]],
            "responsiveness": 1.0 - phi,
            "capability": a.capability[sid],
            "modernization": a.growth[sid],
        }
    spec["events"] = []
    spec["forums"] = [f for f in spec["forums"] if f.get("since", start) <= start]
    coefficients = {"alignment.noise": noise_for(phi, sigma)}
    if not structural:
        coefficients |= STRUCTURAL
    for path, value in coefficients.items():
        group, name = path.split(".")
        spec.setdefault("parameters", {}).setdefault(group, {})[name] = value
    return Scenario.model_validate(spec)


def forecast_origin(
    template: Scenario, a: Anchors, replications: int, seed: int, structural: bool = True
) -> pd.DataFrame:
    """The forecasts of every state from ``a``'s origin: the replications run as stacks through
    the kernel, each with its own coefficients (drawn with the generator of ``(seed, origin)``, so
    the model and its null see the same draws) and its own seed (child r of the same)."""
    root = np.random.SeedSequence([seed, a.origin])
    draw_seed, run_seed = root.spawn(2)
    coefficients = a.draws(replications, np.random.default_rng(draw_seed))
    jobs = [
        Job(scenario_at(template, a, float(phi), float(sigma), structural), seq, 4 * max(horizons(a.origin)))
        for (phi, sigma), seq in zip(coefficients, run_seed.spawn(replications), strict=True)
    ]
    positions = np.stack([trace.histories["position"][..., 0] for trace in evaluate(jobs)])  # (R, steps + 1, N)
    steps = 4 * np.asarray(horizons(a.origin))
    at = positions[:, steps, :]  # (R, H, N)
    ids = [s.id for s in template.states]
    h = np.repeat(horizons(a.origin), len(ids))
    frame = pd.DataFrame(
        {
            "origin": a.origin,
            "horizon": h,
            "year": a.origin + h,
            "state": np.tile(ids, len(steps)),
            "forecast": at.mean(axis=0).reshape(-1),
            "q05": np.quantile(at, 0.05, axis=0).reshape(-1),
            "q95": np.quantile(at, 0.95, axis=0).reshape(-1),
        }
    )
    frame["observation_break"] = observation_break(frame.state, frame.year)
    return frame[COLUMNS]


@dataclass(frozen=True)
class Rolling:
    """The rolling backtest's forecasts and what they were made from."""

    model: pd.DataFrame
    """The full model's forecasts (:data:`COLUMNS`)."""
    null: pd.DataFrame
    """The model without its structural terms, the same columns."""
    anchors: pd.DataFrame
    """Per origin: phi, its standard error, sigma and the pairs of the regression."""


def rolling(
    template: Scenario,
    points: pd.DataFrame,
    cinc: pd.DataFrame,
    origins: Iterable[int] = naive.ORIGINS,
    replications: int = REPLICATIONS,
    seed: int = SEED,
    progress: Callable[[int], object] | None = None,
) -> Rolling:
    """Forecasts of the model and of its null from each origin, each from the rows of ``points``
    and ``cinc`` up to that origin only; ``progress`` is called with each origin done."""
    model, null, rows = [], [], []
    for origin in origins:
        a = anchors(points[points.year <= origin], cinc[cinc.year <= origin], origin)
        model.append(forecast_origin(template, a, replications, seed))
        null.append(forecast_origin(template, a, replications, seed, structural=False))
        se = a.sigma / math.sqrt(a.spread)
        rows.append({"origin": origin, "phi": a.phi, "phi_se": se, "sigma": a.sigma, "pairs": a.pairs})
        if progress is not None:
            progress(origin)
    return Rolling(pd.concat(model, ignore_index=True), pd.concat(null, ignore_index=True), pd.DataFrame(rows))
