"""Helpers of the share tests: real recordings on disk, a running server on 127.0.0.1, a raw
HTTP request (so a test knows exactly what went over the wire)."""

from __future__ import annotations

import re
import secrets
import socket
import time
from pathlib import Path

import numpy as np

from live.config import ShareConfig

#: Every share test talks to this address only.
LOOPBACK = "127.0.0.1"
STAMP = "20261128-000816"
#: The colour of the test GIF (RGB): magenta appears nowhere else on the pages.
GIF_RGB = (255, 0, 255)


def write_recording(folder: Path, mp4: bool = True, stamp: str = STAMP, size: tuple[int, int] = (64, 128)) -> str:
    """Writes ``<stamp>-<token>.gif`` (and ``.mp4``) of magenta frames with a white square moving across the middle into
    ``folder``; returns the token."""
    from live.record import write_gif, write_mp4

    token = secrets.token_urlsafe(16)
    h, w = size
    frames = np.zeros((8, h, w, 3), np.uint8)
    frames[:] = GIF_RGB
    for i in range(len(frames)):
        frames[i, h // 3 : 2 * h // 3, i * w // 8 : (i + 1) * w // 8] = (255, 255, 255)
    folder.mkdir(parents=True, exist_ok=True)
    write_gif(folder / f"{stamp}-{token}.gif", frames, fps=8)
    if mp4:
        write_mp4(folder / f"{stamp}-{token}.mp4", frames, fps=8)
    return token


def loopback_settings(**changes) -> ShareConfig:
    """``[share]`` on 127.0.0.1, any free port, short time-outs."""
    values = dict(host=LOOPBACK, port=0, staff_pin="staff-4321", timeout_s=1.0)
    values.update(changes)
    return ShareConfig(**values)


def raw_request(port: int, head: bytes, body: bytes = b"", timeout: float = 5.0) -> tuple[int, bytes]:
    """Sends ``head`` (request line and headers, without the blank line) and ``body`` as they
    are to 127.0.0.1:``port``; returns (status, whole response). Status 0: no response."""
    with socket.create_connection((LOOPBACK, port), timeout=timeout) as sock:
        sock.sendall(head + b"\r\n\r\n" + body)
        data = b""
        try:
            while chunk := sock.recv(65536):
                data += chunk
        except (ConnectionResetError, TimeoutError):
            pass
    if not data.startswith(b"HTTP/1.1 "):
        return 0, data
    return int(data[9:12]), data


def get_raw(port: int, target: bytes) -> tuple[int, bytes]:
    """``GET target`` exactly as given (no normalisation of '..' or percent signs)."""
    return raw_request(port, b"GET " + target + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close")


def port_from_log(process, says: str, timeout: float) -> tuple[int | None, list[str]]:
    """Reads ``process``'s stderr until a line ``<says> 127.0.0.1:<port>``; returns the port (None
    when the process ended or ``timeout`` passed first) and the lines read."""
    lines: list[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stderr.readline()
        if not line:
            break
        lines.append(line)
        match = re.search(rf"{says} {re.escape(LOOPBACK)}:(\d+)", line)
        if match:
            return int(match[1]), lines
    return None, lines
