"""Mechanism coefficients: one frozen, typed tree with one default each.

Every coefficient's default, unit and provenance (*sourced* or *judgement*)
live here and only here; ``docs/model.md`` renders the same table
(``laossim params``) and a test keeps the two in step. Rates are per year
and converted to the step length by the mechanisms.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator
from pydantic.json_schema import JsonDict
from pydantic_core import PydanticCustomError

from laossim import vocab


def _not_true_or_false(value: object) -> object:
    if isinstance(value, bool):
        raise PydanticCustomError("number_not_bool", "true or false where a number is meant")
    return value


Real = Annotated[float, BeforeValidator(_not_true_or_false)]
"""A number in a configuration: finite (every :class:`Frozen` refuses inf and nan), and never
true or false read as 1 or 0 (YAML's ``true`` is a bool, which Python counts as a number)."""

Whole = Annotated[int, BeforeValidator(_not_true_or_false)]
"""A whole number in a configuration; like :data:`Real`, true and false are refused."""


OPEN_BOUND = 50.0
"""Where a coefficient whose meaning sets no bound stops: 50 times a unit effect, far past any
judgement worth exploring, and small enough that exp() of it, or its product with a share, stays
finite in single precision (the engagement and crisis mechanisms compute in float32)."""


EVERYWHERE_KM = 20_100.0
"""A reach (km) at least half the Earth's circumference (pi R = 20,015.1 km): every capital is within it;
the largest reach a file may give."""


def param(
    default: float,
    description: str,
    ge: float | None = 0.0,
    le: float | None = None,
    typical: tuple[float, float] | None = None,
):
    """A coefficient with its default, bounds and a description ending in its provenance.

    ``ge`` and ``le`` are its bounds by meaning; where one is open (None) it is
    :data:`OPEN_BOUND` (or minus it). ``typical``: the range worth exploring (the classroom
    app's sliders span it); recorded in the JSON schema.
    """
    extra: JsonDict | None = {"typical": list(typical)} if typical else None
    low = -OPEN_BOUND if ge is None else ge
    high = OPEN_BOUND if le is None else le
    return Field(default, description=description, ge=low, le=high, json_schema_extra=extra)


class Frozen(BaseModel):
    """Base of every configuration object: immutable, unknown keys and non-finite numbers rejected."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


EngagementKind = StrEnum("EngagementKind", [(kind.name, kind.name) for kind in vocab.KINDS])  # type: ignore[misc]
"""The engagement kinds a scenario may name: those of :data:`laossim.vocab.KINDS`, in its order."""


class EngagementType(Frozen):
    """Costs and effects of one engagement kind (per engagement)."""

    weight: Real = param(1.0, "Base propensity to choose this kind. judgement")
    cost: Real = param(1.0, "Engagement units spent. judgement", ge=0.01)
    trust_gain: Real = param(0.03, "Trust gain of the pair. judgement", le=1)
    interoperability_gain: Real = param(0.03, "Interoperability gain of the pair. judgement", le=1)
    capability_gain: Real = param(
        0.0, "Capability gain of the receiving (weaker) side, share of its own. judgement", le=1
    )
    finance: Real = param(0.0, "Debt the receiving side takes on toward the provider, share of GDP. judgement", le=1)
    visibility: Real = param(0.3, "How visible it is to third parties (read by mechanism 5). judgement", le=1)
    border_cooperation_gain: Real = param(
        0.0, "Border cooperation gain of the pair (read by the border mechanism, 7c). judgement", le=1
    )
    liaison_gain: Real = param(
        0.0,
        "Liaison gain of the pair: attaché presence and information sharing (read by the beliefs mechanism, 5a). "
        "judgement",
        le=1,
    )


def _types() -> dict[EngagementKind, EngagementType]:
    """Each kind's default costs and effects, from :data:`laossim.vocab.KINDS`."""
    return {EngagementKind(kind.name): EngagementType(**dict(kind.defaults)) for kind in vocab.KINDS}


class AlignmentParams(Frozen):
    """Mechanism 2: each state's position moves toward a target anchored at its resting position."""

    responsiveness: Real = param(
        0.3,
        "rho: share of the gap between position and target closed per year, unless a state sets its own. judgement",
        le=1,
    )
    capability_exponent: Real = param(0.5, "alpha: weight of the pole's capability, (c_p / max c)^alpha. judgement")
    trade: Real = param(1.0, "beta_T, weight of trade share. judgement")
    aid: Real = param(1.0, "beta_A, weight of aid share. judgement")
    debt: Real = param(1.0, "beta_D, weight of debt (share of GDP). judgement")
    affinity: Real = param(0.5, "beta_H, weight of positive historical affinity. judgement")
    border: Real = param(0.2, "beta_B, weight of a shared border. judgement")
    alliance: Real = param(0.5, "beta_S, weight of an alliance. judgement")
    trust: Real = param(0.5, "beta_R, weight of trust. judgement")
    threat: Real = param(1.0, "beta_X, weight of tension (scaled by threat_sensitivity). judgement")
    pressure_gain: Real = param(
        1.0,
        "gamma: polarisation pressure P raises rho to rho + (1 - rho)(1 - exp(-gamma P)). judgement",
    )
    leverage_gain: Real = param(
        1.0,
        "gamma_L: log-odds by which a unit change of a pole's leverage since the start shifts a state's target "
        "toward that pole; 0: every state rests where it is. judgement",
    )
    sharpness: Real = param(
        4.0,
        "beta: shares over the poles are a softmax of -beta times squared distances (default geometry: a state "
        "on a pole of three holds 0.965 of its share there). judgement",
        ge=1e-3,
        le=1e3,
    )
    hedger_band: Real = param(
        0.1,
        "h: how far (position units) a hedger's target may stray from its resting position. judgement",
    )
    aligned_band: Real = param(
        0.3,
        "h: how far a balancer's or bandwagoner's target may stray from its resting position. judgement",
    )
    noise: Real = param(
        0.02,
        "sigma: standard deviation of a position's yearly random step (position units; mean zero, so no drift); "
        "0 turns noise off. judgement",
    )


class CampParams(Frozen):
    """Mechanism 2a: camps, the coalitions of landscape theory inside the run, and their lock-in."""

    lock_in: Real = param(
        1.0,
        "lambda: a state's cost of leaving its camp, in shares of its frustration, per unit of its "
        "interoperability with its camp's pole (built by training, exercises and arms); 0: lock-in off. judgement",
        typical=(0.0, 2.0),
    )
    threshold: Real = param(
        0.5,
        "theta: the share of its frustration a state must shed to change camp with no ties at all (its cost of "
        "leaving is theta + lambda I): a camp is left for a clear gain, not on the wander of a run's relations. "
        "judgement",
        le=2,
    )
    ties: Real = param(
        0.1,
        "g: share of the gap to full interoperability with its camp's pole that a state closes per year "
        "(a camp trains, exercises and arms together). judgement",
        le=1,
    )
    shift: Real = param(
        0.25,
        "kappa: share of the way from the pole of the camp it began in to the pole of its camp now by which "
        "a state's target moves (outside its doctrine's band: a change of camp is a change of regime). judgement",
        le=1,
    )


class EngagementParams(Frozen):
    """Mechanism 3: military engagements."""

    max_per_step: Whole = Field(
        4,
        ge=1,
        le=64,
        description="Engagement slots drawn per state per step (fixed-shape draws). judgement",
    )
    temperature: Real = param(0.5, "Softmax temperature of partner choice. judgement", ge=1e-3, le=1e3)
    trust_weight: Real = param(1.0, "Value of a partner's trust. judgement")
    capability_weight: Real = param(1.0, "Value of a partner's relative capability. judgement")
    leverage_weight: Real = param(0.5, "Value of a partner's leverage over the chooser. judgement")
    tension_weight: Real = param(2.0, "Cost of a partner's tension with the chooser (rivals rarely engage). judgement")
    autonomy_cost: Real = param(
        2.0,
        "Hedgers' cost of engaging partners aligned like themselves (times autonomy). judgement",
    )
    concentration_penalty: Real = param(
        1.0,
        "Hedgers' cost of concentrating engagements: a partner's value falls by this times the marginal Herfindahl "
        "2 s_ij of adding to its share s_ij of the last year's engagements (Kuik's fallback options). judgement",
    )
    acceptance_slope: Real = param(4.0, "Slope of the partner's acceptance in its own value. judgement")
    acceptance_bias: Real = param(1.0, "Acceptance log-odds at zero value. judgement", ge=None)
    trust_decay: Real = param(0.15, "Share of trust lost per year without engagement. judgement", le=1)
    interoperability_decay: Real = param(0.1, "Share of interoperability lost per year. judgement", le=1)
    types: dict[EngagementKind, EngagementType] = Field(
        default_factory=_types, description="Costs and effects of each engagement kind."
    )


class ForumParams(Frozen):
    """Mechanism 4: multilateral forums."""

    participation: Real = param(0.9, "Probability a member attends a meeting. judgement", le=1)
    trust_gain: Real = param(0.2, "Trust gain per meeting, times strength and turnout. judgement", le=1)
    norm_pull: Real = param(
        0.2, "Share of the way to the norm a meeting moves its members' targets, times strength. judgement", le=1
    )
    norm_memory: Real = param(
        1.0, "Years over which a meeting's pull on its members' targets fades (e-folding time). judgement", ge=0.01
    )
    advocacy_gain: Real = param(0.5, "Extra norm pull per advocate (the focal hedger; the chair). judgement")
    multilateral_discount: Real = param(
        0.5,
        "Share of an engagement's visibility to rivals that falls away when it is held within a framework: both "
        "sides members of a forum whose priorities include its kind (ADMM-Plus working groups). judgement",
        le=1,
    )


class SecurityParams(Frozen):
    """Mechanism 5: the security dilemma (rates per year)."""

    growth_gain: Real = param(2.0, "Tension per unit of the other side's yearly capability growth. judgement")
    distance_gain: Real = param(0.1, "Tension per unit of alignment distance (total variation). judgement")
    border_gain: Real = param(0.05, "Tension from a shared border. judgement")
    hostility_gain: Real = param(0.3, "Tension per unit of negative affinity. judgement")
    visibility_gain: Real = param(
        0.5,
        "Tension per unit of visible engagement with one's rivals, times rivalry (tension squared). judgement",
        typical=(0.0, 2.0),
    )
    base_decay: Real = param(0.3, "Tension decay rate. judgement")
    trust_decay: Real = param(0.3, "Extra decay per unit of trust. judgement")
    interoperability_decay: Real = param(0.2, "Extra decay per unit of interoperability. judgement")


class CrisisParams(Frozen):
    """Mechanism 6: crises with hazard sigmoid(phi0 + phi1 tau - phi2 R - phi3 I) per year."""

    intercept: Real = param(-4.5, "phi0. judgement", ge=None)
    tension: Real = param(4.0, "phi1. judgement", typical=(0.0, 10.0))
    trust: Real = param(2.0, "phi2. judgement")
    interoperability: Real = param(1.0, "phi3. judgement")
    distant: Real = param(
        3.0,
        "phi_D: how much lower the log-odds of a crisis are for a relevant pair that shares no border (e^-3, "
        "about a twentieth of the odds), since contiguity is the strongest correlate of militarised disputes "
        "(Bremer 1992); chosen so that crises between Laos and distant powers are rare. judgement",
    )
    severity_min: Real = param(0.2, "Smallest severity (uniform draw). judgement", le=1)
    severity_max: Real = param(1.0, "Largest severity. judgement", le=1)
    tension_gain: Real = param(0.3, "Tension gain per unit of severity. judgement", le=1)
    trust_loss: Real = param(0.2, "Share of trust lost per unit of severity. judgement", le=1)
    pressure_decay: Real = param(0.5, "Share of polarisation pressure lost per year. judgement", le=1)
    disaster_decay: Real = param(0.75, "Share of a disaster's severity gone per year. judgement", le=1)

    @model_validator(mode="after")
    def _severity_range(self) -> CrisisParams:
        if self.severity_min > self.severity_max:
            raise ValueError(f"severity_min ({self.severity_min}) is above severity_max ({self.severity_max})")
        return self


class GeographyParams(Frozen):
    """Geography: how far states reach and how fast strength falls beyond (docs/model.md, "Geography").

    A state's reach is its own (``reach`` in the scenario) or its role's default here. Distances are
    great-circle distances between capitals; half the Earth's circumference is 20,015 km, so a reach of
    20,100 km (the bound) reaches every capital."""

    reach_focal: Real = param(
        1500.0,
        "Reach (km) of the focal state unless it sets its own: as a regional state's. judgement",
        le=EVERYWHERE_KM,
        typical=(0.0, 5000.0),
    )
    reach_regional: Real = param(
        1500.0,
        "Reach (km) of a regional state unless it sets its own: its subregion (the capitals of mainland "
        "Southeast Asia lie within 1,320 km of each other). judgement",
        le=EVERYWHERE_KM,
        typical=(0.0, 5000.0),
    )
    reach_external: Real = param(
        EVERYWHERE_KM,
        "Reach (km) of an external power unless it sets its own: every capital (a power that reaches the "
        "region from afar; a scenario gives a smaller one where that is wrong, e.g. Japan). judgement",
        le=EVERYWHERE_KM,
        typical=(1000.0, 20_100.0),
    )
    decay: Real = param(
        1000.0,
        "Loss-of-strength gradient (Boulding 1962): km beyond its reach over which a state's capability, "
        "as a threat, falls by a factor e, exp(-max(d - reach, 0) / decay). judgement",
        ge=1.0,
        le=1e6,
        typical=(250.0, 5000.0),
    )


class EconomyParams(Frozen):
    """Mechanism 7: economy and modernisation."""

    trade_drift: Real = param(
        0.02, "Share of trade that moves per year toward trusted, aligned partners. judgement", le=1
    )
    aid_drift: Real = param(0.02, "Same for aid. judgement", le=1)
    debt_repayment: Real = param(0.05, "Share of debt repaid per year. judgement", le=1)


class MinistryParams(Frozen):
    """Mechanism 9: the defence ministry's budget."""

    interest_rate: Real = param(
        0.03,
        "r: yearly interest on the external debt stock, whose service squeezes the defence budget (the data "
        "hold stocks only). judgement",
        le=0.5,
    )
    squeeze: Real = param(
        1.0,
        "psi: how far a debt service of a share of GDP cuts the defence budget by that share (1: one for one). "
        "judgement",
        le=10,
    )
    procurement_share: Real = param(
        0.25,
        "pi_P: share of the defence budget spent on equipment, which builds the military stock. judgement",
        le=1,
    )
    depreciation: Real = param(
        0.1,
        "delta: share of the military stock worn out or obsolete a year (equipment lasts about ten years). judgement",
        ge=0.001,
        le=0.999,
    )
    gap_financing: Real = param(
        0.5,
        "phi: share of the engagement units a ministry loses when its budget falls below where it began that its "
        "creditors finance instead (projects paid now, owed later). judgement",
        le=1,
    )


class ArmsParams(Frozen):
    """Mechanism 9b: arms imports, supplier lock-in, absorptive capacity and deterrence (docs/model.md,
    7b2). No data give the imported share of procurement or the lock-in: every coefficient here is a
    judgement; the initial supplier ties come from SIPRI's deliveries (:mod:`laossim.scenario.transfers`)."""

    import_focal: Real = param(
        0.9,
        "m: share of the focal state's procurement bought abroad (Laos has no arms industry to speak of). judgement",
        le=1,
    )
    import_regional: Real = param(0.6, "m: share of a regional state's procurement bought abroad. judgement", le=1)
    import_external: Real = param(
        0.1, "m: share of an external power's procurement bought abroad (the powers build their own). judgement", le=1
    )
    lock_in: Real = param(
        1.0,
        "lambda: a supplier's share of this step's purchases goes with (tie + openness)^lambda: spares, doctrine "
        "and training tie a buyer to its suppliers (1: in proportion, the neutral choice; above 1 the leading "
        "supplier gains; 0: ties do not matter). judgement",
        le=10,
    )
    openness: Real = param(
        0.02,
        "o: the tie an exporter a state has never bought from counts as, so a new supplier can enter. judgement",
        ge=1e-6,
        le=1,
    )
    partner_value: Real = param(
        1.0,
        "v: weight of trust + interoperability - tension in a supplier's share, exp(v (R + I - tau)). judgement",
    )
    memory: Real = param(
        5.0,
        "Years over which supplier ties fade toward this step's purchases (e-folding time; an arms relationship "
        "lasts a generation of equipment). judgement",
        ge=0.05,
        le=100,
    )
    absorption_learning: Real = param(
        1.0,
        "Absorption gained per unit of capability gain received from partners (training, exercises, projects): "
        "training builds the capacity to absorb imported equipment. judgement",
    )
    absorption_fade: Real = param(
        0.5, "Share of the absorption training built that fades a year without more of it. judgement", le=1
    )
    deterrence: Real = param(
        2.0,
        "d: a contiguous pair's crisis log-odds fall by d tau D, tau their tension and D = 2 min(b_ij, b_ji) the "
        "weaker side's denial capacity, b_ij = K_i / (K_i + g_ij K_j) (1 at parity, 0 with no stock): deterrence "
        "by denial matters where there is a threat to deter. judgement",
        typical=(0.0, 6.0),
    )


class BorderParams(Frozen):
    """Mechanism 7c: transnational incidents on shared borders, lowered by border cooperation. No data
    for incidents or patrols are at hand: every coefficient here is a judgement."""

    incident_rate: Real = param(
        10.0,
        "lambda0: transnational incidents a year (trafficking, armed smuggling, scam compounds) on a shared "
        "border with no border cooperation. judgement",
        le=100,
    )
    cooperation_effect: Real = param(
        2.0,
        "kappa: a pair's incident rate is lambda0 exp(-kappa B), B its border cooperation (2: full cooperation "
        "cuts the rate to 14%). judgement",
        le=20,
    )
    cooperation_decay: Real = param(
        0.2,
        "Share of a pair's border cooperation that lapses per year unless patrols renew it (held at rest like "
        "trust). judgement",
        le=1,
    )


class BeliefParams(Frozen):
    """Mechanism 5a: each state's beliefs about the others' hostility, learnt from noisy signals whose
    precision grows with the pair's liaison (attachés, information sharing). No data on misperception
    are at hand: every coefficient here is a judgement."""

    signal_noise: Real = param(
        0.1,
        "sigma0: standard deviation of a year's signal of a pair's tension with no liaison (a step's signal "
        "carries a 1/s share of it, so its SD is sigma0 sqrt(s)). judgement",
        le=1,
    )
    liaison_precision: Real = param(
        4.0,
        "kappa: a signal's precision is (1 + kappa L) / sigma0^2, L the pair's liaison (4: full liaison gives "
        "five times the precision of none). judgement",
    )
    update: Real = param(
        0.75,
        "w: share of the gap between a belief and its signal closed per year (constant-gain learning). judgement",
        le=1,
    )
    liaison_decay: Real = param(
        0.1,
        "Share of a pair's liaison that lapses per year unless attaché exchanges renew it (held at rest like "
        "trust). judgement",
        le=1,
    )


class ScoreParams(Frozen):
    """Scores and their components."""

    summary_window: Real = param(2.0, "Years at the end of a run averaged into its summary. judgement", ge=0.25)
    crisis_window: Real = param(1.0, "Years of crises counted in crisis intensity. judgement", ge=0.25)
    crisis_scale: Real = param(1.0, "Severity sum at which crisis intensity reaches 1 - 1/e. judgement", ge=1e-6)
    capability_exponent: Real = param(0.5, "Weights of capability-weighted means are c^this. judgement")
    polarisation_alpha: Real = param(1.0, "Esteban-Ray alpha. Esteban & Ray 1994", le=1.6)
    volatility_scale: Real = param(
        0.5,
        "Yearly mean |delta a| (total variation) that counts as fully volatile. judgement",
        ge=1e-6,
    )
    security_horizon: Real = param(
        5.0,
        "Years ahead over which focal security counts the probability of a militarised crisis involving the "
        "focal state (the definition of the score)",
        ge=0.25,
        le=100,
    )
    incident_scale: Real = param(
        100.0,
        "Border incidents a year on the focal state's borders that cut its security by a factor e (one hundred "
        "incidents weigh as much as a crisis probability of 63%). judgement",
        ge=1e-6,
        le=1e4,
    )
    w_crisis: Real = param(0.2, "Stability weight of crisis intensity. judgement")
    w_tension: Real = param(0.25, "Stability weight of mean tension. judgement")
    w_polarisation: Real = param(0.2, "Stability weight of polarisation. judgement")
    w_volatility: Real = param(
        0.0,
        "Stability weight of volatility; 0 since its level is the alignment noise's coefficient read back "
        "(docs/model.md, 3.4). judgement",
    )
    w_frustration: Real = param(0.25, "Stability weight of landscape frustration. judgement")
    w_trust: Real = param(0.3, "Cooperation weight of mean trust. judgement")
    w_engagement: Real = param(0.3, "Cooperation weight of engagement volume. judgement")
    w_forums: Real = param(0.2, "Cooperation weight of forum participation. judgement")
    w_interoperability: Real = param(0.2, "Cooperation weight of interoperability. judgement")

    @model_validator(mode="after")
    def _weights_are_usable(self) -> ScoreParams:
        if self.w_crisis + self.w_tension + self.w_polarisation + self.w_volatility + self.w_frustration <= 0:
            raise ValueError("the stability weights w_crisis ... w_frustration must not all be zero")
        if self.w_trust + self.w_engagement + self.w_forums + self.w_interoperability <= 0:
            raise ValueError("the cooperation weights w_trust ... w_interoperability must not all be zero")
        return self


class LandscapeParams(Frozen):
    """Propensities of the in-run landscape: p_ij = affinity H_ij + trust (R_ij - tau_ij)."""

    affinity: Real = param(0.5, "Weight of affinity in p_ij. judgement")
    trust: Real = param(0.5, "Weight of trust minus tension in p_ij. judgement")


class DefaultParams(Frozen):
    """Initial dyadic values where a scenario gives none."""

    trust_base: Real = param(0.3, "Trust with no affinity. judgement", le=1)
    trust_affinity: Real = param(0.4, "Trust per unit of affinity (clipped to [0.02, 0.98]). judgement")
    tension_base: Real = param(0.1, "Tension with no hostility. judgement", le=1)
    tension_hostility: Real = param(0.5, "Tension per unit of negative affinity. judgement")
    interoperability_base: Real = param(0.05, "Interoperability of non-allies. judgement", le=1)
    interoperability_alliance: Real = param(0.3, "Interoperability of allies. judgement", le=1)
    border_cooperation: Real = param(
        0.2, "Border cooperation of a pair with a shared border (0 without one). judgement", le=1
    )
    liaison_base: Real = param(
        0.2,
        "Liaison (attaché presence, information sharing) of a pair with diplomatic ties and no alliance. judgement",
        le=1,
    )
    liaison_alliance: Real = param(0.5, "Liaison of allies (they share intelligence). judgement", le=1)


class Parameters(Frozen):
    """Every mechanism coefficient, grouped by mechanism."""

    alignment: AlignmentParams = Field(default_factory=AlignmentParams)
    camps: CampParams = Field(default_factory=CampParams)
    engagement: EngagementParams = Field(default_factory=EngagementParams)
    forums: ForumParams = Field(default_factory=ForumParams)
    security: SecurityParams = Field(default_factory=SecurityParams)
    crises: CrisisParams = Field(default_factory=CrisisParams)
    geography: GeographyParams = Field(default_factory=GeographyParams)
    economy: EconomyParams = Field(default_factory=EconomyParams)
    ministry: MinistryParams = Field(default_factory=MinistryParams)
    arms: ArmsParams = Field(default_factory=ArmsParams)
    border: BorderParams = Field(default_factory=BorderParams)
    beliefs: BeliefParams = Field(default_factory=BeliefParams)
    scores: ScoreParams = Field(default_factory=ScoreParams)
    landscape: LandscapeParams = Field(default_factory=LandscapeParams)
    defaults: DefaultParams = Field(default_factory=DefaultParams)


Share = Annotated[Real, Field(ge=0.0, le=1.0)]


def coefficient(path: str) -> type | None:
    """The type of the coefficient a dotted scenario path names (``float`` for
    ``parameters.alignment.responsiveness`` or ``parameters.engagement.types.training.cost``,
    ``int`` for a whole number), or None when it names none."""
    head, *names = path.split(".")
    if head != "parameters" or not names:
        return None
    node: object = Parameters
    parts = iter(names)
    for name in parts:
        if not (isinstance(node, type) and issubclass(node, BaseModel)) or name not in node.model_fields:
            return None
        node = node.model_fields[name].annotation
        if getattr(node, "__origin__", None) is dict:  # the engagement kinds: the next name is a kind
            kind = next(parts, None)
            if kind not in EngagementKind.__members__:
                return None
            node = node.__args__[1]  # type: ignore[union-attr]
    return node if node in (float, int) else None
