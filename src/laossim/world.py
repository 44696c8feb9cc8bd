"""The world state: per-state vectors and N x N dyadic arrays, built once from a scenario.

No Mesa and no randomness here. Mechanisms take a :class:`World` and return a
new one (``dataclasses.replace`` with fresh arrays for what they change), so
each can be tested on a hand-made world and the model only composes them.

Conventions: index i is a state in scenario order; ``poles`` holds the state
indices of the K poles and ``alignment[i, k]`` is state i's share on pole k.
Directed arrays (``trade``, ``aid``, ``debt``) are read by row: ``debt[i, j]``
is what i owes j. Symmetric arrays (``affinity``, ``trust``, ``tension``,
``interoperability``, ``border``, ``alliance``, ``border_cooperation``, ``liaison``) hold both triangles;
``beliefs`` is directed: ``beliefs[i, j]`` is what i believes of j's hostility.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property, wraps
from typing import Self, TypeVar

import numpy as np

from laossim import geography, geometry
from laossim.scenario import budgets, transfers
from laossim.scenario.parameters import EngagementKind, Parameters
from laossim.scenario.schema import NONALIGNED, Doctrine, Scenario

DYAD = np.float32
"""Precision of the N x N dyadic arrays: single precision (relative rounding 1e-7, far below
the precision of any figure or coefficient) halves the memory traffic that dominates a large
world's step. Per-state vectors and all scores stay in double precision."""

DOCTRINES: tuple[Doctrine, ...] = (Doctrine.hedger, Doctrine.balancer, Doctrine.bandwagoner)
"""Doctrine codes stored in ``World.doctrine`` are indices into this tuple."""

FloatArray = np.ndarray

STRUCTURE: tuple[str, ...] = ("ids", "poles", "focal", "steps_per_year", "forum_ids")
"""The fields that never change during a run: the states, poles and forums, and the calendar."""

RESTING: tuple[str, ...] = (
    "trust",
    "tension",
    "interoperability",
    "trade",
    "aid",
    "debt",
    "border_cooperation",
    "liaison",
)
"""The dyadic figures a run holds at rest (:mod:`laossim.mechanisms.rest`), in the order of
``World.drift``'s first axis."""
ECONOMY: tuple[str, ...] = ("gdp", "gdp_growth", "defence_share", "external_debt")
"""Each state's economic figures: from its file, else the data (:mod:`laossim.scenario.budgets`)."""

TALLIES: tuple[str, ...] = (
    "pressure",
    "crisis_load",
    "engaged_units",
    "budget_units",
    "forum_attended",
    "forum_expected",
    "churn",
    "norm_pull",
    "incidents",
    "engagement_tally",
    "self_funded",
    "financed",
    "kind_tally",
    "learned_absorption",
)
"""The fading tallies (the scores read all but the forums' pull, the incidents, a per-state output, and
the absorption training built, read by the economy and the arms);
a run starts them at their expected values."""

THIS_STEP: tuple[str, ...] = ("leverage", "visibility", "capability_gain", "crisis_count", "prev_alignment")
"""The fields that hold what happened in the current step: a mechanism that reads one must come
after what writes it in the step (``begin_step`` or an earlier mechanism), or it reads the last
step's (``tests/test_contracts.py`` checks the step order against the mechanisms' contracts)."""

# No mechanism or score uses a matrix product (``@``, BLAS): BLAS sums in an order that depends on
# the processor and its kernel (OpenBLAS picks one per CPU), so single-precision results moved
# with the machine. Sums are taken elementwise in a fixed order instead
# (tests/test_reproducible.py runs the shipped scenarios under several BLAS kernels).


