"""The mouse: the left button draws in the canvas.

The display calls :meth:`MouseInput.on_mouse` from its OpenCV mouse callback with coordinates
already in canvas pixels (it knows where the canvas lies in its windows); this module only turns
button and motion events into :class:`~live.input.events.Pen` events of pen 0.
"""

from __future__ import annotations

import cv2

from live.input.base import Input, InputSpec
from live.input.events import Event, Pen, Phase

#: The mouse draws in a window; it has nothing to open of its own.
SPEC = InputSpec(needs_window=True)


class MouseInput(Input):
    """Pen events from the left mouse button, queued between polls."""

    def __init__(self) -> None:
        self._queue: list[Event] = []
        self._down = False

    def on_mouse(self, event: int, x: float, y: float, flags: int = 0) -> None:
        """One OpenCV mouse event at (x, y) in canvas pixels."""
        if event == cv2.EVENT_LBUTTONDOWN:
            self._down = True
            self._queue.append(Pen(Phase.DOWN, x, y))
        elif event == cv2.EVENT_MOUSEMOVE and self._down:
            self._queue.append(Pen(Phase.MOVE, x, y))
        elif event == cv2.EVENT_LBUTTONUP and self._down:
            self._down = False
            self._queue.append(Pen(Phase.UP, x, y))

    def poll(self, now: float) -> list[Event]:
        events, self._queue = self._queue, []
        return events

    def close(self) -> None:
        self._queue = []
