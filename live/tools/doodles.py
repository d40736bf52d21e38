"""Doodles: everyday things sketched the way a visitor draws them in a few seconds, as pen strokes.

Each doodle is a few strokes (a face, then the eyes, then the mouth...) given as point lists in
pixels of a :data:`CANVAS` square, sampled the way a mouse or a fingertip is: a sample every
8 to 20 pixels along the path (a hand moving at 500 to 1200 pixels a second, seen 60 times a
second), each stroke a little wobbly (a smooth drift of up to :data:`WOBBLE` pixels, none at its
ends, so that a closed shape really closes) and overshooting its start when it closes a loop.
Everything is drawn from one seeded generator per doodle: the strokes are the same on every run.

``live eval --groups doodles`` draws them through the installation's own pen (:func:`pen_mask`:
:class:`live.app.canvas.StrokeCanvas` at ``app.window`` with ``target.brush``, so the smoothing
and the brush apply) and scores how many of the drawing's enclosed regions survive the brush and
the swarm (:func:`regions`).

**Enclosed regions.** The *ideal* drawing is the strokes' curves drawn one pixel wide at the mask
size. Its enclosed regions are the parts of the background (4-connected) that do not touch the
frame, of at least :data:`MIN_REGION` of the frame's area (a region smaller than that is too
small for any swarm to show: 65 pixels at 256, a square 18 px across on the 512-px display). A
region is *kept* by a mask (the brushed target, or the swarm's silhouette > 0.5) when at least
:data:`KEEP` of its pixels lie in enclosed background of that mask: the brush may narrow a window
or an eye, but a quarter of it must stay open (it is then at least about half as wide as drawn).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from live.curve import smooth

Point = tuple[float, float]
Path = list[Point]
#: Side of the square the doodles are given in (the installation's default canvas, ``app.window``).
CANVAS = 512
#: Largest sideways drift of a stroke from its intended path, in pixels of :data:`CANVAS`.
WOBBLE = 3.0
#: Distance between two samples along a stroke, in pixels of :data:`CANVAS`: uniform in this range.
SPACING = (8.0, 20.0)
#: A closed loop runs on past its start by this share of its length.
OVERSHOOT = 0.04
#: Smallest enclosed region counted, as a share of the frame's area.
MIN_REGION = 0.001
#: Share of an enclosed region that must stay enclosed background for the region to be kept.
KEEP = 0.25


# -- paths: the shape a visitor means, before the hand draws it ----------------------------------
def arc(centre: Point, radii: tuple[float, float], start: float, end: float, turn: float = 0.0) -> Path:
    """Points of an elliptic arc, angles in degrees (0 to the right, clockwise on screen), the
    ellipse turned by ``turn`` degrees; dense (every 2 degrees at most)."""
    n = max(2, math.ceil(abs(end - start) / 2) + 1)
    c, s = math.cos(math.radians(turn)), math.sin(math.radians(turn))
    out = []
    for a in np.radians(np.linspace(start, end, n)):
        x, y = radii[0] * math.cos(a), radii[1] * math.sin(a)
        out.append((centre[0] + c * x - s * y, centre[1] + s * x + c * y))
    return out


def loop(centre: Point, radii: tuple[float, float], start: float = -90.0, turn: float = 0.0) -> Path:
    """A closed ellipse drawn from angle ``start``, running on past its start (:data:`OVERSHOOT`)."""
    return arc(centre, radii, start, start + 360.0 * (1.0 + OVERSHOOT), turn)


def closed(*corners: Point) -> Path:
    """A polygon through ``corners`` and back to the first, running on a little past it."""
    first, second = corners[0], corners[1]
    past = (first[0] + OVERSHOOT * 2 * (second[0] - first[0]), first[1] + OVERSHOOT * 2 * (second[1] - first[1]))
    return [*corners, first, past]


def spiral(centre: Point, inner: float, outer: float, turns: float) -> Path:
    """A spiral from radius ``inner`` out to ``outer`` (clockwise on screen)."""
    t = np.linspace(0.0, 1.0, max(8, round(turns * 90)))
    r = inner + (outer - inner) * t
    a = 2 * math.pi * turns * t
    return [(centre[0] + ri * math.cos(ai), centre[1] + ri * math.sin(ai)) for ri, ai in zip(r, a, strict=True)]


def wave(start: Point, end: Point, height: float, waves: float) -> Path:
    """A wavy line from ``start`` to ``end`` (steam, water), ``waves`` periods of ``height``."""
    (x0, y0), (x1, y1) = start, end
    length = math.hypot(x1 - x0, y1 - y0)
    nx, ny = -(y1 - y0) / length, (x1 - x0) / length
    t = np.linspace(0.0, 1.0, max(8, round(waves * 24)))
    bump = height * np.sin(2 * math.pi * waves * t)
    return [(x0 + (x1 - x0) * u + nx * b, y0 + (y1 - y0) * u + ny * b) for u, b in zip(t, bump, strict=True)]


def mirrored(path: Path, axis: float = CANVAS / 2) -> Path:
    """``path`` mirrored left-right about the vertical line x = ``axis``."""
    return [(2 * axis - x, y) for x, y in path]


# -- the hand: a path as the pointer samples it ---------------------------------------------------
def by_hand(path: Path, rng: np.random.Generator) -> Path:
    """Samples ``path`` as a pointer does (every :data:`SPACING` pixels along it), with a smooth
    sideways drift of up to :data:`WOBBLE` pixels that fades out at both ends.

    A single point stays a single point (a dot: the pen went down and up).
    """
    pts = np.asarray(path, np.float64)
    if len(pts) == 1:
        return [(float(pts[0, 0]), float(pts[0, 1]))]
    seg = np.hypot(*np.diff(pts, axis=0).T)
    along = np.concatenate([[0.0], np.cumsum(seg)])
    total = float(along[-1])
    stops = [0.0]
    while stops[-1] + SPACING[1] < total:
        stops.append(stops[-1] + rng.uniform(*SPACING))
    stops.append(total)
    s = np.asarray(stops)
    xy = np.stack([np.interp(s, along, pts[:, 0]), np.interp(s, along, pts[:, 1])], axis=1)
    # The drift: two slow waves along the stroke, in random directions and phases, faded at the ends.
    u = s / total
    fade = np.sin(np.pi * u)
    drift = np.zeros_like(xy)
    for periods in (rng.uniform(0.7, 1.6), rng.uniform(2.0, 3.5)):
        direction = rng.normal(size=2)
        direction /= np.linalg.norm(direction)
        drift += np.sin(2 * np.pi * (periods * u + rng.uniform()))[:, None] * direction
    drift *= (WOBBLE / 2) * fade[:, None]
    return [(float(x), float(y)) for x, y in xy + drift]


@dataclass(frozen=True)
class Doodle:
    """A sketch: its name and its strokes as the pointer gave them (pixels of :data:`CANVAS`)."""

    name: str
    strokes: tuple[tuple[Point, ...], ...]


def sketch(name: str, paths: Sequence[Path], seed: int) -> Doodle:
    """The doodle of ``paths``, each drawn by hand (:func:`by_hand`) from one seeded generator."""
    rng = np.random.default_rng(seed)
    return Doodle(name, tuple(tuple(by_hand(p, rng)) for p in paths))


# -- what a doodle becomes -----------------------------------------------------------------------
def pen_mask(strokes: Sequence[Sequence[Point]], size: int, brush: float, window: int) -> np.ndarray:
    """The strokes drawn through the installation's pen and made into its target mask.

    Args:
        strokes: points in pixels of :data:`CANVAS`; they are scaled to the canvas.
        size: side of the mask (``render.size``).
        brush: ``target.brush``: radius in pixels of a 224-pixel canvas.
        window: side of the canvas (``app.window``).

    Returns:
        (size, size) float32, 0 or 1: exactly what ``live run`` would send to the swarm.
    """
    from live.app.canvas import StrokeCanvas

    canvas = StrokeCanvas(window, brush)
    k = window / CANVAS
    for stroke in strokes:
        canvas.begin(stroke[0][0] * k, stroke[0][1] * k)
        for x, y in stroke[1:]:
            canvas.extend(x * k, y * k)
        canvas.end()
    return canvas.mask(size)


def outline(strokes: Sequence[Sequence[Point]], size: int) -> np.ndarray:
    """The ideal drawing: the strokes' curves one pixel wide at ``size`` (8-connected lines).

    Returns:
        (size, size) uint8, 0 or 1.
    """
    out = np.zeros((size, size), np.uint8)
    k = size / CANVAS
    for stroke in strokes:
        line = np.round(smooth(stroke) * k).astype(np.int32)
        if len(line) == 1:
            out[np.clip(line[0, 1], 0, size - 1), np.clip(line[0, 0], 0, size - 1)] = 1
        else:
            cv2.polylines(out, [line], False, 1, 1, cv2.LINE_8)
    return out


def enclosed(ink: np.ndarray) -> np.ndarray:
    """Background pixels of ``ink`` (> 0.5 is ink) that the ink encloses: 4-connected background
    components that do not touch the frame.

    Returns:
        (S, S) int32 labels, 0 outside every enclosed region.
    """
    background = (np.asarray(ink) <= 0.5).astype(np.uint8)
    count, labels = cv2.connectedComponents(background, connectivity=4)
    edge = np.unique(np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]]))
    labels[np.isin(labels, edge)] = 0
    return labels


@dataclass(frozen=True)
class Regions:
    """Enclosed regions of a doodle's ideal drawing, and how many each mask keeps."""

    drawn: int
    kept: int
    """by the brushed target mask."""
    swarm: int | None = None
    """by the swarm's silhouette (> 0.5); None where not measured."""


