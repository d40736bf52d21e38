"""The presenter: the one part that draws the screen.

:class:`Presenter` keeps what the visitor and the staff see besides the swarm itself: the HUD and
its status line, the input's own picture and problems, the share card after an export, and the
result view a recording keeps (:class:`~live.display.ResultView`: the swarm and the target at
``app.window``, whatever the screen); once per frame it hands the display the canvas picture, the
swarm and the HUD (:meth:`Presenter.present`). The display says at which size it shows the canvas
and the swarm (:attr:`Presenter.side`); the frame has them drawn at that size.
"""

from __future__ import annotations

import math
import time
from pathlib import Path

import numpy as np

from live.app.visit import Turn
from live.display import Display, HudState, ResultView
from live.display.guide import Instruction
from live.input import Command, Input, Status
from live.share.overlay import ShareCode

#: A status line stays on screen this long, in seconds.
STATUS_SECONDS = 6.0
#: Smoothing of the fps shown on the HUD (weight of the newest frame).
FPS_SMOOTHING = 0.05
#: The HUD's fps and loss change at most this often, in seconds (figures that change every
#: frame cannot be read, and a HUD line drawn once is blended in from then on).
HUD_REFRESH_S = 0.25


class Presenter:
    """What the screen shows, a frame at a time.

    Args:
        display: where frames go (:mod:`live.display.windows`).
        view: the result view a recording keeps (its left half the swarm, its right the target).
        hud: the HUD's state at start (backend, device, whether the figures show).
        source: the input whose overlay the canvas shows (when the display composes) and whose
            status stays on the status line while it lasts (e.g. "camera lost").
        share: the QR code of each exported recording, drawn over the canvas for
            ``share.show_seconds``; None: no share server.

    Attributes:
        hud: what the HUD shows; ``hud.status`` is the status line.
    """

    def __init__(
        self,
        display: Display,
        view: ResultView,
        hud: HudState,
        source: Input | None = None,
        share: ShareCode | None = None,
    ):
        self.display = display
        self.view = view
        self.hud = hud
        self.source = source or Input()
        self.share = share
        self._shown: np.ndarray | None = None  # the canvas with the QR code over it
        self._status_at = -np.inf
        self._input_said: Status | None = None  # the input's problem now on the status line
        self._last_wall = time.perf_counter()
        self._fps = 0.0  # smoothed frame rate; the HUD shows it every HUD_REFRESH_S
        self._hud_at = -np.inf
        self._swarm: np.ndarray | None = None  # the swarm as the screen shows it, this frame

    @property
    def side(self) -> int:
        """Side in pixels at which the display shows the canvas and the swarm now."""
        return self.display.side

    def sharing(self, now: float) -> bool:
        """Whether a share code is on screen now (the instruction then invites the visitor to scan it)."""
        return self.share is not None and self.share.visible(now)

    def say(self, text: str, ok: bool, now: float) -> None:
        """Shows ``text`` on the status line for :data:`STATUS_SECONDS`."""
        self.hud.status, self.hud.status_ok, self._status_at = text, ok, now

    def apply(self, turn: Turn) -> None:
        """Acts on what the frame's events did: a new target is drawn beside the swarm, ``h``
        toggles the HUD's figures, a stroke, a clear or attract mode hides the share code."""
        if turn.target is not None:
            self.view.set_target(turn.target)
            self.display.set_target(turn.target)
        for command in turn.commands:
            if command is Command.HUD:
                self.hud.stats = not self.hud.stats
        if (turn.stroke or turn.cleared or turn.attract) and self.share is not None:
            self.share.hide()  # the next visitor never gets the last one's code

    def exported(self, clip: Path, now: float) -> None:
        """A clip was written: its QR code goes up."""
        if self.share is not None:
            self.share.show_export(clip, now)

    def set_color(self, color: np.ndarray, shown: tuple | None = None) -> np.ndarray | None:
        """Takes this frame's swarm, (P, P, 3) uint8 BGR as the screen shows it.

        Args:
            shown: while a recording runs, what the swarm was drawn from (``(centers, radii,
                eyes)``, :attr:`LiveSwarm.shown <live.app.swarm.LiveSwarm.shown>`); None otherwise.

        Returns:
            with ``shown``, the result view (what a recording keeps: (D, 2D, 3) uint8 RGB at
            ``app.window``; the swarm drawn again at that size where the screen shows it at
            another); else None.
        """
        self._swarm = color
        if shown is None:
            return None
        if color.shape[0] == self.view.side:
            self.view.set_screen(color)
        else:
            self.view.set_swarm(*shown)
        return self.view.image

    def present(
        self,
        canvas: np.ndarray,
        loss: float,
        instruction: Instruction,
        state: tuple[bool, bool],
        now: float,
        wait_ms: int = 1,
    ) -> None:
        """Shows one frame.

        Args:
            canvas: (W, W, 3) uint8 BGR, the strokes on the canvas.
            loss: the frame's loss (the HUD shows it).
            instruction: what the visitor is told to do.
            state: (attract mode is on, a recording is under way).
        """
        self._figures(loss)
        attract, recording = state
        self.hud.mode = "attract" if attract else ""
        self.hud.recording = recording
        if self.hud.status and now - self._status_at > STATUS_SECONDS:
            self.hud.status = ""
        self._show_input_status(now)
        self.hud.instruction = instruction
        picture = canvas
        if self.display.composes:
            picture = self._with_code(self.source.overlay(canvas), now)
        self.display.show(picture, self._swarm, self.hud, wait_ms)

    def _figures(self, loss: float) -> None:
        """The HUD's fps (smoothed) and loss, refreshed every :data:`HUD_REFRESH_S`."""
        wall = time.perf_counter()
        dt, self._last_wall = wall - self._last_wall, wall
        if dt > 0:
            self._fps += FPS_SMOOTHING * (1.0 / dt - self._fps) if self._fps else 1.0 / dt
        changed = math.isfinite(loss) != math.isfinite(self.hud.loss)  # a NaN shows, and goes, at once
        if wall - self._hud_at >= HUD_REFRESH_S or changed:  # figures that can be read
            self.hud.fps, self.hud.loss, self._hud_at = self._fps, loss, wall

    def _with_code(self, picture: np.ndarray, now: float) -> np.ndarray:
        """The canvas picture with the QR code over it while it is up (a copy: the canvas itself
        stays the visitor's strokes, and recordings never see the code)."""
        if self.share is None or not self.share.visible(now):
            return picture
        if self._shown is None or self._shown.shape != picture.shape:
            self._shown = np.empty_like(picture)
        np.copyto(self._shown, picture)
        side = picture.shape[0]
        margin = side // 40
        self.share.draw(self._shown, (margin, margin, picture.shape[1] - 2 * margin, side - 2 * margin), now)
        return self._shown

    def _show_input_status(self, now: float) -> None:
        """Keeps the input's problem on the status line while it lasts; says when it is over."""
        status, said = self.source.status(), self._input_said
        if status is not None:
            if status != said or not self.hud.status or self.hud.status == status.text:
                self.say(status.text, False, now)  # new, or kept fresh; another message has its turn first
        elif said is not None and self.hud.status == said.text:
            self.say(said.over, True, now)
        self._input_said = status
