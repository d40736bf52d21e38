"""The frame loop of the installation: input -> target -> optimise -> render -> display/record.

:class:`Installation` holds the session's state (canvas, target, HUD, recording) and runs one
frame per :meth:`Installation.frame`; :func:`run_live` opens the resources in one ExitStack and
loops until the visitor quits, the script ends or ``max_frames`` are done.

Time comes from an injected clock (seconds, called once per frame): the wall clock with windows,
the script's frame clock headless, a fake one in tests.
"""

from __future__ import annotations

import contextlib
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

from live.app.keys import Action, QuitChord, keymap
from live.app.state import Attract, Plateau
from live.config import Config
from live.display import HudState, OffscreenDisplay, ResultView
from live.fit import Scene, build
from live.input import Event, Input, Key, Pen, Phase, StrokeCanvas
from live.record import Recorder, Source
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


class FrameClock:
    """Headless time: the n-th call returns ``n / fps`` seconds (n from 0)."""

    def __init__(self, fps: float):
        self.fps = fps
        self._n = 0

    def __call__(self) -> float:
        now = self._n / self.fps
        self._n += 1
        return now


@dataclass
class RunResult:
    """What a run did."""

    frames: int = 0
    exported: list[Path] = field(default_factory=list)
    failed_exports: int = 0
    failed_frames: int = 0
    quit: bool = False
    """True when the visitor (or the script) quit."""


