"""``live bench --kiosk WxH``: the kiosk's whole frame at a screen size, attract mode and a
fine-pen doodle, composed offscreen (or in the real fullscreen window with ``--window``)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np

from live.config import load_config
from live.display import DisplayKind
from live.tools.bench.loop import LOOP_SETTINGS, LoopProbe, loop_scene

#: The kiosk benchmark's doodle is drawn with a fine pen (``target.brush``, pixels of a 224-pixel
#: canvas): about 190 creatures take part (issue 15's "fine-pen doodle of about 200 creatures").
DOODLE_BRUSH = 4
#: The doodle: a visitor's smiley (face, eyes, mouth, nose, hair) drawn from 0.3 s on and sent.
DOODLE = Path(__file__).resolve().parents[3] / "examples" / "smiley.json"
#: Frames of each kiosk scene before the timed ones (the doodle is drawn and sent within them).
KIOSK_WARMUP = 150


def parse_screen(text: str) -> tuple[int, int]:
    """``WIDTHxHEIGHT`` as two integers.

    Raises:
        ValueError: anything else, or a screen too small for the kiosk (under 64x48).
    """
    width, _, height = text.lower().partition("x")
    try:
        size = int(width), int(height)
    except ValueError:
        raise ValueError(f"--kiosk takes WIDTHxHEIGHT in pixels, e.g. 1920x1080, not '{text}'") from None
    if size[0] < 64 or size[1] < 48 or max(size) > 16384:
        raise ValueError(f"--kiosk {text}: a kiosk screen is 64x48 to 16384x16384 pixels, e.g. 1920x1080")
    return size


def run_kiosk_bench(
    width: int,
    height: int,
    frames: int = 300,
    threads: int | None = None,
    warmup: int = KIOSK_WARMUP,
    window: bool = False,
) -> dict:
    """The kiosk's whole frame at a screen of ``width`` x ``height``: the live loop with the default
    settings (``app.threads`` torch threads) and the kiosk screen, headless (composed offscreen,
    :class:`~live.display.windows.OffscreenKiosk`: the presenter, the canvas and the swarm drawn at
    the panels' side, the band; everything a kiosk does but handing the picture to the window
    system) or, with ``window``, in the real fullscreen kiosk window on ``$DISPLAY`` (frames
    presented, ``app.max_fps`` as a kiosk has it). Two scenes: attract mode (the creatures form
    'DRAW!') and a fine-pen doodle (:data:`DOODLE`, ``target.brush`` =
    :data:`DOODLE_BRUSH`: about 190 creatures), each timed over ``frames`` frames after
    ``warmup`` (the doodle is sent at 2.7 s: frame 81 headless; in a window at least 300 frames
    are left for it).

    Returns:
        ``screen``, ``side`` (the panels' side in pixels), the loop's scene (``size``, ``backend``,
        ``device``, ``threads``), ``window``, and per scene (``attract``, ``doodle``): ``sprites``
        (median), ``ms`` and ``fps`` (median frame), ``mean_fps``, ``show_ms`` (median time the
        display took: composing the screen, and in a window showing it).

    Raises:
        ValueError: fewer than 1 frame, a warm-up too short for the doodle to be sent, or (in a
            window) no X screen, or one of another size.
    """
    if frames < 1 or warmup < 90:
        raise ValueError(f"--frames must be at least 1 and the warm-up 90, got {frames}, {warmup}")

    extra = {} if threads is None else {"app.threads": threads}
    attract = {"fps": 30, "canvas": 224, "events": [], "end": 3600.0}
    figures = {"screen": f"{width}x{height}", "window": window, **loop_scene(load_config(None, extra))}
    counts = (max(warmup, 300) if window else warmup, frames)
    doodle = json.loads(DOODLE.read_text())
    for scene, script, brush in (("attract", attract, {}), ("doodle", doodle, {"target.brush": DOODLE_BRUSH})):
        figures[scene] = _kiosk_scene((width, height), counts, {**extra, **brush}, script, window)
        figures["side"] = figures[scene].pop("side")
    return figures


def _kiosk_mode(screen: tuple[int, int], window: bool, showing: list[float], screens: list):
    """The display mode of :func:`run_kiosk_bench`: a kiosk screen offscreen, or the real kiosk
    window, each timing its :meth:`show` into ``showing`` and listed in ``screens``."""
    from live.display import DisplayMode
    from live.display.windows import KioskDisplay, OffscreenKiosk, _check_screen

    kind = KioskDisplay if window else OffscreenKiosk

    class Timed(kind):
        def show(self, canvas, swarm, hud, wait_ms=1):
            began = time.perf_counter()
            super().show(canvas, swarm, hud, wait_ms)
            showing.append(time.perf_counter() - began)

    def open_kiosk(canvas_side, on_mouse, on_key, ui):
        if window:
            try:
                _check_screen()  # before Qt is touched, which would abort without an X server
            except RuntimeError as exc:
                raise ValueError(f"--window: {exc}") from None
            screens.append(Timed(canvas_side, on_mouse, on_key, ui))
        else:
            screens.append(Timed(*screen, ui))
        return screens[-1]

    if window:
        return DisplayMode(DisplayKind.KIOSK, open_kiosk, windowed=True, unattended=True)
    return DisplayMode(DisplayKind.OFFSCREEN, open_kiosk, unattended=True)


def _kiosk_scene(screen: tuple[int, int], frames: tuple[int, int], extra: dict, script: dict, window: bool) -> dict:
    """One scene of :func:`run_kiosk_bench`: its figures."""
    import tempfile

    from live.app import RunOptions, run_live

    composing: list[float] = []
    screens: list = []
    mode = _kiosk_mode(screen, window, composing, screens)
    warmup = frames[0]
    probe = LoopProbe(warmup, warmup + frames[1])
    with tempfile.TemporaryDirectory(prefix="live-bench-") as folder:
        config = load_config(None, {**LOOP_SETTINGS, **extra, "paths.recordings": folder})
        path = f"{folder}/script.json"
        with open(path, "w") as f:
            json.dump(script, f)
        run_live(config, mode, path, probe.total, RunOptions(on_frame=probe))
    figures = probe.figures()
    shown = screens[-1].screen.layout.size
    if window and shown != screen:
        raise ValueError(f"the X screen is {shown[0]}x{shown[1]}, not {screen[0]}x{screen[1]}: start it at that size")
    return {
        "side": screens[-1].side,
        "sprites": figures["sprites"],
        "ms": round(1e3 / figures["fps"], 2),
        "fps": round(figures["fps"], 1),
        "mean_fps": round(figures["fps_mean"], 1),
        "show_ms": round(float(np.median(composing[warmup:])) * 1e3, 2),
    }


def format_kiosk(figures: dict) -> str:
    where = "a real fullscreen window" if figures["window"] else "headless"
    lines = [f"kiosk {figures['screen']}, panels {figures['side']} px ({figures['backend']}, {figures['device']}, "
             f"{figures['threads']} torch thread(s), loss at {figures['size']} px), {where}:"]  # fmt: skip
    doing = "composing and showing" if figures["window"] else "composing"
    for scene in ("attract", "doodle"):
        s = figures[scene]
        lines.append(
            f"  {scene:<8} N={s['sprites']:>3}: frame {s['ms']:6.2f} ms median ({s['fps']:5.1f} fps; mean "
            f"{s['mean_fps']:5.1f}), of which {doing} the screen {s['show_ms']:5.2f} ms"
        )
    return "\n".join(lines)
