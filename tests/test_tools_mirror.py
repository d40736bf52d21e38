"""``live mirror`` on the person footage (tests/person_footage.py, with its true masks): the swarm's
silhouette against the masks after a second, the lag, a person who jumps aside, an empty room,
the command's lines, summary and errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import tests.person_footage as footage
from live.config import load_config
from live.input.mirror import MirrorSource, square_of
from live.tools.mirror import LagMeter, MirrorRun, iou, measure
from tests.person_footage import Pose

ROOT = Path(__file__).resolve().parents[1]
PERSON = ROOT / "tests" / "data" / "person_walk.mp4"
S = 64
SUMMARY = {"frames", "fps", "iou_mean", "iou_p10", "person_frames", "seg_ms"}


def truth_of(scene=footage.WALK) -> np.ndarray:
    """(F, S, S) bool: the true masks of ``scene`` in the square the mirror shows."""
    return np.stack([square_of(m.astype(np.float32), 0.9, S) > 0.5 for m in footage.true_masks(scene)])


def live(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "live", *args], cwd=ROOT, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def walk():
    """``live mirror``'s summary of the committed footage, in lockstep (2 frames of the swarm per
    camera frame: a 50 fps loop watching a 25 fps camera), measured against the true masks too."""
    truth = truth_of()
    config = load_config(None, {"camera.source": str(PERSON), "render.size": S})
    return measure(config, lockstep=2, truth=truth), truth


class TestWalk:
    def test_the_swarm_forms_the_person_after_a_second(self, walk):
        figures, _ = walk
        assert SUMMARY <= set(figures)
        assert figures["iou_mean"] >= 0.7 and figures["iou_p10"] >= 0.6  # against the masks it follows
        assert figures["truth_iou_mean"] >= 0.7  # and against the person as drawn
        assert figures["measures"] >= 40 and figures["following"] >= 250

    def test_the_person_is_found_when_in_view(self, walk):
        figures, truth = walk
        there = int((truth[::2].mean(axis=(1, 2)) >= 0.03).sum())  # mirror.max_fps: every other frame
        assert figures["mirror_frames"] == 150 and abs(figures["person_frames"] - there) <= 8

    def test_the_lag(self, walk):
        figures, _ = walk
        # the silhouette matches best the newest mask, or the one before (25 fps: 0.04 s)
        assert figures["lag_s"] <= 0.04 and figures["truth_lag_s"] <= 0.08


JUMP = (Pose(0.0, 0.36, 0.28, 0.1), Pose(2.0, 0.36, 0.28, 0.1), Pose(2.04, 0.64, 0.28, 0.1), Pose(4.0, 0.64, 0.28, 0.1))


def test_a_person_who_jumps_aside_is_caught_up_with(tmp_path):
    """The person steps 0.28 of the picture's width aside in one camera frame (2.0 -> 2.04 s):
    the swarm's IoU against them is back above 0.7 within 0.6 s (0.40 s when measured)."""
    video = tmp_path / "jump.mp4"
    footage.write(video, JUMP)
    truth = truth_of(JUMP)
    config = load_config(None, {"render.size": S, "mirror.follow_after_s": 0.5})
    run = MirrorRun(config)
    rows = []
    with MirrorSource(
        config.camera, config.mirror, S, 0.9, source=video, loop=False, realtime=False, thread=False
    ) as source:
        run.follow(source)
        while (now := source.step(timeout=5.0)) is not None:
            for j in range(2):
                run.frame(now + 0.02 * j)
            frame = round(now * footage.FPS)  # against the person as they are now, not as last segmented
            rows.append((frame, iou(run.scene.arranger.silhouette().numpy() > 0.5, truth[frame])))
    run.close()
    jump = 51  # the first frame at the new place
    before = [value for frame, value in rows if 40 <= frame < jump]
    assert min(before) > 0.8 and rows[jump][1] < 0.3  # well formed, then left behind
    back = next(frame for frame, value in rows if frame >= jump and value >= 0.7)
    print(f"caught up after {(back - jump) / footage.FPS:.2f} s")
    assert (back - jump) / footage.FPS <= 0.6


def test_no_person_no_mirror(tmp_path):
    video = tmp_path / "room.mp4"
    footage.write(video, (Pose(0.0, -1.0, 0.3, 0.08), Pose(3.0, -1.0, 0.3, 0.08)))  # nobody in view
    config = load_config(None, {"camera.source": str(video), "render.size": S, "mirror.follow_after_s": 0.0})
    figures = measure(config, lockstep=1)
    assert figures["mirror_frames"] >= 37 and figures["person_frames"] == 0
    assert figures["following"] == 0 and figures["iou_mean"] is None


def test_lag_meter():
    a = np.zeros((4, 4), bool)
    a[:2] = True
    b = ~a
    meter = LagMeter(3)
    meter.add(a, [b, a, b])  # best one step back
    meter.add(a, [b, a])  # too few: not counted
    assert meter.best == 1 and meter.count == 1
    still = LagMeter(3)
    still.add(a, [a, a, a])  # standing still: every step alike, the newest counts
    assert still.best == 0 and LagMeter(2).best is None


class TestCommand:
    def test_lines_a_second_then_the_summary(self):
        done = live("mirror", "--camera", str(PERSON), "--json", "--frames", "400", "--size", str(S))
        assert done.returncode == 0, done.stderr
        rows = [json.loads(line) for line in done.stdout.splitlines()]
        assert len(rows) >= 2 and SUMMARY <= set(rows[-1]) and rows[-1]["frames"] == 400
        assert all({"t", "fps", "following", "person", "iou"} <= set(row) for row in rows[:-1])

    def test_text_lines(self):
        done = live("mirror", "--camera", str(PERSON), "--lockstep", "1", "--frames", "30", "--size", str(S))
        assert done.returncode == 0, done.stderr
        assert done.stdout.splitlines()[-1].startswith("mirror: frames 30, fps ")

    @pytest.mark.parametrize(
        "args, message",
        [
            (["--camera", "/no/such/video.mp4"], "does not exist: check the path"),
            (["--camera", "7", "--set", "camera.lost_after_s=0.3"], "camera 7 does not open"),
            (["--camera", "0", "--lockstep", "2"], "--lockstep needs a video file"),
            (["--camera", str(PERSON), "--frames", "0"], "--frames must be at least 1"),
        ],
    )
    def test_bad_input_is_one_line(self, args, message):
        done = live("mirror", *args)
        assert done.returncode == 2 and done.stdout == ""
        lines = [line for line in done.stderr.splitlines() if line.startswith("live mirror")]
        assert len(lines) == 1 and message in lines[0], done.stderr


def test_the_loop_benchmark_with_the_mirror():
    from live.tools.bench import format_loop, run_loop_bench

    figures = run_loop_bench(frames=200, warmup=20, mirror=True, camera=str(PERSON))
    assert figures["mirror"] and figures["mirror_frames"] > 0 and figures["failed_frames"] == 0
    assert 0 <= figures["following"] <= 200 and "mirror:" in format_loop(figures)
    with pytest.raises(ValueError, match="--mirror needs --camera"):
        run_loop_bench(frames=10, warmup=0, mirror=True)
