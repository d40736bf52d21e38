import re
import struct
import zlib

import cv2
import numpy as np
import pytest

from live.curve import STEP, beyond, piece, smooth
from live.target import FONTS, image_mask, iou, stroke_mask, stroke_width, text_mask
from tests.stroke_helpers import SIDE, circle_samples, ring_errors


class TestTextMask:
    def test_seed_letter_exactly(self):
        """The seed's 'A': FONT_HERSHEY_SIMPLEX, scale 12, thickness 46, origin (30, 236) at 256."""
        seed = np.zeros((256, 256, 3), np.uint8)
        seed = cv2.putText(seed, "A", (30, 236), cv2.FONT_HERSHEY_SIMPLEX, 12, (255, 0, 0), 46, cv2.LINE_AA)
        mask = text_mask("A", 256)
        assert mask.dtype == np.float32 and mask.shape == (256, 256)
        assert np.abs(mask - seed.max(axis=-1) / 255.0).max() < 1e-6
        assert int((mask > 0.5).sum()) == 28175

    def test_scales_with_size(self):
        covered = [(text_mask("A", size) > 0.5).mean() for size in (128, 256, 512)]
        assert max(covered) - min(covered) < 0.035  # Hershey strokes round to whole pixels

    @pytest.mark.parametrize("text", ["DRAW!", "Hi", "2026", "WWWWWW"])
    @pytest.mark.parametrize("font", sorted(FONTS))
    def test_strings_fit_the_frame(self, text, font):
        mask = text_mask(text, 128, font) > 0.5
        assert mask.sum() > 0
        # nothing touches the border: fitted strings are not cut
        assert not (mask[0].any() or mask[-1].any() or mask[:, 0].any() or mask[:, -1].any())

    @pytest.mark.parametrize(
        "text, message",
        [
            ("", "empty"),
            ("   ", "empty"),
            ("a\nb", "one line"),
            ("x" * 200, r"at most \d+ characters"),
            ("é", r"cannot draw \('é'\): use ASCII"),
            ("caf\u00e9 \U0001f600", r"cannot draw \('é' '\U0001f600'\)"),
            ("tab\there", "cannot draw"),
        ],
    )
    def test_errors(self, text, message):
        with pytest.raises(ValueError, match=message) as info:
            text_mask(text, 128)
        assert "\n" not in str(info.value)

    @pytest.mark.parametrize("font", ["simplex", "plain", "script"])
    def test_the_too_long_hint_is_what_fits(self, font):
        """The hint names the longest start of the text that fits, whatever the length asked."""
        text = "HELLO WORLD, SWARM! " * 30
        hints = set()
        for n in (600, 500, 100, 40):
            with pytest.raises(ValueError, match="at most") as info:
                text_mask(text[:n], 128, font)
            hints.add(int(re.search(r"at most (\d+) characters", str(info.value))[1]))
        (most,) = hints  # one answer, not 'about 100', then 'about 40', then 'about 32'
        assert text_mask(text[:most], 128, font).any()
        with pytest.raises(ValueError, match="at most"):
            text_mask(text[: most + 1], 128, font)

    def test_unknown_font(self):
        with pytest.raises(ValueError, match="simplex"):
            text_mask("A", 128, "comic")


class TestTextLines:
    def test_one_line_unless_the_strokes_get_too_thin(self):
        assert np.array_equal(text_mask("HELLO WORLD", 256), text_mask("HELLO WORLD", 256, min_stroke=3.0))
        two = text_mask("HELLO WORLD", 256, min_stroke=6.0) > 0.5
        rows = np.nonzero(two.any(axis=1))[0]
        gaps = np.nonzero(np.diff(rows) > 1)[0]
        assert len(gaps) == 1  # two lines of ink
        assert stroke_width(two) > stroke_width(text_mask("HELLO WORLD", 256) > 0.5) * 1.5
        assert not (two[0].any() or two[-1].any() or two[:, 0].any() or two[:, -1].any())

    def test_a_long_word_is_refused_in_one_line(self):
        with pytest.raises(ValueError, match="too small to see at 256 px: use at most [0-9]+ letters per word"):
            text_mask("ABCDEFGHIJKLMNOP", 256, min_stroke=6.0)


