"""The HUD: a few lines of text over the swarm, and the recording mark.

Drawn straight onto the display image (uint8 BGR) with OpenCV, at the size it is shown, so it never
reaches a recording. The recording mark (:func:`draw_record_mark`) is an amber ring and the word
REC: a colour no creature has (red, white, blue), a ring rather than a disc, and a word, so it is
never taken for a creature; a kiosk shows it in the band, off the swarm.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import cv2
import numpy as np

from live.display.guide import Instruction

#: Colours, BGR.
TEXT_BGR = (255, 255, 255)
SHADOW_BGR = (0, 0, 0)
#: The recording mark's colour: amber, which no creature has.
MARK_BGR = (0, 190, 255)
OK_BGR = (80, 220, 80)
ERROR_BGR = (60, 60, 255)
FONT = cv2.FONT_HERSHEY_SIMPLEX
#: Font scale at a 512-pixel-high view; scaled with the view height.
FONT_SCALE_512 = 0.6


@dataclass
class HudState:
    """What the HUD shows this frame."""

    fps: float = 0.0
    loss: float = 0.0
    backend: str = ""
    device: str = ""
    recording: bool = False
    stats: bool = True
    """Show fps, loss, backend and device (``h`` toggles); problems on the status line show regardless."""
    mode: str = ""
    """A word on what the installation is doing, e.g. 'attract'."""
    status: str = ""
    """The last message for the visitor (an export saved or failed); empty for none."""
    status_ok: bool = True
    staff: str = ""
    """The input's trouble (e.g. "camera lost: ..."), for staff: shown with the figures only
    (``h``), never to visitors, whose instruction changes instead (:meth:`Guide.input_lost
    <live.display.guide.Guide.input_lost>`)."""
    instruction: Instruction | None = None
    """What the visitor is told to do now (:mod:`live.display.guide`); None: nothing."""


@functools.lru_cache(maxsize=64)
def _label(text: str, scale: float, color: tuple[int, int, int], thickness: int):
    """``text`` with its shadow, drawn once: ``(picture, alpha, (dx, dy))``, the picture (h, w, 3)
    uint8 BGR, its alpha (h, w, 1) float32 in [0, 1], and where the text's origin lies in it."""
    (w, h), base = cv2.getTextSize(text, FONT, scale, thickness + 2)
    pad = thickness + 2
    size = (h + base + 2 * pad, w + 2 * pad)
    org = (pad, pad + h)
    picture = np.zeros((*size, 3), np.uint8)
    cv2.putText(picture, text, org, FONT, scale, SHADOW_BGR, thickness + 2, cv2.LINE_AA)
    cv2.putText(picture, text, org, FONT, scale, color, thickness, cv2.LINE_AA)
    alpha = np.zeros(size, np.uint8)
    cv2.putText(alpha, text, org, FONT, scale, 255, thickness + 2, cv2.LINE_AA)
    cv2.putText(alpha, text, org, FONT, scale, 255, thickness, cv2.LINE_AA)
    return picture, (alpha.astype(np.float32) / 255.0)[..., None], org


def _text(image: np.ndarray, text: str, org: tuple[int, int], scale: float, color, thickness: int) -> None:
    """``text`` with a dark shadow at ``org`` (its baseline's left end), blended over ``image``
    (labels are drawn once and kept: the HUD shows the same few lines frame after frame)."""
    picture, alpha, (dx, dy) = _label(text, round(scale, 4), tuple(color), thickness)
    x, y = org[0] - dx, org[1] - dy
    h, w = picture.shape[:2]
    top, left = max(0, y), max(0, x)
    bottom, right = min(image.shape[0], y + h), min(image.shape[1], x + w)
    if bottom <= top or right <= left:
        return
    region = image[top:bottom, left:right]
    part = (slice(top - y, bottom - y), slice(left - x, right - x))
    a = alpha[part]
    region[:] = (region * (1.0 - a) + picture[part] * a + 0.5).astype(np.uint8)


