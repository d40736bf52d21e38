import pytest

from live.display.layout import kiosk_layout, to_canvas, window_layout


def inside(inner, outer) -> bool:
    x, y, w, h = inner
    ox, oy, ow, oh = outer
    return ox <= x and oy <= y and x + w <= ox + ow and y + h <= oy + oh


def overlap(a, b) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


class TestKiosk:
    @pytest.mark.parametrize(
        "size", [(1600, 900), (1920, 1080), (3840, 2160), (1280, 1024), (800, 600), (1080, 1920), (64, 48)]
    )
    def test_panels_fill_the_screen_without_overlap(self, size):
        w, h = size
        layout = kiosk_layout(w, h)
        screen = (0, 0, w, h)
        for rect in (layout.canvas, layout.swarm, layout.band, layout.target, layout.share, layout.mark):
            assert inside(rect, screen)
        assert not overlap(layout.canvas, layout.swarm)
        # Nothing lies over the panels: the instruction, the target preview and the recording
        # mark share the band, side by side.
        for part in (layout.band, layout.target, layout.mark):
            assert not overlap(part, layout.canvas) and not overlap(part, layout.swarm)
        assert not overlap(layout.band, layout.target) and not overlap(layout.band, layout.mark)
        assert not overlap(layout.target, layout.mark)
        assert inside(layout.share, layout.swarm)
        side = layout.canvas[2]
        assert layout.canvas[3] == side and layout.swarm[2:] == (side, side)
        # As large as the screen allows: limited by the width or by the height left under the band.
        assert side >= 0.95 * min(w / 2, h - layout.band[3]) or w < 100
        # The instruction stays centred between the panels.
        middle = layout.canvas[0] + (layout.swarm[0] + side - layout.canvas[0]) / 2
        assert abs(layout.band[0] + layout.band[2] / 2 - middle) <= 1

    @pytest.mark.parametrize("size, side", [((1920, 1080), 918), ((3840, 2160), 1836)])
    def test_the_panels_of_1080p_and_4k(self, size, side):
        layout = kiosk_layout(*size)
        assert abs(layout.canvas[2] - side) <= 1
        assert layout.target[2] >= 0.1 * side  # the preview stays large enough to read

    def test_1600x900_is_no_longer_a_thin_strip(self):
        layout = kiosk_layout(1600, 900)
        # The old layout scaled a 3:1 picture to the width: 533 px high.
        assert layout.canvas[2] > 700
        assert layout.text_px >= 36

    def test_no_preview(self):
        layout = kiosk_layout(1600, 900, preview=False)
        assert layout.target is None
        assert layout.band == kiosk_layout(1600, 900).band  # the text stays where it was

    def test_too_small(self):
        with pytest.raises(ValueError, match="too small"):
            kiosk_layout(40, 40)


class TestWindow:
    def test_band_under_the_canvas(self):
        layout = window_layout(512)
        assert layout.canvas == (0, 0, 512, 512)
        assert layout.band[1] == 512 and layout.size == (512, 512 + layout.band[3])


class TestToCanvas:
    def test_maps_and_clamps(self):
        canvas = (100, 50, 700, 700)
        assert to_canvas(100, 50, canvas, 512, starting=True) == (0.0, 0.0)
        x, y = to_canvas(450, 400, canvas, 512, starting=True)
        assert x == pytest.approx(256.0) and y == pytest.approx(256.0)
        # A stroke that leaves the drawing area stops at its edge.
        assert to_canvas(1500, 20, canvas, 512, starting=False) == (511, 0.0)
        # A press outside starts nothing.
        assert to_canvas(1500, 400, canvas, 512, starting=True) is None
