"""Gesture logic: finger ratios, poses, One Euro filter, hold timers, strokes, on real and synthetic hands."""

from __future__ import annotations

import math

import numpy as np
import pytest

from live.config import HandConfig
from live.input import Command, Pen, Phase
from live.input.gesture import (
    CanvasMap,
    HandGestures,
    HoldTimer,
    OneEuroFilter,
    Pose,
    StrokeBuilder,
    classify,
    fill_in,
    finger_ratios,
)
from tests.hand_fixtures import FIXTURES, recorded, strokes_of, synthetic

FRAME = (640, 480)
CONFIG = HandConfig()
needs_fixtures = pytest.mark.skipif(not FIXTURES.is_file(), reason="tests/data/hand_landmarks.npz is missing")


@needs_fixtures
class TestFingerRatios:
    def test_shape_and_open_hand(self):
        hand, _ = recorded("fingertip_circle")[0]
        ratios = finger_ratios(hand.world)
        assert ratios.shape == (4,)
        assert (ratios > CONFIG.extended_ratio).all()

    def test_fist_is_curled(self):
        ratios = finger_ratios(synthetic("fist").world)
        assert (ratios < CONFIG.curled_ratio).all(), ratios

    def test_pixels_give_the_same_kind_of_answer(self):
        hand, _ = recorded("fingertip_circle")[0]
        assert (finger_ratios(hand.points) > 1.0).all()

    def test_bad_shape_raises(self):
        with pytest.raises(ValueError, match=r"\(21, 2\) or \(21, 3\)"):
            finger_ratios(np.zeros((20, 3)))


@needs_fixtures
class TestClassify:
    def test_no_hand(self):
        assert classify(None, CONFIG) is Pose.NONE

    @pytest.mark.parametrize("pose, expected", [("pointing", Pose.POINTING), ("fist", Pose.FIST), ("half", Pose.OTHER)])
    def test_synthetic(self, pose, expected):
        assert classify(synthetic(pose), CONFIG) is expected

    def test_open_hand_on_footage(self):
        poses = [classify(hand, CONFIG) for hand, _ in recorded("fingertip_circle")]
        assert poses.count(Pose.OPEN) == len(poses)

    def test_turning_hand_is_open_once_it_faces_the_camera(self):
        poses = [classify(hand, CONFIG) for hand, _ in recorded("open_hand_turning")]
        # The first frames show a relaxed hand hanging edge-on: neither open nor a fist.
        assert Pose.FIST not in poses and Pose.POINTING not in poses
        assert poses[40:].count(Pose.OPEN) >= 0.95 * len(poses[40:])


class TestOneEuroFilter:
    def test_first_sample_passes(self):
        f = OneEuroFilter()
        np.testing.assert_allclose(f(np.array([3.0, 4.0]), 0.0), [3.0, 4.0])

    def test_reduces_jitter_at_rest(self):
        rng = np.random.default_rng(0)
        noisy = np.array([100.0, 100.0]) + rng.normal(0, 2.0, (300, 2))
        f = OneEuroFilter(CONFIG.filter_min_cutoff, CONFIG.filter_beta, CONFIG.filter_d_cutoff)
        out = np.array([f(p, i / 30) for i, p in enumerate(noisy)])[30:]
        assert out.std(axis=0).max() < noisy[30:].std(axis=0).min() / 2

    def test_small_lag_when_fast(self):
        f = OneEuroFilter(CONFIG.filter_min_cutoff, CONFIG.filter_beta, CONFIG.filter_d_cutoff)
        speed = 600.0  # pixels per second
        out = [f(np.array([speed * i / 30, 0.0]), i / 30) for i in range(60)]
        lag = speed * 59 / 30 - out[-1][0]
        assert 0 <= lag < 12

    def test_time_that_does_not_advance(self):
        f = OneEuroFilter()
        f(np.array([0.0, 0.0]), 1.0)
        np.testing.assert_allclose(f(np.array([50.0, 50.0]), 1.0), [0.0, 0.0])

    def test_reset(self):
        f = OneEuroFilter()
        f(np.array([0.0, 0.0]), 0.0)
        f.reset()
        np.testing.assert_allclose(f(np.array([9.0, 9.0]), 0.1), [9.0, 9.0])

    def test_bad_settings(self):
        with pytest.raises(ValueError, match="positive cutoffs"):
            OneEuroFilter(min_cutoff=0.0)