@dataclass(frozen=True, eq=False)
class Sightings:
    """Engagement volume seen by rivals this step, as (row, column, weight) entries of an N x N
    matrix V with duplicates summed (in a stack of worlds, rows count over the runs: run b's
    state i is row b N + i). A step has few engagements, so this is far cheaper to
    build and extend than a sparse matrix: a small world's step spent 14% of its time on those."""

    rows: np.ndarray
    cols: np.ndarray
    weight: np.ndarray

    @classmethod
    def none(cls) -> Sightings:
        return cls(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=DYAD))

    def __len__(self) -> int:
        return len(self.weight)

    def plus(self, rows: np.ndarray, cols: np.ndarray, weight: np.ndarray) -> Sightings:
        """These sightings and more."""
        return Sightings(
            np.concatenate([self.rows, rows]),
            np.concatenate([self.cols, cols]),
            np.concatenate([self.weight, weight.astype(DYAD, copy=False)]),
        )

    def dense(self, shape: int | tuple[int, ...]) -> np.ndarray:
        """V as an (n, n) array, or (runs, n, n) for a stack (for tests and small worlds)."""
        out = np.zeros((shape, shape) if isinstance(shape, int) else shape, dtype=DYAD)
        np.add.at(out.reshape(-1, out.shape[-1]), (self.rows, self.cols), self.weight)
        return out

    def times(self, matrix: np.ndarray) -> np.ndarray:
        """V @ matrix for a square matrix, or for each run of a stack of them: each sighting
        (r, c, w) adds w times row c of its run's matrix to row r, in the sightings' order (a step
        has few, so this costs far less than a product through a dense V, and is the same on every
        machine)."""
        n = matrix.shape[-1]
        flat = matrix.reshape(-1, n)
        out = np.zeros_like(flat)
        if not len(self):
            return out.reshape(matrix.shape)
        order = np.argsort(self.rows, kind="stable")
        rows = self.rows[order]
        source = rows - rows % n + self.cols[order]  # row c of the sighting's own run
        terms = self.weight[order].astype(matrix.dtype)[:, None] * flat[source]
        starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
        out[rows[starts]] = np.add.reduceat(terms, starts, axis=0)  # each row's terms, in order
        return out.reshape(matrix.shape)


