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

While the hand cannot draw (:meth:`Guide.hand_lost`: the camera is lost, the tracker stopped),
the hand's texts give way to the mouse's where a mouse can draw too, else to the calm
``ui.camera_lost``; the visitor never reads the camera's error (staff do, in the log and the HUD).
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass
from pathlib import Path

from live.config import UiConfig


class Step(enum.Enum):
    """Where the visitor is."""

    INVITE = "invite"
    """Nothing drawn: attract mode, or a cleared canvas."""
    DRAWING = "drawing"
    """Strokes on the canvas, not sent yet."""
    SENT = "sent"
    """A drawing was sent; the swarm forms it."""
    EXPORTED = "exported"
    """The clip of the sent drawing was exported (the sharing code goes here)."""
    COUNTDOWN = "countdown"
    """The idle timeout is near: the drawing is about to be cleared."""


@dataclass(frozen=True)
class Instruction:
    """What to show this frame."""

    step: Step
    text: str
    hand: bool
    """The text is the hand's variant (the last stroke came from the hand, or the input is the hand)."""
    seconds: int = 0
    """COUNTDOWN: whole seconds left (rounded up), else 0."""
    clip: Path | None = None
    """EXPORTED: the clip's path, else None."""


class Guide:
    """The instruction state machine.

    Args:
        ui: the texts and the countdown length.
        hand: the installation's input is the hand: invitations use the hand's text.
        mouse: a mouse can draw too (a window; a kiosk with ``ui.kiosk_mouse``): while the hand
            is lost, the mouse's texts show instead of ``ui.camera_lost``.
    """

    def __init__(self, ui: UiConfig, hand: bool = False, mouse: bool = True):
        self.ui = ui
        self.default_hand = hand
        self.mouse = mouse
        self.step = Step.INVITE
        self.hand = hand
        self.lost = False
        self.clip: Path | None = None

    # -- what happens ------------------------------------------------------------------------
    def stroke(self, hand: bool) -> None:
        """A stroke started (or went on), by the hand or by the mouse."""
        self.step = Step.DRAWING
        self.hand = hand

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
        self.hand = self.default_hand
        self.clip = None

    def hand_lost(self, lost: bool) -> None:
        """Whether the hand cannot draw now (its camera lost, its tracker stopped); the loop
        calls this every frame with the input's state."""
        self.lost = lost

    # -- what to show ------------------------------------------------------------------------
    def instruction(self, idle_left: float) -> Instruction:
        """The instruction for this frame.

        Args:
            idle_left: seconds until the idle timeout clears the screen; ``math.inf`` where no
                timeout is due (attract mode already, or ``app.idle_seconds = 0``).
        """
        ui = self.ui
        if self.step is not Step.INVITE and 0 < ui.countdown_seconds and idle_left <= ui.countdown_seconds:
            seconds = max(1, math.ceil(idle_left))
            return Instruction(Step.COUNTDOWN, ui.countdown.format(seconds=seconds), self.hand, seconds=seconds)
        if self.step is Step.INVITE:
            return self._variant(ui.invite_hand, ui.invite_mouse)
        if self.step is Step.DRAWING:
            return self._variant(ui.drawing_hand, ui.drawing_mouse)
        if self.step is Step.SENT:
            return Instruction(self.step, ui.sent, self.hand)
        clip = self.clip
        return Instruction(self.step, ui.exported.format(name=clip.name, path=str(clip)), self.hand, clip=clip)

    def _variant(self, hand_text: str, mouse_text: str) -> Instruction:
        """This step's text for the hand or the mouse; while the hand is lost, the mouse's where
        a mouse can draw, else the calm ``ui.camera_lost``."""
        if not self.hand or (self.lost and self.mouse):
            return Instruction(self.step, mouse_text, False)
        return Instruction(self.step, self.ui.camera_lost if self.lost else hand_text, True)
