"""Headless chromium driven through its DevTools protocol over a pipe (no websocket library).

``--remote-debugging-pipe`` makes chromium read protocol messages from file descriptor 3 and
write its answers to 4, each a JSON object ended by a NUL byte. :class:`Chromium` opens one page
at a phone's size and runs the few commands the share tests need: load a URL, evaluate an
expression, set a cookie, take a screenshot.
"""

from __future__ import annotations

import base64
import json
import os
import select
import shutil
import subprocess
import time
from pathlib import Path

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
#: A phone's screen in CSS pixels (iPhone 12-15).
PHONE = (390, 844)
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-proxy-server",
    "--hide-scrollbars", "--autoplay-policy=no-user-gesture-required", "--mute-audio",
]  # fmt: skip


class Chromium:
    """One headless chromium with one page; a context manager.

    Args:
        profile: a new, empty folder for the browser's profile.
        size: the page's viewport in CSS pixels.
        mobile: emulate a phone (the viewport meta applies, touch events).
    """

    def __init__(self, profile: Path, size: tuple[int, int] = PHONE, mobile: bool = True):
        command = [CHROMIUM, *FLAGS, "--remote-debugging-pipe", f"--user-data-dir={profile}",
                   f"--window-size={size[0]},{size[1]}", "about:blank"]  # fmt: skip
        # The shell moves the pipes on stdin and stdout to fds 3 and 4, where chromium wants them.
        shell = 'exec "$@" 3<&0 4>&1 0</dev/null 1>/dev/null'
        pipes = {"stdin": subprocess.PIPE, "stdout": subprocess.PIPE, "stderr": subprocess.DEVNULL}
        self.process = subprocess.Popen(["sh", "-c", shell, "sh", *command], **pipes)
        self._to_browser = self.process.stdin.fileno()
        self._from_browser = self.process.stdout.fileno()
        self._buffer = b""
        self._id = 0
        self.session = None
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        self.call("Page.enable")
        metrics = {"width": size[0], "height": size[1], "deviceScaleFactor": 1, "mobile": mobile}
        self.call("Emulation.setDeviceMetricsOverride", metrics)

    def _read(self, timeout: float) -> dict:
        deadline = time.monotonic() + timeout
        while b"\0" not in self._buffer:
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise TimeoutError("chromium did not answer")
            ready, _, _ = select.select([self._from_browser], [], [], 0.5)
            if ready:
                chunk = os.read(self._from_browser, 1 << 20)
                if not chunk:
                    raise ConnectionError("chromium closed its pipe")
                self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def call(self, method: str, params: dict | None = None, timeout: float = 60.0) -> dict:
        """Sends one command (to the page once attached) and returns its result.

        Raises:
            RuntimeError: chromium answered with an error.
            TimeoutError: no answer within ``timeout`` seconds.
        """
        self._id += 1
        message = {"id": self._id, "method": method, "params": params or {}}
        if self.session is not None and not method.startswith("Target."):
            message["sessionId"] = self.session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        while True:
            answer = self._read(timeout)
            if answer.get("id") == self._id:
                if "error" in answer:
                    raise RuntimeError(f"{method}: {answer['error']}")
                return answer.get("result", {})

    def load(self, url: str, settle: float = 0.5) -> None:
        """Loads ``url`` and waits until the document has loaded."""
        self.call("Page.navigate", {"url": url})
        deadline = time.monotonic() + 60.0
        while self.evaluate("document.readyState") != "complete":
            if time.monotonic() > deadline:
                raise TimeoutError(f"{url} did not load")
            time.sleep(0.1)
        time.sleep(settle)

    def evaluate(self, expression: str):
        """The value of a JavaScript expression in the page (DevTools may run it: the page's
        content security policy binds the page's own scripts, not the debugger)."""
        result = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def set_cookie(self, name: str, value: str, url: str) -> None:
        self.call("Network.setCookie", {"name": name, "value": value, "url": url})

    def screenshot(self, path: Path, full_page: bool = False) -> Path:
        """A PNG of the viewport (or the whole page) at ``path``."""
        params: dict = {"format": "png"}
        if full_page:
            params["captureBeyondViewport"] = True
            height = self.evaluate("document.documentElement.scrollHeight")
            width = self.evaluate("document.documentElement.clientWidth")
            params["clip"] = {"x": 0, "y": 0, "width": width, "height": height, "scale": 1}
        data = self.call("Page.captureScreenshot", params)["data"]
        path.write_bytes(base64.b64decode(data))
        return path

    def close(self) -> None:
        try:
            self.call("Browser.close", timeout=10.0)
        except (RuntimeError, TimeoutError, ConnectionError, OSError):
            pass
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        for pipe in (self.process.stdin, self.process.stdout):
            try:
                pipe.close()
            except OSError:
                pass

    def __enter__(self) -> Chromium:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
