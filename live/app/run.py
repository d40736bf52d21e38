"""The run: resources opened in one ExitStack, frames until quit, the script's end or a limit.

Time comes from an injected clock (seconds, called once per frame): the wall clock with windows,
the script's frame clock headless, a fake one in tests.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from live.app.loop import Installation
from live.config import Config
from live.display import DisplayKind, open_display
from live.fit import Scene, build
from live.input import Input
from live.input.keys import KeyboardInput, keymap
from live.input.kinds import INPUTS
from live.input.mouse import MouseInput
from live.input.script import Script, ScriptInput, load_script
from live.record import Recorder

log = logging.getLogger("live.app")


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
    input_stats: dict = field(default_factory=dict)
    """The input's figures at the end (hand input: frames tracked, found, ms per frame)."""


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


def ends_by_itself(config: Config) -> bool:
    """True when ``config``'s input ends without a script (a hand seen in a video file that does
    not loop)."""
    return INPUTS[config.app.input].ends(config)


@dataclass(frozen=True)
class Inputs:
    """What a run reads: one source for the loop, and what the display feeds (in a window)."""

    source: Input
    """Every input as one (:class:`~live.input.combine.CombinedInput` when there are several)."""
    mouse: MouseInput | None = None
    """Fed by the display's mouse callback; None without a window."""
    keyboard: KeyboardInput | None = None
    """Fed by the display's key codes; None without a window."""


def open_input(config: Config, display: DisplayKind, script: Script | None = None) -> Inputs:
    """The inputs of a run: the one ``config.app.input`` names (:data:`live.input.kinds.INPUTS`),
    the window's mouse and keyboard, and a headless script.

    With hand input the mouse draws too in a window, and a headless script plays along with the
    hand (:class:`~live.input.combine.CombinedInput`).

    Raises:
        ValueError: an input that cannot run in this mode, or a bad camera source.
        ImportError: hand input without mediapipe.
    """
    from live.input.combine import CombinedInput

    spec = INPUTS[config.app.input]
    if spec.needs_window and not display.windowed and script is None:
        raise ValueError(f"{config.app.input} input needs a window: drop --headless, or give --script FILE")
    kiosk = display is DisplayKind.KIOSK
    sources: list[Input] = [] if spec.open is None else [spec.open(config, kiosk)]
    mouse = keyboard = None
    if script is not None:
        sources.append(ScriptInput(script))
    elif display.windowed:
        mouse, keyboard = MouseInput(), KeyboardInput(keymap(config.app.quit_key, kiosk))
        sources += [mouse, keyboard]
    source = sources[0] if len(sources) == 1 else CombinedInput(*sources)
    return Inputs(source, mouse, keyboard)


def run_live(
    config: Config,
    display_kind: DisplayKind | str = DisplayKind.WINDOW,
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
        display_kind: where frames go (:class:`~live.display.DisplayKind`, or its name).
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
    app = config.app
    display_kind = DisplayKind(display_kind)
    if display_kind is DisplayKind.WINDOW and app.kiosk:
        display_kind = DisplayKind.KIOSK
    if max_frames is not None and max_frames < 1:
        raise ValueError(f"--max-frames must be at least 1, got {max_frames}")
    script = None
    if script_path is not None:
        script = load_script(script_path, app.window, keymap(app.quit_key, kiosk=False))
    if clock is None:
        clock = FrameClock(script.fps) if script is not None else time.monotonic
    if script is None and not display_kind.windowed and max_frames is None and not ends_by_itself(config):
        raise ValueError(
            "a headless run needs --script FILE or --max-frames N to know when to stop "
            "(or hand input from a video file with camera.loop_video=false)"
        )
    scene = scene or build(config)
    result = RunResult()
    period = 1.0 / app.max_fps if app.max_fps > 0 and display_kind.windowed else 0.0
    with contextlib.ExitStack() as stack:
        if app.threads:
            stack.enter_context(_torch_threads(app.threads))
        recorder = stack.enter_context(
            Recorder(
                config.record, config.paths.recordings, (config.render.size, 2 * config.render.size), writer=writer
            )
        )
        inputs = open_input(config, display_kind, script)
        source = stack.enter_context(inputs.source)
        display = stack.enter_context(
            open_display(
                display_kind,
                app.window,
                inputs.mouse.on_mouse if inputs.mouse else None,
                inputs.keyboard.press if inputs.keyboard else None,
                config.ui,
            )
        )
        now = clock()
        install = Installation(config, scene, display, recorder, display_kind is DisplayKind.KIOSK, now, source)
        stack.enter_context(_quit_on_sigterm(install))
        failed_polls = 0
        while True:
            began = time.perf_counter()
            if install.frames:
                now = clock()
            try:
                events = source.poll(now)
            except Exception as exc:  # a camera glitch must not end the installation
                failed_polls += 1
                if failed_polls == 1 or failed_polls % 100 == 0:
                    log.exception("input failed (%d times): %s", failed_polls, exc)
                events = []
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
            if source.finished(now):
                break
        result.frames = install.frames
        result.failed_frames = install.failed_frames
        result.input_stats = source.stats()
        recorder.close()  # export what is recorded and wait, before the summary below
        result.exported = list(recorder.exported)
        result.failed_exports = recorder.failures
    return result
