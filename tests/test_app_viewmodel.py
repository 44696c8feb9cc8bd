"""The classroom app without a browser: what is drawn (positions, colours, edges, feed) and the
controls read off the schema; the page renders in Solara's test renderer."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.colors import to_rgb

import laossim
from conftest import BASELINE, SCENARIOS
from laossim import map_layout, vocab
from laossim.app import viewmodel as vm
from laossim.app.controls import controls, span
from laossim.mechanisms.records import Record, Records
from laossim.scenario import load_scenario
from laossim.scenario.parameters import CrisisParams
from laossim.scenario.schema import Doctrine, State


def test_the_map_keeps_the_capitals_east_west_and_north_south_order():
    scenario = load_scenario(BASELINE)
    capitals = np.array([s.capital for s in scenario.states])
    focal = [s.id for s in scenario.states].index("LAO")
    xy = map_layout.map_positions(capitals, focal)
    np.testing.assert_array_equal(xy[focal], [0.0, 0.0])
    pacific = (capitals[:, 1] - (capitals[focal, 1] - map_layout.PACIFIC_WEST)) % 360  # the Americas east of Asia
    assert list(np.argsort(xy[:, 0])) == list(np.argsort(pacific))
    assert list(np.argsort(xy[:, 1])) == list(np.argsort(capitals[:, 0]))
    ids = [s.id for s in scenario.states]
    x = dict(zip(ids, xy[:, 0], strict=True))
    assert x["RUS"] < x["MMR"] < x["LAO"] < x["VNM"] < x["CHN"] < x["JPN"] < x["USA"]


def test_the_map_compresses_distance_by_a_square_root():
    capitals = np.array([[0.0, 100.0], [0.0, 104.0], [16.0, 100.0], [-9.0, 91.0]])
    np.testing.assert_allclose(map_layout.map_positions(capitals, 0), [[0, 0], [2, 0], [0, 4], [-3, -3]])


def test_colours_mix_the_poles_by_alignment_and_sizes_grow_with_capability():
    red, blue = np.array(to_rgb(vm.POLE_COLOURS[0])), np.array(to_rgb(vm.POLE_COLOURS[1]))
    colours = vm.alignment_colours(np.array([[1.0, 0.0], [0.0, 1.0], [0.5, 0.5]]))
    np.testing.assert_allclose(colours, [red, blue, (red + blue) / 2])
    sizes = map_layout.node_sizes(np.array([0.01, 0.04, 0.16]))
    assert sizes[0] < sizes[1] < sizes[2] == pytest.approx(1800.0)
    assert (sizes[1] - 120) / (sizes[2] - 120) == pytest.approx(0.5)  # area grows like sqrt(capability)


def test_edges_are_the_pairs_above_threshold_coloured_by_trust_minus_tension():
    trust = np.array([[0, 0.8, 0.1], [0.8, 0, 0.0], [0.1, 0.0, 0]])
    tension = np.array([[0, 0.1, 0.0], [0.1, 0, 0.9], [0.0, 0.9, 0]])
    found = vm.edges(trust, tension, threshold=0.3)
    assert [(e.i, e.j) for e in found] == [(0, 1), (1, 2)]
    warm, hostile = found
    assert warm.colour[1] > warm.colour[0] and hostile.colour[0] > hostile.colour[1]  # green vs red
    assert hostile.width > warm.width  # |0.0 - 0.9| > |0.8 - 0.1|


def test_ternary_corners_and_centre():
    xy = vm.ternary_xy(np.array([[1, 0, 0], [0, 1, 0], [0, 0, 1], [1 / 3, 1 / 3, 1 / 3]]))
    np.testing.assert_allclose(xy, [[0, 0], [1, 0], [0.5, np.sqrt(3) / 2], [0.5, np.sqrt(3) / 6]])


def test_feed_names_states_dates_each_line_and_puts_crises_first():
    model = laossim.LaosModel(BASELINE, rng=3, steps=12)
    model.log = [  # in step order, as the model appends them
        (3, Records.of(Record("training", "THA", "LAO", 0.03))),
        (4, Records.of(Record("joint_exercise", "LAO", "VNM", 0.04), Record("crisis", "CHN", "USA", 0.5))),
    ]
    model.steps = 4
    lines = vm.feed(model, steps=2)
    assert [str(line) for line in lines] == [
        "2025-Q4: crisis between China and United States (severity 0.50)",
        "2025-Q4: Lao PDR and Viet Nam hold a joint exercise; trust +0.040",
        "2025-Q3: Thailand and Lao PDR run a training programme; trust +0.030",
    ]
    assert [line.crisis for line in lines] == [True, False, False]
    assert vm.feed(model, steps=1)[-1].step == 4


def test_feed_and_tension_rises_follow_a_real_run():
    model = laossim.LaosModel(BASELINE, rng=3, steps=12)
    assert vm.feed(model) == [] and vm.last_step_tension(model) == []
    for _ in range(3):
        model.step()
    lines = vm.feed(model)
    assert lines and {line.period for line in lines} <= {"2025-Q1", "2025-Q2", "2025-Q3"}
    assert lines[0].step == 3
    rises = vm.last_step_tension(model)
    before, after = model.previous_world.tension, model.world.tension
    i, j = np.unravel_index(np.argmax(np.triu(after - before, 1)), after.shape)
    names = [s.name for s in model.spec.states]
    assert rises[0] == f"{names[i]}-{names[j]} tension {after[i, j] - before[i, j]:+.3f}"
    assert vm.engagement_pairs(model.last_records, model.world.ids)


def test_controls_take_ranges_from_the_schema_and_values_from_the_scenario():
    scenario = load_scenario(BASELINE)
    found = controls(scenario)
    lao = found["states.LAO.autonomy"]
    assert (lao["min"], lao["max"], lao["value"]) == (0.0, 1.0, 0.7)
    assert found["states.LAO.doctrine"]["values"] == [d.value for d in Doctrine]
    assert span(State, "autonomy") == (0.0, 1.0)
    crisis = found["parameters.crises.tension"]
    assert (crisis["min"], crisis["max"]) == span(CrisisParams, "tension") == (0.0, 10.0)  # 'typical': open above
    assert found["rng"]["value"] == scenario.simulation.seed
    assert {f"forums.{f.id}.strength" for f in scenario.forums} <= found.keys()
    movers = {s.id for s in scenario.states} - set(scenario.poles)
    assert {k for k in found if k.endswith((".doctrine", ".autonomy"))} == {
        f"states.{sid}.{field}" for sid in movers for field in ("doctrine", "autonomy")
    }  # a pole holds its own line: it gets neither control
    debt = found["relations.CHN-LAO.debt.LAO"]
    assert (debt["min"], debt["max"], debt["value"]) == (0.0, 1.0, 0.35)  # Share, the values of Relation.debt
    assert found["parameters.security.visibility_gain"]["max"] == 2.0  # its 'typical' range


def test_every_control_is_an_override_the_model_accepts_and_defaults_change_nothing():
    scenario = load_scenario(SCENARIOS / "teaching_minimal.yaml")
    values = {name: c["value"] for name, c in controls(scenario).items()}
    with_controls = laossim.LaosModel(scenario, **values)
    plain = laossim.LaosModel(scenario)
    for _ in range(4):
        with_controls.step()
        plain.step()
    assert with_controls.scores == plain.scores and with_controls.records == plain.records
    changed = laossim.LaosModel(scenario, **(values | {"states.LAO.autonomy": 0.25}))
    assert changed.spec.states[0].autonomy == 0.25
    assert "autonomy 0.25" in vm.settings(changed)


def test_the_page_renders_without_a_browser(monkeypatch):
    solara = pytest.importorskip("solara")
    from laossim.app.page import SCENARIO_ENV, Page, scenario_choices

    monkeypatch.setenv(SCENARIO_ENV, str(SCENARIOS / "teaching_minimal.yaml"))
    assert "laos_baseline" in scenario_choices() and "teaching_minimal" in scenario_choices()
    _, rc = solara.render(Page(), handle_error=False)
    period = rc.find(class_="laossim-period").widget.children[0]
    assert period.startswith("2024-Q4 · step 0 of")  # teaching_minimal starts in 2025-Q1
    assert rc.find(class_="laossim-scenario").widget.v_model == "teaching_minimal"
    assert "autonomy" in rc.find(class_="laossim-settings").widget.children[0]
    assert "defence ministry: US$" in rc.find(class_="laossim-ministry").widget.children[0]
    assert "border incidents" in rc.find(class_="laossim-allocation").widget.children[0]


def test_side_by_side_models_share_the_left_seed_so_the_same_chance_plays_out_in_both():
    baseline = load_scenario(BASELINE)
    reseeded = baseline.model_copy(update={"simulation": baseline.simulation.model_copy(update={"seed": 99})})
    left, right = vm.paired(baseline, reseeded)  # the right's own seed is not used
    alone = laossim.LaosModel(reseeded)
    for _ in range(6):
        left.step(), right.step(), alone.step()
    assert left.scores == right.scores and left.records == right.records
    assert alone.scores != right.scores  # on its own seed the right would have drawn otherwise
    assert vm.differences(left, right) == "Right minus left: " + "; ".join(
        f"{vocab.label(name)} +0.000" for name in vocab.SCORES
    )
    squeeze, _ = vm.paired(load_scenario(SCENARIOS / "laos_debt_squeeze.yaml"), baseline)
    assert vm.headline(squeeze).startswith(f"{vocab.label(vocab.SCORES[0])} {squeeze.scores[vocab.SCORES[0]]:.3f}")


def test_scenarios_on_different_calendars_are_refused_side_by_side_with_the_reason():
    baseline = load_scenario(BASELINE)
    later = baseline.model_copy(update={"simulation": baseline.simulation.model_copy(update={"start": "2027-Q1"})})
    assert vm.mismatch(baseline, baseline) == ""
    problem = vm.mismatch(baseline, later)
    assert "starts 2025-Q1" in problem and "2027-Q1" in problem and "pick another pair" in problem


def test_the_side_by_side_page_renders_and_steps_both_without_a_browser(monkeypatch):
    solara = pytest.importorskip("solara")
    from laossim.app.page import COMPARE_ENV, SCENARIO_ENV, Page

    monkeypatch.setenv(SCENARIO_ENV, str(BASELINE))
    monkeypatch.setenv(COMPARE_ENV, str(SCENARIOS / "laos_debt_squeeze.yaml"))
    _, rc = solara.render(Page(), handle_error=False)
    assert rc.find(class_="laossim-compare").widget.v_model == "laos_debt_squeeze"
    for _ in range(3):
        rc.find(class_="laossim-step-both").widget.click()
    for side in ("left", "right"):
        assert "step 3 of" in rc.find(class_=f"laossim-{side}-period").widget.children[0]
    assert rc.find(class_="laossim-differences").widget.children[0].startswith("Right minus left: ")
    rc.find(class_="laossim-reset-both").widget.click()
    assert "step 0 of" in rc.find(class_="laossim-left-period").widget.children[0]


def test_the_ministry_line_reads_the_running_world():
    model = laossim.LaosModel(SCENARIOS / "laos_baseline.yaml")
    line = vm.ministry(model)
    lao = model.world.focal
    assert line.startswith("Lao PDR's defence ministry: US$ ") and f"{model.world.defence_budget[lao]:,.1f} m" in line
    for _ in range(4):
        model.step()
    assert f"{model.world.gdp[lao]:,.1f} bn" in vm.ministry(model) and vm.ministry(model) != line


def test_the_allocation_line_shows_the_ministrys_partners_and_the_border_incidents():
    model = laossim.LaosModel(SCENARIOS / "laos_debt_squeeze.yaml")
    for _ in range(8):  # into the squeeze: creditors finance part of the gap
        model.step()
    line = vm.allocation(model)
    w, lao = model.world, model.world.focal
    assert line.startswith("Equipment 25% of the budget (US$ ")
    assert f"{w.self_funded[lao]:.1f} self-funded, {w.financed[lao]:.1f} financed by creditors" in line
    first = w.ids[int(np.argmax(w.engagement_tally[lao]))]
    assert f"partners {first} " in line and f"border incidents {w.incidents[lao]:.0f} a year" in line


def test_reset_under_mesa_35_passes_its_own_scenario_object_which_the_model_ignores():
    scenarios = pytest.importorskip("mesa.experimental.scenarios")  # Mesa 3.5's SolaraViz Reset adds one
    path = SCENARIOS / "teaching_minimal.yaml"
    reset = laossim.LaosModel(path, rng=4, scenario=scenarios.Scenario(), **{"states.LAO.autonomy": 0.3})
    assert reset.spec == laossim.LaosModel(path, rng=4, **{"states.LAO.autonomy": 0.3}).spec


def _overlaps(a, b) -> bool:
    return min(a.x1, b.x1) > max(a.x0, b.x0) and min(a.y1, b.y1) > max(a.y0, b.y0)


@pytest.mark.parametrize("path", sorted(SCENARIOS.glob("*.yaml")), ids=lambda p: p.stem)
def test_map_labels_overlap_no_other_label_nor_marker(path):
    """The app's map as drawn at its pixel size: every state's label is clear of every other
    label and of every other state's marker, at the start and after eight steps."""
    from laossim.app.views import map_figure

    model = laossim.LaosModel(load_scenario(path))
    for _ in range(2):
        fig = map_figure(model)
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
        ax = fig.axes[0]
        labels = [t for t in ax.texts if t.get_text() in model.world.ids]
        assert sorted(t.get_text() for t in labels) == sorted(model.world.ids)
        boxes = {t.get_text(): t.get_window_extent(renderer) for t in labels}
        centres = ax.transData.transform(ax.collections[-1].get_offsets())
        radii = np.sqrt(ax.collections[-1].get_sizes() / np.pi) * fig.dpi / 72
        for a in boxes:
            for b in boxes:
                assert a == b or not _overlaps(boxes[a], boxes[b]), (path.stem, a, b)
            for k, ((x, y), r) in enumerate(zip(centres, radii, strict=True)):
                marker = type(boxes[a]).from_extents(x - r, y - r, x + r, y + r)
                assert model.world.ids[k] == a or not _overlaps(boxes[a], marker), (path.stem, a, model.world.ids[k])
        for _ in range(8):
            model.step()


