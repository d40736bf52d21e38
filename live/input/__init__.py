"""Input: what visitors do, as events for the frame loop.

Every input source (the mouse in a window, a headless script, later a hand seen by a camera) is a
context manager with ``close()`` and a ``poll(now)`` method that returns the events since the last
call. The loop does not know where an event came from:

- :class:`Pen`: the pen goes down, moves or lifts, at (x, y) in canvas pixels (x to the right,
  y down, the canvas being ``app.window`` pixels square);
- :class:`Key`: a key press, as the low byte of its code (what ``cv2.waitKey(...) & 0xFF`` gives).

Mirroring and coordinate changes happen in the input, once, before the event is made.

An input may also have these hooks, each used when present:

- ``overlay(canvas) -> picture``: given the canvas picture (W, W, 3) uint8 BGR, it returns what
  the canvas window shows (the hand input: the camera picture dimmed, the skeleton, the ink).
  The loop calls it once per frame. Recordings never see it: they keep the result view only, and
  a camera frame can enter a recording only through :class:`~live.record.Recorder` with
  ``record.record_camera = true``;
- ``status() -> str``: a problem the visitor should see on the HUD's status line while it lasts
  ("camera lost ..."), '' when all is well; called once per frame;
- ``finished(now) -> bool``: the input has ended (a script, a video file that does not loop);
- ``clear()``: the loop cleared its canvas (an input that keeps strokes of its own drops them);
- ``stats() -> dict``: figures for the end of a run (tracking time, frames).

Several inputs run as one through :class:`~live.input.combine.CombinedInput` (the hand and the
mouse in a window).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Protocol

from live.input.strokes import StrokeCanvas


class Phase(enum.Enum):
    """Where a pen event falls in a stroke."""

    DOWN = "down"
    MOVE = "move"
    UP = "up"


@dataclass(frozen=True)
class Pen:
    """The pen at (x, y) in canvas pixels."""

    phase: Phase
    x: float
    y: float


@dataclass(frozen=True)
class Key:
    """A key press: ``code`` in [0, 255], e.g. ``ord("s")`` or 27 for Esc."""

    code: int


Event = Pen | Key


class Input(Protocol):
    """A source of events (see the module docstring)."""

    def poll(self, now: float) -> list[Event]:
        """Events since the last call; ``now`` is the loop's clock in seconds."""

    def close(self) -> None:
        """Releases what the source holds; safe to call twice."""


__all__ = ["Event", "Input", "Key", "Pen", "Phase", "StrokeCanvas"]
