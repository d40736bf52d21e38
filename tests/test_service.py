"""Running as a service: sd_notify on a socket the test opens, the unit file, the rotating log."""

import json
import logging
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from live import service
from live.service import Notifier, log_to_file
from tests.conftest import ROOT

UNIT = ROOT / "deploy" / "live.service"


@pytest.fixture
def notify_socket(tmp_path):
    """A datagram socket standing in for systemd's; yields (address, receive)."""
    path = tmp_path / "notify"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(path))
    sock.settimeout(2.0)

    def receive() -> str:
        return sock.recv(4096).decode()

    def nothing() -> bool:
        sock.setblocking(False)
        try:
            sock.recv(4096)
        except BlockingIOError:
            return True
        finally:
            sock.settimeout(2.0)
        return False

    receive.nothing = nothing
    try:
        yield str(path), receive
    finally:
        sock.close()


class FakeClock:
    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class TestNotifier:
    def test_ready_and_spaced_watchdog_pings(self, notify_socket):
        address, receive = notify_socket
        clock = FakeClock()
        env = {"NOTIFY_SOCKET": address, "WATCHDOG_USEC": "4000000", "WATCHDOG_PID": str(os.getpid())}
        with Notifier(env, clock) as notifier:
            assert notifier.active and notifier.watchdog_s == 4.0
            assert notifier.ready("forming DRAW!")
            assert receive() == "READY=1\nSTATUS=forming DRAW!"
            sent = []
            for frame in range(100):  # 10 s of frames at 10 fps: a ping every 2 s at most
                clock.now = frame * 0.1
                sent.append(notifier.ping())
            assert [i for i, s in enumerate(sent) if s] == [0, 20, 40, 60, 80]
            assert [receive() for _ in range(5)] == ["WATCHDOG=1"] * 5
            assert receive.nothing()
            assert notifier.stopping()
            assert receive() == "STOPPING=1\nSTATUS=stopping"
        assert not notifier.active

    def test_no_socket_does_nothing(self):
        notifier = Notifier({})
        assert not notifier.active and notifier.watchdog_s is None
        assert not notifier.ready() and not notifier.ping()

    def test_watchdog_meant_for_another_process(self, notify_socket):
        address, receive = notify_socket
        notifier = Notifier({"NOTIFY_SOCKET": address, "WATCHDOG_USEC": "1000000", "WATCHDOG_PID": "1"})
        assert notifier.active and notifier.watchdog_s is None and not notifier.ping()
        assert receive.nothing()

    def test_abstract_socket(self):
        name = f"live-test-{os.getpid()}"
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        sock.bind("\0" + name)
        sock.settimeout(2.0)
        try:
            with Notifier({"NOTIFY_SOCKET": "@" + name}) as notifier:
                assert notifier.ready()
            assert sock.recv(100) == b"READY=1\nSTATUS=running"
        finally:
            sock.close()

    def test_socket_gone_ends_notifying_quietly(self, tmp_path, caplog):
        assert not Notifier({"NOTIFY_SOCKET": str(tmp_path / "none")}).active
        path = tmp_path / "notify"
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        sock.bind(str(path))
        notifier = Notifier({"NOTIFY_SOCKET": str(path), "WATCHDOG_USEC": "1000"})
        sock.close()
        path.unlink()  # systemd went away
        assert not notifier.ping() and not notifier.active
        assert not notifier.ping()
        assert caplog.text.count("not notifying any more") == 1


class TestUnit:
    def settings(self) -> dict[str, str]:
        pairs = {}
        for line in UNIT.read_text().splitlines():
            if "=" in line and not line.startswith("#"):
                key, value = line.split("=", 1)
                pairs[key.strip()] = value.strip()
        return pairs

    def test_notify_restart_watchdog(self):
        unit = self.settings()
        assert unit["Type"] == "notify" and unit["Restart"] == "always" and unit["NotifyAccess"] == "main"
        assert 10 <= int(unit["WatchdogSec"]) <= 120
        assert int(unit["TimeoutStopSec"]) > 120  # the recorder waits up to 120 s for exports on close
        assert "live run --kiosk" in unit["ExecStart"] and "--log-file" in unit["ExecStart"]

    @pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
    def test_systemd_analyze_verify(self, tmp_path):
        """The unit as installed, with ExecStart pointing at this venv's `live` (verify checks
        that the program exists): no warning at all."""
        live = Path(sys.executable).parent / "live"
        if not live.exists():
            pytest.skip("no `live` script beside this Python")
        unit = tmp_path / "live.service"
        unit.write_text(UNIT.read_text().replace("%h/live/.venv/bin/live", str(live)))
        result = subprocess.run(["systemd-analyze", "verify", str(unit)], capture_output=True, text=True)
        assert result.returncode == 0 and result.stdout + result.stderr == "", result.stdout + result.stderr


