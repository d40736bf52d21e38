"""``live doctor`` (issue 17): each check holds on a healthy set-up and fails, with a fix, on the
fault it is for. The whole command runs as a user runs it (a subprocess), under Xvfb + openbox
where they are installed; the single checks run in-process on made faults."""

import json
import os
import shutil
import socket
import subprocess
import sys

import pytest

from live.config import load_config
from live.tools import doctor
from tests.conftest import ROOT, XSCREEN

needs_x = pytest.mark.skipif(
    not all(shutil.which(tool) for tool in ("Xvfb", "openbox")),
    reason="needs Xvfb and openbox (apt-get install -y xvfb openbox)",
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def live_doctor(tmp_path, *args, env=None):
    command = [sys.executable, "-m", "live", "doctor", "--json", "--recordings", str(tmp_path / "rec"), *args]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300, env=env)
    return result, {check["name"]: check for check in json.loads(result.stdout)["checks"]}


def config(tmp_path, **changes):
    return load_config(None, {"paths.recordings": str(tmp_path / "rec"), **changes})


@needs_x
class TestHealthy:
    def test_every_check_holds_under_xvfb_and_openbox(self, tmp_path, xserver):
        port = free_port()
        url = f"http://127.0.0.1:{port}"  # the doctor's own share server answers it
        settings = ["--set", f"share.port={port}", "--set", f'share.public_url="{url}"', "--set", "record.mp4=true"]
        result, checks = live_doctor(tmp_path, *settings, env=xserver)
        assert result.returncode == 0, result.stdout
        assert all(check["ok"] and check["fix"] == "" for check in checks.values()), result.stdout
        assert checks["window manager"]["detail"] == "Openbox, with fullscreen windows"
        assert checks["fullscreen"]["detail"] == f"the kiosk window fills the {XSCREEN[0]}x{XSCREEN[1]} screen"
        assert checks["public url"]["detail"] == f"{url}/ answers (HTTP 200)"
        assert set(checks) >= {"python", "packages", "font", "display", "camera", "recordings", "share port"}

    def test_a_bare_x_server_cannot_go_fullscreen(self, tmp_path):
        server = subprocess.Popen(
            ["Xvfb", "-displayfd", "1", "-screen", "0", "800x600x24", "-nolisten", "tcp"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            number = server.stdout.readline().decode().strip()
            if not number:
                pytest.skip("Xvfb did not start")
            env = {**os.environ, "DISPLAY": f":{number}"}
            result, checks = live_doctor(tmp_path, "--set", f"share.port={free_port()}", env=env)
        finally:
            server.terminate()
            server.wait(10)
        assert result.returncode == 1
        assert checks["display"]["ok"] and not checks["window manager"]["ok"] and not checks["fullscreen"]["ok"]
        assert "openbox" in checks["window manager"]["fix"]


class TestJson:
    def test_shape_and_exit_status_without_a_display(self, tmp_path):
        env = {k: v for k, v in os.environ.items() if k != "DISPLAY"}
        result, checks = live_doctor(tmp_path, "--set", f"share.port={free_port()}", env=env)
        assert result.returncode == 1
        rows = json.loads(result.stdout)
        assert list(rows) == ["checks"]
        for row in rows["checks"]:
            assert list(row) == ["name", "ok", "detail", "fix"]
            assert isinstance(row["ok"], bool) and row["detail"] and isinstance(row["fix"], str)
            assert bool(row["fix"]) is not row["ok"]  # a fix exactly where a check failed
        assert checks["display"] == {
            "name": "display", "ok": False, "detail": "DISPLAY is not set: no screen to draw on",
            "fix": "run in the kiosk's X session, or point at it: export DISPLAY=:0 (and XAUTHORITY=~/.Xauthority)",
        }  # fmt: skip

    def test_text_report(self):
        from live.commands.doctor import report

        checks = [doctor.Check("camera", False, "camera 0 gives no picture", "plug it in")]
        checks.append(doctor.Check("py", True, "3"))
        assert report(checks).splitlines() == [
            "live doctor: 2 checks, 1 failed",
            "  FAIL  camera  camera 0 gives no picture",
            "                fix: plug it in",
            "  ok    py      3",
        ]


class TestCamera:
    def test_a_webcam_that_does_not_open(self, tmp_path, monkeypatch):
        import live.input.camera as camera

        monkeypatch.setattr(doctor, "CAMERA_WAIT_S", 1.0)
        monkeypatch.setattr(camera, "open_capture", lambda source, config: camera.cv2.VideoCapture())  # never opens
        check = doctor.camera(config(tmp_path, **{"app.input": "hand", "camera.source": "0"}))
        assert not check.ok and check.detail == "camera 0 gives no picture: cannot open the webcam"
        assert "/dev/video" in check.fix and "camera.source" in check.fix

    def test_a_video_file_that_is_not_there(self, tmp_path):
        check = doctor.camera(config(tmp_path, **{"app.input": "hand", "camera.source": str(tmp_path / "x.mp4")}))
        assert not check.ok and "does not exist" in check.detail and "camera.source" in check.fix

    def test_not_needed_for_the_mouse(self, tmp_path):
        assert doctor.camera(config(tmp_path)).ok and doctor.hand(config(tmp_path)).ok

    def test_the_cli_fails_on_a_camera_that_does_not_open(self, tmp_path):
        env = {k: v for k, v in os.environ.items() if k != "DISPLAY"}
        args = ["--input", "hand", "--camera", "99", "--set", f"share.port={free_port()}"]
        result, checks = live_doctor(tmp_path, *args, env=env)
        assert result.returncode == 1
        assert checks["camera"]["ok"] is False and checks["camera"]["detail"].startswith("camera 99 gives no picture")


class TestRecordings:
    def test_a_folder_that_cannot_be_written(self, tmp_path):
        (tmp_path / "file").write_text("x")
        check = doctor.recordings_folder(load_config(None, {"paths.recordings": str(tmp_path / "file" / "rec")}))
        assert not check.ok and "cannot write to recordings folder" in check.detail and "--recordings" in check.fix

    def test_free_space_is_said_and_weighed_against_the_cap(self, tmp_path):
        check = doctor.recordings_folder(config(tmp_path))
        assert check.ok and "writable" in check.detail and "free" in check.detail
        huge = doctor.recordings_folder(config(tmp_path, **{"record.keep_mb": 1e9}))  # a petabyte cap
        assert not huge.ok and "the disk fills before the cap" in huge.detail and "record.keep_mb" in huge.fix


class TestShare:
    def test_a_taken_port(self, tmp_path):
        with socket.socket() as taken:
            taken.bind(("127.0.0.1", 0))
            taken.listen(1)
            port = taken.getsockname()[1]
            check = doctor.port_free(config(tmp_path, **{"share.host": "127.0.0.1", "share.port": port}))
        assert not check.ok and f"127.0.0.1:{port} cannot be listened on" in check.detail
        assert "share.port" in check.fix

    def test_a_free_port(self, tmp_path):
        assert doctor.port_free(config(tmp_path, **{"share.port": free_port()})).ok

    def test_addresses(self, tmp_path):
        settings = config(tmp_path, **{"share.port": 8765})
        check = doctor.addresses(settings, lan=lambda: [("eth0", "192.168.1.20"), ("wlan0", "10.0.0.4")])
        assert check.ok and "eth0 192.168.1.20, wlan0 10.0.0.4" in check.detail
        assert not doctor.addresses(settings, lan=lambda: []).ok
        loopback = doctor.addresses(config(tmp_path, **{"share.host": "127.0.0.1"}), lan=lambda: [("eth0", "10.0.0.4")])
        assert not loopback.ok and "0.0.0.0" in loopback.fix

    def test_a_public_url_that_does_not_answer(self, tmp_path):
        closed = free_port()
        settings = config(tmp_path, **{"share.port": free_port(), "share.public_url": f"http://127.0.0.1:{closed}"})
        check = doctor.public_url(settings)
        assert not check.ok and "does not answer" in check.detail and "forwards to this machine" in check.fix


class TestPackages:
    def test_missing_and_wrong_versions(self, monkeypatch):
        monkeypatch.setattr(doctor, "_requirements", lambda: ["no-such-package-xyz==1.0", "numpy>=99", "pytest>=1"])
        check = doctor.packages()
        assert not check.ok and "no-such-package-xyz is missing" in check.detail and "numpy" in check.detail
        assert "pytest" not in check.detail and "make install" in check.fix

    def test_a_clashing_opencv(self, monkeypatch):
        monkeypatch.setattr(doctor, "CLASHING_OPENCV", ("pytest",))  # installed here, standing in for one
        check = doctor.packages()
        assert not check.ok and "pip uninstall -y pytest" in check.fix

    def test_the_pins_of_this_checkout_hold(self):
        assert doctor.packages().ok


class TestStaffPin:
    def test_the_examples_pin_fails(self, tmp_path):
        assert not doctor.staff_pin(config(tmp_path, **{"share.staff_pin": doctor.EXAMPLE_PIN})).ok
        assert doctor.staff_pin(config(tmp_path, **{"share.staff_pin": "own-pin-4821"})).ok
        assert doctor.staff_pin(config(tmp_path)).ok  # no staff page
