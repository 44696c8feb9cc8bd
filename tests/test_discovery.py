"""Scenario discovery (``laossim discover``): the condition parser, PRIM on a planted box, the command end to
end on a real sweep, its refusals, the numbers recomputed from what it saved, and its report page."""

from __future__ import annotations

import builtins
import io
import json
import shutil
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from conftest import ROOT
from laossim import results
from laossim.cli import main
from laossim.conditions import ConditionError, parse
from laossim.discovery import BOX_COLUMNS, CART_COLUMNS, TRAJECTORY_COLUMNS, choose, in_box, prim_box
from yaml_writer import dump

OUTPUTS = ["focal_security", "focal_autonomy", "alignment.LAO.CHN", "position.LAO.1"]


# the condition parser --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("focal_security < 0.5", "focal_security < 0.5"),
        ("focal_security < 0.5 and focal_autonomy >= 0.6", "focal_security < 0.5 and focal_autonomy >= 0.6"),
        ("(focal_security<.5 or focal_autonomy>0.7) and 0.2 <= alignment.LAO.CHN",
         "(focal_security < 0.5 or focal_autonomy > 0.7) and alignment.LAO.CHN >= 0.2"),
        ("0.3 < focal_security <= 0.5", "focal_security > 0.3 and focal_security <= 0.5"),
        ("position.LAO.1 > -1e-2 or focal_autonomy != 1", "position.LAO.1 > -0.01 or focal_autonomy != 1"),
        ("focal_security == 0.5", "focal_security == 0.5"),
    ],
)  # fmt: skip
def test_a_condition_is_read_into_comparisons_of_outputs_with_numbers(text, canonical):
    assert parse(text, OUTPUTS).text() == canonical


def test_and_binds_tighter_than_or_and_nan_satisfies_nothing():
    condition = parse("focal_security < 0.5 or focal_autonomy > 0.6 and focal_security > 0.9", OUTPUTS)
    columns = {
        "focal_security": np.array([0.4, 0.6, 0.95, np.nan, 0.95]),
        "focal_autonomy": np.array([0.0, 0.7, 0.7, 0.7, 0.1]),
    }
    assert condition.mask(columns).tolist() == [True, False, True, False, False]
    assert condition.outputs == ["focal_security", "focal_autonomy"]


@pytest.mark.parametrize(
    ("text", "problem", "position"),
    [
        ("focal_secrity < 0.5", "unknown output 'focal_secrity' at position 1; did you mean 'focal_security'?", 1),
        ("__import__('os')", 'unexpected character "\'" at position 12', 12),
        ("focal_security.__class__ < 1", "unknown output 'focal_security.__class__' at position 1", 1),
        ("(focal_security < 0.5", "expected ')' to close the '(' at position 1", 22),
        ("focal_security < 0.5)", "unexpected ')' at position 21; this ')' closes no '('", 21),
        ("focal_security <", "expected an output or a number, got the end of the condition at position 17", 17),
        ("focal_security < and", "expected an output or a number, got 'and' at position 18", 18),
        ("focal_security = 0.5", "unexpected character '=' at position 16; compare with '=='", 16),
        ("focal_security ~ 0.5", "unexpected character '~' at position 16", 16),
        ("focal_security < focal_autonomy", "compares two outputs at position 1", 1),
        ("focal_security 0.5", "expected a comparison (< <= > >= == !=), got '0.5' at position 16", 16),
        ("not focal_security < 0.5", "'not' is not part of a condition at position 1", 1),
        ("", "empty condition", 1),
        ("(" * 60 + "focal_security < 0.5" + ")" * 60, "more than 50 parentheses open at once", 51),
    ],
)
def test_a_bad_condition_names_itself_the_place_and_the_known_outputs_and_is_never_run(
    monkeypatch, text, problem, position
):
    def forbidden(*args, **kwargs):
        raise AssertionError("a condition was evaluated as code")

    monkeypatch.setattr(builtins, "eval", forbidden)
    monkeypatch.setattr(builtins, "exec", forbidden)
    monkeypatch.setattr(builtins, "compile", forbidden)
    with pytest.raises(ConditionError) as err:
        parse(text, OUTPUTS)
    message = str(err.value)
    lines = message.splitlines()
    assert lines[0].startswith(f"--where {text!r}: ") and problem in lines[0]
    assert lines[2] == "    " + " " * (position - 1) + "^"  # the caret under the place
    assert lines[3].endswith("the results record: " + ", ".join(OUTPUTS))
    assert err.value.exit_code == 2


# PRIM on a planted box -------------------------------------------------------------------------


