"""Drawn at the size shown (issue 15): the canvas picture and the swarm follow the display's side,
also when it changes at run time; the strokes, the loss and the recordings do not."""

import cv2
import numpy as np
import pytest

from live.app import Installation
from live.app.canvas import StrokeCanvas
from live.app.run import WallClock, open_input
from live.config import load_config
from live.display import DISPLAYS, DisplayKind, OffscreenDisplay
from live.display.windows import OffscreenKiosk
from live.input import Command
from live.input.combine import CombinedInput
from live.input.script import ScriptInput, parse_script
from live.record import Recorder
from live.scene import build
from tests.test_app_loop import SMALL, draw_square, keeping_writer


class TestCanvasPicture:
    def test_drawn_at_the_side_shown_strokes_kept_in_canvas_pixels(self):
        canvas = StrokeCanvas(128, 20)
        canvas.begin(20, 64)
        canvas.extend(100, 64)
        mask = canvas.mask(64)
        canvas.show_at(459)  # e.g. a kiosk's panel
        assert canvas.image.shape == (459, 459, 3)
        assert canvas.strokes == [[(20.0, 64.0), (100.0, 64.0)]]
        assert (canvas.mask(64) == mask).all()  # the target does not depend on the screen
        row = canvas.image[round(64.5 * 459 / 128 - 0.5)]
        ink = np.flatnonzero(row[:, 2])
        k = 459 / 128
        assert abs(ink[0] - (20.5 * k - 0.5 - canvas.radius * k)) <= 2  # the stroke's ends, scaled
        assert abs(ink[-1] - (100.5 * k - 0.5 + canvas.radius * k)) <= 2
        canvas.extend(100, 100)  # drawing goes on at the new size
        assert canvas.image[round(100.5 * k - 0.5), round(100.5 * k - 0.5), 2] == 255

    def test_back_to_the_canvas_size_is_the_same_picture(self):
        canvas = StrokeCanvas(128, 20)
        canvas.begin(30, 30)
        canvas.extend(90, 100)
        canvas.end()
        before = canvas.image.copy()
        canvas.show_at(300)
        canvas.show_at(128)
        assert (canvas.image == before).all()
        with pytest.raises(ValueError, match="at least 8"):
            canvas.show_at(4)


class Resizing(OffscreenDisplay):
    """A display whose side changes at run time, as a kiosk's does once it is fullscreen."""

    def __init__(self, window: int):
        super().__init__(window, compose=False)
        self.shown: list[tuple[tuple, tuple]] = []

    def show(self, canvas, swarm, hud, wait_ms=1):
        self.shown.append((canvas.shape, swarm.shape))


def installation(tmp_path, display, **extra):
    config = load_config(None, {**SMALL, "paths.recordings": str(tmp_path / "rec"), **extra})
    scene = build(config)
    recorder = Recorder(config.record, config.paths.recordings)
    mode = DISPLAYS[DisplayKind.KIOSK]
    return Installation(config, scene, display, recorder, mode, start=0.0), recorder


class TestTheFrameFollowsTheDisplay:
    def test_a_new_side_is_drawn_from_the_next_frame_on(self, tmp_path):
        display = Resizing(128)
        install, recorder = installation(tmp_path, display)
        with recorder:
            install.frame([], 0.0)
            display.side = 300
            install.frame([], 0.1)
            draw_square(install, 0.15)
            install.frame([], 0.2)
        assert display.shown[0] == ((128, 128, 3), (128, 128, 3))
        assert display.shown[1:] == [((300, 300, 3), (300, 300, 3))] * 2
        assert install.visit.canvas.strokes[0][0] == (30.0, 30.0)  # canvas pixels, as before
        install.close()

    def test_a_kiosk_screen_records_at_the_clips_size(self, tmp_path):
        """The screen shows the swarm at 918 px; the clip is record.size square (96 here)."""
        frames = []
        writer = keeping_writer(frames)

        config = load_config(None, {**SMALL, "paths.recordings": str(tmp_path / "rec"), "record.size": 96})
        scene = build(config)
        recorder = Recorder(config.record, config.paths.recordings, writer=writer)
        display = OffscreenKiosk(1920, 1080)
        install = Installation(config, scene, display, recorder, DISPLAYS[DisplayKind.KIOSK], start=0.0)
        with recorder:
            draw_square(install, 0.0)
            install.frame([Command.SUBMIT], 0.1)
            for i in range(5):
                install.frame([], 0.2 + 0.1 * i)
            install.frame([Command.EXPORT], 0.8)
            recorder.wait()
        install.close()
        assert display.side == 918 and install.swarm.side == 918
        assert install.visit.canvas.image.shape == (918, 918, 3)
        assert frames and all(f.shape == (96, 96, 3) for f in frames)
        assert frames[-1].any()  # the creatures, drawn again at the clip's size
        x, y, w, h = display.screen.layout.swarm
        assert display.screen.image[y : y + h, x : x + w].any()


class TestScriptWithAWindow:
    def test_the_script_plays_along_with_mouse_and_keys(self):
        config = load_config(None, {})
        script = parse_script({"events": [{"t": 1.0, "key": "s"}], "end": 2.0}, 224)
        inputs = open_input(config, DISPLAYS[DisplayKind.KIOSK], script)
        assert inputs.mouse is not None and inputs.keyboard is not None
        assert isinstance(inputs.source, CombinedInput)
        assert any(isinstance(s, ScriptInput) for s in inputs.source.inputs)

    def test_the_wall_clock_starts_at_zero(self):
        clock = WallClock()
        first = clock()
        assert 0.0 <= first < 1.0 and clock() >= first


class TestTargetAtSize:
    def test_a_mask_enlarged_keeps_a_one_pixel_edge(self):
        from live.display.views import mask_at

        mask = np.zeros((64, 64), np.float32)
        mask[10:40, 20:50] = 1.0
        big = mask_at(mask, 256)
        blurred = cv2.resize(mask, (256, 256), interpolation=cv2.INTER_LINEAR)
        for picture, most in ((big, 2), (blurred, 8)):
            partial = (picture > 0.02) & (picture < 0.98)
            assert partial[:, 128].sum() <= most  # top and bottom edge: a pixel each, not 256 / 64
        assert ((blurred > 0.02) & (blurred < 0.98))[:, 128].sum() >= 4
        assert big.sum() == pytest.approx(mask.sum() * 16, rel=0.03)
        assert mask_at(mask, 32).shape == (32, 32) and mask_at(mask, 64) is not None
