"""The classroom app: a Mesa SolaraViz page over one scenario, one model per browser session.

Run it with ``laossim app [SCENARIO]``. The model is built inside the page
component (``use_memo``), never at module level, so every browser session
steps its own model; picking another scenario rebuilds the page with that
scenario's controls (:func:`laossim.app.controls.controls`).
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import solara
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, Patch
from mesa.visualization import SolaraViz, make_plot_component

from laossim.app import viewmodel as vm
from laossim.app.controls import controls
from laossim.model import SHIPPED, LaosModel
from laossim.scenario import load_scenario

SCENARIO_ENV = "LAOSSIM_APP_SCENARIO"
"""The scenario the page opens with (set by ``laossim app``); default the baseline."""

SCORES = {
    "stability": "tab:blue",
    "cooperation": "tab:green",
    "focal_autonomy": "tab:purple",
    "focal_security": "tab:orange",
}


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


def MapView(model: LaosModel):
    """States at their capitals: size by capability, colour by alignment mix, pairs by trust
    minus tension, and this step's engagements as dashed arcs."""
    world = model.world
    capitals = np.array([s.capital for s in model.spec.states])
    xy = vm.map_positions(capitals, world.focal)
    fig = Figure(figsize=(6.4, 4.4), layout="constrained")
    ax = fig.subplots()
    for edge in vm.edges(world.trust, world.tension, threshold=0.3):
        (x0, y0), (x1, y1) = xy[edge.i], xy[edge.j]
        ax.plot([x0, x1], [y0, y1], color=edge.colour, lw=edge.width, alpha=0.75, zorder=1)
    for i, j, _ in vm.engagement_pairs(model.last_records, world.ids):
        ax.add_patch(
            FancyArrowPatch(
                xy[i],
                xy[j],
                connectionstyle="arc3,rad=0.25",
                arrowstyle="-",
                color="black",
                lw=1.4,
                ls="--",
                alpha=0.8,
                zorder=2,
            )
        )
    ax.scatter(
        xy[:, 0],
        xy[:, 1],
        s=vm.node_sizes(world.capability),
        c=vm.alignment_colours(world.alignment),
        edgecolors="black",
        linewidths=0.8,
        zorder=3,
    )
    for (x, y), code in zip(xy, world.ids, strict=True):
        ax.annotate(code, (x, y), xytext=(0, -14), textcoords="offset points", ha="center", fontsize=8, zorder=4)
    poles = [world.ids[p] for p in world.poles]
    legend = [Patch(color=c, label=f"aligned with {p}") for p, c in zip(poles, vm.POLE_COLOURS, strict=False)]
    legend += [
        Patch(color=vm.Edge(0, 0, 0.6, 0.0).colour, label="trust > tension"),
        Patch(color=vm.Edge(0, 0, 0.0, 0.6).colour, label="tension > trust"),
    ]
    ax.legend(handles=legend, loc="lower left", fontsize=7, framealpha=0.8)
    ax.set_title(
        f"{model.period}: states at their capitals (distances compressed around {world.ids[world.focal]})", fontsize=9
    )
    ax.set_axis_off()
    ax.margins(0.08)
    return solara.FigureMatplotlib(fig, format="png")


def AlignmentView(model: LaosModel):
    """Each state on the simplex of the poles with its trail (a triangle for three poles, bars otherwise)."""
    world = model.world
    poles = [world.ids[p] for p in world.poles]
    colours = vm.alignment_colours(world.alignment)
    fig = Figure(figsize=(5.2, 3.9), layout="constrained")
    ax = fig.subplots()
    movers = [i for i in range(world.n) if i not in set(world.poles.tolist())]
    if world.k == 3:
        corners = vm.ternary_xy(np.eye(3))
        ax.fill(corners[:, 0], corners[:, 1], facecolor="none", edgecolor="grey")
        for (x, y), name, colour in zip(corners, poles, vm.POLE_COLOURS, strict=False):
            ax.annotate(
                name,
                (x, y),
                xytext=(0, 6 if y > 0 else -14),
                textcoords="offset points",
                ha="center",
                color=colour,
                fontweight="bold",
            )
        trail = vm.ternary_xy(np.array(model.alignment_history[-12:]))  # (T, N, 2)
        for i in movers:
            ax.plot(trail[:, i, 0], trail[:, i, 1], color=colours[i], lw=1.2, alpha=0.6)
            ax.scatter(*trail[-1, i], s=70, color=colours[i], edgecolors="black", zorder=3)
            ax.annotate(world.ids[i], trail[-1, i], xytext=(5, 4), textcoords="offset points", fontsize=8)
        ax.set_aspect("equal")
        ax.set_axis_off()
    else:
        left = np.zeros(len(movers))
        for k, name in enumerate(poles):
            share = world.alignment[movers, k]
            ax.barh(range(len(movers)), share, left=left, color=vm.POLE_COLOURS[k], label=name)
            left += share
        ax.set_yticks(range(len(movers)), [world.ids[i] for i in movers])
        ax.set_xlim(0, 1)
        ax.legend(fontsize=8)
    ax.set_title(f"{model.period}: alignment over the poles (last 12 steps)", fontsize=9)
    return solara.FigureMatplotlib(fig, format="png")


def FeedView(model: LaosModel):
    """The period, then what happened in the last steps in plain words; crises highlighted."""
    with solara.Column(gap="4px") as column:
        solara.Text(
            f"{model.period} · step {model.steps} of {model.max_steps}",
            classes=["laossim-period"],
            style={"font-weight": "bold", "font-size": "1.1em"},
        )
        solara.Text(vm.settings(model), classes=["laossim-settings"])
        rises = vm.last_step_tension(model)
        if rises:
            solara.Text("Largest tension rises: " + "; ".join(rises), classes=["laossim-tension"])
        lines = vm.feed(model)
        if not lines:
            solara.Text("Press Step or Play: what happens each quarter appears here.", classes=["laossim-feed"])
        for line in lines:
            if line.crisis:
                solara.Error(str(line), dense=True, classes=["laossim-feed", "laossim-crisis"])
            else:
                solara.Text(str(line), classes=["laossim-feed"])
    return column


@solara.component
def Page():
    """The page of one browser session: a scenario picker above SolaraViz on that scenario."""
    choices = scenario_choices()
    choice = solara.use_reactive(initial_choice())
    scenario = solara.use_memo(lambda: load_scenario(choices[choice.value]), [choice.value])
    model = solara.use_memo(lambda: LaosModel(scenario), [scenario])
    solara.Select("Scenario", value=choice, values=list(choices), classes=["laossim-scenario"])
    SolaraViz(
        model,
        components=[
            (MapView, 0),
            (AlignmentView, 0),
            make_plot_component(SCORES),
            (FeedView, 0),
        ],
        model_params={"spec": scenario, **controls(scenario)},
        name=f"laossim: {scenario.scenario}",
        play_interval=400,
    ).key(choice.value)