class TestStrokeWidth:
    @pytest.mark.parametrize("brush", [3, 6, 12])
    def test_a_pen_line(self, brush):
        mask = stroke_mask([[(30, 40), (220, 200)]], 256, brush=brush)
        assert stroke_width(mask) == pytest.approx(2 * brush + 1, abs=1.5)

    def test_thin_parts_win_over_a_broad_one(self):
        """A sun: a broad disc, thin rays; most of the skeleton runs along the rays."""
        mask = stroke_mask([[(128, 128)]], 256, brush=30)
        for k in range(8):
            a = k * np.pi / 4
            start, end = (128 + 45 * np.cos(a), 128 + 45 * np.sin(a)), (128 + 120 * np.cos(a), 128 + 120 * np.sin(a))
            mask = np.maximum(mask, stroke_mask([[start, end]], 256, brush=4))
        assert stroke_width(mask) < 12
        assert stroke_width(np.zeros((32, 32), np.float32)) == 0.0


class TestImageMask:
    def test_bright_shape_fitted_keeping_aspect(self, tmp_path):
        image = np.zeros((100, 200, 3), np.uint8)
        image[25:75, 50:150] = (0, 200, 0)  # a green rectangle, 2:1 picture
        path = tmp_path / "shape.png"
        cv2.imwrite(str(path), image)
        mask = image_mask(path, 64)
        rows, cols = np.nonzero(mask)
        assert mask.shape == (64, 64) and set(np.unique(mask)) == {0.0, 1.0}
        # 200 px wide -> 64 px, so the 100x50 rectangle becomes 32x16, centred
        assert cols.max() - cols.min() + 1 == 32 and rows.max() - rows.min() + 1 == 16
        assert abs(rows.mean() - 31.5) < 1 and abs(cols.mean() - 31.5) < 1

    def test_invert_and_alpha(self, tmp_path):
        paper = np.full((40, 40, 3), 255, np.uint8)
        cv2.circle(paper, (20, 20), 10, (0, 0, 0), -1)
        path = tmp_path / "ink.jpg"
        cv2.imwrite(str(path), paper)
        assert image_mask(path, 40, invert=True)[20, 20] == 1.0
        rgba = np.zeros((40, 40, 4), np.uint8)
        rgba[..., :3] = 255
        rgba[10:30, 10:30, 3] = 255  # only the middle is opaque
        path = tmp_path / "alpha.png"
        cv2.imwrite(str(path), rgba)
        mask = image_mask(path, 40)
        assert mask[20, 20] == 1.0 and mask[2, 2] == 0.0

    def test_missing_file(self, tmp_path):
        with pytest.raises(ValueError, match="does not exist"):
            image_mask(tmp_path / "nope.png", 64)

    def test_folder(self, tmp_path):
        with pytest.raises(ValueError, match="is a folder: give an image file"):
            image_mask(tmp_path, 64)

    @pytest.mark.parametrize("side, shown", [(16000, ""), (9000, r" \(9000 x 9000\)")])
    def test_huge_image_is_refused_from_its_header(self, tmp_path, side, shown):
        """A PNG whose header says side x side: refused before anything is decoded (the pixel
        data is a 4x4 image's, so a decode would fail with another message)."""
        path = tmp_path / "small.png"
        cv2.imwrite(str(path), np.full((4, 4), 255, np.uint8))
        data = bytearray(path.read_bytes())
        assert data[12:16] == b"IHDR"
        data[16:24] = struct.pack(">II", side, side)
        data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
        huge = tmp_path / "huge.png"
        huge.write_bytes(bytes(data))
        with pytest.raises(ValueError, match=rf"has more than 50 megapixels{shown}: shrink it"):
            image_mask(huge, 64)

    def test_unreadable_file(self, tmp_path):
        path = tmp_path / "broken.png"
        path.write_bytes(b"not an image")
        with pytest.raises(ValueError, match="cannot read target image"):
            image_mask(path, 64)

    def test_empty_mask(self, tmp_path):
        path = tmp_path / "black.png"
        cv2.imwrite(str(path), np.zeros((10, 10), np.uint8))
        with pytest.raises(ValueError, match="empty mask.*--invert"):
            image_mask(path, 64)


