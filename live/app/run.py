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

from live.app.loop import Installation
from live.app.startline import start_line
from live.config import Config
from live.display import DisplayKind, DisplayMode, display_mode, open_display
from live.input import Input
from live.input.keys import KeyboardInput, keymap
from live.input.kinds import INPUTS
from live.input.mirror import MirrorSource, open_mirror
from live.input.mouse import MouseInput
from live.input.script import Script, ScriptInput, load_script
from live.record import Recorder
from live.record.recorder import Writer
from live.scene import Scene, build_live
from live.service import Notifier
from live.share.overlay import ShareCode
from live.share.status import CAMERA_NONE, KioskStatus

log = logging.getLogger("live.app")


class WallClock:
    """Time with a window: seconds since the run began (a script replayed in a window counts
    its times from there)."""

    def __init__(self) -> None:
        self._start = time.monotonic()

    def __call__(self) -> float:
        return time.monotonic() - self._start


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
    recovered: list[Path] = field(default_factory=list)
    """Recordings a stopped run left (a crash), finished and published by this one."""


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


#: Signals that quit at the end of the frame: a service manager stopping the kiosk (SIGTERM), the
#: terminal or the session going away (SIGHUP).
QUIT_SIGNALS = ("SIGTERM", "SIGHUP")


@contextlib.contextmanager
def _quit_on_signals(install: Installation):
    """SIGTERM and SIGHUP quit at the end of the frame, so the recording in progress is still
    exported; the previous handlers are restored after."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum, frame) -> None:
        log.info("%s: quitting", signal.Signals(signum).name)
        install.quit = True

    previous = {name: signal.signal(getattr(signal, name), stop) for name in QUIT_SIGNALS}
    try:
        yield
    finally:
        for name, handler in previous.items():
            signal.signal(getattr(signal, name), handler)


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
    mirror: MirrorSource | None = None
    """The mirror's masks (``mirror.enabled``), also one of ``source``'s inputs; None: no mirror."""


def open_input(config: Config, display: DisplayMode, script: Script | None = None) -> Inputs:
    """The inputs of a run: the one ``config.app.input`` names (:data:`live.input.kinds.INPUTS`),
    the window's mouse and keyboard, and a headless script.

    With hand input the mouse draws too in a window, and a script plays along with the hand
    (:class:`~live.input.combine.CombinedInput`); a script given with a window plays along with
    its mouse and keyboard.

    Raises:
        ValueError: an input that cannot run in this mode, or a bad camera source.
        ImportError: hand input without mediapipe.
    """
    from live.input.combine import CombinedInput

    spec = INPUTS[config.app.input]
    if spec.needs_window and not display.windowed and script is None:
        raise ValueError(f"{config.app.input} input needs a window: drop --headless, or give --script FILE")
    sources: list[Input] = [] if spec.open is None else [spec.open(config, display.unattended)]
    try:
        mirror = open_mirror(config, sources)  # one camera with the hand input
    except Exception:  # nothing opened is left running
        for opened in sources:
            opened.close()
        raise
    sources = sources if mirror is None else [mirror, *sources]  # closed before the camera's owner
    mouse = keyboard = None
    if script is not None:
        sources.append(ScriptInput(script))
    if display.windowed:
        mouse, keyboard = MouseInput(), display.keyboard(config.app)
        sources += [mouse, keyboard]
    source = sources[0] if len(sources) == 1 else CombinedInput(*sources)
    return Inputs(source, mouse, keyboard, mirror)


@dataclass(frozen=True)
class RunOptions:
    """The seams of a run for tests and benchmarks; ``live run`` uses none of them."""

    clock: Callable[[], float] | None = None
    """Seconds, called once per frame (default: headless, the script's frame clock; with a window,
    :class:`WallClock`)."""
    scene: Scene | None = None
    """A prebuilt scene (default: :func:`live.scene.build_live`)."""
    writer: Writer | None = None
    """The recorder's file writer (default: the MP4 when ``record.mp4``, and the GIF)."""
    on_frame: Callable[[Installation, float], None] | None = None
    """Called after each frame, outside its timing, with the frame's wall time in seconds."""


