"""Build ``scenarios/backtest_2000.yaml`` from the data: ``python -m laossim.backtest.build``.

The sixteen states of the calibration data (:data:`STATES`), on one axis: the UN
General Assembly ideal-point scale (Bailey, Strezhnev and Voeten 2017), with the
USA and China as the two poles (format version 2). Both backtests read this file:
the fixed split runs it from 2000; the rolling backtest re-anchors it at each
origin from the data up to that origin (:mod:`laossim.backtest.rolling`).

Sourced: every state's position is its 2000 ideal point; every capability is its
2000 CINC, following the observed CINC to 2016; the noise is the SD of the
sixteen states' year-to-year change of ideal point over 1990-2000 (years before
the start only). Rule (stated, not fitted): the sharpness puts a state standing
at a pole's 2000 position at a share of 0.9 on it. Judgement (from the 2025
baseline where it has the state, else :data:`JUDGED`, and marked so in the
file): names, capitals (approximate, drawn on the map only), doctrines,
autonomy, engagement budgets, and the affinities of the pairs. Facts: borders,
the USA's treaty alliances, forum membership, the forums' founding dates. Not
carried over from 2025: trust, tension, interoperability, trade, aid and debt,
which describe 2025, not 2000. The file is generated; a test checks it is what
this module writes.

Capability path: at the first quarter of each observed year after 2000 (2005,
2010, 2012, 2014, 2016) capability is set to the observed CINC, and from each
observed year the modernization rate is the geometric yearly growth to the next
observation, so the path between observations is the geometric interpolation (up
to the small capability gains engagements add); after 2016 each state grows at
its 2014-2016 rate.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from laossim.backtest import data, history, ideal_points
from laossim.model import shipped_scenario
from laossim.scenario import load_scenario

STATES: tuple[str, ...] = ideal_points.STATES
"""The sixteen states of the ideal points and the capabilities: the powers and the region's states."""
POLES: tuple[str, ...] = ("USA", "CHN")
"""The two powers at the ends of the question: the poles, on the ideal-point axis."""
START, END = 2000, 2023
TARGET = shipped_scenario("backtest_2000")
POLE_SHARE = 0.9
"""The share on a pole of a state standing at that pole's 2000 position: the rule that sets the sharpness."""
NOISE_YEARS = (1990, START)
"""The years whose year-to-year changes of ideal point set the noise (none after the start)."""


@dataclass(frozen=True)
class Judged:
    """A state the 2025 baseline lacks: its judged figures (name and capital are facts)."""

    name: str
    role: str
    doctrine: str
    capital: tuple[float, float]
    autonomy: float
    engagement_budget: float


JUDGED: dict[str, Judged] = {
    "IND": Judged("India", "external", "hedger", (28.61, 77.21), 0.8, 6),
    "AUS": Judged("Australia", "external", "balancer", (-35.28, 149.13), 0.6, 8),
    "KOR": Judged("Republic of Korea", "external", "balancer", (37.57, 126.98), 0.6, 8),
    "MYS": Judged("Malaysia", "regional", "hedger", (3.14, 101.69), 0.6, 8),
    "SGP": Judged("Singapore", "regional", "hedger", (1.29, 103.85), 0.6, 8),
    "IDN": Judged("Indonesia", "regional", "hedger", (-6.21, 106.85), 0.7, 8),
    "PHL": Judged("Philippines", "regional", "balancer", (14.6, 120.98), 0.5, 6),
}
"""Judgement: roles, doctrines, autonomy and budgets of the seven states the baseline does not have
(the USA's treaty allies AUS, KOR and PHL as balancers, the others as hedgers)."""

BORDERS: tuple[tuple[str, str], ...] = (("CHN", "IND"), ("IND", "MMR"), ("MYS", "THA"), ("IDN", "MYS"))
"""Land borders among the new states (facts); the baseline's pairs keep theirs."""
ALLIANCES: tuple[tuple[str, str], ...] = (("AUS", "USA"), ("KOR", "USA"), ("PHL", "USA"))
"""The USA's treaty alliances with the new states (facts)."""
ALLIED_AFFINITY = 0.6
"""Judgement: the affinity of a new allied pair."""
ASEAN: tuple[str, ...] = ("LAO", "VNM", "THA", "KHM", "MMR", "MYS", "SGP", "IDN", "PHL")
"""ASEAN's members among the sixteen (Brunei is not in the data); the ADMM's too."""
FORUM_MEMBERS: dict[str, tuple[str, ...]] = {"ASEAN": ASEAN, "ADMM": ASEAN, "ADMM_Plus": STATES}
"""Each forum's members among the sixteen (facts; the ADMM-Plus has all sixteen and New Zealand)."""