@dataclass(frozen=True, eq=False)
class World:
    """Everything that changes during a run, as numpy arrays."""

    ids: tuple[str, ...]
    poles: np.ndarray
    focal: int
    steps_per_year: int
    # per state, shape (N,)
    capability: FloatArray
    autonomy: FloatArray
    budget: FloatArray
    threat_sensitivity: FloatArray
    modernization: FloatArray
    absorption: FloatArray
    responsiveness: FloatArray
    reach: FloatArray
    """How far (km) each state projects force from its capital (:mod:`laossim.geography`)."""
    doctrine: np.ndarray
    disaster: FloatArray
    # (N, D): positions on the scenario's axes (laossim.geometry), D = K - 1
    position: FloatArray
    resting: FloatArray
    """Where each state rests with nothing changing (its anchor)."""
    # (N, K)
    alignment: FloatArray
    """Shares over the poles, derived from the positions (:func:`laossim.geometry.shares`)."""
    leverage_start: FloatArray
    """Each pole's leverage over each state when the run began: a target shifts with the change since."""
    norm_pull: FloatArray
    """(N, D): how far the forums' meetings pull each state's target toward their norms (a fading sum)."""
    norm_pull_start: FloatArray
    """(N, D): that pull when the run began: a target shifts with the change since."""
    # dyads, shape (N, N)
    border: np.ndarray
    alliance: np.ndarray
    distance: FloatArray
    """Great-circle distance (km) between capitals, single precision; never changes during a run."""
    relevant: np.ndarray
    """The politically relevant pairs (:func:`laossim.geography.relevant`), the only ones where crises are
    drawn; worked out again when a scheduled event changes a border or an alliance."""
    affinity: FloatArray
    trade: FloatArray
    aid: FloatArray
    debt: FloatArray
    trust: FloatArray
    tension: FloatArray
    interoperability: FloatArray
    # forums, F rows
    forum_ids: tuple[str, ...]
    forum_members: np.ndarray
    forum_period: np.ndarray
    forum_since: np.ndarray
    forum_strength: FloatArray
    forum_norm: FloatArray
    forum_priority: np.ndarray
    """(F, kinds) bool: the engagement kinds each forum's frameworks prioritise."""
    forum_chair: np.ndarray
    forum_chair_until: np.ndarray
    # slow state read by the scores (exponential moving sums; see metrics)
    pressure: float = 0.0
    crisis_load: float = 0.0
    engaged_units: float = 0.0
    budget_units: float = 0.0
    forum_attended: float = 0.0
    forum_expected: float = 0.0
    churn: float = 0.0
    """The alignments' mean total-variation change a step, summed with a one-year memory (up to the
    last step)."""
    # (N,): coalitions (mechanisms/camps.py)
    camp: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    """Each state's camp: the index (into ``poles``) of the pole whose coalition it belongs to; a pole's
    is its own."""
    camp_start: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    """Each state's camp when the run began: a target shifts with a change of camp since."""
    # what happened in the current step (THIS_STEP)
    leverage: FloatArray = field(default_factory=lambda: np.zeros((0, 0)))
    visibility: Sightings = field(default_factory=Sightings.none)
    """Visible engagement volume of each pair this step."""
    capability_gain: FloatArray = field(default_factory=lambda: np.zeros(0))
    crisis_count: int = 0
    prev_alignment: FloatArray = field(default_factory=lambda: np.zeros((0, 0)))
    # what holds the scenario's figures at rest (mechanisms/rest.py): each one's expected change a step
    drift: FloatArray = field(default_factory=lambda: np.zeros((len(RESTING), 0, 0), dtype=DYAD))
    """(len(RESTING), N, N), single precision, in the order of :data:`RESTING`."""
    drift_capability: FloatArray = field(default_factory=lambda: np.zeros(0))
    """(N,): each capability's expected growth a step besides its modernisation, as a rate."""
    # the last economy step's (read by the security dilemma before this step's economy)
    growth: FloatArray = field(default_factory=lambda: np.zeros(0))
    """Each state's capability growth in the last economy step, per year."""
    # (N,): the economy and the defence ministry's budget (mechanisms/ministry.py)
    gdp: FloatArray = field(default_factory=lambda: np.zeros(0))
    """GDP, US$ bn (0: not modelled for a state neither the file nor the data give)."""
    gdp_growth: FloatArray = field(default_factory=lambda: np.zeros(0))
    """Real GDP growth a year, a fraction."""
    defence_share: FloatArray = field(default_factory=lambda: np.zeros(0))
    """Military expenditure over GDP, a fraction."""
    external_debt: FloatArray = field(default_factory=lambda: np.zeros(0))
    """External debt stock, US$ bn."""
    defence_budget: FloatArray = field(default_factory=lambda: np.zeros(0))
    """The defence ministry's budget a year, US$ m: the share of GDP less the debt service's squeeze."""
    military_stock: FloatArray = field(default_factory=lambda: np.zeros(0))
    """The stock of equipment procurement has built, US$ bn, depreciating (capability in absolute units)."""
    # the border (mechanisms/border.py)
    border_cooperation: FloatArray = field(default_factory=lambda: np.zeros((0, 0), dtype=DYAD))
    """Each pair's stock of border cooperation in [0, 1] (joint patrols, liaison offices, agreements):
    it lowers the pair's transnational incidents (mechanisms/border.py)."""
    incidents: FloatArray = field(default_factory=lambda: np.zeros(0))
    """Transnational incidents on each state's borders a year: an exponentially weighted mean with a
    one-year memory of each step's count times the steps in a year (a fading tally)."""
    # the ministry's engagements (mechanisms/engagement.py)
    budget_expected: FloatArray = field(default_factory=lambda: np.zeros(0))
    """(N,): the defence budget the ministry planned on, US$ m a year: its budget when the run began,
    grown at the economy's growth then (``growth_expected``). The engagement units the file gives are
    what the budget buys on that path; they follow the budget's departure from it (a squeeze)."""
    growth_expected: FloatArray = field(default_factory=lambda: np.zeros(0))
    """(N,): the real GDP growth a year when the run began, which the planned budget grows at."""
    kind_weight: FloatArray = field(default_factory=lambda: np.zeros((0, 0)))
    """(N, kinds): each state's doctrine's emphasis on each engagement kind, times the kind's weight."""
    partner_cap: FloatArray = field(default_factory=lambda: np.zeros(0))
    """(N,): the largest share of a state's engagements of the last year any one partner may hold."""
    engagement_tally: FloatArray = field(default_factory=lambda: np.zeros((0, 0), dtype=DYAD))
    """(N, N), symmetric: engagements a year between each pair, either side initiating (a one-year
    weighted mean, like the incidents)."""
    self_funded: FloatArray = field(default_factory=lambda: np.zeros(0))
    """(N,): engagements a year a state initiated and paid from its own budget (a one-year weighted mean)."""
    financed: FloatArray = field(default_factory=lambda: np.zeros(0))
    """(N,): engagements a year a creditor financed for a state (a one-year weighted mean)."""
    kind_tally: FloatArray = field(default_factory=lambda: np.zeros((0, 0)))
    """(N, kinds): engagements a year of each kind a state took part in, either side initiating (a one-year
    weighted mean): its defence activity's portfolio."""
    # arms imports (mechanisms/arms.py)
    supplier_ties: FloatArray = field(default_factory=lambda: np.zeros((0, 0)))
    """(N, N), double precision: row i (the recipient) holds the shares of i's arms imports from each
    supplier j, a stock fading toward each step's purchases; each row sums to 1 when i has any supplier,
    0 otherwise (:func:`laossim.mechanisms.arms.arms_shares`)."""
    arms_deliveries: FloatArray = field(default_factory=lambda: np.zeros((0, 0)))
    """(N, N): arms delivered to i (row) by j (column) since the run began, US$ m (a running total)."""
    arms_exporter: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    """(N,): the states arms are bought from (:mod:`laossim.scenario.transfers`)."""
    arms_import_share: FloatArray = field(default_factory=lambda: np.zeros(0))
    """(N,): the share of each state's procurement bought abroad (its role's, ``arms.import_<role>``)."""
    learned_absorption: FloatArray = field(default_factory=lambda: np.zeros(0))
    """(N,): absorption built by training received, on top of the scenario's ``absorption``: a fading
    tally (:data:`TALLIES`), started at its expected value."""
    # information (mechanisms/beliefs.py)
    liaison: FloatArray = field(default_factory=lambda: np.zeros((0, 0), dtype=DYAD))
    """Each pair's stock of liaison in [0, 1] (attaché presence, information-sharing ties): it makes each
    side's signals of the other's hostility more precise (mechanisms/beliefs.py)."""
    beliefs: FloatArray = field(default_factory=lambda: np.zeros((0, 0), dtype=DYAD))
    """Directed, in [0, 1]: ``beliefs[i, j]`` is i's estimate of the pair's tension as it reads j's
    intent, learnt from noisy signals; the security dilemma and crises read it (perceived tension)."""

    @property
    def n(self) -> int:
        return len(self.ids)

    @property
    def k(self) -> int:
        return len(self.poles)

    @cached_property
    def is_pole(self) -> np.ndarray:
        """(N,) read-only: which states are poles (made once; copies of the world keep it)."""
        mask = np.zeros(self.n, dtype=bool)
        mask[self.poles] = True
        mask.flags.writeable = False
        return mask

    def index(self, state_id: str) -> int:
        return self.ids.index(state_id)

    @property
    def engagements(self) -> FloatArray:
        """(N,): each state's engagements a year with every partner (a one-year weighted mean)."""
        return self.engagement_tally.sum(axis=-1, dtype=np.float64)

    @property
    def arms_share(self) -> FloatArray:
        """(N, K): each state's share of its arms imports from each pole (its supplier ties' pole columns)."""
        return np.asarray(self.supplier_ties[..., self.poles], dtype=np.float64)

    @property
    def engagement_share(self) -> FloatArray:
        """(N, K): each state's share of its engagements of the last year held with each pole (0 with none)."""
        total = self.engagements
        with_poles = self.engagement_tally[..., self.poles].astype(np.float64)
        return with_poles / np.where(total > 0, total, np.inf)[..., None]

    def evolve(self, **changes: object) -> Self:
        """A copy with some fields replaced (arrays are never modified in place).

        Like ``dataclasses.replace`` without re-running ``__init__``: a step
        makes dozens of these, and the world has many fields.
        """
        if not changes.keys() <= self.__dataclass_fields__.keys():
            unknown = changes.keys() - self.__dataclass_fields__.keys()
            raise TypeError(f"World has no field(s) {sorted(unknown)}")
        new = object.__new__(type(self))
        new.__dict__.update(self.__dict__)
        new.__dict__.update(changes)
        return new