def run_live(
    config: Config,
    display_kind: DisplayKind | str | DisplayMode = DisplayKind.WINDOW,
    script_path: str | Path | None = None,
    max_frames: int | None = None,
    options: RunOptions | None = None,
) -> RunResult:
    """Runs the installation until quit, the script's end, or ``max_frames``.

    Args:
        config: every setting; ``config.app.kiosk`` picks the kiosk display when
            ``display_kind`` is 'window' (:func:`live.display.display_mode`).
        display_kind: where frames go (:class:`~live.display.DisplayKind`, or its name), or a
            display mode of one's own (``live bench --kiosk``: a kiosk screen composed offscreen).
        script_path: a script (docs/script-format.md): headless, its frame clock drives the run;
            with a window it is replayed on the wall clock, alongside the mouse and keyboard.
        max_frames: stop after this many frames.
        options: seams for tests and benchmarks.

    Raises:
        ValueError: a bad script or an input that cannot run in this mode.
        RuntimeError: no screen for a window, the display lost mid-run (what was recorded is
            left on disk for the next start to publish), or too many failed frames in a row.
    """
    options = options or RunOptions()
    mode = display_kind if isinstance(display_kind, DisplayMode) else display_mode(display_kind, config)
    script = _load_script(config, script_path)
    _check_end(config, mode, script, max_frames)
    clock = options.clock or (FrameClock(script.fps) if script is not None and not mode.windowed else WallClock())
    scene = options.scene or build_live(config)
    with contextlib.ExitStack() as stack:
        start = clock()
        install, source = _open(stack, config, mode, script, scene, start, options.writer)
        max_fps = config.app.max_fps if mode.windowed else 0.0
        notifier = stack.enter_context(Notifier())
        quit = _run_frames(install, source, clock, start, max_fps, max_frames, options.on_frame, notifier)
        notifier.stopping()
        result = _finish(install, source, quit)
    if install.display.lost:
        raise RuntimeError(
            f"the display was lost ({install.display.lost}) after {result.frames} frames; "
            f"{len(result.exported)} recording(s) written, the rest kept for the next start: "
            "start the X session again (the service restarts live)"
        )
    return result


def _load_script(config: Config, path: str | Path | None) -> Script | None:
    """The headless script at ``path``, its keys those of a window (never a kiosk), or None."""
    if path is None:
        return None
    return load_script(path, config.app.window, keymap(config.app.quit_key, kiosk=False))


def _check_end(config: Config, display: DisplayMode, script: Script | None, max_frames: int | None) -> None:
    """Refuses a run that could never end (headless, with nothing to stop it) or a bad limit.

    Raises:
        ValueError: the limit is below 1, or a headless run has no end.
    """
    if max_frames is not None and max_frames < 1:
        raise ValueError(f"--max-frames must be at least 1, got {max_frames}")
    if script is None and not display.windowed and max_frames is None and not ends_by_itself(config):
        raise ValueError(
            "--headless needs --script FILE or --max-frames N to know when to stop (docs/script-format.md) "
            "(or --input hand with a video file and camera.loop_video=false)"
        )


def _open(
    stack: contextlib.ExitStack,
    config: Config,
    mode: DisplayMode,
    script: Script | None,
    scene: Scene,
    now: float,
    writer: Writer | None,
) -> tuple[Installation, Input]:
    """Opens the run's resources on ``stack`` (torch threads, recorder, inputs, display, share
    server, SIGTERM) and the installation that uses them; returns it and the input it polls."""
    app = config.app
    if app.threads:
        stack.enter_context(_torch_threads(app.threads))
    # [record] the clip: the swarm alone, record.size square, drawn from what the loop offers
    recorder = Recorder(config.record, config.paths.recordings, writer=writer, ambient=config.render.ambient)
    stack.enter_context(recorder)
    inputs = open_input(config, mode, script)
    source = stack.enter_context(inputs.source)
    on_mouse = inputs.mouse.on_mouse if inputs.mouse else None
    on_key = inputs.keyboard.press if inputs.keyboard else None
    display = stack.enter_context(open_display(mode, app.window, on_mouse, on_key, config.ui))
    share, status = _open_share(stack, config, mode)
    install = Installation(config, scene, display, recorder, mode, now, source, share, status, inputs.mirror)
    stack.enter_context(_quit_on_signals(install))
    log.info("%s", start_line(config, mode, scene.backend, str(scene.device), status is not None))
    return install, source


