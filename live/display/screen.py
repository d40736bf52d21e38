"""The visitor's screens, composed: the drawing area with its frame, the swarm, the instruction.

- :class:`KioskScreen`: the whole kiosk screen (:func:`~live.display.layout.kiosk_layout`): the
  band across the top (the recording mark, the instruction, the target small), canvas and swarm
  side by side below it, the HUD for staff only when asked for.
- :class:`CanvasScreen`: a window's canvas with the instruction in a band below it.
- :class:`ResultScreen`: a window's result, the swarm beside the target, with the HUD.

Each screen is drawn in place into a buffer made once. The canvas and the swarm come drawn at the
size they are shown (:attr:`KioskScreen.side`), so a frame only copies them in (one that is not,
e.g. the frame after the screen's size changed, is scaled into place); the band, the mark and the
target preview are drawn only when they change. The drawing area has a frame just outside it, so a
stroke visibly stops at its edge (the canvas clamps strokes there). Colours here are BGR: this is
the display edge.
"""

from __future__ import annotations

import cv2
import numpy as np

from live.display.guide import Instruction, Step
from live.display.hud import HudState, draw_hud, draw_record_mark
from live.display.layout import Layout, Rect, kiosk_layout, to_canvas, window_layout
from live.display.text import TextPainter
from live.display.views import mask_at, target_picture

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


def place(image: np.ndarray, rect: Rect, picture: np.ndarray) -> None:
    """Copies ``picture`` (uint8 BGR) into ``rect`` of ``image``, in place; a picture of another
    size is scaled to fit (only until the one drawn at the new size comes)."""
    x, y, w, h = rect
    if picture.shape[:2] != (h, w):
        interpolation = cv2.INTER_AREA if picture.shape[0] > h else cv2.INTER_LINEAR
        picture = cv2.resize(picture, (w, h), interpolation=interpolation)
    image[y : y + h, x : x + w] = picture


def target_bgr(mask: np.ndarray, side: int) -> np.ndarray:
    """The target as it is shown beside the swarm, ``side`` pixels square: (side, side, 3) uint8 BGR."""
    return np.ascontiguousarray(target_picture(mask_at(mask, side))[..., ::-1])


class KioskScreen:
    """The kiosk screen, ``width`` x ``height`` pixels.

    Args:
        width, height: the screen in pixels.
        painter: renders the instruction.
        preview: show the target small at the band's right end (``ui.target_preview``).

    Attributes:
        image: (height, width, 3) uint8 BGR, what is shown; updated in place by :meth:`compose`.
        layout: where each part lies.
    """

    def __init__(self, width: int, height: int, painter: TextPainter, preview: bool = True):
        self.layout: Layout = kiosk_layout(width, height, preview)
        self.painter = painter
        self.image = np.empty((height, width, 3), np.uint8)
        self.image[:] = BACKGROUND_BGR
        side = self.side
        self._frame = max(2, round(side * FRAME_WIDTH))
        draw_frame(self.image, self.layout.canvas, FRAME_BGR, self._frame)
        draw_frame(self.image, self.layout.swarm, PANEL_BGR, max(1, self._frame // 2))
        self._banner: np.ndarray | None = None  # the band's picture on screen (the painter keeps each)
        self._band_drawn = False
        self._marked = False
        if self.layout.target is not None:
            x, y, w, h = self.layout.target
            self.image[y : y + h, x : x + w] = 0
            draw_frame(self.image, self.layout.target, PANEL_BGR, 1)

    @property
    def side(self) -> int:
        """Side in pixels of the canvas and the swarm on this screen: what they are drawn at."""
        return self.layout.canvas[2]

    def to_canvas(self, x: float, y: float, canvas_side: int, starting: bool):
        """A screen position in canvas pixels (see :func:`live.display.layout.to_canvas`)."""
        return to_canvas(x, y, self.layout.canvas, canvas_side, starting)

    def set_target(self, mask: np.ndarray) -> None:
        """Draws the target preview (once per target): ``mask`` (S, S) in [0, 1]."""
        if self.layout.target is not None:
            x, y, w, h = self.layout.target
            self.image[y : y + h, x : x + w] = target_bgr(mask, w)

    def compose(self, canvas: np.ndarray, swarm: np.ndarray, hud: HudState | None) -> np.ndarray:
        """Composes one frame.

        Args:
            canvas: (P, P, 3) uint8 BGR, the canvas picture, P = :attr:`side`.
            swarm: (P, P, 3) uint8 BGR, the swarm.
            hud: the HUD state and the instruction (``hud.instruction``); None: neither.

        Returns:
            :attr:`image`.
        """
        layout, image = self.layout, self.image
        place(image, layout.canvas, canvas)
        place(image, layout.swarm, swarm)
        if hud is not None:
            x, y, w, h = layout.swarm
            draw_hud(image[y : y + h, x : x + w], hud, mark=False)  # the mark is the band's
        self._band(hud.instruction if hud is not None else None)
        self._mark(hud is not None and hud.recording)
        return image

    def _band(self, instruction: Instruction | None) -> None:
        """Writes the instruction in the band (only when it changed)."""
        x, y, w, h = self.layout.band
        banner = None
        if instruction is not None:
            colour = TEXT_BGR[instruction.step]
            banner = self.painter.banner(instruction.text, w, h, self.layout.text_px, colour, BACKGROUND_BGR)
        if self._band_drawn and banner is self._banner:
            return
        self.image[y : y + h, x : x + w] = BACKGROUND_BGR if banner is None else banner
        self._banner, self._band_drawn = banner, True

    def _mark(self, recording: bool) -> None:
        """The recording mark at the band's left end while recording (drawn when that changes)."""
        if recording == self._marked:
            return
        x, y, w, h = self.layout.mark
        self.image[y : y + h, x : x + w] = BACKGROUND_BGR
        if recording:
            draw_record_mark(self.image, self.layout.mark)
        self._marked = recording


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
        place(image, self.layout.canvas, canvas)
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


class ResultScreen:
    """A window's result: the swarm beside the target (the seed's ``render | target``), each
    ``window`` pixels square, the HUD over the swarm.

    Attributes:
        image: (window, 2 window, 3) uint8 BGR, what the result window shows.
    """

    def __init__(self, window: int):
        self.side = window
        self.image = np.zeros((window, 2 * window, 3), np.uint8)

    def set_target(self, mask: np.ndarray) -> None:
        """Draws the target (once per target): ``mask`` (S, S) in [0, 1]."""
        self.image[:, self.side :] = target_bgr(mask, self.side)

    def compose(self, swarm: np.ndarray, hud: HudState | None) -> np.ndarray:
        """Composes the result window: ``swarm`` (W, W, 3) uint8 BGR, the HUD over it."""
        side = self.side
        place(self.image, (0, 0, side, side), swarm)
        if hud is not None:
            draw_hud(self.image[:, :side], hud)
        return self.image
