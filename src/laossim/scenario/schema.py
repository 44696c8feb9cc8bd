"""The scenario file format as frozen, typed objects (pydantic v2).

Field types and ranges live here; cross-references between sections (a
relation naming an unknown state, an event after the run ends, ...) are
checked in :mod:`laossim.scenario.checks`, which sees the whole file at once.
"""

from __future__ import annotations

from enum import StrEnum
from functools import cached_property
from typing import Annotated, Final, Literal, NamedTuple

from pydantic import Field, StrictBool

from laossim.calendar import TimeUnit, step_of
from laossim.inputs.items import NAME_PATTERN
from laossim.scenario.parameters import (
    EVERYWHERE_KM,
    OPEN_BOUND,
    EngagementKind,
    Frozen,
    Parameters,
    Real,
    Share,
    Whole,
)

FORMAT_VERSION: Final = 1
"""The format a file gets unless it says otherwise; version 2 adds positions."""

Coordinate = Annotated[float, Field(ge=-1e3, le=1e3, allow_inf_nan=False)]
"""A position's coordinate: the ideal-point scale spans a few units; far beyond would only overflow."""

StateId = Annotated[str, Field(min_length=1, max_length=32, pattern=r"^[A-Za-z][A-Za-z0-9_]*$")]
Pair = tuple[StateId, StateId]

Name = Annotated[str, Field(min_length=1, max_length=80, pattern=NAME_PATTERN)]


class Role(StrEnum):
    focal = "focal"
    regional = "regional"
    external = "external"


class Doctrine(StrEnum):
    """How a non-pole state answers alignment pressure (MODEL.md, mechanism 2)."""

    hedger = "hedger"
    balancer = "balancer"
    bandwagoner = "bandwagoner"


class Op(StrEnum):
    set = "set"
    add = "add"
    scale = "scale"


class Source(Frozen):
    """Where a figure comes from."""

    name: str
    url: str | None = None
    year: Whole | None = None
    note: str | None = None


NONALIGNED, NO_NORM = "nonaligned", "none"
FORUM_NORMS: tuple[str, ...] = (NONALIGNED, NO_NORM)
"""A forum's norms besides a pole id: the uniform point over the poles, or no pull at all."""


class Simulation(Frozen):
    """Run length, calendar and seeding."""

    start: str = Field("2025-Q1", description="First simulated period, e.g. 2025-Q1.")
    time_unit: TimeUnit = TimeUnit.quarter
    steps: Whole = Field(80, ge=1, le=100_000)
    seed: Whole = Field(2025, ge=0, json_schema_extra={"typical": [0, 9999]})
    replications: Whole = Field(10, ge=1, le=100_000)

    @property
    def steps_per_year(self) -> int:
        return self.time_unit.steps_per_year


class State(Frozen):
    """A state: one Mesa agent."""

    id: StateId
    name: str | None = None
    role: Role = Role.regional
    doctrine: Doctrine = Doctrine.hedger
    capital: tuple[Annotated[Real, Field(ge=-90, le=90)], Annotated[Real, Field(ge=-180, le=180)]]
    capability: Real = Field(ge=1e-12, le=1, description="CINC-like share of world capability.")
    autonomy: Share = 0.5
    engagement_budget: Real = Field(
        4.0,
        ge=0,
        le=1000,
        description="Engagement units a year the ministry's planned budget buys; they follow the budget's departure "
        "from the plan (docs/model.md, (3)).",
    )
    threat_sensitivity: Real = Field(1.0, ge=0, le=OPEN_BOUND)
    modernization: Real = Field(0.02, ge=-0.5, le=1, description="Capability growth per year.")
    absorption: Real = Field(
        0.1,
        ge=0,
        le=1,
        description="Most capability absorbed from partners per year, share of own.",
    )
    responsiveness: Share | None = Field(None, description="Own lambda; default parameters.alignment.responsiveness.")
    kind_weights: dict[EngagementKind, Annotated[Real, Field(ge=0, le=100)]] = Field(
        default_factory=dict,
        description="The doctrine's emphasis on each engagement kind, a factor on the kind's weight (default 1; 0 "
        "rules a kind out). judgement",
    )
    partner_cap: Share = Field(
        1.0,
        description="The largest share of the state's engagements of the last year any one partner may hold: a "
        "partner at the cap is not chosen (1: no cap). judgement",
    )
    no_alliance: StrictBool = Field(
        False,
        description="A hard constraint of the doctrine: no military alliance (and so no foreign bases); a file "
        "or an event that gives the state an alliance is refused.",
    )
    gdp: Real | None = Field(
        None, ge=0, le=1e6, description="GDP, US$ bn; default from the data for the start year (docs/model.md, 9)."
    )
    gdp_growth: Real | None = Field(
        None, ge=-0.5, le=1, description="Real GDP growth a year, a fraction; default the data's 2015-2024 mean."
    )
    defence_share: Real | None = Field(
        None, ge=0, le=0.5, description="Military expenditure over GDP, a fraction; default from the data."
    )
    external_debt: Real | None = Field(
        None, ge=0, le=1e6, description="External debt stock, US$ bn; default from the data (0 where not covered)."
    )
    reach: Real | None = Field(
        None,
        ge=0,
        le=EVERYWHERE_KM,
        description="How far (km, great-circle from its capital) the state can project force; 20100 reaches every "
        "capital. Default: its role's, parameters.geography.reach_<role> (judgements).",
    )
    alignment: dict[StateId, Share] | None = Field(None, description="Shares over the poles; default uniform.")
    position: list[Coordinate] | None = Field(
        None,
        description="Coordinates on the scenario's axes, one per pole but one (format_version 2); given for every "
        "state or for none. Default: found from alignment in the default geometry (docs/model.md).",
    )
    resting_position: list[Coordinate] | None = Field(
        None,
        description="Where the state rests with nothing changing (format_version 2); default: its initial position.",
    )


