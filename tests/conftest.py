"""Shared fixtures: the repository's paths, a tiny hand-made world, the baseline."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from laossim.mechanisms import alignment, begin_step
from laossim.scenario import Scenario, load_scenario
from laossim.simulation import Simulation
from laossim.world import World, build_world

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"
BASELINE = SCENARIOS / "laos_baseline.yaml"


def tiny_scenario(**parameters: Any) -> Scenario:
    """Four states: focal hedger LAO, neighbour VNM, poles CHN and USA."""
    return Scenario.model_validate(
        {
            "scenario": "tiny",
            "simulation": {"steps": 8, "seed": 1, "replications": 2},
            "poles": ["CHN", "USA"],
            "states": [
                {
                    "id": "LAO",
                    "role": "focal",
                    "capital": [18, 102.6],
                    "capability": 0.001,
                    "autonomy": 0.5,
                    "alignment": {"CHN": 0.5, "USA": 0.5},
                    "engagement_budget": 8,
                },
                {"id": "VNM", "capital": [21, 105.8], "capability": 0.01, "alignment": {"CHN": 0.5, "USA": 0.5}},
                {"id": "CHN", "capital": [39.9, 116.4], "capability": 0.2},
                {"id": "USA", "capital": [38.9, -77.0], "capability": 0.2},
            ],
            "relations": [
                {"between": ["LAO", "VNM"], "affinity": 0.8, "border": True},
                {"between": ["CHN", "LAO"], "trade": {"LAO": 0.4}, "border": True},
                {"between": ["CHN", "USA"], "affinity": -0.6, "tension": 0.5},
            ],
            "forums": [{"id": "ASEAN", "members": ["LAO", "VNM"], "period": 2, "strength": 0.5}],
            "parameters": parameters,
        }
    )


@pytest.fixture
def tiny() -> Scenario:
    return tiny_scenario()


@pytest.fixture
def world(tiny: Scenario) -> World:
    """The tiny scenario's world as a run begins (its resting leverage recorded)."""
    return alignment.anchored(build_world(tiny), tiny.parameters)


@pytest.fixture(scope="session")
def baseline() -> Scenario:
    return load_scenario(BASELINE)


def rng(seed: int = 0) -> np.random.Generator:
    return np.random.default_rng(seed)


def idx(world: World, *ids: str) -> tuple[int, ...]:
    return tuple(world.index(s) for s in ids)


def world_before(sim: Simulation, name: str, t: int) -> World:
    """A run's world at step t just before mechanism ``name``, with what came before it this step."""
    world = begin_step(sim.world, sim.params)
    for m in sim.mechanisms:
        if m.name == name:
            return world
        world, _ = m.step(world, sim.params, sim.streams.generator(m.stream, t), t)
    raise KeyError(name)
