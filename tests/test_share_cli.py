"""``live gallery``: help, bad input, and a real run serving a folder on 127.0.0.1 until SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import httpx

from tests.conftest import ROOT
from tests.share_helpers import LOOPBACK, port_from_log, write_recording


def _live(*args: str, **kwargs) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "live", *args], capture_output=True, text=True, env=env, timeout=120, **kwargs
    )


def test_help():
    done = _live("gallery", "--help")
    assert done.returncode == 0
    assert "--recordings" in done.stdout and "--set" in done.stdout


def test_missing_folder_is_one_line_and_exit_2(tmp_path):
    done = _live("gallery", "--recordings", str(tmp_path / "nope"), "--set", f"share.host={LOOPBACK}")
    assert done.returncode == 2
    errors = [line for line in done.stderr.splitlines() if "error" in line]
    assert len(errors) == 1 and "--recordings" in errors[0]


def test_bad_setting_exit_2(tmp_path):
    done = _live("gallery", "--recordings", str(tmp_path), "--set", "share.staff_pin=12")
    assert done.returncode == 2 and "share.staff_pin" in done.stderr


def test_serves_a_folder_until_sigterm(tmp_path):
    token = write_recording(tmp_path)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [
        sys.executable, "-m", "live", "gallery", "--recordings", str(tmp_path),
        "--set", f"share.host={LOOPBACK}", "--set", "share.port=0", "--set", "share.staff_pin=staff-4321",
    ]  # fmt: skip
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, env=env)
    try:
        port, lines = port_from_log(process, "serving on", timeout=60)
        assert port, "".join(lines)
        text = "".join(lines)
        assert "1 recording(s)" in text and "staff-4321" not in text, "the PIN stays out of the log"
        with httpx.Client(base_url=f"http://{LOOPBACK}:{port}", trust_env=False) as client:
            assert client.get(f"/r/{token}").status_code == 200
            assert client.get(f"/r/{token}.gif").content == next(tmp_path.glob("*.gif")).read_bytes()
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=20) == 0
        assert "stopped" in process.stderr.read()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