DirectedShares = dict[StateId, Share]


class Relation(Frozen):
    """The dyad between two states; directed fields are keyed by the state they describe."""

    between: Pair
    affinity: Annotated[Real, Field(ge=-1, le=1)] = 0.0
    border: StrictBool = False
    alliance: StrictBool = False
    trust: Share | None = None
    tension: Share | None = None
    interoperability: Share | None = None
    border_cooperation: Share | None = Field(
        None,
        description="Stock of border cooperation (joint patrols, liaison offices, agreements), which lowers the "
        "pair's transnational incidents; default parameters.defaults.border_cooperation on a shared border, "
        "else 0 (a judgement: no data at hand).",
    )
    liaison: Share | None = Field(
        None,
        description="Stock of attaché presence and information-sharing ties, which makes each side's signals of "
        "the other's hostility more precise (docs/model.md, 5a); default parameters.defaults.liaison_alliance "
        "for allies, else parameters.defaults.liaison_base (judgements).",
    )
    trade: DirectedShares = Field(default_factory=dict, description="Share of each side's trade with the other.")
    aid: DirectedShares = Field(
        default_factory=dict, description="Aid from the other as a share of each side's budget."
    )
    debt: DirectedShares = Field(default_factory=dict, description="What each side owes the other, share of its GDP.")
    arms: DirectedShares = Field(
        default_factory=dict,
        description="Share of each side's arms imports from the other (its supplier tie); default from SIPRI's "
        "deliveries in the ten years before the start (docs/model.md, 7b).",
    )


class Forum(Frozen):
    """A multilateral forum (ASEAN, ADMM, ADMM-Plus, ...)."""

    id: StateId
    name: str | None = None
    members: list[StateId] = Field(min_length=2)
    period: Whole = Field(4, ge=1, description="Steps between meetings.")
    strength: Share = 0.2
    norm: str = Field(NONALIGNED, description="nonaligned (the uniform point), a pole id, or none.")
    priorities: list[EngagementKind] = Field(
        default_factory=list,
        description="The engagement kinds the forum's frameworks prioritise (e.g. the ADMM-Plus expert working "
        "groups'): engagements of these kinds between two members are read by rivals at a discount "
        "(parameters.forums.multilateral_discount), and a state's framework alignment compares its engagements "
        "with them.",
    )
    since: Whole | str | None = Field(
        None,
        description="Step or calendar label of the first meeting, for a forum founded during the run "
        "(it then meets every period steps); default: meets from the start, at every multiple of period.",
    )


class _Event(Frozen):
    at: Whole | str = Field(description="Step (1 = first period) or calendar label such as 2028-Q1.")
    note: str | None = None
    source: str | None = None


class ChangeEvent(_Event):
    """Change a state or dyad field; ``op`` says whether the value sets, adds or scales."""

    type: Literal["change"]
    state: StateId | None = None
    between: Pair | None = None
    field: str
    op: Op
    value: float | str | bool


class DisasterEvent(_Event):
    type: Literal["disaster"]
    state: StateId
    severity: Annotated[Real, Field(gt=0, le=1)] = 0.5


class CrisisEvent(_Event):
    type: Literal["crisis"]
    between: Pair
    severity: Annotated[Real, Field(gt=0, le=1)] = 0.5


class EngagementEvent(_Event):
    """A scripted engagement: a policy lever ("LAO and VNM hold a joint exercise")."""

    type: Literal["engagement"]
    kind: EngagementKind
    between: Pair = Field(description="[initiator, partner]")
    count: Whole = Field(1, ge=1, le=100)


class SummitEvent(_Event):
    """An extra meeting of a forum."""

    type: Literal["summit"]
    forum: StateId


