import numpy as np
import pytest

from live.app.canvas import StrokeCanvas
from live.config import UiConfig
from live.display.guide import Guide
from live.display.hud import HudState
from live.display.screen import BACKGROUND_BGR, FRAME_BGR, CanvasScreen, KioskScreen
from live.display.text import TextPainter


@pytest.fixture(scope="module")
def painter():
    return TextPainter(UiConfig().font_path)


def stroke_off_the_edge() -> StrokeCanvas:
    canvas = StrokeCanvas(512, 20)
    canvas.begin(300, 250)
    canvas.extend(900, 250)  # leaves the drawing area to the right: clamped at its edge
    canvas.end()
    return canvas


def result_view(size: int = 64) -> np.ndarray:
    view = np.zeros((size, 2 * size, 3), np.uint8)
    view[:, :size, 0] = 255  # the render: red
    view[:, size:, 2] = 255  # the target: blue (RGB)
    return view


class TestKiosk:
    def test_panels_frame_and_text(self, painter):
        screen = KioskScreen(1600, 900, painter)
        hud = HudState(stats=False, instruction=Guide(UiConfig()).instruction(np.inf))
        image = screen.compose(stroke_off_the_edge().image, result_view(), hud)
        layout = screen.layout
        x, y, w, h = layout.canvas
        row = y + h * 250 // 512
        # The stroke runs to the drawing area's right edge, and the frame is right after it.
        assert tuple(image[row, x + w - 1]) == (0, 0, 255)  # ink, BGR red
        assert tuple(image[row, x + w + 1]) == FRAME_BGR
        assert tuple(image[row, x + w + screen._frame + 1]) == BACKGROUND_BGR
        # The swarm panel shows the render (RGB red -> BGR), the preview the target.
        sx, sy, sw, sh = layout.swarm
        assert tuple(image[sy + 5, sx + 5]) == (0, 0, 255)
        tx, ty, tw, th = layout.target
        assert tuple(image[ty + th // 2, tx + tw // 2]) == (255, 0, 0)
        # The instruction is written in the band.
        bx, by, bw, bh = layout.band
        band = image[by : by + bh, bx : bx + bw]
        assert (band == 255).all(axis=2).sum() > 500

    def test_no_preview(self, painter):
        screen = KioskScreen(1600, 900, painter, preview=False)
        image = screen.compose(np.zeros((512, 512, 3), np.uint8), result_view(), None)
        sx, sy, sw, sh = screen.layout.swarm
        assert (image[sy + sh - 20, sx + sw - 20] == (0, 0, 255)).all()  # the render, no preview

    def test_the_hud_only_when_asked(self, painter):
        screen = KioskScreen(1600, 900, painter, preview=False)
        black = np.zeros((64, 128, 3), np.uint8)
        sx, sy, sw, sh = screen.layout.swarm
        quiet = screen.compose(np.zeros((512, 512, 3), np.uint8), black, HudState(stats=False)).copy()
        assert not quiet[sy : sy + sh, sx : sx + sw].any()
        loud = screen.compose(np.zeros((512, 512, 3), np.uint8), black, HudState(stats=True, fps=60.0))
        assert loud[sy : sy + sh, sx : sx + sw].any()

    def test_mouse_maps_to_the_canvas(self, painter):
        screen = KioskScreen(1600, 900, painter)
        x, y, w, h = screen.layout.canvas
        assert screen.to_canvas(x, y, 512, starting=True) == (0.0, 0.0)
        assert screen.to_canvas(x + w + 300, y + 10, 512, starting=True) is None


class TestCanvasWindow:
    def test_frame_and_band(self, painter):
        screen = CanvasScreen(512, painter)
        guide = Guide(UiConfig())
        guide.stroke("mouse")
        image = screen.compose(stroke_off_the_edge().image, guide.instruction(np.inf))
        assert image.shape[1] == 512 and image.shape[0] > 512
        assert tuple(image[250, 511]) == FRAME_BGR  # the frame where the stroke was clamped
        assert tuple(image[250, 400]) == (0, 0, 255)
        band = image[512:]
        assert (band == 255).all(axis=2).sum() > 200


class TestStatusLine:
    def test_good_news_is_the_instructions_problems_always_show(self, painter):
        screen = KioskScreen(1600, 900, painter, preview=False)
        black = np.zeros((64, 128, 3), np.uint8)
        sx, sy, sw, sh = screen.layout.swarm
        told = Guide(UiConfig()).instruction(np.inf)
        saved = HudState(stats=False, status="saved x.gif", status_ok=True, instruction=told)
        image = screen.compose(np.zeros((512, 512, 3), np.uint8), black, saved)
        assert not image[sy : sy + sh, sx : sx + sw].any()
        lost = HudState(stats=False, status="camera lost", status_ok=False, instruction=told)
        image = screen.compose(np.zeros((512, 512, 3), np.uint8), black, lost)
        assert image[sy : sy + sh, sx : sx + sw].any()