def test_two_lever_settings_of_one_scenario_step_side_by_side(monkeypatch):
    """``laossim app BASELINE --compare-set states.LAO.partner_cap=1 --compare-set ...``: the right is the
    baseline with Laos's choices changed, on the same seed; it parts from the left only by them."""
    solara = pytest.importorskip("solara")
    import json

    from laossim.app.page import COMPARE_SET_ENV, SCENARIO_ENV, Page

    changes = ["states.LAO.partner_cap=1.0", "states.LAO.doctrine=bandwagoner"]
    monkeypatch.setenv(SCENARIO_ENV, str(BASELINE))
    monkeypatch.setenv(COMPARE_SET_ENV, json.dumps(changes))
    _, rc = solara.render(Page(), handle_error=False)
    label = "laos_baseline with states.LAO.partner_cap=1.0, states.LAO.doctrine=bandwagoner"
    assert rc.find(class_="laossim-compare").widget.v_model == label
    for _ in range(8):
        rc.find(class_="laossim-step-both").widget.click()
    left, right = vm.paired(load_scenario(BASELINE), load_scenario(BASELINE, changes))
    for _ in range(8):
        left.step(), right.step()
    assert right.spec.states[right.world.focal].doctrine == Doctrine.bandwagoner
    assert rc.find(class_="laossim-differences").widget.children[0] == vm.differences(left, right)
    assert rc.find(class_="laossim-right-scores").widget.children[0] == vm.headline(right)


def test_laossim_app_refuses_a_bad_side_by_side_override_with_its_place(capsys):
    from laossim.cli import main

    assert main(["app", str(BASELINE), "--compare-set", "states.LAO.partner_cap=2", "--port", "0"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("--compare-set:1: states.LAO.partner_cap: out of range (expected a number <= 1.0, got 2)")


def test_laossim_app_refuses_a_side_by_side_pair_on_different_calendars_before_serving(tmp_path, capsys):
    from laossim.cli import main

    later = tmp_path / "later.yaml"
    later.write_text(BASELINE.read_text().replace("start: 2025-Q1", "start: 2027-Q1"))
    assert "2027-Q1" in later.read_text()
    assert main(["app", str(BASELINE), "--compare", str(later), "--port", "0"]) == 2
    err = capsys.readouterr().err
    assert "starts 2025-Q1" in err and "2027-Q1" in err and "pick another pair" in err
