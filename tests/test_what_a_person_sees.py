"""The hostile user's suite, part 3: what a person sees (tables, plots, progress) says what it
means: intervals inside a score's range, maps as the app draws them, labelled axes, and a word
when a run is long or a comparison has one replication. (The app's own cases are in
``tests/test_app_viewmodel.py`` and ``tests/test_app_browser.py``.)
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import laossim
from conftest import SCENARIOS
from laossim import map_layout, vocab
from laossim.analysis import heatmap_figure, main_effects_figure, varied_label
from laossim.cli import main
from laossim.plotting import alignment_over_time, network_map, paired_differences_figure, plt
from laossim.summaries import clipped, mean_ci

TEACHING = SCENARIOS / "teaching_minimal.yaml"
BASELINE = SCENARIOS / "laos_baseline.yaml"


@pytest.fixture(scope="module")
def baseline_run():
    return laossim.run(BASELINE, replications=2, steps=8)


# -- intervals --------------------------------------------------------------------------------


def test_a_t_interval_of_two_replications_is_cut_at_the_scores_range():
    _, low, high, _, n = mean_ci(np.array([0.90, 0.99]), (0.0, 1.0))
    assert n == 2 and low > 0.0 and high == 1.0  # the t interval reached 1.5
    assert clipped(low, high, (0.0, 1.0))
    unbounded = mean_ci(np.array([0.90, 0.99]))
    assert unbounded[2] > 1.0 and not clipped(0.2, 0.4, (0.0, 1.0))


def test_run_tables_keep_every_interval_inside_its_range_and_say_when_one_was_cut(tmp_path, capsys):
    shown_cut = False
    for seed in range(1, 6):
        assert main(["run", str(TEACHING), "--replications", "2", "--steps", "4", "--seed", str(seed), "--out",
                     str(tmp_path / f"r{seed}")]) == 0  # fmt: skip
        out = capsys.readouterr().out
        summary = pd.read_json(tmp_path / f"r{seed}" / "summary.json").scores.apply(pd.Series)
        bounded = summary[summary.score.map(lambda s: vocab.bounds(s) is not None)]
        assert (bounded.ci_low >= 0).all() and (bounded.ci_high <= 1).all()
        shown_cut |= "* cut at the score's range [0, 1]" in out
    assert shown_cut  # two replications of four steps reach past the range for some seed


def test_compare_of_one_replication_says_n_a_not_nan(capsys):
    assert main(["compare", str(TEACHING), str(TEACHING), "--replications", "1", "--steps", "2"]) == 0
    out = capsys.readouterr().out
    assert "nan" not in out and out.count("n/a (1 replication) n/a") == len(vocab.SCORES)


# -- plots ------------------------------------------------------------------------------------


def test_the_network_map_places_states_as_the_app_does_sized_by_their_end_state(baseline_run):
    result = baseline_run
    fig = network_map(result.network, result.states, result.scenario)
    ax = fig.axes[0]
    scenario = result.scenario
    ids = [s.id for s in scenario.states]
    expected = map_layout.map_positions(np.array([s.capital for s in scenario.states]), ids.index(scenario.focal))
    nodes = next(c for c in ax.collections if len(c.get_offsets()) == len(ids))
    np.testing.assert_allclose(nodes.get_offsets(), expected)
    end = result.states[result.states.step == result.states.step.max()].groupby("state").capability.mean()
    assert np.argmax(nodes.get_sizes()) == ids.index(end.idxmax())
    legends = [c for c in ax.get_children() if isinstance(c, plt.matplotlib.legend.Legend)]
    titles = {legend.get_title().get_text() for legend in legends}
    assert titles == {"pairs", "capability share"}  # a size legend beside the pairs' legend
    assert sorted(t.get_text() for t in ax.texts) == sorted(ids)
    plt.close(fig)


def test_the_alignment_plot_has_no_pole_panels_and_labelled_axes_with_bands(baseline_run):
    result = baseline_run
    poles = list(result.scenario.poles)
    fig = alignment_over_time(result.states, poles)
    titled = [ax for ax in fig.axes if ax.get_title()]
    movers = [s.id for s in result.scenario.states if s.id not in poles]
    assert [ax.get_title() for ax in titled] == movers
    assert all(ax.get_ylabel() == "share on each pole" for ax in titled if ax.get_subplotspec().is_first_col())
    assert all(len(ax.collections) == len(poles) for ax in titled)  # a band per pole
    plt.close(fig)


def test_sweep_plots_label_axes_with_the_whole_varied_path():
    table = pd.DataFrame(
        {
            "status": ["done"] * 4,
            "states.LAO.autonomy": [0.2, 0.2, 0.8, 0.8],
            "relations.CHN-LAO.debt.LAO": [0.1, 0.9, 0.1, 0.9],
            "stability": [0.5, 0.6, 0.7, 0.8],
        }
    )
    params = ["states.LAO.autonomy", "relations.CHN-LAO.debt.LAO"]
    fig = main_effects_figure(table, params, ["stability"])
    assert [ax.get_xlabel() for ax in fig.axes] == [varied_label(p) for p in params]
    assert fig.axes[0].get_xlabel() == "states.LAO.autonomy" and fig.axes[0].get_ylabel() == "stability"
    heat = heatmap_figure(table, (params[0], params[1]), ["stability"])
    assert heat.axes[0].get_xlabel() == "states.LAO.autonomy"
    assert heat.axes[0].get_ylabel() == "relations.CHN-LAO.debt.LAO"
    assert varied_label("parameters.engagement.types.joint_exercise.visibility") == (
        "parameters.engagement.types.joint_exercise.\nvisibility"
    )
    plt.close("all")


def test_the_compare_plot_has_a_legend_and_y_labels(baseline_run):
    fig = paired_differences_figure(baseline_run.timeseries, baseline_run.timeseries, "x minus x")
    panels = [ax for ax in fig.axes if ax.get_title()]
    assert [ax.get_title() for ax in panels] == [vocab.label(s) for s in vocab.SCORES]
    assert all(ax.get_ylabel().endswith("difference") for ax in panels)
    labels = [t.get_text() for t in panels[0].get_legend().get_texts()]
    assert labels == ["95% CI of the mean", "mean paired difference", "no difference"]
    plt.close(fig)


# -- progress and long horizons ---------------------------------------------------------------


def test_a_single_long_replication_shows_progress_by_step_and_an_enormous_horizon_is_warned(tmp_path, capsys):
    assert main(["run", str(TEACHING), "--replications", "1", "--steps", "404", "--out", str(tmp_path / "r")]) == 0
    err = capsys.readouterr().err
    assert "404 steps (101 years) is far beyond what the model is built for" in err
    assert "/404 [" in err and "step/s" in err  # a bar over the steps of the one replication


def test_a_horizon_within_a_century_is_not_warned(tmp_path, capsys):
    assert main(["run", str(TEACHING), "--replications", "1", "--steps", "400", "--out", str(tmp_path / "r")]) == 0
    assert "far beyond" not in capsys.readouterr().err
