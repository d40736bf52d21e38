"""The run as a service sees it: READY and WATCHDOG from the frame loop (and their end when the loop
hangs), SIGHUP like SIGTERM, and no X server said in one line."""

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from live.app import run_live
from live.app.run import RunOptions
from live.config import load_config
from live.record.files import parse_name
from tests.conftest import ROOT

SMALL = {"swarm.sprites": 4, "render.size": 64, "render.backend": "analytic", "render.device": "cpu", "app.window": 128}


def small_config(tmp_path, **extra):
    return load_config(None, {**SMALL, "paths.recordings": str(tmp_path / "rec"), "share.enabled": False, **extra})


class TestWatchdog:
    def test_ready_pings_and_their_end_when_the_loop_hangs(self, tmp_path, monkeypatch):
        """systemd's socket, opened here: READY=1 after the first frame, WATCHDOG=1 every
        interval/2 while frames go by, nothing while a frame hangs, pings again after it."""
        address = str(tmp_path / "notify")
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        sock.bind(address)
        monkeypatch.setenv("NOTIFY_SOCKET", address)
        monkeypatch.setenv("WATCHDOG_USEC", "200000")  # a ping at least every 0.1 s
        monkeypatch.delenv("WATCHDOG_PID", raising=False)
        hang, hung, stop = threading.Event(), threading.Event(), threading.Event()

        def on_frame(install, seconds):
            if hang.is_set():
                hung.set()
                while hang.is_set():  # the frame loop is stuck here
                    time.sleep(0.01)
            if stop.is_set():
                install.quit = True
            time.sleep(0.005)

        config = small_config(tmp_path)
        script = tmp_path / "idle.json"
        script.write_text('{"events": [], "end": 3600}')
        options = RunOptions(on_frame=on_frame)
        runner = threading.Thread(target=run_live, args=(config, "none", script, None, options))
        got: list[tuple[float, str]] = []

        def receive(seconds: float) -> None:
            deadline = time.monotonic() + seconds
            while (left := deadline - time.monotonic()) > 0:
                sock.settimeout(left)
                try:
                    got.append((time.monotonic(), sock.recv(256).decode()))
                except TimeoutError:
                    return

        def drain() -> None:
            """Reads what is already in the socket (sent before now) without waiting."""
            sock.setblocking(False)
            try:
                while True:
                    got.append((time.monotonic(), sock.recv(256).decode()))
            except BlockingIOError:
                pass
            finally:
                sock.setblocking(True)

        try:
            runner.start()
            deadline = time.monotonic() + 60
            while not got and time.monotonic() < deadline and runner.is_alive():  # start-up, the first frame
                receive(1.0)
            receive(1.0)  # a second of frames
            assert [m for _, m in got][0].startswith("READY=1")
            running = [t for t, m in got if m == "WATCHDOG=1"]
            assert len(running) >= 5
            hang.set()
            assert hung.wait(5)
            drain()  # the pings of the frames before the hang, read before the mark
            mark = len(got)
            receive(1.0)  # ten watchdog intervals of a hung loop
            assert got[mark:] == []
            hang.clear()
            back = time.monotonic() + 20  # a loaded machine may take a while for its next frames
            while [m for _, m in got[mark:]].count("WATCHDOG=1") < 2 and time.monotonic() < back:
                receive(0.25)
            assert [m for _, m in got[mark:]].count("WATCHDOG=1") >= 2  # the loop is back
            stop.set()
            runner.join(30)
            receive(0.5)
            assert got[-1][1].startswith("STOPPING=1")
        finally:
            hang.clear()
            stop.set()
            runner.join(30)
            sock.close()
        assert not runner.is_alive()


def start_headless(tmp_path, script_events, end, *extra, env=None):
    script = tmp_path / "script.json"
    script.write_text(json.dumps({"fps": 30, "canvas": 224, "end": end, "events": script_events}))
    args = ["run", "--headless", "--script", str(script), "--recordings", str(tmp_path / "rec")]
    args += ["--size", "64", "--sprites", "4", "--set", "share.enabled=false", *extra]
    env = {**os.environ, "LIVE_LOG": "DEBUG", **(env or {})}
    pipes = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, "text": True}
    return subprocess.Popen([sys.executable, "-m", "live", *args], cwd=ROOT, env=env, **pipes)


