"""Declared catalogues: the one list of each kind of name, which everything else reads.

:data:`OUTPUTS` holds every output a run records per step: the four headline
scores and their components, with a label, what each measures and its range.
The score functions (:mod:`laossim.metrics`), the run and sweep tables, the
command line's tables, the plots, the classroom app and the reports all read
it, so a new score is declared once here and computed once in ``metrics``;
every face shows it with no further edit (``tests/test_vocab.py`` adds one and
checks). Faces read the module's attributes when they draw (``vocab.SCORES``),
not copies taken at import.

:data:`KINDS` holds the engagement kinds: each one's phrase in the feed and the
tables, what it needs of a pair (a shared border, a disaster), and its default
costs and effects. The scenario schema's ``EngagementKind``, the parameters'
defaults, the engagement mechanism's availability rules and the records'
sentences are built from it, so a new kind is one entry here.

Light on purpose: importing it imports nothing but the standard library.

:data:`RESULT_KINDS` holds the kinds of results folder (run, sweep, backtest, discovery):
the manifest key that marks each, the command that writes it and what its
manifest records; :mod:`laossim.manifest` writes and reads manifests by it and
:mod:`laossim.folders` tells results folders from other folders by it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class Output:
    """One output of a run, recorded at every step."""

    name: str
    """Its name in the scenario and experiment files, the tables and the docs."""
    label: str
    """How a plot or a table heads it."""
    kind: Literal["score", "component"]
    """A headline score (shown everywhere) or one of the components scores are made of."""
    meaning: str
    """What it measures, in a sentence, and which way is better where that is clear."""
    bounded: bool = True
    """Whether it lies in [0, 1] (a count does not)."""
    colour: str = "#555555"
    """Its colour in plots that draw several outputs together."""
    better: Literal["higher", "lower"] | None = None
    """Which way is better for the focal state or the region, where that is clear (robustness reads higher
    as better, so a robust experiment takes only the outputs whose higher values are better)."""


OUTPUTS: tuple[Output, ...] = (
    Output("stability", "stability", "score", "1 minus the weighted mean of crisis intensity, tension, "
           "polarisation, volatility and frustration; higher is more stable", colour="#1f77b4", better="higher"),
    Output("cooperation", "cooperation", "score", "weighted mean of trust, engagement volume, forum "
           "participation and interoperability; higher is more cooperative", colour="#2ca02c", better="higher"),
    Output("focal_autonomy", "focal autonomy", "score", "the focal state's hedging index: the mean of its "
           "alignment's entropy, its distance from the nearest pole, the diversity of its finance and trade "
           "dependence, of its defence partners, and the option value of its ties with the poles",
           colour="#9467bd", better="higher"),
    Output("focal_security", "focal security", "score", "1 minus the probability of a militarised crisis "
           "involving the focal state within five years, discounted by the incidents on its borders",
           colour="#ff7f0e", better="higher"),
    Output("crisis_intensity", "crisis intensity", "component", "1 - exp(-C / crisis_scale), C the fading sum "
           "of recent crisis severities", better="lower"),
    Output("mean_tension", "mean tension", "component", "capability-weighted mean tension over pairs", better="lower"),
    Output("polarisation", "polarisation", "component", "Esteban-Ray polarisation of the coalitions", better="lower"),
    Output("volatility", "volatility", "component", "mean change of alignments this step, per year, over "
           "volatility_scale", better="lower"),
    Output("frustration", "frustration", "component", "normalised landscape frustration of the coalitions",
           better="lower"),
    Output("mean_trust", "mean trust", "component", "capability-weighted mean trust over pairs", better="higher"),
    Output("engagement_volume", "engagement volume", "component", "engagement units carried out over units "
           "budgeted, one-year running tallies", better="higher"),
    Output("forum_participation", "forum participation", "component", "members attending over members "
           "expected, one-year running tallies", better="higher"),
    Output("interoperability", "interoperability", "component", "capability-weighted mean interoperability",
           better="higher"),
    Output("institutional_ties", "institutional ties", "component", "capability-weighted mean over pairs of "
           "their institutionalised ties: liaison (attachés, information sharing) or, on a shared border, border "
           "cooperation (agreements, liaison offices), the larger", better="higher"),
    Output("dependence_concentration", "dependence concentration", "component",
           "Herfindahl index of the focal state's positive leverage shares over the poles", better="lower"),
    Output("crisis_probability", "crisis probability", "component", "probability of a militarised crisis "
           "involving the focal state within five years, at the hazards of this step", better="lower"),
    Output("focal_incidents", "border incidents", "component", "transnational incidents a year on the focal "
           "state's borders, a one-year weighted mean", bounded=False, better="lower"),
    Output("largest_threat", "largest threat", "component", "the largest threat toward the focal state, "
           "tension times capability felt at its distance", better="lower"),
    Output("alignment_entropy", "alignment entropy", "component", "normalised entropy of the focal state's "
           "alignment over the poles; 1 is an even hedge", better="higher"),
    Output("pole_distance", "distance from the poles", "component", "the focal state's distance from the "
           "nearest pole, 0 at a pole, 1 at the even hedge", better="higher"),
    Output("partner_diversity", "partner diversity", "component", "1 minus the Herfindahl index of the focal "
           "state's engagements of the last year over its partners", better="higher"),
    Output("supplier_diversity", "supplier diversity", "component", "1 minus the Herfindahl index of the focal "
           "state's arms imports over its suppliers (0 with one supplier or none)", better="higher"),
    Output("option_value", "option value", "component", "mean over the poles of the focal state's trust times "
           "1 minus tension with each: ties it could activate", better="higher"),
    Output("framework_alignment", "framework alignment", "component", "cosine similarity of the focal state's "
           "engagements of the last year by kind with the priorities of the forums it belongs to", better="higher"),
    Output("crisis_count", "crises", "component", "crises this step", bounded=False, better="lower"),
    Output("polarisation_pressure", "polarisation pressure", "component", "fading sum of the severities of "
           "crises involving a pole, which makes alignments more responsive", bounded=False, better="lower"),
)  # fmt: skip
"""Every output a run records per step, headline scores first."""

SCORES: tuple[str, ...] = tuple(o.name for o in OUTPUTS if o.kind == "score")
"""The headline scores, in the order every face shows them."""
COMPONENTS: tuple[str, ...] = tuple(o.name for o in OUTPUTS if o.kind == "component")
"""The components the scores are made of."""
COLUMNS: tuple[str, ...] = SCORES + COMPONENTS
"""Every output's column, in the run and sweep tables."""