T = TypeVar("T")


def derived(compute: Callable[..., T]) -> Callable[..., T]:
    """``compute`` remembered for its last few arguments, matched by identity: for figures of a
    world's arrays or a run's coefficients.

    Neither is ever changed in place, so a figure derived from what a run never replaces (its
    geography, its forums, its coefficients) is worked out once a run rather than once a step, and
    an event that replaces an array gets a fresh answer. The arguments are held, so their
    identities are never reused while remembered; the arrays returned are shared, so they are made
    read-only."""
    held: list[tuple[tuple[object, ...], T]] = []

    @wraps(compute)
    def remembered(*arguments: object) -> T:
        for key, value in held:
            if len(key) == len(arguments) and all(a is b for a, b in zip(key, arguments, strict=True)):
                return value
        value = compute(*arguments)
        for part in value if isinstance(value, tuple) else (value,):
            if isinstance(part, np.ndarray):
                part.flags.writeable = False  # shared by every caller: never changed in place
        held.insert(0, (arguments, value))
        del held[8:]
        return value

    return remembered


def per_step(rate_per_year: float | np.ndarray, steps_per_year: int) -> float | np.ndarray:
    """Convert a per-year share r to the share per step: 1 - (1 - r)^(1/steps_per_year)."""
    if isinstance(rate_per_year, float):  # a coefficient: plain arithmetic, a tenth of numpy's cost
        return np.float64(1.0 - (1.0 - min(max(rate_per_year, 0.0), 1.0)) ** (1.0 / steps_per_year))
    return 1.0 - np.power(1.0 - np.clip(rate_per_year, 0.0, 1.0), 1.0 / steps_per_year)


