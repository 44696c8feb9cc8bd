"""Where a map places the states, and how large: shared by the classroom app and the static
network map, so both draw the same picture.

States sit at their capitals on a Pacific-centred map, compressed around the focal capital, so
the five South-East Asian states stay readable beside capitals half a world away; a marker's
area grows with the square root of the state's capability share; labels are placed where they
overlap no other label or marker.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, cast

import numpy as np
from matplotlib import patheffects
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.transforms import Bbox

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


HAlign = Literal["left", "center", "right"]
VAlign = Literal["bottom", "center", "top"]
_HA: dict[int, HAlign] = {-1: "right", 0: "center", 1: "left"}
_VA: dict[int, VAlign] = {-1: "top", 0: "center", 1: "bottom"}


LABEL_DIRECTIONS: tuple[tuple[int, int], ...] = (
    (0, -1), (0, 1), (1, 0), (-1, 0), (1, -1), (-1, -1), (1, 1), (-1, 1),
)  # fmt: skip
"""Where a label may sit around its marker, in the order tried: below, above, right, left, then
the diagonals."""

LABEL_RINGS: tuple[float, ...] = (1.0, 2.5, 4.0)
"""How far out a label is tried, in multiples of the gap just outside its marker: every direction
at the first distance, then at the next, so a crowded region's labels move out (with a leader
line) only when no place beside their marker is clear."""


def place_labels(ax: Axes, xy: np.ndarray, names: Sequence[str], areas: np.ndarray, fontsize: float) -> list[Text]:
    """Label each marker with its name where the label overlaps no other label and no marker.

    Markers are taken largest first; each label tries :data:`LABEL_DIRECTIONS` just outside
    its marker (a marker's area is in points squared), then farther out (:data:`LABEL_RINGS`),
    and keeps the first place that is clear, or, when none is, the one that overlaps least; a
    label set apart from its marker gets a thin leader line. Labels have a white halo, so lines
    under them do not hide them. Returns the labels, in the order of ``names``.
    """
    fig = cast(Figure, ax.figure)
    ax.autoscale_view()  # the limits the labels are placed against
    ax.apply_aspect()
    engine = fig.get_layout_engine()
    if engine is not None:
        engine.execute(fig)  # and the axes' final place in the figure
    if not hasattr(fig.canvas, "get_renderer"):
        FigureCanvasAgg(fig)  # a bare Figure (as the app draws) gets a canvas to measure text on
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    points = fig.dpi / 72.0
    centres = ax.transData.transform(xy)
    radii = np.sqrt(areas / np.pi) * points
    markers = [Bbox.from_extents(x - r, y - r, x + r, y + r) for (x, y), r in zip(centres, radii, strict=True)]
    placed: list[Bbox] = []
    labels: dict[int, Text] = {}
    for i in np.argsort(-areas, kind="stable"):
        text = ax.text(0, 0, names[i], fontsize=fontsize, zorder=5)
        text.set_path_effects([patheffects.withStroke(linewidth=3, foreground="white")])
        others = [m for k, m in enumerate(markers) if k != i]
        tried: list[tuple[float, int, Bbox, tuple[tuple[float, float], HAlign, VAlign], float]] = []
        for ring in LABEL_RINGS:
            for dx, dy in LABEL_DIRECTIONS:
                gap = radii[i] + ring * 2 * points + (ring - 1) * radii[i]
                anchor = ax.transData.inverted().transform((centres[i][0] + dx * gap, centres[i][1] + dy * gap))
                place = ((float(anchor[0]), float(anchor[1])), _HA[dx], _VA[dy])
                _put(text, place)
                box = text.get_window_extent(renderer)
                tried.append((sum(_overlap(box, other) for other in placed + others), len(tried), box, place, ring))
                if tried[-1][0] == 0:
                    break
            if tried[-1][0] == 0:
                break
        _, _, box, place, ring = min(tried)
        _put(text, place)
        if ring > 1:
            (x, y), _, _ = place
            ax.plot([xy[i][0], x], [xy[i][1], y], color="grey", lw=0.6, zorder=4, scalex=False, scaley=False)
        placed.append(box)
        labels[int(i)] = text
    return [labels[i] for i in range(len(names))]


def _put(text: Text, place: tuple[tuple[float, float], HAlign, VAlign]) -> None:
    position, ha, va = place
    text.set_position(position)
    text.set_horizontalalignment(ha)
    text.set_verticalalignment(va)


def _overlap(a: Bbox, b: Bbox) -> float:
    """The area two boxes share (0 when apart)."""
    width = min(a.x1, b.x1) - max(a.x0, b.x0)
    height = min(a.y1, b.y1) - max(a.y0, b.y0)
    return max(width, 0.0) * max(height, 0.0)
