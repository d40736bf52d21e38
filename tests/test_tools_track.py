"""``live track`` on real footage: fingertip accuracy, the ring it draws, flags and errors; the [camera]/[hand]
config."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

from live.config import DEFAULT_CONFIG_PATH, Config, ConfigError, format_config, load_config
from live.input.gesture import CanvasMap
from live.target import stroke_mask
from tests.conftest import HANDS

ROOT = Path(__file__).resolve().parents[1]
CIRCLE = HANDS / "fingertip_circle.mp4"
needs_footage = pytest.mark.skipif(not CIRCLE.is_file(), reason="../shared/data/hands/ is absent")


def live(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "live", *args], cwd=ROOT, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def circle_rows() -> list[dict]:
    if not CIRCLE.is_file():
        pytest.skip("../shared/data/hands/ is absent")
    done = live("track", "--camera", str(CIRCLE), "--json", "--no-mirror")
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines()]


@needs_footage
class TestTrackCircle:
    def test_one_object_per_frame(self, circle_rows):
        assert [r["frame"] for r in circle_rows] == list(range(120))
        assert all({"frame", "tip", "drawing", "gesture"} <= r.keys() for r in circle_rows)
        assert {r["gesture"] for r in circle_rows} == {"open"} and not any(r["drawing"] for r in circle_rows)

    def test_fingertip_follows_the_true_path(self, circle_rows):
        truth = np.array(json.loads(CIRCLE.with_name(CIRCLE.name + ".path.json").read_text()))
        tips = np.array([r["tip"] for r in circle_rows], dtype=np.float64)
        error = np.linalg.norm(tips - truth[: len(tips)], axis=1)
        assert np.median(error) <= 6.0 and np.percentile(error, 95) <= 15.0, (
            np.median(error),
            np.percentile(error, 95),
        )

    def test_trail_is_a_closed_ring(self, circle_rows):
        canvas = 224
        mapping = CanvasMap((640, 480), canvas, load_config().hand.region)
        stroke = [mapping.to_canvas(np.array(r["tip"])) for r in circle_rows]
        mask = stroke_mask([stroke], canvas, load_config().target.brush, canvas)
        ink = (mask > 0.5).astype(np.uint8)
        n_ink, _ = cv2.connectedComponents(ink, connectivity=8)
        n_bg, bg = cv2.connectedComponents(1 - ink, connectivity=4)
        assert n_ink - 1 == 1  # one ring
        assert n_bg - 1 == 2  # outside, and the hole
        cx, cy = (int(round(v)) for v in mapping.to_canvas(np.array([320.0, 240.0])))
        assert ink[cy, cx] == 0 and bg[cy, cx] != bg[0, 0]  # the centre is in the hole

    def test_submit_event_after_one_second(self, circle_rows):
        events = [(r["time"], e) for r in circle_rows for e in r["events"]]
        assert events == [(1.0, "submit")]


@needs_footage
class TestTrackFlags:
    def test_max_frames_and_text_output(self):
        done = live("track", "--camera", str(CIRCLE), "--max-frames", "5", "--model-complexity", "1")
        assert done.returncode == 0, done.stderr
        lines = done.stdout.splitlines()
        assert len(lines) == 5 and lines[0].split()[0] == "0" and "open" in lines[0]
        assert "model_complexity=1" in done.stderr and "5 frames" in done.stderr

    def test_truth_prints_the_error(self):
        truth = str(CIRCLE.with_name(CIRCLE.name + ".path.json"))
        done = live("track", "--camera", str(CIRCLE), "--max-frames", "10", "--truth", truth)
        assert done.returncode == 0, done.stderr
        line = [x for x in done.stderr.splitlines() if "fingertip error over 10 frames" in x]
        assert line and float(line[0].split("median ")[1].split(" px")[0]) < 6.0

    def test_mirror_flips_the_tip(self):
        plain = live("track", "--camera", str(CIRCLE), "--json", "--max-frames", "1", "--no-mirror")
        flipped = live("track", "--camera", str(CIRCLE), "--json", "--max-frames", "1", "--mirror")
        x0 = json.loads(plain.stdout)["tip"][0]
        x1 = json.loads(flipped.stdout)["tip"][0]
        assert x0 + x1 == pytest.approx(640, abs=6)


class TestTrackErrors:
    def test_missing_file_is_one_line(self):
        done = live("track", "--camera", "/no/such/video.mp4")
        assert done.returncode == 2
        assert done.stderr.strip().splitlines()[-1].startswith("live track: error: video file '/no/such/video.mp4'")

    def test_not_a_video_is_one_line(self, tmp_path):
        f = tmp_path / "notes.mp4"
        f.write_text("not a video")
        done = live("track", "--camera", str(f))
        assert done.returncode == 2 and "cannot read video file" in done.stderr.strip().splitlines()[-1]

    def test_bad_truth_file(self, tmp_path):
        bad = tmp_path / "truth.json"
        bad.write_text("{")
        done = live("track", "--camera", "0", "--truth", str(bad))
        assert done.returncode == 2 and "--truth: cannot read" in done.stderr

    def test_bad_model_complexity(self):
        done = live("track", "--camera", "0", "--set", "hand.model_complexity=2")
        assert done.returncode == 2 and "hand.model_complexity" in done.stderr


class TestHandConfig:
    def test_defaults_file_matches(self):
        assert DEFAULT_CONFIG_PATH.read_text() == format_config(Config()) + "\n"

    @pytest.mark.parametrize(
        "key, value, message",
        [
            ("camera.mirror", "yes", "one of 'auto', 'on', 'off'"),
            ("hand.submit_hold_s", 0.0, "out of range"),
            ("hand.curled_ratio", "x", "a number"),
            ("camera.lost_after_s", -1, "out of range"),
        ],
    )
    def test_bad_values_name_the_key(self, key, value, message):
        with pytest.raises(ConfigError, match=message) as info:
            load_config(None, {key: value})
        assert key in str(info.value)

    def test_override(self):
        config = load_config(None, {"camera.source": "clip.mp4", "hand.model_complexity": 1})
        assert config.camera.source == "clip.mp4" and config.hand.model_complexity == 1


def _rows(video: Path, *args: str) -> list[dict]:
    if not video.is_file():
        pytest.skip("../shared/data/hands/ is absent")
    done = live("track", "--camera", str(video), "--json", *args)
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines()]


def _truth(video: Path) -> np.ndarray:
    return np.array(json.loads(video.with_name(video.name + ".path.json").read_text()))


@needs_footage
class TestShippedAccuracy:
    """The shipped ``[hand]`` defaults on fast and two-hand footage (docs/hand.md has the figures)."""

    def test_fast_star_keeps_its_corners(self):
        star = HANDS / "fingertip_star.mp4"
        rows = _rows(star)
        truth = _truth(star)
        assert [r["frame"] for r in rows] == list(range(len(truth)))
        error = np.linalg.norm(np.array([r["tip"] for r in rows], dtype=np.float64) - truth, axis=1)
        assert np.percentile(error, 95) <= 10.0 and error.max() <= 15.0, (np.percentile(error, 95), error.max())

    def test_circle_median(self, circle_rows):
        tips = np.array([r["tip"] for r in circle_rows], dtype=np.float64)
        error = np.linalg.norm(tips - _truth(CIRCLE)[: len(tips)], axis=1)
        assert np.median(error) <= 3.0, np.median(error)

    def test_two_hands_each_keep_their_pen(self):
        video = HANDS / "two_hands.mp4"
        rows = _rows(video, "--set", "hand.max_hands=2")
        truth = _truth(video)  # (frames, 2 hands, 2)
        assert len(rows) == len(truth)
        both = sum(len(r["hands"]) == 2 for r in rows)
        assert both >= 0.95 * len(rows), both
        tips = {}  # pen -> {frame: tip}
        for r in rows:
            for h in r["hands"]:
                tips.setdefault(h["pen"], {})[r["frame"]] = np.array(h["tip"])
        assert sorted(tips) == [0, 1]  # two pens for the whole video: none was lost and renumbered
        owners = set()
        for pen, by_frame in tips.items():
            nearest = {int(np.argmin(np.linalg.norm(truth[f] - tip, axis=1))) for f, tip in by_frame.items()}
            assert len(nearest) == 1, f"pen {pen} swapped hands"  # the same true path in every frame
            (path,) = nearest
            owners.add(path)
            error = [np.linalg.norm(tip - truth[f, path]) for f, tip in by_frame.items()]
            assert np.median(error) <= 10.0, (pen, np.median(error))
        assert owners == {0, 1}

    def test_two_hand_truth_is_summarised(self):
        video = HANDS / "two_hands.mp4"
        if not video.is_file():
            pytest.skip("../shared/data/hands/ is absent")
        truth = str(video.with_name(video.name + ".path.json"))
        done = live(
            "track", "--camera", str(video), "--set", "hand.max_hands=2", "--max-frames", "10", "--truth", truth
        )
        assert done.returncode == 0, done.stderr
        assert "2 hands in 10 frames (100.0%)" in done.stderr
        lines = [x for x in done.stderr.splitlines() if x.startswith("track: path ")]
        assert len(lines) == 2 and all("0 frames nearer another path" in x for x in lines)
        assert len(done.stdout.splitlines()) == 10 and all("| pen " in x for x in done.stdout.splitlines())
