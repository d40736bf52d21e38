"""``live eval``: fits the fixed suite of :mod:`live.tools.suite` and scores every fit.

Words are scored by OCR (:mod:`live.tools.ocr`): Tesseract reads the colour view at display resolution
(``app.window``, the crisp view a visitor sees), and a word counts
when it reads back exactly. Drawings (and words too, for reference) are scored by IoU of the
silhouette > 0.5 against the target. Both are taken after :data:`EARLY_STEPS` steps (one second
after pressing ``s`` at 60 fps) and after the last step, with ``stranded`` (bodies not touching
the target) and the median milliseconds per step. Each target chooses its swarm
(``swarm.sizing``, :func:`live.sprites.plan_swarm`), with its own swarm seed (its place in the
suite, also when run alone); with ``swarm.sizing = "seed"``, and for the ``shapes`` group, the
creatures have the seed's sizes and their count is ``fill`` times the seed-sized bodies the
target's area holds. ``--seed-loss`` also fits every target with the seed's loss, from the same
swarm.
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from live.config import Config, LossConfig
from live.scene import build, sizing_of, sync
from live.sprites import BODY_RADIUS
from live.tools import ocr
from live.tools.suite import Case, suite

#: Creatures per target of the seed's size: this many times the average bodies its area holds.
DEFAULT_FILL = 0.75
#: Scores are taken after this many steps and after the last.
EARLY_STEPS = 60


def mean_body_area(size: int, segments: int = 16) -> float:
    """Average body polygon area in pixels at render size ``size`` (radius uniform in BODY_RADIUS)."""
    lo, hi = BODY_RADIUS
    mean_r2 = (hi**3 - lo**3) / (3 * (hi - lo))  # E[r^2] for r uniform
    return 0.5 * segments * math.sin(2 * math.pi / segments) * mean_r2 * (size / 2.0) ** 2


def sprites_for(case: Case, mask: np.ndarray, segments: int = 16) -> int:
    """Creatures of the seed's size for ``case``: its fixed count, or ``fill`` times the bodies its area holds."""
    if case.sprites is not None:
        return case.sprites
    area = float((mask > 0.5).sum())
    fill = DEFAULT_FILL if case.fill is None else case.fill
    return max(2, round(fill * area / mean_body_area(mask.shape[0], segments)))


@dataclass
class EvalRow:
    target: str
    group: str
    loss: str
    sprites: int
    radius: float
    """Mean body radius in NDC."""
    area: int
    """Target pixels (> 0.5)."""
    body_area: float
    """The swarm's total body area in pixels (overlaps counted twice)."""
    iou_early: float
    iou_final: float
    stranded_early: int
    stranded_final: int
    ms_per_step: float
    text: str | None = None
    """The word shown (``words`` only)."""
    read_early: str | None = None
    """What OCR read after :data:`EARLY_STEPS` steps (``words`` only, when Tesseract is installed)."""
    read_final: str | None = None

    @property
    def ocr_early(self) -> bool | None:
        return None if self.read_early is None else ocr.matches(self.read_early, self.text)

    @property
    def ocr_final(self) -> bool | None:
        return None if self.read_final is None else ocr.matches(self.read_final, self.text)

    def as_dict(self) -> dict:
        """The row for ``--json``: every field, plus ``ocr`` (words) or ``iou`` (drawings) at both times."""
        out = dataclasses.asdict(self)
        if self.text is not None:
            out["ocr"] = {"early": self.ocr_early, "final": self.ocr_final}
        else:
            out["iou"] = {"early": self.iou_early, "final": self.iou_final}
        return out


def run_case(config: Config, case: Case, loss: LossConfig, steps: int, read: bool = True) -> EvalRow:
    """Fits one target with one loss, from the case's swarm seed (both losses start alike).

    Args:
        read: OCR the colour view of a word (needs Tesseract; skipped where it is missing).
    """
    size = config.render.size
    mask = case.draw(size)
    swarm = dataclasses.replace(config.swarm, seed=case.seed)
    if not sizing_of(config).chooses or case.sprites is not None or case.fill is not None:
        # The seed's sizes: the case's own count, or fill x the seed-sized bodies its area holds.
        swarm = dataclasses.replace(swarm, sizing="seed", sprites=sprites_for(case, mask, config.render.segments))
    config = dataclasses.replace(config, swarm=swarm, loss=loss)
    scene = build(config, mask)
    n = len(scene.renderer.swarm)
    arranger = scene.arranger
    arranger.set_target(mask)
    radii = scene.renderer.swarm.radii[:, 0].double()
    segments = config.render.segments
    body_area = float((0.5 * segments * math.sin(2 * math.pi / segments) * (radii * size / 2) ** 2).sum())
    read = read and case.text is not None and ocr.available()
    times, early = [], None
    for step in range(1, steps + 1):
        start = time.perf_counter()
        arranger.step()
        sync(scene.device)
        times.append(time.perf_counter() - start)
        if step == min(EARLY_STEPS, steps):
            early = (_iou(arranger, mask), arranger.stranded(), ocr.read(arranger.view(scene.crisp)) if read else None)
    return EvalRow(
        target=case.name,
        group=case.group,
        loss=loss.kind,
        sprites=n,
        radius=float(radii.mean()),
        area=int((mask > 0.5).sum()),
        body_area=body_area,
        iou_early=early[0],
        iou_final=_iou(arranger, mask),
        stranded_early=early[1],
        stranded_final=arranger.stranded(),
        ms_per_step=float(np.median(times) * 1e3),
        text=case.text,
        read_early=early[2],
        read_final=ocr.read(arranger.view(scene.crisp)) if read else None,
    )