def capability_path(cinc: pd.DataFrame, state: str) -> list[tuple[int, float, float]]:
    """(year, observed CINC, yearly growth rate to the next observation) for one state."""
    rows = cinc[cinc.iso3 == state].sort_values("year")
    years, values = rows.year.to_list(), rows.cinc.to_list()
    out = []
    for k, (year, value) in enumerate(zip(years, values, strict=True)):
        k_next = min(k + 1, len(years) - 1)
        k_from = k_next - 1  # the last observation keeps the rate of the interval before it
        span = years[k_next] - years[k_from]
        rate = (values[k_next] / values[k_from]) ** (1.0 / span) - 1.0
        out.append((year, value, rate))
    return out


def sharpness(points: pd.Series) -> float:
    """beta with a state at one pole's position holding :data:`POLE_SHARE` of it: with two poles the
    log-odds of that share are beta times the poles' squared distance."""
    gap = float(points[POLES[0]] - points[POLES[1]])
    return math.log(POLE_SHARE / (1.0 - POLE_SHARE)) / gap**2


def noise(points: pd.DataFrame) -> float:
    """The SD of one year's change of ideal point over the sixteen states, in :data:`NOISE_YEARS`."""
    rows = points[points.year.between(*NOISE_YEARS)].sort_values(["state", "year"])
    step = rows.groupby("state").ideal_point.diff()[rows.groupby("state").year.diff() == 1]
    return float(np.sqrt(np.mean(step**2)))


