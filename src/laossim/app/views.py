"""What the classroom app draws: the map, the alignment simplex, the scores and the feed of one
model, each a Solara component under an HTML caption (the page, :mod:`laossim.app.page`, and the
side-by-side view, :mod:`laossim.app.side_by_side`, lay them out)."""

from __future__ import annotations

import html

import numpy as np
import solara
from matplotlib.collections import LineCollection
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch

from laossim import map_layout, vocab
from laossim.app import viewmodel as vm
from laossim.model import LaosModel

DPI = 90
"""Resolution of the figures: sharp on a projector, and quick to encode each step."""


def score_colours() -> dict[str, str]:
    """Each headline score's colour, from the catalogue (:mod:`laossim.vocab`)."""
    return {name: vocab.output(name).colour for name in vocab.SCORES}


def caption(title: str, legend: list[tuple[str, str]]) -> None:
    """A figure's title and legend as HTML: drawn by the browser, not encoded into every PNG."""
    keys = "".join(
        f"<span style='margin-right:1em'><span style='color:{colour}'>&#9632;</span> {html.escape(label)}</span>"
        for colour, label in legend
    )
    solara.HTML(
        tag="div",
        unsafe_innerHTML=f"<b>{html.escape(title)}</b><br><span style='font-size:0.85em'>{keys}</span>",
    )


def picture(fig: Figure):
    return solara.FigureMatplotlib(fig, format="png", dpi=DPI, pil_kwargs={"compress_level": 1})


MAP_LABEL_SIZE = 12.0
"""Points: at 1280x720 the map is drawn about 410 pixels wide, so its labels read at about 10 pixels."""


def map_figure(model: LaosModel) -> Figure:
    """States at their capitals: size by capability, colour by alignment mix, pairs by trust
    minus tension, this step's engagements as dashed arcs, and labels that overlap nothing."""
    world = model.world
    capitals = np.array([s.capital for s in model.spec.states])
    xy = map_layout.map_positions(capitals, world.focal)
    fig = Figure(figsize=(6.4, 4.0), dpi=DPI)
    fig.subplots_adjust(left=0.01, right=0.99, bottom=0.01, top=0.99)
    ax = fig.subplots()
    drawn = vm.edges(world.trust, world.tension, threshold=0.3)
    ax.add_collection(
        LineCollection(
            [(xy[e.i], xy[e.j]) for e in drawn],
            colors=[e.colour for e in drawn],
            linewidths=[e.width for e in drawn],
            zorder=1,
        )
    )
    for i, j, _ in vm.engagement_pairs(model.last_records, world.ids):
        arc = FancyArrowPatch(xy[i], xy[j], connectionstyle="arc3,rad=0.25", arrowstyle="-", color="black")
        arc.set(lw=1.2, ls="--", zorder=2)
        ax.add_patch(arc)
    sizes = map_layout.node_sizes(world.capability)
    ax.scatter(
        xy[:, 0],
        xy[:, 1],
        s=sizes,
        c=vm.alignment_colours(world.alignment),
        edgecolors="black",
        linewidths=0.8,
        zorder=3,
    )
    ax.set_axis_off()
    ax.margins(0.12)
    map_layout.place_labels(ax, xy, world.ids, sizes, MAP_LABEL_SIZE)
    return fig


def MapView(model: LaosModel):
    """The map (:func:`map_figure`) under its caption."""
    world = model.world
    fig = map_figure(model)
    with solara.Column(gap="0px") as column:
        caption(
            f"{model.period}: states at their capitals (distances compressed around {world.ids[world.focal]})",
            [(c, f"aligned with {world.ids[p]}") for p, c in zip(world.poles, vm.POLE_COLOURS, strict=False)]
            + [
                (to_hex(vm.balance_colour(0.6)), "trust > tension"),
                (to_hex(vm.balance_colour(-0.6)), "tension > trust"),
                ("black", "- - engaged this step"),
            ],
        )
        picture(fig)
    return column


def AlignmentView(model: LaosModel):
    """Each state on the simplex of the poles with its trail (a triangle for three poles, bars otherwise)."""
    world = model.world
    poles = [world.ids[p] for p in world.poles]
    colours = vm.alignment_colours(world.alignment)
    fig = Figure(figsize=(5.2, 3.8), dpi=DPI)
    ax = fig.subplots()
    movers = [i for i in range(world.n) if i not in set(world.poles.tolist())]
    if world.k == 3:
        fig.subplots_adjust(left=0.02, right=0.98, bottom=0.07, top=0.93)
        corners = vm.ternary_xy(np.eye(3))
        ax.fill(corners[:, 0], corners[:, 1], facecolor="none", edgecolor="grey")
        for (x, y), name, colour in zip(corners, poles, vm.POLE_COLOURS, strict=False):
            ax.text(
                x,
                y + (0.03 if y > 0 else -0.03),
                name,
                ha="center",
                va="bottom" if y > 0 else "top",
                color=colour,
                fontweight="bold",
            )
        trail = vm.ternary_xy(np.array(model.alignment_history[-12:]))  # (T, N, 2)
        ax.add_collection(LineCollection([trail[:, i] for i in movers], colors=colours[movers], linewidths=1.2))
        ax.scatter(trail[-1, movers, 0], trail[-1, movers, 1], s=60, c=colours[movers], edgecolors="black", zorder=3)
        ax.set_aspect("equal")
        ax.set_axis_off()
        names = [world.ids[i] for i in movers]
        map_layout.place_labels(ax, trail[-1, movers], names, np.full(len(movers), 60.0), MAP_LABEL_SIZE - 2)
    else:
        fig.subplots_adjust(left=0.12, right=0.98, bottom=0.08, top=0.98)
        left = np.zeros(len(movers))
        for k in range(world.k):
            share = world.alignment[movers, k]
            ax.barh(range(len(movers)), share, left=left, color=vm.POLE_COLOURS[k])
            left += share
        ax.set_yticks(range(len(movers)), [world.ids[i] for i in movers])
        ax.set_xlim(0, 1)
    with solara.Column(gap="0px") as column:
        caption(
            f"{model.period}: alignment over the poles (trails: last 12 steps)",
            [(c, name) for name, c in zip(poles, vm.POLE_COLOURS, strict=False)],
        )
        picture(fig)
    return column


def ScoresView(model: LaosModel):
    """The four scores over time."""
    collected = model.datacollector.model_vars
    fig = Figure(figsize=(5.6, 3.4))
    fig.subplots_adjust(left=0.09, right=0.98, bottom=0.13, top=0.97)
    ax = fig.subplots()
    for name, colour in score_colours().items():
        ax.plot(collected[name], color=colour, lw=1.6)
    ax.set_xlabel("step", fontsize=8)
    ax.set_ylim(0, 1)
    ax.grid(alpha=0.3)
    ax.tick_params(labelsize=8)
    with solara.Column(gap="0px") as column:
        caption(f"{model.period}: scores", [(c, vocab.label(name)) for name, c in score_colours().items()])
        picture(fig)
    return column


def FeedView(model: LaosModel):
    """The period, then what happened in the last steps in plain words; crises highlighted."""
    with solara.Column(gap="4px") as column:
        solara.Text(
            f"{model.period} · step {model.steps} of {model.max_steps}",
            classes=["laossim-period"],
            style={"font-weight": "bold", "font-size": "1.1em"},
        )
        solara.Text(vm.settings(model), classes=["laossim-settings"])
        if budget := vm.ministry(model):
            solara.Text(budget, classes=["laossim-ministry"])
        solara.Text(vm.allocation(model), classes=["laossim-allocation"])
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
