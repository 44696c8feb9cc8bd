"""Shareable reports: one self-contained HTML file from a results folder.

A run folder gives the scenario's description and sources, the score table
with 95% confidence intervals, the run's plots, the key events and the
provenance from its manifest; a sweep folder gives its analysis (recomputed
with ``laossim.analysis.analyze``, which also writes ``analysis/``) and provenance; a
backtest folder its scores, fitted values, per-state table, plots and provenance; a discovery folder
its box, plots, CART leaves, trajectory and provenance. Images are embedded as data URIs
and there is no script or stylesheet to fetch, so the file opens anywhere,
offline, and can be e-mailed.
"""

from __future__ import annotations

import base64
import html
import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from laossim import results, vocab
from laossim.errors import ResultsError, ResultsExistError
from laossim.folders import check_file, write_file
from laossim.manifest import Manifest
from laossim.manifest import read as read_manifest

STYLE = """
body { font-family: system-ui, sans-serif; max-width: 72em; margin: 2em auto; padding: 0 1em; color: #222; }
h1 { margin-bottom: 0.2em; } h2 { border-bottom: 1px solid #ccc; padding-bottom: 0.2em; margin-top: 1.6em; }
table { border-collapse: collapse; margin: 0.6em 0; font-size: 0.92em; }
th, td { border: 1px solid #ddd; padding: 0.25em 0.6em; text-align: right; }
th { background: #f3f3f3; } td:first-child, th:first-child { text-align: left; }
img { max-width: 100%; border: 1px solid #eee; margin: 0.5em 0; }
.crisis { color: #b00020; } .muted { color: #666; font-size: 0.9em; }
"""


def report(folder: str | Path, out: str | Path | None = None, *, force: bool = False) -> Path:
    """Write the report of a run, sweep, backtest, discovery or robust folder (default ``FOLDER/report.html``);
    return its path. An existing file is replaced only with ``force``, and never one of the
    folder's own files (:func:`laossim.folders.check_file`)."""
    folder = Path(folder)
    record = read_manifest(folder)  # what the manifest says it is, never a guess from file names
    sections = SECTIONS.get(record.kind.name)
    if sections is None:
        raise ResultsError(f"{folder} is a laossim {record.kind.name} folder, which report does not render yet")
    target = Path(out) if out else folder / "report.html"
    inside = folder.resolve() in target.resolve().parents
    if inside and target.resolve() != (folder / "report.html").resolve():
        raise ResultsExistError(
            f"{target} is inside the reported folder, whose files the report reads; laossim writes a report "
            f"there only as {folder / 'report.html'}: choose another --out"
        )
    check_file(target, force=force, option="--out")
    title, body = sections(folder, record)
    page = (
        f"<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'><title>{_e(title)}</title>"
        f"<style>{STYLE}</style></head><body>\n{body}\n</body></html>\n"
    )
    return write_file(target, lambda tmp: tmp.write_text(page, encoding="utf-8"))


def _e(text: object) -> str:
    return html.escape(str(text))


def image(path: Path, alt: str) -> str:
    """A PNG embedded as a data URI."""
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return f"<img src='data:image/png;base64,{data}' alt='{_e(alt)}'>"


def table(frame: pd.DataFrame, digits: int = 4) -> str:
    return frame.round(digits).to_html(index=False, border=0, escape=True, na_rep="")


def _run_sections(folder: Path, manifest: Manifest) -> tuple[str, str]:
    summary = pd.DataFrame(json.loads((folder / "summary.json").read_text())["scores"])
    scenario = manifest["resolved_scenario"]
    name = scenario.get("scenario", folder.name)
    sim = scenario["simulation"]
    parts = [
        f"<h1>{_e(name)}</h1>",
        f"<p class='muted'>{manifest.get('replications')} replication(s) of {manifest.get('steps')} steps "
        f"({_e(sim['time_unit'])}s from {_e(sim['start'])}), root seed {manifest.get('root_seed')}</p>",
        f"<p>{_e(scenario.get('description') or '')}</p>",
    ]
    sources = scenario.get("sources") or []
    if sources:
        items = "".join(
            f"<li>{_e(s.get('name'))}{', ' + _e(s['year']) if s.get('year') else ''}"
            f"{' - ' + _e(s['note']) if s.get('note') else ''}"
            f"{' (' + _e(s['url']) + ')' if s.get('url') else ''}</li>"
            for s in sources
        )
        parts.append(f"<h2>Sources</h2><ul>{items}</ul>")
    ordered = summary.set_index("score").loc[[c for c in vocab.COLUMNS if c in set(summary.score)]].reset_index()
    shown = ordered[["score", "mean", "ci_low", "ci_high", "n"]].rename(
        columns={"ci_low": "95% CI low", "ci_high": "95% CI high", "n": "replications"}
    )
    parts.append(
        "<h2>Scores</h2><p class='muted'>Mean over the final summary window, with 95% confidence "
        "intervals across replications (cut at a score's range, [0, 1]): the headline scores, then "
        "their components.</p>"
    )
    parts.append(table(shown[shown.score.isin(vocab.SCORES)]))
    parts.append(
        "<details><summary>Components</summary>" + table(shown[~shown.score.isin(vocab.SCORES)]) + "</details>"
    )
    order = {"scores": 0, "alignment": 1, "network": 2}
    plots = sorted((folder / "plots").glob("*.png"), key=lambda p: (order.get(p.stem, 9), p.stem))
    if plots:
        parts.append("<h2>Plots</h2>" + "".join(image(p, p.stem) for p in plots))
    parts.append(_key_events(folder))
    parts.append(_provenance(manifest))
    return name, "\n".join(parts)