class TestHoldTimer:
    def test_progress_and_fires_once(self):
        timer = HoldTimer(1.0)
        fired = [timer.update(True, i / 10) for i in range(25)]
        assert fired.index(True) == 10 and fired.count(True) == 1
        assert timer.progress == 1.0

    def test_release_rearms(self):
        timer = HoldTimer(0.5)
        for i in range(10):
            timer.update(True, i / 10)
        timer.update(False, 1.0)
        assert timer.progress == 0.0
        assert any(timer.update(True, 1.1 + i / 10) for i in range(10))

    def test_short_break_pauses(self):
        timer = HoldTimer(1.0, grace_s=0.2)
        for i in range(6):
            timer.update(True, i / 10)
        timer.update(False, 0.6)
        assert timer.progress == pytest.approx(0.5)
        timer.update(True, 0.7)
        assert timer.progress == pytest.approx(0.7)

    def test_bad_settings(self):
        with pytest.raises(ValueError, match="hold time must be positive"):
            HoldTimer(0.0)


class TestCanvasMap:
    def test_centre_and_corners(self):
        m = CanvasMap((640, 360), 224, 1.0)
        assert m.box == (140.0, 0.0, 360.0)
        assert m.to_canvas(np.array([320.0, 180.0])) == pytest.approx((112.0, 112.0))
        assert m.to_canvas(np.array([140.0, 0.0])) == pytest.approx((0.0, 0.0))

    def test_clamps_outside(self):
        m = CanvasMap((640, 360), 224, 0.9)
        assert m.to_canvas(np.array([0.0, 1000.0])) == (0.0, 223.0)


class TestStrokeBuilder:
    def test_fill_in_keeps_gaps_under_step(self):
        pts = [(0.0, 0.0)] + fill_in((0.0, 0.0), (30.0, 40.0), 3.0)
        gaps = np.linalg.norm(np.diff(np.array(pts), axis=0), axis=1)
        assert gaps.max() <= 3.0 + 1e-9 and pts[-1] == (30.0, 40.0)

    def test_fast_stroke_is_continuous(self):
        b = StrokeBuilder(step=2.0)
        events = [e for i in range(5) for e in b.update((i * 50.0, 10.0), True, i / 30)]
        strokes = strokes_of(events)
        gaps = np.linalg.norm(np.diff(np.array(strokes[0]), axis=0), axis=1)
        assert len(strokes) == 1 and gaps.max() <= 2.0 + 1e-9

    def test_release_ends_and_no_line_joins_strokes(self):
        b = StrokeBuilder(step=3.0, release_s=0.1)
        events = b.update((10.0, 10.0), True, 0.0) + b.update((20.0, 10.0), True, 0.03)
        assert b.update(None, False, 0.1) == []  # still in the break
        assert b.update(None, False, 0.2) == [Pen(Phase.UP, 20.0, 10.0, source="hand")]  # ended, at its last point
        added = b.update((200.0, 200.0), True, 0.3)
        assert added == [Pen(Phase.DOWN, 200.0, 200.0, source="hand")]
        strokes = strokes_of(events + added)
        assert len(strokes) == 2 and strokes[1] == [(200.0, 200.0)]

    def test_a_gap_in_time_ends_the_stroke(self):
        b = StrokeBuilder(step=3.0, release_s=0.1)
        first = b.update((10.0, 10.0), True, 0.0)
        events = b.update((100.0, 100.0), True, 2.0)  # no sample for 2 s
        assert events == [Pen(Phase.UP, 10.0, 10.0, source="hand"), Pen(Phase.DOWN, 100.0, 100.0, source="hand")]
        assert strokes_of(first + events) == [[(10.0, 10.0)], [(100.0, 100.0)]]

    def test_short_break_goes_on(self):
        b = StrokeBuilder(step=3.0, release_s=0.2)
        events = b.update((10.0, 10.0), True, 0.0) + b.update(None, False, 0.1) + b.update((16.0, 10.0), True, 0.15)
        strokes = strokes_of(events)
        assert len(strokes) == 1 and strokes[0][-1] == (16.0, 10.0)

    def test_events_name_the_pen(self):
        b = StrokeBuilder(step=3.0, pen=1)
        assert b.update((10.0, 10.0), True, 0.0) == [Pen(Phase.DOWN, 10.0, 10.0, pen=1, source="hand")]
        assert b.end() == [Pen(Phase.UP, 10.0, 10.0, pen=1, source="hand")] and b.end() == []

    def test_bad_settings(self):
        with pytest.raises(ValueError, match="step must be positive"):
            StrokeBuilder(step=0)