@dataclass(frozen=True)
class Family:
    """A family of outputs, one per non-pole state (and pole, or axis of the positions): a world
    field's entry for that state (and pole or axis) at every step. A sweep records its members by
    name (``alignment.LAO.CHN``, ``position.LAO.1``)."""

    name: str
    """The members' common first part."""
    field: str
    """The world field it reads: one value per state (N,), or per state and pole (N, K), or per
    state and axis (N, K - 1)."""
    per: str | None
    """What a member names besides its state: ``"pole"``, ``"axis"`` (numbered from 1), or None."""
    label: str
    """How a face heads a member: "{state} on {part}"."""
    meaning: str
    """What a member measures, in a sentence."""
    bounded: bool = True
    """Whether its values lie in [0, 1]."""
    better: Literal["higher", "lower"] | None = None
    """Which way is better for the state, where that is clear (as :attr:`Output.better`)."""

    @property
    def pattern(self) -> str:
        """How its members are named (``alignment.STATE.POLE``)."""
        return f"{self.name}.STATE.{self.per.upper()}" if self.per else f"{self.name}.STATE"

    def parts(self, poles: Sequence[str]) -> list[str | None]:
        """What its members name besides their state, in the order of the field's last axis: the
        poles, the axes ("1", ...: one fewer than the poles), or nothing."""
        if self.per == "pole":
            return list(poles)
        if self.per == "axis":
            return [str(axis) for axis in range(1, len(poles))]
        return [None]

    def member(self, state: str, part: str | None = None) -> str:
        """The name of the member for ``state`` (and pole or axis ``part``) in a sweep's table (wide:
        a column per member)."""
        return f"{self.name}.{state}.{part}" if self.per else f"{self.name}.{state}"

    def column(self, part: str | None = None) -> str:
        """Its column (for ``part``) in a run's per-state table (long: a row per state and step)."""
        return f"{self.name}_{part}" if self.per else self.name