def _iou(arranger, mask: np.ndarray) -> float:
    from live.target import iou

    return iou(arranger.silhouette().cpu().numpy(), mask)


def run_eval(
    config: Config,
    steps: int = 300,
    cases: Iterable[Case] | None = None,
    on_row: Callable[[EvalRow], None] | None = None,
    seed_loss: bool = False,
    read: bool = True,
) -> list[EvalRow]:
    """Fits every case with ``config.loss`` (and with the seed's loss when ``seed_loss``).

    Args:
        cases: default the suite's default groups (words, lines, parts).
        read: OCR the words (skipped where Tesseract is missing).

    Raises:
        ValueError: fewer than 1 step.
    """
    if steps < 1:
        raise ValueError(f"steps must be at least 1, got {steps}")
    from live.tools.suite import DEFAULT_GROUPS

    cases = suite(DEFAULT_GROUPS) if cases is None else list(cases)
    losses = [config.loss]
    if seed_loss and config.loss.kind != "seed":
        losses.append(LossConfig(kind="seed"))
    rows = []
    for case in cases:
        for loss in losses:
            row = run_case(config, case, loss, steps, read)
            rows.append(row)
            if on_row is not None:
                on_row(row)
    return rows


def summarise(rows: Sequence[EvalRow]) -> dict[str, dict[str, float]]:
    """Per loss: the OCR exact-match rate over words, mean and lowest IoU over drawings (lines and
    parts; every target for the shapes group), stranded creatures and the median ms per step, after
    :data:`EARLY_STEPS` steps and after the last."""
    out = {}
    for kind in dict.fromkeys(r.loss for r in rows):
        mine = [r for r in rows if r.loss == kind]
        words = [r for r in mine if r.text is not None and r.read_final is not None]
        drawings = [r for r in mine if r.group != "words"]
        figures: dict[str, float] = {"targets": len(mine)}
        if words:
            figures["words"] = len(words)
            figures["ocr_early"] = float(np.mean([r.ocr_early for r in words]))
            figures["ocr_final"] = float(np.mean([r.ocr_final for r in words]))
        if drawings:
            figures["drawings"] = len(drawings)
            figures["iou_early"] = float(np.mean([r.iou_early for r in drawings]))
            figures["iou_final"] = float(np.mean([r.iou_final for r in drawings]))
            figures["iou_min_early"] = float(min(r.iou_early for r in drawings))
            figures["iou_min_final"] = float(min(r.iou_final for r in drawings))
        figures["stranded_early"] = int(sum(r.stranded_early for r in mine))
        figures["stranded_final"] = int(sum(r.stranded_final for r in mine))
        figures["ms_per_step"] = float(np.median([r.ms_per_step for r in mine]))
        out[kind] = figures
    return out


HEADER = (
    f"{'target':<18} {'loss':<7} {'N':>4} {'radius':>6} {'area':>6} "
    f"{'iou@60':>7} {'iou@end':>7} {'str@60':>6} {'str@end':>7} {'ms/step':>8}  ocr@60 / ocr@end"
)


def format_row(r: EvalRow) -> str:
    reads = ""
    if r.read_final is not None:
        mark = lambda ok: "ok" if ok else "no"  # noqa: E731
        reads = f"  {mark(r.ocr_early)} {r.read_early!r} / {mark(r.ocr_final)} {r.read_final!r}"
    return (
        f"{r.target:<18} {r.loss:<7} {r.sprites:>4} {r.radius:>6.3f} {r.area:>6} "
        f"{r.iou_early:>7.3f} {r.iou_final:>7.3f} {r.stranded_early:>6} {r.stranded_final:>7} "
        f"{r.ms_per_step:>8.2f}{reads}"
    )
