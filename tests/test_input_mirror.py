"""The mirror's eyes: the square of the picture, smoothing, MediaPipe's selfie segmentation on the
person footage (tests/person_footage.py: drawn, with its true masks), the segmentation thread,
one camera shared with the hand input, and no camera pixel handed out."""

from __future__ import annotations

import threading
from pathlib import Path

import cv2
import numpy as np
import pytest

import tests.person_footage as footage
from live.config import CameraConfig, HandConfig, MirrorConfig
from live.input.camera import Camera
from live.input.hand_input import HandInput
from live.input.mirror import MaskSmoother, MirrorSource, PersonMask, square_of
from live.input.segment import PersonSegmenter
from tests.conftest import wait_for
from tests.test_input_camera import FakeCapture, Opener

PERSON = Path(__file__).resolve().parent / "data" / "person_walk.mp4"
S = 64  # render size of these tests
REGION = 0.9


def true_square(mask: np.ndarray, size: int = S) -> np.ndarray:
    """A frame's true mask (H, W) bool as the mirror sees it: the square, at ``size``, bool."""
    return square_of(mask.astype(np.float32), REGION, size) > 0.5


def iou(a: np.ndarray, b: np.ndarray) -> float:
    union = np.count_nonzero(a | b)
    return np.count_nonzero(a & b) / union if union else 1.0


@pytest.fixture(scope="module")
def truth() -> np.ndarray:
    """(300, S, S) bool: the true mask of every frame of tests/data/person_walk.mp4."""
    return np.stack([true_square(mask) for mask in footage.true_masks()])


class TestSquareOf:
    def test_the_centred_square_the_hand_draws_on(self):
        image = np.zeros((100, 200), np.float32)
        image[5:95, 55:145] = 1.0  # exactly the square: 0.9 of the shorter side, centred
        out = square_of(image, REGION, 30)
        assert out.shape == (30, 30) and out.min() > 0.99
        image[:] = 0.0
        image[5:95, 55:100] = 1.0  # its left half
        half = square_of(image, REGION, 30)
        assert half[:, :14].min() > 0.99 and half[:, 16:].max() < 0.01

    def test_colour(self):
        assert square_of(np.zeros((36, 64, 3), np.uint8), REGION, 16).shape == (16, 16, 3)


class TestMaskSmoother:
    def test_smooths_and_starts_afresh_after_nobody(self):
        smoother = MaskSmoother(4, smoothing=0.25, min_area=0.2)
        ones, zeros = np.ones((4, 4), np.float32), np.zeros((4, 4), np.float32)
        mask, area, present = smoother.update(ones)
        assert np.allclose(mask, 1.0) and area == 1.0 and present
        half = ones.copy()
        half[:, 2:] = 0.0
        mask, area, present = smoother.update(half)
        assert np.allclose(mask[:, :2], 1.0) and np.allclose(mask[:, 2:], 0.25) and area == 0.5 and present
        mask, area, present = smoother.update(zeros)
        assert not present and area == 0.0
        mask, _, _ = smoother.update(half)  # a new person: no ghost of the last one
        assert np.array_equal(mask, half)

    def test_smallest_person(self):
        smoother = MaskSmoother(10, smoothing=0.0, min_area=0.05)
        small = np.zeros((10, 10), np.float32)
        small[0, :4] = 1.0
        assert smoother.update(small)[1:] == (0.04, False)
        small[0, 4] = 1.0
        assert smoother.update(small)[1:] == (0.05, True)

    def test_masks_are_new_arrays(self):
        smoother = MaskSmoother(4, smoothing=0.5, min_area=0.0)
        raw = np.ones((4, 4), np.float32)
        first, _, _ = smoother.update(raw)
        second, _, _ = smoother.update(raw)
        assert first is not raw and second is not first

    @pytest.mark.parametrize("smoothing, area", [(1.0, 0.1), (-0.1, 0.1), (0.5, 1.5)])
    def test_bad_settings(self, smoothing, area):
        with pytest.raises(ValueError, match="smoothing must be in"):
            MaskSmoother(4, smoothing, area)


class TestPersonSegmenter:
    @pytest.mark.parametrize("t", [2.5, 4.0, 5.0, 6.0, 7.0, 8.5])
    def test_finds_the_person(self, t):
        image, mask = footage.render(footage.pose_at(footage.WALK, t), seed=1)
        with PersonSegmenter() as segmenter:
            found = segmenter.segment(square_of(image, REGION, 160))
        assert found.shape == (160, 160) and found.dtype == np.float32 and 0.0 <= found.min() <= found.max() <= 1.0
        assert iou(cv2.resize(found, (128, 128)) > 0.5, true_square(mask, 128)) > 0.85

    def test_an_empty_room_is_nobody(self):
        with PersonSegmenter() as segmenter:
            for seed in range(3):
                image, _ = footage.render(None, seed=seed)
                assert (segmenter.segment(square_of(image, REGION, 160)) > 0.5).mean() < 0.005

    def test_one_thread_and_the_right_pictures(self):
        with PersonSegmenter() as segmenter:
            with pytest.raises(ValueError, match="uint8 RGB"):
                segmenter.segment(np.zeros((8, 8), np.uint8))
            errors = []
            thread = threading.Thread(target=lambda: errors.append(_error(segmenter)))
            thread.start()
            thread.join()
            assert "from the thread that created it" in errors[0]
        with pytest.raises(RuntimeError, match="closed"):
            segmenter.segment(np.zeros((8, 8, 3), np.uint8))


