"""MediaPipe hand tracking on real footage, HandInput end to end, and the overlay."""

from __future__ import annotations

import dataclasses
import threading
import time

import mediapipe  # pinned: a broken install fails these tests, it does not skip them
import numpy as np
import pytest

from live.config import CameraConfig, HandConfig
from live.input import Command, Pen, Phase
from live.input.camera import Camera, CameraStatus
from live.input.gesture import Pose
from live.input.hand import HAND_CONNECTIONS, Hand, HandTracker, Landmark
from live.input.hand_input import HandInput
from live.input.overlay import HandView, PenView, draw_camera_inset, draw_hand_overlay
from tests.conftest import HANDS, wait_for
from tests.hand_fixtures import FakeWebcam, strokes_of, synthetic

TURNING = HANDS / "open_hand_turning.mp4"
CIRCLE = HANDS / "fingertip_circle.mp4"
needs_footage = pytest.mark.skipif(not TURNING.is_file(), reason="../shared/data/hands/ is absent")


def polled(hand: HandInput) -> HandView:
    """The hand's view after a poll (the events of that poll are dropped)."""
    hand.poll(time.monotonic())
    return hand.view


class TestLandmark:
    def test_names(self):
        assert len(Landmark) == 21 and Landmark.WRIST == 0 and Landmark.INDEX_TIP == 8 and Landmark.PINKY_TIP == 20

    def test_connections_match_mediapipe(self):
        ours = {frozenset(c) for c in HAND_CONNECTIONS}
        theirs = {frozenset(c) for c in mediapipe.solutions.hands.HAND_CONNECTIONS}
        assert ours == theirs


class TestHandTracker:
    @needs_footage
    @pytest.mark.parametrize("complexity", [0, 1])
    def test_finds_the_turning_hand(self, complexity):
        found = total = 0
        with Camera(TURNING, CameraConfig(), loop=False, realtime=False) as cam, HandTracker(
            HandConfig(model_complexity=complexity)
        ) as tracker:
            while (frame := cam.next_frame(timeout=5.0)) is not None:
                hand = tracker.process(frame.image)
                total += 1
                if hand is not None:
                    found += 1
                    assert hand.points.shape == (21, 2) and hand.world.shape == (21, 3)
                    assert (hand.points[:, 0] >= -20).all() and (hand.points[:, 0] <= 660).all()
                    np.testing.assert_array_equal(hand.tip, hand.points[Landmark.INDEX_TIP])
        assert total == 202 and found >= 0.95 * total

    def test_no_hand_is_none(self):
        with HandTracker() as tracker:
            assert tracker.process(np.full((120, 160, 3), 128, np.uint8)) is None

    def test_bad_image(self):
        with HandTracker() as tracker, pytest.raises(ValueError, match="uint8 RGB"):
            tracker.process(np.zeros((10, 10), np.uint8))

    def test_one_thread_only(self):
        errors = []
        with HandTracker() as tracker:
            def other():
                try:
                    tracker.process(np.zeros((64, 64, 3), np.uint8))
                except RuntimeError as exc:
                    errors.append(str(exc))

            t = threading.Thread(target=other)
            t.start()
            t.join()
        assert errors and "thread that created it" in errors[0]

    def test_closed(self):
        tracker = HandTracker()
        tracker.close()
        tracker.close()
        with pytest.raises(RuntimeError, match="closed"):
            tracker.process(np.zeros((64, 64, 3), np.uint8))


@needs_footage
class TestPosesOnPhotos:
    """The pose thresholds against real hands: curled fingers measure 0.54-0.83 here, open ones 1.35-1.47."""

    @pytest.mark.parametrize("complexity", [0, 1])
    @pytest.mark.parametrize(
        "name, expected",
        [("open_hand_frame.png", Pose.OPEN), ("thumb_up.jpg", Pose.FIST), ("thumbs_up_large.png", Pose.FIST)],
    )
    def test_photo(self, name, expected, complexity):
        import cv2

        from live.input.gesture import classify

        image = np.ascontiguousarray(cv2.imread(str(HANDS / name))[:, :, ::-1])  # BGR -> RGB
        with HandTracker(HandConfig(model_complexity=complexity)) as tracker:
            hand = tracker.process(image)
        assert hand is not None
        assert classify(hand, HandConfig()) is expected  # a thumbs-up is a fist: the thumb is not looked at