FAMILIES: tuple[Family, ...] = (
    Family("alignment", "alignment", "pole", "{state} on {part}", "a state's share of alignment on a pole"),
    Family(
        "position",
        "position",
        "axis",
        "{state}'s position on axis {part}",
        "a state's coordinate on an axis of the positions (docs/model.md)",
        bounded=False,
    ),
    Family(
        "capability", "capability", None, "{state}'s capability", "a state's share of all capability", better="higher"
    ),
    Family(
        "defence_budget",
        "defence_budget",
        None,
        "{state}'s defence budget",
        "a state's defence ministry budget, US$ m a year (docs/model.md, 7b)",
        bounded=False,
        better="higher",
    ),
    Family(
        "military_stock",
        "military_stock",
        None,
        "{state}'s military stock",
        "a state's stock of equipment built by procurement, US$ bn, depreciating (docs/model.md, 7b)",
        bounded=False,
        better="higher",
    ),
    Family(
        "incidents",
        "incidents",
        None,
        "{state}'s border incidents",
        "transnational incidents on a state's borders a year, a one-year weighted mean (docs/model.md, 7c)",
        bounded=False,
        better="lower",
    ),
    Family(
        "engagements",
        "engagements",
        None,
        "{state}'s engagements",
        "engagements a year with every partner, either side initiating, a one-year weighted mean (docs/model.md, 3)",
        bounded=False,
    ),
    Family(
        "self_funded",
        "self_funded",
        None,
        "{state}'s self-funded engagements",
        "engagements a year a state initiated and paid from its own budget (docs/model.md, 3)",
        bounded=False,
    ),
    Family(
        "financed",
        "financed",
        None,
        "{state}'s financed engagements",
        "engagements a year a creditor financed for a state, adding to its debt (docs/model.md, 3)",
        bounded=False,
    ),
    Family(
        "engagement_share",
        "engagement_share",
        "pole",
        "{state}'s engagement share with {part}",
        "a state's share of its last year's engagements held with a pole (docs/model.md, 3)",
    ),
    Family(
        "arms_share",
        "arms_share",
        "pole",
        "{state}'s arms share from {part}",
        "a state's share of its arms imports from a pole, its supplier ties (docs/model.md, 7b2)",
    ),
)
"""Every family of per-state outputs a sweep can record."""


def family(name: str) -> Family:
    """The family of per-state outputs called ``name``."""
    return next(f for f in FAMILIES if f.name == name)


def family_member(name: str) -> tuple[Family, str, str | None] | None:
    """The family, state and pole or axis (None for a family per state) an output name belongs to,
    or None when it names no family's member."""
    head, *rest = name.split(".")
    for family in FAMILIES:
        if head == family.name and len(rest) == (2 if family.per else 1) and all(rest):
            return family, rest[0], rest[1] if family.per else None
    return None


def better(name: str) -> Literal["higher", "lower"] | None:
    """Which way is better for an output or a family's member (:attr:`Output.better`), or None where
    neither is (an alignment share, a count of engagements) or the name is no output."""
    member = family_member(name)
    if member is not None:
        return member[0].better
    return next((o.better for o in OUTPUTS if o.name == name), None)


def output(name: str) -> Output:
    """The catalogue's entry for ``name``.

    Raises:
        KeyError: no output has that name.
    """
    for entry in OUTPUTS:
        if entry.name == name:
            return entry
    raise KeyError(name)


def label(name: str) -> str:
    """How a face heads the output ``name`` (a family's member by its family's label)."""
    member = family_member(name)
    if member is not None:
        family, state, part = member
        return family.label.format(state=state, part=part)
    return output(name).label


def bounds(name: str) -> tuple[float, float] | None:
    """The range the values of output ``name`` lie in, or None (a count has none)."""
    member = family_member(name)
    bounded = member[0].bounded if member is not None else output(name).bounded
    return (0.0, 1.0) if bounded else None


