"""One frame of the installation: input -> target -> optimise -> render -> display/record.

:class:`Installation` holds the session's state (canvas, target, HUD, recording) and runs one
frame per :meth:`Installation.frame`: it applies the input's events (:mod:`live.input.events`:
pens draw on the canvas, commands act), then steps, renders, records and shows.
:func:`live.app.run.run_live` opens the resources and calls it in a loop. Time is passed in
(seconds, once per frame), so tests drive it with a fake clock.
"""

from __future__ import annotations

import logging
import math
import time

import numpy as np

from live.app.canvas import StrokeCanvas
from live.app.state import Attract, Plateau, QuitChord
from live.app.swarm import PoolSizer
from live.config import Config, InputKind
from live.display import HudState, ResultView
from live.display.guide import Guide
from live.input import Command, Event, Input, Pen, Phase, Status
from live.record import Recorder, Source
from live.render.eyes import EyePose, Eyes, canvas_to_ndc
from live.render.view import ViewThread
from live.scene import Scene
from live.share.overlay import ShareCode
from live.target import text_mask

log = logging.getLogger("live.app")

#: A status line stays on screen this long, in seconds.
STATUS_SECONDS = 6.0
#: This many failed frames in a row is not a passing glitch: the loop gives up (exit 1).
MAX_FAILED_FRAMES = 300
#: A repeated per-frame error is logged again every this many frames.
LOG_EVERY = 100
#: Smoothing of the fps shown on the HUD (weight of the newest frame).
FPS_SMOOTHING = 0.05
#: The HUD's fps and loss change at most this often, in seconds (figures that change every
#: frame cannot be read, and a HUD line drawn once is blended in from then on).
HUD_REFRESH_S = 0.25


def result_side(config: Config, scene: Scene) -> int:
    """Side in pixels of each half of the result view (colour | target): the crisp view's
    (``app.window``) when the scene has one, else the render size."""
    return scene.crisp.size if scene.crisp is not None else config.render.size


def result_shape(config: Config, scene: Scene) -> tuple[int, int]:
    """(H, W) of the result view, the frames a :class:`~live.record.Recorder` of it keeps."""
    side = result_side(config, scene)
    return side, 2 * side