def regions(ideal: np.ndarray, *masks: np.ndarray) -> tuple[int, list[int]]:
    """How many enclosed regions ``ideal`` has (of at least :data:`MIN_REGION` of the frame), and
    how many of them each of ``masks`` keeps (at least :data:`KEEP` of the region still enclosed
    background of that mask).

    Args:
        ideal: (S, S) the thin drawing (:func:`outline`).
        masks: (S, S) each, in [0, 1] (> 0.5 is ink).
    """
    labels = enclosed(ideal)
    areas = np.bincount(labels.ravel())
    least = MIN_REGION * labels.size
    ids = [i for i in range(1, len(areas)) if areas[i] >= least]
    kept = []
    for mask in masks:
        open_ = enclosed(mask) > 0
        inside = np.bincount(labels[open_].ravel(), minlength=len(areas))
        kept.append(sum(1 for i in ids if inside[i] >= KEEP * areas[i]))
    return len(ids), kept


# -- the doodles ---------------------------------------------------------------------------------
def _smiley() -> list[Path]:
    return [
        loop((256, 256), (180, 175)),
        loop((190, 195), (20, 24)),
        loop((322, 195), (20, 24)),
        arc((256, 280), (105, 80), 15, 165),
    ]


def _house() -> list[Path]:
    return [
        closed((110, 245), (110, 455), (405, 455), (405, 245)),
        [(85, 260), (256, 85), (430, 260)],
        closed((150, 290), (150, 365), (225, 365), (225, 290)),
        [(285, 455), (285, 330), (360, 330), (360, 455)],
    ]


