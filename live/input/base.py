"""The input interface: what every source provides, each part with a default that does nothing.

The frame loop polls one :class:`Input` per frame (several run as one through
:class:`~live.input.combine.CombinedInput`) and never asks which kind it has:

- ``poll(now)``: the events since the last call (:mod:`live.input.events`);
- ``overlay(canvas)``: what the canvas window shows, given the canvas picture (the hand input
  shows the camera behind the ink). Recordings never see it: they keep the result view only;
- ``status()``: a problem the visitor should see on the HUD's status line while it lasts;
- ``finished(now)``: the source has ended (a script, a video file that does not loop);
- ``stats()``: figures for the end of a run (tracking time, frames);
- ``close()``: releases what the source holds. Every source is a context manager.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Self

import numpy as np

from live.input.events import Event

if TYPE_CHECKING:
    from live.config import Config


@dataclass(frozen=True)
class Status:
    """A problem an input has now, for the HUD's status line."""

    text: str
    """What the status line says while the problem lasts, e.g. "camera lost: no frame for 2.0 s"."""
    over: str = ""
    """What it says once the problem is over ("camera back"), or '' to say nothing."""


class Input:
    """A source of events. Subclasses override what they provide; the rest does nothing."""

    def poll(self, now: float) -> list[Event]:
        """Events since the last call, in order; ``now`` is the loop's clock in seconds."""
        return []

    def overlay(self, canvas: np.ndarray) -> np.ndarray:
        """What the canvas window shows.

        Args:
            canvas: (W, W, 3) uint8 BGR, the loop's stroke canvas (ink on black).

        Returns:
            (W, W, 3) uint8 BGR: ``canvas`` itself by default.
        """
        return canvas

    def status(self) -> Status | None:
        """The problem to show on the HUD now, or None when all is well."""
        return None

    def finished(self, now: float) -> bool:
        """True once the source has ended and the run should stop."""
        return False

    def stats(self) -> dict[str, Any]:
        """Figures for the end of a run."""
        return {}

    def close(self) -> None:
        """Releases what the source holds. Safe to call twice."""

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _never(config: Config) -> bool:
    return False


@dataclass(frozen=True)
class InputSpec:
    """How one kind of input (``app.input``) runs: each kind's module ``live.input.<kind>`` has
    one, as ``SPEC`` (:data:`live.input.kinds.INPUTS` collects them)."""

    open: Callable[[Config, bool], Input] | None = None
    """``open(config, corner)``: the kind's own source (``corner``: a kiosk, where a camera picture
    shows in a corner of the canvas); None when the window's mouse is all."""
    needs_window: bool = False
    """Without a window (and without a script) there is nothing to draw with."""
    ends: Callable[[Config], bool] = _never
    """Whether a run ends by itself, with no script or frame limit."""
