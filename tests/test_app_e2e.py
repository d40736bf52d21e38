"""End to end in real windows: Xvfb + openbox, ``live run`` driven by xdotool.

Skipped (not failed) where Xvfb, xdotool or openbox are missing; ``.ci/run`` installs them.
"""

import itertools
import shutil
import subprocess
import sys
import time
from pathlib import Path

import imageio.v3 as iio
import numpy as np
import pytest

from live.display.layout import kiosk_layout, window_layout
from live.target import iou
from tests.conftest import HANDS, wait_for_journal

ROOT = Path(__file__).resolve().parents[1]
SCREEN = (1600, 900)
#: Seconds to wait for the window (importing torch on a busy machine is slow).
START_TIMEOUT = 120
#: Seconds the swarm gets to settle into the drawing before we quit anyway.
FORM_TIMEOUT = 120

pytestmark = pytest.mark.skipif(
    not all(shutil.which(tool) for tool in ("Xvfb", "xdotool", "openbox")),
    reason="needs Xvfb, xdotool and openbox (apt-get install -y xvfb xdotool openbox)",
)


def xdo(env, *args) -> str:
    return subprocess.run(
        ["xdotool", *map(str, args)], env=env, capture_output=True, text=True, timeout=30
    ).stdout.strip()


def start_live(env, tmp_path, *extra):
    cmd = [sys.executable, "-m", "live", "run", "--recordings", str(tmp_path), "--set", "app.idle_seconds=0"]
    cmd += ["--set", "share.host=127.0.0.1", "--set", "share.port=0", *extra]  # tests serve on loopback only
    err = open(tmp_path / "stderr.txt", "w")
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=err, text=True)


def wait_window(env, proc, name, size):
    """The id of the window titled ``name`` once it has ``size``."""
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"live run ended early with {proc.returncode}")
        for wid in xdo(env, "search", "--name", f"^{name}$").split():
            geometry = xdo(env, "getwindowgeometry", wid)
            if f"{size[0]}x{size[1]}" in geometry:
                return wid
        time.sleep(0.5)
    proc.kill()
    pytest.fail(f"no {size[0]}x{size[1]} window '{name}' within {START_TIMEOUT} s")


def drag(env, wid, points, pause=0.12):
    x, y = points[0]
    xdo(env, "mousemove", "--window", wid, x, y)
    xdo(env, "mousedown", 1)
    for (x0, y0), (x1, y1) in itertools.pairwise(points):
        for k in range(1, 6):  # small steps, so a slow frame loses no corner
            xdo(env, "mousemove", "--window", wid, round(x0 + (x1 - x0) * k / 5), round(y0 + (y1 - y0) * k / 5))
            time.sleep(pause)
    xdo(env, "mouseup", 1)


def finish(proc, timeout=60):
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        pytest.fail("live run did not quit")
    return out


#: The drawn shape, in canvas pixels of the 512-pixel canvas: an 'L' with a foot, 640 px long (the
#: default brush, 4 px at 224, draws it 18 px wide at 512: 5.5 % of the view).
SHAPE = [(140, 100), (140, 400), (380, 400), (380, 300)]


def on_kiosk_screen(points):
    """Canvas pixels (of the 512-pixel canvas) as positions on the kiosk screen."""
    x0, y0, side, _ = kiosk_layout(*SCREEN).canvas
    return [(round(x0 + x * side / 512), round(y0 + y * side / 512)) for x, y in points]


def wait_for_gif(folder):
    deadline = time.monotonic() + FORM_TIMEOUT
    while time.monotonic() < deadline and not list(folder.glob("*.gif")):
        time.sleep(0.5)  # the recording is written when the swarm settles (~100-200 frames)


