"""A real browser on a phone-sized screen (390 x 844): headless chromium opens a recording's page
from the share server on 127.0.0.1.

- With an MP4 (H.264, made here by the recorder's own encoder through imageio-ffmpeg), the video
  plays inline by itself: its ``currentTime`` advances, and it fills the screen's width.
- With only a GIF (an older recording), the GIF shows, the width of the screen.

The test GIF is magenta (with a white bar); nothing else on the page is, so magenta pixels in a
screenshot mean the image was fetched and decoded. Chromium is driven through its DevTools
protocol over a pipe (:mod:`tests.chromium`). Skips where chromium is missing.
"""

from __future__ import annotations

import time

import numpy as np
import pytest

from live.share import ShareServer, parse_name
from tests.chromium import CHROMIUM, PHONE, Chromium
from tests.share_helpers import GIF_RGB, loopback_settings, write_recording

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")

#: What the page's video says of itself.
VIDEO_STATE = (
    "(() => { const v = document.querySelector('video'); if (!v) return null;"
    " const r = v.getBoundingClientRect();"
    " return {t: v.currentTime, paused: v.paused, ready: v.readyState, w: v.videoWidth, h: v.videoHeight,"
    " left: r.left, width: r.width, height: r.height, error: v.error && v.error.code, poster: v.poster,"
    " inner: innerWidth}; })()"
)


