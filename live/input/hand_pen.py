"""The hand as the loop's pen: :class:`HandInput`'s steps as ``Pen`` and ``Key`` events.

The frame loop (app branch) reads every input through one protocol, ``poll(now) -> events``,
with :class:`~live.input.Pen` events in canvas pixels and :class:`~live.input.Key` presses.
:class:`HandPenInput` speaks it: a stroke drawn by pointing becomes pen down, moves and up; an
open palm held becomes the submit key, a fist held the clear key. The loop's own canvas keeps
the strokes, as it does for the mouse.

It also has the optional hooks of :mod:`live.input`: ``overlay`` (the canvas view: the camera
picture dimmed with the skeleton and the ink, or in a kiosk the ink with a small picture of the
camera in a corner), ``status`` ("camera lost" for the HUD), ``finished`` (a video file that does
not loop has ended), ``stats`` (tracking figures) and ``clear`` (the loop cleared its canvas).
"""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np

from live.app.keys import KEYS, Action
from live.input import Event, Key, Pen, Phase
from live.input.camera import CameraStatus
from live.input.hand_input import HandInput, HandPoll, HandView, StepKind
from live.input.overlay import draw_hand_overlay

#: Brightness of the camera picture behind the canvas ink, 0 to 1.
DIM = 0.4
#: Kiosk picture-in-picture: its width as a fraction of the canvas side, and its margin in pixels.
PIP_FRACTION = 0.3
PIP_MARGIN = 8

_PHASES = {StepKind.DOWN: Phase.DOWN, StepKind.MOVE: Phase.MOVE, StepKind.UP: Phase.UP}


def _key(action: Action) -> Key:
    """The key the loop binds to ``action`` (the gesture presses it)."""
    return Key(next(code for code, bound in KEYS.items() if bound is action))


class HandPenInput:
    """The loop's input protocol over a :class:`HandInput` it owns; a context manager.

    Args:
        hand: the running hand input; its ``canvas_size`` must be the loop's canvas side.
        pip: the canvas view shows the camera in a small picture-in-picture (kiosk) rather than
            behind the whole canvas.
    """

    def __init__(self, hand: HandInput, pip: bool = False) -> None:
        self.hand = hand
        self.pip = pip
        self.last: HandPoll | None = None
        """The latest poll of the hand, for the overlay and the "camera lost" banner."""
        self._picture: np.ndarray | None = None  # the canvas view, allocated at the first overlay

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

    def overlay(self, canvas: np.ndarray) -> np.ndarray:
        """The canvas view: what the canvas window shows, never recorded.

        Args:
            canvas: (W, W, 3) uint8 BGR, the loop's stroke canvas (ink on black).

        Returns:
            (W, W, 3) uint8 BGR, a buffer of this input's, overwritten at the next call.
        """
        out = self._picture
        if out is None or out.shape != canvas.shape:
            out = self._picture = np.empty_like(canvas)
        view, size = self.view, self.hand.canvas_size
        if self.pip:
            out[:] = canvas
            draw_hand_overlay(out, view, canvas_size=size, picture=False)  # skeleton, tip, progress
            w = max(16, int(out.shape[1] * PIP_FRACTION))
            h = (
                max(16, w * 9 // 16)
                if view.frame is None
                else max(16, w * view.frame.image.shape[0] // view.frame.image.shape[1])
            )
            rect = (out.shape[1] - w - PIP_MARGIN, out.shape[0] - h - PIP_MARGIN, w, h)
            if rect[0] >= 0 and rect[1] >= 0:
                out[rect[1] : rect[1] + h, rect[0] : rect[0] + w] = 0
                draw_hand_overlay(out, view, rect, canvas_size=size, whole_picture=True, dim=1.0)
            return out
        out.fill(0)
        draw_hand_overlay(out, view, canvas_size=size, dim=DIM)  # picture dimmed, skeleton, progress
        cv2.max(out, canvas, dst=out)  # the ink over it
        return out

    def status(self) -> str:
        """A line for the HUD when the camera or the tracker has a problem, else ''."""
        view = self.view
        if view.camera is CameraStatus.LOST:
            return f"camera lost: {view.message}" if view.message else "camera lost"
        return view.message

    def finished(self, now: float) -> bool:
        """True once a video file that does not loop has ended and its last frame was polled."""
        return self.view.camera is CameraStatus.ENDED

    def stats(self) -> dict[str, Any]:
        """Tracking figures: frames tracked, frames with a hand, median MediaPipe ms per frame."""
        ms = self.hand.tracking_ms
        return {
            "hand_frames": self.hand.frames,
            "hand_found": self.hand.found,
            "hand_ms": None if ms is None else round(ms, 2),
        }

    def clear(self) -> None:
        """The loop cleared its canvas (a key, a submit, attract mode): drop the hand's strokes too."""
        self.hand.clear()

    def close(self) -> None:
        """Stops the hand input (camera and tracking thread). Safe to call twice."""
        self.hand.close()

    def __enter__(self) -> HandPenInput:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
