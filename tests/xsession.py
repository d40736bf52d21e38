"""An X screen of a given size with openbox on it: for the window tests (``conftest.xserver``) and
the screenshot scripts of ``docs/screens``."""

from __future__ import annotations

import contextlib
import os
import subprocess
import time


@contextlib.contextmanager
def x_session(width: int, height: int):
    """Xvfb at ``width`` x ``height`` with openbox (fullscreen needs a window manager); yields the
    environment with its ``DISPLAY``; both are stopped after.

    Raises:
        RuntimeError: Xvfb did not start.
    """
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", "1", "-screen", "0", f"{width}x{height}x24", "-nolisten", "tcp"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    number = server.stdout.readline().decode().strip()
    if not number:
        server.kill()
        server.wait(10)
        raise RuntimeError("Xvfb did not start")
    env = {**os.environ, "DISPLAY": f":{number}"}
    wm = subprocess.Popen(["openbox"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1.0)
    try:
        yield env
    finally:
        wm.terminate()
        server.terminate()
        wm.wait(10)
        server.wait(10)
