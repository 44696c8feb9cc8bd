"""Experiment files: which scenario, what to vary, which design, how many replications.

Two forms. A sweep varies scenario fields (``vary:``) over a design. A robust experiment
(``laossim robust``) names the focal government's lever settings (``levers:``, named policies,
each a mapping of scenario field to value) and the uncertainties of the futures they face
(``uncertainties:``, each a range or a set, sampled by the design into futures); every setting
runs on every future with the same seeds (common random numbers).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field, model_validator

from laossim import vocab
from laossim.scenario.parameters import Frozen, Real, Whole
from laossim.scenario.schema import Name

Scalar = float | int | bool | str


class Method(StrEnum):
    grid = "grid"
    lhs = "lhs"
    sobol = "sobol"
    morris = "morris"


class Range(Frozen):
    """A numeric interval; ``steps`` gives a grid's evenly spaced values (ends included)."""

    start: Real = Field(alias="from")
    to: Real
    steps: Whole | None = Field(None, ge=2, le=10_000)

    @model_validator(mode="after")
    def _ordered(self) -> Range:
        if not self.start < self.to:
            raise ValueError(f"'from' ({self.start:g}) must be below 'to' ({self.to:g})")
        return self


class Design(Frozen):
    """How design points are chosen.

    grid: every combination of the values; lhs: ``samples`` Latin-hypercube
    points (scipy.stats.qmc); sobol: SALib's Saltelli scheme with base sample
    ``samples`` (a power of two; samples x (d + 2) points); morris: ``samples``
    trajectories on ``levels`` levels (samples x (d + 1) points).
    """

    method: Method
    samples: Whole | None = Field(None, ge=1, le=1_000_000)
    seed: Whole = Field(0, ge=0)
    levels: Whole = Field(4, ge=2, le=100)


class Experiment(Frozen):
    """An experiment file, validated."""

    format_version: Literal[1] = 1
    experiment: Name = Field(description="Short name, used in the default sweep folder's name.")
    description: str = ""
    scenario: str = Field(description="Scenario file, relative to the experiment file.")
    replications: Whole = Field(10, ge=1, le=100_000)
    seed: Whole | None = Field(None, ge=0, description="Root seed of the runs; default the scenario's.")
    steps: Whole | None = Field(None, ge=1)
    design: Design
    vary: dict[str, list[Scalar] | Range] = Field(
        default_factory=dict, description="A sweep's varied fields, each a list of values or a range."
    )
    levers: dict[Name, dict[str, Scalar]] = Field(
        default_factory=dict,
        description="A robust experiment's lever settings: named policies of the focal government, each a "
        "mapping of scenario field to value ({} is the scenario as written).",
    )
    uncertainties: dict[str, list[Scalar] | Range] = Field(
        default_factory=dict,
        description="A robust experiment's uncertain fields, each a range or a set, sampled by the design "
        "into futures.",
    )
    thresholds: dict[str, Real] = Field(
        default_factory=dict,
        description="Each output's satisficing threshold (a future satisfices when its mean reaches it); "
        "default the first setting's median over the futures.",
    )
    tolerances: dict[str, Annotated[Real, Field(ge=0)]] = Field(
        default_factory=dict,
        description="Each output's tolerance for Starr's domain criterion; default the score's minimal "
        "important difference (laossim.importance).",
    )
    outputs: list[str] = Field(default_factory=lambda: list(vocab.SCORES), min_length=1)

    @property
    def robust(self) -> bool:
        """Whether this is a robust experiment (it declares lever settings)."""
        return bool(self.levers)

    @property
    def sampled(self) -> dict[str, list[Scalar] | Range]:
        """The fields the design chooses values of: a robust experiment's uncertainties, a sweep's
        varied fields."""
        return self.uncertainties if self.robust else self.vary

    @property
    def lever_paths(self) -> list[str]:
        """Every field some lever setting sets, in the order the file first names them."""
        return list(dict.fromkeys(path for setting in self.levers.values() for path in setting))
