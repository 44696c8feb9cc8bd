"""What the classroom app draws, as pure functions of a model (no Solara, no figures).

Positions and marker sizes come from :mod:`laossim.map_layout` (shared with the
static network map); colours mix the poles' colours by a
state's alignment; edges colour each pair by trust minus tension; the feed
turns the records of the last steps into sentences with their period.
Everything here is tested without a browser.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from matplotlib import colormaps
from matplotlib.colors import to_rgb

from laossim import vocab
from laossim.calendar import step_label
from laossim.mechanisms.records import PHRASES, Record, describe
from laossim.model import LaosModel
from laossim.scenario.schema import Scenario

POLE_COLOURS: tuple[str, ...] = ("#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b")
"""Colour of each pole, in the scenario's order of poles."""


def alignment_colours(alignment: np.ndarray) -> np.ndarray:
    """(N, 3) RGB: each state's mix of the poles' colours, weighted by its alignment."""
    poles = np.array([to_rgb(c) for c in POLE_COLOURS[: alignment.shape[1]]])
    return np.clip(alignment @ poles, 0.0, 1.0)


def balance_colour(balance: float) -> tuple[float, float, float]:
    """RGB of trust minus tension in [-1, 1] on a red-yellow-green scale (green warm, red hostile)."""
    r, g, b, _ = colormaps["RdYlGn"]((balance + 1.0) / 2.0)
    return (r, g, b)


@dataclass(frozen=True)
class Edge:
    """A pair worth drawing: coloured by trust minus tension (green warm, red hostile)."""

    i: int
    j: int
    trust: float
    tension: float

    @property
    def balance(self) -> float:
        return self.trust - self.tension

    @property
    def colour(self) -> tuple[float, float, float]:
        return balance_colour(self.balance)

    @property
    def width(self) -> float:
        return 0.5 + 4.0 * abs(self.balance)


def edges(trust: np.ndarray, tension: np.ndarray, threshold: float = 0.15) -> list[Edge]:
    """Every pair whose trust or tension reaches ``threshold``, strongest last (drawn on top)."""
    i, j = np.triu_indices(len(trust), k=1)
    strong = np.maximum(trust[i, j], tension[i, j]) >= threshold
    found = [
        Edge(int(a), int(b), float(trust[a, b]), float(tension[a, b]))
        for a, b in zip(i[strong], j[strong], strict=True)
    ]
    return sorted(found, key=lambda e: abs(e.balance))


def engagement_pairs(records: Sequence[Record], ids: Sequence[str]) -> list[tuple[int, int, str]]:
    """(i, j, kind) of the engagements among ``records`` (the arcs of the last step)."""
    index = {s: k for k, s in enumerate(ids)}
    return [(index[r.source], index[r.target], r.kind) for r in records if r.kind in PHRASES]


def ternary_xy(alignment: np.ndarray) -> np.ndarray:
    """(..., 2) points of the triangle with pole 0 at (0, 0), pole 1 at (1, 0), pole 2 at the top."""
    corners = np.array([[0.0, 0.0], [1.0, 0.0], [0.5, np.sqrt(3.0) / 2.0]])
    return alignment @ corners


@dataclass(frozen=True)
class FeedLine:
    """One sentence of the live feed."""

    step: int
    period: str
    text: str
    crisis: bool

    def __str__(self) -> str:
        return f"{self.period}: {self.text}"


def named(record: Record, names: dict[str, str]) -> str:
    """The record's sentence with state ids replaced by their names."""
    if record.text:
        return record.text
    return describe(
        record._replace(source=names.get(record.source, record.source), target=names.get(record.target, record.target))
    )


def tension_rises(before: np.ndarray, after: np.ndarray, names: Sequence[str], top: int = 2) -> list[str]:
    """The largest rises in tension over a step, as 'China-Lao PDR tension +0.012'."""
    i, j = np.triu_indices(len(after), k=1)
    rise = (after - before)[i, j]
    order = np.argsort(-rise, kind="stable")[:top]
    return [f"{names[i[k]]}-{names[j[k]]} tension {rise[k]:+.3f}" for k in order if rise[k] >= 0.0005]


