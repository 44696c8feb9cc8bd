"""The ``laossim`` command: a thin layer over the Python API.

Exit codes: 0 success; 1 a run failed; 2 bad input (every problem printed as
FILE:LINE: field: problem) or a refusal that protects data; 130 interrupted by
Ctrl-C, 143 by SIGTERM (handled alike: nothing half-written is left).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

from laossim import __version__
from laossim.errors import RefusedError, ResultsError, ScenarioError

BAD_INPUT = 2


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where Ctrl-C would be so that every command cleans up alike."""


def _on_sigterm(signum: int, frame: object) -> None:
    raise Terminated()


def _table(summary, scores: Sequence[str]) -> str:
    rows = summary.set_index("score").loc[list(scores)]
    lines = [f"{'score':<26}{'mean':>8}   {'95% CI':<17}", "-" * 53]
    for name, row in rows.iterrows():
        ci = "n/a (1 replication)" if row["n"] < 2 else f"[{row['ci_low']:.3f}, {row['ci_high']:.3f}]"
        lines.append(f"{name:<26}{row['mean']:>8.3f}   {ci}")
    return "\n".join(lines)


def cmd_run(args: argparse.Namespace) -> int:
    from laossim.folders import check_folder
    from laossim.metrics import COLUMNS
    from laossim.results import default_folder
    from laossim.runs import run
    from laossim.scenario import load_resolved

    resolved = load_resolved(args.scenario, args.set)
    out = Path(args.out) if args.out else default_folder(resolved.scenario.scenario)
    check_folder(out, inputs=[path for path, _ in resolved.files], force=args.force)
    result = run(resolved, seed=args.seed, replications=args.replications, steps=args.steps, progress=True)
    sim = result.scenario.simulation
    print(
        f"{result.scenario.scenario}: {result.provenance['replications']} replication(s) x "
        f"{result.provenance['steps']} steps ({sim.time_unit.value}s from {sim.start}), seed {result.seed}"
    )
    print(_table(result.summary, COLUMNS if args.all_scores else COLUMNS[:4]))
    result.save(out, csv=args.csv, force=args.force)
    print(f"\nresults written to {out}/ (plots in {out}/plots/)")
    if args.report:
        from laossim.report import report

        print(f"report: {report(out)}")
    return 0


CALIBRATION_DEFAULTS: dict[str, object] = {
    "points": 64,
    "calibration_replications": 8,
    "refine": 60,
    "executor": "process",
    "workers": None,
}
"""The backtest's calibration options and their defaults (they apply only with --calibrate)."""


def cmd_backtest(args: argparse.Namespace) -> int:
    import time

    given = [name for name in CALIBRATION_DEFAULTS if getattr(args, name) is not None]
    if given and not args.calibrate:
        options = ", ".join(f"--{name.replace('_', '-')}" for name in given)
        verb = "applies" if len(given) == 1 else "apply"
        print(f"laossim: {options} only {verb} with --calibrate; add --calibrate or drop them", file=sys.stderr)
        return BAD_INPUT
    for name, value in CALIBRATION_DEFAULTS.items():
        if getattr(args, name) is None:
            setattr(args, name, value)
    if args.calibrate:
        _early_pool(args.executor)
    from laossim.backtest import data
    from laossim.backtest.calibrate import CalibrationError
    from laossim.folders import atomic_folder, check_folder
    from laossim.results import default_folder

    out = Path(args.out) if args.out else default_folder(f"backtest-{Path(args.scenario).stem}")
    check_folder(out, inputs=[args.scenario, data.UNGA_FILE, data.CINC_FILE], force=args.force)
    started = time.perf_counter()
    try:
        with atomic_folder(out, replace=args.force) as tmp:
            _backtest_into(args, tmp)
    except CalibrationError as exc:
        print(f"laossim: {exc}", file=sys.stderr)
        return 1
    extra = "; calibration.png: the error over the design" if args.calibrate else ""
    print(
        f"\nwritten to {out}/ in {time.perf_counter() - started:.0f} s "
        f"(backtest.png: simulated bands against the observed points{extra})"
    )
    return 0


