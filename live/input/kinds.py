"""The inputs ``app.input`` can name, each registered once in :data:`INPUTS`.

A kind says what it opens besides the window's mouse and keyboard (or a headless script), whether
it needs that window, and whether it ends by itself. A new input is one module, one
:class:`~live.config.InputKind` member and one entry here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from live.config import Config, InputKind
from live.input.base import Input


@dataclass(frozen=True)
class InputSpec:
    """How one kind of input runs."""

    open: Callable[[Config, bool], Input] | None = None
    """``open(config, kiosk)``: the kind's own source, or None when the window's mouse is all."""
    needs_window: bool = False
    """Without a window (and without a script) there is nothing to draw with."""
    ends: Callable[[Config], bool] = lambda config: False
    """Whether a run ends by itself, with no script or frame limit."""


def _open_hand(config: Config, kiosk: bool) -> Input:
    """The hand seen by ``config.camera``, tracking in its own thread.

    Raises:
        ValueError: a bad camera source (e.g. a video file that does not exist).
        ImportError: mediapipe is missing.
    """
    from live.input.hand_input import HandInput

    return HandInput(config.camera, config.hand, config.app.window, pip=kiosk)


def _hand_ends(config: Config) -> bool:
    """A hand seen in a video file that does not loop."""
    import pathlib

    from live.input.camera import parse_source

    if config.camera.loop_video:
        return False
    try:
        return isinstance(parse_source(config.camera.source), pathlib.Path)
    except ValueError:
        return False


INPUTS: dict[InputKind, InputSpec] = {
    InputKind.MOUSE: InputSpec(needs_window=True),
    InputKind.HAND: InputSpec(open=_open_hand, ends=_hand_ends),
}