class TestStrokeMask:
    def test_brush_and_scaling(self):
        mask = stroke_mask([[(10, 50), (90, 50)]], size=50, brush=10, canvas_size=100)
        # the line runs at row 25 from column 5 to 45, 5 px brush radius after scaling
        assert mask[25, 25] == 1 and mask[25, 5] == 1 and mask[25, 45] == 1
        assert mask[19, 25] == 0 and mask[31, 25] == 0 and mask[21, 25] == 1

    def test_dot_and_no_strokes(self):
        assert stroke_mask([[(32, 32)]], 64, brush=4)[32, 32] == 1
        assert stroke_mask([], 64, brush=4).sum() == 0

    def test_bad_brush(self):
        with pytest.raises(ValueError, match="brush"):
            stroke_mask([[(1, 1)]], 64, brush=0)

    def test_a_circle_of_12_samples_is_round(self):
        brush = 9.0
        mask = stroke_mask([circle_samples(12)], SIDE, brush) > 0.5
        stray, gap = ring_errors(mask, brush)
        assert stray <= 2.0 and gap <= 2.0, (stray, gap)
        # Also when the visitor does not close it: the ends keep the turn of the stroke.
        open_arc = stroke_mask([circle_samples(12, closed=False)[:7]], SIDE, brush) > 0.5
        assert ring_errors(open_arc, brush)[0] <= 2.0

    def test_repeated_points_and_a_two_point_stroke(self):
        line = [(10.0, 32.0), (10.0, 32.0), (54.0, 32.0), (54.0, 32.0)]
        mask = stroke_mask([line], 64, brush=3)
        assert np.array_equal(mask, stroke_mask([[(10, 32), (54, 32)]], 64, brush=3))
        rows = np.flatnonzero(mask.any(axis=1))
        assert rows.min() == 29 and rows.max() == 35  # straight: 3 px either side of row 32


class TestCurve:
    def test_passes_through_every_sample(self):
        samples = [(0.0, 0.0), (30.0, 5.0), (31.0, 40.0), (80.0, 41.0), (90.0, 90.0)]
        line = smooth(samples)
        for p in samples:
            assert np.hypot(*(line - p).T).min() == 0.0
        assert np.array_equal(line[0], samples[0]) and np.array_equal(line[-1], samples[-1])
        steps = np.hypot(*np.diff(line, axis=0).T)
        assert steps.max() <= 1.3 * STEP

    def test_matches_the_centripetal_spline_by_its_definition(self):
        """The Hermite form used here against Barry and Goldman's pyramid of interpolations."""
        rng = np.random.default_rng(5)
        for _ in range(5):
            p0, p1, p2, p3 = rng.uniform(0, 100, (4, 2))
            t = np.cumsum([0.0] + [np.hypot(*(b - a)) ** 0.5 for a, b in ((p0, p1), (p1, p2), (p2, p3))])
            bits = piece(p0, p1, p2, p3, step=2.0)  # at even steps of the parameter
            assert len(bits) > 10
            for u, got in zip(np.linspace(t[1], t[2], len(bits)), bits, strict=True):

                def lerp(a, b, ta, tb, u=u):
                    return ((tb - u) * a + (u - ta) * b) / (tb - ta)

                a1, a2, a3 = lerp(p0, p1, t[0], t[1]), lerp(p1, p2, t[1], t[2]), lerp(p2, p3, t[2], t[3])
                want = lerp(lerp(a1, a2, t[0], t[2]), lerp(a2, a3, t[1], t[3]), t[1], t[2])
                assert np.allclose(got, want, atol=1e-9)

    def test_the_made_up_sample_beyond_an_end_keeps_the_turn(self):
        on_circle = circle_samples(12, closed=False)
        made_up = beyond(on_circle[1], on_circle[2], on_circle[3])
        assert np.allclose(made_up, on_circle[0])
        assert np.allclose(beyond((0, 0), (1, 0), (3, 0)), (-2, 0))  # straight stays straight
        assert beyond((0, 0), (1, 2), None) == (-1, -2)

    def test_single_points_and_nothing(self):
        assert smooth([(3, 4)]).tolist() == [[3.0, 4.0]]
        assert smooth([]).shape == (0, 2)


class TestIoU:
    def test_values(self):
        a = np.zeros((4, 4))
        b = np.zeros((4, 4))
        a[:2] = 1
        b[1:3] = 1
        assert iou(a, b) == pytest.approx(4 / 12)
        assert iou(a, a) == 1.0 and iou(np.zeros((2, 2)), np.zeros((2, 2))) == 0.0