def _cat() -> list[Path]:
    ear = [(150, 205), (150, 70), (235, 162)]
    whiskers = [[(200, 318), (70, 295)], [(200, 330), (65, 340)], [(205, 342), (80, 385)]]
    return [
        loop((256, 290), (155, 140)),
        ear,
        mirrored(ear),
        loop((200, 255), (18, 22)),
        loop((312, 255), (18, 22)),
        closed((240, 300), (272, 300), (256, 318)),
        [(224, 345), (240, 360), (256, 345), (272, 360), (288, 345)],
        *whiskers,
        *(mirrored(w) for w in whiskers),
    ]


def _flower() -> list[Path]:
    petals = [
        loop((256 + 82 * math.cos(a), 185 + 82 * math.sin(a)), (48, 26), math.degrees(a) + 180, math.degrees(a))
        for a in np.radians(np.arange(0, 360, 60))
    ]
    leaf = [*arc((300, 380), (60, 25), 180, 360, -30), *arc((300, 380), (60, 25), 0, 185, -30)]
    return [
        loop((256, 185), (36, 34)),
        *petals,
        [(256, 270), (252, 360), (256, 480)],
        leaf,
        mirrored(leaf),
    ]


def _fish() -> list[Path]:
    return [
        loop((230, 256), (150, 92), start=180),
        closed((378, 256), (470, 175), (470, 335)),
        loop((145, 232), (15, 15)),
        arc((175, 256), (40, 60), -60, 60),
        [(215, 168), (250, 120), (300, 170)],
    ]