class TestSignals:
    @pytest.mark.parametrize("name", ["SIGHUP", "SIGTERM"])
    def test_quits_cleanly_writing_the_recording(self, tmp_path, name):
        stroke = {"t": 0.0, "stroke": [[60, 60], [160, 60], [160, 160]], "duration": 0.1}
        proc = start_headless(tmp_path, [stroke, {"t": 0.2, "key": "s"}], end=3600.0)
        lines = []
        try:
            for line in proc.stderr:  # wait until the loop runs and the recording is on
                lines.append(line)
                if "command submit" in line:
                    break
            time.sleep(0.5)
            proc.send_signal(getattr(signal, name))
            out, err = proc.communicate(timeout=120)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
        err = "".join(lines) + err
        assert proc.returncode == 0, err
        assert f"{name}: quitting" in err and "1 recording(s) written, 0 failed export(s)" in err
        (gif,) = out.split()
        assert parse_name(Path(gif).name) is not None and Path(gif).is_file()


class TestNoScreen:
    def test_no_x_server_is_one_line_and_status_1(self, tmp_path):
        number = next(n for n in range(73, 200) if not Path(f"/tmp/.X11-unix/X{n}").exists())
        env = {**os.environ, "DISPLAY": f":{number}"}
        env.pop("WAYLAND_DISPLAY", None)
        args = ["run", "--recordings", str(tmp_path), "--size", "64", "--set", "share.enabled=false"]
        command = [sys.executable, "-m", "live", *args]
        result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
        assert result.returncode == 1, result.stderr
        errors = [line for line in result.stderr.splitlines() if "error" in line.lower() or "qt" in line.lower()]
        assert len(errors) == 1, result.stderr
        assert errors[0].startswith(f"live run: error: no X server answers on DISPLAY=:{number}")
        assert "Traceback" not in result.stderr


class TestPacer:
    def run(self, frame_s, frames=600, max_fps=60.0, monkeypatch=None, hitch=(0, 0.0)):
        """Frames of ``frame_s`` seconds each, on a fake clock; sleeps overshoot by 1 ms; one frame
        in ``hitch[0]`` takes ``hitch[1]`` seconds instead."""
        from live.app import run

        clock = [0.0]
        monkeypatch.setattr(run.time, "sleep", lambda s: clock.__setitem__(0, clock[0] + s + 0.001))
        pacer = run.Pacer(max_fps, clock=lambda: clock[0])
        for i in range(frames):
            clock[0] += hitch[1] if hitch[0] and i % hitch[0] == hitch[0] - 1 else frame_s
            pacer.wait()
        return frames / clock[0]

    def test_a_lone_hitch_is_made_up_by_the_next_frames(self, monkeypatch):
        """A 45-ms frame once a second (a garbage collection, an export starting)."""
        assert self.run(0.004, monkeypatch=monkeypatch, hitch=(60, 0.045)) == pytest.approx(60.0, rel=0.01)

    def test_a_long_stall_is_not_made_up(self, monkeypatch):
        """A frame of 0.5 s once every 60: the schedule starts again after it, with no burst."""
        rate = self.run(0.004, monkeypatch=monkeypatch, hitch=(60, 0.5))
        assert rate == pytest.approx(60 / (59 / 60 + 0.5), rel=0.02)

    def test_fast_frames_keep_the_rate_despite_sleep_overshoot(self, monkeypatch):
        assert self.run(0.004, monkeypatch=monkeypatch) == pytest.approx(60.0, rel=0.01)

    def test_slow_frames_are_not_made_up_in_a_burst(self, monkeypatch):
        assert self.run(0.025, monkeypatch=monkeypatch) == pytest.approx(40.0, rel=0.01)

    def test_no_cap(self, monkeypatch):
        assert self.run(0.004, max_fps=0.0, monkeypatch=monkeypatch) == pytest.approx(250.0)


@pytest.mark.skipif(not hasattr(os, "setpriority"), reason="no per-thread priority here")
def test_exports_run_below_the_frame_loop():
    from live.record.recorder import EXPORT_NICENESS, lower_priority

    seen = {}

    def export():
        lower_priority()
        seen["export"] = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    worker = threading.Thread(target=export)
    worker.start()
    worker.join()
    loop = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    assert seen["export"] == min(19, loop + EXPORT_NICENESS) and loop < seen["export"]
