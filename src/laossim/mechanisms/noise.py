"""Mechanism 2b: the unexplained part of each state's movement, a mean-zero random step.

Each step every position moves by ``sigma / sqrt(steps per year) * eps`` with
``eps`` standard normal, one draw per coordinate (``parameters.alignment.noise``
= sigma, the standard deviation of a year's steps in position units). The step
has mean zero, so noise alone moves no position on average: the mean of many
replications stays where it was (a random walk), and a forecast made of
replication means is unbiased. The first design drew shares from a Dirichlet
around the current ones, whose mean carried a hidden pull toward equal shares
of 11% a year; this replaces it.
"""

from __future__ import annotations

import math

import numpy as np

from laossim.batch import along, each
from laossim.mechanisms.alignment import shares
from laossim.mechanisms.contract import contract
from laossim.mechanisms.records import NONE, Records
from laossim.scenario.parameters import Parameters
from laossim.world import World

CONTRACT = contract(reads="position", writes="position alignment", draws=True)


def step(world: World, params: Parameters, rng: np.random.Generator, t: int) -> tuple[World, Records]:
    """Add this step's random step to every position (poles too) and update the shares."""
    spy = world.steps_per_year
    sigma = each(lambda s: s / math.sqrt(spy), params.alignment.noise)
    draw = rng.standard_normal((world.n, world.position.shape[-1]))  # each run's own, in a stack
    x = world.position + along(sigma, draw) * draw
    return world.evolve(position=x, alignment=shares(world, params, x)), NONE
