"""The input vocabulary: what every input source says, whatever it watches.

- :class:`Pen`: a pen goes down, moves or lifts at (x, y) in canvas pixels (x to the right, y
  down, the canvas being ``app.window`` pixels square). ``pen`` tells pens apart, so that two
  hands can draw at once: each source numbers its own pens from 0.
- :class:`Command`: what the visitor asks for. The keyboard maps keys to commands
  (:mod:`live.input.keys`), the hand maps gestures to them (:mod:`live.input.gesture`), a script
  names keys (:mod:`live.input.script`).

Mirroring and coordinate changes happen in the source, once, before the event is made.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from live.config import InputKind


class Phase(enum.Enum):
    """Where a pen event falls in a stroke."""

    DOWN = "down"
    MOVE = "move"
    UP = "up"


@dataclass(frozen=True)
class Pen:
    """Pen ``pen`` at (x, y) in canvas pixels."""

    phase: Phase
    x: float
    y: float
    pen: int = 0
    source: InputKind = InputKind.MOUSE
    """The input kind whose pen this is: the screen
    explains what that input does (the hand's gestures, the mouse's keys)."""


class Command(enum.Enum):
    """What the visitor asks the installation to do."""

    SUBMIT = "submit"
    """The canvas becomes the new target and is cleared."""
    CLEAR = "clear"
    """The canvas is cleared."""
    UNDO = "undo"
    """The last stroke is removed."""
    RECORD = "record"
    """Start or stop a recording."""
    EXPORT = "export"
    """Export what is recorded now."""
    HUD = "hud"
    """Show or hide the HUD's figures."""
    QUIT = "quit"
    """End the run (in a kiosk only as the quit chord)."""


#: One thing an input source says.
Event = Pen | Command
