"""A real browser on a phone-sized screen: headless chromium opens a recording's page from the
share server on 127.0.0.1 and takes a screenshot; the GIF must be in it.

The test GIF is magenta (with a white bar); nothing else on the page is, so magenta pixels in
the screenshot mean the image was fetched and decoded. Skips where chromium is missing.
"""

from __future__ import annotations

import shutil
import subprocess

import numpy as np
import pytest

from live.share import ShareServer
from tests.share_helpers import GIF_RGB, loopback_settings, write_recording

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")
#: A phone's screen in CSS pixels (iPhone 12-15).
PHONE = (390, 844)


def _screenshot(url: str, out, profile) -> np.ndarray:
    """Loads ``url`` in headless chromium at phone size; returns the screenshot, (H, W, 3) RGB."""
    import imageio.v3 as iio

    command = [
        CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-proxy-server", "--hide-scrollbars", f"--user-data-dir={profile}",
        f"--window-size={PHONE[0]},{PHONE[1]}", "--virtual-time-budget=5000", f"--screenshot={out}", url,
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert out.exists(), f"chromium wrote no screenshot (exit {done.returncode}): {done.stderr[-2000:]}"
    return iio.imread(out)[..., :3]


def _magenta(shot: np.ndarray) -> np.ndarray:
    """(H, W) bool: pixels within 40 of the GIF's colour in every channel."""
    return (np.abs(shot.astype(int) - np.asarray(GIF_RGB)) < 40).all(axis=2)


def test_phone_sees_the_gif(tmp_path):
    folder = tmp_path / "recordings"
    token = write_recording(folder)
    with ShareServer(loopback_settings(), folder) as server:
        shot = _screenshot(f"{server.local_url}/r/{token}", tmp_path / "page.png", tmp_path / "profile")
        missing = _screenshot(f"{server.local_url}/r/{'A' * 22}", tmp_path / "missing.png", tmp_path / "profile2")
    assert shot.shape[:2] == (PHONE[1], PHONE[0])
    magenta = _magenta(shot)
    rows, cols = np.nonzero(magenta)
    assert magenta.sum() > 0.2 * PHONE[0] * PHONE[0] / 2, f"only {magenta.sum()} GIF pixels on screen"
    # the GIF fills the width of the screen (less the page margin), in the upper half
    assert cols.max() - cols.min() > 0.8 * PHONE[0]
    assert rows.min() < PHONE[1] / 2
    assert not _magenta(missing).any(), "the control page shows no GIF, so the check above can fail"