def draw_record_mark(image: np.ndarray, rect: tuple[int, int, int, int]) -> None:
    """Draws the recording mark, an amber ring and 'REC' beside it, centred in ``rect`` (x, y,
    width, height) of ``image`` (uint8 BGR), in place, as large as it fits."""
    x, y, w, h = rect
    thick = max(1, round(min(w, h) / 40))
    (tw, th), _ = cv2.getTextSize("REC", FONT, 1.0, thick)
    scale = min(0.9 * w / (1.5 * th + tw), 0.35 * h / th)  # ring, gap and word across; the word's height
    (tw, th), _ = cv2.getTextSize("REC", FONT, scale, thick)
    ring = max(2, th // 2)  # the ring's radius: as high as the word
    left = x + (w - (2 * ring + ring + tw)) // 2
    middle = y + h // 2
    cv2.circle(image, (left + ring, middle), ring, SHADOW_BGR, thick + 3, cv2.LINE_AA)
    cv2.circle(image, (left + ring, middle), ring, MARK_BGR, max(2, thick + 1), cv2.LINE_AA)
    _text(image, "REC", (left + 3 * ring, middle + th // 2), scale, MARK_BGR, thick)


def draw_hud(image: np.ndarray, state: HudState, mark: bool = True) -> None:
    """Draws ``state`` onto ``image`` in place.

    Args:
        image: (H, W, 3) uint8 BGR, the swarm's part of the display.
        state: what to show.
        mark: draw the recording mark (while recording) in the upper right corner; off where the
            screen shows it elsewhere (a kiosk's band).
    """
    h, w = image.shape[:2]
    scale = FONT_SCALE_512 * h / 512.0
    thick = max(1, round(scale * 2))
    line = max(8, round(28 * h / 512.0))
    x = max(4, round(10 * h / 512.0))
    y = line
    if state.stats:
        _text(image, f"{state.fps:5.1f} fps   loss {state.loss:9.1f}", (x, y), scale, TEXT_BGR, thick)
        y += line
        _text(image, f"{state.backend} on {state.device}", (x, y), scale, TEXT_BGR, thick)
        y += line
        if state.mode:
            _text(image, state.mode, (x, y), scale, TEXT_BGR, thick)
            y += line
        for text in wrap(state.staff, w - 2 * x, scale, thick) if state.staff else ():
            _text(image, text, (x, y), scale, ERROR_BGR, thick)
            y += line
    if state.recording and mark:
        draw_record_mark(image, (w - x - 4 * line, x // 2, 4 * line, 2 * line))
    # With an instruction on screen, good news ("saved ...") is the instruction's to tell; the
    # status line keeps problems, and everything for staff with the figures on.
    if state.status and (state.stats or not state.status_ok or state.instruction is None):
        lines = wrap(state.status, w - 2 * x, scale, thick)
        colour = OK_BGR if state.status_ok else ERROR_BGR
        for i, text in enumerate(reversed(lines)):  # from the bottom up: nothing is cut off
            _text(image, text, (x, h - x - i * line), scale, colour, thick)


#: Lines the status may take at most; a longer one ends in '...'.
MAX_STATUS_LINES = 4


def wrap(text: str, width: int, scale: float, thickness: int) -> list[str]:
    """``text`` broken at spaces into lines at most ``width`` pixels wide in the HUD's font (a
    word wider than that is broken where it must), at most :data:`MAX_STATUS_LINES` of them."""

    def fits(candidate: str) -> bool:
        return cv2.getTextSize(candidate, FONT, scale, thickness)[0][0] + 2 <= width

    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if fits(candidate):
            current = candidate
            continue
        if current:
            lines.append(current)
        while not fits(word) and len(word) > 1:  # a long path: cut it where the line ends
            cut = max(1, next((n for n in range(len(word), 0, -1) if fits(word[:n])), 1))
            lines.append(word[:cut])
            word = word[cut:]
        current = word
    if current:
        lines.append(current)
    if len(lines) > MAX_STATUS_LINES:
        lines = lines[: MAX_STATUS_LINES - 1] + [lines[MAX_STATUS_LINES - 1][:-3] + "..."]
    return lines