def _tree() -> list[Path]:
    bumps = []
    for k in range(9):  # a cloud of bumps for the crown
        a0 = -90 + k * 40
        centre = (256 + 125 * math.cos(math.radians(a0 + 20)), 210 + 105 * math.sin(math.radians(a0 + 20)))
        bumps += arc(centre, (48, 42), a0 - 40, a0 + 80)
    return [
        [*bumps, bumps[0], bumps[3]],
        [(228, 325), (225, 470)],
        [(290, 325), (293, 470)],
        [(60, 472), (460, 470)],
    ]


def _car() -> list[Path]:
    return [
        closed((55, 335), (55, 270), (150, 258), (200, 178), (340, 178), (395, 258), (462, 272), (462, 335)),
        closed((212, 195), (180, 255), (262, 255), (262, 195)),
        closed((285, 195), (285, 255), (370, 255), (330, 195)),
        loop((150, 340), (46, 46)),
        loop((370, 340), (46, 46)),
    ]


def _sun() -> list[Path]:
    rays = [
        [(256 + 128 * math.cos(a), 256 + 128 * math.sin(a)), (256 + 215 * math.cos(a), 256 + 215 * math.sin(a))]
        for a in np.radians(np.arange(0, 360, 36) + 8)
    ]
    return [loop((256, 256), (95, 95)), *rays]


def _stick_figure() -> list[Path]:
    return [
        loop((256, 112), (52, 55)),
        [(238, 102)],
        [(274, 102)],
        [(256, 168), (256, 330)],
        [(150, 235), (256, 205), (362, 235)],
        [(175, 470), (256, 330), (335, 470)],
    ]


def _bee() -> list[Path]:
    return [
        loop((256, 300), (145, 92), start=180),
        arc((215, 300), (40, 90), -80, 80),
        arc((290, 300), (40, 88), -80, 80),
        loop((205, 170), (45, 62), turn=-25),
        loop((305, 170), (45, 62), turn=25),
        loop((140, 280), (13, 13)),
        closed((400, 290), (455, 300), (400, 318)),
        [(125, 225), (95, 150), (70, 140)],
    ]


def _cup() -> list[Path]:
    return [
        loop((250, 150), (112, 28), start=180),
        [(138, 152), (160, 430), (340, 430), (362, 152)],
        arc((360, 285), (78, 72), -80, 85),
        wave((205, 110), (200, 30), 8, 1.5),
        wave((270, 110), (265, 25), 8, 1.5),
    ]


def _bicycle() -> list[Path]:
    return [
        loop((130, 345), (88, 88)),
        loop((385, 345), (88, 88)),
        closed((130, 345), (250, 345), (345, 225), (205, 225)),
        [(345, 225), (385, 345)],
        [(205, 225), (190, 180)],
        [(160, 178), (225, 180)],
        [(345, 225), (335, 168), (380, 158)],
    ]


def _snail() -> list[Path]:
    return [
        spiral((290, 270), 12, 125, 2.6),
        [(420, 395), (120, 398), (85, 380), (70, 320), (95, 300)],
        [(88, 310), (60, 230)],
        [(100, 305), (110, 225)],
        [(60, 228)],
        [(111, 222)],
    ]


def _boat() -> list[Path]:
    return [
        closed((70, 330), (445, 330), (385, 425), (135, 425)),
        [(256, 330), (256, 75)],
        closed((262, 90), (405, 300), (262, 300)),
        closed((248, 110), (248, 300), (140, 300)),
        wave((40, 465), (475, 465), 10, 4.0),
    ]


#: Every doodle's paths, in the order ``live eval`` runs them.
SKETCHES: tuple[tuple[str, Callable[[], list[Path]]], ...] = (
    ("smiley", _smiley),
    ("house-door", _house),
    ("cat", _cat),
    ("flower-stem", _flower),
    ("fish", _fish),
    ("tree", _tree),
    ("car", _car),
    ("sun-rays", _sun),
    ("stick-figure", _stick_figure),
    ("bee", _bee),
    ("cup", _cup),
    ("bicycle", _bicycle),
    ("snail", _snail),
    ("boat", _boat),
)


def doodles() -> list[Doodle]:
    """The doodles, each from its own seeded hand (its place in :data:`SKETCHES`)."""
    return [sketch(name, paths(), 1000 + i) for i, (name, paths) in enumerate(SKETCHES)]
