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
from live.input.gesture import HandUpdate
from live.input.hand import HandTracker
from live.input.identity import HandPens
from live.tools.accuracy import ErrorStats, Tips, first_tips, follow, tip_errors


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
        "events", "track_ms", "found", "hands"}: "found" is how many hands MediaPipe found;
        "hands" has one {"pen", "tip", "drawing", "gesture", "submit", "clear", "events"} per
        hand in view, by pen (a pen stays with its hand from frame to frame, see
        :class:`~live.input.identity.HandPens`); the fields outside "hands" are those of the
        first of them (no tip when there is none).

    Raises:
        ValueError: a source that cannot be opened at all (an unreadable video file, a webcam
            or a stream that does not open): tracking is for measuring, it does not wait.
    """
    frames = 0
    last_status = None
    with Camera(config.camera.source, config.camera, loop=loop, realtime=False) as camera, HandTracker(
        config.hand
    ) as tracker:
        on_status(f"track: {camera.source} (mirror {'on' if camera.mirrored else 'off'})")
        pens = HandPens(config.hand)
        while max_frames is None or frames < max_frames:
            frame = camera.next_frame(timeout=0.5)
            if camera.status is not last_status:
                last_status = camera.status
                _say_status(camera, frames, on_status)
            if frame is None:
                if camera.status in (CameraStatus.ENDED, CameraStatus.CLOSED):
                    return
                continue
            start = time.perf_counter()
            hands = tracker.find(frame.image)
            track_ms = (time.perf_counter() - start) * 1000.0
            h, w = frame.image.shape[:2]
            per_pen = [_hand_row(pen, update) for pen, update in pens.update(hands, frame.time, (w, h))]
            frames += 1
            first = next((row for row in per_pen if row["tip"] is not None), _hand_row(None, None))
            yield {
                "frame": frame.index,
                "time": round(frame.time, 4),
                **{k: v for k, v in first.items() if k != "pen"},
                "track_ms": round(track_ms, 2),
                "found": len(hands),
                "hands": [row for row in per_pen if row["tip"] is not None],
            }


def _say_status(camera: Camera, frames: int, on_status: Callable[[str], None]) -> None:
    """Says that the camera was lost or came back.

    Raises:
        ValueError: the camera did not open at all (tracking is for measuring: it does not wait).
    """
    if camera.status is CameraStatus.LOST and not frames:
        raise ValueError(
            f"camera {camera.source} does not open ({camera.message.split(';')[0]}): "
            "check --camera (a webcam index, a video file or a stream URL)"
        )
    if camera.status is CameraStatus.LOST:
        on_status(f"track: camera lost: {camera.message}")
    elif camera.status is CameraStatus.OK and frames:
        on_status("track: camera back")


def _hand_row(pen: int | None, update: HandUpdate | None) -> dict:
    """One pen's part of a row (no hand: no tip, pose 'none')."""
    if update is None:
        return {"pen": pen, "tip": None, "drawing": False, "gesture": "none", "submit": 0.0, "clear": 0.0, "events": []}
    tip = update.tip
    return {
        "pen": pen,
        "tip": None if tip is None else [round(tip[0], 2), round(tip[1], 2)],
        "drawing": update.drawing,
        "gesture": update.pose.value,
        "submit": round(update.submit_progress, 3),
        "clear": round(update.clear_progress, 3),
        "events": [e.value for e in update.events if isinstance(e, Command)],
    }


def format_row(row: dict) -> str:
    """One row as a human-readable line (the first hand, then any other after a bar)."""
    tip = row["tip"]
    where = "-" if tip is None else f"{tip[0]:7.1f} {tip[1]:7.1f}"
    extra = "".join(f"  {e.upper()}" for e in row["events"])
    others = "".join(
        f"  | pen {h['pen']} {h['tip'][0]:7.1f} {h['tip'][1]:7.1f} {'DRAW' if h['drawing'] else '    '} {h['gesture']}"
        for h in row["hands"][1:]
    )
    return (
        f"{row['frame']:6d}  tip {where:>15}  {'DRAW' if row['drawing'] else '    '}  "
        f"{row['gesture']:8s} submit {row['submit']:4.2f} clear {row['clear']:4.2f}{extra}{others}"
    )


def row_tracks(rows: Sequence[dict]) -> list[Tips]:
    """Per frame index (from 0 up to the last row's), pen -> tip of every hand in view."""
    tracks: list[Tips] = [{} for _ in range(max((row["frame"] for row in rows), default=-1) + 1)]
    for row in rows:
        tracks[row["frame"]] = {hand["pen"]: (hand["tip"][0], hand["tip"][1]) for hand in row["hands"]}
    return tracks


def summary(rows: Sequence[dict], paths: Sequence[Sequence[Sequence[float]]] | None = None) -> list[str]:
    """Closing lines: frames, detection rate, median tracking time, and the error against the
    true ``paths`` (one per hand, see :func:`~live.tools.accuracy.read_paths`) when given."""
    if not rows:
        return ["track: no frame was read"]
    found = sum(row["found"] > 0 for row in rows)
    lines = [
        f"track: {len(rows)} frames, hand in {found} ({100.0 * found / len(rows):.1f}%), "
        f"tracking {statistics.median(r['track_ms'] for r in rows):.1f} ms per frame (median)"
    ]
    most = max(row["found"] for row in rows)
    if most > 1:
        every = sum(row["found"] == most for row in rows)
        lines.append(f"track: {most} hands in {every} frames ({100.0 * every / len(rows):.1f}%)")
    if not paths:
        return lines
    tracks = row_tracks(rows)
    if len(paths) == 1:
        errors = tip_errors(first_tips(tracks), paths[0])
        if errors:
            lines.append(f"track: fingertip error over {len(errors)} frames: {_stats(errors)}")
        return lines
    for followed in follow(tracks, paths):
        if followed.errors:
            lines.append(
                f"track: path {followed.path}, pen {followed.pen}: error over {len(followed.errors)} frames: "
                f"{_stats(followed.errors)}; {followed.swaps} frames nearer another path"
            )
    return lines


def _stats(errors: Sequence[float]) -> str:
    e = ErrorStats.of(errors)
    return f"median {e.median:.2f} px, 95th percentile {e.p95:.2f} px, max {e.max:.2f} px"
