import numpy as np
import pytest

from live.app.canvas import StrokeCanvas
from live.config import UiConfig
from live.display.guide import Guide
from live.display.hud import MARK_BGR, HudState
from live.display.screen import BACKGROUND_BGR, FRAME_BGR, CanvasScreen, KioskScreen, ResultScreen
from live.display.text import TextPainter


@pytest.fixture(scope="module")
def painter():
    return TextPainter(UiConfig().font_path)


def stroke_off_the_edge(side: int = 512) -> StrokeCanvas:
    canvas = StrokeCanvas(512, 20)
    canvas.show_at(side)
    canvas.begin(300, 250)
    canvas.extend(900, 250)  # leaves the drawing area to the right: clamped at its edge
    canvas.end()
    return canvas


def red_swarm(side: int) -> np.ndarray:
    """A swarm picture (BGR) that is red everywhere."""
    swarm = np.zeros((side, side, 3), np.uint8)
    swarm[..., 2] = 252
    return swarm


def a_target() -> np.ndarray:
    mask = np.zeros((64, 64), np.float32)
    mask[16:48, 16:48] = 1.0
    return mask


class TestKiosk:
    def test_panels_frame_and_text(self, painter):
        screen = KioskScreen(1600, 900, painter)
        side = screen.side
        screen.set_target(a_target())
        hud = HudState(stats=False, instruction=Guide(UiConfig()).instruction(np.inf))
        image = screen.compose(stroke_off_the_edge(side).image, red_swarm(side), hud)
        layout = screen.layout
        x, y, w, h = layout.canvas
        row = y + round(h * 250.5 / 512)
        # The stroke runs to the drawing area's right edge, and the frame is right after it.
        assert tuple(image[row, x + w - 1]) == (0, 0, 255)  # ink, BGR red
        assert tuple(image[row, x + w + 1]) == FRAME_BGR
        assert tuple(image[row, x + w + screen._frame + 1]) == BACKGROUND_BGR
        # The swarm panel shows the swarm, the preview in the band the target.
        sx, sy, sw, sh = layout.swarm
        assert tuple(image[sy + 5, sx + 5]) == (0, 0, 252)
        tx, ty, tw, th = layout.target
        assert tuple(image[ty + th // 2, tx + tw // 2]) == (0, 0, 255)
        # The instruction is written in the band.
        bx, by, bw, bh = layout.band
        band = image[by : by + bh, bx : bx + bw]
        assert (band == 255).all(axis=2).sum() > 500

    @pytest.mark.parametrize("size", [(1920, 1080), (3840, 2160), (1280, 1024)])
    def test_drawn_at_the_size_shown_nothing_scaled(self, painter, size):
        """Canvas and swarm drawn at the panel's side reach the screen pixel for pixel."""
        screen = KioskScreen(*size, painter)
        side = screen.side
        rng = np.random.default_rng(0)
        canvas, swarm = (rng.integers(0, 256, (side, side, 3), dtype=np.uint8) for _ in range(2))
        image = screen.compose(canvas, swarm, HudState(stats=False))
        for rect, picture in ((screen.layout.canvas, canvas), (screen.layout.swarm, swarm)):
            x, y, w, h = rect
            assert (image[y : y + h, x : x + w] == picture).all()

    def test_a_picture_of_another_size_is_fitted(self, painter):
        """The frame after the screen's size changed: drawn at the old size, scaled into place."""
        screen = KioskScreen(1600, 900, painter)
        image = screen.compose(np.zeros((512, 512, 3), np.uint8), red_swarm(512), None)
        sx, sy, sw, sh = screen.layout.swarm
        assert (image[sy : sy + sh, sx : sx + sw] == (0, 0, 252)).all()

    @pytest.mark.parametrize("size", [(1920, 1080), (3840, 2160), (1600, 900), (1080, 1920)])
    def test_the_preview_covers_no_swarm_pixel(self, painter, size):
        """A swarm whose creatures fill the panel, the lower right corner included, and a target:
        every pixel of the swarm panel on screen is the swarm's, and the target shows beside it."""
        screen = KioskScreen(*size, painter)
        swarm = red_swarm(screen.side)
        screen.set_target(np.ones((64, 64), np.float32))
        image = screen.compose(np.zeros_like(swarm), swarm, HudState(stats=False, recording=True))
        x, y, w, h = screen.layout.swarm
        assert (image[y : y + h, x : x + w] == swarm).all()
        tx, ty, tw, th = screen.layout.target
        assert (image[ty + 2 : ty + th - 2, tx + 2 : tx + tw - 2] == (0, 0, 255)).all()

    def test_no_preview(self, painter):
        screen = KioskScreen(1600, 900, painter, preview=False)
        screen.set_target(a_target())  # nowhere to show it
        image = screen.compose(np.zeros((512, 512, 3), np.uint8), red_swarm(screen.side), None)
        assert screen.layout.target is None
        assert not (image[..., 0] == 255).any() and not ((image[..., 2] == 255) & (image[..., 1] == 0)).any()

    def test_the_hud_only_when_asked(self, painter):
        screen = KioskScreen(1600, 900, painter, preview=False)
        black = np.zeros((screen.side,) * 2 + (3,), np.uint8)
        sx, sy, sw, sh = screen.layout.swarm
        quiet = screen.compose(black, black, HudState(stats=False)).copy()
        assert not quiet[sy : sy + sh, sx : sx + sw].any()
        loud = screen.compose(black, black, HudState(stats=True, fps=60.0))
        assert loud[sy : sy + sh, sx : sx + sw].any()
        again = screen.compose(black, black, HudState(stats=False))  # and gone with the next frame
        assert not again[sy : sy + sh, sx : sx + sw].any()


class TestRecordingMark:
    def test_in_the_band_off_the_swarm_never_a_creature_colour(self, painter):
        screen = KioskScreen(1920, 1080, painter)
        black = np.zeros((screen.side,) * 2 + (3,), np.uint8)
        image = screen.compose(black, black, HudState(stats=False, recording=True)).copy()
        x, y, w, h = screen.layout.mark
        mark = image[y : y + h, x : x + w].astype(int)
        amber = (np.abs(mark - MARK_BGR).max(axis=2) < 40).sum()
        assert amber > 100  # the ring and the word
        b, g, r = mark[..., 0], mark[..., 1], mark[..., 2]
        assert not ((r > 150) & (g < 100) & (b < 100)).any()  # no creature red
        assert not ((b > 150) & (g < 100) & (r < 100)).any()  # no pupil blue
        sx, sy, sw, sh = screen.layout.swarm
        assert not image[sy : sy + sh, sx : sx + sw].any()  # nothing on the swarm
        stopped = screen.compose(black, black, HudState(stats=False, recording=False))
        assert (stopped[y : y + h, x : x + w] == BACKGROUND_BGR).all()

    def test_a_window_shows_it_on_the_swarm_in_amber(self):
        screen = ResultScreen(512)
        black = np.zeros((512, 512, 3), np.uint8)
        image = screen.compose(black, HudState(stats=False, recording=True)).astype(int)
        swarm = image[:, :512]
        assert (np.abs(swarm - MARK_BGR).max(axis=2) < 40).sum() > 50
        b, g, r = swarm[..., 0], swarm[..., 1], swarm[..., 2]
        assert not ((r > 150) & (g < 100) & (b < 100)).any()


class TestResultWindow:
    def test_the_swarm_beside_the_target(self):
        screen = ResultScreen(256)
        screen.set_target(a_target())
        image = screen.compose(red_swarm(256), None)
        assert (image[:, :256] == red_swarm(256)).all()
        assert tuple(image[128, 256 + 128]) == (0, 0, 255) and tuple(image[5, 256 + 5]) == (0, 0, 0)

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
        black = np.zeros((screen.side,) * 2 + (3,), np.uint8)
        sx, sy, sw, sh = screen.layout.swarm
        told = Guide(UiConfig()).instruction(np.inf)
        saved = HudState(stats=False, status="clip saved", status_ok=True, instruction=told)
        image = screen.compose(black, black, saved)
        assert not image[sy : sy + sh, sx : sx + sw].any()
        lost = HudState(stats=False, status="camera lost", status_ok=False, instruction=told)
        image = screen.compose(black, black, lost)
        assert image[sy : sy + sh, sx : sx + sw].any()
