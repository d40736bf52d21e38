"""``live soak``: an unattended day in minutes, headless, with figures once a minute.

Scripted visitors come and go on the wall clock: each cycle two of them draw a shape with the
mouse script and submit it (each submission is recorded and exported when the swarm settles), then
nobody comes for longer than ``app.idle_seconds`` and the installation falls into attract mode.
When the hand footage is present (``../shared/data/hands``), the hand input watches it in a loop
through the camera path as well. Once a minute a line gives fps, RSS, exports and failures; at the
end one JSON object sums it up (:data:`SUMMARY_KEYS`).
"""

from __future__ import annotations

import json
import math
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from live.app.run import RunOptions, run_live
from live.config import Config, override
from live.tools.bench import rss_mb

#: The figures of the final JSON object.
SUMMARY_KEYS = (
    "minutes", "frames", "fps_first", "fps_last", "rss_start_mb", "rss_end_mb", "rss_growth_pct",
    "exports", "failed_exports", "failed_frames", "attract", "input",
)  # fmt: skip
#: Seconds of one visitor cycle: two drawings, then an idle stretch into attract mode.
CYCLE_S = 60.0
#: Idle seconds before attract mode during a soak (the cycle's idle stretch is longer).
IDLE_S = 20.0
#: Shapes the scripted visitors draw, in the script's 224-pixel canvas.
SHAPES = (
    [[112, 70], [80, 40], [40, 60], [45, 110], [112, 180], [179, 110], [184, 60], [144, 40], [112, 70]],
    [[40, 40], [184, 40], [184, 184], [40, 184], [40, 40]],
    [[112, 30], [190, 180], [34, 180], [112, 30]],
    [[30, 112], [194, 112], [112, 112], [112, 30], [112, 194]],
)
#: Footage the hand input loops over during a soak, when present.
HAND_FOOTAGE = Path(__file__).resolve().parents[3] / "shared" / "data" / "hands" / "fingertip_circle.mp4"


def visitor_script(seconds: float, cycle_s: float = CYCLE_S) -> dict:
    """The soak's script (docs/script-format.md) for ``seconds`` of wall time (and one more, so
    the last minute is reported): per cycle, a shape drawn and submitted at 2 % and at 30 % of
    it; the rest is idle."""
    events = []
    for k in range(math.ceil(seconds / cycle_s)):
        for j, at in enumerate((0.02, 0.30)):
            t = k * cycle_s + at * cycle_s
            if t + 2.0 >= seconds:
                break
            events.append({"t": t, "stroke": SHAPES[(2 * k + j) % len(SHAPES)], "duration": 1.0})
            events.append({"t": t + 1.5, "key": "s"})
    return {"fps": 30, "canvas": 224, "end": seconds + 1.0, "events": events}  # past the last minute's line


@dataclass
class Minutes:
    """Figures gathered after each frame and reported once per ``minute_s``."""

    minute_s: float
    report: Callable[[dict], None]
    start: float = field(default_factory=time.monotonic)
    rows: list[dict] = field(default_factory=list)
    attracts: int = 0
    """Times the installation fell into attract mode."""
    _frames_before: int = 0
    _mode: str = "attract"

    def __call__(self, install, seconds: float) -> None:
        mode = install.presenter.hud.mode
        if mode != self._mode:
            self.attracts += mode == "attract"
            self._mode = mode
        now = time.monotonic()
        if now - self.start < (len(self.rows) + 1) * self.minute_s:
            return
        recorder = install.recorder
        frames = install.frames - self._frames_before
        self._frames_before = install.frames
        row = {
            "minute": len(self.rows) + 1,
            "frames": frames,
            "fps": round(frames / self.minute_s, 1),
            "rss_mb": round(rss_mb(), 1),
            "exports": len(recorder.exported),
            "failed_exports": recorder.failures,
            "failed_frames": install.failed_frames,
            "attract": self.attracts,
        }
        self.rows.append(row)
        self.report(row)


