"""Scenario discovery: which inputs of a sweep mark the runs where a condition holds.

``laossim discover SWEEP --where "focal_security < 0.5"`` reads a folder of many
runs (a sweep, or any kind laid out as one), marks each finished run of
interest when its outputs meet the condition (:mod:`laossim.conditions`; an
output's value for a run is its mean over the final summary window, the value
``laossim analyze`` and :func:`laossim.results.load` give), and describes the
region of the inputs where those runs lie:

* PRIM (the patient rule induction method of Friedman and Fisher, 1999, as
  Bryant and Lempert, 2010, use it for scenario discovery), from EMA
  Workbench (BSD-3), peels the input space to a box; the box is chosen from
  its peeling trajectory as the one of the largest coverage whose density
  reaches ``threshold`` (the densest when none does), and each dimension's
  stability is the share of PRIM runs on random halves of the runs that
  restrict it in their box of the nearest coverage (EMA's ``resample``);
* CART (scikit-learn's decision tree) gives a second view: rules that
  split runs of interest from the others.

It reads result tables only and never runs a model. The folder it writes is a
results kind like any other (``discovery`` in :data:`laossim.vocab.RESULT_KINDS`):
``boxes.csv``, ``trajectory.csv``, ``cases.csv`` (every run's inputs, the
outputs the condition reads, whether it is of interest and in the box),
``cart.csv`` and ``cart.txt``, ``plots/`` and ``summary.md``, written atomically;
``docs/decisions.md`` explains how to read them.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from laossim import manifest, results
from laossim.conditions import Condition, parse
from laossim.errors import ResultsError, UsageError
from laossim.folders import atomic_folder, check_folder

if TYPE_CHECKING:
    from matplotlib.figure import Figure

MIN_RUNS = 50
"""Fewer finished runs than this and PRIM's boxes are noise: discover refuses."""
MIN_CASES = 10
"""Fewer runs of interest (or fewer not of interest) than this and there is nothing to describe: discover refuses."""

BOX_COLUMNS = (
    "box",
    "dimension",
    "restricted",
    "low",
    "high",
    "values",
    "full_low",
    "full_high",
    "coverage",
    "density",
    "stability",
    "qp_low",
    "qp_high",
)
"""The columns of ``boxes.csv``: one row per input of each box (``values``: the categories a box keeps of a
categorical input, ``low``/``high`` empty then; ``qp_low``, ``qp_high``: PRIM's quasi-p-values of the restriction
of each side, empty for a side not restricted)."""

TRAJECTORY_COLUMNS = ("step", "coverage", "density", "mass", "restricted", "runs", "of_interest", "chosen")
"""The columns of ``trajectory.csv``: one row per box on PRIM's peeling (and pasting) trajectory."""

CART_COLUMNS = ("leaf", "rule", "runs", "of_interest", "coverage", "density", "predicted")
"""The columns of ``cart.csv``: one row per leaf of the decision tree."""


class DiscoveryError(ResultsError):
    """Scenario discovery cannot be done on these results as asked (too few runs or cases of interest, no input
    that varies): the message gives the numbers and what to do (exit 2)."""


@dataclass
class Discovery:
    """What scenario discovery found: the box, the trajectory it was chosen from, the tree's leaves and the
    table of cases they were computed from."""

    condition: str
    cases: pd.DataFrame
    """One row per finished run: ``run_id``, the inputs, the outputs the condition reads, ``of_interest``,
    ``in_box``."""
    inputs: list[str]
    boxes: pd.DataFrame
    trajectory: pd.DataFrame
    cart: pd.DataFrame
    cart_text: str
    tree: Any = None
    """The fitted CART tree (scikit-learn) and the names of the columns it saw."""
    notes: list[str] = field(default_factory=list)
    """What a reader should know (runs left out, no box reaching the threshold)."""

    @property
    def box(self) -> pd.DataFrame:
        """The chosen box's rows of :attr:`boxes` (box 1)."""
        return self.boxes[self.boxes.box == 1]

    @property
    def coverage(self) -> float:
        return float(self.box.coverage.iloc[0])

    @property
    def density(self) -> float:
        return float(self.box.density.iloc[0])


# EMA Workbench ------------------------------------------------------------------------------


