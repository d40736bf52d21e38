"""The stroke canvas: what the visitors have drawn, as polylines that can be undone.

This is the one place strokes are kept: every input only says where its pens go
(:class:`~live.input.events.Pen`). Strokes are points in canvas pixels, so the mask can be made
at any size (:func:`live.target.stroke_mask`). Each pen has at most one open stroke, so two pens
(two hands) draw two strokes at once.

Between two samples the line follows the smooth curve through them (:mod:`live.curve`), the
same curve the target mask is drawn along (:func:`live.target.stroke_mask`), so a circle drawn
at a low frame rate stays round. The picture is drawn incrementally: a piece of the curve is
final once the sample after it has arrived, so each new point adds one final piece, and the
last piece of every open stroke is drawn provisionally over the finished ink and replaced at the
next point (it is finished when the pen lifts). Only undo redraws the picture from the strokes.
The picture is drawn at the side the screen shows it (:meth:`StrokeCanvas.show_at`), the strokes
staying in canvas pixels.
"""

from __future__ import annotations

import numpy as np

from live.curve import ink, neighbours, piece
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
        image: (size, size, 3) uint8 BGR picture of the strokes, for the display edge only; it is
            updated in place, never reallocated.
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
        self._k = 1.0  # picture pixels per canvas pixel
        self._r = max(1, round(self.radius))
        self.image = np.zeros((size, size, 3), np.uint8)
        self._ink = np.zeros_like(self.image)  # the finished pieces: image without the open tails
        self._tails: list[tuple[int, int, int, int]] = []  # boxes of the tails drawn on image only
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
        self._ink = np.zeros_like(self.image)
        self._redraw()

    def _px(self, line: np.ndarray) -> np.ndarray:
        """Canvas points in the picture's pixels (pixel centres map onto pixel centres)."""
        return (np.asarray(line, np.float64) + 0.5) * self._k - 0.5

    def _finish(self, line: np.ndarray) -> None:
        """Draws a final piece (or dot) on the finished ink and on the picture."""
        line = self._px(line)
        ink(self._ink, line, self._r, INK_BGR)
        ink(self.image, line, self._r, INK_BGR)

    def _piece(self, stroke: list[tuple[float, float]], i: int) -> np.ndarray:
        return piece(*neighbours(stroke, i))

    def _show_tails(self) -> None:
        """The picture is the finished ink plus the last piece of every open stroke, drawn anew."""
        for x0, y0, x1, y1 in self._tails:
            self.image[y0:y1, x0:x1] = self._ink[y0:y1, x0:x1]
        self._tails = [
            ink(self.image, self._px(self._piece(stroke, len(stroke) - 2)), self._r, INK_BGR)
            for stroke in self._open.values()
            if len(stroke) > 1
        ]

    def begin(self, x: float, y: float, pen: int = 0) -> None:
        """Starts a stroke of ``pen`` at (x, y) (points outside the canvas are moved to its edge);
        the pen's open stroke, if any, ends."""
        self.end(pen)
        p = self._clamp(x, y)
        stroke = [p]
        self.strokes.append(stroke)
        self._open[pen] = stroke
        self._finish(np.array([p]))

    def extend(self, x: float, y: float, pen: int = 0) -> None:
        """Adds (x, y) to ``pen``'s open stroke; starts one when it has none. The piece before the
        previous point is final now; the new last piece is provisional."""
        stroke = self._open.get(pen)
        if stroke is None:
            self.begin(x, y, pen)
            return
        p = self._clamp(x, y)
        if p == stroke[-1]:
            return
        stroke.append(p)
        if len(stroke) > 2:
            self._finish(self._piece(stroke, len(stroke) - 3))
        self._show_tails()

    def end(self, pen: int = 0) -> None:
        """Closes ``pen``'s open stroke, finishing its last piece (nothing when it has none)."""
        stroke = self._open.pop(pen, None)
        if stroke is None:
            return
        if len(stroke) > 1:
            self._finish(self._piece(stroke, len(stroke) - 2))
        self._show_tails()

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
        self._tails.clear()
        self.image.fill(0)
        self._ink.fill(0)

    def _redraw(self) -> None:
        """Draws every stroke again, piece by piece as they were drawn (so the picture is the same)."""
        self.image.fill(0)
        self._ink.fill(0)
        self._tails.clear()
        open_strokes = [id(stroke) for stroke in self._open.values()]
        for stroke in self.strokes:
            self._finish(np.array([stroke[0]]))
            final = len(stroke) - 1 - (id(stroke) in open_strokes)  # an open stroke's tail is not
            for i in range(final):
                self._finish(self._piece(stroke, i))
        self._show_tails()

    def mask(self, size: int) -> np.ndarray:
        """The strokes as a target mask (the same curves as the picture, open strokes included).

        Args:
            size: side of the mask (the render size).

        Returns:
            (size, size) float32 with values 0 or 1; all zero when nothing is drawn.
        """
        return stroke_mask(self.strokes, size, self.radius, canvas_size=self.size)
