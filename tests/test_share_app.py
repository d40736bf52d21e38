"""The QR code in the installation's loop (no window): up over the canvas after an export, down
at the next stroke, a clear, attract mode or its time; never in a recording. And ``run_live``
starts the share server only where a screen shows the code."""

from __future__ import annotations

import shutil

import cv2
import pytest

from live.app import Installation
from live.app.run import _open_share
from live.config import load_config
from live.display import DISPLAYS, DisplayKind, OffscreenDisplay
from live.input import Command, Pen, Phase
from live.record import Recorder
from live.scene import build
from live.share import KioskStatus, ShareCode
from tests.share_helpers import LOOPBACK

SMALL = {
    "swarm.sprites": 6,
    "render.size": 64,
    "render.backend": "analytic",
    "render.device": "cpu",
    "app.window": 320,
    "record.stride": 1,
    "record.max_seconds": 1.0,
    "record.fps": 10.0,
}
URL = f"http://{LOOPBACK}:8765/r/" + "Q" * 22


class Screen(OffscreenDisplay):
    """Keeps the canvas picture each frame shows."""

    def __init__(self, window):
        super().__init__(window, compose=True)
        self.canvas = None

    def show(self, canvas, swarm, hud, wait_ms=1):
        super().show(canvas, swarm, hud, wait_ms)
        self.canvas = canvas.copy()


@pytest.fixture(scope="module")
def scene():
    return build(load_config(None, SMALL))


@pytest.fixture
def setup(tmp_path, scene):
    config = load_config(None, {**SMALL, "paths.recordings": str(tmp_path), "share.show_seconds": 30.0})
    links = []

    def link(path):
        links.append(path)
        return URL

    recorder = Recorder(config.record, tmp_path)
    screen = Screen(config.app.window)
    install = Installation(config, scene, screen, recorder, start=0.0, share=ShareCode(30.0, link))
    with recorder:
        yield install, recorder, screen, links


def stroke(install, now, lo=60, hi=260):
    install.handle(Pen(Phase.DOWN, lo, lo), now)
    for x, y in [(hi, lo), (hi, hi), (lo, hi)]:
        install.handle(Pen(Phase.MOVE, x, y), now)
    install.handle(Pen(Phase.UP, lo, hi), now)


def export(install, recorder, now):
    """Draws, submits, records a few frames, exports and waits for the file."""
    stroke(install, now)
    install.handle(Command.SUBMIT, now)
    for i in range(3):
        install.frame([], now + 0.1 * i)
    recorder.stop()
    recorder.wait()


def card_shown(screen) -> bool:
    """The white card covers much of the canvas picture (the canvas is black but for strokes)."""
    return (screen.canvas == 255).all(axis=2).mean() > 0.3


def test_code_after_export_then_down_at_a_stroke(setup, tmp_path):
    install, recorder, screen, links = setup
    install.frame([], 0.0)
    assert not card_shown(screen)
    export(install, recorder, 1.0)
    install.frame([], 2.0)
    assert links == recorder.exported and len(links) == 1
    assert card_shown(screen)
    assert install.visit.canvas.empty and not install.visit.canvas.image.any(), "the canvas itself stays clean"
    if shutil.which("zbarimg"):
        from tests.test_share_qr import zbar

        cv2.imwrite(str(tmp_path / "canvas.png"), screen.canvas)
        assert zbar(tmp_path / "canvas.png") == [URL]
    install.frame([], 20.0)
    assert card_shown(screen)
    install.handle(Pen(Phase.DOWN, 100, 100), 21.0)  # the next visitor starts drawing
    install.frame([], 21.0)
    assert not card_shown(screen)


def test_code_goes_after_show_seconds(setup):
    install, recorder, screen, _ = setup
    ui = install.config.ui
    export(install, recorder, 1.0)
    install.frame([], 2.0)
    assert card_shown(screen)
    assert install.presenter.hud.instruction.text == ui.exported  # scan the code
    install.frame([], 2.0 + 30.0)
    assert not card_shown(screen)
    assert install.presenter.hud.instruction.text == ui.saved  # no code: nothing to scan


def test_no_file_name_or_token_on_screen(setup):
    """After an export, neither the instruction nor the status line names the clip's file."""
    install, recorder, screen, _ = setup
    export(install, recorder, 1.0)
    install.frame([], 2.0)
    clip = recorder.exported[-1]
    token = clip.stem.split("-")[-1]
    hud = install.presenter.hud
    for shown in (hud.instruction.text, hud.status):
        assert clip.name not in shown and token not in shown


@pytest.mark.parametrize("how", ["clear", "attract"])
def test_clear_and_attract_take_it_down(setup, how):
    install, recorder, screen, _ = setup
    export(install, recorder, 1.0)
    install.frame([], 2.0)
    assert card_shown(screen)
    if how == "clear":
        install.handle(Command.CLEAR, 3.0)
    else:
        install.apply(install.visit.enter_attract(), 3.0)
    install.frame([], 3.0)
    assert not card_shown(screen)


def test_the_code_is_never_recorded(setup):
    install, recorder, screen, _ = setup
    export(install, recorder, 1.0)
    install.frame([], 2.0)
    assert card_shown(screen)
    stroke(install, 3.0)
    install.handle(Command.SUBMIT, 3.0)
    for i in range(3):
        install.frame([], 3.0 + 0.1 * i)
    recorder.stop()
    recorder.wait()
    import imageio.v3 as iio

    frames = iio.imread(recorder.exported[-1], index=None)
    assert (frames == 255).all(axis=3).any(axis=0).mean() < 0.05, "no white card in the recording"


class TestOpenShare:
    def test_codes_only_with_a_screen(self, tmp_path):
        import contextlib

        config = load_config(None, {"share.host": LOOPBACK, "share.port": 0, "paths.recordings": str(tmp_path)})
        with contextlib.ExitStack() as stack:
            # the benchmark serves nothing
            assert _open_share(stack, config, DISPLAYS[DisplayKind.OFFSCREEN]) == (None, None)
            code, status = _open_share(stack, config, DISPLAYS[DisplayKind.NONE])
            assert code is None and isinstance(status, KioskStatus) and not status.screen, "headless: /healthz"
            code, status = _open_share(stack, config, DISPLAYS[DisplayKind.WINDOW])
            assert isinstance(code, ShareCode) and status.screen and status.snapshot().camera == "none"
            assert code.title == config.ui.share_title
            url = code.link(tmp_path / ("20261128-000816-" + "A" * 22 + ".gif"))
            assert url.startswith(f"http://{LOOPBACK}:") and url.endswith("/r/" + "A" * 22)

    def test_disabled(self, tmp_path):
        import contextlib

        config = load_config(None, {"share.enabled": False, "share.host": LOOPBACK, "share.port": 0})
        with contextlib.ExitStack() as stack:
            assert _open_share(stack, config, DISPLAYS[DisplayKind.KIOSK]) == (None, None)
            assert _open_share(stack, config, DISPLAYS[DisplayKind.NONE]) == (None, None)

    def test_taken_port_logs_and_goes_on(self, tmp_path, caplog):
        import contextlib
        import socket

        with socket.socket() as taken:
            taken.bind((LOOPBACK, 0))
            taken.listen(1)
            port = taken.getsockname()[1]
            config = load_config(None, {"share.host": LOOPBACK, "share.port": port, "paths.recordings": str(tmp_path)})
            with contextlib.ExitStack() as stack:
                assert _open_share(stack, config, DISPLAYS[DisplayKind.KIOSK]) == (None, None)
        assert "no QR codes this run" in caplog.text and "share.port" in caplog.text