class Installation:
    """One session of the installation, a frame at a time.

    Args:
        config: every setting.
        scene: renderer and arranger (:func:`live.fit.build`).
        display: where frames go (:mod:`live.display.windows`).
        recorder: keeps the result view while targets form.
        kiosk: the quit key needs the chord; Esc does nothing.
        start: the clock at start, in seconds.
        overlay: the input's ``overlay(canvas image) -> picture`` (see :mod:`live.input`), or
            None to show the canvas as it is.
    """

    def __init__(
        self,
        config: Config,
        scene: Scene,
        display,
        recorder: Recorder,
        kiosk: bool,
        start: float,
        overlay: Callable[[np.ndarray], np.ndarray] | None = None,
    ):
        app = config.app
        self.config = config
        self.scene = scene
        self.display = display
        self.recorder = recorder
        self.size = config.render.size
        self.canvas = StrokeCanvas(app.window, config.target.brush)
        self.view = ResultView(self.size)
        self.keys = keymap(app.quit_key, kiosk)
        self.chord = QuitChord(app.quit_presses, app.quit_window_s) if kiosk else None
        self.attract = Attract(app.idle_seconds, start)
        self.plateau = Plateau(config.record.plateau_frames, config.record.plateau_tolerance)
        self.hud = HudState(backend=scene.backend, device=str(scene.device), stats=app.hud)
        self.overlay = overlay
        self.quit = False
        self.frames = 0
        self.failed_frames = 0
        self._failed_in_row = 0
        self._auto_recording = False
        self._status_at = -np.inf
        self._recorder_status_at = -np.inf
        self._attract_mask = text_mask(app.attract_text, self.size, config.target.font)
        self._last_wall = time.perf_counter()
        self._set_target(self._attract_mask)
        self.hud.mode = "attract"

    # -- events --------------------------------------------------------------------------
    def say(self, text: str, ok: bool, now: float) -> None:
        """Shows ``text`` on the HUD's status line for a few seconds."""
        self.hud.status, self.hud.status_ok, self._status_at = text, ok, now

    def _set_target(self, mask: np.ndarray) -> None:
        self.scene.arranger.set_target(mask)
        self.view.set_target(mask)
        self.plateau.reset()

    def submit(self, now: float) -> bool:
        """The canvas becomes the target and is cleared; starts a recording when ``record.auto``."""
        mask = self.canvas.mask(self.size)
        if not mask.any():
            self.say("draw something first", False, now)
            return False
        self._set_target(mask)
        self.canvas.clear()
        self.attract.active = False
        self.hud.mode = ""
        if self.config.record.auto:
            self._auto_recording = self.recorder.start()
        return True

    def enter_attract(self, now: float) -> None:
        """Idle too long: clear the canvas, form the attract text, end the recording."""
        log.info("attract mode")
        self.canvas.clear()
        self.recorder.stop()
        self._auto_recording = False
        self._set_target(self._attract_mask)
        self.hud.mode = "attract"

    def act(self, action: Action, now: float) -> None:
        if action is Action.SUBMIT:
            self.submit(now)
        elif action is Action.CLEAR:
            self.canvas.clear()
        elif action is Action.UNDO:
            self.canvas.undo()
        elif action is Action.RECORD:
            if self.recorder.recording:
                self.recorder.stop()
            else:
                self._auto_recording = False
                if self.recorder.start():
                    self.say("recording", True, now)
        elif action is Action.EXPORT:
            if not self.recorder.stop():
                self.say("nothing recorded to export", False, now)
        elif action is Action.HUD:
            self.hud.stats = not self.hud.stats
        elif action is Action.QUIT:
            self.quit = True

    def handle(self, event: Event, now: float) -> None:
        """Applies one input event."""
        if isinstance(event, Pen):
            if event.phase is Phase.DOWN:
                if self.attract.stroke(now):
                    self.canvas.clear()
                    self.hud.mode = ""
                self.canvas.begin(event.x, event.y)
            elif event.phase is Phase.MOVE:
                self.attract.touch(now)
                self.canvas.extend(event.x, event.y)
            else:
                self.attract.touch(now)
                self.canvas.extend(event.x, event.y)
                self.canvas.end()
            return
        self.attract.touch(now)
        action = self.keys.get(event.code)
        log.debug("key %d: %s", event.code, action)
        if action is Action.QUIT and self.chord is not None and not self.chord.press(now):
            return
        if action is not None:
            self.act(action, now)

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
            if self._failed_in_row >= MAX_FAILED_FRAMES:
                raise RuntimeError(f"{self._failed_in_row} frames in a row failed; last error: {exc}") from exc
        self.frames += 1

    def _frame(self, events: list[Event], now: float, wait_ms: int) -> None:
        for event in events:
            self.handle(event, now)
        if self.attract.due(now):
            self.enter_attract(now)
        arranger = self.scene.arranger
        for _ in range(self.config.app.steps_per_frame):
            loss = arranger.step()
        self.view.set_color(arranger.color())
        loss_value = float(loss)  # the HUD shows it; the colour copy above has synced already
        recorder = self.recorder
        if recorder.recording:
            self._record(loss_value, now)
        wall = time.perf_counter()
        dt, self._last_wall = wall - self._last_wall, wall
        if dt > 0:
            self.hud.fps += FPS_SMOOTHING * (1.0 / dt - self.hud.fps) if self.hud.fps else 1.0 / dt
        self.hud.loss = loss_value
        self.hud.recording = recorder.recording
        status = recorder.status()
        if status is not None and status.at > self._recorder_status_at:
            self._recorder_status_at = status.at
            self.say(status.text, status.ok, now)
        if self.hud.status and now - self._status_at > STATUS_SECONDS:
            self.hud.status = ""
        picture = self.canvas.image if self.overlay is None else self.overlay(self.canvas.image)
        self.display.show(picture, self.view.image, self.hud, wait_ms)

    def _record(self, loss_value: float, now: float) -> None:
        """Offers the result view to the recorder; a failure ends that recording, not the frame."""
        try:
            self.recorder.add(self.view.image, Source.RESULT)
        except Exception as exc:
            log.exception("recording stopped: %s", exc)
            self.recorder.stop()
            self.say(f"recording stopped: {exc}", False, now)
            return
        if self._auto_recording and self.plateau.update(loss_value):
            log.info("swarm settled after %d frames: exporting", self.plateau.count)
            self.recorder.stop()


@contextlib.contextmanager
def _torch_threads(n: int):
    """Torch's CPU thread count set to ``n`` for the run, restored after."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(before)


@contextlib.contextmanager
def _quit_on_sigterm(install: Installation):
    """SIGTERM (a service manager stopping the kiosk) quits at the end of the frame, so the
    recording in progress is still exported; the previous handler is restored after."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum, frame) -> None:
        log.info("SIGTERM: quitting")
        install.quit = True

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def open_input(config: Config, display_kind: str, script=None) -> tuple[Input, Callable | None]:
    """The input source ``config.app.input`` names, and the mouse handler for the display.

    Raises:
        ValueError: an input that cannot run in this mode.
    """
    if script is not None:
        from live.input.script import ScriptInput

        return ScriptInput(script), None
    if config.app.input == "mouse":
        if display_kind not in ("window", "kiosk"):
            raise ValueError("mouse input needs a window: drop --headless, or give --script FILE")
        from live.input.mouse import MouseInput

        mouse = MouseInput()
        return mouse, mouse.on_mouse
    raise ValueError(f"unknown input '{config.app.input}': use mouse")


