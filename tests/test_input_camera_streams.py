"""Stream sources (rtsp://, http(s)://) with time-outs, and a camera that never opens."""

import os
import socket
import threading
import time

import pytest

from live.config import CameraConfig
from live.input.camera import Camera, CameraStatus, parse_source


def test_stream_urls_are_kept_and_other_schemes_refused():
    assert parse_source("rtsp://127.0.0.1:9/x") == "rtsp://127.0.0.1:9/x"
    assert parse_source("https://cam.local/video.mjpg") == "https://cam.local/video.mjpg"
    with pytest.raises(ValueError, match="use a stream URL with rtsp"):
        parse_source("ftp://x/y")


def wait_lost(camera: Camera, seconds: float) -> float:
    start = time.monotonic()
    while camera.status is not CameraStatus.LOST and time.monotonic() - start < seconds:
        time.sleep(0.02)
    return time.monotonic() - start


def test_a_refused_rtsp_stream_is_lost_not_a_missing_file():
    config = CameraConfig(open_timeout_s=1.0, read_timeout_s=1.0, retry_s=5.0)
    with Camera("rtsp://127.0.0.1:9/x", config) as camera:
        assert not camera.is_file and not camera.mirrored
        assert wait_lost(camera, 10.0) < 10.0
        assert camera.message.startswith("cannot open the stream")


def test_a_silent_http_stream_times_out():
    """A server that accepts and never answers: the open gives up after open_timeout_s, and
    closing the camera does not hang."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(4)
    held = []
    stop = threading.Event()

    def accept():
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    config = CameraConfig(open_timeout_s=1.0, read_timeout_s=1.0, retry_s=5.0)
    try:
        start = time.monotonic()
        with Camera(f"http://127.0.0.1:{server.getsockname()[1]}/video.mjpg", config) as camera:
            waited = wait_lost(camera, 15.0)
            assert camera.status is CameraStatus.LOST and waited < 15.0
            assert held, "the camera never connected"
        assert time.monotonic() - start < 20.0
    finally:
        stop.set()
        thread.join(5)
        for conn in held:
            conn.close()
        server.close()


def test_live_track_on_a_camera_that_never_opens_is_one_line(capsys):
    from live.cli import main

    index = next(i for i in range(7, 64) if not os.path.exists(f"/dev/video{i}"))
    assert main(["track", "--camera", str(index), "--max-frames", "3"]) == 2
    err = capsys.readouterr().err
    errors = [line for line in err.splitlines() if "error" in line]
    assert errors == [
        f"live track: error: camera {index} does not open (cannot open the webcam): "
        "check --camera (a webcam index, a video file or a stream URL)"
    ]
