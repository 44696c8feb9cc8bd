"""``laossim backtest``: the region from 2000 scored against UN voting, optionally calibrated first."""

from __future__ import annotations

import argparse
import dataclasses
import time
from pathlib import Path
from typing import TYPE_CHECKING

from laossim.cli.common import FORCE_FOLDER, at_least, given, start_pool_early, with_pandas_width
from laossim.errors import UsageError

if TYPE_CHECKING:
    from laossim.backtest.calibrate import Options

CALIBRATION_OPTIONS = {"points": "points", "calibration_replications": "replications", "refine": "refine",
                       "executor": "executor", "workers": "workers"}  # fmt: skip
"""Each calibration option's destination and the field of ``calibrate.Options`` it sets."""


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("backtest", help="score a scenario from 2000 against UN voting, 2000-2016 and 2017-2023")
    p.add_argument("scenario", help="e.g. scenarios/backtest_2000.yaml")
    p.add_argument("--replications", type=at_least(1))
    p.add_argument("--seed", type=at_least(0), help="root seed (default simulation.seed)")
    p.add_argument("--out", help="folder for the tables and the plot (default results/backtest-<scenario>-<time>)")
    p.add_argument(
        "--calibrate", action="store_true", help="first fit the calibrated parameters on 2000-2016 (hold-out unseen)"
    )
    p.add_argument(
        "--rolling",
        action="store_true",
        help="forecast every state's ideal point from each origin 2005-2022 (1-7 years ahead) against naive forecasts",
    )
    p.add_argument("--force", action="store_true", help=FORCE_FOLDER)
    cal = p.add_argument_group("calibration (with --calibrate)")
    cal.add_argument("--points", type=at_least(1), help="Latin-hypercube points (default 64)")
    cal.add_argument("--calibration-replications", type=at_least(1), help="runs per point (default 8)")
    cal.add_argument("--refine", type=at_least(0), help="most Nelder-Mead evaluations (default 60; 0 none)")
    cal.add_argument("--executor", help="where runs go: process (default), serial, dask, dask://HOST:PORT")
    cal.add_argument("--workers", type=at_least(1), help="worker processes (default: all cores)")
    p.set_defaults(handle=handle)


def handle(args: argparse.Namespace) -> int:
    chosen = {field: getattr(args, dest) for dest, field in CALIBRATION_OPTIONS.items()}
    named = [f"--{dest.replace('_', '-')}" for dest in CALIBRATION_OPTIONS if getattr(args, dest) is not None]
    if named and not args.calibrate:
        verb = "applies" if len(named) == 1 else "apply"
        raise UsageError(f"{', '.join(named)} only {verb} with --calibrate; add --calibrate or drop them")
    if args.rolling and args.calibrate:
        raise UsageError("--rolling estimates its coefficients at each origin; drop --calibrate (or --rolling)")
    if args.calibrate:
        start_pool_early(args.executor)
    from laossim.backtest import data, ideal_points
    from laossim.backtest.calibrate import Options
    from laossim.backtest.compare import check_covers
    from laossim.folders import atomic_folder, check_folder
    from laossim.results import default_folder
    from laossim.scenario import load_resolved

    options = Options.given(**chosen) if args.calibrate else None
    out = Path(args.out) if args.out else default_folder(f"backtest-{Path(args.scenario).stem}")
    resolved = load_resolved(args.scenario)
    scenario_files = [path for path, _ in resolved.files]
    if args.rolling:
        from laossim.backtest import rolling

        rolling.check_covers(resolved.scenario, args.scenario)
        check_folder(out, inputs=[*scenario_files, ideal_points.FILE, data.CINC_FILE], force=args.force)
        started = time.perf_counter()
        with atomic_folder(out, replace=args.force) as tmp:
            _rolling_into(args, tmp)
        print(
            f"\nwritten to {out}/ in {time.perf_counter() - started:.0f} s (forecasts.csv: the model's forecasts; "
            "fans.png: forecasts against the observed points; skill_by_horizon.png: RMSE by horizon)"
        )
        return 0
    check_covers(resolved.scenario, args.scenario)
    check_folder(out, inputs=[*scenario_files, ideal_points.FILE, data.CINC_FILE], force=args.force)
    started = time.perf_counter()
    with atomic_folder(out, replace=args.force) as tmp:
        _backtest_into(args, options, tmp)
    extra = "; calibration.png: the error over the design" if args.calibrate else ""
    print(
        f"\nwritten to {out}/ in {time.perf_counter() - started:.0f} s "
        f"(backtest.png: simulated bands against the observed points{extra})"
    )
    return 0


