"""The presenter: the one part that draws the screen.

:class:`Presenter` keeps what the visitor and the staff see besides the swarm itself: the HUD and
its status line, the input's own picture and problems, and the share card after an export; it
hands the display each new target (never a person's mask) and, once per frame, the canvas
picture, the swarm as drawn at the screen's size and the HUD (:meth:`Presenter.present`). The
display says at which size it shows the canvas and the swarm (:attr:`Presenter.side`); the frame
has them drawn at that size. Recordings are not the presenter's: the clip is drawn from the
swarm's state (:mod:`live.app.keepsake`).
"""

from __future__ import annotations

import math
import time
from pathlib import Path

import numpy as np

from live.app.visit import Turn
from live.display import Display, HudState
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
        hud: HudState,
        source: Input | None = None,
        share: ShareCode | None = None,
    ):
        self.display = display
        self.hud = hud
        self.source = source or Input()
        self.share = share
        self._shown: np.ndarray | None = None  # the canvas with the QR code over it
        self._swarm: np.ndarray | None = None  # the swarm as the screen shows it, this frame
        self._blank = False  # the target beside the swarm is blank (a private one came last)
        self._status_at = -np.inf
        self._input_said: Status | None = None  # the input's problem now on the status line
        self._last_wall = time.perf_counter()
        self._fps = 0.0  # smoothed frame rate; the HUD shows it every HUD_REFRESH_S
        self._hud_at = -np.inf

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
        if turn.target is not None:  # a person's mask (the mirror) is never shown, nor previewed
            if not turn.private:
                self.display.set_target(turn.target)
            elif not self._blank:  # blank once, not at every mask the camera gives
                self.display.set_target(np.zeros_like(turn.target))
            self._blank = turn.private
        for command in turn.commands:
            if command is Command.HUD:
                self.hud.stats = not self.hud.stats
        if (turn.stroke or turn.cleared or turn.attract) and self.share is not None:
            self.share.hide()  # the next visitor never gets the last one's code

    def exported(self, clip: Path, now: float) -> None:
        """A clip was written: its QR code goes up."""
        if self.share is not None:
            self.share.show_export(clip, now)

    def show_last_code(self, now: float) -> None:
        """Shows the last clip's QR code again (staff asked, for a visitor who missed it)."""
        if self.share is not None:
            self.share.show_last(now)

    @property
    def fps(self) -> float:
        """The smoothed frame rate the HUD shows."""
        return self._fps

    def set_swarm(self, swarm: np.ndarray) -> None:
        """Takes this frame's swarm, (P, P, 3) uint8 BGR drawn at :attr:`side`."""
        self._swarm = swarm

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
            state: (what the installation does for the HUD: 'attract', 'mirror' or '', a
                recording is under way).
        """
        self._figures(loss)
        self.hud.mode, recording = state
        self.hud.recording = recording
        if self.hud.status and now - self._status_at > STATUS_SECONDS:
            self.hud.status = ""
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

    def check_input(self, now: float) -> Status | None:
        """The input's problem now (its camera lost), for staff: on the staff HUD (``h``) while it
        lasts (the log has it too), never a red error for visitors (their instruction changes
        instead). When it is over, the status line says so."""
        status, said = self.source.status(), self._input_said
        self.hud.staff = status.text if status is not None else ""
        if status is None and said is not None and said.over:
            self.say(said.over, True, now)
        self._input_said = status
        return status
