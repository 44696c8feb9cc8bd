"""``laossim migrate``: a version-1 scenario file rewritten as version 2, shares become positions."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from conftest import SCENARIOS
from laossim.cli import main
from laossim.scenario import load_scenario
from laossim.world import build_world


def test_a_migrated_file_gives_every_state_the_shares_it_had_and_keeps_the_rest(tmp_path, capsys):
    original = SCENARIOS / "laos_baseline.yaml"
    before = original.read_bytes()
    out = tmp_path / "baseline_v2.yaml"
    assert main(["migrate", str(original), "--out", str(out)]) == 0
    assert original.read_bytes() == before  # the source is left as it is
    text = out.read_text()
    assert text.startswith("# Laos hedging between China, Vietnam and the USA") and "format_version: 2" in text
    assert "alignment:" not in text.split("states:")[1].split("relations:")[0]
    old, new = load_scenario(original), load_scenario(out)
    assert new.format_version == 2 and all(s.position is not None for s in new.states)
    np.testing.assert_allclose(build_world(new).alignment, build_world(old).alignment, atol=2e-5)
    assert new.model_dump(exclude={"format_version", "states"}) == old.model_dump(exclude={"format_version", "states"})


def test_migrate_never_replaces_a_file_and_refuses_what_it_cannot_migrate(tmp_path, capsys):
    taken = tmp_path / "taken.yaml"
    taken.write_text("mine\n")
    assert main(["migrate", str(SCENARIOS / "teaching_minimal.yaml"), "--out", str(taken)]) == 2
    assert taken.read_text() == "mine\n" and "never replaces one" in capsys.readouterr().err
    variant = SCENARIOS / "china_debt_leverage.yaml"
    assert main(["migrate", str(variant), "--out", str(tmp_path / "v.yaml")]) == 2
    err = capsys.readouterr().err
    assert f"{variant}:4: extends: a file that extends another cannot be migrated alone" in err
    assert "migrate laos_baseline.yaml" in err and not (tmp_path / "v.yaml").exists()
    once = tmp_path / "once.yaml"
    assert main(["migrate", str(SCENARIOS / "teaching_minimal.yaml"), "--out", str(once)]) == 0
    assert main(["migrate", str(once), "--out", str(tmp_path / "twice.yaml")]) == 2
    assert "version 2 already" in capsys.readouterr().err


@pytest.mark.parametrize("name", ["teaching_minimal", "laos_baseline"])
def test_every_self_contained_shipped_scenario_migrates(tmp_path, name):
    out = tmp_path / f"{name}.yaml"
    shutil.copy(SCENARIOS / f"{name}.yaml", tmp_path / "source.yaml")
    assert main(["migrate", str(tmp_path / "source.yaml"), "--out", str(out)]) == 0
    np.testing.assert_allclose(
        build_world(load_scenario(out)).alignment, build_world(load_scenario(tmp_path / "source.yaml")).alignment,
        atol=2e-5,
    )  # fmt: skip
