"""Several inputs as one: the hand and the mouse (or a script) drawing on the same canvas.

Keys pass through from every input. The pen is shared: the input that puts it down owns it until
it lifts it, and the other inputs' pen events are dropped meanwhile, so two strokes never join
into one. An input whose stroke was cut off that way picks the pen up again with its next move
once the owner has lifted it.

The optional hooks of :mod:`live.input` (``overlay``, ``status``, ``finished``, ``stats``) are
taken from the inputs that have them.
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np

from live.input import Event, Input, Pen, Phase

log = logging.getLogger("live.input")

#: A failing input is logged again every this many failed polls.
LOG_EVERY = 100


class CombinedInput:
    """The events of ``inputs`` in one poll; a context manager that closes them all.

    Args:
        inputs: the inputs, polled in this order; the first one with an ``overlay`` draws the
            canvas view.

    Raises:
        ValueError: no inputs.
    """

    def __init__(self, *inputs: Input) -> None:
        if not inputs:
            raise ValueError("CombinedInput needs at least one input")
        self.inputs = inputs
        self._owner: int | None = None  # index of the input whose stroke is open
        self._failures = [0] * len(inputs)
        self._overlay = next((s.overlay for s in inputs if hasattr(s, "overlay")), None)

    def poll(self, now: float) -> list[Event]:
        """Every input's events, input by input; one failing input does not silence the others."""
        events: list[Event] = []
        for i, source in enumerate(self.inputs):
            try:
                got = source.poll(now)
            except Exception as exc:  # the other inputs go on (the mouse without the camera)
                self._failures[i] += 1
                if self._failures[i] % LOG_EVERY == 1:
                    log.exception("input %s failed (%d times): %s", type(source).__name__, self._failures[i], exc)
                continue
            for event in got:
                if isinstance(event, Pen):
                    event = self._arbitrate(i, event)
                    if event is None:
                        continue
                events.append(event)
        return events

    def _arbitrate(self, i: int, pen: Pen) -> Pen | None:
        """``pen`` from input ``i`` as the canvas should see it, or None when another input owns the pen."""
        if self._owner is None:
            if pen.phase is Phase.UP:
                return None  # the end of a stroke that was dropped
            self._owner = i
            return pen if pen.phase is Phase.DOWN else Pen(Phase.DOWN, pen.x, pen.y)
        if self._owner != i:
            return None
        if pen.phase is Phase.UP:
            self._owner = None
        return pen

    # -- optional hooks --------------------------------------------------------------------
    def overlay(self, canvas: np.ndarray) -> np.ndarray:
        """The first input's overlay that has one, else the canvas as it is."""
        return canvas if self._overlay is None else self._overlay(canvas)

    def status(self) -> str:
        """The first non-empty status line of the inputs (e.g. 'camera lost'), or ''."""
        for source in self.inputs:
            text = source.status() if hasattr(source, "status") else ""
            if text:
                return text
        return ""

    def finished(self, now: float) -> bool:
        """True as soon as one input that can end has ended (a script, a video file)."""
        return any(source.finished(now) for source in self.inputs if hasattr(source, "finished"))

    def stats(self) -> dict[str, Any]:
        """The inputs' figures, merged."""
        merged: dict[str, Any] = {}
        for source in self.inputs:
            if hasattr(source, "stats"):
                merged.update(source.stats())
        return merged

    def clear(self) -> None:
        """Tells every input that keeps strokes of its own that the canvas was cleared."""
        for source in self.inputs:
            if hasattr(source, "clear"):
                source.clear()

    def close(self) -> None:
        """Closes every input (each one even when another fails). Safe to call twice."""
        for source in self.inputs:
            try:
                source.close()
            except Exception:  # close the rest
                log.exception("closing input %s failed", type(source).__name__)

    def __enter__(self) -> CombinedInput:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
