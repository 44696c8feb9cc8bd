"""How much of a state's strength is felt at another's capital: the distance discount
g_ij = exp(-max(d_ij - r_j, 0) / decay) of :func:`laossim.geography.reach_discount` for every pair,
in single precision, as the distances.

The capitals and reaches never change during a run, so the whole matrix is worked out once a run
(:func:`laossim.world.derived`) and read by the poles' pull on the alignments, the security
dilemma, the threat a state feels and deterrence, each entry what it would be alone.
"""

from __future__ import annotations

import numpy as np

from laossim.batch import Coefficient, along
from laossim.geography import reach_discount
from laossim.world import DYAD, derived


@derived
def felt(distance: np.ndarray, reach: np.ndarray, decay: Coefficient) -> np.ndarray:
    """g (..., N, N): the share of j's strength felt at i, 1 within j's reach (``reach``, km, on the
    last axis) and falling beyond it over ``decay`` km (``geography.decay``: one value, or one per
    run of a stack). The distances are symmetric to the bit (:func:`laossim.geography.great_circle_km`),
    so the share of i's strength felt at j is g's transpose."""
    return reach_discount(distance, reach.astype(DYAD)[..., None, :], along(np.float32(decay), distance))
