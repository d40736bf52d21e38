"""The visitor's screens, composed: the drawing area with its frame, the swarm, the instruction.

- :class:`KioskScreen`: the whole kiosk screen (:func:`~live.display.layout.kiosk_layout`): the
  instruction across the top, canvas and swarm side by side below it, the target small in the
  swarm's corner, the HUD for staff only when asked for.
- :class:`CanvasScreen`: a window's canvas with the instruction in a band below it.

Both draw into buffers made once; a frame resizes and copies into them. The drawing area has a
frame just outside it, so a stroke visibly stops at its edge (the canvas clamps strokes there).
Colours here are BGR: this is the display edge.
"""

from __future__ import annotations

import cv2
import numpy as np

from live.display.guide import Instruction, Step
from live.display.hud import HudState, draw_hud
from live.display.layout import Layout, Rect, kiosk_layout, to_canvas, window_layout
from live.display.text import TextPainter

#: Background of the screen around the panels (the canvas itself is black, so it stands out).
BACKGROUND_BGR = (38, 34, 32)
#: The drawing area's frame, and the thinner one of the other panels.
FRAME_BGR = (235, 235, 235)
PANEL_BGR = (90, 84, 80)
#: Text colour of each step of the instruction.
TEXT_BGR = {
    Step.INVITE: (255, 255, 255),
    Step.DRAWING: (255, 255, 255),
    Step.SENT: (150, 235, 150),
    Step.EXPORTED: (255, 215, 150),
    Step.COUNTDOWN: (80, 200, 255),
}
#: Frame width as a fraction of the drawing area's side.
FRAME_WIDTH = 0.006


def draw_frame(image: np.ndarray, rect: Rect, colour, width: int) -> None:
    """Draws a frame of ``width`` pixels just outside ``rect`` (clipped to the image), in place."""
    x, y, w, h = rect
    for x0, y0, x1, y1 in (
        (x - width, y - width, x + w + width, y),  # top
        (x - width, y + h, x + w + width, y + h + width),  # bottom
        (x - width, y, x, y + h),  # left
        (x + w, y, x + w + width, y + h),  # right
    ):
        image[max(0, y0) : max(0, y1), max(0, x0) : max(0, x1)] = colour


def _paste(image: np.ndarray, rect: Rect, picture: np.ndarray, scratch: np.ndarray, rgb: bool) -> None:
    """Scales ``picture`` into ``rect`` of ``image`` through ``scratch`` (rect's size), in place."""
    x, y, w, h = rect
    interpolation = cv2.INTER_AREA if picture.shape[0] > h else cv2.INTER_LINEAR
    cv2.resize(picture, (w, h), dst=scratch, interpolation=interpolation)
    if rgb:
        cv2.cvtColor(scratch, cv2.COLOR_RGB2BGR, dst=scratch)
    image[y : y + h, x : x + w] = scratch


class KioskScreen:
    """The kiosk screen, ``width`` x ``height`` pixels.

    Args:
        width, height: the screen in pixels.
        painter: renders the instruction.
        preview: show the target small in the swarm's corner (``ui.target_preview``).

    Attributes:
        image: (height, width, 3) uint8 BGR, what is shown; updated in place by :meth:`compose`.
        layout: where each part lies (``layout.share`` is kept free for the sharing code).
    """

    def __init__(self, width: int, height: int, painter: TextPainter, preview: bool = True):
        self.layout: Layout = kiosk_layout(width, height, preview)
        self.painter = painter
        self.image = np.empty((height, width, 3), np.uint8)
        self.image[:] = BACKGROUND_BGR
        side = self.layout.canvas[2]
        self._canvas = np.empty((side, side, 3), np.uint8)
        self._swarm = np.empty((side, side, 3), np.uint8)
        target = self.layout.target
        self._target = np.empty((target[3], target[2], 3), np.uint8) if target else None
        self._frame = max(2, round(side * FRAME_WIDTH))
        draw_frame(self.image, self.layout.canvas, FRAME_BGR, self._frame)
        draw_frame(self.image, self.layout.swarm, PANEL_BGR, max(1, self._frame // 2))

    def to_canvas(self, x: float, y: float, canvas_side: int, starting: bool):
        """A screen position in canvas pixels (see :func:`live.display.layout.to_canvas`)."""
        return to_canvas(x, y, self.layout.canvas, canvas_side, starting)

    def compose(self, canvas: np.ndarray, result: np.ndarray, hud: HudState | None) -> np.ndarray:
        """Composes one frame.

        Args:
            canvas: (W, W, 3) uint8 BGR, the canvas picture.
            result: (S, 2S, 3) uint8 RGB, the colour render | the target.
            hud: the HUD state and the instruction (``hud.instruction``); None: neither.

        Returns:
            :attr:`image`.
        """
        layout, image = self.layout, self.image
        size = result.shape[0]
        _paste(image, layout.canvas, canvas, self._canvas, rgb=False)
        _paste(image, layout.swarm, result[:, :size], self._swarm, rgb=True)
        if self._target is not None and (hud is None or hud.target_shown):
            _paste(image, layout.target, result[:, size:], self._target, rgb=True)
            draw_frame(image, layout.target, PANEL_BGR, 1)
        if hud is not None:
            x, y, w, h = layout.swarm
            draw_hud(image[y : y + h, x : x + w], hud)
        self._band(hud.instruction if hud is not None else None)
        return image

    def _band(self, instruction: Instruction | None) -> None:
        x, y, w, h = self.layout.band
        if instruction is None:
            self.image[y : y + h, x : x + w] = BACKGROUND_BGR
            return
        colour = TEXT_BGR[instruction.step]
        self.image[y : y + h, x : x + w] = self.painter.banner(
            instruction.text, w, h, self.layout.text_px, colour, BACKGROUND_BGR
        )


class CanvasScreen:
    """A window's canvas with its frame, and the instruction in a band below.

    Args:
        window: side of the canvas in pixels.
        painter: renders the instruction.

    Attributes:
        image: (window + band, window, 3) uint8 BGR, what the canvas window shows.
    """

    def __init__(self, window: int, painter: TextPainter):
        self.layout = window_layout(window)
        self.painter = painter
        width, height = self.layout.size
        self.image = np.empty((height, width, 3), np.uint8)
        self.image[:] = BACKGROUND_BGR
        self._frame = max(2, round(window * FRAME_WIDTH))

    def compose(self, canvas: np.ndarray, instruction: Instruction | None) -> np.ndarray:
        """Composes the canvas window: ``canvas`` (W, W, 3) uint8 BGR framed, the instruction
        below. Returns :attr:`image`."""
        w = self.layout.canvas[2]
        image = self.image
        image[:w, :w] = canvas
        # The frame lies on the canvas's outermost pixels: a window has no room outside it.
        f = self._frame
        inner = (f, f, w - 2 * f, w - 2 * f)
        draw_frame(image, inner, FRAME_BGR, f)
        x, y, bw, bh = self.layout.band
        if instruction is None:
            image[y : y + bh, x : x + bw] = BACKGROUND_BGR
        else:
            image[y : y + bh, x : x + bw] = self.painter.banner(
                instruction.text, bw, bh, self.layout.text_px, TEXT_BGR[instruction.step], BACKGROUND_BGR
            )
        return image
