"""The pattern checks of docs/validation.md: the exercise data read as the module says, the classes
of pair as the scenario gives them, and the doc's table what the script prints."""

from __future__ import annotations

import runpy

import pandas as pd
import pytest

from conftest import ROOT, SCENARIOS
from laossim.backtest import patterns
from laossim.scenario import load_scenario

SHARED = ROOT.parent / "shared" / "data" / "mme_exercises_with16.csv"


def test_the_shipped_exercises_are_the_shared_files_columns_unchanged():
    if not SHARED.exists():
        pytest.skip("the shared data are not beside this checkout")
    source = pd.read_csv(SHARED, dtype=str, keep_default_na=False)
    shipped = pd.read_csv(patterns.EXERCISES_FILE, dtype=str, keep_default_na=False)
    pd.testing.assert_frame_equal(shipped, source[shipped.columns.tolist()])


def test_pairs_are_classed_by_the_scenarios_borders_and_powers():
    spec = load_scenario(SCENARIOS / "backtest_2000.yaml")
    of = patterns.pair_class(spec)
    assert of("LAO", "VNM") == "neighbours" and of("VNM", "LAO") == "neighbours"
    assert of("LAO", "USA") == "with a major power"
    assert of("LAO", "SGP") == "other"


def test_the_observed_counts_are_bilateral_exercises_a_year():
    """Laos took part in two exercises of 1980-2010, both multilateral: it has no bilateral one."""
    spec = load_scenario(SCENARIOS / "backtest_2000.yaml")
    frame = pd.read_csv(patterns.EXERCISES_FILE)
    ten = frame[frame.start_year.between(2000, 2010) & (frame.n_participants == 2)]
    in16 = ten[ten.participants_in16_iso3.str.count(";") == 1]
    observed = patterns.observed_exercises(spec, 2000, 2010)
    assert observed.sum() * 11 == pytest.approx(len(in16))
    assert not in16.participants_in16_iso3.str.contains("LAO").any()


def test_the_validation_doc_shows_what_the_script_prints(capsys):
    runpy.run_path(str(ROOT / "docs" / "make_patterns.py"), run_name="__main__")
    printed = [line for line in capsys.readouterr().out.splitlines() if line.startswith("|")]
    doc = (ROOT / "docs" / "validation.md").read_text()
    table = doc[doc.index("<!-- exercises:start -->") : doc.index("<!-- exercises:end -->")]
    assert [line for line in table.splitlines() if line.startswith("|")] == printed