def document(cinc: pd.DataFrame, points: pd.DataFrame) -> str:
    """The scenario file's text."""
    base = load_scenario(shipped_scenario())
    baseline = {s.id: s for s in base.states}
    at_start = points[points.year == START].set_index("state").ideal_point
    beta, sigma = sharpness(at_start), noise(points)
    lines = [
        "# Laos and its region from 2000 to 2023, for the historical backtests (laossim backtest).",
        "# GENERATED by `python -m laossim.backtest.build` from data/: edit the builder, not this file.",
        "format_version: 2",
        "scenario: backtest_2000",
        "description: >-",
        "  The sixteen states of the calibration data in 2000 on one axis, the UN",
        "  General Assembly ideal-point scale, with the USA and China as its poles:",
        "  positions from the 2000 ideal points, capabilities from the 2000 CINC and",
        "  following the observed CINC to 2016; ASEAN, the ADMM and the ADMM-Plus (the",
        "  last two from their founding); dated disasters, crises, coups and visits",
        "  (each event names its source).",
        "sources:",
        "  - name: Correlates of War National Material Capabilities v6.0 (CINC, 2000-2016)",
        "    url: https://correlatesofwar.org/data-sets/national-material-capabilities/",
        "    year: 2021",
        "    note: sourced - capabilities in 2000 and their path to 2016 (data/cow_nmc6_asia_2000_2016.csv).",
        "  - name: Bailey, Strezhnev and Voeten, UN General Assembly ideal points (June 2024 release)",
        "    url: https://doi.org/10.7910/DVN/LEJUQZ",
        "    year: 2024",
        "    note: >-",
        "      sourced - positions: each state's 2000 ideal point (data/unga_ideal_points_16_1990_2023.csv);",
        f"      the noise, {sigma:.6f} a year, is the RMS of the sixteen states' yearly changes {NOISE_YEARS[0]}-"
        f"{NOISE_YEARS[1]}.",
        "  - name: Rule",
        "    note: >-",
        f"      the sharpness, {beta:.6f}, puts a state standing at a pole's 2000 position at a share of",
        f"      {POLE_SHARE:g} on it (laossim.backtest.build.sharpness).",
        "  - name: Judgement",
        "    note: >-",
        "      doctrines, autonomy, engagement budgets and affinities are the 2025 baseline's judgements",
        "      where it has the state, else laossim.backtest.build.JUDGED; capitals are approximate and",
        "      only drawn; the forums' periods and strengths are the baseline's. Borders, the USA's",
        "      treaty alliances and forum membership are facts.",
        "  - name: Dated events (each event's source field)",
        "    note: >-",
        "      sourced - dates and what happened; judgement - magnitudes, one fixed rule per",
        f"      class: severities {_rule()}; a diplomatic step moves a pair's trust by",
        f"      {history.TRUST_STEP:g} (laossim.backtest.history). Committed before any calibration.",
        f"simulation: {{start: {START}-Q1, time_unit: quarter, steps: {(END - START + 1) * 4}, seed: {START}, "
        "replications: 10}",
        f"poles: [{', '.join(POLES)}]",
        f"parameters: {{alignment: {{sharpness: {beta:.6f}, noise: {sigma:.6f}}}}}",
        "states:",
    ]
    paths = {s: capability_path(cinc, s) for s in STATES}
    for sid in STATES:
        _, value0, rate0 = paths[sid][0]
        if sid in baseline:
            s = baseline[sid]
            name, doctrine, capital = s.name, s.doctrine.value, s.capital
            autonomy, budget = s.autonomy, s.engagement_budget
        else:
            j = JUDGED[sid]
            name, doctrine, capital, autonomy, budget = j.name, j.doctrine, j.capital, j.autonomy, j.engagement_budget
        role = "focal" if sid == "LAO" else "regional" if sid in ASEAN else "external"
        fields = [
            f"id: {sid}",
            f"name: {name}",
            f"role: {role}",
            f"doctrine: {doctrine}",
            f"capital: [{capital[0]:g}, {capital[1]:g}]",
            f"capability: {value0:.8g}",
            f"autonomy: {autonomy:g}",
            f"engagement_budget: {budget:g}",
            f"modernization: {rate0:.6f}",
            f"position: [{at_start[sid]:.6f}]",
        ]
        lines.append("  - {" + ", ".join(fields) + "}")
    lines.append("relations:  # judgement: affinities; facts: borders and alliances")
    for r in base.relations:
        a, b = r.between
        if a in STATES and b in STATES:
            extra = (", border: true" if r.border else "") + (", alliance: true" if r.alliance else "")
            lines.append(f"  - {{between: [{a}, {b}], affinity: {r.affinity:g}{extra}}}")
    for a, b in BORDERS:
        lines.append(f"  - {{between: [{a}, {b}], affinity: 0, border: true}}")
    for a, b in ALLIANCES:
        lines.append(f"  - {{between: [{a}, {b}], affinity: {ALLIED_AFFINITY:g}, alliance: true}}")
    lines.append("forums:  # the baseline's periods and strengths; the ADMM and ADMM-Plus from their first meeting")
    founded = {"ADMM": (history.ADMM_FOUNDED, None), "ADMM_Plus": (history.ADMM_PLUS_FOUNDED, history.ADMM_PLUS_PERIOD)}
    for f in base.forums:
        since, period = founded.get(f.id, (None, None))
        fields = [
            f"id: {f.id}",
            f"name: {json.dumps(f.name)}",
            f"members: [{', '.join(FORUM_MEMBERS[f.id])}]",
            f"period: {period or f.period}",
            f"strength: {f.strength:g}",
            f"norm: {f.norm}",
        ]
        if since is not None:
            fields.append(f"since: {since.at}")
            lines += [f"  # {since.note}", f"  # source: {since.source}"]
        lines.append("  - {" + ", ".join(fields) + "}")
    lines.append("events:  # the observed capability path (sourced: COW NMC v6.0), then the dated events")
    for sid in STATES:
        for year, value, rate in paths[sid][1:]:
            note = f"CINC {year}"
            lines.append(
                f"  - {{at: {year}-Q1, type: change, state: {sid}, field: capability, op: set, value: {value:.8g}, "
                f"note: {note}}}"
            )
            lines.append(
                f"  - {{at: {year}-Q1, type: change, state: {sid}, field: modernization, op: set, value: {rate:.6f}, "
                f"note: growth from {note}}}"
            )
    for event in history.HISTORY:
        fields = [f"at: {event.at}"] + [f"{k}: {_flow(v)}" for k, v in event.fields.items()]
        fields += [f"note: {json.dumps(event.note)}", f"source: {event.source}"]
        lines.append("  - {" + ", ".join(fields) + "}")
    return "\n".join(lines) + "\n"


def _flow(value: object) -> str:
    """A value in YAML flow style: lists as [A, B], numbers and ids as they are."""
    if isinstance(value, list):
        return "[" + ", ".join(str(v) for v in value) + "]"
    return f"{value:g}" if isinstance(value, float) else str(value)


def _rule() -> str:
    return ", ".join(f"{kind} {value:g}" for kind, value in history.SEVERITY.items())


def main() -> None:
    TARGET.write_text(document(data.cinc(), ideal_points.load()))
    print(f"wrote {TARGET}")


if __name__ == "__main__":
    main()
