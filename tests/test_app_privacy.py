"""Privacy at the pixel level: a whole run with the hand input watching a camera of one
unmistakable colour (pure green: nothing the creatures, the target or the HUD are drawn in is
green-dominant), shown by a display that composes frames as the window and the kiosk do. The
camera's colour reaches the screen (so the test sees what a visitor sees), and no recorded
pixel carries it."""

import json
import time

import imageio.v3 as iio
import numpy as np
import pytest

import live.app.run as run
import live.input.camera as camera
from live.app.run import RunOptions, run_live
from live.config import load_config
from live.display.windows import OffscreenDisplay, OffscreenKiosk
from tests.hand_fixtures import FakeWebcam

GREEN_BGR = (0, 255, 0)


class GreenWebcam(FakeWebcam):
    """A webcam that sees nothing but green (BGR frames)."""

    def set(self, prop: int, value: float) -> bool:
        return True

    def read(self):
        ok, image = super().read()
        if ok:
            image[1:] = GREEN_BGR  # row 0 keeps the pixels the freeze check samples
        return ok, image


def green_pixels(image: np.ndarray, rgb: bool) -> int:
    """Pixels whose green exceeds both red and blue by 40: the camera's colour, even dimmed."""
    image = image[..., :3].astype(int)
    r, g, b = (image[..., 0], image[..., 1], image[..., 2]) if rgb else (image[..., 2], image[..., 1], image[..., 0])
    return int(((g > r + 40) & (g > b + 40)).sum())


class KioskOffscreen(OffscreenKiosk):
    """The kiosk's screen composed at 1280x720 (camera inset included), shown nowhere."""

    def __init__(self):
        super().__init__(1280, 720)
        self.shown_green = 0

    def show(self, canvas, swarm, hud, wait_ms=1):
        super().show(canvas, swarm, hud, wait_ms)
        self.shown_green = max(self.shown_green, green_pixels(self.screen.image, rgb=False))


class WindowOffscreen(OffscreenDisplay):
    """The two windows' pictures composed, shown nowhere."""

    def __init__(self):
        super().__init__(128, compose=True)
        self.shown_green = 0

    def show(self, canvas, swarm, hud, wait_ms=1):
        super().show(canvas, swarm, hud, wait_ms)
        seen = green_pixels(self.last_canvas, rgb=False) + green_pixels(self.last, rgb=False)
        self.shown_green = max(self.shown_green, seen)


@pytest.mark.parametrize("layout", ["window", "kiosk"])
def test_the_camera_is_on_screen_but_never_recorded(tmp_path, monkeypatch, layout):
    display = WindowOffscreen() if layout == "window" else KioskOffscreen()
    monkeypatch.setattr(run, "open_display", lambda *args, **kw: display)
    monkeypatch.setattr(camera.cv2, "VideoCapture", lambda *args: GreenWebcam(shape=(90, 160, 3), delay=0.01))
    overrides = {
        "swarm.sprites": 8, "render.size": 64, "render.backend": "analytic", "render.device": "cpu",
        "app.window": 128, "app.input": "hand", "camera.source": "0", "app.max_fps": 0.0,
        "paths.recordings": str(tmp_path / "rec"), "share.enabled": False, "record.plateau_frames": 10000,
    }  # fmt: skip
    config = load_config(None, overrides)
    script = tmp_path / "script.json"
    square = [[30, 30], [98, 30], [98, 98], [30, 98], [30, 30]]
    events = [{"t": 0.0, "stroke": square, "duration": 0.3}, {"t": 0.5, "key": "s"}, {"t": 5.0, "key": "g"}]
    script.write_text(json.dumps({"fps": 10, "canvas": 128, "events": events, "end": 5.5}))
    kind = "offscreen" if layout == "window" else "kiosk"
    pace = RunOptions(clock=run.FrameClock(10), on_frame=lambda install, seconds: time.sleep(0.1))  # real time
    result = run_live(config, kind, script, options=pace)
    assert result.failed_frames == 0 and result.input_stats["hand_frames"] > 0
    assert display.shown_green > 1000  # the camera picture is on the screen a visitor sees
    (gif,) = result.exported
    frames = iio.imread(gif, index=None)
    assert frames.shape[0] >= 10
    assert green_pixels(frames, rgb=True) == 0  # and nowhere in the recording


@pytest.fixture(scope="module")
def green_room(tmp_path_factory):
    """The person footage in a green room (tests/person_footage.py): the wall and floor, most of
    every camera picture, are green-dominant; the person is found in it."""
    from tests import person_footage

    video = tmp_path_factory.mktemp("mirror") / "green.mp4"
    person_footage.write(video, colours=person_footage.GREEN)
    return video


@pytest.mark.parametrize("input, record", [("hand", True), ("hand", False), ("mouse", True)])
def test_the_mirror_shows_and_records_no_camera_pixel(tmp_path, monkeypatch, green_room, input, record):
    """A whole run while the swarm mirrors a person: with the hand input the canvas shows the
    camera as before (its rules are unchanged), with the mouse it shows none; recordings are made
    of mirror moments only with record.mirror, hold the swarm, and no camera pixel and no mask."""
    display = WindowOffscreen()
    monkeypatch.setattr(run, "open_display", lambda *args, **kw: display)
    overrides = {
        "swarm.pool": 200, "render.size": 64, "render.backend": "analytic", "render.device": "cpu",
        "app.window": 128, "app.input": input, "camera.source": str(green_room), "app.max_fps": 0.0,
        "paths.recordings": str(tmp_path / "rec"), "share.enabled": False, "mirror.enabled": True,
        "mirror.follow_after_s": 0.3, "record.mirror": record,
    }  # fmt: skip
    config = load_config(None, overrides)
    script = tmp_path / "script.json"
    script.write_text(json.dumps({"fps": 10, "canvas": 128, "events": [], "end": 9.0}))  # nobody draws
    following = []

    cameras = set()

    def pace(install, seconds):  # real time, as the camera plays
        following.append(install.mirror_following)
        cameras.update(id(source.camera) for source in install.presenter.source.inputs if hasattr(source, "camera"))
        time.sleep(0.1)

    result = run_live(config, "offscreen", script, options=RunOptions(clock=run.FrameClock(10), on_frame=pace))
    assert result.failed_frames == 0 and sum(following) >= 20 and result.input_stats["person_frames"] > 50
    assert len(cameras) == 1  # the hand and the mirror read one camera
    if input == "hand":
        assert result.input_stats["hand_frames"] > 50  # both models ran on its frames
        assert display.shown_green > 1000  # the hand's canvas shows the camera, as it always did
    else:
        assert display.shown_green == 0  # the mouse's canvas never shows the camera
    if not record:
        assert result.exported == []  # mirror moments are not recorded
        return
    (gif,) = result.exported
    frames = iio.imread(gif, index=None)
    assert frames.shape[0] >= 10
    assert green_pixels(frames, rgb=True) == 0  # no camera pixel
    side = frames.shape[1]
    inset = round(side * config.record.inset)
    at = side - inset - max(2, side // 60)  # where live.record.clip puts the drawing's inset
    corner = frames[:, at + 2 : at + inset - 2, at + 2 : at + inset - 2, 0]
    assert corner.size and (corner > 200).sum() == 0  # the person's mask is never drawn there
    assert (frames[..., 0] > 200).sum() > 1000  # the swarm is there
