"""Records the hand landmark fixtures of the gesture tests from the shared footage (run once).

    python -m tests.data.record_hand_landmarks   # from the project root, with mediapipe

Writes ``tests/data/hand_landmarks.npz``: for each video, ``<name>_points`` (F, 21, 2) float32
in pixels, ``<name>_world`` (F, 21, 3) float32 in metres (NaN where no hand was found) and
``<name>_time`` (F,) float64 seconds, tracked with ``model_complexity = 0`` (the default when
they were recorded; the gesture tests' figures rest on them).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from live.config import HandConfig
from live.input.camera import Camera
from live.input.hand import HandTracker

ROOT = Path(__file__).resolve().parents[2]

HANDS = ROOT.parent / "shared" / "data" / "hands"
VIDEOS = ("open_hand_turning", "fingertip_circle")


def main() -> None:
    arrays = {}
    for name in VIDEOS:
        points, world, times = [], [], []
        with Camera(HANDS / f"{name}.mp4", mirror=False, loop=False, realtime=False) as camera, HandTracker(
            HandConfig(model_complexity=0)
        ) as tracker:
            while (frame := camera.next_frame(timeout=5.0)) is not None:
                hand = tracker.process(frame.image)
                points.append(np.full((21, 2), np.nan) if hand is None else hand.points)
                world.append(np.full((21, 3), np.nan) if hand is None else hand.world)
                times.append(frame.time)
        arrays[f"{name}_points"] = np.asarray(points, np.float32)
        arrays[f"{name}_world"] = np.asarray(world, np.float32)
        arrays[f"{name}_time"] = np.asarray(times, np.float64)
    out = Path(__file__).with_name("hand_landmarks.npz")
    np.savez_compressed(out, **arrays)
    print(out, out.stat().st_size, "bytes")


if __name__ == "__main__":
    main()