class ChairEvent(_Event):
    """A member chairs a forum for some steps: it advocates the forum's norm."""

    type: Literal["chair"]
    forum: StateId
    state: StateId
    steps: Whole = Field(4, ge=1)


class ProgrammeEvent(_Event):
    """A multi-year programme of a forum, like an ADMM-Plus expert working group's cycle: two co-chairs,
    members of the forum, each hold one engagement of the programme's kind with every other member once
    a year, from ``at`` for ``years`` years."""

    type: Literal["programme"]
    forum: StateId
    kind: EngagementKind
    chairs: Pair = Field(description="[co-chair, co-chair], both members of the forum")
    years: Whole = Field(3, ge=1, le=20, description="Years the cycle runs (the working groups' cycle is three).")


Event = Annotated[
    ChangeEvent | DisasterEvent | CrisisEvent | EngagementEvent | SummitEvent | ChairEvent | ProgrammeEvent,
    Field(discriminator="type"),
]


class Changeable(NamedTuple):
    """A field a change event may touch: the ops it allows and the range its value keeps
    (a ``set`` outside it is an error in the file; an ``add`` or ``scale`` is clipped to it)."""

    ops: tuple[Op, ...]
    low: float | None = None
    high: float | None = None


_NUMERIC = (Op.set, Op.add, Op.scale)

STATE_FIELDS: dict[str, Changeable] = {
    "capability": Changeable(_NUMERIC, 1e-12, 1.0),
    "autonomy": Changeable(_NUMERIC, 0.0, 1.0),
    "engagement_budget": Changeable(_NUMERIC, 0.0, 1000.0),
    "partner_cap": Changeable(_NUMERIC, 0.0, 1.0),
    "threat_sensitivity": Changeable(_NUMERIC, 0.0, OPEN_BOUND),
    "modernization": Changeable(_NUMERIC, -0.5, 1.0),
    "absorption": Changeable(_NUMERIC, 0.0, 1.0),
    "responsiveness": Changeable(_NUMERIC, 0.0, 1.0),
    "doctrine": Changeable((Op.set,)),
    "gdp": Changeable(_NUMERIC, 0.0, 1e6),
    "gdp_growth": Changeable(_NUMERIC, -0.5, 1.0),
    "defence_share": Changeable(_NUMERIC, 0.0, 0.5),
    "external_debt": Changeable(_NUMERIC, 0.0, 1e6),
}
"""State fields a change event may touch (the same ranges as :class:`State`'s fields)."""

PAIR_FIELDS: dict[str, Changeable] = {
    "trust": Changeable(_NUMERIC, 0.0, 1.0),
    "tension": Changeable(_NUMERIC, 0.0, 1.0),
    "interoperability": Changeable(_NUMERIC, 0.0, 1.0),
    "border_cooperation": Changeable(_NUMERIC, 0.0, 1.0),
    "liaison": Changeable(_NUMERIC, 0.0, 1.0),
    "affinity": Changeable(_NUMERIC, -1.0, 1.0),
    "border": Changeable((Op.set,)),
    "alliance": Changeable((Op.set,)),
    "trade": Changeable(_NUMERIC, 0.0, 1.0),
    "aid": Changeable(_NUMERIC, 0.0, 1.0),
    "debt": Changeable(_NUMERIC, 0.0, 1.0),
}
"""Dyad fields a change event may touch (the ranges of :class:`Relation`'s fields)."""

DIRECTED_FIELDS = frozenset({"trade", "aid", "debt"})
"""Dyad fields that differ by direction: the first state of a change's ``between`` is the one
whose share (or debt) it is; every other dyad field is symmetric."""


class Scenario(Frozen):
    """A resolved scenario: what runs, and what results record."""

    format_version: Literal[1, 2] = FORMAT_VERSION
    scenario: Name = Field(description="Short name, used in result folder names.")
    description: str = ""
    extends: str | None = Field(None, description="Parent scenario file this one overrides.")
    sources: list[Source] = Field(default_factory=list)
    simulation: Simulation = Field(default_factory=Simulation)
    poles: list[StateId] = Field(min_length=2, description="The alignment axes: the only place poles are named.")
    states: list[State] = Field(min_length=2)
    relations: list[Relation] = Field(default_factory=list)
    forums: list[Forum] = Field(default_factory=list)
    events: list[Event] = Field(default_factory=list)
    parameters: Parameters = Field(default_factory=Parameters)

    @cached_property
    def state_ids(self) -> tuple[str, ...]:
        return tuple(s.id for s in self.states)

    @cached_property
    def focal(self) -> str:
        """The id of the focal state (the loader checks there is exactly one)."""
        return next(s.id for s in self.states if s.role is Role.focal)

    def event_step(self, at: int | str) -> int:
        """The step an event's ``at`` (a step or a calendar label) falls on."""
        if isinstance(at, int):
            return at
        sim = self.simulation
        return step_of(at, sim.start, sim.time_unit)
