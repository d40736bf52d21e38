"""The targets ``live eval`` fits: fixed, deterministic masks in four groups.

- ``words`` (scored by OCR, :mod:`live.tools.ocr`): 2 to 8 letters in several Hershey fonts, laid out
  as ``live fit --text`` lays them out (:func:`live.target.text_mask`).
- ``lines``: line drawings of thin strokes: faces (a ring, two eyes, a mouth), a star outline,
  a spiral, a house, a name written with the mouse as strokes.
- ``parts``: drawings of several separate parts (dots, a sun with rays, a flower, shapes).
- ``shapes``: the 20 targets of issue 5 (glyphs, filled shapes, small, far and crowded cases).

Drawings are scored by IoU. Every coordinate below is in units of the frame (0..1, x right,
y down), so a case draws at any size.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

import cv2
import numpy as np

from live.target import FONTS, SEED_TEXT_LAYOUT, stroke_mask, text_mask

Group = Literal["words", "lines", "parts", "shapes"]
GROUPS: tuple[Group, ...] = ("words", "lines", "parts", "shapes")
#: What ``live eval`` runs unless told otherwise: the legibility suite of issue 8.
DEFAULT_GROUPS: tuple[Group, ...] = ("words", "lines", "parts")
#: Width of the strokes of the line drawings, as a fraction of the frame (12 px at 256).
LINE = 0.045


@dataclass(frozen=True)
class Case:
    """One target of the suite."""

    name: str
    draw: Callable[[int], np.ndarray]
    """size -> (size, size) float32 mask in [0, 1]."""
    group: Group = "shapes"
    text: str | None = None
    """The word a ``words`` case shows (what OCR should read)."""
    fill: float | None = None
    """``shapes`` only: creatures of the seed's size = round(fill * area / mean body area)."""
    sprites: int | None = None
    """A fixed creature count of the seed's size (the seed's 'A' uses 16)."""
    seed: int = 0
    """Swarm seed (its place in :func:`suite`, so a subset reproduces the full run's rows)."""


# -- drawing helpers -----------------------------------------------------------------------------
def _canvas(size: int) -> np.ndarray:
    return np.zeros((size, size), np.uint8)


def _px(size: int, *values: float) -> list[int]:
    return [int(round(v * size)) for v in values]


def _width(size: int, width: float) -> int:
    return max(1, _px(size, width)[0])


def word(text: str, font: str) -> Callable[[int], np.ndarray]:
    """A word as ``live fit --text`` draws it."""
    return lambda size: text_mask(text, size, font)


