"""The Mesa model: one :class:`StateAgent` per state, the world's arrays, the step order.

The model owns the :class:`~laossim.world.World` and composes the pure
mechanisms in :data:`~laossim.mechanisms.STEP_ORDER`; agents are thin views
onto their rows. Mesa's DataCollector collects every score each step.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from functools import partial
from pathlib import Path
from typing import Any

import mesa
import numpy as np

from laossim import metrics
from laossim.calendar import step_label
from laossim.mechanisms import STEP_ORDER, begin_step, events
from laossim.mechanisms.records import Record
from laossim.scenario import Scenario, load_scenario, override_scenario
from laossim.seeding import SeedLike, Streams, root_sequence
from laossim.world import DOCTRINES, World, build_world

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
    return model.scores[name]


def outputs(scenario: Scenario) -> list[str]:
    """Every output a sweep can record for this scenario: the scores and their components, and
    each non-pole state's alignment on each pole (``alignment.LAO.CHN``)."""
    poles = list(scenario.poles)
    return [*metrics.COLUMNS, *(f"alignment.{s}.{p}" for s in scenario.state_ids if s not in poles for p in poles)]


def resolve_spec(spec: str | Path | Scenario | None, overrides: Mapping[str, Any]) -> Scenario:
    """A scenario from a path or a loaded scenario, with dotted-path overrides applied."""
    if spec is None:
        spec = shipped_scenario()
    if isinstance(spec, Scenario):
        return override_scenario(spec, overrides) if overrides else spec
    return load_scenario(spec, overrides or None)


class LaosModel(mesa.Model):
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
        self.root_seed = seq.entropy
        """The root seed's entropy (the int given, or the scenario's seed)."""
        self.streams = Streams(seq, tuple(name for name, _ in STEP_ORDER))
        super().__init__(rng=self.streams.mesa_seed())
        self.spec: Scenario = spec_scenario
        self.params = spec_scenario.parameters
        self.max_steps = int(steps if steps is not None else spec_scenario.simulation.steps)
        self.world: World = build_world(spec_scenario)
        self.states: list[StateAgent] = [
            StateAgent(self, i, s.id, s.name or s.id) for i, s in enumerate(spec_scenario.states)
        ]
        schedule: dict[int, list] = defaultdict(list)
        for ev in spec_scenario.events:
            schedule[spec_scenario.event_step(ev.at)].append(ev)
        self._mechanisms = tuple(
            (name, partial(events.step, schedule=dict(schedule)) if name == "events" else fn) for name, fn in STEP_ORDER
        )
        self.records: list[tuple[int, Record]] = []
        self.previous_world: World | None = None
        """The world before the last step (what the app compares to show changes)."""
        self.last_records: list[Record] = []
        self.alignment_history: list[np.ndarray] = [self.world.alignment]
        self.capability_history: list[np.ndarray] = [self.world.capability]
        self.scores: dict[str, float] = metrics.scores(self.world, self.params)
        self.datacollector = mesa.DataCollector(model_reporters={k: partial(_score, name=k) for k in metrics.COLUMNS})
        self.datacollector.collect(self)
        self.running = self.max_steps > 0

    @property
    def period(self) -> str:
        """Calendar label of the current step (step 0: the period before ``start``)."""
        sim = self.spec.simulation
        return step_label(sim.start, sim.time_unit, self.steps)

    def step(self) -> None:
        """One period: the mechanisms in :data:`STEP_ORDER`, then the scores."""
        t = self.steps
        world = begin_step(self.world, self.params)
        happened: list[Record] = []
        for name, mechanism in self._mechanisms:
            world, records = mechanism(world, self.params, self.streams.generator(name, t), t)
            happened += records
        self.previous_world, self.world = self.world, world
        self.last_records = happened
        self.records += [(t, r) for r in happened]
        self.alignment_history.append(world.alignment)
        self.capability_history.append(world.capability)
        self.scores = metrics.scores(world, self.params)
        self.datacollector.collect(self)
        if t >= self.max_steps:
            self.running = False

    def series(self, output: str) -> np.ndarray:
        """One output at every step so far: a score or component (:data:`metrics.COLUMNS`), or
        ``alignment.STATE.POLE``, that state's share on that pole (see :func:`outputs`)."""
        if output.startswith("alignment."):
            _, state, pole = output.split(".")
            poles = [self.world.ids[p] for p in self.world.poles]
            return np.stack(self.alignment_history)[:, self.world.index(state), poles.index(pole)]
        return np.asarray(self.datacollector.model_vars[output], dtype=np.float64)

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