def _error(segmenter: PersonSegmenter) -> str:
    try:
        segmenter.segment(np.zeros((8, 8, 3), np.uint8))
    except RuntimeError as exc:
        return str(exc)
    return ""


class TestMirrorSource:
    def test_every_frame_of_the_footage_against_the_truth(self, truth):
        masks: list[PersonMask] = []
        every = MirrorConfig(max_fps=0.0)
        with MirrorSource(CameraConfig(), every, S, REGION, source=PERSON, loop=False,
                          realtime=False, thread=False) as source:  # fmt: skip
            while source.step(timeout=5.0) is not None:
                masks.append(source.latest())
            stats = source.stats()
        assert [m.frame for m in masks] == list(range(300)) and [m.index for m in masks] == list(range(300))
        there = truth.mean(axis=(1, 2)) >= MirrorConfig().min_area
        found = np.array([m.present for m in masks])
        assert (found == there).mean() > 0.95  # a person is found when, and only when, one is there
        ious = [iou(m.mask > 0.5, truth[m.frame]) for m in masks if there[m.frame] and m.present]
        assert np.mean(ious) > 0.85 and len(ious) > 150
        assert stats["mirror_frames"] == 300 and stats["person_frames"] == found.sum() and stats["seg_ms"] > 0
        for m in masks:  # what the mirror hands out: the mask at the render size, nothing else
            assert m.mask.shape == (S, S) and m.mask.dtype == np.float32
        held = [k for k, v in vars(source).items() if isinstance(v, np.ndarray) and v.ndim == 3]
        assert held == []  # no picture kept

    def test_at_most_max_fps_masks_a_second(self):
        """15 a second from a 25 fps file: every other frame (0.08 s apart; 0.04 is too soon)."""
        with MirrorSource(CameraConfig(), MirrorConfig(max_fps=15.0), S, REGION, source=PERSON, loop=False,
                          realtime=False, thread=False) as source:  # fmt: skip
            times, frames = [], []
            while (now := source.step(timeout=5.0)) is not None:
                times.append(now)
                frames.append(source.latest().frame)
        assert len(times) == 300 and sorted(set(frames)) == list(range(0, 300, 2))
        assert source.frames == 150

    def test_the_thread_makes_masks_for_the_loop(self):
        with MirrorSource(CameraConfig(), MirrorConfig(), S, REGION, source=PERSON, loop=True) as source:
            assert source.ready(timeout=30.0)
            first = source.latest()
            assert first.mask.shape == (S, S)
            with pytest.raises(RuntimeError, match="own thread"):
                source.step()
        assert source.error == ""

    def test_one_camera_feeds_the_hand_and_the_mirror(self):
        """Both models on the same frames: one capture opened, every frame of the file to both."""
        opened = []

        def opener(path):
            opened.append(path)
            return cv2.VideoCapture(str(path))

        camera = Camera(PERSON, CameraConfig(), loop=False, realtime=False, opener=opener)
        with camera:
            hand = HandInput(CameraConfig(), HandConfig(model_complexity=0), 128, feed=camera)
            mirror = MirrorSource(CameraConfig(), MirrorConfig(), S, REGION, feed=camera)
            with mirror, hand:
                assert wait_for(lambda: camera.status.value == "ended", 120.0)
                assert wait_for(lambda: hand.frames == 300 and mirror.frames == 150, 30.0)  # mirror.max_fps
            assert camera.status.value == "ended"  # the inputs left the camera to its owner
        assert len(opened) == 1 and mirror.person_frames > 75

    def test_its_own_camera_lost_is_said_a_shared_one_is_not(self):
        config = CameraConfig(lost_after_s=0.15, retry_s=0.02, retry_max_s=0.1)
        with MirrorSource(
            config, MirrorConfig(), S, REGION, source="0", opener=Opener(FakeCapture(good=3, after="fail"))
        ) as own:
            assert wait_for(lambda: own.status() is not None, 10.0)
            assert own.status().text.startswith("camera lost") and own.status().over == "camera back"
        with Camera(0, config, opener=Opener(FakeCapture(good=3, after="fail"))) as camera:
            with MirrorSource(config, MirrorConfig(), S, REGION, feed=camera) as shared:
                assert wait_for(lambda: camera.status.value == "lost", 10.0)
                assert shared.status() is None  # the hand input says it
