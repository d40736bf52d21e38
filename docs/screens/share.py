"""Screenshots of sharing (docs/screens/share-*.png): the phone's page, the staff page, the QR card.

- ``phone`` and ``staff``: a headless ``live run`` (the real loop, recording MP4 and GIF) serves
  its share server on 127.0.0.1 with a staff PIN; once it has exported the heart of
  ``examples/heart.json``, headless chromium (driven through ``tests/chromium.py``) opens the
  recording's page at 390 x 844 (the video, and the same clip as an older GIF-only recording) and
  the staff page (its status, and the question before a delete).
- ``card``: ``live run --kiosk`` under Xvfb + openbox at 1920 x 1080; a heart drawn with xdotool,
  ``s``, and the screen once the QR card is up.

    python docs/screens/share.py [phone] [staff] [card]
"""

from __future__ import annotations

import json
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
OUT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))
PIN = "staff-4321"


def save(raw: Path, name: str) -> None:
    """The screenshot ``raw`` as ``docs/screens/<name>.png``, reduced to 128 colours."""
    picture = Image.open(raw).convert("RGB").quantize(128, method=Image.Quantize.MEDIANCUT)
    picture.save(OUT / f"{name}.png", optimize=True)
    print(f"{name}.png", (OUT / f"{name}.png").stat().st_size // 1024, "KB", flush=True)


def start_run(folder: Path) -> tuple[subprocess.Popen, int]:
    """A headless ``live run`` recording MP4 and GIF, serving on 127.0.0.1; returns it and its port."""
    script = json.loads((ROOT / "examples" / "heart.json").read_text())
    script["end"] = 600.0
    (folder / "script.json").write_text(json.dumps(script))
    command = [sys.executable, "-m", "live", "run", "--headless", "--script", str(folder / "script.json"),
               "--recordings", str(folder / "rec"), "--set", "record.mp4=true", "--set", "share.host=127.0.0.1",
               "--set", "share.port=0", "--set", f"share.staff_pin={PIN}"]  # fmt: skip
    proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    for line in proc.stderr:
        match = re.search(r"share server on 127\.0\.0\.1:(\d+)", line)
        if match:
            threading.Thread(target=lambda: [None for _ in proc.stderr], daemon=True).start()
            return proc, int(match[1])
    raise RuntimeError("live run did not start its share server")


def wait_export(base: str) -> None:
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if httpx.get(f"{base}/healthz", trust_env=False).json()["exports"]:
            return
        time.sleep(1.0)
    raise RuntimeError("no export within 300 s")


def phone_and_staff(modes: list[str]) -> None:
    from live.share import list_recordings
    from tests.chromium import Chromium

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        proc, port = start_run(folder)
        base = f"http://127.0.0.1:{port}"
        try:
            wait_export(base)
            recording = list_recordings(folder / "rec")[0]
            older = folder / "rec" / f"20261206-101500-{secrets.token_urlsafe(16)}.gif"
            shutil.copy(recording.gif, older)  # the same clip as an older, GIF-only recording
            if "phone" in modes:
                with Chromium(folder / "p1") as browser:
                    browser.load(f"{base}/r/{recording.token}", settle=2.0)
                    save(browser.screenshot(folder / "v.png"), "share-phone-video")
                    browser.load(f"{base}/r/{older.name.split('-', 2)[2][:-4]}", settle=1.0)
                    save(browser.screenshot(folder / "g.png"), "share-phone-gif")
            if "staff" in modes:
                staff_shots(base, folder)
        finally:
            proc.terminate()
            proc.wait(120)


def staff_shots(base: str, folder: Path) -> None:
    from tests.chromium import Chromium

    with httpx.Client(base_url=base, trust_env=False) as client:
        client.post("/staff/login", data={"pin": PIN})
        cookie = client.cookies["live_staff"]
    time.sleep(20.0)  # the loop runs on: the figures settle
    with Chromium(folder / "s1", size=(900, 1000), mobile=False) as browser:
        browser.set_cookie("live_staff", cookie, f"{base}/staff")
        browser.load(f"{base}/staff")
        save(browser.screenshot(folder / "s.png", full_page=True), "share-staff")
        browser.evaluate("document.querySelector('form[action=\"/staff/delete\"] button').click()")
        time.sleep(1.5)
        save(browser.screenshot(folder / "d.png", full_page=True), "share-staff-delete")
    with Chromium(folder / "s2") as browser:
        browser.set_cookie("live_staff", cookie, f"{base}/staff")
        browser.load(f"{base}/staff")
        save(browser.screenshot(folder / "sp.png", full_page=True), "share-staff-phone")


def card(screen: tuple[int, int] = (1920, 1080)) -> None:
    """The QR card on a kiosk screen, under Xvfb + openbox."""
    sys.path.insert(0, str(OUT))
    import make

    from tests.xsession import x_session

    with x_session(*screen) as env:
        with tempfile.TemporaryDirectory() as tmp:
            cmd = [sys.executable, "-m", "live", "run", "--kiosk", "--recordings", tmp,
                   "--set", "share.host=127.0.0.1", "--set", "share.port=0"]  # fmt: skip
            proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                wid = make.wait_window(env, "live")
                make.xdo(env, "windowactivate", "--sync", wid)
                time.sleep(5.0)
                points = make.to_screen(True, screen, make.SHAPE[:9])
                make.xdo(env, "mousemove", "--window", wid, *points[0])
                make.xdo(env, "mousedown", 1)
                for x, y in points[1:]:
                    make.xdo(env, "mousemove", "--window", wid, x, y)
                    time.sleep(0.1)
                make.xdo(env, "mouseup", 1)
                make.xdo(env, "key", "--window", wid, "s")
                deadline = time.monotonic() + 180
                while not list(Path(tmp).glob("*.gif")) and time.monotonic() < deadline:
                    time.sleep(0.5)
                time.sleep(2.0)
                raw = Path(tmp) / "raw.png"
                subprocess.run(["import", "-window", "root", str(raw)], env=env, check=True, timeout=60)
                save(raw, f"share-card-{screen[0]}")
            finally:
                proc.terminate()
                proc.wait(60)


if __name__ == "__main__":
    chosen = sys.argv[1:] or ["phone", "staff", "card"]
    if {"phone", "staff"} & set(chosen):
        phone_and_staff(chosen)
    if "card" in chosen:
        card()