class Installation:
    """One session of the installation, a frame at a time.

    Args:
        config: every setting.
        scene: renderer and arranger (:func:`live.scene.build_live`).
        display: where frames go (:mod:`live.display.windows`).
        recorder: keeps the swarm as shown while targets form, and makes the clip of it.
        kiosk: :attr:`Command.QUIT` needs the quit chord.
        start: the clock at start, in seconds.
        source: the input whose overlay the canvas window shows (when the display composes) and
            whose status stays on the HUD while it lasts (e.g. "camera lost"); its events come
            through :meth:`frame`. None: an input that adds nothing.
        share: the QR code of each exported recording, drawn over the canvas for
            ``share.show_seconds`` (:mod:`live.share`); None: no share server.
    """

    def __init__(
        self,
        config: Config,
        scene: Scene,
        display,
        recorder: Recorder,
        kiosk: bool,
        start: float,
        source: Input | None = None,
        share: ShareCode | None = None,
    ):
        app = config.app
        self.config = config
        self.scene = scene
        self.display = display
        self.recorder = recorder
        self.size = config.render.size
        self.canvas = StrokeCanvas(app.window, config.target.brush)
        self.crisp = scene.crisp  # the colour view at display resolution; None: the render's own
        self._drawer = ViewThread(scene.crisp) if scene.crisp is not None else None
        self.view = ResultView(self.size, result_side(config, scene))
        # A pool scene: each target sizes the swarm, creatures grow and shrink (live.app.swarm).
        self.sizer = PoolSizer(config, scene.arranger) if scene.pool else None
        self.chord = QuitChord(app.quit_presses, app.quit_window_s) if kiosk else None
        self.attract = Attract(app.idle_seconds, start)
        self.plateau = Plateau(config.record.plateau_frames, config.record.plateau_tolerance)
        # The HUD is for staff: in a kiosk it starts hidden unless ui.kiosk_hud ('h' shows it).
        stats = config.ui.kiosk_hud if kiosk else app.hud
        self.hud = HudState(backend=scene.backend, device=str(scene.device), stats=stats)
        self.guide = Guide(config.ui, hand=app.input is InputKind.HAND)
        swarm = scene.renderer.swarm
        self.eyes = Eyes(len(swarm), config.swarm.seed, swarm.start.dtype, swarm.device) if config.ui.lively else None
        self._pens: dict[int, tuple[float, float]] = {}  # pens down now: where, in canvas pixels
        self._exported = 0  # recordings exported so far (the guide says where the last one went)
        self.source = source or Input()
        self.share = share
        self._shown = np.zeros((app.window, app.window, 3), np.uint8)  # the canvas with the QR code
        self._input_said: Status | None = None  # the input's problem now on the status line
        self.quit = False
        self.frames = 0
        self.failed_frames = 0
        self._failed_in_row = 0
        self._auto_recording = False
        self._status_at = -np.inf
        self._recorder_status_at = -np.inf
        self._attract_mask = text_mask(app.attract_text, self.size, config.target.font)
        self._last_wall = time.perf_counter()
        self._fps = 0.0  # smoothed frame rate; the HUD shows it every HUD_REFRESH_S
        self._hud_at = -np.inf
        self._set_target(self._attract_mask, start)
        self.hud.mode = "attract"

    def close(self) -> None:
        """Stops the view's thread (the run is over)."""
        if self._drawer is not None:
            self._drawer.close()

    # -- events --------------------------------------------------------------------------
    def say(self, text: str, ok: bool, now: float) -> None:
        """Shows ``text`` on the HUD's status line for a few seconds."""
        self.hud.status, self.hud.status_ok, self._status_at = text, ok, now

    def _set_target(self, mask: np.ndarray, now: float) -> None:
        self.scene.arranger.set_target(mask)
        if self.sizer is not None:
            plan = self.sizer.set_target(mask, now)
            log.info("swarm: %d creatures of radius %.3f (stroke %.1f px)", plan.count, plan.radius, plan.stroke)
        self.view.set_target(mask)
        self.recorder.set_target(mask)  # [record] the drawing shown in the clip's inset
        self.plateau.reset()

    def submit(self, now: float) -> bool:
        """The canvas becomes the target and is cleared; starts a recording when ``record.auto``."""
        mask = self.canvas.mask(self.size)
        if not mask.any():
            self.say("draw something first", False, now)
            return False
        self._set_target(mask, now)
        self.canvas.clear()
        self.attract.active = False
        self.hud.mode = ""
        self.guide.sent()
        if self.config.record.auto:
            self._auto_recording = self.recorder.start()
        return True

    def enter_attract(self, now: float) -> None:
        """Idle too long: clear the canvas, form the attract text, end the recording."""
        log.info("attract mode")
        self.canvas.clear()
        self.recorder.stop()
        self._auto_recording = False
        self._set_target(self._attract_mask, now)
        self.hud.mode = "attract"
        self.guide.attract()
        self._hide_code()

    def act(self, command: Command, now: float) -> None:
        """Carries out ``command`` (in a kiosk, :attr:`Command.QUIT` only as the chord)."""
        self.attract.touch(now)
        log.debug("command %s", command.value)
        if command is Command.SUBMIT:
            self.submit(now)
        elif command is Command.CLEAR:
            self.canvas.clear()
            self.guide.cleared()
            self._hide_code()
        elif command is Command.UNDO:
            self.canvas.undo()
            if self.canvas.empty:
                self.guide.cleared()
        elif command is Command.RECORD:
            if self.recorder.recording:
                self.recorder.stop()
            elif self.attract.active:  # the attract text is not a visitor's drawing: never recorded
                self.say("attract mode is not recorded: draw first", False, now)
            else:
                self._auto_recording = False
                if self.recorder.start():
                    self.say("recording", True, now)
        elif command is Command.EXPORT:
            if not self.recorder.stop():
                self.say("nothing recorded to export", False, now)
        elif command is Command.HUD:
            self.hud.stats = not self.hud.stats
        elif command is Command.QUIT:
            if self.chord is None or self.chord.press(now):
                self.quit = True

    def draw(self, pen: Pen, now: float) -> None:
        """Applies one pen event to the canvas."""
        if pen.phase is Phase.UP:
            self._pens.pop(pen.pen, None)
        else:
            self._pens[pen.pen] = (pen.x, pen.y)
            self.guide.stroke(pen.hand)
        if pen.phase is Phase.DOWN:
            self._hide_code()  # the next visitor never gets the last one's code
            if self.attract.stroke(now):
                self.canvas.clear()
                self.hud.mode = ""
            self.canvas.begin(pen.x, pen.y, pen.pen)
            return
        self.attract.touch(now)
        if pen.phase is Phase.MOVE:
            self.canvas.extend(pen.x, pen.y, pen.pen)
            return
        if self.canvas.drawing_with(pen.pen):  # an input may lift a pen whose stroke the canvas dropped
            self.canvas.extend(pen.x, pen.y, pen.pen)
        self.canvas.end(pen.pen)

    def handle(self, event: Event, now: float) -> None:
        """Applies one input event."""
        if isinstance(event, Pen):
            self.draw(event, now)
        else:
            self.act(event, now)

    # -- one frame -----------------------------------------------------------------------
    def frame(self, events: list[Event], now: float, wait_ms: int = 1) -> None:
        """Runs one frame: events, attract check, optimiser steps, render, record, display.

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
            self.scene.arranger.recover()  # a NaN offset breaks every step: start the swarm again
            if self._failed_in_row >= MAX_FAILED_FRAMES:
                raise RuntimeError(f"{self._failed_in_row} frames in a row failed; last error: {exc}") from exc
        self.frames += 1

    def _frame(self, events: list[Event], now: float, wait_ms: int) -> None:
        for event in events:
            self.handle(event, now)
        if self.attract.due(now):
            self.enter_attract(now)
        arranger = self.scene.arranger
        if self.sizer is not None:
            self.sizer.update(now)  # creatures joining grow, those leaving shrink, in place
        # The view shows the creatures as they stand now (finite: the last step's NaN was
        # recovered from), drawn on its own thread while this frame's step moves them on.
        eyes = self._eyes(now)
        shown = arranger.view_inputs(eyes)  # what the screen shows this frame, and the clip [record]
        if self._drawer is not None:
            self._drawer.start(*shown)
        else:
            self.view.set_color(arranger.color(eyes))
        for _ in range(self.config.app.steps_per_frame):
            loss = arranger.step()
        loss_value = float(loss)  # the HUD shows it
        if arranger.recover(loss_value):  # NaN or inf: the swarm starts again, the loop goes on
            self.plateau.reset()
        if self._drawer is not None:
            self.view.set_color(self._drawer.result())
        recorder = self.recorder
        if recorder.recording:
            self._record(shown, loss_value, now)  # [record]
        wall = time.perf_counter()
        dt, self._last_wall = wall - self._last_wall, wall
        if dt > 0:
            self._fps += FPS_SMOOTHING * (1.0 / dt - self._fps) if self._fps else 1.0 / dt
        changed = math.isfinite(loss_value) != math.isfinite(self.hud.loss)  # a NaN shows, and goes, at once
        if wall - self._hud_at >= HUD_REFRESH_S or changed:  # figures that can be read
            self.hud.fps, self.hud.loss, self._hud_at = self._fps, loss_value, wall
        self.hud.recording = recorder.recording
        status = recorder.status()
        if status is not None and status.at > self._recorder_status_at:
            self._recorder_status_at = status.at
            self.say(status.text, status.ok, now)
        if self.hud.status and now - self._status_at > STATUS_SECONDS:
            self.hud.status = ""
        self._show_input_status(now)
        exported = self.recorder.exported
        if len(exported) > self._exported:
            self._exported = len(exported)
            self.guide.exported(exported[-1])
            if self.share is not None:
                self.share.show_export(exported[-1], now)
        self.hud.instruction = self.guide.instruction(self.attract.left(now))
        canvas = self.canvas.image
        picture = self.source.overlay(canvas) if self.display.composes else canvas
        if self.share is not None and self.display.composes:
            picture = self._with_code(picture, now)
        self.display.show(picture, self.view.image, self.hud, wait_ms)

    # -- the share code ------------------------------------------------------------------
    def _hide_code(self) -> None:
        if self.share is not None:
            self.share.hide()

    def _with_code(self, picture: np.ndarray, now: float) -> np.ndarray:
        """The canvas picture with the QR code over it while it is up (a copy: the canvas itself
        stays the visitor's strokes, and recordings never see the code)."""
        if not self.share.visible(now):
            return picture
        np.copyto(self._shown, picture)
        side = picture.shape[0]
        margin = side // 40
        self.share.draw(self._shown, (margin, margin, picture.shape[1] - 2 * margin, side - 2 * margin), now)
        return self._shown

    def _eyes(self, now: float) -> EyePose | None:
        """Where the eyes look this frame: at a pen that is down, else where each creature heads."""
        if self.eyes is None:
            return None
        pen = None
        if self._pens:
            x, y = next(iter(self._pens.values()))
            pen = canvas_to_ndc(x, y, self.canvas.size)
        radii = self.scene.renderer.radii  # (N, 3) now: a pool's creatures grow and shrink
        return self.eyes.update(self.scene.arranger.centers(), radii, now, pen)

    def _show_input_status(self, now: float) -> None:
        """Keeps the input's problem on the status line while it lasts; says when it is over."""
        status, said = self.source.status(), self._input_said
        if status is not None:
            if status != said or not self.hud.status or self.hud.status == status.text:
                self.say(status.text, False, now)  # new, or kept fresh; another message has its turn first
        elif said is not None and self.hud.status == said.text:
            self.say(said.over, True, now)
        self._input_said = status

    def _record(self, shown: tuple, loss_value: float, now: float) -> None:
        """Offers the swarm as shown (``Arranger.view_inputs``) to the recorder, which draws the
        clip from it; a failure ends that recording, not the frame."""
        try:
            self.recorder.add(shown, Source.SWARM)  # [record] the clip: the swarm alone, never a camera pixel
        except Exception as exc:
            log.exception("recording stopped: %s", exc)
            self.recorder.stop()
            self.say(f"recording stopped: {exc}", False, now)
            return
        if self._auto_recording and self.plateau.update(loss_value):
            log.info("swarm settled after %d frames: exporting", self.plateau.count)
            self.recorder.stop()