def test_prim_recovers_a_planted_box_through_label_noise():
    """1,000 points uniform in 5 dimensions; of interest inside x0 in [0.2, 0.6] and x2 in [0.3, 0.8] (a fifth
    of the space); 5% of the labels flipped. The box found covers and is dense in the planted cases, on the
    planted inputs.

    Coverage and density are measured against the planted labels: against the noisy ones PRIM sees, even the
    planted box covers only about 0.19 / (0.19 + 0.8 * 0.05) = 0.83 of the cases (the flips outside it are a
    sixth of them), so a box found there is held to most of what the planted box itself reaches."""
    rng = np.random.default_rng(7)
    x = pd.DataFrame(rng.uniform(size=(1000, 5)), columns=[f"x{i}" for i in range(5)])
    planted = (x.x0.between(0.2, 0.6) & x.x2.between(0.3, 0.8)).to_numpy()
    y = (planted ^ (rng.uniform(size=1000) < 0.05)).astype(int)
    boxes, trajectory = prim_box(x, y, threshold=0.8, resamples=10, seed=1)
    box = boxes.set_index("dimension")
    inside = in_box(x, boxes)
    assert (inside & planted).sum() / planted.sum() >= 0.8 and (inside & planted).sum() / inside.sum() >= 0.8
    noisy_ceiling = (planted & (y == 1)).sum() / y.sum()  # the planted box's coverage of the noisy labels
    assert box.coverage.iloc[0] >= 0.95 * noisy_ceiling and box.density.iloc[0] >= 0.8
    assert set(box.index[box.restricted]) == {"x0", "x2"}
    assert box.loc["x0", "low"] == pytest.approx(0.2, abs=0.05) and box.loc["x0", "high"] == pytest.approx(
        0.6, abs=0.05
    )
    assert box.loc["x2", "low"] == pytest.approx(0.3, abs=0.05) and box.loc["x2", "high"] == pytest.approx(
        0.8, abs=0.05
    )
    assert box.loc["x0", "stability"] >= 0.8 and box.loc["x2", "stability"] >= 0.8
    assert box.loc[["x1", "x3", "x4"], "stability"].max() <= 0.5
    # the written box's coverage and density are those of its limits on the data
    assert box.coverage.iloc[0] == pytest.approx((inside & (y == 1)).sum() / y.sum())
    assert box.density.iloc[0] == pytest.approx((inside & (y == 1)).sum() / inside.sum())
    assert list(trajectory.columns) == list(TRAJECTORY_COLUMNS) and trajectory.chosen.sum() == 1


def test_a_categorical_input_is_restricted_to_its_categories_and_drawn():
    """A varied doctrine is a category: the box keeps the categories of interest (``values``), and the box
    figure and the tree read it."""
    from laossim.discovery import Discovery, box_figure, cart_tree

    rng = np.random.default_rng(0)
    x = pd.DataFrame(rng.uniform(size=(400, 2)), columns=["x0", "x1"])
    x["states.LAO.doctrine"] = rng.choice(["hedger", "balancer", "bandwagoner"], 400).astype(str)
    y = ((x["states.LAO.doctrine"] == "hedger") & (x.x0 < 0.5)).to_numpy().astype(int)
    boxes, trajectory = prim_box(x, y, resamples=3)
    doctrine = boxes.set_index("dimension").loc["states.LAO.doctrine"]
    assert doctrine.restricted and doctrine["values"] == "hedger" and np.isnan(doctrine.low)
    inside = in_box(x, boxes)
    assert (inside & (y == 1)).sum() == y.sum() and inside.sum() == y.sum()
    tree, leaves, text = cart_tree(x, y)
    assert leaves.iloc[0].rule == "states.LAO.doctrine=hedger > 0.5 and x0 <= 0.503" and leaves.iloc[0].density == 1
    cases = x.assign(of_interest=y.astype(bool), in_box=inside)
    found = Discovery("c", cases, list(x.columns), boxes, trajectory, leaves, text, tree)
    box_figure(found).savefig(io.BytesIO(), format="png")


def test_the_box_is_the_widest_reaching_the_threshold_else_the_densest():
    t = pd.DataFrame({"coverage": [1.0, 1.0, 1.0, 0.9, 0.5], "density": [0.3, 0.85, 0.9, 0.95, 0.99]})
    assert choose(t, 0.8) == 2  # coverage 1 at both 0.85 and 0.9: the denser
    assert choose(t, 0.96) == 4
    assert choose(t.iloc[:2], 0.99) == 1  # none reaches: the densest


# the command on a real sweep -------------------------------------------------------------------


