"""Where a map places the states, and how large: shared by the classroom app and the static
network map, so both draw the same picture.

States sit at their capitals on a Pacific-centred map, compressed around the focal capital, so
the five South-East Asian states stay readable beside capitals half a world away; a marker's
area grows with the square root of the state's capability share.
"""

from __future__ import annotations

import numpy as np

PACIFIC_WEST = 150.0
"""Longitudes run from the focal capital's minus this to plus 360 minus this: the
Americas lie east across the Pacific, as on the maps used in the region."""

COMPRESSION = 0.5
"""Map distances from the focal capital grow like degrees to this power, so
Southeast Asia stays readable beside capitals half a world away."""


def map_positions(capitals: np.ndarray, centre: int) -> np.ndarray:
    """(N, 2) map coordinates of capitals given as (latitude, longitude) rows.

    Pacific-centred longitudes, each axis compressed as ``sign(d) |d|^COMPRESSION``
    around the focal capital: the east-west order of the states is that of
    their capitals' longitudes and the north-south order that of their
    latitudes, exactly.
    """
    lat, lon = capitals[:, 0], capitals[:, 1]
    west = capitals[centre, 1] - PACIFIC_WEST
    east_of_centre = (lon - west) % 360.0 - PACIFIC_WEST
    north_of_centre = lat - capitals[centre, 0]
    return np.column_stack([_compress(east_of_centre), _compress(north_of_centre)])


def _compress(d: np.ndarray) -> np.ndarray:
    return np.sign(d) * np.abs(d) ** COMPRESSION


def node_sizes(capability: np.ndarray, smallest: float = 120.0, largest: float = 1800.0) -> np.ndarray:
    """Marker areas: the square root of capability share, scaled to [smallest, largest]."""
    root = np.sqrt(capability / capability.max())
    return smallest + (largest - smallest) * root