class TestHandInput:
    @needs_footage
    def test_video_file_gives_submit_and_a_view(self):
        with HandInput(CameraConfig(loop_video=False), HandConfig(), 224, source=TURNING, realtime=False) as hand:
            events: list = []
            assert wait_for(lambda: events.extend(hand.poll(0.0)) or Command.SUBMIT in events, timeout=30)
            view = polled(hand)
            assert view.frame is not None and len(view.hands) == 1 and view.hands[0].hand is not None
            assert view.hands[0].pose is Pose.OPEN and view.camera is CameraStatus.OK
            assert strokes_of(events) == [] and not view.drawing
            assert hand.tracking_ms is not None and hand.tracking_ms > 0
            assert events.count(Command.SUBMIT) == 1 and hand.error == ""

    @needs_footage
    def test_poll_does_not_wait_for_tracking(self):
        with HandInput(CameraConfig(), HandConfig(), 224, source=TURNING) as hand:
            assert hand.ready(timeout=20)
            times = []
            for _ in range(100):
                start = time.perf_counter()
                hand.poll(0.0)
                times.append(time.perf_counter() - start)
                time.sleep(0.005)
        # a poll copies a few references; MediaPipe's ~4 ms per frame runs in the other thread
        assert np.median(times) < 0.001, np.median(times)

    @needs_footage
    def test_ready(self):
        with HandInput(CameraConfig(), HandConfig(), 224, source=CIRCLE) as hand:
            assert hand.ready(timeout=20)
            assert polled(hand).frame is not None

    def test_lost_camera_is_reported_not_raised(self):
        cfg = CameraConfig(lost_after_s=0.1, retry_s=0.05, retry_max_s=0.1)
        with HandInput(cfg, HandConfig(), 224, source=0, opener=lambda src: FakeWebcam(frames=3, delay=0.005)) as hand:
            assert wait_for(lambda: polled(hand).camera is CameraStatus.LOST, timeout=5)
            view = polled(hand)
            assert view.hands == ()
            assert hand.status().text.startswith("camera lost") and hand.status().over == "camera back"
            # and it comes back: the opener gives a fresh capture with new frames
            assert wait_for(lambda: polled(hand).camera is CameraStatus.OK, timeout=5)
            assert hand.status() is None


class TestOverlay:
    def view(self, **changes) -> HandView:
        from live.input.camera import Frame

        frame = Frame(np.full((360, 640, 3), 200, np.uint8), 0, 0.0, False)
        points = np.stack([np.linspace(250, 390, 21), np.linspace(100, 260, 21)], axis=1)
        hand = Hand(points, np.zeros((21, 3)), "Right", 1.0)
        return HandView(frame=frame, hands=(PenView(0, hand, tip=(390.0, 260.0), drawing=True),), **changes)

    def test_draws_dimmed_picture_skeleton_and_trail(self):
        display = np.zeros((300, 400, 3), np.uint8)
        draw_hand_overlay(display, self.view(), (50, 20, 256, 256), strokes=[[(10.0, 200.0), (200.0, 200.0)]])
        assert display[:20].max() == 0 and display[:, :50].max() == 0  # outside the rect untouched
        inside = display[20:276, 50:306]
        assert np.median(inside) == pytest.approx(80, abs=2)  # 200 dimmed by 0.4
        assert (inside[int(200 * 256 / 224), 100] != inside[10, 100]).any()  # the trail
        assert inside.max() > 200  # skeleton and tip are brighter than the dimmed picture

    def test_camera_lost_draws_no_error_for_visitors(self):
        display = np.zeros((200, 200, 3), np.uint8)
        draw_hand_overlay(display, HandView(camera=CameraStatus.LOST, message="cannot open the webcam"))
        assert not display.any()  # issue 17: no red banner; the instruction changes instead

    def test_progress_shown(self):
        a = np.zeros((200, 200, 3), np.uint8)
        b = a.copy()
        draw_hand_overlay(a, HandView(hands=(PenView(0, pose=Pose.OPEN, submit_progress=0.0),)))
        draw_hand_overlay(b, HandView(hands=(PenView(0, pose=Pose.OPEN, submit_progress=0.5),)))
        assert (a != b).any()

    def test_picture_in_picture_leaves_banner_and_progress_to_the_canvas(self):
        """In a kiosk the canvas shows them full size; the corner picture must not repeat them."""
        display = np.zeros((200, 200, 3), np.uint8)
        view = HandView(camera=CameraStatus.LOST, hands=(PenView(0, pose=Pose.OPEN, submit_progress=0.5),))
        draw_camera_inset(display, view, (100, 100, 100, 100))
        assert display.max() == 0
        draw_hand_overlay(display, view, (100, 100, 100, 100))
        assert display.max() > 0

    def test_bad_rect(self):
        with pytest.raises(ValueError, match="must lie inside"):
            draw_hand_overlay(np.zeros((100, 100, 3), np.uint8), HandView(), (50, 50, 100, 100))

    def test_picture_can_be_left_out(self):
        display = np.zeros((256, 256, 3), np.uint8)
        view = self.view()
        draw_hand_overlay(display, dataclasses.replace(view, hands=()), picture=False)
        assert display.max() == 0  # no camera pixel reached the display
        draw_hand_overlay(display, view, picture=False)
        assert display.max() > 0 and np.median(display) == 0  # the skeleton only