def clip_and_drawing(frame: np.ndarray, inset: float = 0.22) -> tuple[np.ndarray, np.ndarray]:
    """A clip frame's creatures (black background) and the drawing in its inset (red), the drawing
    scaled up to the clip's size; the inset's corner is left out of both."""
    import cv2

    size = frame.shape[0]
    side = round(size * inset)
    at = size - side - max(2, size // 60)
    drawing = frame[at : at + side, at : at + side, 0] > 128
    drawn = cv2.resize(drawing.astype(np.float32), (size, size), interpolation=cv2.INTER_LINEAR) > 0.5
    creatures = frame.max(axis=2) > 40
    keep = np.ones((size, size), bool)
    keep[at - 2 :, at - 2 :] = False
    return creatures & keep, drawn & keep


def check_run(proc, folder, out):
    """Exit 0, >= 100 frames, a clip whose last frame's creatures overlap the drawing in its inset."""
    err = (folder / "stderr.txt").read_text()
    assert proc.returncode == 0, err[-2000:]
    frames = int(err.split("live run: ")[-1].split(" frames")[0])
    assert frames >= 100, err[-500:]
    printed = out.split()  # the recordings written, in the order they were exported
    assert printed and sorted(printed) == sorted(map(str, folder.glob("*.gif")))
    last = iio.imread(printed[-1], index=None)[-1]  # the last: what the test drew and sent
    assert last.shape[:2] == (720, 720)  # the swarm alone, record.size square
    creatures, drawn = clip_and_drawing(last)
    score = iou(creatures.astype(np.float32), drawn.astype(np.float32))
    print(f"e2e: {frames} frames, drawn {drawn.mean():.3f} of the clip, IoU {score:.3f}")
    assert drawn.mean() > 0.04, "the drag did not draw the whole shape"
    assert score >= 0.3


def draw_submit_quit(env, proc, folder, settle: float = 0.0) -> None:
    """Windowed run: drag SHAPE in the canvas, press s, wait for the GIF, press q, check the run."""
    canvas = wait_window(env, proc, "canvas", window_layout(512).size)  # the canvas and the instruction
    wait_window(env, proc, "result", (1024, 512))
    xdo(env, "windowactivate", "--sync", canvas)
    time.sleep(settle)
    drag(env, canvas, SHAPE)
    time.sleep(0.5)
    xdo(env, "key", "--window", canvas, "s")
    wait_for_gif(folder)
    xdo(env, "key", "--window", canvas, "q")
    check_run(proc, folder, finish(proc))


class TestWindowed:
    def test_draw_submit_record_quit(self, xserver, tmp_path):
        proc = start_live(xserver, tmp_path)
        draw_submit_quit(xserver, proc, tmp_path)


class TestKiosk:
    def test_fullscreen_draw_and_quit_chord(self, xserver, tmp_path):
        env = xserver
        proc = start_live(env, tmp_path, "--kiosk")
        wid = wait_window(env, proc, "live", SCREEN)
        assert xdo(env, "getdisplaygeometry") == f"{SCREEN[0]} {SCREEN[1]}"
        assert "Position: 0,0" in xdo(env, "getwindowgeometry", wid)
        xdo(env, "windowactivate", "--sync", wid)
        time.sleep(1.0)  # the picture is fitted to the screen in the first frames
        drag(env, wid, on_kiosk_screen(SHAPE))
        time.sleep(0.5)
        xdo(env, "key", "--window", wid, "s")
        wait_for_gif(tmp_path)
        xdo(env, "key", "--window", wid, "Escape")
        time.sleep(3.0)
        assert proc.poll() is None, "Esc alone ended the kiosk"
        xdo(env, "key", "--window", wid, "q")
        time.sleep(3.0)  # one q, then a pause longer than the chord's 2 s
        for _ in range(2):
            xdo(env, "key", "--window", wid, "q")
            time.sleep(0.6)  # apart enough that no two presses fall in one slow frame
        assert proc.poll() is None, "the chord counted presses more than 2 s apart"
        xdo(env, "key", "--window", wid, "q")
        check_run(proc, tmp_path, finish(proc))

    @pytest.mark.parametrize("how", ["alt+F4", "windowclose"])
    def test_closed_kiosk_window_comes_back_fullscreen_within_a_second(self, xserver, tmp_path, how):
        """Nobody is at a kiosk to reopen it: a window closed through the window manager (Alt+F4)
        or destroyed by another X client (``xdotool windowclose``) is made again, fullscreen."""
        env = xserver
        proc = start_live(env, tmp_path, "--kiosk")
        wid = wait_window(env, proc, "live", SCREEN)
        xdo(env, "windowactivate", "--sync", wid)
        time.sleep(1.0)
        if how == "alt+F4":
            xdo(env, "key", "--window", wid, "alt+F4")  # openbox closes the active window
        else:
            xdo(env, "windowclose", wid)
        closed = time.monotonic()
        again = None
        while again is None and time.monotonic() - closed < 30 and proc.poll() is None:
            for candidate in xdo(env, "search", "--onlyvisible", "--name", "^live$").split():
                if candidate != wid and f"{SCREEN[0]}x{SCREEN[1]}" in xdo(env, "getwindowgeometry", candidate):
                    again = candidate
            time.sleep(0.05)
        back = time.monotonic() - closed
        print(f"kiosk window back after {back:.2f} s ({how})")
        assert proc.poll() is None, "closing the window ended the kiosk"
        assert again is not None, "the kiosk window did not come back fullscreen"
        assert back <= 1.0, f"the kiosk window took {back:.2f} s to come back"
        assert "Position: 0,0" in xdo(env, "getwindowgeometry", again)
        assert wid not in xdo(env, "search", "--onlyvisible", "--name", "^live$").split()
        proc.terminate()  # the quit chord has its own test; SIGTERM quits a kiosk cleanly too
        finish(proc)
        assert proc.returncode == 0
        assert "making it again, fullscreen" in (tmp_path / "stderr.txt").read_text()


class TestWindowClosed:
    @pytest.mark.parametrize("how, window", [("alt+F4", "result"), ("windowclose", "canvas")])
    def test_closing_a_window_quits_and_writes_the_recording(self, xserver, tmp_path, how, window):
        """A window closed while the swarm forms (and is recorded) ends the run with status 0, and
        the recording so far is written whole."""
        env = xserver
        # The recording must still be going when the window closes: no end by plateau or length.
        keep = ["--set", "record.plateau_frames=100000", "--set", "record.max_seconds=20"]
        proc = start_live(env, tmp_path, *keep)
        canvas = wait_window(env, proc, "canvas", window_layout(512).size)
        wid = canvas if window == "canvas" else wait_window(env, proc, "result", (1024, 512))
        xdo(env, "windowactivate", "--sync", canvas)
        drag(env, canvas, SHAPE)
        time.sleep(0.5)
        xdo(env, "key", "--window", canvas, "s")  # the drawing is sent: the recording starts
        time.sleep(3.0)
        assert not list(tmp_path.glob("*.gif")), "the recording ended before the window closed"
        if how == "alt+F4":
            xdo(env, "windowactivate", "--sync", wid)
            xdo(env, "key", "--window", wid, "alt+F4")
        else:
            xdo(env, "windowclose", wid)
        out = finish(proc)
        err = (tmp_path / "stderr.txt").read_text()
        assert proc.returncode == 0, err[-2000:]
        assert f"window '{window}' was closed: quitting" in err
        gifs = sorted(tmp_path.glob("*.gif"))
        assert len(gifs) == 1 and str(gifs[0]) in out
        assert len(iio.imread(gifs[0], index=None)) >= 10  # every frame decodes: about 3 s at 15 fps, stride 3


class TestDisplayLost:
    def test_exits_quickly_and_the_next_start_publishes_the_recording(self, tmp_path):
        """The X server dies while a recording is made: the run ends within seconds with a
        non-zero status (the service restarts it), no recording under its final name is broken,
        and the next start publishes the recording in progress from its journal, where the staff
        page lists it, leaving no temporary file."""
        from live.record.journal import JOURNAL_PREFIX
        from live.share.recordings import list_recordings

        server = subprocess.Popen(
            ["Xvfb", "-displayfd", "1", "-screen", "0", f"{SCREEN[0]}x{SCREEN[1]}x24", "-nolisten", "tcp"],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        wm = proc = None
        try:
            number = server.stdout.readline().decode().strip()
            if not number:
                pytest.skip("Xvfb did not start")
            env = {**__import__("os").environ, "DISPLAY": f":{number}"}
            wm = subprocess.Popen(["openbox"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(1.0)
            proc = start_live(
                env, tmp_path, "--set", "record.plateau_frames=100000", "--set", "record.stride=1",
                "--set", "record.max_seconds=60",
            )  # fmt: skip
            canvas = wait_window(env, proc, "canvas", window_layout(512).size)
            xdo(env, "windowactivate", "--sync", canvas)
            drag(env, canvas, SHAPE)
            xdo(env, "key", "--window", canvas, "s")
            recorded = wait_for_journal(tmp_path, 10, timeout=FORM_TIMEOUT, alive=lambda: proc.poll() is None)
            assert recorded >= 10, "no recording in progress"
            server.kill()  # the display is gone, mid-recording
            lost = time.monotonic()
            finish(proc, timeout=30)
            took = time.monotonic() - lost
        finally:
            for p in (proc, wm, server):
                if p is not None and p.poll() is None:
                    p.kill()
                if p is not None:
                    p.wait(10)
        err = (tmp_path / "stderr.txt").read_text()
        print(f"display lost: exit {proc.returncode} after {took:.2f} s")
        assert proc.returncode != 0 and took < 5.0, err[-1500:]
        for gif in tmp_path.glob("*.gif"):
            assert len(iio.imread(gif, index=None)) >= 1  # whole, if any
        left = list(tmp_path.glob(JOURNAL_PREFIX + "*"))
        assert len(left) == 1 and not list(tmp_path.glob("*.gif"))  # either way, the journal holds the clip
        again = subprocess.run(
            [sys.executable, "-m", "live", "run", "--headless", "--script", "examples/heart.json", "--max-frames", "1"]
            + ["--recordings", str(tmp_path)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert again.returncode == 0, again.stderr[-1500:]
        assert not list(tmp_path.glob(".live-part-*")) and not list(tmp_path.glob(JOURNAL_PREFIX + "*"))
        (listed,) = list_recordings(tmp_path)  # the one recording in progress, on the staff page
        frames = iio.imread(listed.gif, index=None)
        assert frames.shape[0] >= 10 and frames.shape[1:3] == (720, 720)  # ~2 s of the swarm, record.size
        assert "recording a stopped run left, finished" in again.stderr and listed.token in left[0].name


CIRCLE_VIDEO = HANDS / "fingertip_circle.mp4"
#: The video shows an open palm, which sends the drawing once held: held 10 s in these tests, so
#: that it never sends the mouse's drag half drawn on a slow machine (once it came 2 s late).
PALM_HOLD = ("--set", "hand.submit_hold_s=10")


class TestHandWindow:
    @pytest.mark.parametrize("camera", ["video", "lost"])
    def test_mouse_draws_beside_the_hand(self, xserver, tmp_path, camera):
        """``--input hand``: the mouse draws too, whether the camera gives frames (a video file
        standing in for a webcam) or is lost (a webcam index with no webcam behind it)."""
        if camera == "video" and not CIRCLE_VIDEO.is_file():
            pytest.skip("no hand footage in ../shared/data/hands")
        env = xserver
        source = str(CIRCLE_VIDEO) if camera == "video" else "9"
        proc = start_live(env, tmp_path, "--input", "hand", "--camera", source, *PALM_HOLD)
        draw_submit_quit(env, proc, tmp_path, settle=2.0)
        err = (tmp_path / "stderr.txt").read_text()
        assert ("camera 9: lost" in err) == (camera == "lost")

    def test_kiosk_with_the_hand(self, xserver, tmp_path):
        """``--input hand --kiosk``: the fullscreen window comes up with the camera in a corner,
        the mouse draws, the chord quits."""
        if not CIRCLE_VIDEO.is_file():
            pytest.skip("no hand footage in ../shared/data/hands")
        env = xserver
        proc = start_live(env, tmp_path, "--input", "hand", "--camera", str(CIRCLE_VIDEO), "--kiosk", *PALM_HOLD)
        wid = wait_window(env, proc, "live", SCREEN)
        xdo(env, "windowactivate", "--sync", wid)
        time.sleep(2.0)  # fitted to the screen
        drag(env, wid, on_kiosk_screen(SHAPE))
        time.sleep(0.5)
        xdo(env, "key", "--window", wid, "s")
        wait_for_gif(tmp_path)
        for _ in range(3):
            xdo(env, "key", "--window", wid, "q")
            time.sleep(0.3)
        check_run(proc, tmp_path, finish(proc))