def soak_config(config: Config, hand: bool, scale: float = 1.0) -> Config:
    """``config`` as a soak runs it: attract mode after :data:`IDLE_S` (times ``scale``) idle
    seconds, and the hand input on the looped footage when ``hand``; the changes are checked
    as ``--set`` would check them, so the input is the real :class:`~live.config.InputKind`.

    Raises:
        ValueError: hand footage asked for but missing.
    """
    if hand and not HAND_FOOTAGE.is_file():
        raise ValueError(f"hand footage '{HAND_FOOTAGE}' is missing: soak without the hand")
    changes = {"app.idle_seconds": IDLE_S * scale, "app.input": "hand" if hand else "mouse"}
    if hand:
        changes.update({"camera.source": str(HAND_FOOTAGE), "camera.loop_video": True})
    return override(config, changes)


def soak(
    config: Config,
    minutes: float,
    report: Callable[[dict], None] = lambda row: None,
    minute_s: float = 60.0,
    hand: bool | None = None,
) -> dict:
    """Runs the installation headless for ``minutes`` (of ``minute_s`` seconds) of wall time with
    scripted visitors; returns the summary (:data:`SUMMARY_KEYS`).

    Args:
        config: every setting; ``app.idle_seconds`` is set to :data:`IDLE_S` (scaled with
            ``minute_s``) so that each cycle ends in attract mode.
        minutes: length of the soak; the first minute is warm-up for ``rss_start_mb``.
        report: called with each minute's figures.
        minute_s: seconds in a minute (tests shorten it).
        hand: also loop the hand footage through the camera path (default: when it exists).

    Raises:
        ValueError: minutes not positive, or hand footage asked for but missing.
    """
    if not minutes > 0:
        raise ValueError(f"--minutes must be positive, got {minutes}")
    scale = minute_s / 60.0
    hand = HAND_FOOTAGE.is_file() if hand is None else hand
    config = soak_config(config, hand, scale)
    seconds = minutes * minute_s
    tracker = Minutes(minute_s, report)
    with tempfile.TemporaryDirectory(prefix="live-soak-") as tmp:
        script = Path(tmp) / "visitors.json"
        script.write_text(json.dumps(visitor_script(seconds, CYCLE_S * scale)))
        started: list[float] = []

        def clock() -> float:  # the script's time and the minutes start at the first frame
            if not started:
                started.append(time.monotonic())
                tracker.start = started[0]
            return time.monotonic() - started[0]

        options = RunOptions(clock=clock, on_frame=tracker)
        result = run_live(config, "none", script, None, options)
    return _summary(minutes, tracker, result, hand)


def _summary(minutes: float, tracker: Minutes, result, hand: bool) -> dict:
    """The soak's summary (:data:`SUMMARY_KEYS`) from its minutes and the run's result."""
    rows = tracker.rows
    tail = max(1, len(rows) // 6)  # about the first and last 10 minutes of an hour
    first, last = rows[:tail], rows[-tail:]
    rss_start = rows[0]["rss_mb"] if rows else rss_mb()
    rss_end = rows[-1]["rss_mb"] if rows else rss_mb()
    return {
        "minutes": minutes,
        "frames": result.frames,
        "fps_first": round(sum(r["fps"] for r in first) / len(first), 1) if rows else 0.0,
        "fps_last": round(sum(r["fps"] for r in last) / len(last), 1) if rows else 0.0,
        "rss_start_mb": rss_start,
        "rss_end_mb": rss_end,
        "rss_growth_pct": round(100.0 * (rss_end - rss_start) / rss_start, 2) if rss_start else 0.0,
        "exports": len(result.exported),
        "failed_exports": result.failed_exports,
        "failed_frames": result.failed_frames,
        "attract": tracker.attracts,
        "input": "hand+mouse script" if hand else "mouse script",
        "recordings": [str(p) for p in result.exported],
    }


def format_row(row: dict) -> str:
    return (
        f"minute {row['minute']}: {row['fps']} fps, {row['rss_mb']} MB, {row['exports']} exports "
        f"({row['failed_exports']} failed), {row['failed_frames']} failed frames, attract mode {row['attract']} times"
    )
