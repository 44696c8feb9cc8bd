"""The Mesa model: a :class:`~laossim.simulation.Simulation` with one :class:`StateAgent` per state.

The simulation owns the :class:`~laossim.world.World` and composes the pure
mechanisms; the model adds what Mesa users expect: agents (thin views onto
their rows), Mesa's step counter and ``running`` flag, and a DataCollector
that collects every score each step.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from pathlib import Path
from typing import Any

import mesa

from laossim import vocab
from laossim.calendar import step_label
from laossim.scenario import Scenario, load_scenario, override_scenario
from laossim.seeding import SeedLike, Streams, root_sequence
from laossim.simulation import Simulation
from laossim.world import DOCTRINES, World

SHIPPED = Path(__file__).resolve().parent / "scenarios"


def shipped_scenario(name: str = "laos_baseline") -> Path:
    """Path of a scenario that ships with laossim (``scenarios/<name>.yaml``)."""
    return SHIPPED / f"{name}.yaml"


class StateAgent(mesa.Agent):
    """A state: a view onto its row of the model's world arrays."""

    def __init__(self, model: LaosModel, index: int, code: str, name: str) -> None:
        super().__init__(model)
        self.index = index
        self.code = code
        self.name = name

    @property
    def world(self) -> World:
        return self.model.world

    @property
    def capability(self) -> float:
        return float(self.world.capability[self.index])

    @property
    def autonomy(self) -> float:
        return float(self.world.autonomy[self.index])

    @property
    def doctrine(self) -> str:
        return DOCTRINES[int(self.world.doctrine[self.index])].value

    @property
    def alignment(self) -> dict[str, float]:
        poles = [self.world.ids[p] for p in self.world.poles]
        return dict(zip(poles, self.world.alignment[self.index].tolist(), strict=True))

    def __repr__(self) -> str:
        return f"StateAgent({self.code})"


def _score(model: LaosModel, name: str) -> float:
    """DataCollector reporter of one score (bound with ``partial``, which Mesa calls with the model)."""
    return float(model.scores[name])


def resolve_spec(spec: str | Path | Scenario | None, overrides: Mapping[str, Any]) -> Scenario:
    """A scenario from a path or a loaded scenario, with dotted-path overrides applied."""
    if spec is None:
        spec = shipped_scenario()
    if isinstance(spec, Scenario):
        return override_scenario(spec, overrides) if overrides else spec
    return load_scenario(spec, overrides or None)


class LaosModel(Simulation, mesa.Model):
    """Laos and its neighbours and partners balancing alignment pressures.

    Args:
        spec: a scenario file path or a loaded :class:`Scenario` (default: the
            shipped baseline). Never ``scenario=``: Mesa reserves that name.
        rng: seed (int, SeedSequence or Generator); default the scenario's
            ``simulation.seed``. Mesa's ``batch_run`` passes it.
        steps: run length; default ``simulation.steps``.
        **kwargs: dotted-path overrides of the scenario (named ``kwargs`` so that Mesa's
            SolaraViz accepts them as model parameters), e.g.
            ``**{"states.LAO.autonomy": 0.5, "parameters.alignment.responsiveness": 0.2}``.
    """

    def __init__(
        self,
        spec: str | Path | Scenario | None = None,
        *,
        rng: SeedLike = None,
        steps: int | None = None,
        **kwargs: Any,
    ) -> None:
        mesa_scenario = kwargs.get("scenario")
        if mesa_scenario is not None and type(mesa_scenario).__module__.startswith("mesa."):
            del kwargs["scenario"]  # Mesa 3.5's SolaraViz adds its own Scenario on Reset; ours is ``spec``
        spec_scenario = resolve_spec(spec, kwargs)
        seq = root_sequence(spec_scenario.simulation.seed if rng is None else rng)
        mesa.Model.__init__(self, rng=Streams(seq).mesa_seed())
        Simulation.__init__(self, spec_scenario, seq, spec_scenario.simulation.steps if steps is None else steps)
        self.states: list[StateAgent] = [
            StateAgent(self, i, s.id, s.name or s.id) for i, s in enumerate(spec_scenario.states)
        ]
        self.datacollector = mesa.DataCollector(model_reporters={k: partial(_score, name=k) for k in vocab.COLUMNS})
        self.datacollector.collect(self)
        self.running = self.max_steps > 0

    @property
    def period(self) -> str:
        """Calendar label of the current step (step 0: the period before ``start``)."""
        sim = self.spec.simulation
        return step_label(sim.start, sim.time_unit, self.steps)

    def step(self) -> None:
        """One period (Mesa counts the steps): the simulation advances, the DataCollector collects."""
        self.advance(self.steps)
        self.datacollector.collect(self)
        if self.steps >= self.max_steps:
            self.running = False

    def run(self) -> None:
        """Step until ``max_steps``."""
        while self.running:
            self.step()

    def release(self) -> None:
        """Let the model be freed once its results are read.

        Mesa 3.3 keeps every model that ever made an agent in the class-level
        ``Agent._ids`` counter (Mesa 3.5 counts on the model instead), so a
        sweep of thousands of runs would grow without bound.
        """
        ids = getattr(mesa.Agent, "_ids", None)
        if isinstance(ids, dict):
            ids.pop(self, None)
