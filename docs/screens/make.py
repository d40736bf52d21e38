"""Screenshots of every state of the screen, in the two windows and in the kiosk (docs/screens/).

Runs ``live run`` under Xvfb + openbox, drives it with xdotool (the mouse) or with the hand
footage of ../shared/data/hands (the hand), and grabs the screen with ImageMagick's ``import``.
Each picture is reduced to a 128-colour palette so it stays small. The runs (:data:`RUNS`): the two
windows and the kiosk on a 1920x1080 screen (``window-*.png``, ``kiosk-*.png``), and the kiosk on a
3840x2160 one (``kiosk-4k-*.png``).

    python docs/screens/make.py [window|kiosk|kiosk-4k ...] [--hand | --mouse]   (the hand's or the mouse's shots only)
"""

from __future__ import annotations

import itertools
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
OUT = Path(__file__).resolve().parent
#: Each run: whether it is the kiosk, and its screen.
RUNS = {"window": (False, (1920, 1080)), "kiosk": (True, (1920, 1080)), "kiosk-4k": (True, (3840, 2160))}
HAND_VIDEO = ROOT.parent / "shared" / "data" / "hands" / "fingertip_circle.mp4"
#: Canvas pixels of the 512-pixel canvas: a heart-ish loop, then a tail that runs off the drawing
#: area to the right (it stops at the frame).
SHAPE = [(256, 170), (330, 110), (420, 150), (410, 260), (256, 420), (100, 260), (92, 150), (180, 110), (256, 170)]
SHAPE += [(380, 60), (470, 40), (640, 30)]


def xdo(env, *args) -> str:
    return subprocess.run(["xdotool", *map(str, args)], env=env, capture_output=True, text=True, timeout=30).stdout


def shot(env, name: str) -> None:
    raw = OUT / f"{name}.raw.png"
    subprocess.run(["import", "-window", "root", str(raw)], env=env, check=True, timeout=60)
    picture = Image.open(raw).convert("RGB").quantize(128, method=Image.Quantize.MEDIANCUT)
    picture.save(OUT / f"{name}.png", optimize=True)
    raw.unlink()
    print(f"{name}.png", (OUT / f"{name}.png").stat().st_size // 1024, "KB", flush=True)


def wait_window(env, name: str, timeout: float = 180.0) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = xdo(env, "search", "--onlyvisible", "--name", f"^{name}$").split()
        if found:
            return found[0]
        time.sleep(0.5)
    raise RuntimeError(f"no window {name!r}")


def to_screen(kiosk: bool, screen: tuple[int, int], points):
    from live.display.layout import kiosk_layout

    if not kiosk:
        return [(x, y) for x, y in points]  # the canvas window's own pixels
    x0, y0, side, _ = kiosk_layout(*screen).canvas
    return [(round(x0 + x * side / 512), round(y0 + y * side / 512)) for x, y in points]


def mouse_run(env, kiosk: bool, screen: tuple[int, int], tag: str, folder: Path) -> None:
    cmd = [sys.executable, "-m", "live", "run", "--recordings", str(folder)]
    cmd += ["--set", "app.idle_seconds=40", "--set", "ui.countdown_seconds=10", "--set", "share.port=0"]
    cmd += ["--kiosk"] if kiosk else []
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wid = wait_window(env, "live" if kiosk else "canvas")
        xdo(env, "windowactivate", "--sync", wid)
        time.sleep(8.0)  # the creatures form the attract text
        shot(env, f"{tag}-attract")
        points = to_screen(kiosk, screen, SHAPE)
        xdo(env, "mousemove", "--window", wid, *points[0])
        xdo(env, "mousedown", 1)
        for (x0, y0), (x1, y1) in itertools.pairwise(points):
            for k in range(1, 6):
                xdo(env, "mousemove", "--window", wid, round(x0 + (x1 - x0) * k / 5), round(y0 + (y1 - y0) * k / 5))
                time.sleep(0.05)
        time.sleep(1.0)  # the pen is still down: the eyes look at it
        shot(env, f"{tag}-drawing-mouse")
        xdo(env, "mouseup", 1)
        xdo(env, "key", "--window", wid, "s")
        sent = time.monotonic()  # the last input: the idle time runs from here
        time.sleep(2.0)
        shot(env, f"{tag}-sent")
        deadline = time.monotonic() + 120
        while not list(folder.glob("*.gif")) and time.monotonic() < deadline:
            time.sleep(0.5)
        time.sleep(1.0)
        shot(env, f"{tag}-exported")
        time.sleep(max(0.0, sent + 40 - 7 - time.monotonic()))  # 7 s before the idle timeout
        shot(env, f"{tag}-countdown")
    finally:
        proc.terminate()
        proc.wait(60)


def drive_hand(args: list[str]) -> None:
    """``live run`` with MediaPipe's answer replaced by a pointing hand whose fingertip circles.

    The hand footage we have shows an open palm (it submits, it never points). So for the shots
    of drawing with the hand, the tracker returns a real hand's landmarks (from that footage, the
    fixture of the gesture tests) with three fingers curled into pointing, fingertip moving on a
    circle; the gestures, the strokes, the overlay and the screen are the real ones, and the
    camera picture behind is the footage itself.
    """
    import math

    from live.cli import main as live_main
    from live.input import hand
    from tests.hand_fixtures import synthetic

    start = time.monotonic()

    def find(self, image):
        t = time.monotonic() - start
        angle = 0.5 * t
        return [synthetic("pointing", (320 + 110 * math.cos(angle), 240 + 110 * math.sin(angle)))]

    hand.HandTracker.find = find
    sys.exit(live_main(["run", *args]))


def hand_run(env, kiosk: bool, tag: str, folder: Path) -> None:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--drive-hand", "--recordings", str(folder)]
    cmd += ["--input", "hand", "--camera", str(HAND_VIDEO), "--set", "share.port=0"] + (["--kiosk"] if kiosk else [])
    proc = subprocess.Popen(cmd, cwd=ROOT, env={**env, "PYTHONPATH": str(ROOT)}, stdout=subprocess.DEVNULL,
                            stderr=open(folder / "stderr.txt", "w"))  # fmt: skip
    try:
        wid = wait_window(env, "live" if kiosk else "canvas")
        xdo(env, "windowactivate", "--sync", wid)
        time.sleep(6.0)  # the fingertip is half-way round its first circle
        shot(env, f"{tag}-drawing-hand")
    finally:
        proc.terminate()
        proc.wait(60)


def main(modes: list[str]) -> None:
    sys.path.insert(0, str(ROOT))
    from tests.xsession import x_session

    hand_only, mouse_only = "--hand" in modes, "--mouse" in modes
    for mode in [m for m in modes if not m.startswith("--")]:
        kiosk, screen = RUNS[mode]
        with x_session(*screen) as env:
            if not hand_only:
                with tempfile.TemporaryDirectory() as tmp:
                    mouse_run(env, kiosk, screen, mode, Path(tmp))
            if HAND_VIDEO.is_file() and not mouse_only:
                with tempfile.TemporaryDirectory() as tmp:
                    hand_run(env, kiosk, mode, Path(tmp))


if __name__ == "__main__":
    if sys.argv[1:2] == ["--drive-hand"]:
        drive_hand(sys.argv[2:])
    else:
        main(sys.argv[1:] or list(RUNS))
