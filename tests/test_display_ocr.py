"""Tesseract reads the idle instruction off a screenshot of the kiosk (Xvfb + openbox, 1600x900).

Skipped where Xvfb, openbox, xdotool, ImageMagick's ``import`` or ``tesseract`` are missing.
"""

import re
import shutil
import subprocess
import time

import pytest

from live.config import UiConfig
from live.display.layout import kiosk_layout
from tests.test_app_e2e import SCREEN, finish, start_live, wait_window

pytestmark = pytest.mark.skipif(
    not all(shutil.which(tool) for tool in ("Xvfb", "xdotool", "openbox", "import", "tesseract")),
    reason="needs Xvfb, xdotool, openbox, imagemagick and tesseract-ocr",
)


def words(text: str) -> list[str]:
    return re.findall(r"[a-z]+", text.lower())


def test_tesseract_reads_the_idle_instruction(xserver, tmp_path):
    env = xserver
    proc = start_live(env, tmp_path, "--kiosk")
    try:
        wid = wait_window(env, proc, "live", SCREEN)
        time.sleep(3.0)  # fitted to the screen in the first frames
        shot = tmp_path / "kiosk.png"
        subprocess.run(["import", "-window", "root", str(shot)], env=env, check=True, timeout=60)
        x, y, w, h = kiosk_layout(*SCREEN).band
        band = tmp_path / "band.png"
        subprocess.run(["convert", str(shot), "-crop", f"{w}x{h}+{x}+{y}", str(band)], check=True, timeout=60)
        read = subprocess.run(["tesseract", str(band), "stdout", "--psm", "7"], capture_output=True, text=True)
        assert read.returncode == 0, read.stderr
        assert words(read.stdout) == words(UiConfig().invite_mouse), read.stdout
        del wid
    finally:
        proc.terminate()
        finish(proc)
