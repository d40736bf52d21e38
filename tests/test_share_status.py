"""The kiosk's status (live.share.status.KioskStatus) driven by a fake clock, ``/healthz`` over
HTTP (200, and 503 once the frame loop has stalled), and the staff page that shows it."""

from __future__ import annotations

import json
import threading

import httpx
import pytest

from live.share import KioskStatus, ShareServer
from live.share.status import health
from tests.share_helpers import loopback_settings, write_recording

HEALTH_KEYS = {"fps", "uptime_s", "camera", "disk_free_mb", "exports", "last_export_age_s", "ok"}


class FakeClock:
    def __init__(self, now: float = 1000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now


def frames(status: KioskStatus, clock: FakeClock, seconds: float, fps: float) -> None:
    """``seconds`` of frames at ``fps``, the clock moving with them."""
    for _ in range(round(seconds * fps)):
        clock.now += 1.0 / fps
        status.frame(fps)


class TestKioskStatus:
    def test_fps_now_and_over_the_hour(self):
        clock = FakeClock()
        status = KioskStatus(10.0, clock=clock)
        frames(status, clock, 1800.0, 60.0)  # half an hour at 60 fps,
        frames(status, clock, 1800.0, 20.0)  # then half an hour at 20
        s = status.snapshot()
        assert s.fps == 20.0
        assert s.fps_hour == pytest.approx(40.0, abs=0.5)
        assert s.uptime_s == pytest.approx(3600.0)
        frames(status, clock, 1800.0, 20.0)  # the 60-fps half hour leaves the window
        assert status.snapshot().fps_hour == pytest.approx(20.0, abs=0.5)

    def test_stalled_after_stall_s_without_a_frame(self):
        clock = FakeClock()
        status = KioskStatus(10.0, clock=clock)
        frames(status, clock, 2.0, 30.0)
        clock.now += 9.9
        assert not status.snapshot().stalled
        clock.now += 0.2
        s = status.snapshot()
        assert s.stalled and s.fps == 0.0 and s.frame_age_s == pytest.approx(10.1)
        status.frame(30.0)
        assert not status.snapshot().stalled

    def test_a_loop_that_never_starts_is_stalled(self):
        clock = FakeClock()
        status = KioskStatus(5.0, clock=clock)
        assert not status.snapshot().stalled
        clock.now += 6.0
        assert status.snapshot().stalled

    def test_exports_today_and_the_last_error(self):
        clock, day = FakeClock(), ["2026-12-06"]
        status = KioskStatus(10.0, clock=clock, today=lambda: day[0])
        assert status.snapshot().last_export_age_s is None
        for _ in range(3):
            status.exported("x.gif")
        clock.now += 30.0
        s = status.snapshot()
        assert (s.exports, s.exports_today, s.last_export_age_s) == (3, 3, 30.0)
        day[0] = "2026-12-07"
        assert status.snapshot().exports_today == 0, "a new day starts at 0"
        status.exported()
        status.export_failed("not saved: disk full: 3 MB free")
        clock.now += 5.0
        s = status.snapshot()
        assert (s.exports, s.exports_today, s.failed_exports) == (4, 1, 1)
        assert s.last_error == "not saved: disk full: 3 MB free" and s.last_error_age_s == 5.0

    def test_camera_state(self):
        status = KioskStatus(10.0, camera="starting")
        assert status.snapshot().camera == "starting"
        status.camera("lost")
        assert status.snapshot().camera == "lost"

    def test_the_code_again_is_taken_once(self):
        clock = FakeClock()
        status = KioskStatus(10.0, clock=clock)
        status.frame(60.0)
        assert not status.request_code(), "no clip exported yet: nothing to show"
        status.exported()
        assert status.request_code()
        assert status.take_code_request() and not status.take_code_request()
        clock.now += 11.0
        assert not status.request_code(), "a stalled loop would never show it"
        assert not KioskStatus(10.0, screen=False).request_code()

    def test_threads(self):
        """The loop writes while the server reads: every frame is counted, no read fails."""
        status = KioskStatus(10.0)
        errors = []

        def read():
            try:
                for _ in range(2000):
                    status.snapshot()
            except Exception as exc:  # noqa: BLE001 - the test reports it
                errors.append(exc)

        reader = threading.Thread(target=read)
        reader.start()
        for _ in range(20000):
            status.frame(60.0)
        reader.join()
        assert not errors and status.snapshot().frames == 20000


class TestHealth:
    def test_without_a_loop_it_says_so(self):
        report = health(None, 1234, 42.4)
        assert HEALTH_KEYS <= report.keys()
        assert report["ok"] and not report["loop"] and report["fps"] is None and report["camera"] is None
        assert report["uptime_s"] == 42 and report["disk_free_mb"] == 1234

    def test_with_a_loop(self):
        clock = FakeClock()
        status = KioskStatus(10.0, camera="ok", clock=clock)
        frames(status, clock, 2.0, 50.0)
        status.exported()
        clock.now += 1.0
        report = health(status, 99, 0.0)
        assert report["ok"] and report["loop"] and report["fps"] == 50.0 and report["camera"] == "ok"
        assert report["exports"] == 1 and report["last_export_age_s"] == 1.0 and report["uptime_s"] == 3


@pytest.fixture
def served(tmp_path):
    """A server with a status on a fake clock; yields (status, clock, client, folder, token)."""
    clock = FakeClock()
    status = KioskStatus(10.0, camera="ok", clock=clock, today=lambda: "2026-12-06")
    folder = tmp_path / "rec"
    token = write_recording(folder)
    with ShareServer(loopback_settings(), folder, status=status) as server:
        with httpx.Client(base_url=server.local_url, trust_env=False, timeout=10.0) as client:
            yield status, clock, client, folder, token


class TestHealthz:
    def test_running_loop_200(self, served):
        status, clock, client, folder, token = served
        frames(status, clock, 3.0, 60.0)
        status.exported(folder / "x.gif")
        r = client.get("/healthz")
        assert r.status_code == 200 and r.headers["content-type"] == "application/json"
        assert r.headers["cache-control"] == "no-store"
        body = r.json()
        assert HEALTH_KEYS <= body.keys(), body
        assert body["ok"] is True and body["fps"] == 60.0 and body["camera"] == "ok" and body["exports"] == 1
        assert body["disk_free_mb"] > 0 and body["uptime_s"] == 3

    def test_stalled_loop_503(self, served):
        status, clock, client, _, _ = served
        frames(status, clock, 1.0, 60.0)
        assert client.get("/healthz").status_code == 200
        clock.now += 10.5  # no frame for longer than loop_stall_s
        r = client.get("/healthz")
        assert r.status_code == 503
        assert r.json()["ok"] is False and r.json()["fps"] == 0.0 and r.json()["last_frame_age_s"] == 10.5
        status.frame(60.0)
        assert client.get("/healthz").status_code == 200, "back once frames come again"

    def test_no_pin_and_no_secrets(self, served):
        status, clock, client, folder, token = served
        status.frame(60.0)
        status.export_failed(f"not saved: {folder} secret-error-text")
        text = client.get("/healthz").text
        for secret in ("staff-4321", token, str(folder), "secret-error-text"):
            assert secret not in text
        assert json.loads(text)["failed_exports"] == 1

    def test_gallery_without_a_loop(self, tmp_path):
        with ShareServer(loopback_settings(), tmp_path) as server:
            with httpx.Client(base_url=server.local_url, trust_env=False) as client:
                r = client.get("/healthz")
        assert r.status_code == 200 and r.json()["loop"] is False and r.json()["fps"] is None

    def test_only_get(self, served):
        assert served[2].post("/healthz").status_code == 405


class TestStaffStatus:
    @staticmethod
    def login(client):
        assert client.post("/staff/login", data={"pin": "staff-4321"}).status_code == 303

    def test_the_page_shows_the_kiosk(self, served):
        status, clock, client, _, _ = served
        frames(status, clock, 4000.0, 30.0)  # more than an hour
        status.exported()
        status.export_failed("not saved: disk full: 3 MB free")
        self.login(client)
        page = client.get("/staff").text
        for shown in ("30.0 fps now · 30.0 over the last hour", ">ok<", "1 h 6 min", "1 kept",
                      "free of", "Exports today</th><td>1, 1 failed since start", "not saved: disk full: 3 MB free",
                      "Show the last QR code again"):  # fmt: skip
            assert shown in page, shown
        clock.now += 60.0
        assert "stalled: no frame for 1 min" in client.get("/staff").text

    def test_show_the_code_again(self, served):
        status, clock, client, _, _ = served
        status.frame(60.0)
        self.login(client)
        r = client.post("/staff/show-code", follow_redirects=True)
        assert "No QR code to show" in r.text and not status.take_code_request()
        status.exported()
        r = client.post("/staff/show-code", follow_redirects=True)
        assert "on the kiosk screen again" in r.text
        assert status.take_code_request()

    def test_show_the_code_needs_the_session_and_this_site(self, served):
        status, _, client, _, _ = served
        status.frame(60.0)
        status.exported()
        assert client.post("/staff/show-code").status_code == 403
        self.login(client)
        assert client.post("/staff/show-code", headers={"Origin": "http://evil.example"}).status_code == 403
        assert not status.take_code_request()

    def test_gallery_page_has_no_loop_and_no_button(self, tmp_path):
        write_recording(tmp_path)
        with ShareServer(loopback_settings(), tmp_path) as server:
            with httpx.Client(base_url=server.local_url, trust_env=False) as client:
                self.login(client)
                page = client.get("/staff").text
        assert "none: this is <code>live gallery</code>" in page and "Show the last QR code" not in page