def experiment(folder: Path, name: str, samples: int) -> Path:
    """A small Latin hypercube on the teaching scenario: ``samples`` runs of 8 steps."""
    data = {
        "format_version": 1,
        "experiment": name,
        "scenario": str(ROOT / "scenarios" / "teaching_minimal.yaml"),
        "replications": 1,
        "steps": 8,
        "design": {"method": "lhs", "samples": samples, "seed": 1},
        "vary": {
            "states.LAO.autonomy": {"from": 0.1, "to": 0.9},
            "states.LAO.threat_sensitivity": {"from": 0.0, "to": 3.0},
        },
        "outputs": ["focal_autonomy", "focal_security"],
    }
    path = folder / f"{name}.yaml"
    path.write_text(dump(data))
    return path


@pytest.fixture(scope="module")
def sweep(tmp_path_factory) -> Path:
    """60 real runs of 8 steps (about a second)."""
    home = tmp_path_factory.mktemp("discover")
    out = home / "sweep"
    assert (
        main(["sweep", str(experiment(home, "tiny_lhs", 60)), "--out", str(out), "--executor", "serial", "--quiet"])
        == 0
    )
    return out


def median_condition(sweep: Path) -> str:
    """Runs whose security is below the sweep's median: half the runs, about."""
    return f"focal_security < {results.load(sweep).focal_security.median():.6f}"


def test_discover_writes_its_folder_and_every_number_is_recomputed_from_what_it_saved(sweep, tmp_path, capsys):
    where = median_condition(sweep)
    out = tmp_path / "found"
    started = time.perf_counter()
    assert main(["discover", str(sweep), "--where", where, "--out", str(out), "--quiet"]) == 0
    assert time.perf_counter() - started < 20
    printed = capsys.readouterr().out
    assert f"{where}: holds in 30 of 60 runs" in printed and "PRIM's box: coverage" in printed
    names = sorted(p.name for p in out.iterdir())
    assert names == ["boxes.csv", "cart.csv", "cart.txt", "cases.csv", "manifest.json", "plots", "summary.md",
                     "trajectory.csv"]  # fmt: skip
    assert sorted(p.name for p in (out / "plots").iterdir()) == ["box.png", "cart.png", "tradeoff.png"]
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["laossim_discovery"] == 1 and manifest["kind"] == "discovery" and manifest["where"] == where
    assert manifest["source"]["runs"] == 60 and manifest["source"]["kind"] == "sweep"

    boxes = pd.read_csv(out / "boxes.csv", dtype={"values": str})
    trajectory = pd.read_csv(out / "trajectory.csv")
    cart = pd.read_csv(out / "cart.csv")
    assert list(boxes.columns) == list(BOX_COLUMNS)
    assert list(trajectory.columns) == list(TRAJECTORY_COLUMNS)
    assert list(cart.columns) == list(CART_COLUMNS)
    boxes["values"] = boxes["values"].fillna("")

    # y and x from the sweep itself, as any reader would get them
    table = results.load(sweep)
    design = pd.read_parquet(sweep / "design.parquet")
    x = design.set_index("run_id").loc[table.run_id, ["states.LAO.autonomy", "states.LAO.threat_sensitivity"]]
    threshold = float(where.split("<")[1])
    y = table.focal_security.to_numpy() < threshold
    inside = in_box(x.reset_index(drop=True), boxes)
    coverage, density = (inside & y).sum() / y.sum(), (inside & y).sum() / inside.sum()
    assert boxes.coverage.unique().tolist() == [pytest.approx(coverage)]
    assert boxes.density.unique().tolist() == [pytest.approx(density)]
    chosen = trajectory[trajectory.chosen].iloc[0]
    assert (chosen.coverage, chosen.density) == (pytest.approx(coverage), pytest.approx(density))
    assert chosen.runs == inside.sum() and chosen.of_interest == (inside & y).sum()
    assert chosen.restricted == boxes.restricted.sum()
    assert trajectory.mass.iloc[0] == 1 and trajectory.coverage.iloc[0] == 1
    cases = pd.read_csv(out / "cases.csv")
    assert cases.of_interest.tolist() == y.tolist() and cases.in_box.tolist() == inside.tolist()
    assert cart.runs.sum() == 60 and cart.of_interest.sum() == y.sum()
    assert np.allclose(cart.density, cart.of_interest / cart.runs)
    summary = (out / "summary.md").read_text()
    assert f"coverage {coverage:.3f}, density {density:.3f}" in summary


