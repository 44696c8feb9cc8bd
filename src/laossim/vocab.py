"""Declared catalogues: the one list of each kind of name, which everything else reads.

:data:`OUTPUTS` holds every output a run records per step: the four headline
scores and their components, with a label, what each measures and its range.
The score functions (:mod:`laossim.metrics`), the run and sweep tables, the
command line's tables, the plots, the classroom app and the reports all read
it, so a new score is declared once here and computed once in ``metrics``;
every face shows it with no further edit (``tests/test_vocab.py`` adds one and
checks). Faces read the module's attributes when they draw (``vocab.SCORES``),
not copies taken at import.

Light on purpose: importing it imports nothing but the standard library.
"""

from __future__ import annotations

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


OUTPUTS: tuple[Output, ...] = (
    Output("stability", "stability", "score", "1 minus the weighted mean of crisis intensity, tension, "
           "polarisation, volatility and frustration; higher is more stable", colour="#1f77b4"),
    Output("cooperation", "cooperation", "score", "weighted mean of trust, engagement volume, forum "
           "participation and interoperability; higher is more cooperative", colour="#2ca02c"),
    Output("focal_autonomy", "focal autonomy", "score", "normalised entropy of the focal state's alignment "
           "over the poles; 1 is an even hedge", colour="#9467bd"),
    Output("focal_security", "focal security", "score", "1 minus the largest threat toward the focal state",
           colour="#ff7f0e"),
    Output("crisis_intensity", "crisis intensity", "component", "1 - exp(-C / crisis_scale), C the fading sum "
           "of recent crisis severities"),
    Output("mean_tension", "mean tension", "component", "capability-weighted mean tension over pairs"),
    Output("polarisation", "polarisation", "component", "Esteban-Ray polarisation of the coalitions"),
    Output("volatility", "volatility", "component", "mean change of alignments this step, per year, over "
           "volatility_scale"),
    Output("frustration", "frustration", "component", "normalised landscape frustration of the coalitions"),
    Output("mean_trust", "mean trust", "component", "capability-weighted mean trust over pairs"),
    Output("engagement_volume", "engagement volume", "component", "engagement units carried out over units "
           "budgeted, one-year running tallies"),
    Output("forum_participation", "forum participation", "component", "members attending over members "
           "expected, one-year running tallies"),
    Output("interoperability", "interoperability", "component", "capability-weighted mean interoperability"),
    Output("dependence_concentration", "dependence concentration", "component",
           "Herfindahl index of the focal state's positive leverage shares over the poles"),
    Output("crisis_count", "crises", "component", "crises this step", bounded=False),
    Output("polarisation_pressure", "polarisation pressure", "component", "fading sum of the severities of "
           "crises involving a pole, which makes alignments more responsive", bounded=False),
)  # fmt: skip
"""Every output a run records per step, headline scores first."""

SCORES: tuple[str, ...] = tuple(o.name for o in OUTPUTS if o.kind == "score")
"""The headline scores, in the order every face shows them."""
COMPONENTS: tuple[str, ...] = tuple(o.name for o in OUTPUTS if o.kind == "component")
"""The components the scores are made of."""
COLUMNS: tuple[str, ...] = SCORES + COMPONENTS
"""Every output's column, in the run and sweep tables."""

ALIGNMENT_OUTPUT = "alignment.{state}.{pole}"
"""A sweep output per state and pole: that state's share on that pole (``alignment.LAO.CHN``)."""


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
    """How a face heads the output ``name`` (an ``alignment.STATE.POLE`` output: "STATE on POLE")."""
    parts = name.split(".")
    if len(parts) == 3 and parts[0] == "alignment":
        return f"{parts[1]} on {parts[2]}"
    return output(name).label


def bounds(name: str) -> tuple[float, float] | None:
    """The range the values of output ``name`` lie in, or None (a count has none)."""
    if name.startswith("alignment."):
        return (0.0, 1.0)
    return (0.0, 1.0) if output(name).bounded else None
