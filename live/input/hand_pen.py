"""The hand as the loop's pen: :class:`HandInput`'s steps as ``Pen`` and ``Key`` events.

The frame loop (app branch) reads every input through one protocol, ``poll(now) -> events``,
with :class:`~live.input.Pen` events in canvas pixels and :class:`~live.input.Key` presses.
:class:`HandPenInput` speaks it: a stroke drawn by pointing becomes pen down, moves and up; an
open palm held becomes the submit key, a fist held the clear key. The loop's own canvas keeps
the strokes, as it does for the mouse.
"""

from __future__ import annotations

from typing import Any

from live.app.keys import KEYS, Action
from live.input import Event, Key, Pen, Phase
from live.input.hand_input import HandInput, HandPoll, HandView, StepKind

_PHASES = {StepKind.DOWN: Phase.DOWN, StepKind.MOVE: Phase.MOVE, StepKind.UP: Phase.UP}


def _key(action: Action) -> Key:
    """The key the loop binds to ``action`` (the gesture presses it)."""
    return Key(next(code for code, bound in KEYS.items() if bound is action))


class HandPenInput:
    """The loop's input protocol over a :class:`HandInput` it owns; a context manager.

    Args:
        hand: the running hand input; its ``canvas_size`` must be the loop's canvas side.
    """

    def __init__(self, hand: HandInput) -> None:
        self.hand = hand
        self.last: HandPoll | None = None
        """The latest poll of the hand, for the overlay and the "camera lost" banner."""

    @property
    def view(self) -> HandView:
        """What :func:`live.input.overlay.draw_hand_overlay` draws (empty before the first poll)."""
        return self.last.view if self.last is not None else HandView()

    def poll(self, now: float) -> list[Event]:
        """Pen and key events since the last call, in the order they happened."""
        got = self.last = self.hand.poll()
        events: list[Event] = []
        for step in got.steps:
            if step.kind in _PHASES:
                events.append(Pen(_PHASES[step.kind], step.x, step.y))
            elif step.kind is StepKind.SUBMIT:
                events.append(_key(Action.SUBMIT))
                self.hand.clear()  # the loop's submit clears its canvas; keep the hand's in step
            elif step.kind is StepKind.CLEAR:
                events.append(_key(Action.CLEAR))
        return events

    def close(self) -> None:
        """Stops the hand input (camera and tracking thread). Safe to call twice."""
        self.hand.close()

    def __enter__(self) -> HandPenInput:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
