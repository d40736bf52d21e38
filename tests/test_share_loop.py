"""The frame loop reports to the share server: frames, exports, failures and the camera go into
its :class:`~live.share.KioskStatus`, staff's "show the code again" reaches the screen, and a
headless ``live run`` serves ``/healthz`` (503 while a frame hangs)."""

from __future__ import annotations

import logging
import os
import re
import signal
import subprocess
import sys
import threading
import time

import httpx
import pytest

from live.app import Installation, RunOptions, run_live
from live.config import load_config
from live.input import Command
from live.record import Recorder
from live.share import KioskStatus, ShareCode
from tests.conftest import ROOT, wait_for
from tests.share_helpers import LOOPBACK, port_from_log
from tests.test_app_loop import write_script
from tests.test_share_app import SMALL, URL, Screen, card_shown, export


@pytest.fixture
def reported(tmp_path, scene):
    """An installation with a QR code and a status; yields (install, recorder, screen, status)."""
    config = load_config(None, {**SMALL, "paths.recordings": str(tmp_path)})
    recorder = Recorder(config.record, tmp_path)
    screen = Screen(config.app.window)
    status = KioskStatus(10.0)
    code = ShareCode(30.0, lambda path: URL)
    install = Installation(config, scene, screen, recorder, start=0.0, share=code, status=status)
    with recorder:
        yield install, recorder, screen, status


@pytest.fixture(scope="module")
def scene():
    from live.scene import build

    return build(load_config(None, SMALL))


def test_frames_and_exports_reach_the_status(reported):
    install, recorder, _, status = reported
    for i in range(5):
        install.frame([], 0.1 * i)
    assert status.snapshot().frames == 5 and status.snapshot().fps > 0
    export(install, recorder, 1.0)
    install.frame([], 2.0)
    s = status.snapshot()
    assert s.exports == 1 and s.exports_today == 1 and s.last_export_age_s is not None
    assert s.camera == "none" and s.last_error == ""


def test_a_failed_export_is_the_last_error(reported, tmp_path):
    install, recorder, _, status = reported

    def broken(path, frames, fps):
        raise OSError(28, "disk full: 3 MB free")

    recorder._writer = broken
    export(install, recorder, 1.0)
    install.frame([], 2.0)
    s = status.snapshot()
    assert s.failed_exports == 1 and s.exports == 0 and "disk full" in s.last_error


def test_staff_shows_the_code_again(reported):
    install, recorder, screen, status = reported
    install.frame([], 0.0)
    export(install, recorder, 1.0)
    install.frame([], 2.0)
    assert card_shown(screen)
    install.handle(Command.CLEAR, 3.0)  # a visitor clears: the code goes
    install.frame([], 3.0)
    assert not card_shown(screen)
    assert status.request_code()  # what the staff page's button does
    install.frame([], 4.0)
    assert card_shown(screen), "the last code is back"
    install.frame([], 4.0 + 31.0)
    assert not card_shown(screen), "for show_seconds, as after an export"


def test_a_hand_camera_reports_its_state(reported):
    install, _, _, _ = reported
    from live.input import Input, Status

    class Camera(Input):
        lost = False

        def status(self):
            return Status("camera lost: no frame for 2.0 s") if self.lost else None

    status = KioskStatus(10.0, camera="starting")
    install.status, install.presenter.source = status, Camera()
    install.frame([], 0.0)
    assert status.snapshot().camera == "ok"
    install.presenter.source.lost = True
    install.frame([], 0.1)
    assert status.snapshot().camera == "lost"


class _Port(logging.Handler):
    """Catches the port of the share server from its start line."""

    def __init__(self):
        super().__init__()
        self.port = None

    def emit(self, record):
        match = re.search(r"share server on [^ ]+:(\d+)", record.getMessage())
        if match:
            self.port = int(match[1])


def test_a_hung_frame_makes_healthz_503(tmp_path):
    """A real run: /healthz answers 200 while frames come, 503 while one frame hangs for longer
    than share.loop_stall_s, 200 again after."""
    config = load_config(None, {**SMALL, "paths.recordings": str(tmp_path), "share.host": LOOPBACK,
                                "share.port": 0, "share.loop_stall_s": 1.0, "swarm.sizing": "seed"})  # fmt: skip
    catcher = _Port()
    logging.getLogger("live.share").addHandler(catcher)
    logging.getLogger("live.share").setLevel(logging.INFO)
    answers = {}

    def on_frame(install, seconds):
        frame = install.frames
        if frame in (3, 10):
            answers[frame] = httpx.get(f"http://{LOOPBACK}:{catcher.port}/healthz", trust_env=False, timeout=10)
        if frame == 5:  # this frame hangs: the server, on its own thread, sees no frame for 2.5 s
            hung = {}
            asker = threading.Thread(target=lambda: hung.update(r=_health_after(catcher.port, 2.0)))
            asker.start()
            time.sleep(2.5)
            asker.join()
            answers["hung"] = hung["r"]

    try:
        script = write_script(tmp_path, [{"t": 0.0, "key": "c"}], end=100.0)
        run_live(config, "none", script, max_frames=12, options=RunOptions(on_frame=on_frame))
    finally:
        logging.getLogger("live.share").removeHandler(catcher)
    assert answers[3].status_code == 200 and answers[3].json()["ok"] is True
    assert answers["hung"].status_code == 503 and answers["hung"].json()["ok"] is False
    assert answers[10].status_code == 200


def _health_after(port: int, seconds: float) -> httpx.Response:
    time.sleep(seconds)
    return httpx.get(f"http://{LOOPBACK}:{port}/healthz", trust_env=False, timeout=10)


def test_headless_live_run_serves_healthz(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    script = write_script(tmp_path, [{"t": 0.0, "key": "c"}], end=86400.0)
    command = [
        sys.executable, "-m", "live", "run", "--headless", "--script", str(script), "--recordings", str(tmp_path),
        "--size", "64", "--sprites", "4", "--set", f"share.host={LOOPBACK}", "--set", "share.port=0",
    ]  # fmt: skip
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    try:
        port, lines = port_from_log(process, "share server on", timeout=120)
        assert port, "".join(lines)
        threading.Thread(target=lambda: lines.extend(process.stderr), daemon=True).start()
        with httpx.Client(base_url=f"http://{LOOPBACK}:{port}", trust_env=False, timeout=10) as client:
            assert wait_for(lambda: client.get("/healthz").json()["fps"] > 0, timeout=60), "no frames reported"
            r = client.get("/healthz")
            body = r.json()
            assert r.status_code == 200 and body["ok"] is True and body["loop"] is True
            assert body["camera"] == "none" and body["exports"] == 0 and body["uptime_s"] >= 0
            assert client.get("/staff").status_code == 404, "no PIN, no staff page"
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=60) == 0, "".join(lines[-20:])
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
