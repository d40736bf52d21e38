"""The stroke canvas: what the visitors have drawn, as polylines that can be undone.

This is the one place strokes are kept: every input only says where its pens go
(:class:`~live.input.events.Pen`). Strokes are points in canvas pixels, so the mask can be made
at any size (:func:`live.target.stroke_mask`). Each pen has at most one open stroke, so two pens
(two hands) draw two strokes at once. The picture of the canvas is drawn incrementally, one
segment per new point; only undo redraws it from the strokes. The picture is drawn at the side the
screen shows it (:meth:`StrokeCanvas.show_at`), the strokes staying in canvas pixels.
"""

from __future__ import annotations

import itertools

import cv2
import numpy as np

from live.target import stroke_mask

#: Colour of the ink on the canvas window, BGR (the seed drew red strokes on black).
INK_BGR = (0, 0, 255)
#: The seed's canvas side, in which ``target.brush`` is given.
SEED_CANVAS = 224


class StrokeCanvas:
    """Strokes drawn with a round brush on a square canvas.

    Args:
        size: side of the canvas in pixels (``app.window``).
        brush: brush radius in pixels of a 224-pixel canvas (``target.brush``), scaled to ``size``.

    Attributes:
        image: (side, side, 3) uint8 BGR picture of the strokes, for the display edge only, at the
            side the screen shows it (``size`` until :meth:`show_at` says otherwise); it is updated
            in place, and made anew only when that side changes.
        strokes: list of strokes in the order they began, each a list of (x, y) in canvas pixels.

    Raises:
        ValueError: a size below 8 or a non-positive brush.
    """

    def __init__(self, size: int, brush: float):
        if size < 8:
            raise ValueError(f"canvas size must be at least 8 pixels, got {size}")
        if brush <= 0:
            raise ValueError(f"brush radius must be positive, got {brush}")
        self.size = size
        self.radius = brush * size / SEED_CANVAS
        self._k = 1.0  # picture pixels per canvas pixel [display]
        self._r = max(1, round(self.radius))
        self.image = np.zeros((size, size, 3), np.uint8)
        self.strokes: list[list[tuple[float, float]]] = []
        self._open: dict[int, list[tuple[float, float]]] = {}  # pen -> its open stroke (in strokes)

    @property
    def empty(self) -> bool:
        return not self.strokes

    @property
    def drawing(self) -> bool:
        """True while any pen is between its pen down and its pen up."""
        return bool(self._open)

    def drawing_with(self, pen: int) -> bool:
        """True while ``pen`` is between its pen down and its pen up."""
        return pen in self._open

    def _clamp(self, x: float, y: float) -> tuple[float, float]:
        top = self.size - 1
        return min(max(float(x), 0.0), top), min(max(float(y), 0.0), top)

    def show_at(self, side: int) -> None:
        """Draws the picture at ``side`` pixels from now on (the strokes stay in canvas pixels);
        nothing happens when it is drawn at that side already.

        Raises:
            ValueError: a side below 8.
        """
        if side < 8:
            raise ValueError(f"canvas picture side must be at least 8 pixels, got {side}")
        if side == self.image.shape[0]:
            return
        self._k = side / self.size
        self._r = max(1, round(self.radius * self._k))
        self.image = np.zeros((side, side, 3), np.uint8)
        self._redraw()

    def _at(self, p: tuple[float, float]) -> tuple[int, int]:
        """A canvas point in the picture's pixels (pixel centres map onto pixel centres)."""
        k = self._k
        return round((p[0] + 0.5) * k - 0.5), round((p[1] + 0.5) * k - 0.5)

    def _dot(self, p: tuple[float, float]) -> None:
        cv2.circle(self.image, self._at(p), self._r, INK_BGR, -1)

    def begin(self, x: float, y: float, pen: int = 0) -> None:
        """Starts a stroke of ``pen`` at (x, y) (points outside the canvas are moved to its edge);
        the pen's open stroke, if any, ends."""
        p = self._clamp(x, y)
        stroke = [p]
        self.strokes.append(stroke)
        self._open[pen] = stroke
        self._dot(p)

    def extend(self, x: float, y: float, pen: int = 0) -> None:
        """Adds (x, y) to ``pen``'s open stroke; starts one when it has none."""
        stroke = self._open.get(pen)
        if stroke is None:
            self.begin(x, y, pen)
            return
        p = self._clamp(x, y)
        q = stroke[-1]
        if p == q:
            return
        stroke.append(p)
        cv2.line(self.image, self._at(q), self._at(p), INK_BGR, 2 * self._r)
        self._dot(p)

    def end(self, pen: int = 0) -> None:
        """Closes ``pen``'s open stroke (nothing when it has none)."""
        self._open.pop(pen, None)

    def undo(self) -> bool:
        """Removes the last stroke begun (a pen drawing it goes on with a new one); returns False
        when there was none."""
        if not self.strokes:
            return False
        last = self.strokes.pop()
        self._open = {pen: stroke for pen, stroke in self._open.items() if stroke is not last}
        self._redraw()
        return True

    def clear(self) -> None:
        """Removes every stroke."""
        self.strokes.clear()
        self._open.clear()
        self.image.fill(0)

    def _redraw(self) -> None:
        self.image.fill(0)
        for stroke in self.strokes:
            self._dot(stroke[0])
            for q, p in itertools.pairwise(stroke):
                cv2.line(self.image, self._at(q), self._at(p), INK_BGR, 2 * self._r)
                self._dot(p)

    def mask(self, size: int) -> np.ndarray:
        """The strokes as a target mask.

        Args:
            size: side of the mask (the render size).

        Returns:
            (size, size) float32 with values 0 or 1; all zero when nothing is drawn.
        """
        return stroke_mask(self.strokes, size, self.radius, canvas_size=self.size)
