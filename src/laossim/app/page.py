"""The classroom app: a Mesa SolaraViz page over one scenario, one model per browser session.

Run it with ``laossim app [SCENARIO] [--compare OTHER] [--compare-set PATH=VALUE ...]``. The model is
built inside the page component (``use_memo``), never at module level, so every browser session
steps its own model; picking another scenario rebuilds the page with that
scenario's controls (:func:`laossim.app.controls.controls`). Picking a scenario to show side by
side replaces the page with two models stepped together on one seed
(:mod:`laossim.app.side_by_side`).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import solara
from mesa.visualization import SolaraViz

from laossim.app import viewmodel as vm
from laossim.app.controls import controls
from laossim.app.side_by_side import SideBySide
from laossim.app.views import AlignmentView, FeedView, MapView, ScoresView
from laossim.model import SHIPPED, LaosModel
from laossim.scenario import load_scenario

SCENARIO_ENV = "LAOSSIM_APP_SCENARIO"
"""The scenario the page opens with (set by ``laossim app``); default the baseline."""


def scenario_choices() -> dict[str, Path]:
    """The scenarios the picker offers: the shipped ones and the one the app was started with."""
    choices = {p.stem: p for p in sorted(SHIPPED.glob("*.yaml"))}
    started = os.environ.get(SCENARIO_ENV)
    if started:
        path = Path(started)
        choices.setdefault(path.stem, path)
    return choices


def initial_choice() -> str:
    started = os.environ.get(SCENARIO_ENV)
    return Path(started).stem if started else "laos_baseline"


NOTHING = "nothing"
"""The side-by-side picker's choice for the page of one scenario."""

COMPARE_ENV = "LAOSSIM_APP_COMPARE"
"""The scenario shown beside the first as the page opens (``laossim app --compare``); default none."""


COMPARE_SET_ENV = "LAOSSIM_APP_COMPARE_SET"
"""Overrides of the scenario shown beside the first (``laossim app --compare-set PATH=VALUE``, as a JSON
list): two lever settings of one scenario side by side."""


def comparisons(choices: dict[str, Path]) -> tuple[dict[str, tuple[Path, list[str]]], str]:
    """The side-by-side picker's entries, each a scenario file and its overrides, and the entry the page
    opens with: every scenario as written, and the one ``laossim app --compare``/``--compare-set`` gave
    (the first scenario with the overrides, when no other is given)."""
    entries: dict[str, tuple[Path, list[str]]] = {name: (path, []) for name, path in choices.items()}
    given, changes = os.environ.get(COMPARE_ENV), json.loads(os.environ.get(COMPARE_SET_ENV) or "[]")
    if not given and not changes:
        return entries, NOTHING
    path = Path(given) if given else choices[initial_choice()]
    label = path.stem + (f" with {', '.join(changes)}" if changes else "")
    entries[label] = (path, changes)
    return entries, label


STYLE = """
/* each slider shows its value beside its thumb: Vuetify keeps aria-valuenow current */
.v-navigation-drawer .v-slider__thumb-container::after {
  content: attr(aria-valuenow); position: absolute; top: 10px; left: 50%; transform: translateX(-50%);
  font-size: 11px; color: #444; white-space: nowrap; pointer-events: none;
}
.v-navigation-drawer .v-input__slider { padding-bottom: 10px; }
/* Mesa's rendering controls mean nothing to a class: every step is drawn, and threads are off */
.v-input:has([aria-label="Render Interval (steps)"]), .v-navigation-drawer .v-input--checkbox { display: none; }
"""
"""The page's own CSS: slider values on show, and Mesa's generic rendering controls hidden."""


@solara.component
def Page():
    """The page of one browser session: a scenario picker above SolaraViz on that scenario."""
    solara.Style(STYLE)
    choices = scenario_choices()
    choice = solara.use_reactive(initial_choice())
    scenario = solara.use_memo(lambda: load_scenario(choices[choice.value]), [choice.value])
    model = solara.use_memo(lambda: LaosModel(scenario), [scenario])
    sides, opening = comparisons(choices)
    other = solara.use_reactive(opening)
    with solara.Row(gap="16px"):
        solara.Select("Scenario", value=choice, values=list(choices), classes=["laossim-scenario"])
        solara.Select("Side by side with", value=other, values=[NOTHING, *sides], classes=["laossim-compare"])
    right = solara.use_memo(
        lambda: None if other.value == NOTHING else load_scenario(*sides[other.value]), [other.value]
    )
    if right is not None:
        mismatch = vm.mismatch(scenario, right)
        if mismatch:
            solara.Error(mismatch, classes=["laossim-mismatch"])
        else:
            SideBySide(scenario, right).key(f"{choice.value}|{other.value}")
        return
    SolaraViz(
        model,
        components=[
            (MapView, 0),
            (AlignmentView, 0),
            (ScoresView, 0),
            (FeedView, 0),
        ],
        model_params={"spec": scenario, **controls(scenario)},
        name=f"laossim: {scenario.scenario}",
        play_interval=400,
    ).key(choice.value)
