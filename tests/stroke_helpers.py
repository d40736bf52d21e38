"""Shapes for the smooth-stroke tests: a circle given as a few pointer samples, and how far a
drawn ring strays from the true circle."""

import itertools
import math

import numpy as np

#: The issue's test: a circle on a 512-pixel canvas, given as 12 samples.
SIDE = 512
CENTRE = (256.0, 256.0)
RADIUS = 200.0


def circle_samples(count: int = 12, centre=CENTRE, radius: float = RADIUS, closed: bool = True):
    """``count`` evenly spaced samples of a circle, clockwise on screen from the right; with
    ``closed`` the first sample again at the end (a visitor closes the circle)."""
    angles = [2 * math.pi * k / count for k in range(count + (1 if closed else 0))]
    return [(centre[0] + radius * math.cos(a), centre[1] + radius * math.sin(a)) for a in angles]


def ring_errors(ink: np.ndarray, brush: float, centre=CENTRE, radius: float = RADIUS) -> tuple[float, float]:
    """How a drawn ring of brush radius ``brush`` compares with the true circle.

    Returns:
        (stray, gap): how far, in pixels, ink lies beyond ``brush`` from the circle (the most),
        and how far inside ``brush`` from the circle a pixel is left without ink (the most; 0 when
        the band is covered all round). A ring drawn along the true circle has both below 1.
    """
    ys, xs = np.indices(ink.shape)
    off = np.abs(np.hypot(xs - centre[0], ys - centre[1]) - radius)  # distance to the circle
    stray = float(off[ink].max() - brush)
    missing = off[~ink]
    gap = float(max(0.0, brush - missing.min())) if missing.size else 0.0
    return stray, gap


def along(corners, step: float = 6.0) -> list[list[float]]:
    """A polyline through ``corners`` as a pointer samples it: a point every ``step`` pixels or
    less along each side, the corners included. Strokes follow a smooth curve through their
    samples, so a shape given by its corners alone would come out rounded."""
    out = [[float(corners[0][0]), float(corners[0][1])]]
    for (x0, y0), (x1, y1) in itertools.pairwise(corners):
        n = max(1, math.ceil(math.hypot(x1 - x0, y1 - y0) / step))
        out += [[x0 + (x1 - x0) * k / n, y0 + (y1 - y0) * k / n] for k in range(1, n + 1)]
    return out
