"""Stacked worlds: a mechanism run on a stack gives every run exactly what it gives that run alone."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from laossim import batch
from laossim.mechanisms import MECHANISMS, alignment, begin_step
from laossim.scenario import load_scenario, override_scenario
from laossim.seeding import Stacked, StackedStreams, Streams
from laossim.simulation import Simulation

SCENARIOS = sorted((Path(__file__).resolve().parents[1] / "scenarios").glob("*.yaml"))


def runs_between_steps(path: Path, steps: int = 5) -> tuple[list[Simulation], int]:
    """Four runs of a scenario with different seeds and focal autonomy, ``steps`` steps in."""
    base = load_scenario(path)
    sims = []
    for r, autonomy in enumerate((0.2, 0.4, 0.6, 0.9)):
        spec = override_scenario(base, {f"states.{base.focal}.autonomy": autonomy})
        sim = Simulation(spec, np.random.SeedSequence(17, spawn_key=(r,)), steps + 1)
        for t in range(1, steps + 1):
            sim.advance(t)
        sims.append(sim)
    return sims, steps + 1


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_alignment_on_a_stack_gives_each_run_its_own_result_to_the_bit(path: Path):
    sims, t = runs_between_steps(path)
    params = sims[0].params
    worlds = [begin_step(s.world, params) for s in sims]
    stacked, _ = alignment.step(
        batch.stack(worlds), params, StackedStreams([s.streams for s in sims]).generator("alignment", t), t
    )
    for b, (sim, world) in enumerate(zip(sims, worlds, strict=True)):
        alone, _ = alignment.step(world, params, sim.streams.generator("alignment", t), t)
        np.testing.assert_array_equal(stacked.alignment[b], alone.alignment)
        np.testing.assert_array_equal(stacked.leverage[b], alone.leverage)


def test_a_stacked_generator_draws_each_runs_own_numbers():
    streams = [Streams(np.random.SeedSequence(3, spawn_key=(r,)), MECHANISMS) for r in range(3)]
    draws = StackedStreams(streams).generator("crises", 4).random((2, 5), dtype=np.float32)
    assert draws.shape == (3, 2, 5) and draws.dtype == np.float32
    for b, s in enumerate(streams):
        np.testing.assert_array_equal(draws[b], s.generator("crises", 4).random((2, 5), dtype=np.float32))
    shape = np.array([[1.0, 2.0], [3.0, 4.0]])
    gamma = Stacked([s.generator("alignment", 1) for s in streams[:2]]).standard_gamma(shape)
    for b, s in enumerate(streams[:2]):
        np.testing.assert_array_equal(gamma[b], s.generator("alignment", 1).standard_gamma(shape[b]))


def test_only_worlds_of_one_structure_between_steps_can_be_stacked():
    sims, _ = runs_between_steps(SCENARIOS[0], steps=1)
    other, _ = runs_between_steps(Path(__file__).resolve().parents[1] / "scenarios" / "teaching_minimal.yaml", 1)
    with pytest.raises(ValueError, match="their ids differ"):
        batch.stack([sims[0].world, other[0].world])
    mid_step = next(s.world for s in sims if len(s.world.visibility))
    with pytest.raises(ValueError, match="between steps"):
        batch.stack([mid_step, mid_step])
    stacked = batch.stack([begin_step(s.world, s.params) for s in sims])
    assert stacked.trust.shape == (4, *sims[0].world.trust.shape) and stacked.pressure.shape == (4,)
    assert stacked.ids == sims[0].world.ids
