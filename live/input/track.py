"""``live track``: the fingertip frame by frame, for setting up a kiosk camera (and for tests).

:func:`track` opens the camera and the hand tracker, and yields one row per frame: the smoothed
index fingertip in source-image pixels (``None`` without a hand), whether a stroke is being drawn,
the pose, the hold progress of the gestures, and the tracking time.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterator, Sequence

from live.config import Config
from live.input.camera import Camera, CameraStatus
from live.input.events import Command
from live.input.gesture import HandGestures
from live.input.hand import HandTracker


def track(
    config: Config, loop: bool = False, max_frames: int | None = None, on_status: Callable[[str], None] = print
) -> Iterator[dict]:
    """Yields one row per frame of ``config.camera.source``, in order, every frame of a file.

    Args:
        config: the ``camera`` and ``hand`` sections are used.
        loop: play a video file again when it ends.
        max_frames: stop after this many frames (``None``: until the source ends).
        on_status: receives one line when the camera opens, is lost or comes back.

    Yields:
        {"frame", "time", "tip" ([x, y] or None), "drawing", "gesture", "submit", "clear",
        "events", "track_ms", "found"}.

    Raises:
        ValueError: a source that cannot be opened at all (an unreadable video file).
    """
    frames = 0
    last_status = None
    with Camera(config.camera.source, config.camera, loop=loop, realtime=False) as camera, HandTracker(
        config.hand
    ) as tracker:
        on_status(f"track: {camera.source} (mirror {'on' if camera.mirrored else 'off'})")
        gestures = HandGestures(config.hand)
        while max_frames is None or frames < max_frames:
            frame = camera.next_frame(timeout=0.5)
            if camera.status is not last_status:
                last_status = camera.status
                if last_status is CameraStatus.LOST:
                    on_status(f"track: camera lost: {camera.message}")
                elif last_status is CameraStatus.OK and frames:
                    on_status("track: camera back")
            if frame is None:
                if camera.status in (CameraStatus.ENDED, CameraStatus.CLOSED):
                    return
                continue
            start = time.perf_counter()
            hand = tracker.process(frame.image)
            track_ms = (time.perf_counter() - start) * 1000.0
            h, w = frame.image.shape[:2]
            update = gestures.update(hand, frame.time, (w, h))
            frames += 1
            yield {
                "frame": frame.index,
                "time": round(frame.time, 4),
                "tip": None if update.tip is None else [round(update.tip[0], 2), round(update.tip[1], 2)],
                "drawing": update.drawing,
                "gesture": update.pose.value,
                "submit": round(update.submit_progress, 3),
                "clear": round(update.clear_progress, 3),
                "events": [e.value for e in update.events if isinstance(e, Command)],
                "track_ms": round(track_ms, 2),
                "found": hand is not None,
            }


def format_row(row: dict) -> str:
    """One row as a human-readable line."""
    tip = row["tip"]
    where = "-" if tip is None else f"{tip[0]:7.1f} {tip[1]:7.1f}"
    extra = "".join(f"  {e.upper()}" for e in row["events"])
    return (
        f"{row['frame']:6d}  tip {where:>15}  {'DRAW' if row['drawing'] else '    '}  "
        f"{row['gesture']:8s} submit {row['submit']:4.2f} clear {row['clear']:4.2f}{extra}"
    )


def tip_errors(rows: Sequence[dict], truth: Sequence[Sequence[float]]) -> list[float]:
    """Distance in pixels from each row's tip to ``truth[frame]`` (infinite where no tip)."""
    errors = []
    for row in rows:
        if row["frame"] < len(truth):
            tx, ty = truth[row["frame"]]
            tip = row["tip"]
            errors.append(float("inf") if tip is None else ((tip[0] - tx) ** 2 + (tip[1] - ty) ** 2) ** 0.5)
    return errors


def summary(rows: Sequence[dict], errors: Sequence[float] = ()) -> list[str]:
    """Closing lines: frames, detection rate, median tracking time, and the error against the truth."""
    if not rows:
        return ["track: no frame was read"]
    found = sum(row["found"] for row in rows)
    lines = [
        f"track: {len(rows)} frames, hand in {found} ({100.0 * found / len(rows):.1f}%), "
        f"tracking {statistics.median(r['track_ms'] for r in rows):.1f} ms per frame (median)"
    ]
    if errors:
        ranked = sorted(errors)
        p95 = ranked[min(len(ranked) - 1, round(0.95 * (len(ranked) - 1)))]
        lines.append(
            f"track: fingertip error over {len(errors)} frames: median {statistics.median(errors):.2f} px, "
            f"95th percentile {p95:.2f} px, max {ranked[-1]:.2f} px"
        )
    return lines
