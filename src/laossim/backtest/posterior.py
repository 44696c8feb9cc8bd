"""Forward runs that carry the alignment core's estimated uncertainty (``laossim run --posterior``).

The rolling backtest estimates, from the ideal points up to an origin, how much of its gap
to its resting position a state keeps after a year (phi) and the SD of a year's unexplained
move (sigma), and draws each replication's pair from their exact posterior
(:class:`laossim.backtest.rolling.Anchors`). A forward run with ``--posterior`` does the
same from the data strictly before the scenario's start year (none of its own future):
each replication gets its own draw, as every state's ``responsiveness`` (``1 - phi``) and
the noise that makes a year's innovation ``sigma``
(:func:`laossim.backtest.rolling.noise_for`). Sigma is in ideal-point units, so this
applies to scenarios on that axis (:func:`laossim.backtest.rolling.check_covers`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from laossim.backtest import data, ideal_points, rolling
from laossim.errors import InputError
from laossim.kernel import Job, evaluate
from laossim.scenario import Scenario


def replication_overrides(
    scenario: Scenario, file: str | Path, replications: int, seed: int
) -> tuple[list[dict[str, float]], rolling.Anchors]:
    """Each replication's overrides (dotted paths as ``--set`` takes them) drawn from the posterior
    estimated on the data before the scenario's start year, and the estimate itself.

    Raises:
        InputError: the scenario is not on the ideal-point axis, or starts before the data can
        estimate anything.
    """
    rolling.check_covers(scenario, file, use="--posterior draws the error correction estimated on")
    points, cinc = ideal_points.load(), data.cinc()
    last = min(int(scenario.simulation.start[:4]) - 1, int(points.year.max()))
    try:
        estimate = rolling.anchors(points[points.year <= last], cinc[cinc.year <= last], last)
    except ValueError as exc:
        raise InputError(f"{file}: --posterior uses the ideal points before the start; {exc}") from None
    draws = estimate.draws(replications, np.random.default_rng(np.random.SeedSequence([seed, last])))
    overrides = []
    for phi, sigma in draws:
        chosen = {f"states.{sid}.responsiveness": float(1.0 - phi) for sid in scenario.state_ids}
        noise = rolling.noise_for(float(phi), float(sigma), scenario.simulation.steps_per_year)
        overrides.append(chosen | {"parameters.alignment.noise": noise})
    return overrides, estimate


@dataclass(frozen=True)
class Twin:
    """A twin experiment: coefficients set, data made by the model with them, coefficients fitted back."""

    true_phi: float
    true_sigma: float
    fitted: pd.DataFrame
    """Per twin data set: phi and sigma as the estimator found them."""

    def error(self) -> pd.Series:
        """The largest relative error of each coefficient's fits over the twin data sets."""
        truth = pd.Series({"phi": self.true_phi, "sigma": self.true_sigma})
        return ((self.fitted[["phi", "sigma"]] - truth).abs() / truth).max()


def twin(template: Scenario, points: pd.DataFrame, sets: int = 8, seed: int = 1990) -> Twin:
    """Fit the coefficients on all the ideal points, make ``sets`` data sets with the model without
    its structural terms at those coefficients (each state starting at its first observed ideal
    point in its first year, resting at its mean, run through the kernel year by year to the last
    year, and observed in exactly the state-years the data have), and fit each back the same way."""
    first, last = int(points.year.min()), int(points.year.max())
    cinc = data.cinc()
    truth = rolling.anchors(points, cinc, last)
    firsts = points.sort_values("year").groupby("state").first()
    at_start = replace(
        truth,
        origin=first,
        start=firsts.ideal_point.to_dict(),
        resting=points.groupby("state").ideal_point.mean().to_dict(),
    )
    spec = rolling.scenario_at(template, at_start, truth.phi, truth.sigma, structural=False, years=last - first)
    traces = evaluate([Job(spec, seq, spec.simulation.steps) for seq in np.random.SeedSequence(seed).spawn(sets)])
    ids = [s.id for s in template.states]
    observed = points.set_index(["year", "state"]).index
    fitted = []
    for trace in traces:
        yearly = trace.histories["position"][::4, :, 0]  # mid-year of first, first + 1, ... last
        frame = pd.DataFrame(yearly, index=range(first, last + 1), columns=ids).stack().rename("ideal_point")
        made = frame[frame.index.isin(observed)].rename_axis(["year", "state"]).reset_index()
        estimate = rolling.anchors(made, cinc, last)
        fitted.append({"phi": estimate.phi, "sigma": estimate.sigma})
    return Twin(truth.phi, truth.sigma, pd.DataFrame(fitted))