def test_discover_refuses_to_replace_what_laossim_did_not_write(sweep, tmp_path, capsys):
    where = median_condition(sweep)
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "plan.txt").write_text("my notes\n")
    assert main(["discover", str(sweep), "--where", where, "--out", str(notes), "--force", "--quiet"]) == 2
    assert "not a laossim results folder" in capsys.readouterr().err
    assert [p.name for p in notes.iterdir()] == ["plan.txt"] and (notes / "plan.txt").read_text() == "my notes\n"
    out = tmp_path / "found"
    assert main(["discover", str(sweep), "--where", where, "--out", str(out), "--quiet"]) == 0
    assert main(["discover", str(sweep), "--where", where, "--out", str(out), "--quiet"]) == 2
    assert "already holds a laossim discovery folder; pass --force" in capsys.readouterr().err
    (out / "mine.txt").write_text("mine\n")
    assert main(["discover", str(sweep), "--where", where, "--out", str(out), "--force", "--quiet"]) == 2
    assert "mine.txt, which laossim did not write" in capsys.readouterr().err
    (out / "mine.txt").unlink()
    assert main(["discover", str(sweep), "--where", where, "--out", str(out), "--force", "--quiet"]) == 0
    # never into the sweep it reads
    assert main(["discover", str(sweep), "--where", where, "--out", str(sweep), "--force", "--quiet"]) == 2
    assert "an input of this command" in capsys.readouterr().err


def test_discover_refuses_too_few_runs_or_cases_with_the_numbers(sweep, tmp_path, capsys):
    small = tmp_path / "small"
    assert main(["sweep", str(experiment(tmp_path, "few", 20)), "--out", str(small), "--executor", "serial",
                 "--quiet"]) == 0  # fmt: skip
    capsys.readouterr()
    assert main(["discover", str(small), "--where", "focal_security < 0.6", "--out", str(tmp_path / "a")]) == 2
    err = capsys.readouterr().err
    assert "has 20 finished run(s); scenario discovery needs at least 50" in err and "Traceback" not in err
    assert main(["discover", str(sweep), "--where", "focal_security < -1", "--out", str(tmp_path / "b")]) == 2
    assert "holds in 0 of 60 runs; scenario discovery needs at least 10 runs of interest" in capsys.readouterr().err
    assert main(["discover", str(sweep), "--where", "focal_security > -1", "--out", str(tmp_path / "c")]) == 2
    assert "leaving 0 not of interest" in capsys.readouterr().err
    assert main(["discover", str(sweep), "--where", "focal_securty < 0.5", "--out", str(tmp_path / "d")]) == 2
    err = capsys.readouterr().err
    assert "unknown output 'focal_securty' at position 1; did you mean 'focal_security'?" in err
    assert "the results record: focal_autonomy, focal_security" in err
    assert not any((tmp_path / name).exists() for name in "abcd")


def test_discover_takes_only_a_folder_of_many_runs(tmp_path, capsys):
    from laossim.manifest import compose, write

    (tmp_path / "run").mkdir()
    write(tmp_path / "run", compose("run", scenario="x", resolved_scenario={}, replications=1, steps=1))
    (tmp_path / "run" / "design.parquet").write_bytes(b"")
    assert main(["discover", str(tmp_path / "run"), "--where", "stability < 1", "--out", str(tmp_path / "o")]) == 2
    assert (
        "is not a sweep folder (it is a laossim run folder); give a folder written by laossim sweep or laossim robust"
        in (capsys.readouterr().err)
    )


def test_report_renders_a_discovery_folder(sweep, tmp_path, capsys):
    out = tmp_path / "found"
    assert main(["discover", str(sweep), "--where", median_condition(sweep), "--out", str(out), "--quiet"]) == 0
    assert main(["report", str(out)]) == 0
    page = (out / "report.html").read_text()
    assert "<h1>Scenario discovery: focal_security &lt; " in page and "PRIM&#x27;s box" not in page
    assert "<h2>PRIM's box</h2>" in page and "<h2>CART leaves</h2>" in page and "Provenance" in page
    assert page.count("<img src='data:image/png;base64,") == 3


def test_the_manifest_names_the_cases_read_so_a_sweep_resumed_later_is_told_apart(sweep, tmp_path, capsys):
    """The design alone is the same before and after a sweep is resumed; the cases read are not."""
    where = median_condition(sweep)
    cases_read = []
    for name, folder in (("all", sweep), ("fewer", tmp_path / "fewer")):
        if name == "fewer":  # the same sweep with one run not yet done, as a killed sweep leaves it
            shutil.copytree(sweep, folder)
            (folder / "runs" / "run-000000.parquet").unlink()
            (folder / "status" / "run-000000.json").unlink()
        out = tmp_path / f"found-{name}"
        assert main(["discover", str(folder), "--where", where, "--out", str(out), "--quiet", "--resamples", "0"]) == 0
        source = json.loads((out / "manifest.json").read_text())["source"]
        cases_read.append((source["runs"], source["cases_sha256"], json.loads((out / "manifest.json").read_text())))
    capsys.readouterr()
    (all_runs, all_hash, first), (fewer_runs, fewer_hash, second) = cases_read
    assert first["inputs"][0]["sha256"] == second["inputs"][0]["sha256"]  # the same design
    assert (all_runs, fewer_runs) == (60, 59) and all_hash != fewer_hash and len(all_hash) == 64
