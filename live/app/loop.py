"""One frame of the installation: input -> target -> optimise -> render -> display/record.

:class:`Installation` is a frame and nothing else: it hands each frame's input events to the
visit (:class:`~live.app.visit.Visit`: canvas, attract mode, instruction), which answers with a
:class:`~live.app.visit.Turn` (a new target, what the visitor asked for); the turn goes to the
live swarm (:class:`~live.app.swarm.LiveSwarm`, the one writer into the arranger), the keepsake
(:class:`~live.app.keepsake.Keepsake`, recording control) and the presenter
(:class:`~live.app.presenter.Presenter`, the one part that draws the screen). Then the swarm takes
its step and draws its view, the keepsake records it and the presenter shows it.
:func:`live.app.run.run_live` opens the resources and calls :meth:`Installation.frame` in a loop.
Time is passed in (seconds, once per frame), so tests drive it with a fake clock.
"""

from __future__ import annotations

import logging

from live.app.keepsake import Keepsake
from live.app.presenter import Presenter
from live.app.swarm import LiveSwarm
from live.app.visit import Turn, Visit
from live.config import Config
from live.display import DISPLAYS, DisplayKind, DisplayMode, HudState
from live.input import Command, Event, Input
from live.input.mirror import MirrorSource
from live.record import Recorder
from live.scene import Scene
from live.share.overlay import ShareCode
from live.share.status import CAMERA_LOST, CAMERA_OK, KioskStatus

log = logging.getLogger("live.app")

#: This many failed frames in a row is not a passing glitch: the loop gives up (exit 1).
MAX_FAILED_FRAMES = 300
#: A repeated per-frame error is logged again every this many frames.
LOG_EVERY = 100


class Installation:
    """One session of the installation, a frame at a time.

    Args:
        config: every setting.
        scene: renderer, arranger and crisp view (:func:`live.scene.build_live`).
        display: where frames go (:mod:`live.display.windows`).
        recorder: keeps the swarm as shown while targets form, and makes the clip of it.
        mode: the display's mode (:func:`live.display.display_mode`): whether the HUD's figures
            show at start (a kiosk's are for staff).
        start: the clock at start, in seconds.
        source: the input whose overlay the canvas shows and whose status stays on the HUD while
            it lasts; its events come through :meth:`frame`. None: an input that adds nothing.
        share: the QR code of each exported recording; None: no share server.
        status: what the share server's staff page and ``/healthz`` read (frames, fps, camera,
            exports, errors), and where staff ask for the last QR code again
            (:mod:`live.share.status`); None: no share server.
        mirror: the person masks of the mirror (``[mirror]``, :mod:`live.app.mirror`); None: no
            mirror.

    Attributes:
        visit, swarm, keepsake, presenter: the parts of a frame.
        frames, failed_frames: frames run, and frames that failed (logged; the loop went on).
        quit: the visitor (or a signal) asked to quit.
    """

    def __init__(
        self,
        config: Config,
        scene: Scene,
        display,
        recorder: Recorder,
        mode: DisplayMode = DISPLAYS[DisplayKind.WINDOW],
        start: float = 0.0,
        source: Input | None = None,
        share: ShareCode | None = None,
        status: KioskStatus | None = None,
        mirror: MirrorSource | None = None,
    ):
        self.config = config
        self.swarm = LiveSwarm(config, scene)
        hud = HudState(backend=scene.backend, device=str(scene.device), stats=mode.hud(config))
        self.presenter = Presenter(display, hud, source, share)
        say = self.presenter.say
        self.visit = Visit(config, start, say, config.app.input, mode.mouse(config), mirror)
        self.keepsake = Keepsake(config.record, recorder, say, status)
        self.status = status
        self.quit = False
        self.frames = 0
        self.failed_frames = 0
        self._failed_in_row = 0
        self.apply(self.visit.first_turn(), start)

    @property
    def display(self):
        return self.presenter.display

    @property
    def mirror_following(self) -> bool:
        """The swarm forms the person in front of the camera now (the mirror)."""
        return self.visit.mirror is not None and self.visit.mirror.following

    @property
    def recorder(self) -> Recorder:
        return self.keepsake.recorder

    def close(self) -> None:
        """Stops the view's thread (the run is over)."""
        self.swarm.close()

    def handle(self, event: Event, now: float) -> None:
        """Applies one input event now, outside a frame (a frame applies its own events)."""
        self.apply(self.visit.take([event], now), now)

    def apply(self, turn: Turn, now: float) -> None:
        """Hands what the visitor did (:meth:`Visit.take`, :meth:`Visit.enter_attract`) to the other parts."""
        if turn.target is not None:
            self.swarm.set_target(turn.target, now, turn.plan)
        self.keepsake.apply(turn, self.visit.attract.active, now)
        self.presenter.apply(turn)
        if Command.QUIT in turn.commands:
            self.quit = True

    # -- one frame -----------------------------------------------------------------------
    def frame(self, events: list[Event], now: float, wait_ms: int = 1) -> None:
        """Runs one frame: events, the idle timeout, optimiser steps, render, record, display.

        A failure is logged and the loop goes on; :data:`MAX_FAILED_FRAMES` in a row raise.

        Raises:
            RuntimeError: too many failed frames in a row.
        """
        try:
            self._frame(events, now, wait_ms)
            self._failed_in_row = 0
            if self.status is not None:
                self.status.frame(self.presenter.fps)
        except Exception as exc:
            if self.status is not None:
                self.status.error(f"frame failed: {exc}")
            self.failed_frames += 1
            self._failed_in_row += 1
            if self._failed_in_row == 1 or self._failed_in_row % LOG_EVERY == 0:
                log.exception("frame %d failed (%d in a row): %s", self.frames, self._failed_in_row, exc)
            self.swarm.recover()  # a NaN offset breaks every step: start the swarm again
            if self._failed_in_row >= MAX_FAILED_FRAMES:
                raise RuntimeError(f"{self._failed_in_row} frames in a row failed; last error: {exc}") from exc
        self.frames += 1

    def _frame(self, events: list[Event], now: float, wait_ms: int) -> None:
        visit, presenter = self.visit, self.presenter
        self.apply(visit.take(events, now), now)
        side = presenter.side  # canvas and swarm drawn at the size the screen shows them
        self.swarm.show_at(side)
        visit.show_at(side)
        color, loss, recovered = self.swarm.advance(now, visit.pen())
        presenter.set_swarm(color)
        clip = self.keepsake.keep(self.swarm.shown, loss, recovered, now)  # the clip: drawn from the swarm's state
        if clip is not None:
            visit.guide.exported(clip)
            presenter.exported(clip, now)
        problem = presenter.check_input(now)  # the input's camera lost: for staff, never a red error
        visit.guide.input_lost(problem is not None)
        if self.status is not None:
            self._report(problem, now)
        state = (visit.mode, self.keepsake.recording)
        instruction = visit.instruction(now, presenter.sharing(now))
        presenter.present(visit.canvas.image, loss, instruction, state, now, wait_ms)

    def _report(self, problem, now: float) -> None:
        """Tells the share server how the camera is, and shows the last QR code again when staff
        asked for it."""
        status = self.status
        status.camera(CAMERA_OK if problem is None else CAMERA_LOST)  # ignored without a camera
        if status.take_code_request():
            self.presenter.show_last_code(now)