def cells(keys: np.ndarray, count: int) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(keys, return_inverse=True)`` for keys in [0, count): the distinct keys in order
    and each key's place among them, found by marking a table of ``count`` flags (several times
    cheaper than sorting for the few thousand cells of a small world or a stack of them)."""
    marked = np.zeros(count, dtype=bool)
    marked[keys] = True
    distinct = np.flatnonzero(marked)
    return distinct, np.searchsorted(distinct, keys)


def bounded(
    x: np.ndarray,
    gain: np.ndarray | np.floating | float,
    decay: np.ndarray | np.floating | float,
    *,
    per_run: bool = False,
) -> np.ndarray:
    """The bounded update x + g(1 - x) - d x, with g, d in [0, 1]: stays in [0, 1].

    Computed as g + x (1 - g - d), which lies between g and 1 - d, in the precision of x.
    ``per_run``: g and d hold one value per run of a stack of worlds (shaped to broadcast), each
    acting as a scalar does: 1 - g - d rounded once to x's precision.
    """
    if per_run:
        coefficient = np.asarray(1.0 - gain - decay).astype(x.dtype)
        return np.asarray(gain).astype(x.dtype) + x * coefficient
    if not isinstance(gain, np.ndarray) or gain.ndim == 0:
        gain = float(gain)  # a numpy scalar would promote a single-precision x to double
    if not isinstance(decay, np.ndarray) or decay.ndim == 0:
        decay = float(decay)
    return np.asarray(gain + x * (1.0 - gain - decay)).astype(x.dtype, copy=False)


def positions(scenario: Scenario) -> tuple[np.ndarray, np.ndarray]:
    """Each state's position and resting position, (N, K - 1) each: as given (format version 2), or
    in the default geometry, the poles at its vertices and every other state where its shares put
    it (uniform shares, the centre, where none are given). A resting position defaults to the
    initial one."""
    poles, states = scenario.poles, scenario.states
    placed = [s.position is not None for s in states]
    if any(placed) and not all(placed):  # the loader's checks refuse such a file; a program might not
        raise ValueError("a position for every state or for none")
    if all(placed):
        position = np.array([s.position for s in states], dtype=float)
    else:
        given = np.full((len(states), len(poles)), 1.0 / len(poles))
        for i, s in enumerate(states):
            if s.alignment:
                given[i] = [s.alignment.get(p, 0.0) for p in poles]
        vertices = geometry.default_poles(len(poles))
        position = geometry.position_of(given, scenario.parameters.alignment.sharpness)
        index = {s.id: i for i, s in enumerate(states)}
        position[[index[p] for p in poles]] = vertices
    resting = np.array(
        [position[i] if s.resting_position is None else s.resting_position for i, s in enumerate(states)]
    )
    return position, resting


def build_world(scenario: Scenario) -> World:
    """The initial world of a scenario; dyads without figures take the documented defaults."""
    params: Parameters = scenario.parameters
    d = params.defaults
    ids = scenario.state_ids
    index = {sid: i for i, sid in enumerate(ids)}
    n = len(ids)
    poles = np.array([index[p] for p in scenario.poles], dtype=np.int64)
    k = len(poles)
    states = scenario.states

    position, resting = positions(scenario)
    alignment = geometry.shares(position, position[poles], params.alignment.sharpness)
    alignment[poles] = np.eye(k)
    camp = np.argmax(alignment, axis=-1).astype(np.int64)  # its nearest pole (mechanisms/camps.py settles them)

    affinity: FloatArray = np.zeros((n, n))  # double while the defaults are computed, then DYAD
    border = np.zeros((n, n), dtype=bool)
    alliance = np.zeros((n, n), dtype=bool)
    trade: FloatArray
    aid: FloatArray
    debt: FloatArray
    trade, aid, debt = np.zeros((n, n)), np.zeros((n, n)), np.zeros((n, n))
    given = {
        name: np.full((n, n), np.nan)
        for name in ("trust", "tension", "interoperability", "border_cooperation", "liaison")
    }
    for rel in scenario.relations:
        a, b = index[rel.between[0]], index[rel.between[1]]
        for i, j in ((a, b), (b, a)):
            affinity[i, j] = rel.affinity
            border[i, j] = rel.border
            alliance[i, j] = rel.alliance
            for name in given:
                value = getattr(rel, name)
                if value is not None:
                    given[name][i, j] = value
        for arr, shares in ((trade, rel.trade), (aid, rel.aid), (debt, rel.debt)):
            for holder, share in shares.items():
                i = index[holder]
                arr[i, b if i == a else a] = share

    trust_default = np.clip(d.trust_base + d.trust_affinity * affinity, 0.02, 0.98)
    tension_default = np.clip(d.tension_base + d.tension_hostility * np.maximum(-affinity, 0.0), 0.0, 1.0)
    interop_default = np.where(alliance, d.interoperability_alliance, d.interoperability_base)
    trust = np.where(np.isnan(given["trust"]), trust_default, given["trust"])
    tension = np.where(np.isnan(given["tension"]), tension_default, given["tension"])
    interop = np.where(np.isnan(given["interoperability"]), interop_default, given["interoperability"])
    cooperation_default = np.where(border, d.border_cooperation, 0.0)
    cooperation = np.where(np.isnan(given["border_cooperation"]), cooperation_default, given["border_cooperation"])
    liaison_default = np.where(alliance, d.liaison_alliance, d.liaison_base)
    liaison = np.where(np.isnan(given["liaison"]), liaison_default, given["liaison"])
    for arr in (trust, tension, interop, cooperation, liaison):
        np.fill_diagonal(arr, 0.0)
    trust, tension, interop, affinity = (a.astype(DYAD) for a in (trust, tension, interop, affinity))
    cooperation, liaison = cooperation.astype(DYAD), liaison.astype(DYAD)
    trade, aid, debt = (a.astype(DYAD) for a in (trade, aid, debt))

    fids = tuple(f.id for f in scenario.forums)
    members = np.zeros((len(fids), n), dtype=bool)
    norms = np.full((len(fids), k), np.nan)
    for f, forum in enumerate(scenario.forums):
        members[f, [index[m] for m in forum.members]] = True
        if forum.norm == NONALIGNED:
            norms[f] = 1.0 / k
        elif forum.norm in scenario.poles:
            norms[f] = np.eye(k)[scenario.poles.index(forum.norm)]

    vec = lambda name: np.array([float(getattr(s, name)) for s in states])  # noqa: E731
    economy = economies(scenario)
    m = params.ministry
    spent = budgets.budget(
        economy["defence_share"], economy["gdp"], economy["external_debt"], m.interest_rate, m.squeeze
    )
    responsiveness = np.array(
        [s.responsiveness if s.responsiveness is not None else params.alignment.responsiveness for s in states]
    )
    capability = vec("capability")
    roles = params.geography
    reach = np.array([s.reach if s.reach is not None else getattr(roles, f"reach_{s.role.value}") for s in states])
    ties, exporter = supplier_ties(scenario)
    distance = geography.great_circle_km(np.array([s.capital for s in states], dtype=float)).astype(DYAD)
    return World(
        ids=ids,
        poles=poles,
        focal=index[scenario.focal],
        steps_per_year=scenario.simulation.steps_per_year,
        capability=capability,
        autonomy=vec("autonomy"),
        budget=vec("engagement_budget"),
        threat_sensitivity=vec("threat_sensitivity"),
        modernization=vec("modernization"),
        absorption=vec("absorption"),
        responsiveness=responsiveness,
        reach=reach,
        doctrine=np.array([DOCTRINES.index(s.doctrine) for s in states], dtype=np.int8),
        disaster=np.zeros(n),
        position=position,
        resting=resting,
        alignment=alignment,
        leverage_start=np.zeros((n, k)),
        norm_pull=np.zeros_like(position),
        norm_pull_start=np.zeros_like(position),
        border=border,
        alliance=alliance,
        distance=distance,
        relevant=geography.relevant(border, alliance, distance, reach),
        affinity=affinity,
        trade=trade,
        aid=aid,
        debt=debt,
        trust=trust,
        tension=tension,
        interoperability=interop,
        border_cooperation=cooperation,
        liaison=liaison,
        beliefs=tension.copy(),  # an unbiased learner's mean: the truth
        forum_ids=fids,
        forum_members=members,
        forum_period=np.array([f.period for f in scenario.forums], dtype=np.int64),
        forum_since=np.array(
            [0 if f.since is None else scenario.event_step(f.since) for f in scenario.forums], dtype=np.int64
        ),
        forum_strength=np.array([f.strength for f in scenario.forums], dtype=float),
        forum_norm=norms,
        forum_priority=np.array(
            [[kind in f.priorities for kind in EngagementKind] for f in scenario.forums], dtype=bool
        ).reshape(len(fids), len(EngagementKind)),
        forum_chair=np.full(len(fids), -1, dtype=np.int64),
        forum_chair_until=np.zeros(len(fids), dtype=np.int64),
        leverage=np.zeros((n, k)),
        visibility=Sightings.none(),
        capability_gain=np.zeros(n),
        prev_alignment=alignment.copy(),
        camp=camp,
        camp_start=camp.copy(),
        drift=np.zeros((len(RESTING), n, n), dtype=DYAD),
        drift_capability=np.zeros(n),
        growth=np.zeros(n),
        gdp=economy["gdp"],
        gdp_growth=economy["gdp_growth"],
        defence_share=economy["defence_share"],
        external_debt=economy["external_debt"],
        defence_budget=1e3 * spent,
        military_stock=budgets.steady_stock(
            spent, m.procurement_share, m.depreciation, scenario.simulation.steps_per_year
        ),
        incidents=np.zeros(n),
        budget_expected=1e3 * spent,
        growth_expected=economy["gdp_growth"].copy(),
        kind_weight=np.array([[s.kind_weights.get(kind, 1.0) for kind in EngagementKind] for s in states]),
        partner_cap=vec("partner_cap"),
        engagement_tally=np.zeros((n, n), dtype=DYAD),
        self_funded=np.zeros(n),
        financed=np.zeros(n),
        kind_tally=np.zeros((n, len(EngagementKind))),
        supplier_ties=ties,
        arms_deliveries=np.zeros((n, n)),
        arms_exporter=exporter,
        arms_import_share=np.array([getattr(params.arms, f"import_{s.role.value}") for s in states]),
        learned_absorption=np.zeros(n),
    )


def supplier_ties(scenario: Scenario) -> tuple[FloatArray, np.ndarray]:
    """The initial arms-supplier ties, (N, N) (row: recipient), and the arms exporters, (N,).

    Ties: SIPRI's deliveries in the ten years before the start year as shares
    (:mod:`laossim.scenario.transfers`); a relation's ``arms`` share overrides the data for its
    holder, the data's other suppliers of that holder fill the rest of its row in their
    proportions, and a row the file gives in part with nothing of the data beside is scaled to sum
    to 1. Exporters: the states with deliveries in that window and every supplier a file names; a
    scenario with none of them (states outside the data) buys from its external powers."""
    ids = scenario.state_ids
    index = {sid: i for i, sid in enumerate(ids)}
    year = int(scenario.simulation.start[:4])
    data = transfers.shares(transfers.tiv(year, ids))
    given = np.full(data.shape, np.nan)
    for rel in scenario.relations:
        a, b = index[rel.between[0]], index[rel.between[1]]
        for holder, share in rel.arms.items():
            i = index[holder]
            given[i, b if i == a else a] = share
    named = ~np.isnan(given)
    fixed = np.where(named, given, 0.0).sum(axis=1, keepdims=True)
    rest = np.where(named, 0.0, data)
    rest_total = rest.sum(axis=1, keepdims=True)
    fill = np.divide(rest * np.maximum(1.0 - fixed, 0.0), rest_total, out=np.zeros_like(rest), where=rest_total > 0)
    ties = np.where(named, np.nan_to_num(given), fill)
    partial = named.any(axis=1, keepdims=True) & (rest_total == 0) & (fixed > 0)
    ties = np.where(partial, ties / np.where(fixed > 0, fixed, 1.0), ties)
    exporter = transfers.exporters(year, ids) | named.any(axis=0)
    if not exporter.any():
        exporter = np.array([s.role.value == "external" for s in scenario.states])
    np.fill_diagonal(ties, 0.0)
    return ties, exporter


def economies(scenario: Scenario) -> dict[str, FloatArray]:
    """(N,) each: every state's GDP, growth, defence share and external debt as the file gives them,
    else from the data for the scenario's start year (:func:`laossim.scenario.budgets.figures`),
    else 0 (a state the data do not cover, or hold nothing of by that year, and the file does not
    give has no modelled economy)."""
    year = int(scenario.simulation.start[:4])
    covered = set(budgets.states())
    out: dict[str, list[float]] = {name: [] for name in ECONOMY}
    for state in scenario.states:
        found = budgets.known(state.id, year) if state.id in covered else None
        for name in ECONOMY:
            given = getattr(state, name)
            out[name].append(float(given if given is not None else getattr(found, name) if found else 0.0))
    return {name: np.array(values) for name, values in out.items()}