@needs_fixtures
class TestHandGestures:
    def run(self, sequence, frame=FRAME, config=CONFIG):
        g = HandGestures(config, canvas_size=224)
        updates = [g.update(hand, t, frame) for hand, t in sequence]
        return g, updates

    @staticmethod
    def strokes(updates):
        return strokes_of([e for u in updates for e in u.events])

    @staticmethod
    def ups(update) -> int:
        return sum(isinstance(e, Pen) and e.phase is Phase.UP for e in update.events)

    def test_open_hand_footage_submits_once_and_never_draws(self):
        g, updates = self.run(recorded("open_hand_turning"), (640, 360))
        events = [(u.time, e) for u in updates for e in u.events]
        assert [e for _, e in events] == [Command.SUBMIT]
        first_open = next(u.time for u in updates if u.pose is Pose.OPEN)
        assert events[0][0] - first_open >= CONFIG.submit_hold_s - 1e-9
        assert not any(u.drawing for u in updates) and self.strokes(updates) == []
        progress = [u.submit_progress for u in updates]
        assert progress[-1] == 1.0 and max(progress) == 1.0

    def test_circle_footage_submits_after_one_second(self):
        _, updates = self.run(recorded("fingertip_circle"))
        times = [u.time for u in updates if Command.SUBMIT in u.events]
        assert times == [pytest.approx(1.0)]

    def test_pointing_draws_a_continuous_stroke(self):
        seq = [(synthetic("pointing", (320 + 100 * math.cos(a), 240 + 100 * math.sin(a))), i / 30)
               for i, a in enumerate(np.linspace(0, 2 * math.pi, 30))]  # fmt: skip
        _, updates = self.run(seq)
        assert all(u.drawing and u.pose is Pose.POINTING for u in updates)
        strokes = self.strokes(updates)
        assert len(strokes) == 1 and updates[0].events[0].phase is Phase.DOWN
        gaps = np.linalg.norm(np.diff(np.array(strokes[0]), axis=0), axis=1)
        assert gaps.max() <= CONFIG.step + 1e-9

    def test_opening_the_hand_ends_the_stroke(self):
        seq = [(synthetic("pointing", (200 + 5 * i, 200)), i / 30) for i in range(10)]
        seq += [(synthetic("open", (300, 300)), (10 + i) / 30) for i in range(10)]
        seq += [(synthetic("pointing", (400 + 5 * i, 300)), (20 + i) / 30) for i in range(10)]
        _, updates = self.run(seq)
        strokes = self.strokes(updates)
        assert len(strokes) == 2
        assert sum(self.ups(u) for u in updates) == 1
        # no point of either stroke lies between them: the second starts where the hand pointed again
        assert strokes[0][-1][0] < strokes[1][0][0] - 20

    def test_losing_the_hand_ends_the_stroke(self):
        seq = [(synthetic("pointing", (200 + 5 * i, 200)), i / 30) for i in range(10)]
        seq += [(None, (10 + i) / 30) for i in range(10)]
        g, updates = self.run(seq)
        assert updates[-1].pose is Pose.NONE and updates[-1].tip is None
        assert sum(self.ups(u) for u in updates) == 1 and not g.builder.open

    def test_fist_held_clears_with_progress(self):
        seq = [(synthetic("pointing", (200 + 5 * i, 200)), i / 30) for i in range(10)]
        seq += [(synthetic("fist", (250, 200)), (10 + i) / 30) for i in range(40)]
        _, updates = self.run(seq)
        cleared = [u for u in updates if Command.CLEAR in u.events]
        assert len(cleared) == 1 and self.strokes(updates) == []
        assert cleared[0].time - 10 / 30 == pytest.approx(CONFIG.clear_hold_s)
        progress = [u.clear_progress for u in updates[10:]]
        assert progress == sorted(progress) and progress[0] == 0.0 and progress[-1] == 1.0

    def test_open_palm_held_submits_once_with_progress(self):
        seq = [(synthetic("open", (300 + i, 240)), i / 30) for i in range(60)]
        _, updates = self.run(seq)
        submitted = [u.time for u in updates if Command.SUBMIT in u.events]
        assert submitted == [pytest.approx(CONFIG.submit_hold_s)]
        progress = [u.submit_progress for u in updates]
        assert progress[0] == 0.0 and progress[15] == pytest.approx(0.5) and progress[-1] == 1.0
        assert self.strokes(updates) == [] and all(u.clear_progress == 0.0 for u in updates)

    def test_thresholds_come_from_config(self):
        import dataclasses

        quick = dataclasses.replace(CONFIG, clear_hold_s=0.5)
        seq = [(synthetic("fist"), i / 30) for i in range(20)]
        _, updates = self.run(seq, config=quick)
        assert [u.time for u in updates if u.events] == [pytest.approx(0.5)]

    def test_lose(self):
        g, _ = self.run([(synthetic("pointing"), 0.0)])
        assert [e.phase for e in g.lose()] == [Phase.UP] and not g.builder.open
        assert g.lose() == []

    def test_bad_canvas(self):
        with pytest.raises(ValueError, match="canvas size"):
            HandGestures(CONFIG, canvas_size=4)
