"""The QR round trip for real: ``live run --kiosk`` under Xvfb + openbox on a 1600x900 screen.

Draw with xdotool, press ``s``, wait for the export; take a screenshot of the whole screen
(``import -window root``), decode the QR code in it with ``zbarimg``, fetch that URL over HTTP
(127.0.0.1 only), and check that the page and the GIF arrive; then a stroke takes the code down.

Skipped where Xvfb, xdotool, openbox, zbarimg or ImageMagick's ``import`` is missing.
"""

from __future__ import annotations

import shutil
import subprocess
import time

import httpx
import pytest

from live.share import parse_name
from tests.share_helpers import LOOPBACK
from tests.test_app_e2e import (
    SCREEN,
    SHAPE,
    check_run,
    drag,
    finish,
    on_kiosk_screen,
    start_live,
    wait_for_gif,
    wait_window,
    xdo,
)

pytestmark = pytest.mark.skipif(
    not all(shutil.which(tool) for tool in ("Xvfb", "xdotool", "openbox", "zbarimg", "import")),
    reason="needs Xvfb, xdotool, openbox, zbarimg (zbar-tools) and import (imagemagick)",
)
#: Seconds to wait for the QR code to be readable on screen after the export.
CODE_TIMEOUT = 30


def screenshot(env, path) -> None:
    subprocess.run(["import", "-window", "root", str(path)], env=env, check=True, timeout=60, capture_output=True)


def decode(path) -> list[str]:
    done = subprocess.run(
        ["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    return [line for line in done.stdout.splitlines() if line]


def wait_for_code(env, folder, name: str) -> tuple[list[str], object]:
    """Screenshots until zbarimg reads a code (or CODE_TIMEOUT); returns what it read and the
    last screenshot's path."""
    deadline = time.monotonic() + CODE_TIMEOUT
    path = folder / name
    found: list[str] = []
    while time.monotonic() < deadline and not found:
        screenshot(env, path)
        found = decode(path)
        if not found:
            time.sleep(1.0)
    return found, path


def test_qr_round_trip(xserver, tmp_path):
    env = xserver
    proc = start_live(
        env, tmp_path, "--kiosk",
        "--set", f"share.host={LOOPBACK}", "--set", "share.port=0", "--set", "share.show_seconds=120",
    )  # fmt: skip
    wid = wait_window(env, proc, "live", SCREEN)
    xdo(env, "windowactivate", "--sync", wid)
    time.sleep(1.0)  # the picture is fitted to the screen in the first frames
    canvas_points = on_kiosk_screen(SHAPE)
    screenshot(env, tmp_path / "before.png")
    assert decode(tmp_path / "before.png") == [], "a QR code before any export"
    drag(env, wid, canvas_points)
    time.sleep(0.5)
    xdo(env, "key", "--window", wid, "s")
    wait_for_gif(tmp_path)
    gifs = sorted(tmp_path.glob("*.gif"))
    assert gifs, (tmp_path / "stderr.txt").read_text()[-2000:]
    found, shot = wait_for_code(env, tmp_path, "screen.png")
    print(f"e2e share: screenshot {shot}, decoded {found}")
    assert len(found) == 1, f"zbarimg read {found} from {shot}"
    url = found[0]
    token = parse_name(gifs[0].name)[1]
    assert url.startswith(f"http://{LOOPBACK}:") and url.endswith(f"/r/{token}"), url
    with httpx.Client(trust_env=False, timeout=10.0) as client:
        page = client.get(url)
        assert page.status_code == 200 and "id=clip" in page.text
        assert f'src="/r/{token}.mp4"' in page.text or f'src="/r/{token}.gif"' in page.text, "the video, or the GIF"
        gif = client.get(f"{url}.gif")
        assert gif.status_code == 200 and gif.headers["content-type"] == "image/gif"
        assert gif.content == gifs[0].read_bytes()
    # the next visitor's first stroke takes the code down
    drag(env, wid, canvas_points[:2])
    time.sleep(2.0)
    screenshot(env, tmp_path / "after.png")
    assert decode(tmp_path / "after.png") == [], "the code stayed up after a new stroke"
    proc.terminate()
    check_run(proc, tmp_path, finish(proc))
