"""Mechanism 5a: beliefs about the others' intent, learnt from signals whose precision grows with
liaison (attachés and information sharing).

No state sees another's intent: each state i holds a belief b_ij in [0, 1] of the pair's tension as
it reads j's hostility (directed: i and j may read their relation differently), and the security
dilemma (5) and crises (6) read these perceived quantities instead of the tension itself (Jervis
1976: misperception; Fearon 1995: private information). Each step i receives a signal of the true
tension, ``s_ij = tau_ij + sigma_ij eps_ij`` with eps standard normal, and moves its belief toward it
by a constant gain (constant-gain learning, the steady state of a Kalman filter; Evans and Honkapohja
2001)::

    b_ij <- clip(b_ij + w (s_ij - b_ij), 0, 1),   sigma_ij = sigma0 sqrt(s) / sqrt(1 + kappa L_ij)

with w the yearly ``beliefs.update`` as a share a step, s the steps a year (a step's signal carries a
1/s share of a year's evidence), sigma0 ``beliefs.signal_noise`` and kappa ``beliefs.liaison_precision``:
a signal's precision (1 + kappa L) / sigma0^2 grows linearly with the pair's liaison L in [0, 1], the
stock of attaché presence and information-sharing ties (``liaison`` in the scenario's relations, set
or moved by change events, built by attaché exchanges). At rest the belief is unbiased and its error
has variance w sigma^2 / (2 - w): more liaison, smaller errors. Beliefs start at the true tension
(the unbiased learner's mean). Then the liaison lapses at ``beliefs.liaison_decay`` a year; the rest
(mechanism 8) holds it where the scenario put it, as it holds trust. One standard normal per ordered
pair each step, in single precision (fixed shape: common random numbers; with them, a world with
more liaison has every belief error scaled down). No data on misperception are at hand: every
coefficient here is a judgement.
"""

from __future__ import annotations

import math

import numpy as np

from laossim.batch import Coefficient, along, each
from laossim.mechanisms.contract import contract
from laossim.mechanisms.records import NONE, Records
from laossim.scenario.parameters import Parameters
from laossim.world import DYAD, World, bounded, per_step

CONTRACT = contract(reads="tension liaison beliefs", writes="beliefs liaison", draws=True)


def _single(value: Coefficient, like: np.ndarray) -> Coefficient:
    """A coefficient acting on a single-precision array in single precision (a numpy double scalar
    would promote the array)."""
    return along(value, like) if isinstance(value, np.ndarray) else float(value)


def error_sd(liaison: np.ndarray | float, params: Parameters, steps_per_year: int) -> np.ndarray | float:
    """The standard deviation of a belief's error at rest, sqrt(w sigma^2 / (2 - w)), for a pair of
    liaison ``liaison`` (one world's coefficients: for tests and the docs)."""
    b = params.beliefs
    w = float(per_step(b.update, steps_per_year))
    sigma = b.signal_noise * math.sqrt(steps_per_year) / np.sqrt(1.0 + b.liaison_precision * np.asarray(liaison))
    return np.sqrt(w / (2.0 - w)) * sigma


def perceived(beliefs: np.ndarray, at: tuple = (...,)) -> np.ndarray:
    """The perceived tension of the pairs ``at`` (an index into the dyadic arrays, as
    :func:`laossim.mechanisms.crises.hazard` takes it): the larger of the two sides' beliefs,
    max(b_ij, b_ji), since a crisis needs one side to escalate and the more alarmed side moves first."""
    if len(at) < 2:  # every pair: (...,)
        return np.maximum(beliefs, beliefs.swapaxes(-1, -2))
    *runs, i, j = at
    return np.maximum(beliefs[(*runs, i, j)], beliefs[(*runs, j, i)])


def step(world: World, params: Parameters, rng: np.random.Generator, t: int) -> tuple[World, Records]:
    """Each state's beliefs move toward this step's signals of its tensions; the liaison lapses by a
    step of its yearly rate."""
    b = params.beliefs
    n, spy = world.n, world.steps_per_year
    noise = rng.standard_normal((n, n), dtype=DYAD)  # one per ordered pair, every step: common random numbers
    gain = each(lambda w: per_step(w, spy), b.update)
    scale = each(lambda w, sigma: per_step(w, spy) * sigma * math.sqrt(spy), b.update, b.signal_noise)
    liaison = world.liaison
    root = liaison * _single(b.liaison_precision, liaison)  # becomes sqrt(1 + kappa L)
    root += np.float32(1.0)
    np.sqrt(root, out=root)
    noise /= root
    noise *= _single(scale, noise)  # w sigma_ij eps_ij
    moved = world.tension - world.beliefs  # becomes the new beliefs
    moved *= _single(gain, moved)
    moved += noise
    moved += world.beliefs
    diagonal = np.arange(n)
    moved[..., diagonal, diagonal] = 0.0
    np.maximum(moved, 0.0, out=moved)  # within [0, 1] (np.clip costs more)
    np.minimum(moved, 1.0, out=moved)
    lapse = each(lambda r: per_step(r, spy), b.liaison_decay)
    if isinstance(lapse, np.ndarray) and lapse.ndim:
        kept = bounded(liaison, 0.0, lapse.reshape(-1, 1, 1), per_run=True)
    else:
        kept = bounded(liaison, 0.0, lapse)
    return world.evolve(beliefs=moved, liaison=kept), NONE


__all__ = ["CONTRACT", "error_sd", "perceived", "step"]
