"""Several inputs as one: the hand, the mouse and the keyboard (or a script) on one canvas.

Commands pass through from every input. The canvas is shared: the input that puts a pen down owns
the canvas until all its pens are up, and the other inputs' pen events are dropped meanwhile, so
two visitors' strokes never join. An input whose stroke was cut off that way picks its pen up
again with its next move once the owner has lifted its pens. The pens of one input (two hands)
draw at once.

The rest of the :class:`~live.input.base.Input` interface is the inputs' together: their overlays
one over the other, the first status, finished when one has finished, their stats merged.
"""

from __future__ import annotations

import dataclasses
import logging
from typing import Any

import numpy as np

from live.input.base import Input, Status
from live.input.events import Event, Pen, Phase

log = logging.getLogger("live.input")

#: A failing input is logged again every this many failed polls.
LOG_EVERY = 100


class CombinedInput(Input):
    """The events of ``inputs`` in one poll; closing it closes them all.

    Args:
        inputs: the inputs, polled in this order; their overlays are applied in this order too.

    Raises:
        ValueError: no inputs.
    """

    def __init__(self, *inputs: Input) -> None:
        if not inputs:
            raise ValueError("CombinedInput needs at least one input")
        self.inputs = inputs
        self._owner: int | None = None  # index of the input whose pens are down
        self._down: set[int] = set()  # the owner's pens that are down
        self._failures = [0] * len(inputs)

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
        """``pen`` from input ``i`` as the canvas should see it, or None when another input owns it."""
        if self._owner is not None and self._owner != i:
            return None
        if pen.pen not in self._down:
            if pen.phase is Phase.UP:
                return None  # the end of a stroke that was dropped
            self._owner = i
            self._down.add(pen.pen)
            return pen if pen.phase is Phase.DOWN else dataclasses.replace(pen, phase=Phase.DOWN)
        if pen.phase is Phase.UP:
            self._down.discard(pen.pen)
            if not self._down:
                self._owner = None
        return pen

    def overlay(self, canvas: np.ndarray) -> np.ndarray:
        """Each input's overlay over the previous one's, starting from the canvas."""
        for source in self.inputs:
            canvas = source.overlay(canvas)
        return canvas

    def status(self) -> Status | None:
        """The first input's problem (e.g. the camera lost), or None."""
        return next((s for s in (source.status() for source in self.inputs) if s is not None), None)

    def finished(self, now: float) -> bool:
        """True as soon as one input has ended (a script, a video file)."""
        return any(source.finished(now) for source in self.inputs)

    def stats(self) -> dict[str, Any]:
        """The inputs' figures, merged."""
        merged: dict[str, Any] = {}
        for source in self.inputs:
            merged.update(source.stats())
        return merged

    def close(self) -> None:
        """Closes every input (each one even when another fails). Safe to call twice."""
        for source in self.inputs:
            try:
                source.close()
            except Exception:  # close the rest
                log.exception("closing input %s failed", type(source).__name__)