def _backtest_into(args: argparse.Namespace, folder: Path) -> None:
    """Calibrate if asked, then run the backtest and write its tables and plots into ``folder``."""
    from laossim.backtest.compare import COMPARED, backtest, write

    fitted = None
    if args.calibrate:
        from laossim.backtest import calibrate, data, observation

        print(
            f"calibrating {', '.join(calibrate.PARAMETERS)} on 2000-2016: {args.points} points x "
            f"{args.calibration_replications} replications, then up to {args.refine} refinement steps"
        )
        cal = calibrate.calibrate(
            args.scenario,
            observation.observed(data.unga(), list(COMPARED)),
            folder / "calibration",
            points=args.points,
            replications=args.calibration_replications,
            refine=args.refine,
            seed=args.seed,
            executor=args.executor,
            workers=args.workers,
        )
        fitted = cal.fitted
        calibrate.write(cal, folder)
        with_pandas_width()
        print(f"\nfitted in {cal.seconds:.0f} s ({cal.runs} runs); in-sample RMSE {cal.error:.4f}")
        print(calibrate.fitted_table(cal).to_string(index=False))
    bt = backtest(args.scenario, replications=args.replications, seed=args.seed, fitted=fitted)
    with_pandas_width()
    print("\nCentred China lean of VNM, THA, KHM, MMR, LAO and JPN against UN General Assembly voting")
    print(bt.scores.round(3).to_string(index=False))
    print("\nPer state:")
    print(bt.per_state.round(3).to_string(index=False))
    settings = {k: getattr(args, k) for k in ("replications", "seed", "calibrate")}
    if args.calibrate:
        settings |= {k: getattr(args, k) for k in ("points", "calibration_replications", "refine", "executor")}
    write(bt, folder, args.scenario, settings)


def cmd_report(args: argparse.Namespace) -> int:
    from laossim.report import ReportError, report

    try:
        path = report(args.folder, args.out, force=args.force)
    except ReportError as exc:
        print(f"laossim: {exc}", file=sys.stderr)
        return BAD_INPUT
    print(f"report written to {path}")
    return 0


