"""Input side of the live loop: stroke canvas, mouse events, headless scripts."""

import cv2
import numpy as np
import pytest

from live.app.canvas import StrokeCanvas
from live.input import Command, Pen, Phase
from live.input.mouse import MouseInput
from live.input.script import ScriptInput, load_script, parse_script


def draw(canvas: StrokeCanvas, first, *rest) -> None:
    """One stroke from ``first`` through ``rest``, pen up at the end."""
    canvas.begin(*first)
    for point in rest:
        canvas.extend(*point)
    canvas.end()


class TestStrokeCanvas:
    def test_starts_empty(self):
        canvas = StrokeCanvas(128, 20)
        assert canvas.empty and not canvas.image.any()
        assert not canvas.mask(64).any()

    def test_stroke_draws_and_masks(self):
        canvas = StrokeCanvas(128, 20)
        canvas.begin(20, 64)
        canvas.extend(100, 64)
        canvas.end()
        assert len(canvas.strokes) == 1 and len(canvas.strokes[0]) == 2
        mask = canvas.mask(64)
        assert mask.shape == (64, 64) and mask.dtype == np.float32
        assert mask[32, 32] == 1.0 and mask[2, 32] == 0.0
        # The picture and the mask agree on where the ink is (mask scaled up to the canvas).
        ink = canvas.image[..., 2] > 0
        big = cv2.resize(mask, (128, 128), interpolation=cv2.INTER_NEAREST) > 0.5
        assert (ink == big).mean() > 0.97

    def test_brush_is_scaled_from_the_seed_canvas(self):
        canvas = StrokeCanvas(448, 20)  # twice the seed's 224: radius 40 px
        canvas.begin(224, 224)
        canvas.end()
        rows = np.flatnonzero(canvas.image[:, 224, 2])
        assert abs(len(rows) - 81) <= 2

    def test_undo_removes_last_stroke_only(self):
        canvas = StrokeCanvas(128, 10)
        draw(canvas, (20, 20), (40, 20))
        first = canvas.image.copy()
        draw(canvas, (100, 100), (110, 110))
        assert not np.array_equal(first, canvas.image)
        assert canvas.undo()
        assert np.array_equal(first, canvas.image)
        assert canvas.undo() and canvas.empty and not canvas.image.any()
        assert not canvas.undo()

    def test_clear_keeps_the_buffer(self):
        canvas = StrokeCanvas(64, 10)
        image = canvas.image
        draw(canvas, (10, 10))
        canvas.clear()
        assert canvas.image is image and not image.any() and canvas.empty

    def test_points_outside_are_clamped(self):
        canvas = StrokeCanvas(64, 10)
        canvas.begin(-50, 500)
        assert canvas.strokes[0][0] == (0.0, 63.0)

    def test_extend_without_begin_starts_a_stroke(self):
        canvas = StrokeCanvas(64, 10)
        canvas.extend(30, 30)
        assert canvas.drawing and len(canvas.strokes) == 1

    def test_two_pens_draw_two_strokes_at_once(self):
        canvas = StrokeCanvas(128, 10)
        canvas.begin(10, 10, pen=0)
        canvas.begin(100, 100, pen=1)
        canvas.extend(20, 10, pen=0)
        canvas.extend(100, 110, pen=1)
        canvas.end(pen=0)
        assert canvas.strokes == [[(10.0, 10.0), (20.0, 10.0)], [(100.0, 100.0), (100.0, 110.0)]]
        assert canvas.drawing and not canvas.drawing_with(0) and canvas.drawing_with(1)
        canvas.extend(100, 120, pen=1)
        assert canvas.strokes[1][-1] == (100.0, 120.0) and len(canvas.strokes) == 2
        assert canvas.undo() and canvas.strokes == [[(10.0, 10.0), (20.0, 10.0)]]
        assert not canvas.drawing  # pen 1's stroke is gone; its next move starts a new one
        canvas.extend(50, 50, pen=1)
        assert len(canvas.strokes) == 2 and canvas.strokes[1] == [(50.0, 50.0)]

    @pytest.mark.parametrize("size, brush", [(4, 10), (64, 0)])
    def test_bad_arguments(self, size, brush):
        with pytest.raises(ValueError, match="canvas size|brush"):
            StrokeCanvas(size, brush)


