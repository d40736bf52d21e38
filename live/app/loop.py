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
from live.display import DISPLAYS, DisplayKind, DisplayMode, HudState, ResultView
from live.input import Command, Event, Input
from live.record import Recorder
from live.scene import Scene
from live.share.overlay import ShareCode

log = logging.getLogger("live.app")

#: This many failed frames in a row is not a passing glitch: the loop gives up (exit 1).
MAX_FAILED_FRAMES = 300
#: A repeated per-frame error is logged again every this many frames.
LOG_EVERY = 100


def result_shape(config: Config, scene: Scene) -> tuple[int, int]:
    """(H, W) of the result view, the frames a :class:`~live.record.Recorder` of it keeps: the
    crisp view's side (``app.window``), colour | target."""
    side = scene.crisp.size
    return side, 2 * side


class Installation:
    """One session of the installation, a frame at a time.

    Args:
        config: every setting.
        scene: renderer, arranger and crisp view (:func:`live.scene.build_live`).
        display: where frames go (:mod:`live.display.windows`).
        recorder: keeps the result view while targets form.
        mode: the display's mode (:func:`live.display.display_mode`): whether the HUD's figures
            show at start (a kiosk's are for staff).
        start: the clock at start, in seconds.
        source: the input whose overlay the canvas shows and whose status stays on the HUD while
            it lasts; its events come through :meth:`frame`. None: an input that adds nothing.
        share: the QR code of each exported recording; None: no share server.

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
    ):
        self.config = config
        self.swarm = LiveSwarm(config, scene)
        hud = HudState(backend=scene.backend, device=str(scene.device), stats=mode.hud(config))
        side = result_shape(config, scene)[0]  # app.window, whatever the screen
        recorded = ResultView(config.render.size, side, config.render.ambient)
        self.presenter = Presenter(display, recorded, hud, source, share)
        say = self.presenter.say
        self.visit = Visit(config, start, say, config.app.input)
        self.keepsake = Keepsake(config.record, recorder, say)
        self.quit = False
        self.frames = 0
        self.failed_frames = 0
        self._failed_in_row = 0
        self.apply(self.visit.first_turn(), start)

    @property
    def display(self):
        return self.presenter.display

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
            self.swarm.set_target(turn.target, now)
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
        except Exception as exc:
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
        side = presenter.side  # [display] canvas and swarm drawn at the size the screen shows them
        self.swarm.show_at(side)
        visit.show_at(side)
        color, loss, recovered = self.swarm.advance(now, visit.pen())
        shown = self.swarm.shown if self.keepsake.recording else None  # [display] the recording's own size
        clip = self.keepsake.keep(presenter.set_color(color, shown), loss, recovered, now)
        if clip is not None:
            visit.guide.exported(clip)
            presenter.exported(clip, now)
        state = (visit.attract.active, self.keepsake.recording)
        instruction = visit.instruction(now, presenter.sharing(now))
        presenter.present(visit.canvas.image, loss, instruction, state, now, wait_ms)