def cmd_app(args: argparse.Namespace) -> int:
    import importlib.util
    import os
    import subprocess

    from laossim.model import shipped_scenario
    from laossim.scenario import load_scenario

    path = Path(args.scenario) if args.scenario else shipped_scenario()
    load_scenario(path)  # a broken scenario is reported here, not in the browser
    if importlib.util.find_spec("solara") is None:
        print("laossim: the app needs its extra: pip install -e '.[app]'", file=sys.stderr)
        return BAD_INPUT
    env = os.environ | {
        "LAOSSIM_APP_SCENARIO": str(path.resolve()),
        "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False",
        "SOLARA_CHECK_HOOKS": "off",  # its one warning is about Mesa's own SolaraViz code
    }
    command = [
        sys.executable,
        "-m",
        "solara",
        "run",
        "laossim.app.page",
        "--host",
        args.host,
        "--port",
        str(args.port),
        "--production",
        "--no-check-version",
        "--no-open",
    ]
    print(f"laossim app: {path.stem} on http://{args.host}:{args.port}/ (Ctrl-C stops it)", flush=True)
    server = subprocess.Popen(command, env=env)

    def forward(signum: int, frame: object) -> None:  # the server must free its port too
        server.send_signal(signum)

    previous = {s: signal.signal(s, forward) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        code = server.wait()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 0 if code in (0, -signal.SIGINT, -signal.SIGTERM) else code


def cmd_validate(args: argparse.Namespace) -> int:
    from laossim.scenario import dump_yaml, load_resolved

    failed = False
    for path in args.files:
        try:
            resolved = load_resolved(path, args.set)
        except ScenarioError as exc:
            print(exc.render(), file=sys.stderr)
            failed = True
            continue
        if args.resolved:
            print(f"# {path} resolved\n{dump_yaml(resolved.scenario)}")
        else:
            print(f"{path}: valid ({len(resolved.scenario.states)} states, {len(resolved.scenario.events)} events)")
    return BAD_INPUT if failed else 0


def cmd_schema(args: argparse.Namespace) -> int:
    from laossim.scenario import Scenario

    print(json.dumps(Scenario.model_json_schema(), indent=2))
    return 0


def cmd_params(args: argparse.Namespace) -> int:
    from laossim.scenario.docs import parameter_table

    print(parameter_table())
    return 0


def cmd_landscape(args: argparse.Namespace) -> int:
    from laossim.folders import check_file, write_file
    from laossim.landscape_report import analyse, is_landscape_file, render, scenario_landscape
    from laossim.scenario import load_scenario
    from laossim.scenario.landscape_file import dump_landscape, load_landscape

    if args.export:
        check_file(Path(args.export), inputs=[args.file], force=args.force, option="--export")
    if is_landscape_file(args.file):
        if args.step is not None:
            print("laossim: --step applies to scenario files, not landscape files", file=sys.stderr)
            return BAD_INPUT
        spec = load_landscape(args.file)
        sources = None
    else:
        scenario = load_scenario(args.file, args.set)
        step = 0 if args.step is None else args.step
        if not 0 <= step <= scenario.simulation.steps:
            print(f"laossim: --step must be between 0 and {scenario.simulation.steps}, got {step}", file=sys.stderr)
            return BAD_INPUT
        spec = scenario_landscape(scenario, step)
        sources = [s.model_dump() for s in scenario.sources]
    if args.export:
        spec = dataclasses.replace(spec, name=Path(args.export).stem)
        text = dump_landscape(spec, sources)
        write_file(Path(args.export), lambda tmp: tmp.write_text(text, encoding="utf-8"))
    report = analyse(spec, args.coalitions, args.rule, args.seed, args.starts)
    print(json.dumps(report, indent=2) if args.json else render(report, args.top))
    return 0


def _early_pool(executor: str) -> None:
    """Start a process pool's server before this command imports and loads anything heavy."""
    if executor == "process":
        from laossim.experiment import forkserver

        forkserver.start()


def cmd_sweep(args: argparse.Namespace) -> int:
    _early_pool(args.executor)
    from laossim.experiment.load import load_experiment
    from laossim.experiment.sweep import SweepInterrupted, sweep

    loaded = load_experiment(args.experiment)
    out = Path(args.out) if args.out else Path("results") / f"sweep-{loaded.experiment.experiment}"
    try:
        summary = sweep(
            loaded,
            out,
            executor=args.executor,
            workers=args.workers,
            resume=args.resume,
            limit=args.limit,
            progress=not args.quiet,
        )
    except SweepInterrupted as exc:
        print(
            f"laossim: interrupted; {exc.finished} of {exc.runs} runs are finished and kept in {exc.out}/: "
            f"laossim sweep {args.experiment} --out {exc.out} --resume continues",
            file=sys.stderr,
        )
        return _interrupted_code(exc)
    print(
        f"{loaded.experiment.experiment}: {summary.runs} runs in the design; {summary.skipped} already done, "
        f"{summary.done} done now, {summary.failed} failed ({summary.seconds:.1f} s). Results in {out}/"
    )
    if summary.failed:
        print(f"laossim: {summary.failed} run(s) failed: tracebacks in {out}/status/", file=sys.stderr)
        return 1
    return 0


def cmd_analyze(args: argparse.Namespace) -> int:
    from laossim.analysis import AnalysisError, analyze

    try:
        tables = analyze(args.folder, tuple(args.pair) if args.pair else None)
    except AnalysisError as exc:
        print(f"laossim: {exc}", file=sys.stderr)
        return BAD_INPUT
    with_pandas_width()
    points = tables["points"]
    shown = points[[c for c in points.columns if not c.endswith(("_ci_low", "_ci_high"))]].round(4)
    if len(shown) > 40:
        print(shown.head(10).to_string(index=False))
        print(f"   ... and {len(shown) - 10} more design points (all in points.csv, with 95% CIs)")
    else:
        print(shown.to_string(index=False))
    if "indices" in tables:
        print()
        print(tables["indices"].round(4).to_string(index=False))
    print(f"\nanalysis written to {Path(args.folder) / 'analysis'}/")
    return 0


def cmd_compare(args: argparse.Namespace) -> int:
    from laossim.folders import check_file, write_file
    from laossim.metrics import COLUMNS
    from laossim.runs import compare

    if args.plot:
        from laossim.plotting import plt

        formats = plt.figure().canvas.get_supported_filetypes()
        plt.close("all")
        if Path(args.plot).suffix.lstrip(".").lower() not in formats:
            print(
                f"laossim: --plot {args.plot}: the file name must end in an image format's extension "
                f"(.png, .pdf, .svg, ...; got {Path(args.plot).suffix or 'none'})",
                file=sys.stderr,
            )
            return BAD_INPUT
        check_file(Path(args.plot), inputs=[args.a, args.b], force=args.force, option="--plot")
    result = compare(args.a, args.b, replications=args.replications, steps=args.steps, progress=True)
    a, b = result.a, result.b
    print(
        f"{b.scenario.scenario} minus {a.scenario.scenario}: {a.provenance['replications']} paired replications "
        f"of {result.steps} steps (common random numbers, seed {a.seed}), "
        f"final {a.scenario.parameters.scores.summary_window:g} years"
    )
    print(f"{'score':<26}{'difference':>11}   {'95% CI':<19} distinguishable")
    for row in (
        result.differences.set_index("score").loc[list(COLUMNS if args.all_scores else COLUMNS[:4])].itertuples()
    ):
        sure = "yes" if row.ci_low > 0 or row.ci_high < 0 else "no"
        print(f"{row.Index:<26}{row.difference:>+11.4f}   [{row.ci_low:+.4f}, {row.ci_high:+.4f}]  {sure}")
    if args.plot:
        from laossim.plotting import paired_differences_figure, plt

        title = f"{b.scenario.scenario} minus {a.scenario.scenario}"
        fig = paired_differences_figure(b.timeseries, a.timeseries, title)
        write_file(Path(args.plot), lambda tmp: fig.savefig(tmp, dpi=110, format=Path(args.plot).suffix[1:]))
        plt.close(fig)
        print(f"plot written to {args.plot}")
    return 0


def with_pandas_width() -> None:
    import pandas as pd

    pd.set_option("display.width", 200)
    pd.set_option("display.max_columns", 50)


FORCE_FOLDER = "replace a laossim results folder at --out (never a folder of other files, nor a file)"


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="laossim", description="Scenario simulation engine for the military diplomacy of Laos."
    )
    p.add_argument("--version", action="version", version=f"laossim {__version__}")
    sub = p.add_subparsers(dest="command", required=True)

    r = sub.add_parser("run", help="run a scenario and write its results folder")
    r.add_argument("scenario", help="scenario YAML file, e.g. scenarios/laos_baseline.yaml")
    r.add_argument("--out", help="results folder (default results/<scenario>-<timestamp>)")
    r.add_argument("--seed", type=int, help="root seed (default simulation.seed)")
    r.add_argument("--replications", type=int, help="default simulation.replications")
    r.add_argument("--steps", type=int, help="default simulation.steps")
    r.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="PATH=VALUE",
        help="override a scenario value, e.g. --set states.LAO.autonomy=0.5 (repeatable)",
    )
    r.add_argument("--csv", action="store_true", help="also write CSV copies of the tables")
    r.add_argument("--force", action="store_true", help=FORCE_FOLDER)
    r.add_argument("--all-scores", action="store_true", help="print the score components too")
    r.add_argument("--report", action="store_true", help="also write report.html (self-contained) in the folder")
    r.set_defaults(func=cmd_run)

    bt = sub.add_parser("backtest", help="score a scenario from 2000 against UN voting, 2000-2016 and 2017-2023")
    bt.add_argument("scenario", help="e.g. scenarios/backtest_2000.yaml")
    bt.add_argument("--replications", type=int)
    bt.add_argument("--seed", type=int)
    bt.add_argument("--out", help="folder for the tables and the plot (default results/backtest-<scenario>-<time>)")
    bt.add_argument(
        "--calibrate", action="store_true", help="first fit the calibrated parameters on 2000-2016 (hold-out unseen)"
    )
    bt.add_argument("--force", action="store_true", help=FORCE_FOLDER)
    cal = bt.add_argument_group("calibration (with --calibrate)")
    cal.add_argument("--points", type=int, help="Latin-hypercube points (default 64)")
    cal.add_argument("--calibration-replications", type=int, help="runs per point (default 8)")
    cal.add_argument("--refine", type=int, help="most Nelder-Mead evaluations (default 60; 0 none)")
    cal.add_argument("--executor", help="where runs go: process (default), serial, dask, dask://HOST:PORT")
    cal.add_argument("--workers", type=int, help="worker processes (default: all cores)")
    bt.set_defaults(func=cmd_backtest)

    rp = sub.add_parser("report", help="one self-contained HTML report of a run, sweep or backtest folder")
    rp.add_argument("folder", help="a folder written by laossim run, sweep or backtest")
    rp.add_argument("--out", help="the HTML file (default FOLDER/report.html)")
    rp.add_argument("--force", action="store_true", help="replace the HTML file if it exists")
    rp.set_defaults(func=cmd_report)

    ap = sub.add_parser("app", help="the classroom app in the browser (needs the app extra)")
    ap.add_argument("scenario", nargs="?", help="scenario to open (default the baseline; others in the picker)")
    ap.add_argument("--host", default="127.0.0.1", help="address to serve on (default 127.0.0.1)")
    ap.add_argument("--port", type=int, default=8765, help="port (default 8765; 0 picks a free one)")
    ap.set_defaults(func=cmd_app)

    v = sub.add_parser("validate", help="check scenario files; exit 2 with every problem")
    v.add_argument("files", nargs="+")
    v.add_argument("--resolved", action="store_true", help="print each scenario after extends and overrides")
    v.add_argument("--set", action="append", default=[], metavar="PATH=VALUE")
    v.set_defaults(func=cmd_validate)

    s = sub.add_parser("schema", help="print the JSON Schema of scenario files")
    s.set_defaults(func=cmd_schema)

    la = sub.add_parser("landscape", help="minima, basins and structural balance of a landscape or scenario")
    la.add_argument("file", help="a landscape file (landscapes/*.yaml) or a scenario file")
    la.add_argument("--coalitions", type=int, default=2, help="number of coalitions K (default 2)")
    la.add_argument("--top", type=int, help="show the N lowest minima")
    la.add_argument("--json", action="store_true", help="print the report as JSON")
    la.add_argument("--step", type=int, help="for a scenario: the step whose world is analysed (default 0)")
    la.add_argument("--rule", choices=["steepest", "random"], default="steepest", help="descent rule for basins")
    la.add_argument("--seed", type=int, default=0, help="seed of the random rule and of multi-start search")
    la.add_argument("--starts", type=int, help="starts of the multi-start search (large landscapes)")
    la.add_argument("--set", action="append", default=[], metavar="PATH=VALUE", help="scenario override")
    la.add_argument("--export", metavar="PATH", help="also write the analysed landscape as a landscape file")
    la.add_argument("--force", action="store_true", help="replace the --export file if it exists")
    la.set_defaults(func=cmd_landscape)

    sw = sub.add_parser("sweep", help="run an experiment's design: crash-safe, resumable, on processes or Dask")
    sw.add_argument("experiment", help="experiment YAML file, e.g. experiments/debt_leverage_grid.yaml")
    sw.add_argument("--out", help="sweep folder (default results/sweep-<experiment>)")
    sw.add_argument("--executor", default="process", help="process (default), serial, dask, or dask://HOST:PORT")
    sw.add_argument("--workers", type=int, help="worker processes (default: all cores)")
    sw.add_argument("--resume", action="store_true", help="continue the sweep in --out, skipping finished runs")
    sw.add_argument("--limit", type=int, help="submit at most this many runs (try a design quickly)")
    sw.add_argument("--quiet", action="store_true", help="no progress bar (the summary line is still printed)")
    sw.set_defaults(func=cmd_sweep)

    an = sub.add_parser("analyze", help="summaries, sensitivity indices and plots of a sweep folder")
    an.add_argument("folder")
    an.add_argument(
        "--pair",
        nargs=2,
        metavar=("X", "Y"),
        help="the two varied paths of the heatmap (default: the most influential)",
    )
    an.set_defaults(func=cmd_analyze)

    co = sub.add_parser("compare", help="paired comparison of two scenarios with common random numbers")
    co.add_argument("a", help="the reference scenario")
    co.add_argument("b", help="the scenario compared with it")
    co.add_argument("--replications", type=int)
    co.add_argument("--steps", type=int)
    co.add_argument("--plot", metavar="PNG", help="write the paired differences over time")
    co.add_argument("--force", action="store_true", help="replace the --plot file if it exists")
    co.add_argument("--all-scores", action="store_true")
    co.set_defaults(func=cmd_compare)

    pa = sub.add_parser("params", help="print every mechanism parameter with its default (Markdown)")
    pa.set_defaults(func=cmd_params)
    return p


