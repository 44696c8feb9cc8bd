"""Two futures, or two of Laos's choices, stepped side by side in the classroom app.

Both models run on the left scenario's seed (:func:`laossim.app.viewmodel.paired`), so every
mechanism draws the same numbers at the same step in both: a crisis, a meeting or a border
incident that the two share is the same chance event, and where they part the class sees the
difference the choice or the future made. One pair of buttons steps and resets both together;
each side shows its map, its headline scores and what happened in its last step, and one plot
draws the four scores of both (left solid, right dashed).
"""

from __future__ import annotations

import solara
from matplotlib.figure import Figure

from laossim import vocab
from laossim.app import viewmodel as vm
from laossim.app.views import MapView, caption, picture, score_colours
from laossim.model import LaosModel
from laossim.scenario.schema import Scenario


def scores_figure(left: LaosModel, right: LaosModel) -> Figure:
    """The headline scores of both models over the steps so far: left solid, right dashed."""
    fig = Figure(figsize=(6.0, 3.2))
    fig.subplots_adjust(left=0.09, right=0.98, bottom=0.14, top=0.97)
    ax = fig.subplots()
    for name, colour in score_colours().items():
        ax.plot(left.series(name), color=colour, lw=1.6)
        ax.plot(right.series(name), color=colour, lw=1.6, ls="--")
    ax.set_xlabel("step", fontsize=8)
    ax.set_ylim(0, 1)
    ax.grid(alpha=0.3)
    ax.tick_params(labelsize=8)
    return fig


def Side(model: LaosModel, side: str):
    """One side: the scenario's name, its period, its map, its headline scores and its feed."""
    with solara.Column(gap="4px", style={"min-width": "0", "flex": "1 1 0"}) as column:
        solara.Text(
            f"{side}: {model.spec.scenario} · {model.period} · step {model.steps} of {model.max_steps}",
            classes=[f"laossim-{side}-period"],
            style={"font-weight": "bold"},
        )
        MapView(model)
        solara.Text(vm.headline(model), classes=[f"laossim-{side}-scores"])
        for line in vm.feed(model, steps=1, per_step=4):
            if line.crisis:
                solara.Error(str(line), dense=True, classes=[f"laossim-{side}-feed", "laossim-crisis"])
            else:
                solara.Text(str(line), classes=[f"laossim-{side}-feed"])
    return column


@solara.component
def SideBySide(left: Scenario, right: Scenario):
    """Both models with one Step and one Reset; rebuilt when either scenario changes."""
    generation, set_generation = solara.use_state(0)
    models = solara.use_memo(lambda: vm.paired(left, right), [left, right, generation])
    steps, set_steps = solara.use_state(0)
    a, b = models

    def step() -> None:
        if a.running and b.running:
            a.step()
            b.step()
            set_steps(a.steps)

    def reset() -> None:
        set_generation(generation + 1)
        set_steps(0)

    with solara.Column(gap="8px"):
        with solara.Row(gap="8px"):
            solara.Button("Step both", on_click=step, color="primary", classes=["laossim-step-both"])
            solara.Button("Reset both", on_click=reset, classes=["laossim-reset-both"])
            solara.Text(f"shared seed {left.simulation.seed}", classes=["laossim-shared-seed"])
        solara.Text(vm.differences(a, b), classes=["laossim-differences"], style={"font-weight": "bold"})
        with solara.Row(gap="16px", style={"align-items": "flex-start"}):
            Side(a, "left")
            Side(b, "right")
        with solara.Column(gap="0px"):
            caption(
                f"step {steps}: scores, {left.scenario} solid, {right.scenario} dashed",
                [(c, vocab.label(name)) for name, c in score_colours().items()],
            )
            picture(scores_figure(a, b))