def key_events(events: pd.DataFrame, crises: int = 12) -> pd.DataFrame:
    """What a reader should see from replication 0: every scheduled event and the most severe crises."""
    first = events[events.replication == events.replication.min()]
    scheduled = first[first.kind.isin(["change", "disaster", "chair"])]
    worst = first[first.kind == "crisis"].nlargest(crises, "magnitude")
    return pd.concat([scheduled, worst]).sort_values(["step", "kind"])[["period", "kind", "description"]]


def _key_events(folder: Path) -> str:
    path = folder / "events.parquet"
    if not path.exists():
        return ""
    events = key_events(pd.read_parquet(path))
    if events.empty:
        return "<h2>Key events</h2><p>No scheduled events or crises in the first replication.</p>"
    rows = "".join(
        f"<tr class='{'crisis' if kind == 'crisis' else ''}'><td>{_e(period)}</td><td>{_e(kind)}</td>"
        f"<td style='text-align:left'>{_e(text)}</td></tr>"
        for period, kind, text in events.itertuples(index=False)
    )
    return (
        "<h2>Key events</h2><p class='muted'>Scheduled events and the most severe crises of the first "
        f"replication.</p><table><tr><th>period</th><th>kind</th><th>what happened</th></tr>{rows}</table>"
    )


def _sweep_sections(folder: Path, manifest: Manifest) -> tuple[str, str]:
    from laossim.analysis import AnalysisError, analyze

    name = manifest.get("experiment", folder.name)
    parts = [
        f"<h1>{_e(name)}</h1>",
        f"<p class='muted'>Sweep: {manifest.get('runs')} runs, {_e(manifest['design']['method'])} design, "
        f"{manifest.get('replications')} replication(s) of {manifest.get('steps')} steps, root seed "
        f"{manifest.get('root_seed')}</p>",
        f"<p>{_e(manifest.get('experiment_definition', {}).get('description') or '')}</p>",
    ]
    statuses = [r["status"] for r in results.status_records(folder).values()]
    done, failed, total = statuses.count("done"), statuses.count("failed"), int(manifest.get("runs") or 0)
    if done < total:
        parts.append(
            f"<p class='crisis'>Incomplete sweep: {done} of {total} runs done, {failed} failed, "
            f"{total - done - failed} not yet run; <code>laossim sweep ... --resume</code> continues it.</p>"
        )
    try:
        tables = analyze(folder)
    except AnalysisError as exc:
        parts.append(f"<p class='crisis'>Analysis incomplete: {_e(exc)}</p>")
        tables = {}
    if "indices" in tables:
        parts.append("<h2>Sensitivity indices</h2>" + table(tables["indices"]))
    if "points" in tables:
        points = tables["points"]
        parts.append(
            f"<h2>Design points</h2><p class='muted'>Each output's mean (and 95% CI) per design point"
            f"{'; the first 40 of ' + str(len(points)) if len(points) > 40 else ''}.</p>" + table(points.head(40))
        )
    plots = sorted((folder / "analysis").glob("*.png"))
    if plots:
        parts.append("<h2>Plots</h2>" + "".join(image(p, p.stem) for p in plots))
    parts.append(_provenance(manifest))
    return name, "\n".join(parts)


def _rolling_sections(folder: Path, manifest: Manifest) -> tuple[str, str]:
    name = f"Rolling backtest of {manifest.get('scenario', folder.name)}"
    parts = [
        f"<h1>{_e(name)}</h1>",
        "<p>Forecasts of every state's UN General Assembly ideal point from each origin "
        f"{_years(manifest.get('origins'))}, {_years(manifest.get('horizons'))} years ahead, by the model run from "
        "data up to the origin, against naive forecasts; scored on ideal points centred on each year's mean "
        "(docs/validation.md).</p>",
        "<h2>Scores</h2>" + table(pd.read_csv(folder / "scores.csv"), 4),
        "<h2>Diebold-Mariano tests</h2><p class='muted'>Negative: the first forecast is better.</p>"
        + table(pd.read_csv(folder / "diebold_mariano.csv"), 3),
        "<h2>Estimates per origin</h2>" + table(pd.read_csv(folder / "anchors.csv"), 3),
        "<h2>Plots</h2>" + "".join(image(p, p.stem) for p in sorted(folder.glob("*.png"))),
        _provenance(manifest),
    ]
    return name, "\n".join(parts)


