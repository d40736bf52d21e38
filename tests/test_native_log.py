"""Third-party noise (issue 17): what MediaPipe, absl, TensorFlow Lite and OpenCV write to the
process's stderr goes to the log at debug level, never to the console."""

import logging
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from live import native_log
from tests.conftest import HANDS, ROOT

#: What those libraries print on a hand run whose webcam is not there (seen before the fix).
NOISE = ("XNNPACK", "absl::InitializeLog", "inference_feedback_manager", "[ WARN:", "[ERROR:", "VIDEOIO")


def live_run(tmp_path, *args, env=None):
    """``live run`` with the hand input on a webcam that is not there, headless, 60 frames."""
    command = [sys.executable, "-m", "live", "run", "--headless", "--max-frames", "60", "--input", "hand"]
    command += ["--camera", "99", "--size", "64", "--recordings", str(tmp_path / "rec"), *args]
    environ = {k: v for k, v in os.environ.items() if k not in ("LIVE_NATIVE_STDERR", "LIVE_LOG")}
    environ.update(env or {})
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300, env=environ)


class TestPump:
    def test_lines_go_to_the_log_at_debug_a_fatal_one_at_error(self, caplog):
        read_fd, write_fd = os.pipe()
        pump = threading.Thread(target=native_log._pump, args=(read_fd,))
        caplog.set_level(logging.DEBUG, logger="live.native")
        pump.start()
        os.write(write_fd, b"INFO: Created TensorFlow Lite XNNPACK delegate for CPU.\nW0000 00:00:1.0 x.cc:1] half")
        os.write(write_fd, b" a line\n\nF0000 00:00:2.0 graph.cc:9] Check failed: x\nno newline at the end")
        os.close(write_fd)
        pump.join(10)
        os.close(read_fd)
        got = [(r.levelno, r.getMessage()) for r in caplog.records if r.name == "live.native"]
        assert got == [
            (logging.DEBUG, "INFO: Created TensorFlow Lite XNNPACK delegate for CPU."),
            (logging.DEBUG, "W0000 00:00:1.0 x.cc:1] half a line"),
            (logging.ERROR, "F0000 00:00:2.0 graph.cc:9] Check failed: x"),
            (logging.DEBUG, "no newline at the end"),
        ]

    def test_keep_leaves_stderr_alone(self):
        assert native_log.route_native_stderr({"LIVE_NATIVE_STDERR": "keep"}) is False


class TestARun:
    def test_the_console_stays_quiet(self, tmp_path):
        result = live_run(tmp_path)
        assert result.returncode == 0, result.stderr
        assert not [word for word in NOISE if word in result.stderr], result.stderr
        assert "live: started: input hand (camera 99)" in result.stderr  # live's own lines still show
        assert "camera 99: lost" in result.stderr  # staff's word on the camera, from live's log

    def test_the_log_keeps_the_noise_at_debug(self, tmp_path):
        log = tmp_path / "live.log"
        result = live_run(tmp_path, "--log-file", str(log), env={"LIVE_LOG": "debug"})
        assert result.returncode == 0, result.stderr
        native = [line for line in log.read_text().splitlines() if " live.native: " in line]
        assert native and all(" DEBUG live.native: " in line for line in native)
        assert any("VIDEOIO" in line for line in native)  # OpenCV's
        assert any("XNNPACK" in line or "absl" in line for line in native), native  # MediaPipe's


#: The hand footage, beside the checkout (or where the team keeps it).
FOOTAGE = next((p for p in (HANDS / "fingertip_circle.mp4", Path("/work/shared/data/hands/fingertip_circle.mp4"))
                if p.is_file()), None)  # fmt: skip


@pytest.mark.skipif(FOOTAGE is None, reason="no hand footage")
def test_a_run_on_real_footage_is_quiet(tmp_path):
    command = [sys.executable, "-m", "live", "run", "--headless", "--max-frames", "50", "--input", "hand"]
    command += ["--camera", str(FOOTAGE), "--size", "64", "--recordings", str(tmp_path / "rec")]
    environ = {k: v for k, v in os.environ.items() if k not in ("LIVE_NATIVE_STDERR", "LIVE_LOG")}
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300, env=environ)
    assert result.returncode == 0, result.stderr
    assert not [word for word in NOISE if word in result.stderr], result.stderr
