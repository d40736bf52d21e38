"""``live eval``: a fixed suite of targets, each fitted with the configured loss and the seed's.

The suite (:func:`suite`) is deterministic: letters and digits in several Hershey fonts, simple
shapes (ring, heart, star, spiral, thick and thin strokes), large and small, centred and in a
corner far from most start positions, and a few crowded cases (more creatures than fit). Each
target gets its own creature count, ``fill`` times the number of average bodies its area holds,
and its own swarm seed (its place in the suite, also when run alone). Per target and loss: IoU
after 50 and after the last step, ``stranded`` (bodies not touching the target) at both, and the
median milliseconds per step.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from live.config import Config, LossConfig
from live.fit import build, sync
from live.sprites import BODY_RADIUS
from live.target import FONTS, SEED_TEXT_LAYOUT, text_mask

#: Creatures per target: this many times the average bodies that the target's area holds.
DEFAULT_FILL = 0.75
#: IoU is reported after this many steps and after the last.
EARLY_STEPS = 50


@dataclass(frozen=True)
class Case:
    """One target of the suite."""

    name: str
    draw: Callable[[int], np.ndarray]
    """size -> (size, size) float32 mask in [0, 1]."""
    fill: float = DEFAULT_FILL
    """Creatures = round(fill * target area / average body area), at least 2."""
    sprites: int | None = None
    """A fixed creature count instead of ``fill`` (the seed's 'A' uses 16)."""
    seed: int = 0
    """Swarm seed (its place in :func:`suite`, so a subset reproduces the full run's rows)."""


# -- drawing helpers: every coordinate in units of the frame (0..1, x right, y down) ------------
def _canvas(size: int) -> np.ndarray:
    return np.zeros((size, size), np.uint8)


def _px(size: int, *values: float) -> list[int]:
    return [int(round(v * size)) for v in values]


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


def polyline(points: Sequence[tuple[float, float]], width: float) -> Callable[[int], np.ndarray]:
    """A thick open polyline with round ends (``width`` of the frame), points in frame units."""

    def draw(size: int) -> np.ndarray:
        canvas = _canvas(size)
        pts = np.round(np.array(points) * size).astype(np.int32)
        w = max(1, _px(size, width)[0])
        cv2.polylines(canvas, [pts], False, 1, w, cv2.LINE_8)
        for p in (pts[0], pts[-1]):
            cv2.circle(canvas, (int(p[0]), int(p[1])), w // 2, 1, -1)
        return canvas.astype(np.float32)

    return draw


def _heart(n: int = 64) -> list[tuple[float, float]]:
    t = np.linspace(0, 2 * np.pi, n, endpoint=False)
    x = 16 * np.sin(t) ** 3
    y = -(13 * np.cos(t) - 5 * np.cos(2 * t) - 2 * np.cos(3 * t) - np.cos(4 * t))
    return list(zip(x / 17.0, (y + 2.5) / 17.0, strict=True))


def _star(points: int = 5, inner: float = 0.45) -> list[tuple[float, float]]:
    out = []
    for k in range(2 * points):
        r = 1.0 if k % 2 == 0 else inner
        a = -np.pi / 2 + k * np.pi / points
        out.append((r * np.cos(a), r * np.sin(a)))
    return out


def _spiral(turns: float = 2.25, n: int = 200) -> list[tuple[float, float]]:
    t = np.linspace(0.15, 1.0, n)
    a = 2 * np.pi * turns * t
    return [(0.5 + 0.4 * s * np.cos(x), 0.5 + 0.4 * s * np.sin(x)) for s, x in zip(t, a, strict=True)]


def suite() -> list[Case]:
    """The fixed evaluation suite (20 targets)."""
    seed_a = functools.partial(text_mask, "A")  # the seed's own layout
    cases = [
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
    return [dataclasses.replace(case, seed=index) for index, case in enumerate(cases)]


def mean_body_area(size: int, segments: int = 16) -> float:
    """Average body polygon area in pixels at render size ``size`` (radius uniform in BODY_RADIUS)."""
    lo, hi = BODY_RADIUS
    mean_r2 = (hi**3 - lo**3) / (3 * (hi - lo))  # E[r^2] for r uniform
    return 0.5 * segments * math.sin(2 * math.pi / segments) * mean_r2 * (size / 2.0) ** 2


def sprites_for(case: Case, mask: np.ndarray, segments: int = 16) -> int:
    if case.sprites is not None:
        return case.sprites
    area = float((mask > 0.5).sum())
    return max(2, round(case.fill * area / mean_body_area(mask.shape[0], segments)))


@dataclass
class EvalRow:
    target: str
    loss: str
    sprites: int
    area: int
    """Target pixels (> 0.5)."""
    body_area: float
    """The swarm's total body area in pixels (overlaps counted twice)."""
    iou_early: float
    iou_final: float
    stranded_early: int
    stranded_final: int
    ms_per_step: float


def run_case(config: Config, case: Case, loss: LossConfig, steps: int) -> EvalRow:
    """Fits one target with one loss, from the case's swarm seed (both losses start alike)."""
    size = config.render.size
    mask = case.draw(size)
    n = sprites_for(case, mask, config.render.segments)
    config = dataclasses.replace(config, swarm=dataclasses.replace(config.swarm, sprites=n, seed=case.seed), loss=loss)
    scene = build(config)
    arranger = scene.arranger
    arranger.set_target(mask)
    radii = scene.renderer.swarm.radii[:, 0].double()
    segments = config.render.segments
    body_area = float((0.5 * segments * math.sin(2 * math.pi / segments) * (radii * size / 2) ** 2).sum())
    times, early = [], None
    for step in range(1, steps + 1):
        start = time.perf_counter()
        arranger.step()
        sync(scene.device)
        times.append(time.perf_counter() - start)
        if step == min(EARLY_STEPS, steps):
            early = (_iou(arranger, mask), arranger.stranded())
    return EvalRow(
        target=case.name,
        loss=loss.kind,
        sprites=n,
        area=int((mask > 0.5).sum()),
        body_area=body_area,
        iou_early=early[0],
        iou_final=_iou(arranger, mask),
        stranded_early=early[1],
        stranded_final=arranger.stranded(),
        ms_per_step=float(np.median(times) * 1e3),
    )


def _iou(arranger, mask: np.ndarray) -> float:
    from live.target import iou

    return iou(arranger.silhouette().cpu().numpy(), mask)


def run_eval(
    config: Config,
    steps: int = 300,
    cases: Iterable[Case] | None = None,
    on_row: Callable[[EvalRow], None] | None = None,
) -> list[EvalRow]:
    """Every case of the suite with ``config.loss`` and with the seed's loss.

    Raises:
        ValueError: fewer than 1 step.
    """
    if steps < 1:
        raise ValueError(f"steps must be at least 1, got {steps}")
    cases = suite() if cases is None else list(cases)
    losses = [config.loss, LossConfig(kind="seed")] if config.loss.kind != "seed" else [config.loss]
    rows = []
    for case in cases:
        for loss in losses:
            row = run_case(config, case, loss, steps)
            rows.append(row)
            if on_row is not None:
                on_row(row)
    return rows


def summarise(rows: Sequence[EvalRow]) -> dict[str, dict[str, float]]:
    """Per loss: mean IoU early and final, total stranded, stranded where the target is larger
    than the swarm's bodies, and the median ms per step."""
    out = {}
    for kind in dict.fromkeys(r.loss for r in rows):
        mine = [r for r in rows if r.loss == kind]
        roomy = [r for r in mine if r.area > r.body_area]
        out[kind] = {
            "targets": len(mine),
            "iou_early": float(np.mean([r.iou_early for r in mine])),
            "iou_final": float(np.mean([r.iou_final for r in mine])),
            "stranded_final": int(sum(r.stranded_final for r in mine)),
            "stranded_final_roomy": int(sum(r.stranded_final for r in roomy)),
            "roomy_targets": len(roomy),
            "ms_per_step": float(np.median([r.ms_per_step for r in mine])),
        }
    return out


HEADER = (
    f"{'target':<18} {'loss':<7} {'N':>4} {'area':>6} {'bodies':>7} "
    f"{'iou@50':>7} {'iou@end':>7} {'str@50':>6} {'str@end':>7} {'ms/step':>8}"
)


def format_row(r: EvalRow) -> str:
    return (
        f"{r.target:<18} {r.loss:<7} {r.sprites:>4} {r.area:>6} {r.body_area:>7.0f} "
        f"{r.iou_early:>7.3f} {r.iou_final:>7.3f} {r.stranded_early:>6} {r.stranded_final:>7} {r.ms_per_step:>8.2f}"
    )
