"""What the screen tells the visitor: one short instruction that follows the installation's state.

:class:`Guide` is told what happens (a stroke by mouse or hand, a drawing sent, a clip exported,
the canvas cleared, attract mode) and, once per frame, how long until the idle timeout; it
answers with the :class:`Step` the visitor is at and the text to show, taken from ``[ui]``. Time
is passed in, in seconds, so tests drive it with a fake clock.

    INVITE --stroke--> DRAWING --send--> SENT --clip exported--> EXPORTED
       ^                  |  ^              |                       |
       +----clear/attract-+  +----stroke----+-----------------------+

A countdown replaces the text in the last ``ui.countdown_seconds`` before the idle timeout clears
a visitor's drawing (or the swarm's picture of it); any input starts the idle time again.

While the hand cannot draw (:meth:`Guide.input_lost`: the camera is lost, the tracker stopped),
the hand's texts give way to the mouse's where a mouse can draw too, else to the calm
``ui.camera_lost``; the visitor never reads the camera's error (staff do, in the log and the HUD).
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass
from pathlib import Path

from live.config import InputKind, UiConfig


class Step(enum.Enum):
    """Where the visitor is."""

    INVITE = "invite"
    """Nothing drawn: attract mode, or a cleared canvas."""
    DRAWING = "drawing"
    """Strokes on the canvas, not sent yet."""
    SENT = "sent"
    """A drawing was sent; the swarm forms it."""
    EXPORTED = "exported"
    """The clip of the sent drawing was exported: the visitor is invited to scan its share code
    while it is on screen (``ui.exported``), else told it is saved (``ui.saved``)."""
    COUNTDOWN = "countdown"
    """The idle timeout is near: the drawing is about to be cleared."""


@dataclass(frozen=True)
class Instruction:
    """What to show this frame."""

    step: Step
    text: str
    kind: InputKind
    """The input kind whose variant the text is (the last stroke's, or the installation's input):
    'mouse', 'hand', ..."""
    seconds: int = 0
    """COUNTDOWN: whole seconds left (rounded up), else 0."""
    clip: Path | None = None
    """EXPORTED: the clip's path (never shown), else None."""


class Guide:
    """The instruction state machine.

    Args:
        ui: the texts and the countdown length.
        kind: the installation's input kind (``app.input``): invitations use its texts
            (``ui.invite_<kind>``, ``ui.drawing_<kind>``).
        mouse: a mouse can draw too (a window; a kiosk with ``ui.kiosk_mouse``): while the input's
            own source is lost (its camera), the mouse's texts show instead of ``ui.camera_lost``.
    """

    def __init__(self, ui: UiConfig, kind: InputKind = InputKind.MOUSE, mouse: bool = True):
        self.ui = ui
        self.default_kind = kind
        self.mouse = mouse
        self.step = Step.INVITE
        self.kind = kind
        self.lost = False
        self.clip: Path | None = None

    # -- what happens ------------------------------------------------------------------------
    def stroke(self, kind: InputKind) -> None:
        """A stroke started (or went on), by a pen of input ``kind`` (the mouse, the hand, ...)."""
        self.step = Step.DRAWING
        self.kind = kind

    def sent(self) -> None:
        """The drawing was sent to the swarm."""
        self.step = Step.SENT
        self.clip = None

    def exported(self, clip: str | Path) -> None:
        """A clip was written to ``clip``. Shown unless the visitor is drawing again already."""
        self.clip = Path(clip)
        if self.step is not Step.DRAWING:
            self.step = Step.EXPORTED

    def cleared(self) -> None:
        """The canvas was cleared (by the visitor, by attract mode)."""
        if self.step is Step.DRAWING:
            self.step = Step.INVITE

    def attract(self) -> None:
        """Attract mode: back to the invitation, in the input's own variant."""
        self.step = Step.INVITE
        self.kind = self.default_kind
        self.clip = None

    def input_lost(self, lost: bool) -> None:
        """Whether the input's own source cannot draw now (the hand's camera lost, its tracker
        stopped); the loop calls this every frame with the input's state."""
        self.lost = lost

    # -- what to show ------------------------------------------------------------------------
    def instruction(self, idle_left: float, sharing: bool = False) -> Instruction:
        """The instruction for this frame.

        Args:
            idle_left: seconds until the idle timeout clears the screen; ``math.inf`` where no
                timeout is due (attract mode already, or ``app.idle_seconds = 0``).
            sharing: a share code is on screen (after an export: the visitor is invited to scan it).
        """
        ui, kind = self.ui, self.kind
        if self.step is not Step.INVITE and 0 < ui.countdown_seconds and idle_left <= ui.countdown_seconds:
            seconds = max(1, math.ceil(idle_left))
            return Instruction(Step.COUNTDOWN, ui.countdown.format(seconds=seconds), kind, seconds=seconds)
        if self.step is Step.INVITE:
            return self._variant("invite")
        if self.step is Step.DRAWING:
            return self._variant("drawing")
        if self.step is Step.SENT:
            return Instruction(self.step, ui.sent, kind)
        text = ui.exported if sharing else ui.saved
        return Instruction(self.step, text.format(), kind, clip=self.clip)

    def _variant(self, step: str) -> Instruction:
        """This step's text for the kind of input at work; while the input's own source is lost,
        the mouse's where a mouse can draw, else the calm ``ui.camera_lost``."""
        kind = self.kind
        if self.lost and kind != InputKind.MOUSE:
            if not self.mouse:
                return Instruction(self.step, self.ui.camera_lost, kind)
            kind = InputKind.MOUSE
        return Instruction(self.step, self.ui.text(step, kind), kind)
