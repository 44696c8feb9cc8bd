"""The Mesa model: agents as views, keywords Mesa relies on, Mesa's own batch_run."""

from __future__ import annotations

import inspect

import mesa
import numpy as np
import pandas as pd
import pytest

from conftest import BASELINE, SCENARIOS
from laossim import LaosModel, StateAgent, metrics
from laossim.errors import ScenarioError


def test_one_agent_per_state_viewing_the_world_rows(tiny):
    model = LaosModel(tiny)
    agents = list(model.agents)
    assert len(agents) == 4 and all(isinstance(a, StateAgent) for a in agents)
    assert all(isinstance(a.unique_id, int) for a in agents)
    lao = model.states[0]
    assert lao.code == "LAO" and lao.doctrine == "hedger"
    model.step()
    assert lao.alignment == dict(zip(["CHN", "USA"], model.world.alignment[0].tolist(), strict=True))
    assert lao.capability == model.world.capability[0]


def test_spec_keyword_path_and_overrides():
    model = LaosModel(spec=BASELINE, **{"states.LAO.autonomy": 0.25, "simulation.steps": 3})
    assert model.world.autonomy[model.world.index("LAO")] == 0.25
    model.run()
    assert model.steps == 3 and not model.running
    assert model.period == "2025-Q3"
    with pytest.raises(ScenarioError):
        LaosModel(spec=BASELINE, **{"states.LAO.autonomy": 3})


def test_the_model_leaves_mesas_reserved_scenario_name_alone():
    assert "scenario" not in inspect.signature(LaosModel).parameters
    assert "seed" not in inspect.signature(LaosModel).parameters  # Mesa 3.5's batch_run then passes rng
    model = LaosModel(BASELINE, steps=1)
    assert not isinstance(getattr(model, "scenario", None), type(model.spec))


def test_datacollector_collects_every_score_each_step(tiny):
    model = LaosModel(tiny, steps=5)
    model.run()
    frame = model.datacollector.get_model_vars_dataframe()
    assert list(frame.columns) == list(metrics.COLUMNS)
    assert len(frame) == 6  # the initial state and five steps


def test_rng_keyword_seeds_the_run(tiny):
    def final(rng):
        m = LaosModel(tiny, rng=rng, steps=6)
        m.run()
        return m.world.alignment

    np.testing.assert_array_equal(final(3), final(3))
    assert not np.array_equal(final(3), final(4))
    np.testing.assert_array_equal(final(None), final(tiny.simulation.seed))


def test_mesa_batch_run_drives_the_model(tiny):
    version = tuple(int(x) for x in mesa.__version__.split(".")[:2])
    seeds = {"rng": [1, 2]} if version < (3, 5) else {}
    kwargs = {} if version < (3, 5) else {"rng": [1, 2]}
    results = mesa.batch_run(
        LaosModel,
        parameters={"spec": [tiny], "states.LAO.autonomy": [0.2, 0.8], **seeds},
        number_processes=1,
        max_steps=4,
        data_collection_period=-1,
        display_progress=False,
        **kwargs,
    )
    assert len(results) == 4
    assert all(0 <= r["focal_autonomy"] <= 1 for r in results)
    assert {r["states.LAO.autonomy"] for r in results} == {0.2, 0.8}


def test_the_shipped_baseline_is_the_default_spec():
    from laossim import shipped_scenario

    assert shipped_scenario().exists()
    model = LaosModel(steps=1)
    assert model.spec.scenario == "laos_baseline"


@pytest.mark.parametrize("name", ["laos_baseline", "us_china_crisis", "teaching_minimal"])
def test_the_mesa_model_gives_the_numbers_of_the_mesa_free_runs(name):
    from laossim import vocab
    from laossim.runs import run
    from laossim.seeding import replication_sequences

    result = run(SCENARIOS / f"{name}.yaml", seed=4, replications=2, steps=10)
    for replication, seq in enumerate(replication_sequences(4, 2)):
        model = LaosModel(spec=SCENARIOS / f"{name}.yaml", rng=seq, steps=10)
        model.run()
        collected = model.datacollector.get_model_vars_dataframe().reset_index(drop=True)
        mine = result.timeseries[result.timeseries.replication == replication].reset_index(drop=True)
        pd.testing.assert_frame_equal(collected[list(vocab.COLUMNS)], mine[list(vocab.COLUMNS)])
        states = result.states[result.states.replication == replication]
        np.testing.assert_array_equal(np.stack(model.capability_history).ravel(), states.capability.to_numpy())