class TestKioskSetUp:
    """Issue 17: configs/kiosk.toml and `make kiosk-service` (the unit, a local drop-in, the config)."""

    def test_the_kiosk_config_loads(self):
        from live.config import InputKind, load_config
        from live.tools.doctor import EXAMPLE_PIN

        config = load_config(ROOT / "configs" / "kiosk.toml")
        assert config.app.kiosk and config.app.input is InputKind.HAND and config.camera.source == "0"
        assert config.record.mp4 and config.share.enabled and config.share.staff_pin == EXAMPLE_PIN
        assert not config.ui.kiosk_mouse

    def install(self, tmp_path) -> tuple[Path, str]:
        """Runs `make kiosk-service` into ``tmp_path`` as HOME, with a stand-in systemctl that
        notes its arguments; returns the unit folder and what systemctl was asked."""
        if shutil.which("make") is None:
            pytest.skip("make is not installed")
        calls = tmp_path / "calls"
        systemctl = tmp_path / "systemctl"
        systemctl.write_text(f'#!/bin/sh\necho "$@" >> {calls}\n')
        systemctl.chmod(0o755)
        home = tmp_path / "home"
        result = subprocess.run(
            ["make", "-s", "kiosk-service", f"HOME={home}", f"SYSTEMCTL={systemctl}"],
            cwd=ROOT, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        return home / ".config" / "systemd" / "user", calls.read_text()

    def test_make_kiosk_service_installs_unit_drop_in_and_config(self, tmp_path):
        units, calls = self.install(tmp_path)
        config = tmp_path / "home" / ".config" / "live" / "kiosk.toml"
        assert (units / "live.service").read_text() == UNIT.read_text()  # the unit as shipped
        local = (units / "live.service.d" / "local.conf").read_text()
        assert f"WorkingDirectory={ROOT}\nExecStart=\n" in local
        assert f"ExecStart={ROOT}/.venv/bin/live run --kiosk --config {config} --log-file" in local
        assert config.read_text() == (ROOT / "configs" / "kiosk.toml").read_text()
        assert calls.splitlines() == ["--user daemon-reload", "--user enable live.service"]
        config.write_text("[share]\nstaff_pin = 'own-pin-4821'\n")
        self.install(tmp_path)
        assert "own-pin-4821" in config.read_text()  # a second install keeps the site's config

    @pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
    def test_the_installed_unit_and_drop_in_verify(self, tmp_path):
        if not (ROOT / ".venv" / "bin" / "live").exists():
            pytest.skip("no .venv/bin/live in this checkout")
        units, _ = self.install(tmp_path)
        result = subprocess.run(
            ["systemd-analyze", "verify", str(units / "live.service")], capture_output=True, text=True, timeout=60
        )
        assert result.returncode == 0 and result.stdout + result.stderr == "", result.stdout + result.stderr


class TestLogFile:
    def test_rotates(self, tmp_path, monkeypatch):
        monkeypatch.setattr(service, "LOG_MAX_BYTES", 2000)
        path = tmp_path / "logs" / "live.log"
        level = logging.getLogger().level
        handler = log_to_file(path)
        logger = logging.getLogger("live.test")
        try:
            for i in range(300):  # about 30 kB: more than the 6 files hold
                logger.info("frame %d failed: a line long enough to fill the file soon", i)
        finally:
            logging.getLogger().removeHandler(handler)
            logging.getLogger().setLevel(level)
            handler.close()
        files = sorted(p.name for p in path.parent.iterdir())
        assert files == ["live.log", "live.log.1", "live.log.2", "live.log.3", "live.log.4", "live.log.5"]
        assert all(p.stat().st_size <= 2000 for p in path.parent.iterdir())
        assert "frame 299 failed" in path.read_text()

    def test_bad_paths_are_one_line(self, tmp_path):
        with pytest.raises(ValueError, match="is a folder"):
            log_to_file(tmp_path)
        (tmp_path / "file").write_text("x")
        with pytest.raises(ValueError, match="cannot write --log-file"):
            log_to_file(tmp_path / "file" / "live.log")

    def test_live_run_writes_it(self, tmp_path, capsys):
        from live.cli import main

        script = tmp_path / "s.json"
        stroke = {"t": 0, "stroke": [[50, 50], [150, 150]], "duration": 0.1}
        events = [stroke, {"t": 0.2, "key": "s"}, {"t": 0.4, "key": "g"}]
        script.write_text(json.dumps({"events": events, "end": 0.5}))
        log = tmp_path / "live.log"
        root = logging.getLogger()
        before, level = list(root.handlers), root.level
        try:
            args = ["run", "--headless", "--script", str(script), "--size", "64", "--sprites", "2"]
            assert main([*args, "--recordings", str(tmp_path / "rec"), "--log-file", str(log)]) == 0
        finally:
            for handler in root.handlers[:]:
                if handler not in before:
                    root.removeHandler(handler)
                    handler.close()
            root.setLevel(level)
        text = log.read_text()
        assert " INFO live.record: recording written: " in text and str(tmp_path / "rec") in text
        assert main(["run", "--headless", "--script", str(script), "--log-file", str(tmp_path)]) == 2
        assert "live run: error: --log-file" in capsys.readouterr().err


class TestConsoleAndLog:
    """Issue 17: the console gets a short start line, the log file the whole settings and every
    one-line error; the staff PIN is in neither."""

    PIN = "pin-7f3a9q"

    def live(self, tmp_path, *args):
        script = tmp_path / "s.json"
        script.write_text(json.dumps({"events": [{"t": 0, "key": "c"}], "end": 0.2}))
        command = [sys.executable, "-m", "live", "run", "--headless", "--script", str(script), "--size", "64"]
        command += ["--sprites", "2", "--recordings", str(tmp_path / "rec"), "--log-file", str(tmp_path / "live.log")]
        command += ["--set", f"share.staff_pin={self.PIN}", *args]
        return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)

    def test_short_start_line_on_the_console_settings_in_the_file(self, tmp_path):
        result = self.live(tmp_path)
        assert result.returncode == 0, result.stderr
        assert "config: " not in result.stderr
        start = [line for line in result.stderr.splitlines() if "started: " in line]
        assert len(start) == 1 and len(start[0]) < 300, result.stderr
        assert f"input mouse, display headless, backend analytic on cpu, recordings {tmp_path / 'rec'}" in start[0]
        log = (tmp_path / "live.log").read_text()
        assert " INFO live.config: config: [swarm] " in log and "staff_pin=(set)" in log
        assert "started: input mouse" in log
        assert self.PIN not in log + result.stderr

    def test_verbose_prints_the_settings(self, tmp_path):
        result = self.live(tmp_path, "--verbose")
        assert result.returncode == 0, result.stderr
        assert "config: [swarm] " in result.stderr and "staff_pin=(set)" in result.stderr
        assert self.PIN not in result.stderr

    def test_errors_reach_the_file(self, tmp_path):
        result = self.live(tmp_path, "--set", "app.kiosk=yes")
        assert result.returncode == 2
        line = "live run: error: config key 'app.kiosk' = 'yes' is not allowed"
        assert line in result.stderr
        assert f" ERROR live.cli: {line}" in (tmp_path / "live.log").read_text()

    def test_a_bad_pin_stays_out_of_the_file(self, tmp_path):
        result = self.live(tmp_path, "--set", "share.staff_pin=12345")
        assert result.returncode == 2 and "share.staff_pin" in result.stderr
        log = (tmp_path / "live.log").read_text()
        assert "share.staff_pin" in log and "12345" not in log.replace("012345", "")