def run_live(
    config: Config,
    display_kind: str = "window",
    script_path: str | Path | None = None,
    max_frames: int | None = None,
    clock: Callable[[], float] | None = None,
    frame_times: np.ndarray | None = None,
    scene: Scene | None = None,
    writer=None,
    on_frame: Callable[[Installation], None] | None = None,
) -> RunResult:
    """Runs the installation until quit, the script's end, or ``max_frames``.

    Args:
        config: every setting; ``config.app.kiosk`` picks the kiosk display when
            ``display_kind`` is 'window'.
        display_kind: 'window', 'kiosk', 'offscreen' (composed, not shown) or 'none'.
        script_path: a headless script (docs/script-format.md); its clock drives the run.
        max_frames: stop after this many frames.
        clock: seconds, called once per frame (default: the script's frame clock, else
            ``time.monotonic``).
        frame_times: filled with each frame's wall time in seconds (benchmark), as long as it is.
        scene: a prebuilt scene (default: :func:`live.fit.build`).
        writer: the recorder's writer (tests).
        on_frame: called after each frame, outside its timing (benchmark probes).

    Raises:
        ValueError: a bad script or an input that cannot run in this mode.
        RuntimeError: no screen for a window, or too many failed frames in a row.
    """
    from live.display import open_display
    from live.input.script import load_script

    app = config.app
    if display_kind == "window" and app.kiosk:
        display_kind = "kiosk"
    if max_frames is not None and max_frames < 1:
        raise ValueError(f"--max-frames must be at least 1, got {max_frames}")
    script = load_script(script_path, app.window) if script_path is not None else None
    if clock is None:
        clock = FrameClock(script.fps) if script is not None else time.monotonic
    if script is None and display_kind in ("offscreen", "none") and max_frames is None:
        raise ValueError("a headless run needs --script FILE or --max-frames N to know when to stop")
    scene = scene or build(config)
    result = RunResult()
    headless = display_kind in ("offscreen", "none")
    period = 1.0 / app.max_fps if app.max_fps > 0 and not headless else 0.0
    with contextlib.ExitStack() as stack:
        if app.threads:
            stack.enter_context(_torch_threads(app.threads))
        recorder = stack.enter_context(
            Recorder(config.record, config.paths.recordings, (config.render.size, 2 * config.render.size), writer=writer)
        )
        source, on_mouse = open_input(config, display_kind, script)
        stack.enter_context(contextlib.closing(source))
        display = stack.enter_context(open_display(display_kind, app.window, on_mouse))
        now = clock()
        install = Installation(
            config, scene, display, recorder, kiosk=display_kind == "kiosk", start=now, overlay=getattr(source, "overlay", None)
        )
        finished = getattr(source, "finished", None)
        stack.enter_context(_quit_on_sigterm(install))
        while True:
            began = time.perf_counter()
            if install.frames:
                now = clock()
            events = source.poll(now) + [Key(code) for code in display.keys()]
            install.frame(events, now)
            if period:
                rest = period - (time.perf_counter() - began)
                if rest > 0.001:
                    time.sleep(rest)
            if frame_times is not None and install.frames <= len(frame_times):
                frame_times[install.frames - 1] = time.perf_counter() - began
            if on_frame is not None:
                on_frame(install)
            if install.quit or not display.open:
                result.quit = True
                break
            if max_frames is not None and install.frames >= max_frames:
                break
            if finished is not None and finished(now):
                break
        result.frames = install.frames
        result.failed_frames = install.failed_frames
        recorder.close()  # export what is recorded and wait, before the summary below
        result.exported = list(recorder.exported)
        result.failed_exports = recorder.failures
    return result