def feed(model: LaosModel, steps: int = 6, per_step: int = 6) -> list[FeedLine]:
    """The last ``steps`` periods in plain words, newest first: crises first within a step,
    then up to ``per_step`` other happenings, then the step's largest tension rises."""
    sim = model.spec.simulation
    names = {s.id: s.name or s.id for s in model.spec.states}
    by_step: dict[int, list[Record]] = {}
    for t, record in reversed(model.records):  # newest last: stop at the window, not at the run's start
        if t <= model.steps - steps:
            break
        by_step.setdefault(t, []).append(record)
    lines: list[FeedLine] = []
    for t in sorted(by_step, reverse=True):
        period = step_label(sim.start, sim.time_unit, t)
        happened = sorted(reversed(by_step[t]), key=lambda r: (r.kind != "crisis", -abs(r.magnitude)))
        crises = [r for r in happened if r.kind == "crisis"]
        others = [r for r in happened if r.kind != "crisis"][:per_step]
        lines += [FeedLine(t, period, named(r, names), r.kind == "crisis") for r in crises + others]
    return lines


def last_step_tension(model: LaosModel) -> list[str]:
    """The largest tension rises of the last step (empty before the first step)."""
    if model.previous_world is None:
        return []
    names = [s.name or s.id for s in model.spec.states]
    return tension_rises(model.previous_world.tension, model.world.tension, names)


def settings(model: LaosModel) -> str:
    """The values a class most often changes, as the running model has them (after Reset)."""
    focal = model.spec.states[model.world.focal]
    return (
        f"{focal.name or focal.id}: autonomy {focal.autonomy:.2f}, {focal.doctrine.value}; "
        f"responsiveness {model.params.alignment.responsiveness:.2f}; "
        f"crisis sensitivity {model.params.crises.tension:.1f}; seed {model.root_seed}"
    )


def ministry(model: LaosModel) -> str:
    """The focal state's defence ministry this step: its budget a year, the GDP it is drawn on, and
    how much debt service squeezes it (empty where the state has no modelled economy)."""
    w, i = model.world, model.world.focal
    if w.gdp[i] <= 0:
        return ""
    focal = model.spec.states[i]
    share = 100 * w.defence_share[i]
    squeeze = 100 * model.params.ministry.squeeze * model.params.ministry.interest_rate * w.external_debt[i] / w.gdp[i]
    return (
        f"{focal.name or focal.id}'s defence ministry: US$ {w.defence_budget[i]:,.1f} m a year "
        f"({share:.2f}% of a GDP of US$ {w.gdp[i]:,.1f} bn, less {min(squeeze, 100):.1f}% for debt service)"
    )


def allocation(model: LaosModel, partners: int = 4) -> str:
    """How the focal state's ministry spends its budget and with whom it engages: the procurement
    share, its engagements a year (self-funded and creditor-financed), its largest partners' shares
    of them, and the incidents a year on its borders (the last year's weighted means)."""
    w, i = model.world, model.world.focal
    tally = np.asarray(w.engagement_tally[i], dtype=float)
    total = tally.sum()
    top = np.argsort(-tally, kind="stable")[:partners]
    shares = ", ".join(f"{w.ids[j]} {100 * tally[j] / total:.0f}%" for j in top if tally[j] > 0) if total else "none"
    line = (
        f"Engagements a year: {w.self_funded[i]:.1f} self-funded, {w.financed[i]:.1f} financed by creditors; "
        f"partners {shares}; border incidents {w.incidents[i]:.0f} a year"
    )
    if w.gdp[i] > 0:
        buys = model.params.ministry.procurement_share
        line = f"Equipment {100 * buys:.0f}% of the budget (US$ {buys * w.defence_budget[i]:,.1f} m). " + line
    return line


def paired(left: Scenario, right: Scenario) -> tuple[LaosModel, LaosModel]:
    """Two models to step side by side: each its own scenario, both on the left's seed, so every
    mechanism draws the same numbers at the same step in both (common random numbers,
    :mod:`laossim.seeding`): the same shock plays out under two choices or two futures."""
    seed = left.simulation.seed
    return LaosModel(left, rng=seed), LaosModel(right, rng=seed)


def mismatch(left: Scenario, right: Scenario) -> str:
    """Why two scenarios cannot be stepped side by side (their calendars differ), or "" if they can."""
    a, b = left.simulation, right.simulation
    if (a.start, a.time_unit) != (b.start, b.time_unit):
        return (
            f"{left.scenario} starts {a.start} in {a.time_unit}s and {right.scenario} {b.start} in {b.time_unit}s: "
            "side by side, both must start in the same period and step alike; pick another pair"
        )
    return ""


def headline(model: LaosModel) -> str:
    """The four headline scores of this step, labelled."""
    return "; ".join(f"{vocab.label(name)} {model.scores[name]:.3f}" for name in vocab.SCORES)


def differences(left: LaosModel, right: LaosModel) -> str:
    """Right minus left of each headline score at this step."""
    gaps = (f"{vocab.label(name)} {float(right.scores[name]) - float(left.scores[name]):+.3f}" for name in vocab.SCORES)
    return "Right minus left: " + "; ".join(gaps)
