"""The QR card (live.share.qr): shape, crisp modules, quiet zone, and zbarimg reads it back."""

from __future__ import annotations

import secrets
import shutil
import subprocess

import cv2
import numpy as np
import pytest

from live.share.overlay import ShareCode
from live.share.qr import QUIET_ZONE, qr_card, qr_modules, url_lines

ZBARIMG = shutil.which("zbarimg")
needs_zbar = pytest.mark.skipif(ZBARIMG is None, reason="zbarimg (Debian zbar-tools) is not installed")


def _url() -> str:
    return f"http://192.168.100.200:8765/r/{secrets.token_urlsafe(16)}"


def zbar(path) -> list[str]:
    """What zbarimg decodes in the image file at ``path`` (QR codes only)."""
    done = subprocess.run(
        [ZBARIMG, "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    return [line for line in done.stdout.splitlines() if line]


class TestModules:
    def test_shape_and_quiet_zone(self):
        m = qr_modules(_url())
        n = m.shape[0]
        assert m.shape == (n, n) and m.dtype == bool
        assert (n - 2 * QUIET_ZONE - 17) % 4 == 0
        assert not m[:QUIET_ZONE].any() and not m[-QUIET_ZONE:].any()
        assert not m[:, :QUIET_ZONE].any() and not m[:, -QUIET_ZONE:].any()
        assert m[QUIET_ZONE : QUIET_ZONE + 7, QUIET_ZONE].all()  # the finder pattern's edge

    def test_errors(self):
        with pytest.raises(ValueError, match="URL"):
            qr_modules("")
        with pytest.raises(ValueError, match="public_url"):
            qr_modules("http://x/" + "a" * 4000)


class TestCard:
    def test_shape_and_crisp_modules(self):
        url = _url()
        m = qr_modules(url)
        card = qr_card(url, height=520)
        assert card.dtype == np.uint8 and card.ndim == 3 and card.shape[2] == 3
        assert card.shape[0] <= 520
        side = card.shape[1]
        module = side // m.shape[0]
        assert module * m.shape[0] == side and module >= 8
        # the finder pattern's top edge: the first row black across 7 modules, 4 modules in
        q = QUIET_ZONE * module
        finder_rows = np.nonzero((card[:, q : q + 7 * module, 0] == 0).all(axis=1))[0]
        y0 = finder_rows[0] - q
        # the code region holds pure black and white only, each module a uniform square
        region = card[y0 : y0 + side]
        assert set(np.unique(region)) <= {0, 255}
        assert np.array_equal(np.repeat(np.repeat(m, module, 0), module, 1), region[..., 0] == 0)

    @pytest.mark.parametrize("height", [64, 200, 520, 1000])
    def test_fits_the_height(self, height):
        card = qr_card(_url(), height=height)
        assert card.shape[0] <= height or card.shape[1] == 2 * qr_modules(_url()).shape[0]

    def test_bad_height(self):
        with pytest.raises(ValueError, match="64"):
            qr_card(_url(), height=10)

    def test_url_lines(self):
        assert url_lines("http://10.0.0.2:8765/r/abc") == ["10.0.0.2:8765"]  # the token stays in the code
        assert url_lines("https://clips.example.org/r/abc") == ["https://clips.example.org"]
        assert url_lines("http://host/x") == ["host/x"]

    @needs_zbar
    @pytest.mark.parametrize("height", [200, 520])
    def test_zbarimg_reads_it(self, tmp_path, height):
        url = _url()
        path = tmp_path / "card.png"
        cv2.imwrite(str(path), qr_card(url, height=height))
        assert zbar(path) == [url]

    @needs_zbar
    def test_zbarimg_reads_it_on_a_dark_screen_scaled(self, tmp_path):
        """Pasted on a dark picture and scaled by a non-integer factor, as a screen might."""
        url = _url()
        card = qr_card(url, height=400)
        screen = np.full((900, 1600, 3), 30, np.uint8)
        screen[250 : 250 + card.shape[0], 1100 : 1100 + card.shape[1]] = card
        screen = cv2.resize(screen, None, fx=0.83, fy=0.83, interpolation=cv2.INTER_LINEAR)
        path = tmp_path / "screen.png"
        cv2.imwrite(str(path), screen)
        assert zbar(path) == [url]

    @needs_zbar
    def test_zbar_check_can_fail(self, tmp_path):
        path = tmp_path / "blank.png"
        cv2.imwrite(str(path), np.full((300, 300, 3), 255, np.uint8))
        assert zbar(path) == []


class TestShareCode:
    def test_shows_for_its_seconds(self):
        code = ShareCode(30.0)
        assert not code.visible(0.0)
        code.show(_url(), now=10.0)
        assert code.visible(10.0) and code.visible(39.9)
        assert not code.visible(40.0)

    def test_a_stroke_hides_it(self):
        code = ShareCode(30.0)
        code.show(_url(), now=0.0)
        code.hide()
        assert not code.visible(1.0)

    def test_zero_seconds_never_shows(self):
        code = ShareCode(0.0)
        code.show(_url(), now=0.0)
        assert not code.visible(0.0)

    @pytest.mark.parametrize("rect", [(100, 50, 600, 600), (0, 0, 300, 700), (10, 10, 700, 250)])
    def test_draws_inside_its_rectangle(self, rect):
        code = ShareCode(30.0)
        code.show(_url(), now=0.0)
        image = np.full((800, 900, 3), 40, np.uint8)
        assert code.draw(image, rect, now=1.0)
        x, y, w, h = rect
        inside = np.zeros(image.shape[:2], bool)
        inside[y : y + h, x : x + w] = True
        card = (image != 40).any(axis=2)
        assert not card[~inside].any()
        rows, cols = np.nonzero(card)
        # the code takes whole pixels a module, so the card may fall short of a side by a module or so
        assert rows.ptp() + 1 >= 0.8 * h or cols.ptp() + 1 >= 0.8 * w, "the card fills one side"

    def test_nothing_drawn_when_hidden_or_too_small(self):
        code = ShareCode(30.0)
        image = np.zeros((400, 400, 3), np.uint8)
        assert not code.draw(image, (0, 0, 400, 400), now=0.0)
        code.show(_url(), now=0.0)
        assert not code.draw(image, (0, 0, 50, 400), now=0.0)
        assert not image.any()

    def test_card_is_made_once_per_size(self):
        code = ShareCode(30.0)
        code.show(_url(), now=0.0)
        assert code.card(500, 500) is code.card(500, 500)
        with pytest.raises(ValueError, match="show"):
            ShareCode(30.0).card(500, 500)

    @needs_zbar
    def test_drawn_code_scans(self, tmp_path):
        url = _url()
        code = ShareCode(30.0)
        code.show(url, now=0.0)
        image = np.full((900, 1600, 3), 40, np.uint8)
        code.draw(image, (60, 120, 700, 700), now=0.0)
        cv2.imwrite(str(tmp_path / "screen.png"), image)
        assert zbar(tmp_path / "screen.png") == [url]


def test_card_fits_a_width():
    url = _url()
    n = qr_modules(url).shape[0]
    card = qr_card(url, height=900, width=300)
    assert card.shape[1] <= 300 and card.shape[1] == (300 // n) * n


class TestWords:
    """The card's words are ``[ui]`` keys, drawn in the visitors' font."""

    def test_title_is_a_ui_key(self):
        from live.config import ConfigError, load_config

        assert load_config(None, {}).ui.share_title == "Scan to take your clip home"
        assert load_config(None, {"ui.share_title": "Scanne-moi ça"}).ui.share_title == "Scanne-moi ça"
        with pytest.raises(ConfigError, match="ui.share_title"):
            load_config(None, {"ui.share_title": " "})

    def test_any_unicode_the_font_has(self):
        """'ça' and 'ca' differ on the card: the cedilla is drawn (OpenCV's Hershey font would
        have dropped it)."""
        from live.config import DEFAULT_FONT
        from live.display.text import TextPainter

        if TextPainter(DEFAULT_FONT).fallback:
            pytest.skip("DejaVu Sans (fonts-dejavu-core) is not installed")
        url = _url()
        accented = qr_card(url, height=520, title="Scanne-moi ça")
        plain = qr_card(url, height=520, title="Scanne-moi ca")
        assert accented.shape == plain.shape
        differ = np.nonzero((accented != plain).any(axis=2))[0]
        assert len(differ) and differ.max() < plain.shape[1] * 0.125, "only the title's row differs"

    def test_the_title_shows_and_keeps_off_the_code(self):
        url = _url()
        card = qr_card(url, height=520)
        side = card.shape[1]
        box = int(side * 0.125)
        title = card[:box]
        assert (title < 128).any(), "the title is drawn"
        assert set(np.unique(card[box : box + side])) <= {0, 255}, "the code's region holds the code only"

    def test_share_code_uses_its_title(self):
        code = ShareCode(30.0, title="Hier scannen")
        code.show(_url(), now=0.0)
        default = ShareCode(30.0)
        default.show(code.url, now=0.0)
        assert not np.array_equal(code.card(500, 600), default.card(500, 600))

    def test_show_last_again(self):
        code = ShareCode(30.0)
        assert not code.show_last(0.0)
        url = _url()
        code.show(url, now=0.0)
        code.hide()
        assert not code.visible(1.0)
        assert code.show_last(100.0) and code.url == url and code.visible(129.0)
