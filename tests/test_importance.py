"""Minimal important differences and the sign of a finding under the judgement coefficients:
known answers on hand-made figures, draws within their factors and bounds."""

from __future__ import annotations

import math

import numpy as np
import pytest

from conftest import BASELINE
from laossim import importance
from laossim.scenario import load_scenario, override_scenario


def test_a_mid_is_a_tenth_of_the_range_over_the_runs():
    means = {"a": {"x": 0.2, "y": 0.5}, "b": {"x": 0.7, "y": 0.5}, "c": {"x": 0.4, "y": 0.9}}
    assert importance.minimal_important_differences(means, ["x", "y"]) == pytest.approx({"x": 0.05, "y": 0.04})


def test_sign_kept_counts_the_draws_with_the_defaults_sign():
    assert importance.sign_kept(-0.3, [-0.1, -0.2, 0.05, -0.4]) == 0.75
    assert importance.sign_kept(0.1, [0.2, 0.3]) == 1.0
    assert importance.sign_kept(0.1, [0.0]) == 0.0  # no effect is not the same sign
    assert math.isnan(importance.sign_kept(0.0, [0.1]))


def test_judgement_draws_scale_each_judgement_within_its_factors_and_bounds():
    spec = load_scenario(BASELINE)
    paths = importance.judgement_paths(spec.parameters)
    assert "parameters.crises.tension" in paths and "parameters.scores.polarisation_alpha" not in paths  # sourced
    assert "parameters.engagement.types.training.trust_gain" in paths  # the engagement kinds' judgements too
    draws = importance.judgement_draws(spec, 12, seed=5)
    assert draws == importance.judgement_draws(spec, 12, seed=5) and draws != importance.judgement_draws(spec, 12, 6)
    for draw in draws:
        assert set(draw) == set(paths)
        override_scenario(spec, draw)  # every draw is a valid scenario
    defaults = {p: float(importance.value_at(spec.parameters, p.removeprefix("parameters."))) for p in paths}
    for draw in draws:
        for path, value in draw.items():
            ratio = value / defaults[path]
            assert (0.5 - 1e-12 <= ratio <= 2 + 1e-12) or value in importance.field_bounds(
                spec.parameters, path.removeprefix("parameters.")
            )
    factors = np.array([[d[p] / defaults[p] for p in paths] for d in draws])
    assert factors.min() < 0.7 and factors.max() > 1.4  # the draws span the range


def test_the_ten_levers_are_valid_changes_of_the_baseline_and_none_is_laoss_own_hedge():
    spec = load_scenario(BASELINE)
    assert len(importance.LEVERS) == 10
    for lever in importance.LEVERS:
        assert not lever.path.startswith(("states.LAO.autonomy", "states.LAO.doctrine", "parameters.alignment."))
        assert lever.low < lever.high
        for end in (lever.low, lever.high):
            override_scenario(spec, {lever.path: end})