def _backtest_sections(folder: Path, manifest: Manifest) -> tuple[str, str]:
    if manifest.get("settings", {}).get("rolling"):
        return _rolling_sections(folder, manifest)
    name = f"Backtest of {manifest.get('scenario', folder.name)}"
    parts = [
        f"<h1>{_e(name)}</h1>",
        "<p>The simulated UN General Assembly ideal point (each state's position on the axis between the "
        "USA and China, centred on each year's mean) of the compared states against the observed one, on the fitting "
        f"years {_years(manifest.get('fitting_years'))} and the hold-out {_years(manifest.get('hold_out_years'))}"
        ", with naive forecasts as the bar (docs/validation.md).</p>",
        "<h2>Scores</h2>" + table(pd.read_csv(folder / "scores.csv"), 3),
    ]
    if (folder / "fitted.json").exists():
        fitted = json.loads((folder / "fitted.json").read_text())
        rows = pd.DataFrame(fitted["accepted"]).assign(fitted=lambda f: f.parameter.map(fitted["fitted"]))
        parts.append(
            f"<h2>Calibration</h2><p class='muted'>Fitted on {_years(fitted['fitting_years'])} only, "
            f"{fitted['runs']} runs in {fitted['seconds']} s; in-sample RMSE {fitted['in_sample_rmse']:.4f}. "
            "low, median and high: the best tenth of the design points (ABC rejection).</p>"
            + table(rows[["parameter", "fitted", "low", "median", "high"]])
        )
    parts.append("<h2>Per state</h2>" + table(pd.read_csv(folder / "per_state.csv"), 3))
    parts.append("<h2>Plots</h2>" + "".join(image(p, p.stem) for p in sorted(folder.glob("*.png"))))
    parts.append(_provenance(manifest))
    return name, "\n".join(parts)


def _discovery_sections(folder: Path, manifest: Manifest) -> tuple[str, str]:
    from laossim.discovery import load

    found = load(folder)
    source, cases = manifest["source"], found["cases"]
    boxes, trajectory, cart = found["boxes"], found["trajectory"], found["cart"]
    chosen = trajectory[trajectory.chosen].iloc[0]
    hits = int(cases.of_interest.sum())
    name = f"Scenario discovery: {manifest.get('condition', manifest['where'])}"
    shown = boxes[["dimension", "restricted", "low", "high", "values", "full_low", "full_high", "stability", "qp_low",
                   "qp_high"]]  # fmt: skip
    if not shown["values"].astype(bool).any():
        shown = shown.drop(columns="values")
    parts = [
        f"<h1>{_e(name)}</h1>",
        f"<p class='muted'>Over the {len(cases)} finished runs of the {_e(source.get('kind'))} "
        f"{_e(source.get('experiment') or source.get('folder'))} ({_e(source.get('folder'))}); each output's value for "
        f"a run is its mean over the final summary window. The condition holds in {hits} runs "
        f"({hits / max(len(cases), 1):.0%}).</p>",
        f"<h2>PRIM's box</h2><p>Coverage {chosen.coverage:.3f} (the share of the runs of interest inside the box), "
        f"density {chosen.density:.3f} (the share of the box's runs that are of interest); {int(chosen.runs)} runs, "
        f"{int(chosen.restricted)} input(s) restricted. Stability: the share of PRIM runs on random halves of the "
        "runs that restrict the input; qp: PRIM's quasi-p-value of each side's restriction, small when the "
        "restriction is no chance (docs/decisions.md).</p>" + table(shown),
    ]
    plots = folder / "plots"
    for stem, alt in (("tradeoff", "coverage against density"), ("box", "the box"), ("cart", "the CART tree")):
        if (plots / f"{stem}.png").exists():
            parts.append(image(plots / f"{stem}.png", alt))
    parts.append(
        "<h2>CART leaves</h2><p class='muted'>A decision tree's leaves, densest first: a second view of where the "
        "runs of interest lie.</p>" + table(cart)
    )
    parts.append(
        f"<details><summary>PRIM's peeling trajectory ({len(trajectory)} boxes)</summary>{table(trajectory)}</details>"
    )
    parts.append(_provenance(manifest))
    return name, "\n".join(parts)


