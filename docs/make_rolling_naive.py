"""Regenerate the tables of docs/rolling_backtest.md: ``python docs/make_rolling_naive.py``.

Runs the naive ladder on the shipped ideal points and scores it (laossim.backtest.naive,
laossim.backtest.skill), runs the same ladder on the China lean of the six non-pole states
(the definition of the second design's section 2), and writes the Markdown between the
doc's marker comments. ``--print`` prints it instead. tests/test_rolling_naive.py reruns
:func:`render` and checks the doc holds what it prints.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from laossim.backtest import compare, data, ideal_points, naive, observation, skill

DOC = Path(__file__).resolve().parent / "rolling_backtest.md"
START, END = "<!-- rolling-naive:start -->\n", "<!-- rolling-naive:end -->"
HORIZONS_V2 = (1, 5)
"""The horizons of the second design's rolling figures."""


def _f(x: float) -> str:
    return "n/a" if not np.isfinite(x) else f"{x:.4f}"


def _span(values: pd.Series) -> str:
    return f"{_f(values.min())}-{_f(values.max())}"


def ideal_point_tables() -> str:
    obs = ideal_points.load()
    forecasts = naive.ladder(obs)
    table = skill.summary(forecasts, obs)
    lines = []
    for label in ("included", "excluded"):
        rows = table[table.breaks == label]
        lines += [
            f"Myanmar 2021-2023 {label}:",
            "",
            "| forecast | rolling RMSE | h1 | h2 | h3 | h4 | h5 | h6 | h7 | rolling CRPS | fixed RMSE | ASEAN-5 tau |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|",
        ]
        for r in rows.itertuples():
            per_h = " | ".join(_f(getattr(r, f"rmse_h{h}")) for h in naive.HORIZONS)
            lines.append(
                f"| {r.method} | {_f(r.rolling_rmse)} | {per_h} | {_f(r.rolling_crps)} | "
                f"{_f(r.fixed_rmse)} | {r.asean_tau:.3f} |"
            )
        lines.append("")
    lines += [
        "Diebold-Mariano against the random walk, horizons 3-5, origins 2005-2018 (negative: better than it):",
        "",
        "| forecast | Myanmar 2021-2023 | statistic | p-value |",
        "|---|---|---|---|",
    ]
    for label, keep in (("included", True), ("excluded", False)):
        paired = skill.pair(forecasts, obs, breaks=keep)
        for method in list(naive.METHODS)[1:]:
            dm = skill.diebold_mariano(paired, method, "random walk")
            lines.append(f"| {method} | {label} | {dm.statistic:+.2f} | {dm.p_value:.3f} |")
    return "\n".join(lines)


def lean_table() -> str:
    """The ladder on the centred China lean of VNM THA KHM MMR LAO JPN (2000-2023, the shipped
    nine-state file), beside the figures of the second design's section 2 (quoted as it states them)."""
    obs = observation.observed_lean(data.unga(), list(observation.LEAN_STATES))
    paired = skill.pair(naive.ladder(obs, value="lean"), obs, value="lean")
    by_h = skill.rmse_by_horizon(paired)
    by_h = by_h[by_h.horizon.between(*HORIZONS_V2)].pivot(index="method", columns="horizon", values="rmse")
    gain = 1 - by_h**2 / by_h.loc["random walk"] ** 2
    fixed, tau = skill.fixed_split_rmse(paired), skill.asean_tau(paired)
    fit = obs[obs.year <= compare.FIT[1]]
    within = fit.centred - fit.groupby("state").centred.transform("mean")
    n = fit.state.nunique()
    between = 1 - float((within**2).sum() / ((fit.centred - fit.centred.mean()) ** 2).sum())
    lag1 = np.mean([np.corrcoef(w[:-1], w[1:])[0, 1] for _, w in within.groupby(fit.state)])
    five = obs[obs.state.isin(compare.ASEAN_FIVE)].pivot(index="year", columns="state", values="lean")
    year_to_year = np.mean([stats.kendalltau(five.loc[y - 1], five.loc[y])[0] for y in five.index[1:]])
    rows = [
        ("share of variance between states, 2000-2016", "97%", f"{between:.1%}"),
        ("within-state SD (pooled), 2000-2016", "0.017", f"{np.sqrt((within**2).sum() / (len(within) - n)):.4f}"),
        ("within-state lag-1 autocorrelation (mean over states)", "about 0", f"{lag1:+.3f}"),
        ("RMSE h1-5, random walk", "0.027-0.030", _span(by_h.loc["random walk"])),
        ("RMSE h1-5, expanding state mean", "0.023-0.025", _span(by_h.loc["expanding mean"])),
        ("RMSE h1-5, EW state mean (half-life 3)", "0.022-0.025", _span(by_h.loc["EW mean (half-life 3)"])),
        ("MSE skill of the EW mean against the random walk", "0.24-0.41", _span(gain.loc["EW mean (half-life 3)"])),
        ("fixed split: state mean 2000-2016, RMSE", "0.0296", _f(fixed["expanding mean"])),
        ("fixed split: state mean 2000-2016, ASEAN-5 tau", "0.46", f"{tau['expanding mean']:.3f}"),
        ("fixed split: random walk from 2016, RMSE", "0.034", _f(fixed["random walk"])),
        ("fixed split: persistence from 2000, RMSE", "0.041", _f(fixed["persistence (2000)"])),
        ("observed ASEAN-5 ordering, year-to-year tau (2000-2023)", "0.58", f"{year_to_year:.3f}"),
    ]
    lines = ["| figure | MODEL-V2 section 2 | this ladder |", "|---|---|---|"]
    lines += [f"| {name} | {theirs} | {ours} |" for name, theirs, ours in rows]
    return "\n".join(lines)


def render() -> str:
    """The Markdown between the doc's markers."""
    return (
        "### Ideal points, sixteen states\n\n"
        + ideal_point_tables()
        + "\n\n### The China lean of six states, beside the second design's figures\n\n"
        + lean_table()
        + "\n"
    )


def main(argv: list[str]) -> None:
    text = render()
    if "--print" in argv:
        print(text)
        return
    doc = DOC.read_text()
    head, rest = doc.split(START)
    tail = rest[rest.index(END) :]
    DOC.write_text(head + START + text + tail)
    print(f"wrote the tables of {DOC.name}")


if __name__ == "__main__":
    main(sys.argv[1:])
