"""The QR card (live.share.qr): shape, crisp modules, quiet zone, and zbarimg reads it back."""

from __future__ import annotations

import secrets
import shutil
import subprocess

import cv2
import numpy as np
import pytest

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
        assert url_lines("http://10.0.0.2:8765/r/abc") == ["10.0.0.2:8765", "/r/abc"]
        assert url_lines("https://clips.example.org/r/abc") == ["https://clips.example.org", "/r/abc"]
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