def _open_share(
    stack: contextlib.ExitStack, config: Config, display: DisplayMode
) -> tuple[ShareCode | None, KioskStatus | None]:
    """Starts the share server (``[share]``) on ``stack`` for a run with a screen, or a headless
    ``live run`` (its ``/healthz`` and staff page, for monitoring and tests; the loop benchmark's
    offscreen display gets none). Returns the QR code to draw after each export (with a screen
    only) and the status the loop reports to the server.

    A server that cannot start (port taken, bad host) is logged, and the installation runs on
    without QR codes: visitors can still draw.
    """
    if not config.share.enabled or not display.serves:
        return None, None
    from live.display.text import TextPainter
    from live.share import ShareServer

    camera = CAMERA_NONE if INPUTS[config.app.input].open is None else "starting"
    status = KioskStatus(config.share.loop_stall_s, camera, screen=display.windowed)
    try:
        server = stack.enter_context(ShareServer(config.share, config.paths.recordings, status=status))
    except (OSError, RuntimeError) as exc:
        log.error("no QR codes this run: %s", exc)
        return None, None
    if not display.windowed:
        return None, status
    painter = TextPainter(config.ui.font_path)
    return ShareCode(config.share.show_seconds, server.url_for, config.ui.share_title, painter), status


def _run_frames(
    install: Installation,
    source: Input,
    clock: Callable[[], float],
    now: float,
    max_fps: float,
    max_frames: int | None,
    on_frame: Callable[[Installation, float], None] | None,
    notifier: Notifier,
) -> bool:
    """Frames until quit, ``max_frames`` or the input's end; returns whether the visitor quit.

    The first frame runs at ``now``, each later one at a new ``clock()``. A failing poll (a camera
    glitch) is logged now and then and the frame goes on without events; with ``max_fps`` > 0 a
    frame that finishes early sleeps until its place in a steady ``max_fps`` schedule
    (:class:`Pacer`). systemd hears ``READY=1`` after the
    first frame and ``WATCHDOG=1`` as frames end (:mod:`live.service`): a loop that hangs stops
    the pings.
    """
    pacer = Pacer(max_fps)
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
        if install.frames == 1:
            notifier.ready()
        notifier.ping()
        pacer.wait()
        if on_frame is not None:
            on_frame(install, time.perf_counter() - began)
        if install.quit or not install.display.open:
            return True
        if (max_frames is not None and install.frames >= max_frames) or source.finished(now):
            return False


#: Periods a frame may run late and still be made up by the frames after it (:class:`Pacer`).
CATCH_UP = 3


class Pacer:
    """Frames at ``max_fps`` at most, on a steady schedule: each frame that ends early sleeps until
    its deadline, one period after the last one's, so the rate is ``max_fps`` on average (sleeping
    a period after each frame's end would lose the frame's own sleep overshoot every frame). A
    lone hitch (a frame late by up to :data:`CATCH_UP` periods) is made up by the next frames,
    which do not sleep until the schedule is met again; a frame later than that starts the
    schedule again from now, so slow stretches are not made up for by a burst. ``max_fps`` 0: no
    waiting.
    """

    def __init__(self, max_fps: float, clock: Callable[[], float] = time.perf_counter):
        self.period = 1.0 / max_fps if max_fps > 0 else 0.0
        self._clock = clock
        self._deadline: float | None = None

    def wait(self) -> None:
        """Sleeps until this frame's deadline (the first frame sets the schedule)."""
        if not self.period:
            return
        now = self._clock()
        self._deadline = now if self._deadline is None else self._deadline + self.period
        if now - self._deadline > CATCH_UP * self.period:  # far behind: a new schedule from now
            self._deadline = now
        rest = self._deadline - now
        if rest > 0.0005:
            time.sleep(rest)


def _finish(install: Installation, source: Input, quit: bool) -> RunResult:
    """What the run did; waits for the recorder to export what it holds first."""
    install.close()
    recorder = install.recorder
    # Export what is recorded and wait, before the summary; with the display lost, leave at once
    # (the service restarts live, whose next start publishes what this run recorded).
    recorder.close(export=not install.display.lost)
    return RunResult(
        frames=install.frames,
        exported=list(recorder.exported),
        recovered=list(recorder.recovered),
        failed_exports=recorder.failures,
        failed_frames=install.failed_frames,
        quit=quit,
        input_stats=source.stats(),
    )