def glyph(text: str, font: str, height: float, centre: tuple[float, float]) -> Callable[[int], np.ndarray]:
    """Text whose glyph box is ``height`` of the frame tall, centred at ``centre``, seed's stroke weight."""

    def draw(size: int) -> np.ndarray:
        face = FONTS[font]
        ratio = SEED_TEXT_LAYOUT["thickness"] / SEED_TEXT_LAYOUT["scale"]
        (_, h1), _ = cv2.getTextSize(text, face, 1.0, 1)
        scale = height * size / (h1 + ratio)
        thickness = max(1, round(ratio * scale))
        (w, h), _ = cv2.getTextSize(text, face, scale, thickness)
        cx, cy = _px(size, *centre)
        canvas = _canvas(size)
        cv2.putText(canvas, text, (cx - w // 2, cy + h // 2), face, scale, 255, thickness, cv2.LINE_AA)
        return canvas.astype(np.float32) / 255.0

    return draw


def ring(outer: float, width: float, centre: tuple[float, float]) -> Callable[[int], np.ndarray]:
    def draw(size: int) -> np.ndarray:
        canvas = _canvas(size)
        r, w = _px(size, outer - width / 2, width)
        cv2.circle(canvas, tuple(_px(size, *centre)), r, 1, max(1, w), cv2.LINE_8)
        return canvas.astype(np.float32)

    return draw


def disc(radius: float, centre: tuple[float, float]) -> Callable[[int], np.ndarray]:
    def draw(size: int) -> np.ndarray:
        canvas = _canvas(size)
        cv2.circle(canvas, tuple(_px(size, *centre)), _px(size, radius)[0], 1, -1)
        return canvas.astype(np.float32)

    return draw


def polygon(
    points: Sequence[tuple[float, float]], scale: float, centre: tuple[float, float]
) -> Callable[[int], np.ndarray]:
    """A filled polygon given in [-1, 1] coordinates, scaled to ``scale`` of the frame (half-width)."""

    def draw(size: int) -> np.ndarray:
        canvas = _canvas(size)
        pts = np.array([[centre[0] + scale * x, centre[1] + scale * y] for x, y in points]) * size
        cv2.fillPoly(canvas, [np.round(pts).astype(np.int32)], 1)
        return canvas.astype(np.float32)

    return draw


def polyline(points: Sequence[tuple[float, float]], width: float, closed: bool = False) -> Callable[[int], np.ndarray]:
    """A thick polyline with round ends and joins (``width`` of the frame), points in frame units."""
    return lines([points], width, closed)


def lines(
    paths: Sequence[Sequence[tuple[float, float]]], width: float, closed: bool = False
) -> Callable[[int], np.ndarray]:
    """Several thick polylines with round ends and joins, points in frame units."""

    def draw(size: int) -> np.ndarray:
        canvas = _canvas(size)
        w = _width(size, width)
        for points in paths:
            pts = np.round(np.array(points) * size).astype(np.int32)
            cv2.polylines(canvas, [pts], closed, 1, w, cv2.LINE_8)
            for p in pts:
                cv2.circle(canvas, (int(p[0]), int(p[1])), w // 2, 1, -1)
        return canvas.astype(np.float32)

    return draw


def union(*parts: Callable[[int], np.ndarray]) -> Callable[[int], np.ndarray]:
    """The union of several drawings."""
    return lambda size: np.maximum.reduce([part(size) for part in parts])


def arc(centre: tuple[float, float], radii: tuple[float, float], start: float, end: float, n: int = 24):
    """Points of an elliptic arc (angles in degrees, 0 to the right, clockwise on screen)."""
    t = np.radians(np.linspace(start, end, n))
    return [(centre[0] + radii[0] * np.cos(a), centre[1] + radii[1] * np.sin(a)) for a in t]


def strokes(
    paths: Sequence[Sequence[tuple[float, float]]], brush: float, canvas: int = 224
) -> Callable[[int], np.ndarray]:
    """Mouse strokes as the canvas draws them (:func:`live.target.stroke_mask`): points in pixels
    of a ``canvas`` square, ``brush`` the brush radius in those pixels."""
    return lambda size: stroke_mask(paths, size, brush, canvas)


def _heart(n: int = 64) -> list[tuple[float, float]]:
    t = np.linspace(0, 2 * np.pi, n, endpoint=False)
    x = 16 * np.sin(t) ** 3
    y = -(13 * np.cos(t) - 5 * np.cos(2 * t) - 2 * np.cos(3 * t) - np.cos(4 * t))
    return list(zip(x / 17.0, (y + 2.5) / 17.0, strict=False))


def _star(points: int = 5, inner: float = 0.45) -> list[tuple[float, float]]:
    out = []
    for k in range(2 * points):
        r = 1.0 if k % 2 == 0 else inner
        a = -np.pi / 2 + k * np.pi / points
        out.append((r * np.cos(a), r * np.sin(a)))
    return out


def _spiral(turns: float = 2.25, n: int = 200, start: float = 0.15) -> list[tuple[float, float]]:
    t = np.linspace(start, 1.0, n)
    a = 2 * np.pi * turns * t
    return [(0.5 + 0.4 * s * np.cos(x), 0.5 + 0.4 * s * np.sin(x)) for s, x in zip(t, a, strict=False)]


def _scaled(points, scale: float, centre: tuple[float, float]):
    return [(centre[0] + scale * x, centre[1] + scale * y) for x, y in points]


def face(centre: tuple[float, float], radius: float, width: float = LINE) -> Callable[[int], np.ndarray]:
    """A face as a visitor draws it: a thin ring, two dots for eyes, an arc for the mouth."""
    cx, cy = centre
    eye = 0.13 * radius
    return union(
        ring(radius, width, centre),
        disc(eye, (cx - 0.35 * radius, cy - 0.25 * radius)),
        disc(eye, (cx + 0.35 * radius, cy - 0.25 * radius)),
        polyline(arc((cx, cy + 0.05 * radius), (0.5 * radius, 0.4 * radius), 20, 160), width),
    )


def _house() -> Callable[[int], np.ndarray]:
    wall = [(0.22, 0.45), (0.22, 0.86), (0.78, 0.86), (0.78, 0.45)]
    roof = [(0.14, 0.50), (0.50, 0.14), (0.86, 0.50)]
    door = [(0.42, 0.86), (0.42, 0.64), (0.58, 0.64), (0.58, 0.86)]
    return union(lines([wall, roof, door], LINE), lines([[(0.22, 0.45), (0.78, 0.45)]], LINE))


def _name_strokes() -> list[list[tuple[float, float]]]:
    """ "TOM" as a visitor writes it with the mouse on the 224 px canvas: five strokes, a little uneven."""
    o = [(108 + 22 * np.cos(a), 112 + 34 * np.sin(a)) for a in np.linspace(-np.pi / 2, 1.55 * np.pi, 28)]
    return [
        [(18, 78), (44, 77), (70, 79)],  # T, the bar
        [(44, 78), (45, 112), (44, 146)],  # T, the stem
        [(float(x), float(y)) for x, y in o],  # O
        [(150, 146), (152, 80), (170, 118), (188, 79), (192, 146)],  # M
    ]


def _sun() -> Callable[[int], np.ndarray]:
    rays = []
    for k in range(8):
        a = k * np.pi / 4 + np.pi / 8
        rays.append(
            [(0.5 + 0.25 * np.cos(a), 0.5 + 0.25 * np.sin(a)), (0.5 + 0.40 * np.cos(a), 0.5 + 0.40 * np.sin(a))]
        )
    return union(disc(0.15, (0.5, 0.5)), lines(rays, LINE))


def _flower() -> Callable[[int], np.ndarray]:
    parts = [disc(0.08, (0.5, 0.5))]
    for k in range(6):
        a = k * np.pi / 3
        parts.append(disc(0.09, (0.5 + 0.24 * np.cos(a), 0.5 + 0.24 * np.sin(a))))
    return union(*parts)


def _shapes_group() -> list[Case]:
    seed_a = lambda size: text_mask("A", size)  # noqa: E731 - the seed's own layout
    return [
        Case("A-seed", seed_a, sprites=16),
        Case("B-duplex", glyph("B", "duplex", 0.8, (0.5, 0.5))),
        Case("K-triplex", glyph("K", "triplex", 0.8, (0.5, 0.5))),
        Case("7-complex", glyph("7", "complex", 0.8, (0.5, 0.5))),
        Case("3-plain", glyph("3", "plain", 0.8, (0.5, 0.5))),
        Case("2-script", glyph("2", "script", 0.75, (0.5, 0.5))),
        Case("L-simplex-mid", glyph("L", "simplex", 0.55, (0.5, 0.5))),
        Case("R-simplex-corner", glyph("R", "simplex", 0.45, (0.26, 0.26))),
        Case("4-duplex-small", glyph("4", "duplex", 0.4, (0.5, 0.5))),
        Case("ring", ring(0.42, 0.16, (0.5, 0.5))),
        Case("ring-corner", ring(0.22, 0.12, (0.74, 0.26))),
        Case("heart", polygon(_heart(), 0.42, (0.5, 0.5))),
        Case("heart-corner", polygon(_heart(), 0.2, (0.76, 0.76))),
        Case("star", polygon(_star(), 0.45, (0.5, 0.5))),
        Case("star-small", polygon(_star(), 0.25, (0.5, 0.5))),
        Case("spiral", polyline(_spiral(), 0.09)),
        Case("zigzag", polyline([(0.1, 0.3), (0.3, 0.75), (0.5, 0.3), (0.7, 0.75), (0.9, 0.3)], 0.14)),
        Case("thin-line", polyline([(0.15, 0.85), (0.85, 0.15)], 0.06)),
        Case("crowded-star", polygon(_star(), 0.25, (0.3, 0.7)), fill=2.0),
        Case("crowded-disc", disc(0.16, (0.7, 0.7)), fill=2.5),
    ]


#: The words: 2 to 8 letters, five Hershey fonts (the target masks all read back exactly).
WORDS = (
    ("HI", "simplex"),
    ("OK", "triplex"),
    ("CAT", "duplex"),
    ("SUN", "complex"),
    ("LOVE", "simplex"),
    ("FISH", "triplex"),
    ("DRAW!", "simplex"),
    ("HELLO", "duplex"),
    ("PLANET", "complex"),
    ("GARDEN", "simplex"),
    ("RAINBOW", "duplex"),
    ("ELEPHANT", "simplex"),
)


def _words_group() -> list[Case]:
    return [Case(f"{text}-{font}", word(text, font), group="words", text=text) for text, font in WORDS]


def _lines_group() -> list[Case]:
    return [
        Case("face", face((0.5, 0.5), 0.42), group="lines"),
        Case("face-small", face((0.36, 0.62), 0.27), group="lines"),
        Case("star-outline", polyline(_scaled(_star(), 0.42, (0.5, 0.52)), LINE, closed=True), group="lines"),
        Case("spiral-thin", polyline(_spiral(2.5, 240, 0.1), LINE), group="lines"),
        Case("house", _house(), group="lines"),
        Case("name-strokes", strokes(_name_strokes(), brush=5.5), group="lines"),
    ]


def _parts_group() -> list[Case]:
    return [
        Case(
            "dots",
            union(
                disc(0.09, (0.22, 0.25)),
                disc(0.13, (0.72, 0.28)),
                disc(0.06, (0.5, 0.55)),
                disc(0.11, (0.28, 0.75)),
                disc(0.08, (0.76, 0.76)),
            ),
            group="parts",
        ),
        Case("sun", _sun(), group="parts"),
        Case("flower", _flower(), group="parts"),
        Case(
            "three-shapes",
            union(
                polygon([(-1, -1), (1, -1), (1, 1), (-1, 1)], 0.13, (0.25, 0.27)),
                polygon([(0, -1), (1, 0.8), (-1, 0.8)], 0.16, (0.74, 0.3)),
                disc(0.15, (0.5, 0.72)),
            ),
            group="parts",
        ),
        Case(
            "two-hearts",
            union(polygon(_heart(), 0.24, (0.3, 0.4)), polygon(_heart(), 0.15, (0.74, 0.68))),
            group="parts",
        ),
        Case(
            "snowman",
            union(disc(0.2, (0.5, 0.68)), disc(0.13, (0.5, 0.3)), disc(0.035, (0.2, 0.5)), disc(0.035, (0.8, 0.5))),
            group="parts",
        ),
    ]


def suite(groups: Sequence[Group] = GROUPS) -> list[Case]:
    """The fixed evaluation suite, the cases of ``groups`` in the order of :data:`GROUPS`.

    Each case's swarm seed is its place in the whole suite, so any subset reproduces its rows.

    Raises:
        ValueError: an unknown group.
    """
    unknown = [g for g in groups if g not in GROUPS]
    if unknown:
        raise ValueError(f"unknown eval group(s) {', '.join(unknown)}: use some of {', '.join(GROUPS)}")
    everything = _words_group() + _lines_group() + _parts_group() + _shapes_group()
    cases = [dataclasses.replace(case, seed=index) for index, case in enumerate(everything)]
    return [case for case in cases if case.group in groups]
