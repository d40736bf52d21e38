"""Fingertip accuracy tools: cached landmarks, replay through the gestures, error statistics, paths."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from live.config import HandConfig
from live.input.gesture import HandGestures
from live.input.hand import Hand
from live.tools import accuracy
from live.tools.accuracy import (
    MAX_REST_RATIO,
    ErrorStats,
    Footage,
    first_tips,
    follow,
    jitter,
    load_footage,
    read_paths,
    replay,
    rest_ratio,
    tip_errors,
)


def hand_at(x: float, y: float, label: str = "Right") -> Hand:
    points = np.tile([x, y], (21, 1)).astype(np.float64) + np.arange(21)[:, None]  # distinct landmarks
    points[8] = (x, y)  # the index tip
    return Hand(points, np.random.default_rng(int(x)).normal(size=(21, 3)), label, 0.9)


def footage(frames: list[list[tuple[float, float]]]) -> Footage:
    times = np.arange(len(frames)) / 25.0
    hands = tuple(tuple(hand_at(*tip) for tip in tips) for tips in frames)
    return Footage("synthetic.mp4", times, hands, (640, 480))


class TestFootage:
    def test_save_and_load(self, tmp_path):
        original = footage([[(10.0, 20.0)], [], [(30.0, 40.0), (300.0, 200.0)]])
        original.save(tmp_path / "f.npz")
        back = Footage.load(tmp_path / "f.npz")
        assert back.name == "synthetic.mp4" and back.frame_size == (640, 480)
        np.testing.assert_array_equal(back.times, original.times)
        assert [len(h) for h in back.hands] == [1, 0, 2]
        for a, b in zip([h for f in original.hands for h in f], [h for f in back.hands for h in f], strict=True):
            np.testing.assert_array_equal(a.points, b.points)
            np.testing.assert_array_equal(a.world, b.world)
            assert (a.handedness, a.score) == (b.handedness, b.score)

    def test_cache_records_once(self, tmp_path, monkeypatch):
        video = tmp_path / "clip.mp4"
        video.write_bytes(b"not decoded here")
        calls = []

        def fake_record(path, config):
            calls.append(config.model_complexity)
            return footage([[(1.0, 2.0)]])

        monkeypatch.setattr(accuracy, "record_footage", fake_record)
        for _ in range(2):
            assert load_footage(video, HandConfig(model_complexity=1), tmp_path / "cache").hands[0][0].tip[0] == 1.0
        load_footage(video, HandConfig(model_complexity=0), tmp_path / "cache")
        assert calls == [1, 0]  # the second call of complexity 1 read the cache
        assert len(list((tmp_path / "cache").glob("clip-c1-h1-*.npz"))) == 1

    def test_missing_video(self, tmp_path):
        with pytest.raises(ValueError, match="does not exist"):
            load_footage(tmp_path / "none.mp4", HandConfig(), tmp_path)


class TestReplay:
    def test_one_hand_is_what_the_gestures_give(self):
        tips = [(100.0 + 7 * i, 200.0 + 3 * i) for i in range(30)]
        f = footage([[t] for t in tips])
        config = HandConfig()
        gestures = HandGestures(config)
        expected = [gestures.update(h[0], float(t), f.frame_size).tip for h, t in zip(f.hands, f.times, strict=True)]
        assert first_tips(replay(f, config)) == expected

    def test_two_hands_keep_their_pens(self):
        frames = [[(100.0 + 4 * i, 100.0), (500.0 - 4 * i, 300.0)][:: 1 if i % 2 else -1] for i in range(20)]
        tracks = replay(footage(frames), HandConfig(max_hands=2))
        assert all(set(t) == {0, 1} for t in tracks)
        ys = {pen: {round(t[pen][1]) for t in tracks} for pen in (0, 1)}
        assert ys == {0: {300}, 1: {100}}  # the first frame's list order, then followed by position


class TestErrors:
    def test_stats(self):
        e = ErrorStats.of([float(v) for v in range(1, 22)])  # 1 .. 21
        assert (e.median, e.p95, e.max) == (11.0, 20.0, 21.0)
        with pytest.raises(ValueError, match="no errors"):
            ErrorStats.of([])

    def test_tip_errors(self):
        assert tip_errors([(3.0, 4.0), None, (0.0, 0.0)], [(0, 0), (1, 1)]) == [5.0, math.inf]

    def test_jitter_of_a_steady_motion_is_zero(self):
        assert jitter([(2.0 * i, 5.0) for i in range(10)]) == pytest.approx(0.0)
        assert jitter([(0.0, 0.0), (1.0, 0.0), (0.0, 0.0), None]) == pytest.approx(2.0)
        with pytest.raises(ValueError, match="three tips"):
            jitter([(0.0, 0.0), None, (1.0, 1.0)])

    def test_rest_ratio_of_the_defaults(self):
        assert rest_ratio(HandConfig()) <= MAX_REST_RATIO
        assert rest_ratio(HandConfig(filter_beta=2.0)) > 0.8  # a fast filter lets the noise through


class TestFollow:
    paths = [[[100.0 + 5 * i, 100.0] for i in range(10)], [[500.0 - 5 * i, 300.0] for i in range(10)]]

    def test_pens_on_their_paths(self):
        tracks = [{0: (p0[0] + 1, p0[1]), 1: (p1[0], p1[1] - 2)} for p0, p1 in zip(*self.paths, strict=True)]
        a, b = follow(tracks, self.paths)
        assert (a.pen, b.pen, a.swaps, b.swaps) == (0, 1, 0, 0)
        assert max(a.errors) == pytest.approx(1.0) and max(b.errors) == pytest.approx(2.0)

    def test_a_swap_is_counted(self):
        tracks = []
        for i, (p0, p1) in enumerate(zip(*self.paths, strict=True)):
            tracks.append({0: tuple(p0), 1: tuple(p1)} if i < 7 else {0: tuple(p1), 1: tuple(p0)})
        a, b = follow(tracks, self.paths)
        assert (a.pen, b.pen) == (0, 1) and (a.swaps, b.swaps) == (3, 3)

    def test_missing_pen_frames_are_infinite(self):
        tracks = [{0: tuple(p)} if i % 2 else {} for i, p in enumerate(self.paths[0])]
        (a,) = follow(tracks, self.paths[:1])
        assert a.pen == 0 and sum(math.isinf(e) for e in a.errors) == 5


class TestReadPaths:
    def test_one_and_two_hands(self, tmp_path):
        one = tmp_path / "one.json"
        one.write_text(json.dumps([[1, 2], [3, 4]]))
        assert read_paths(one) == [[[1.0, 2.0], [3.0, 4.0]]]
        two = tmp_path / "two.json"
        two.write_text(json.dumps([[[1, 2], [5, 6]], [[3, 4], [7, 8]]]))
        assert read_paths(two) == [[[1.0, 2.0], [3.0, 4.0]], [[5.0, 6.0], [7.0, 8.0]]]

    @pytest.mark.parametrize("text", ["{", "[1, 2, 3]", "[[1, 2, 3]]", '"x"'])
    def test_bad_files(self, tmp_path, text):
        bad = tmp_path / "bad.json"
        bad.write_text(text)
        with pytest.raises(ValueError, match="cannot read true path"):
            read_paths(bad)

    def test_missing_file(self, tmp_path):
        with pytest.raises(ValueError, match="cannot read true path"):
            read_paths(tmp_path / "none.json")


def test_main_missing_video_is_one_line(tmp_path, capsys):
    assert accuracy.main([str(tmp_path / "none.mp4"), "--model-complexity", "0"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "does not exist" in err[0]