def _prim_module() -> Any:
    """EMA Workbench's PRIM module, imported without its start-up noise."""
    import laossim.plotting  # noqa: F401  (chooses matplotlib's Agg backend before EMA imports pyplot)

    with warnings.catch_warnings():
        # Importing the package warns that ipyparallel is missing (it matters only to EMA's
        # IpyparallelEvaluator, never used here) and that altair is missing (only for its
        # interactive inspection); neither concerns a reader of laossim's output.
        warnings.filterwarnings("ignore", message="ipyparallel not installed", category=UserWarning)
        warnings.filterwarnings("ignore", message="altair based interactive", category=ImportWarning)
        from ema_workbench.analysis import prim
    return prim


@contextmanager
def _ema_quietly() -> Iterator[None]:
    """Run EMA Workbench's PRIM without warnings about its own code.

    EMA Workbench 2.5 (the last to run on Python 3.11) calls pandas in ways pandas 3 deprecates
    (``DataFrame.drop(..., inplace=True)``): warnings about its code, not laossim's, which the
    test suite turns into errors; only those raised from its modules are ignored.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"ema_workbench\.")
        warnings.filterwarnings("ignore", category=FutureWarning, module=r"ema_workbench\.")
        yield


def choose(trajectory: pd.DataFrame, threshold: float) -> int:
    """The box chosen from a peeling trajectory (EMA's columns ``coverage``, ``density``): the largest coverage
    among the boxes whose density reaches ``threshold`` (of two alike, the denser), else the densest."""
    reaching = trajectory[trajectory.density >= threshold - 1e-12]
    if len(reaching):
        return int(reaching.sort_values(["coverage", "density"], ascending=False, kind="stable").index[0])
    return int(trajectory.density.idxmax())


def _peel(prim: Any, x: pd.DataFrame, y: np.ndarray) -> tuple[Any, Any]:
    """EMA's PRIM on (x, y): (the Prim, its first box with the whole peeling and pasting trajectory).

    PRIM marks as of interest the cases with y >= its threshold and returns a box only if the box's density
    reaches it; y is 0/1, so any threshold in (0, 1] marks the same cases, and the share of cases of interest
    (the density of the whole space, which every box PRIM peels to exceeds) makes it return its trajectory
    whatever the densities; the box is chosen from it by :func:`choose`.
    """
    finder = prim.Prim(x.reset_index(drop=True), y, threshold=float(y.mean()), mass_min=0.05)
    return finder, finder.find_box()


def _restricted(limits: pd.DataFrame, full: pd.DataFrame) -> set[str]:
    """The inputs a box's limits restrict, against the box of all the data."""
    return {name for name in full.columns if list(limits[name]) != list(full[name])}


def in_box(x: pd.DataFrame, box: pd.DataFrame) -> np.ndarray:
    """Which rows of ``x`` lie in a box of ``boxes.csv``'s rows (limits inclusive, as PRIM's): what any reader
    of the folder can recompute."""
    mask = np.ones(len(x), dtype=bool)
    for row in box.itertuples(index=False):
        if not row.restricted:
            continue
        column = x[row.dimension]
        if isinstance(row.values, str) and row.values:
            mask &= column.astype(str).isin(row.values.split("|")).to_numpy()
        else:
            values = column.to_numpy(dtype=float)
            mask &= (values >= row.low) & (values <= row.high)
    return mask


def prim_box(
    x: pd.DataFrame,
    y: np.ndarray,
    *,
    threshold: float = 0.8,
    resamples: int = 10,
    seed: int = 0,
    progress: bool = False,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """PRIM's box for the cases ``y`` (0/1) over the inputs ``x``: (its rows as in ``boxes.csv``, the peeling
    trajectory as in ``trajectory.csv``).

    PRIM is asked for its whole trajectory (its own threshold set to the share of cases of interest, which every
    box it peels to reaches) and the box is chosen here: the largest coverage among the boxes whose density
    reaches ``threshold``, else the densest. Stability: over ``resamples`` PRIM runs on random halves, the share
    whose box of nearest coverage restricts each dimension.
    """
    from tqdm.auto import tqdm

    prim = _prim_module()
    y = np.asarray(y, dtype=int)
    with _ema_quietly():
        finder, box = _peel(prim, x, y)
        peeled = box.peeling_trajectory.reset_index(drop=True)
        chosen = choose(peeled, threshold)
        # Stability: PRIM again on random halves of the runs, each box chosen by the same rule, counting the
        # inputs each restricts. (EMA's own PrimBox.resample matches each resampled box by the nearest coverage
        # alone, which on a trajectory whose coverage stays at 1 for many steps picks the unpeeled box.)
        rng = np.random.default_rng(seed)
        counts = dict.fromkeys(x.columns, 0)
        valid = 0
        with tqdm(total=resamples, desc="PRIM on resampled halves", unit="run", disable=not progress) as bar:
            for _ in range(resamples):
                half = np.sort(rng.choice(len(y), size=len(y) // 2, replace=False))
                bar.update()
                if y[half].min() == y[half].max():
                    continue  # a half with no case of interest (or no other) has no box
                sub, sub_box = _peel(prim, x.iloc[half], y[half])
                j = choose(sub_box.peeling_trajectory.reset_index(drop=True), threshold)
                for name in _restricted(sub_box.box_lims[j], sub.box_init):
                    counts[name] += 1
                valid += 1
        shares = pd.Series({name: counts[name] / valid if valid else np.nan for name in x.columns})
    limits = box.box_lims[chosen]
    full = finder.box_init
    qp = box.qp[chosen]  # {input: [quasi-p of the lower limit, of the upper]}, -1 for a side not restricted
    rows = []
    for name in x.columns:
        low, high = limits[name].iloc[0], limits[name].iloc[1]
        categorical = isinstance(low, set)
        restricted = name in _restricted(limits, full)
        rows.append(
            {
                "box": 1,
                "dimension": name,
                "restricted": restricted,
                "low": np.nan if categorical else float(low),
                "high": np.nan if categorical else float(high),
                "values": "|".join(sorted(map(str, low))) if categorical else "",
                "full_low": np.nan if categorical else float(full[name].iloc[0]),
                "full_high": np.nan if categorical else float(full[name].iloc[1]),
                "coverage": float(peeled.coverage[chosen]),
                "density": float(peeled.density[chosen]),
                "stability": float(shares[name]),
                **{
                    side: (float(p) if p >= 0 else np.nan)
                    for side, p in zip(("qp_low", "qp_high"), qp.get(name, [-1, -1]), strict=True)
                },
            }
        )
    boxes = pd.DataFrame(rows, columns=list(BOX_COLUMNS))
    # restricted inputs first, the most stable and most significant first: the order a reader should read them
    order = boxes.assign(_qp=boxes[["qp_low", "qp_high"]].min(axis=1).fillna(1.0), _free=~boxes.restricted)
    boxes = boxes.loc[
        order.sort_values(["_free", "stability", "_qp"], ascending=[True, False, True], kind="stable").index
    ]
    boxes = boxes.reset_index(drop=True)
    trajectory = pd.DataFrame(
        {
            "step": np.arange(len(peeled)),
            "coverage": peeled.coverage.astype(float),
            "density": peeled.density.astype(float),
            "mass": peeled.mass.astype(float),
            "restricted": peeled.res_dim.astype(int),
            "runs": peeled.n.astype(int),
            "of_interest": peeled.k.astype(int),
            "chosen": np.arange(len(peeled)) == chosen,
        },
        columns=list(TRAJECTORY_COLUMNS),
    )
    return boxes, trajectory


# CART ---------------------------------------------------------------------------------------


def cart_tree(x: pd.DataFrame, y: np.ndarray, *, depth: int = 3, seed: int = 0) -> tuple[Any, pd.DataFrame, str]:
    """A decision tree (scikit-learn's CART) splitting the runs of interest from the others: (the fitted tree and
    the columns it saw, its leaves as in ``cart.csv``, its rules as text). Categorical inputs enter as one
    column per category; a leaf needs at least 5% of the runs, so no leaf describes a handful."""
    from sklearn.tree import DecisionTreeClassifier, export_text

    encoded = pd.get_dummies(x, prefix_sep="=", dtype=float)
    y = np.asarray(y, dtype=int)
    tree = DecisionTreeClassifier(max_depth=depth, min_samples_leaf=max(2, len(y) // 20), random_state=seed)
    tree.fit(encoded.to_numpy(), y)
    names = list(encoded.columns)
    structure = tree.tree_
    # each node's path as {(input, side): cut}, the tightest cut of each side kept (x <= 0.98 and x <= 0.76 is
    # x <= 0.76)
    paths: dict[int, dict[tuple[str, str], float]] = {0: {}}
    for node in range(structure.node_count):  # a parent's index is always below its children's
        left, right = structure.children_left[node], structure.children_right[node]
        if left == -1:
            continue
        name, cut = names[structure.feature[node]], float(structure.threshold[node])
        below, above = dict(paths[node]), dict(paths[node])
        below[(name, "<=")] = min(cut, below.get((name, "<="), cut))
        above[(name, ">")] = max(cut, above.get((name, ">"), cut))
        paths[left], paths[right] = below, above
    rules = {node: [f"{name} {side} {cut:.4g}" for (name, side), cut in path.items()] for node, path in paths.items()}
    leaves = tree.apply(encoded.to_numpy())
    total = max(int(y.sum()), 1)
    rows = []
    for leaf in sorted(set(leaves.tolist())):
        members = leaves == leaf
        hits = int(y[members].sum())
        rows.append(
            {
                "leaf": leaf,
                "rule": " and ".join(rules[leaf]) or "(all runs)",
                "runs": int(members.sum()),
                "of_interest": hits,
                "coverage": hits / total,
                "density": hits / int(members.sum()),
                "predicted": bool(tree.classes_[np.argmax(structure.value[leaf][0])] == 1),
            }
        )
    leaves_table = pd.DataFrame(rows, columns=list(CART_COLUMNS)).sort_values(
        "density", ascending=False, kind="stable", ignore_index=True
    )
    text = export_text(tree, feature_names=names, class_names=["other", "of interest"], decimals=4)
    return (tree, names), leaves_table, text


# reading a folder ---------------------------------------------------------------------------


def read_cases(folder: str | Path, where: str) -> tuple[dict[str, Any], Condition, pd.DataFrame, list[str], list[str]]:
    """A folder of many runs read for discovery: (its manifest, the parsed condition, one row per finished run
    with ``run_id``, the inputs, the outputs and ``of_interest``, the inputs that vary, notes for the reader).

    Raises:
        laossim.errors.ResultsError: the folder is not one of many runs, or cannot be read.
        laossim.conditions.ConditionError: the condition cannot be read.
        DiscoveryError: no input varies.
    """
    folder = Path(folder)
    record = results.sweep_manifest(folder)
    outputs = list(record["outputs"])
    condition = parse(where, outputs)
    table = results.load(folder)
    notes = []
    done = table[table.status == "done"]
    if len(done) < len(table):
        left = table.status.value_counts().drop("done", errors="ignore")
        notes.append(
            f"{len(table) - len(done)} of {len(table)} runs left out ("
            + ", ".join(f"{n} {status}" for status, n in left.items())
            + "): only finished runs are cases"
        )
    # a robust folder's lever settings are its ``setting`` (their fields are set in some settings only) and
    # ``future`` numbers its sampled futures, whose uncertain fields are the inputs
    chosen = {path for setting in (record.get("levers") or {}).values() for path in setting}
    skipped = {*results.DESIGN_COLUMNS, *chosen, *(("future",) if record.get("levers") else ())}
    candidates = [c for c in pd.read_parquet(folder / "design.parquet").columns if c not in skipped]
    inputs = [c for c in candidates if done[c].nunique(dropna=False) > 1]
    if len(inputs) < len(candidates):
        fixed = [c for c in candidates if c not in inputs]
        notes.append(f"left out, as they take one value in every finished run: {', '.join(fixed)}")
    if not inputs:
        raise DiscoveryError(
            f"{folder}: no input varies across its {len(done)} finished runs ({', '.join(candidates) or 'none'}); "
            "scenario discovery needs a sweep that varies at least one input"
        )
    cases = done[["run_id", *inputs, *condition.outputs]].reset_index(drop=True)
    for name in inputs:
        if not pd.api.types.is_numeric_dtype(cases[name]) or pd.api.types.is_bool_dtype(cases[name]):
            cases[name] = cases[name].astype(str)
        elif pd.api.types.is_integer_dtype(cases[name]):
            cases[name] = cases[name].astype(np.int64)
        else:
            cases[name] = cases[name].astype(float)
    cases["of_interest"] = condition.mask(cases)
    points = len(cases[inputs].drop_duplicates())
    if points < len(cases):
        notes.append(
            f"{len(cases)} runs at {points} distinct points of the inputs (replications): PRIM counts each run as "
            "a case, so its quasi-p-values, which take the cases as independent, are optimistic; trust a "
            "restriction that is also stable"
        )
    return record, condition, cases, inputs, notes


def require_enough(cases: pd.DataFrame, where: str, folder: Path, min_runs: int, min_cases: int) -> None:
    """Refuse a discovery PRIM cannot do well: too few runs, too few runs of interest, or too few not of interest.

    Raises:
        DiscoveryError: with the numbers and what to do.
    """
    runs, hits = len(cases), int(cases.of_interest.sum())
    if runs < min_runs:
        raise DiscoveryError(
            f"{folder} has {runs} finished run(s); scenario discovery needs at least {min_runs}, or its boxes "
            "describe noise: sweep more samples or replications (e.g. a larger design: samples in the "
            "experiment file)"
        )
    if hits < min_cases:
        raise DiscoveryError(
            f"--where {where!r} holds in {hits} of {runs} runs; scenario discovery needs at least {min_cases} "
            "runs of interest: loosen the condition or sweep more runs"
        )
    if runs - hits < min_cases:
        raise DiscoveryError(
            f"--where {where!r} holds in {hits} of {runs} runs, leaving {runs - hits} not of interest; "
            f"scenario discovery needs at least {min_cases} of each: tighten the condition"
        )


def find(
    folder: str | Path,
    where: str,
    *,
    threshold: float = 0.8,
    resamples: int = 10,
    seed: int = 0,
    depth: int = 3,
    min_runs: int = MIN_RUNS,
    min_cases: int = MIN_CASES,
    progress: bool = False,
) -> Discovery:
    """Scenario discovery on a folder of many runs, without writing anything (:func:`discover` writes)."""
    if not 0 < threshold <= 1:
        raise UsageError(f"--threshold must be a density in (0, 1], got {threshold}")
    folder = Path(folder)
    _, condition, cases, inputs, notes = read_cases(folder, where)
    require_enough(cases, where, folder, min_runs, min_cases)
    x, y = cases[inputs], cases.of_interest.to_numpy()
    boxes, trajectory = prim_box(x, y, threshold=threshold, resamples=resamples, seed=seed, progress=progress)
    if boxes.density.iloc[0] < threshold:
        notes.append(
            f"no box on PRIM's trajectory reaches a density of {threshold:g}; the box shown is the densest "
            f"({boxes.density.iloc[0]:.3f}): the condition is not confined to a box of these inputs"
        )
    cases["in_box"] = in_box(x, boxes)
    tree, leaves, text = cart_tree(x, y, depth=depth, seed=seed)
    return Discovery(condition.text(), cases, inputs, boxes, trajectory, leaves, text, tree, notes)


# figures ------------------------------------------------------------------------------------


def tradeoff_figure(found: Discovery, threshold: float) -> Figure:
    """PRIM's peeling trajectory as coverage against density, coloured by the restricted dimensions, the chosen
    box marked: the trade-off a reader weighs (a smaller box is purer but holds fewer cases)."""
    from laossim.plotting import plt

    t = found.trajectory
    fig, ax = plt.subplots(figsize=(6.2, 4.6), constrained_layout=True)
    points = ax.scatter(t.coverage, t.density, c=t.restricted, cmap="viridis", s=28, zorder=2)
    ax.plot(t.coverage, t.density, color="#bbbbbb", lw=0.8, zorder=1)
    chosen = t[t.chosen].iloc[0]
    ax.scatter([chosen.coverage], [chosen.density], s=220, marker="*", color="#d62728", zorder=3, label="chosen box")
    ax.annotate(
        f"coverage {chosen.coverage:.2f}\ndensity {chosen.density:.2f}\n{int(chosen.restricted)} input(s) restricted",
        (chosen.coverage, chosen.density),
        xytext=(-130 if chosen.coverage > 0.6 else 12, -48),
        textcoords="offset points",
        fontsize=8,
        arrowprops={"arrowstyle": "-", "color": "#888888"},
    )
    ax.axhline(threshold, color="#d62728", lw=0.8, ls="--", label=f"density threshold {threshold:g}")
    ax.set_xlabel("coverage: share of the runs of interest inside the box")
    ax.set_ylabel("density: share of the box's runs that are of interest")
    ax.set_title(f"PRIM trade-off for {found.condition}", fontsize=9)
    ax.set_xlim(-0.02, 1.02)
    ax.set_ylim(-0.02, 1.02)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="lower left")
    bar = fig.colorbar(points, ax=ax, label="inputs restricted")
    bar.set_ticks(sorted(set(t.restricted.tolist())))
    return fig


def box_figure(found: Discovery) -> Figure:
    """Left: each input's full range (grey) and the box's range (colour), with its stability. Right: the runs on
    the box's two most stable restricted inputs, of interest or not, with the box drawn."""
    from laossim.analysis import varied_label
    from laossim.plotting import plt

    box = found.box.reset_index(drop=True)
    numeric = [r for r in box.itertuples(index=False) if not r.values]
    restricted = [r for r in numeric if r.restricted]
    two = restricted[:2] if len(restricted) >= 2 else (restricted + [r for r in numeric if not r.restricted])[:2]
    fig, axes = plt.subplots(
        1, 2 if len(two) == 2 else 1, figsize=(11 if len(two) == 2 else 6, 0.55 * len(box) + 2.6),
        squeeze=False, constrained_layout=True,
    )  # fmt: skip
    ax = axes[0][0]
    for i, row in enumerate(box.itertuples(index=False)):
        y = len(box) - 1 - i
        ax.barh(y, 1.0, color="#e5e5e5", height=0.6)
        if row.values:  # a categorical input: the categories kept, in words
            ax.text(0.5, y, f"{{{row.values.replace('|', ', ')}}}", ha="center", va="center", fontsize=8)
        else:
            span = (row.full_high - row.full_low) or 1.0
            lo, hi = (row.low - row.full_low) / span, (row.high - row.full_low) / span
            colour = "#1f77b4" if row.restricted else "#9ecae1"
            ax.barh(y, hi - lo, left=lo, color=colour, height=0.6)
            ax.text(lo, y + 0.36, f"{row.low:.3g}", ha="left", va="bottom", fontsize=7)
            ax.text(hi, y + 0.36, f"{row.high:.3g}", ha="right", va="bottom", fontsize=7)
            ax.text(0, y - 0.36, f"{row.full_low:.3g}", ha="left", va="top", fontsize=6, color="#777777")
            ax.text(1, y - 0.36, f"{row.full_high:.3g}", ha="right", va="top", fontsize=6, color="#777777")
        ax.text(1.03, y, f"{row.stability:.0%}", va="center", fontsize=8)
    names = [varied_label(d) + ("" if r else " (free)") for d, r in zip(box.dimension, box.restricted, strict=True)]
    ax.set_yticks(range(len(box)), names[::-1], fontsize=8)
    ax.set_xticks([0, 1], ["lowest sampled", "highest sampled"], fontsize=8)
    ax.set_xlim(-0.02, 1.15)
    ax.set_ylim(-0.8, len(box) - 0.2)
    ax.set_title(
        f"the box: coverage {found.coverage:.2f}, density {found.density:.2f}\n(right: stability under resampling)",
        fontsize=9,
    )
    if len(two) == 2:
        ax = axes[0][1]
        a, b = two[0], two[1]
        cases = found.cases
        # runs sharing their inputs (replications) share a point, coloured by the share of them of interest
        points = cases.groupby([a.dimension, b.dimension]).of_interest.agg(["mean", "size"]).reset_index()
        shown = ax.scatter(
            points[a.dimension],
            points[b.dimension],
            c=points["mean"],
            s=10 + 8 * points["size"],
            cmap="coolwarm",
            vmin=0,
            vmax=1,
            edgecolors="#555555",
            linewidths=0.3,
        )
        ax.add_patch(
            plt.Rectangle(
                (a.low, b.low), a.high - a.low, b.high - b.low, fill=False, ec="#2ca02c", lw=1.8, label="the box"
            )
        )
        fig.colorbar(shown, ax=ax, label="share of its runs of interest", shrink=0.85)
        ax.set_xlabel(varied_label(a.dimension), fontsize=8)
        ax.set_ylabel(varied_label(b.dimension), fontsize=8)
        most = int(points["size"].max())
        ax.set_title(
            f"runs where {found.condition}"
            + (f"\n(a point per design point: up to {most} runs, sized by their number)" if most > 1 else ""),
            fontsize=9,
        )
        ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.14), frameon=False)
        ax.grid(alpha=0.3)
    return fig


def cart_figure(tree: Any, names: list[str]) -> Figure:
    """The CART tree drawn by scikit-learn: each node's rule, its runs and how many are of interest."""
    from sklearn.tree import plot_tree

    from laossim.plotting import plt

    leaves = tree.get_n_leaves()
    fig, ax = plt.subplots(figsize=(max(7.0, 2.3 * leaves), 1.9 * (tree.get_depth() + 1)), constrained_layout=True)
    plot_tree(
        tree,
        feature_names=names,
        class_names=["other", "of interest"],
        filled=True,
        impurity=False,
        proportion=False,
        rounded=True,
        fontsize=7,
        ax=ax,
    )
    ax.set_title("CART: rules splitting runs of interest from the others (value: [other, of interest])", fontsize=9)
    return fig


# writing ------------------------------------------------------------------------------------


def summary_text(found: Discovery, folder: Path, threshold: float) -> str:
    """``summary.md``: what was asked, the box in words and numbers, CART's best leaf, and the notes."""
    hits, runs = int(found.cases.of_interest.sum()), len(found.cases)
    inside = int((found.cases.in_box & found.cases.of_interest).sum())
    lines = [
        f"# Scenario discovery: {found.condition}",
        "",
        f"Runs of `{folder}`: {runs} finished; the condition holds in {hits} ({hits / runs:.0%}). "
        "Each output's value for a run is its mean over the final summary window.",
        "",
        f"## PRIM's box (coverage {found.coverage:.3f}, density {found.density:.3f})",
        "",
        f"The box holds {int(found.cases.in_box.sum())} runs, {inside} "
        f"of them of interest: it covers {found.coverage:.0%} of the runs of interest, and {found.density:.0%} of the "
        f"runs in it are of interest (threshold {threshold:g}).",
        "",
        "| input | box | sampled | stability | quasi-p |",
        "|---|---|---|---|---|",
    ]
    for row in found.box.itertuples(index=False):
        if row.values:
            span, full = "{" + row.values.replace("|", ", ") + "}", "categories"
        else:
            span, full = f"{row.low:.4g} to {row.high:.4g}", f"{row.full_low:.4g} to {row.full_high:.4g}"
        qp = min((p for p in (row.qp_low, row.qp_high) if p == p), default=None)  # NaN: a side not restricted
        significance = "" if qp is None else f"{qp:.2g}"
        kept = span if row.restricted else "free"
        lines.append(f"| {row.dimension} | {kept} | {full} | {row.stability:.0%} | {significance} |")
    lines += [
        "",
        "Stability: the share of PRIM runs on random halves of the runs whose box restricts the input. Quasi-p: "
        "the chance of a restriction this good by luck (the smaller of its two sides); above 0.05 the box is "
        "about as good without it (docs/decisions.md).",
    ]
    best = found.cart[found.cart.predicted]
    lines += ["", "## CART", ""]
    if len(best):
        top = best.iloc[0]
        lines.append(
            f"The leaf with the most runs of interest per run: {top.rule} ({int(top.runs)} runs, "
            f"{int(top.of_interest)} of interest: coverage {top.coverage:.3f}, density {top.density:.3f})."
        )
    else:
        lines.append("No leaf of the tree has a majority of runs of interest.")
    if found.notes:
        lines += ["", "## Notes", "", *[f"* {note}" for note in found.notes]]
    return "\n".join(lines) + "\n"


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def discover(
    folder: str | Path,
    where: str,
    out: str | Path,
    *,
    threshold: float = 0.8,
    resamples: int = 10,
    seed: int = 0,
    depth: int = 3,
    min_runs: int = MIN_RUNS,
    min_cases: int = MIN_CASES,
    force: bool = False,
    progress: bool = False,
) -> Discovery:
    """Scenario discovery on the folder of many runs ``folder`` for the condition ``where``, written to the
    discovery folder ``out`` (atomically; an existing one replaced only with ``force``, and never a folder of
    other files: :func:`laossim.folders.check_folder`).

    Args:
        threshold: the density the chosen box must reach (PRIM's box of largest coverage that reaches it).
        resamples: PRIM runs on random halves of the runs for each dimension's stability (0: none).
        seed: seeds the resampling and the tree.
        depth: the CART tree's depth.
        min_runs, min_cases: the fewest finished runs, and runs of interest and not, discovery accepts.

    Raises:
        laossim.errors.ResultsExistError: ``out`` may not be written.
        laossim.conditions.ConditionError: ``where`` cannot be read.
        DiscoveryError: too few runs or cases.
    """
    folder, out = Path(folder), Path(out)
    check_folder(out, inputs=[folder], force=force)
    started = _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")
    found = find(
        folder,
        where,
        threshold=threshold,
        resamples=resamples,
        seed=seed,
        depth=depth,
        min_runs=min_runs,
        min_cases=min_cases,
        progress=progress,
    )
    source = manifest.read(folder)
    from laossim.plotting import plt

    with atomic_folder(out, replace=force) as tmp:
        found.boxes.to_csv(tmp / "boxes.csv", index=False)
        found.trajectory.to_csv(tmp / "trajectory.csv", index=False)
        found.cases.to_csv(tmp / "cases.csv", index=False)
        found.cart.to_csv(tmp / "cart.csv", index=False)
        (tmp / "cart.txt").write_text(found.cart_text, encoding="utf-8")
        (tmp / "summary.md").write_text(summary_text(found, folder, threshold), encoding="utf-8")
        (tmp / "plots").mkdir()
        tree, names = found.tree
        figures = {
            "tradeoff.png": tradeoff_figure(found, threshold),
            "box.png": box_figure(found),
            "cart.png": cart_figure(tree, names),
        }
        for name, fig in figures.items():
            fig.savefig(tmp / "plots" / name, dpi=110)
            plt.close(fig)
        manifest.write(
            tmp,
            manifest.compose(
                "discovery",
                source={
                    "folder": str(folder),
                    "kind": source.kind.name,
                    "experiment": source.get("experiment"),
                    "runs": len(found.cases),
                    "model_version": source.model_version,
                    # the cases read, with their outputs: a sweep resumed later gives another
                    "cases_sha256": hashlib.sha256(
                        pd.util.hash_pandas_object(found.cases, index=False).to_numpy().tobytes()
                    ).hexdigest(),
                },
                inputs=[{"path": str(folder / "design.parquet"), "sha256": _sha256(folder / "design.parquet")}],
                where=where,
                condition=found.condition,
                value="each output's mean over the final summary window of each finished run",
                varied=found.inputs,
                settings={
                    "threshold": threshold,
                    "resamples": resamples,
                    "resample_share": 0.5,
                    "seed": seed,
                    "cart_depth": depth,
                    "min_runs": min_runs,
                    "min_cases": min_cases,
                    "peel_alpha": 0.05,
                    "paste_alpha": 0.05,
                    "mass_min": 0.05,
                },
                started=started,
                finished=_dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
            ),
        )
    return found


def load(folder: str | Path) -> dict[str, Any]:
    """A discovery folder read back: its manifest and tables.

    Raises:
        laossim.errors.ResultsError: the folder is not a discovery folder.
    """
    folder = Path(folder)
    record = manifest.read(folder, "discovery")
    data: dict[str, Any] = {"manifest": record}
    for name in ("boxes", "trajectory", "cases", "cart"):
        data[name] = pd.read_csv(folder / f"{name}.csv", dtype={"values": str} if name == "boxes" else None)
    data["boxes"]["values"] = data["boxes"]["values"].fillna("")
    data["summary"] = (folder / "summary.md").read_text(encoding="utf-8")
    data["cart_text"] = (folder / "cart.txt").read_text(encoding="utf-8")
    return data