class TestHandInputFailures:
    def test_a_failing_frame_is_logged_and_tracking_goes_on(self, monkeypatch):
        from live.input import hand_input

        calls = {"n": 0}
        real = HandTracker.find

        def flaky(self, image):
            calls["n"] += 1
            if calls["n"] == 2:
                raise RuntimeError("one bad frame")
            return real(self, image)

        monkeypatch.setattr(HandTracker, "find", flaky)
        with hand_input.HandInput(
            CameraConfig(), HandConfig(), 224, source=0, opener=lambda src: FakeWebcam(delay=0.01)
        ) as hand:
            assert wait_for(lambda: hand.frames >= 5, timeout=10)
            assert hand.error == ""

    def test_tracking_that_keeps_failing_stops_and_says_why(self, monkeypatch):
        def broken(self, image):
            raise RuntimeError("graph broke")

        monkeypatch.setattr(HandTracker, "find", broken)
        with HandInput(CameraConfig(), HandConfig(), 224, source=0, opener=lambda src: FakeWebcam(delay=0.001)) as hand:
            assert wait_for(lambda: hand.error != "", timeout=10)
            assert "graph broke" in polled(hand).message and "graph broke" in hand.status().text


class TestHandInputEvents:
    """HandInput as the loop's pen: the events between polls, driven by a scripted gesture stream."""

    def make(self, monkeypatch, hands, **config):
        """A HandInput whose tracker returns ``hands`` in turn (then none), on a fake webcam; an item
        is a hand, None, or a list of hands."""
        script = iter(hands)

        def find(self, image):
            got = next(script, None)
            return [] if got is None else got if isinstance(got, list) else [got]

        monkeypatch.setattr(HandTracker, "find", find)
        config = HandConfig(**{"release_s": 0.0, "clear_hold_s": 0.05, **config})  # frames come every few ms
        return HandInput(
            CameraConfig(), config, 224, source=0, mirror=False, opener=lambda src: FakeWebcam(shape=(480, 640, 3))
        )

    def collect(self, hand: HandInput, until) -> list:
        """Polls until ``until(hand)``; returns every event seen."""
        events: list = []
        assert wait_for(lambda: events.extend(hand.poll(time.monotonic())) or until(hand), timeout=10)
        return events + hand.poll(time.monotonic())

    def test_events_replay_the_strokes(self, monkeypatch):
        hands = [synthetic("pointing", (200 + 10 * i, 200)) for i in range(20)]
        hands += [None] * 3
        hands += [synthetic("pointing", (250, 300 + 10 * i)) for i in range(20)]
        with self.make(monkeypatch, hands) as hand:
            events = self.collect(hand, lambda h: h.frames >= len(hands) + 5)
        phases = [e.phase for e in events]
        assert phases.count(Phase.DOWN) == 2
        assert phases.count(Phase.UP) == 2  # the hand vanished, then the script ran out
        assert all(isinstance(e, Pen) and e.pen == 0 for e in events)
        first, second = strokes_of(events)
        step = HandConfig().step
        for stroke in (first, second):
            gaps = np.linalg.norm(np.diff(np.array(stroke), axis=0), axis=1)
            assert len(stroke) > 5 and gaps.max() <= step + 1e-9  # filled in, never a jump
        xs, ys = np.array(first).T
        assert np.all(np.diff(xs) >= 0) and xs[-1] - xs[0] > 30 and np.ptp(ys) < 3  # left to right
        xs, ys = np.array(second).T
        assert np.all(np.diff(ys) >= 0) and ys[-1] - ys[0] > 30 and np.ptp(xs) < 3  # then down, not joined

    def test_fist_clears_in_order(self, monkeypatch):
        hands = [synthetic("pointing", (200 + 10 * i, 200)) for i in range(10)]
        hands += [synthetic("fist", (300, 200))] * 40
        with self.make(monkeypatch, hands) as hand:
            events = self.collect(hand, lambda h: h.frames >= len(hands) + 2)
        kinds = [e.phase if isinstance(e, Pen) else e for e in events]
        assert kinds[0] is Phase.DOWN and kinds[-2:] == [Phase.UP, Command.CLEAR]
        assert strokes_of(events) == []

    def test_pointing_then_palm_then_fist(self, monkeypatch):
        hands = [synthetic("pointing", (200 + 10 * i, 200)) for i in range(10)]
        hands += [synthetic("open", (300, 200))] * 40
        hands += [synthetic("pointing", (250, 300 + 10 * i)) for i in range(10)]
        hands += [synthetic("fist", (300, 300))] * 40
        with self.make(monkeypatch, hands, submit_hold_s=0.05) as hand:
            events = self.collect(hand, lambda h: h.frames >= len(hands) + 2)
            assert hand.view.frame is not None
        kinds = [e.phase if isinstance(e, Pen) else e for e in events]
        down = [i for i, k in enumerate(kinds) if k is Phase.DOWN]
        assert len(down) == 2
        assert kinds.count(Command.SUBMIT) == 1 and kinds.count(Command.CLEAR) == 1
        # down, moves, up, then submit; again, then clear
        first_up = kinds.index(Phase.UP)
        assert down[0] == 0 and all(k is Phase.MOVE for k in kinds[1:first_up])
        assert kinds[first_up + 1] is Command.SUBMIT and kinds[first_up + 2] is Phase.DOWN
        assert kinds[-2:] == [Phase.UP, Command.CLEAR]
        assert all(isinstance(e, (Pen, Command)) for e in events)

    def test_two_hands_draw_with_their_own_pens(self, monkeypatch):
        """MediaPipe's list order flips; each hand keeps its pen; one leaves, the other goes on."""
        frames = []
        for i in range(30):
            left = synthetic("pointing", (150 + 5 * i, 200))
            right = synthetic("pointing", (450, 150 + 5 * i))
            frames.append(([right, left] if i % 2 else [left, right]) if i < 15 else [right])
        with self.make(monkeypatch, frames, max_hands=2, release_s=0.02) as hand:
            events = self.collect(hand, lambda h: h.frames >= len(frames) + 30)
        pens = {e.pen for e in events}
        assert pens == {0, 1}
        for pen in pens:
            mine = [e for e in events if e.pen == pen]
            assert [e.phase for e in mine].count(Phase.DOWN) == 1 and mine[-1].phase is Phase.UP
            (stroke,) = strokes_of(mine)
            xs, ys = np.array(stroke).T
            assert np.ptp(ys if pen == 0 else xs) < 3  # pen 0 went right, pen 1 down: never a jump across
        ups = [i for i, e in enumerate(events) if e.phase is Phase.UP]
        moves_1 = [i for i, e in enumerate(events) if e.pen == 1 and e.phase is Phase.MOVE]
        assert events[ups[0]].pen == 0 and moves_1[-1] > ups[0]  # pen 1 drew on after pen 0 left

    def test_a_command_from_two_hands_at_once_is_given_once(self, monkeypatch):
        frames = [[synthetic("open", (150, 200)), synthetic("open", (450, 200))]] * 30
        with self.make(monkeypatch, frames, max_hands=2, submit_hold_s=0.05) as hand:
            events = self.collect(hand, lambda h: h.frames >= len(frames) + 2)
        assert events.count(Command.SUBMIT) == 1