def _rolling_into(args: argparse.Namespace, folder: Path) -> None:
    """Run the rolling backtest and write its forecasts, scores and plots into ``folder``."""
    from tqdm.auto import tqdm

    from laossim.backtest import data, ideal_points, naive, rolling, rolling_output
    from laossim.scenario import load_scenario

    observed, cinc = ideal_points.load(), data.cinc()
    replications = args.replications or rolling.REPLICATIONS
    seed = rolling.SEED if args.seed is None else args.seed
    print(
        f"forecasting from {len(naive.ORIGINS)} origins ({min(naive.ORIGINS)}-{max(naive.ORIGINS)}), "
        f"{replications} replications each, the model with and without its structural terms"
    )
    with tqdm(total=len(naive.ORIGINS), desc="origins", unit="origin") as bar:
        result = rolling.rolling(
            load_scenario(args.scenario), observed, cinc, replications=replications, seed=seed,
            progress=lambda _: bar.update(),
        )  # fmt: skip
    settings = {"replications": replications, "seed": seed}
    scores, dm = rolling_output.write(
        result, observed, folder, args.scenario, settings, [ideal_points.FILE, data.CINC_FILE]
    )
    with_pandas_width()
    columns = ["method", "breaks", "rolling_rmse", "rolling_crps", "fixed_rmse", "asean_tau"]
    print("\nCentred ideal points, rolling origins 2005-2018 x horizons 1-5, and the fixed split from 2016")
    print(scores[columns].round(4).to_string(index=False))
    print("\nDiebold-Mariano, horizons 3-5 (negative: the first is better):")
    print(dm.round(3).to_string(index=False))


def _backtest_into(args: argparse.Namespace, options: Options | None, folder: Path) -> None:
    """Calibrate if asked, then run the backtest and write its tables and plots into ``folder``."""
    from laossim.backtest import calibrate
    from laossim.backtest.compare import COMPARED, backtest, observed, write

    fitted = None
    if options is not None:
        print(
            f"calibrating {', '.join(calibrate.PARAMETERS)} on 2000-2016: {options.points} points x "
            f"{options.replications} replications, then up to {options.refine} refinement steps"
        )
        cal = calibrate.calibrate(
            args.scenario,
            observed(),
            folder / "calibration",
            seed=args.seed,
            **dataclasses.asdict(options),
        )
        fitted = cal.fitted
        calibrate.write(cal, folder)
        with_pandas_width()
        print(f"\nfitted in {cal.seconds:.0f} s ({cal.runs} runs); in-sample RMSE {cal.error:.4f}")
        print(calibrate.fitted_table(cal).to_string(index=False))
    bt = backtest(args.scenario, fitted=fitted, **given(replications=args.replications, seed=args.seed))
    with_pandas_width()
    print(f"\nCentred UN General Assembly ideal points of {', '.join(COMPARED)}: simulated against observed")
    print(bt.scores.round(3).to_string(index=False))
    print("\nPer state:")
    print(bt.per_state.round(3).to_string(index=False))
    settings = {"replications": args.replications, "seed": args.seed, "calibrate": args.calibrate}
    if options is not None:
        chosen = dataclasses.asdict(options)
        settings |= {dest: chosen[field] for dest, field in CALIBRATION_OPTIONS.items() if dest != "workers"}
    write(bt, folder, args.scenario, settings)
