"""Input: what visitors do, as events for the frame loop.

- :mod:`~live.input.events`: the vocabulary every source speaks: :class:`Pen` events (down,
  move, up; which pen) and :class:`Command` (submit, clear, undo, record, export, HUD, quit);
- :mod:`~live.input.base`: :class:`Input`, the one interface of a source (``poll``,
  ``overlay``, ``status``, ``finished``, ``stats``, ``close``), each part a no-op by default;
- the sources: :mod:`~live.input.mouse` (the left button draws), :mod:`~live.input.keys` (keys
  are commands), :mod:`~live.input.script` (a headless visitor), :mod:`~live.input.hand_input`
  (a hand seen by a camera: :mod:`~live.input.camera`, :mod:`~live.input.hand` and
  :mod:`~live.input.gesture`, drawn by :mod:`~live.input.overlay`), and
  :mod:`~live.input.combine`, several sources as one;

Strokes are kept by the app (:class:`live.app.canvas.StrokeCanvas`), never here.
"""

from live.input.base import Input, Status
from live.input.events import Command, Event, Pen, Phase

__all__ = ["Command", "Event", "Input", "Pen", "Phase", "Status"]
