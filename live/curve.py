"""Smooth strokes: a centripetal Catmull-Rom curve through the pointer samples.

The pointer (a mouse, a fingertip) is sampled once a frame, or once a camera frame, so a circle
drawn quickly, or at a low frame rate, arrives as a dozen points. Joined by straight lines it is a
polygon; this module joins them by the curve that passes through every sample and turns smoothly
at each (the centripetal Catmull-Rom spline: it never loops or overshoots between unevenly spaced
samples, as the uniform one does).

The curve between samples ``p[i]`` and ``p[i + 1]`` (a *piece*) depends on ``p[i - 1]`` and
``p[i + 2]`` as well; beyond the ends of a stroke a sample is made up that keeps the stroke's
turn (:func:`beyond`), so a circle's ends are as round as its middle. A piece is therefore final
once the sample after its end has arrived: the canvas draws the last piece of an open stroke
provisionally and replaces it when the next sample comes or the pen lifts
(:class:`live.app.canvas.StrokeCanvas`). The picture on the canvas and the mask the swarm follows
(:func:`live.target.stroke_mask`) are drawn from the same pieces.

Points are (x, y) in pixels of whatever square they were given in; a piece is cut into straight
bits of about :data:`STEP` pixels (on a circle of radius 200 px, 0.01 px away from the curve).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence

import cv2
import numpy as np

Point = tuple[float, float]
#: A piece is cut into straight bits of about this length (at most its control polygon's length
#: over this), in pixels of the points' square.
STEP = 4.0
#: At most this many bits per piece (a piece across a 4K canvas stays cheap).
MAX_BITS = 256
#: The centripetal exponent: the curve's parameter advances by the square root of each chord.
ALPHA = 0.5


def distinct(stroke: Sequence[Point]) -> list[Point]:
    """``stroke`` without consecutive repeats (a pen that did not move adds no piece)."""
    out: list[Point] = []
    for p in stroke:
        q = (float(p[0]), float(p[1]))
        if not out or q != out[-1]:
            out.append(q)
    return out


def neighbours(stroke: Sequence[Point], i: int) -> tuple[Point, Point, Point, Point]:
    """The four samples piece ``i`` (from ``stroke[i]`` to ``stroke[i + 1]``) depends on, with a
    made-up sample beyond each end of the stroke (:func:`beyond`).

    Args:
        stroke: distinct consecutive samples, at least two.
        i: 0 to ``len(stroke) - 2``.
    """
    p1, p2 = stroke[i], stroke[i + 1]
    p0 = stroke[i - 1] if i > 0 else beyond(p1, p2, stroke[i + 2] if i + 2 < len(stroke) else None)
    p3 = stroke[i + 2] if i + 2 < len(stroke) else beyond(p2, p1, stroke[i - 1] if i > 0 else None)
    return p0, p1, p2, p3


def beyond(end: Point, near: Point, far: Point | None) -> Point:
    """A sample before ``end`` that continues the stroke ``end, near, far`` smoothly.

    ``far`` reflected across the perpendicular bisector of ``end`` and ``near``: that line is an
    axis of symmetry of the circle through the three samples, so the made-up sample lies on that
    circle, as far beyond ``end`` as ``far`` is beyond ``near`` (on a straight stroke, on the
    line). Without ``far`` (a two-sample stroke), ``near`` reflected through ``end``: a straight
    end.
    """
    if far is None:
        return 2 * end[0] - near[0], 2 * end[1] - near[1]
    ux, uy = near[0] - end[0], near[1] - end[1]
    length2 = ux * ux + uy * uy
    along = ((far[0] - (end[0] + near[0]) / 2) * ux + (far[1] - (end[1] + near[1]) / 2) * uy) / length2
    return far[0] - 2 * along * ux, far[1] - 2 * along * uy


def piece(p0: Point, p1: Point, p2: Point, p3: Point, step: float = STEP) -> np.ndarray:
    """The curve from ``p1`` to ``p2``, as a polyline.

    Args:
        p0, p3: the samples before ``p1`` and after ``p2``.
        step: length of the straight bits, in the points' pixels (:data:`STEP`).

    Returns:
        (K + 1, 2) float64, from exactly ``p1`` to exactly ``p2``, at even steps of the curve's
        parameter; K = the control polygon's length over ``step``, rounded up, between 1 and
        :data:`MAX_BITS`.
    """
    (ax, ay), (bx, by), (cx, cy), (dx, dy) = p0, p1, p2, p3
    chord = math.hypot(cx - bx, cy - by)
    # Parameter intervals (centripetal); a zero chord would divide by zero, so it is floored.
    t01 = max(math.hypot(bx - ax, by - ay), 1e-9) ** ALPHA
    t12 = max(chord, 1e-9) ** ALPHA
    t23 = max(math.hypot(dx - cx, dy - cy), 1e-9) ** ALPHA
    # Hermite tangents at p1 and p2, scaled to the piece's own interval (Barry and Goldman).
    k0, k1, k2 = t12 / t01, t12 / (t01 + t12), 1.0
    m1 = (k0 * (bx - ax) - k1 * (cx - ax) + k2 * (cx - bx), k0 * (by - ay) - k1 * (cy - ay) + k2 * (cy - by))
    k1, k2 = t12 / (t12 + t23), t12 / t23
    m2 = ((cx - bx) - k1 * (dx - bx) + k2 * (dx - cx), (cy - by) - k1 * (dy - by) + k2 * (dy - cy))
    # The piece's length is at most its Bezier control polygon's: p1, p1 + m1 / 3, p2 - m2 / 3, p2.
    length = (
        math.hypot(m1[0], m1[1]) / 3
        + math.hypot(cx - bx - (m1[0] + m2[0]) / 3, cy - by - (m1[1] + m2[1]) / 3)
        + math.hypot(m2[0], m2[1]) / 3
    )
    bits = min(MAX_BITS, max(1, math.ceil(length / step)))
    out = _basis(bits) @ np.array([(bx, by), m1, (cx, cy), m2])  # (K + 1, 2)
    out[0], out[-1] = (bx, by), (cx, cy)
    return out


@functools.lru_cache(maxsize=MAX_BITS)
def _basis(bits: int) -> np.ndarray:
    """The cubic Hermite basis at ``bits + 1`` even steps of [0, 1]: (bits + 1, 4), read-only."""
    u = np.linspace(0.0, 1.0, bits + 1)
    u2, u3 = u * u, u * u * u
    basis = np.stack([2 * u3 - 3 * u2 + 1, u3 - 2 * u2 + u, -2 * u3 + 3 * u2, u3 - u2], axis=1)
    basis.flags.writeable = False
    return basis


def pieces(stroke: Sequence[Point], step: float = STEP) -> list[np.ndarray]:
    """Every piece of a stroke of distinct consecutive samples (none for a single point)."""
    return [piece(*neighbours(stroke, i), step) for i in range(len(stroke) - 1)]


def smooth(stroke: Sequence[Point], step: float = STEP) -> np.ndarray:
    """The whole curve through ``stroke``'s samples, as one polyline.

    Args:
        stroke: (x, y) samples; consecutive repeats are dropped.
        step: length of the straight bits, in the points' pixels (:data:`STEP`).

    Returns:
        (M, 2) float64 passing through every distinct sample in order; (1, 2) for a single point,
        (0, 2) for none.
    """
    points = distinct(stroke)
    if len(points) < 2:
        return np.asarray(points, np.float64).reshape(-1, 2)
    parts = pieces(points, step)
    return np.concatenate([parts[0]] + [p[1:] for p in parts[1:]])


#: Points go to OpenCV with this many fractional bits (its ``shift``): a sixteenth of a pixel.
SHIFT = 4


def ink(image: np.ndarray, line: np.ndarray, radius: int, colour) -> tuple[int, int, int, int]:
    """Draws a polyline with a round brush, in place.

    Args:
        image: (H, W) or (H, W, C) uint8.
        line: (M, 2) float (x, y) in ``image``'s pixels; a single point is a dot.
        radius: brush radius in pixels, at least 1.
        colour: a scalar or a C-tuple.

    Returns:
        the box the ink may touch, (x0, y0, x1, y1) with x1, y1 exclusive, clipped to ``image``.
    """
    line = np.asarray(line, np.float64).reshape(-1, 2)
    if len(line) == 0:
        return 0, 0, 0, 0
    fixed = np.round(line * (1 << SHIFT)).astype(np.int32)
    if len(fixed) == 1:
        cv2.circle(image, (int(fixed[0, 0]), int(fixed[0, 1])), radius << SHIFT, colour, -1, cv2.LINE_8, SHIFT)
    else:
        cv2.polylines(image, [fixed], False, colour, 2 * radius, cv2.LINE_8, SHIFT)
    low = np.floor(line.min(axis=0)).astype(int) - radius - 1
    high = np.ceil(line.max(axis=0)).astype(int) + radius + 2
    h, w = image.shape[:2]
    return max(0, low[0]), max(0, low[1]), min(w, high[0]), min(h, high[1])