def _robust_sections(folder: Path, manifest: Manifest) -> tuple[str, str]:
    """A robust folder: the question (its lever settings and uncertainties), the criteria, the
    metrics per score with their intervals, the ranking against the MIDs and the plots."""
    from laossim.robust_analysis import RobustError, written

    name = manifest.get("experiment", folder.name)
    definition = manifest.get("experiment_definition", {})
    parts = [
        f"<h1>{_e(name)}</h1>",
        f"<p class='muted'>Robust experiment: {len(manifest['levers'])} lever settings, each on the same "
        f"{_e(manifest['design'].get('samples') or 'grid of')} sampled futures x {manifest.get('replications')} "
        f"replication(s) of {manifest.get('steps')} steps, root seed {manifest.get('root_seed')} (common random "
        "numbers: every setting meets every future with the same seeds)</p>",
        f"<p>{_e(definition.get('description') or '')}</p>",
        "<h2>Lever settings</h2>"
        + table(
            pd.DataFrame(
                [
                    (k, "; ".join(f"{p} = {v}" for p, v in s.items()) or "the scenario as written")
                    for k, s in manifest["levers"].items()
                ],
                columns=["setting", "what it sets"],
            )
        ),
        "<h2>Uncertainties</h2>"
        + table(
            pd.DataFrame([(k, _spread(v)) for k, v in manifest["vary"].items()], columns=["field", "range or set"])
        ),
    ]
    try:
        tables = written(folder)
    except RobustError as exc:
        parts.append(f"<p class='crisis'>Not analysed yet: {_e(exc)}</p>")
        parts.append(_provenance(manifest))
        return name, "\n".join(parts)
    parts.append(
        "<h2>Criteria</h2><p class='muted'>Satisficing: the share of futures whose mean reaches the threshold. "
        "Domain (Starr): the share of futures in which the setting's regret is within the tolerance, each "
        "score's minimal important difference (MID) unless the file gives one.</p>" + table(tables["criteria"])
    )
    robustness = tables["robustness"]
    for score, rows in robustness.groupby("score", sort=False):
        shown = rows.assign(cell=[f"{v:.4f} [{lo:.4f}, {hi:.4f}]" for v, lo, hi in
                                  zip(rows.value, rows.ci_low, rows.ci_high, strict=True)])  # fmt: skip
        wide = shown.pivot(index="setting", columns="metric", values="cell").reindex(
            index=list(dict.fromkeys(rows.setting)), columns=list(dict.fromkeys(rows.metric))
        )
        parts.append(f"<h2>{_e(score)}</h2>" + wide.reset_index().to_html(index=False, border=0, escape=True))
    parts.append(
        "<h2>Ranking</h2><p class='muted'>Per score, the settings by mean and each paired difference (95% CI "
        "over the replications) against the MID: larger than the MID when the whole interval lies beyond it, "
        "smaller when it lies within it.</p>" + table(tables["ranking"])
    )
    plots = sorted((folder / "plots").glob("*.png"))
    if plots:
        parts.append("<h2>Plots</h2>" + "".join(image(p, p.stem) for p in plots))
    parts.append(_provenance(manifest))
    return name, "\n".join(parts)


def _spread(spec: object) -> str:
    """An uncertainty as a reader reads it: ``0.2 to 0.7`` for a range, the values of a set."""
    if isinstance(spec, dict):
        return f"{spec['from']:g} to {spec['to']:g}"
    return ", ".join(str(v) for v in spec) if isinstance(spec, list) else str(spec)


def _years(span: list[int] | None) -> str:
    return f"{span[0]}-{span[1]}" if span else ""


SECTIONS: dict[str, Callable[[Path, Manifest], tuple[str, str]]] = {
    "run": _run_sections,
    "sweep": _sweep_sections,
    "backtest": _backtest_sections,
    "discovery": _discovery_sections,
    "robust": _robust_sections,
}
"""What a report shows of each kind of results folder (:data:`laossim.vocab.RESULT_KINDS`)."""


def _provenance(manifest: Manifest) -> str:
    rows = [
        ("git commit", manifest.get("git_commit")),
        ("started", manifest.get("started")),
        ("finished", manifest.get("finished")),
        ("root seed", manifest.get("root_seed")),
        *[(f"version of {k}", v) for k, v in (manifest.get("versions") or {}).items()],
        *[(f"input {i['path']}", f"sha256 {i['sha256']}") for i in manifest.get("inputs") or []],
        *[("override", o) for o in manifest.get("overrides") or []],
    ]
    body = "".join(f"<tr><td>{_e(k)}</td><td style='text-align:left'>{_e(v)}</td></tr>" for k, v in rows if v)
    return f"<h2>Provenance</h2><table>{body}</table>"