class TestMouseInput:
    def test_left_button_makes_a_stroke(self):
        mouse = MouseInput()
        mouse.on_mouse(cv2.EVENT_MOUSEMOVE, 1, 1)  # hovering draws nothing
        mouse.on_mouse(cv2.EVENT_LBUTTONDOWN, 10, 20)
        mouse.on_mouse(cv2.EVENT_MOUSEMOVE, 15, 25, cv2.EVENT_FLAG_LBUTTON)
        mouse.on_mouse(cv2.EVENT_LBUTTONUP, 16, 26)
        mouse.on_mouse(cv2.EVENT_MOUSEMOVE, 30, 30)
        events = mouse.poll(0.0)
        assert [e.phase for e in events] == [Phase.DOWN, Phase.MOVE, Phase.UP]
        assert events[0] == Pen(Phase.DOWN, 10, 20)
        assert mouse.poll(0.1) == []

    def test_other_buttons_do_nothing(self):
        with MouseInput() as mouse:
            mouse.on_mouse(cv2.EVENT_RBUTTONDOWN, 10, 20)
            mouse.on_mouse(cv2.EVENT_LBUTTONUP, 10, 20)
            assert mouse.poll(0.0) == []


class TestScript:
    def script(self, **extra):
        data = {
            "fps": 10,
            "canvas": 100,
            "events": [
                {"t": 0.0, "stroke": [[10, 10], [50, 10], [90, 10]], "duration": 1.0},
                {"t": 1.5, "key": "s"},
                {"t": 2.0, "key": "esc"},
            ],
        }
        data.update(extra)
        return parse_script(data, canvas_size=200)

    def test_timeline(self):
        script = self.script()
        assert script.fps == 10 and script.end == 2.0
        times = [t for t, _ in script.timeline]
        assert times == sorted(times) and times[:4] == [0.0, 0.5, 1.0, 1.0]
        pens = [e for _, e in script.timeline if isinstance(e, Pen)]
        assert [p.phase for p in pens] == [Phase.DOWN, Phase.MOVE, Phase.MOVE, Phase.UP]
        assert (pens[1].x, pens[1].y) == (100.0, 20.0)  # scaled from a 100 to a 200 canvas
        keys = [e for _, e in script.timeline if isinstance(e, Command)]
        assert keys == [Command.SUBMIT, Command.QUIT]  # s, and esc in a window

    @pytest.mark.parametrize(
        "event, message",
        [
            ({"t": 0, "stroke": [[1, 2]], "durtion": 1.0}, r"events\[0\] has unknown fields \['durtion'\]"),
            ({"t": 0, "key": "s", "hand": True}, r"events\[0\] has unknown fields \['hand'\]: allowed are t, key"),
            ({"t": 0, "stroke": [[1e300, 2]]}, r"stroke\[0\] = \[1e\+300, 2\] lies more than a canvas"),
            ({"t": 0, "stroke": [[50, 50], [50, -101]]}, r"stroke\[1\] .* lies more than a canvas \(100\)"),
        ],
    )
    def test_bad_events_are_refused_at_start(self, event, message):
        with pytest.raises(ValueError, match=message):
            parse_script({"canvas": 100, "events": [event]}, canvas_size=200)

    def test_a_point_within_a_canvas_of_the_edge_is_taken(self):
        script = parse_script({"canvas": 100, "events": [{"t": 0, "stroke": [[-100, 200]]}]}, canvas_size=200)
        assert (script.timeline[0][1].x, script.timeline[0][1].y) == (-200.0, 400.0)

    def test_deep_nesting_is_refused(self, tmp_path):
        deep = tmp_path / "deep.json"
        deep.write_text("[" * 100_000 + "]" * 100_000)
        with pytest.raises(ValueError, match="nests lists and objects more than 8 deep"):
            load_script(deep, 200)
        nested = {"events": [{"t": 0, "stroke": [[[[[[[[1]]]]]]]]}]}
        with pytest.raises(ValueError, match="more than 8 deep"):
            parse_script(nested, 200)

    def test_replay_by_time(self):
        source = ScriptInput(self.script(end=3.0))
        assert [e.phase for e in source.poll(0.0)] == [Phase.DOWN]
        assert source.poll(0.4) == []
        assert len(source.poll(1.0)) == 3
        assert source.poll(2.0) == [Command.SUBMIT, Command.QUIT]
        assert not source.finished(2.5) and source.finished(3.0)

    def test_load_from_file(self, tmp_path):
        path = tmp_path / "s.json"
        path.write_text('{"events": [{"t": 0.5, "key": "g"}]}')
        script = load_script(path, 224)
        assert script.fps == 30 and script.timeline == ((0.5, Command.EXPORT),)

    @pytest.mark.parametrize(
        "data, message",
        [
            ([], "JSON object"),
            ({"events": [], "speed": 2}, "unknown fields"),
            ({"events": [{"key": "s"}]}, 'time "t"'),
            ({"events": [{"t": -1, "key": "s"}]}, "t = -1"),
            ({"events": [{"t": 0, "key": "F5"}]}, "printable character"),
            ({"events": [{"t": 0, "key": "x"}]}, "'x' does nothing: use one of c, g, h, q, r, s, z, esc"),
            ({"events": [{"t": 0, "stroke": []}]}, "non-empty list"),
            ({"events": [{"t": 0, "stroke": [[1, 2]], "key": "s"}]}, "exactly one"),
            ({"fps": 0, "events": []}, "fps"),
            ({"fps": 1e308, "events": []}, r"script fps = 1e\+308: use a number from 1 to 1000$"),
            ({"events": [{"t": float("nan"), "key": "s"}]}, r"script events\[0\]\.t = nan"),
            ({"events": [{"t": float("inf"), "key": "s"}]}, r"script events\[0\]\.t = inf"),
            ({"events": [{"t": 1e9, "key": "s"}]}, r"events\[0\]\.t = 1000000000"),
            ({"end": float("nan"), "events": []}, r"script end = nan"),
            ({"canvas": float("inf"), "events": []}, r"script canvas = inf"),
            ({"events": [{"t": 0, "stroke": [[1, 2]], "duration": float("nan")}]}, r"events\[0\]\.duration = nan"),
            ({"events": [{"t": 0, "stroke": [[1, float("nan")]]}]}, r"events\[0\]\.stroke .*finite"),
        ],
    )
    def test_bad_scripts_say_what_to_do(self, data, message):
        with pytest.raises(ValueError, match=message):
            parse_script(data, 224)

    @pytest.mark.parametrize("literal, key", [("NaN", "t"), ("Infinity", "t"), ("-Infinity", "t")])
    def test_json_nan_and_infinity_name_the_key(self, tmp_path, literal, key):
        path = tmp_path / "s.json"
        path.write_text('{"events": [{"t": LITERAL, "key": "g"}]}'.replace("LITERAL", literal))
        with pytest.raises(ValueError, match=rf"^script events\[0\]\.{key} = -?(nan|inf): use a number") as info:
            load_script(path, 224)
        assert "\n" not in str(info.value)

    def test_missing_and_invalid_files(self, tmp_path):
        with pytest.raises(ValueError, match="cannot read script"):
            load_script(tmp_path / "nope.json", 224)
        bad = tmp_path / "bad.json"
        bad.write_text("{")
        with pytest.raises(ValueError, match="not valid JSON"):
            load_script(bad, 224)

    def test_example_script_parses(self):
        from pathlib import Path

        example = Path(__file__).resolve().parents[1] / "examples" / "heart.json"
        script = load_script(example, 512)
        assert any(isinstance(e, Command) for _, e in script.timeline)

    def test_keys_follow_the_quit_key(self):
        from live.input.keys import keymap

        data = {"events": [{"t": 0, "key": "x"}]}
        assert parse_script(data, 224, keymap("x", kiosk=False)).timeline == ((0.0, Command.QUIT),)
        with pytest.raises(ValueError, match="'q' does nothing"):
            parse_script({"events": [{"t": 0, "key": "q"}]}, 224, keymap("x", kiosk=False))