@dataclass(frozen=True)
class Kind:
    """One kind of military engagement (MODEL.md, mechanism 3)."""

    name: str
    """Its name in scenario files (``kind: joint_exercise``) and the engagement tables."""
    phrase: str
    """How it reads in a sentence: "LAO and VNM {phrase}"."""
    needs: Literal["border", "disaster"] | None
    """What a pair needs for it: a shared border, or a disaster in the partner; None: nothing."""
    defaults: tuple[tuple[str, float], ...]
    """Its default costs and effects (fields of ``EngagementType``; the rest keep that type's defaults)."""


KINDS: tuple[Kind, ...] = (
    Kind("joint_exercise", "hold a joint exercise", None, (("weight", 1.0), ("cost", 1.0), ("trust_gain", 0.04),
         ("interoperability_gain", 0.05), ("capability_gain", 0.002), ("visibility", 1.0))),
    Kind("training", "run a training programme", None, (("weight", 1.5), ("cost", 1.0), ("trust_gain", 0.03),
         ("interoperability_gain", 0.02), ("capability_gain", 0.01), ("visibility", 0.3))),
    Kind("attache", "exchange military attachés and information", None, (("weight", 1.5), ("cost", 0.5),
         ("trust_gain", 0.02), ("interoperability_gain", 0.01), ("visibility", 0.1), ("liaison_gain", 0.05))),
    Kind("disaster_response", "cooperate in disaster response", "disaster", (("weight", 3.0), ("cost", 1.0),
         ("trust_gain", 0.08), ("interoperability_gain", 0.03), ("visibility", 0.2))),
    Kind("border_patrol", "patrol their border together", "border", (("weight", 1.0), ("cost", 0.5),
         ("trust_gain", 0.03), ("interoperability_gain", 0.03), ("capability_gain", 0.001), ("visibility", 0.2),
         ("border_cooperation_gain", 0.05))),
    Kind("peacekeeping", "serve together in UN peacekeeping", None, (("weight", 0.5), ("cost", 1.0),
         ("trust_gain", 0.02), ("interoperability_gain", 0.04), ("capability_gain", 0.003), ("visibility", 0.1))),
    Kind("defence_project", "launch a defence project", None, (("weight", 0.5), ("cost", 2.0), ("trust_gain", 0.02),
         ("interoperability_gain", 0.02), ("capability_gain", 0.02), ("finance", 0.01), ("visibility", 0.6))),
)  # fmt: skip
"""Every engagement kind, in the order the mechanism indexes them (its random draws follow it)."""

PHRASES: dict[str, str] = {kind.name: kind.phrase for kind in KINDS}
"""Each kind's phrase by name."""


@dataclass(frozen=True)
class ResultKind:
    """A kind of results folder."""

    name: str
    """How a message names it: a laossim ``run`` folder."""
    marker: str
    """The manifest key that marks it, set to 1 (every laossim has written this key)."""
    command: str
    """The command that writes it."""
    records: tuple[str, ...]
    """What its manifest must record for the folder to be read."""
    sweep_layout: bool = False
    """Whether its folder is laid out as a sweep's (``design.parquet``, ``runs/``, ``status/``, and a manifest
    recording ``outputs``, ``steps`` and ``resolved_scenario``): ``laossim discover`` reads any such folder."""


RESULT_KINDS: tuple[ResultKind, ...] = (
    ResultKind("run", "laossim_results", "laossim run", ("scenario", "resolved_scenario", "replications", "steps")),
    ResultKind(
        "sweep", "laossim_sweep", "laossim sweep", ("design", "vary", "outputs", "steps", "resolved_scenario"), True
    ),
    ResultKind("backtest", "laossim_backtest", "laossim backtest", ("scenario", "settings", "fitting_years")),
    ResultKind("discovery", "laossim_discovery", "laossim discover", ("source", "where", "settings")),
    ResultKind(
        "robust",
        "laossim_robust",
        "laossim robust",
        ("design", "vary", "levers", "outputs", "steps", "resolved_scenario"),
        True,
    ),
)


def result_kind(name: str) -> ResultKind:
    """The kind of results folder called ``name``."""
    return next(kind for kind in RESULT_KINDS if kind.name == name)