def write_clip(folder, seconds: float = 3.0, fps: int = 15, side: int = 240) -> str:
    """An H.264 MP4 and a GIF of a white square crossing a magenta frame; returns the token."""
    from live.record import write_gif, write_mp4
    from live.record.files import new_stem

    frames = np.zeros((int(seconds * fps), side, side, 3), np.uint8)
    frames[:] = GIF_RGB
    n = len(frames)
    for i in range(n):
        x = i * (side - 40) // n
        frames[i, side // 2 - 20 : side // 2 + 20, x : x + 40] = 255
    stem = new_stem()
    folder.mkdir(parents=True, exist_ok=True)
    write_mp4(folder / f"{stem}.mp4", frames, fps=fps)
    write_gif(folder / f"{stem}.gif", frames, fps=fps)
    return parse_name(f"{stem}.gif")[1]


def _magenta(shot: np.ndarray) -> np.ndarray:
    """(H, W) bool: pixels within 40 of the GIF's colour in every channel."""
    return (np.abs(shot.astype(int) - np.asarray(GIF_RGB)) < 40).all(axis=2)


def _image(path) -> np.ndarray:
    import imageio.v3 as iio

    return iio.imread(path)[..., :3]


def _played(browser: Chromium, timeout: float = 60.0) -> list[dict]:
    """The video's state until its time has advanced twice (or ``timeout``)."""
    states = [browser.evaluate(VIDEO_STATE)]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        time.sleep(0.4)
        states.append(browser.evaluate(VIDEO_STATE))
        times = [s["t"] for s in states if s]
        if len(times) >= 3 and times[-1] > times[-2] > times[-3] >= 0 and times[-1] > 0.3:
            break
    return states


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("recordings")
    tokens = {"video": write_clip(folder), "gif_only": write_recording(folder, mp4=False)}
    broken = write_recording(folder, mp4=False, stamp="20261128-000900")
    (folder / f"20261128-000900-{broken}.mp4").write_bytes(b"\0\0\0\x18ftypisom" + b"not a video" * 100)
    tokens["broken"] = broken
    with ShareServer(loopback_settings(), folder) as server:
        yield server, tokens


def test_the_video_plays_inline_across_the_phone(site, tmp_path):
    server, tokens = site
    with Chromium(tmp_path / "profile") as browser:
        browser.load(f"{server.local_url}/r/{tokens['video']}")
        states = _played(browser)
        shot = _image(browser.screenshot(tmp_path / "video.png"))
    last = states[-1]
    print("video states:", states[0], last, sep="\n")
    assert last is not None and last["error"] is None and not last["paused"], last
    assert last["t"] > 0.3 and last["t"] > states[-2]["t"], "currentTime advances: the video plays by itself"
    assert (last["w"], last["h"]) == (240, 240) and last["ready"] >= 2
    assert last["inner"] == PHONE[0], "the page is laid out for the phone (viewport meta)"
    assert last["left"] == 0 and last["width"] == PHONE[0], "the video fills the phone's width"
    assert last["poster"].endswith(f"/r/{tokens['video']}.png")
    magenta = _magenta(shot)
    assert magenta.sum() > 0.5 * PHONE[0] * PHONE[0], "the video's picture is on screen"
    assert np.nonzero(magenta)[0].min() < PHONE[1] / 4, "at the top of the screen"


def test_a_broken_video_does_not_play(site, tmp_path):
    """The control: the same check on an MP4 chromium cannot decode fails to see time advance."""
    server, tokens = site
    with Chromium(tmp_path / "profile") as browser:
        browser.load(f"{server.local_url}/r/{tokens['broken']}")
        states = _played(browser, timeout=5.0)
    assert states[-1]["t"] == 0 and (states[-1]["error"] is not None or states[-1]["ready"] == 0), states[-1]


def test_phone_sees_the_gif(site, tmp_path):
    server, tokens = site
    with Chromium(tmp_path / "profile") as browser:
        browser.load(f"{server.local_url}/r/{tokens['gif_only']}")
        assert browser.evaluate(VIDEO_STATE) is None, "an older recording: no video, the GIF"
        shot = _image(browser.screenshot(tmp_path / "page.png"))
        browser.load(f"{server.local_url}/r/{'A' * 22}")
        missing = _image(browser.screenshot(tmp_path / "missing.png"))
    assert shot.shape[:2] == (PHONE[1], PHONE[0])
    magenta = _magenta(shot)
    rows, cols = np.nonzero(magenta)
    assert magenta.sum() > 0.2 * PHONE[0] * PHONE[0] / 2, f"only {magenta.sum()} GIF pixels on screen"
    assert cols.min() == 0 and cols.max() == PHONE[0] - 1, "the GIF fills the width of the screen"
    assert rows.min() < PHONE[1] / 4
    assert not _magenta(missing).any(), "the control page shows no GIF, so the check above can fail"


def test_staff_sign_in_and_delete_in_a_real_browser(tmp_path):
    """The staff forms as a browser posts them (``Sec-Fetch-Site``, ``Origin`` under the pages'
    referrer policy): sign in, Delete…, the question, Delete; the recording is gone."""
    folder = tmp_path / "rec"
    keep, gone = write_recording(folder, mp4=False), write_recording(folder, stamp="20261128-000900")
    click = "document.querySelector({!r}).click()"
    with ShareServer(loopback_settings(), folder) as server, Chromium(tmp_path / "profile") as browser:
        browser.load(f"{server.local_url}/staff")
        browser.evaluate("document.querySelector('input[name=pin]').value = 'staff-4321'")
        browser.evaluate(click.format("form[action='/staff/login'] button"))
        time.sleep(1.5)
        heading = "(document.querySelector('h1') || {}).textContent"
        assert browser.evaluate(heading) == "Kiosk", browser.evaluate("document.body.innerText")
        browser.evaluate(click.format(f"form[action='/staff/delete'] input[value='{gone}'] ~ button"))
        time.sleep(1.5)
        assert browser.evaluate(heading) == "Delete this recording?"
        assert len(list(folder.glob(f"*{gone}*"))) == 2, "asked first: nothing deleted yet"
        browser.evaluate(click.format("button.danger"))
        time.sleep(1.5)
        text = browser.evaluate("document.body.innerText")
    assert "The recording was deleted." in text and "1 kept" in text, text
    assert not list(folder.glob(f"*{gone}*")) and list(folder.glob(f"*{keep}*"))