def _positive(args: argparse.Namespace) -> str | None:
    if (getattr(args, "refine", None) or 0) < 0:
        return f"--refine must be at least 0 (got {args.refine})"
    for name in ("replications", "steps", "coalitions", "top", "starts", "workers", "limit", "points",
                 "calibration_replications"):  # fmt: skip
        value = getattr(args, name, None)
        least = 2 if name == "coalitions" else 1
        if value is not None and value < least:
            return f"--{name.replace('_', '-')} must be at least {least} (got {value})"
    return None


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``laossim`` console script and ``python -m laossim``."""
    args = parser().parse_args(argv)
    problem = _positive(args)
    if problem:
        print(f"laossim: {problem}", file=sys.stderr)
        return BAD_INPUT
    _show_notices()
    previous = signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        return args.func(args)
    except ScenarioError as exc:
        print(exc.render(), file=sys.stderr)
        return BAD_INPUT
    except (RefusedError, ResultsError) as exc:
        print(f"laossim: {exc}", file=sys.stderr)
        return BAD_INPUT
    except OSError as exc:
        print(f"laossim: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), file=sys.stderr)
        return 1
    except KeyboardInterrupt as exc:
        print("laossim: interrupted; nothing half-written was left", file=sys.stderr)
        return _interrupted_code(exc)
    finally:
        signal.signal(signal.SIGTERM, previous)


def _interrupted_code(exc: BaseException) -> int:
    """130 for Ctrl-C, 143 for SIGTERM (128 plus the signal's number, as shells report them)."""
    while exc is not None:
        if isinstance(exc, Terminated):
            return 128 + signal.SIGTERM
        exc = exc.__cause__ or exc.__context__  # type: ignore[assignment]
    return 128 + signal.SIGINT


def _show_notices() -> None:
    """laossim's warnings (a stale temporary folder removed, a killed sweep's lock taken over) on
    stderr, as ``laossim: message``."""
    logger = logging.getLogger("laossim")
    if not any(isinstance(h, _Notices) for h in logger.handlers):
        logger.addHandler(_Notices())
        logger.setLevel(logging.WARNING)


class _Notices(logging.Handler):
    """Prints a record to whatever ``sys.stderr`` is when it is emitted."""

    def emit(self, record: logging.LogRecord) -> None:
        print(f"laossim: {record.getMessage()}", file=sys.stderr)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
