"""The share server under a venue's load, measured on loopback.

Starts ``live gallery`` from a checkout (``--checkout DIR``, default this one) on 127.0.0.1 in a
subprocess, over a folder holding one 8-second clip (a ~2 MB H.264 MP4 and a ~4 MB GIF, made
here), and measures one of:

- ``idle``: ``--connections`` sockets that stay idle (``--kind``: ``silent`` connect and send
  nothing, ``partial`` send half a request head, ``kept`` send one GET and keep the connection,
  ``mixed`` a third each), while a new visitor GETs the clip's page every ``--interval`` seconds
  for ``--window`` seconds, each on a new connection. Prints the statuses and times.
- ``downloads``: ``--phones`` phones at once, each GETs the page, the MP4 and the GIF over one
  kept-alive connection, as a phone does. Prints how many got every byte, and how long it took.

Usage (from the checkout's root)::

    .venv/bin/python -m live.tools.share_load idle --connections 200
    .venv/bin/python -m live.tools.share_load downloads --phones 100
    git archive main | tar -x -C /tmp/before
    .venv/bin/python -m live.tools.share_load idle --connections 200 --checkout /tmp/before

``--json`` prints one object instead of lines. The tests (``tests/test_share_load.py``) use the
same client functions with a server in the test's process.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"
#: A stamp for the clip's name (``<stamp>-<token>.gif``).
STAMP = "20261206-120000"
#: Seconds one request may take before it counts as failed (status 0).
REQUEST_TIMEOUT_S = 60.0
CHUNK = 1 << 16


# -- the clip -------------------------------------------------------------------------------
def make_clip(folder: Path, seconds: float = 8.0, fps: int = 15, mp4_mb: float = 2.0, gif_mb: float = 4.0) -> str:
    """Writes an 8-second recording of moving noise into ``folder``: ``<stamp>-<token>.mp4`` (H.264,
    about ``mp4_mb``) and ``.gif`` (about ``gif_mb``); returns the token."""
    import imageio_ffmpeg
    import numpy as np
    from PIL import Image

    token = secrets.token_urlsafe(16)
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    frames = int(seconds * fps)
    kbit = int(mp4_mb * 8000 / seconds)
    writer = imageio_ffmpeg.write_frames(
        str(folder / f"{STAMP}-{token}.mp4"), (480, 480), fps=fps, codec="libx264", pix_fmt_out="yuv420p",
        bitrate=f"{kbit}k", output_params=["-movflags", "+faststart", "-maxrate", f"{kbit}k", "-bufsize", f"{kbit}k"],
    )  # fmt: skip
    writer.send(None)
    for _ in range(frames):
        writer.send(rng.integers(0, 256, (480, 480, 3), dtype=np.uint8).tobytes())
    writer.close()
    # Random 4-bit pixels cost the GIF's LZW about 0.68 bytes each.
    side = int((gif_mb * 1e6 / frames / 0.68) ** 0.5)
    images = [Image.fromarray(rng.integers(0, 16, (side, side), dtype=np.uint8) * 16, "L") for _ in range(frames)]
    images[0].save(
        folder / f"{STAMP}-{token}.gif", save_all=True, append_images=images[1:], duration=1000 // fps, loop=0
    )
    return token


# -- a minimal HTTP/1.1 client ----------------------------------------------------------------
@dataclass
class Answer:
    """One request's outcome."""

    status: int
    """The HTTP status; 0: no answer (refused, reset, timed out)."""
    bytes: int = 0
    crc: int = 0
    """CRC-32 of the body."""
    seconds: float = 0.0


async def request(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, path: str, close: bool = False) -> Answer:
    """Sends ``GET path`` on an open connection and reads the whole answer (Content-Length)."""
    began = time.perf_counter()
    extra = "Connection: close\r\n" if close else ""
    writer.write(f"GET {path} HTTP/1.1\r\nHost: {HOST}\r\nUser-Agent: share-load\r\n{extra}\r\n".encode())
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = re.search(rb"\r\ncontent-length: *(\d+)", head, re.IGNORECASE)
    left = int(length[1]) if length else 0
    got, crc = 0, 0
    while left > 0:
        data = await reader.read(min(CHUNK, left))
        if not data:
            raise ConnectionError("closed mid-body")
        got, left, crc = got + len(data), left - len(data), zlib.crc32(data, crc)
    return Answer(status, got, crc, time.perf_counter() - began)


async def visit(port: int, path: str, timeout: float = REQUEST_TIMEOUT_S) -> Answer:
    """A new visitor: connects, GETs ``path`` once, closes. Status 0 when it fails."""
    began = time.perf_counter()
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection(HOST, port), timeout)
    except (OSError, TimeoutError):
        return Answer(0, seconds=time.perf_counter() - began)
    try:
        answer = await asyncio.wait_for(request(reader, writer, path, close=True), timeout)
        answer.seconds = time.perf_counter() - began
        return answer
    except (OSError, TimeoutError, asyncio.IncompleteReadError, ConnectionError, ValueError):
        return Answer(0, seconds=time.perf_counter() - began)
    finally:
        writer.close()


# -- idle connections -------------------------------------------------------------------------
IDLE_KINDS = ("silent", "partial", "kept", "mixed")


async def open_idle(port: int, count: int, kind: str) -> list[tuple[asyncio.StreamReader, asyncio.StreamWriter]]:
    """Opens ``count`` connections that then stay idle (see the module's docstring for ``kind``)."""
    opened = []
    for i in range(count):
        reader, writer = await asyncio.open_connection(HOST, port)
        how = IDLE_KINDS[i % 3] if kind == "mixed" else kind
        if how == "partial":
            writer.write(b"GET / HTTP/1.1\r\nHost: 127.")
        elif how == "kept":
            try:
                await asyncio.wait_for(request(reader, writer, "/"), REQUEST_TIMEOUT_S)
            except (OSError, TimeoutError, asyncio.IncompleteReadError, ConnectionError, ValueError):
                pass
        opened.append((reader, writer))
    return opened


async def closed_by_server(connections) -> int:
    """How many of ``connections`` the server has closed (the end of the stream, or a reset)."""

    async def closed(reader: asyncio.StreamReader) -> bool:
        try:
            return await asyncio.wait_for(reader.read(CHUNK), 0.2) == b""
        except TimeoutError:
            return False
        except OSError:
            return True

    return sum(await asyncio.gather(*(closed(reader) for reader, _ in connections)))


@dataclass
class IdleResult:
    connections: int
    kind: str
    visits: list[Answer] = field(default_factory=list)
    closed_by_server: int = 0
    open_s: float = 0.0

    def summary(self) -> dict:
        ok = [a.seconds for a in self.visits if a.status == 200]
        first = self.visits[0] if self.visits else Answer(0)
        return {
            "connections": self.connections, "kind": self.kind, "open_s": round(self.open_s, 2),
            "first_status": first.status, "first_s": round(first.seconds, 3),
            "visits": len(self.visits), "visits_200": len(ok),
            "statuses": sorted({a.status for a in self.visits}),
            "median_s": round(statistics.median(ok), 3) if ok else None,
            "max_s": round(max(a.seconds for a in self.visits), 3) if self.visits else None,
            "closed_by_server": self.closed_by_server,
        }  # fmt: skip


async def idle_load(port: int, path: str, count: int, kind: str, window: float, interval: float) -> IdleResult:
    """``count`` idle connections, then a new visitor's GET of ``path`` every ``interval`` s for
    ``window`` s (at least one)."""
    result = IdleResult(count, kind)
    began = time.perf_counter()
    idle = await open_idle(port, count, kind)
    result.open_s = time.perf_counter() - began
    try:
        end = time.perf_counter() + window
        while True:
            result.visits.append(await visit(port, path))
            if time.perf_counter() >= end:
                break
            await asyncio.sleep(interval)
        result.closed_by_server = await closed_by_server(idle)
    finally:
        for _, writer in idle:
            writer.close()
    return result


# -- phones downloading -----------------------------------------------------------------------
async def phone(port: int, paths: list[str]) -> list[Answer]:
    """One phone: the page, then each file, over one kept-alive connection; stops at a failure."""
    answers: list[Answer] = []
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection(HOST, port), REQUEST_TIMEOUT_S)
    except (OSError, TimeoutError):
        return [Answer(0)]
    try:
        for path in paths:
            answer = await asyncio.wait_for(request(reader, writer, path), REQUEST_TIMEOUT_S)
            answers.append(answer)
            if answer.status != 200:
                break
    except (OSError, TimeoutError, asyncio.IncompleteReadError, ConnectionError, ValueError):
        answers.append(Answer(0))
    finally:
        writer.close()
    return answers


@dataclass
class DownloadResult:
    phones: int
    complete: int
    """Phones that got every file, each byte for byte."""
    statuses: list[int]
    wall_s: float
    phone_s: list[float]
    megabytes: float

    def summary(self) -> dict:
        return {
            "phones": self.phones, "complete": self.complete, "statuses": sorted(set(self.statuses)),
            "wall_s": round(self.wall_s, 2), "median_phone_s": round(statistics.median(self.phone_s), 2),
            "max_phone_s": round(max(self.phone_s), 2), "megabytes": round(self.megabytes, 1),
            "mb_per_s": round(self.megabytes / self.wall_s, 1),
        }  # fmt: skip


async def download_load(port: int, token: str, files: dict[str, tuple[int, int]], phones: int) -> DownloadResult:
    """``phones`` phones at once, each fetching ``/r/<token>`` and each of ``files``
    ({extension: (size, crc32)})."""
    paths = [f"/r/{token}"] + [f"/r/{token}.{ext}" for ext in files]
    began = time.perf_counter()
    results = await asyncio.gather(*(phone(port, paths) for _ in range(phones)))
    wall = time.perf_counter() - began
    expected = [(size, crc) for size, crc in files.values()]
    complete = sum(
        1
        for answers in results
        if len(answers) == len(paths)
        and all(a.status == 200 for a in answers)
        and [(a.bytes, a.crc) for a in answers[1:]] == expected
    )
    return DownloadResult(
        phones,
        complete,
        [a.status for answers in results for a in answers],
        wall,
        [sum(a.seconds for a in answers) for answers in results],
        sum(a.bytes for answers in results for a in answers) / 1e6,
    )


def file_digests(folder: Path, token: str) -> dict[str, tuple[int, int]]:
    """{extension: (size, crc32)} of the clip's files."""
    found = {}
    for ext in ("mp4", "gif"):
        data = (folder / f"{STAMP}-{token}.{ext}").read_bytes()
        found[ext] = (len(data), zlib.crc32(data))
    return found


# -- the server under test ------------------------------------------------------------------
class Gallery:
    """``live gallery`` from ``checkout`` on 127.0.0.1, any free port, in a subprocess."""

    def __init__(self, checkout: Path, folder: Path, settings: list[str]):
        command = [sys.executable, "-m", "live", "gallery", "--recordings", str(folder),
                   "--set", f"share.host={HOST}", "--set", "share.port=0"]  # fmt: skip
        for item in settings:
            command += ["--set", item]
        env = {**os.environ, "PYTHONPATH": str(checkout), "LIVE_LOG": "WARNING"}
        self.process = subprocess.Popen(command, cwd=checkout, env=env, stderr=subprocess.PIPE, text=True)
        self.lines: list[str] = []
        self.port = self._port()
        self._drain = threading.Thread(target=self._read, daemon=True)
        self._drain.start()

    def _port(self) -> int:
        for line in self.process.stderr:
            self.lines.append(line)
            match = re.search(rf"serving on {re.escape(HOST)}:(\d+)", line)
            if match:
                return int(match[1])
        self.close()
        raise RuntimeError("live gallery did not start:\n" + "".join(self.lines[-20:]))

    def _read(self) -> None:
        for line in self.process.stderr:
            self.lines.append(line)

    def rss_mb(self) -> float:
        """The server process's resident memory, MiB (Linux)."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


async def _measured(run, gallery: Gallery) -> dict:
    """Runs ``run`` while sampling the server's memory every 0.2 s; its summary with the peak."""
    peak = gallery.rss_mb()
    task = asyncio.ensure_future(run)
    while not task.done():
        await asyncio.wait([task], timeout=0.2)
        peak = max(peak, gallery.rss_mb())
    summary = task.result().summary()
    summary["rss_peak_mb"] = round(peak, 1)
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("scenario", choices=["idle", "downloads"])
    parser.add_argument("--checkout", type=Path, default=ROOT, help="the code to serve with (default: this one)")
    parser.add_argument("--connections", type=int, default=200, help="idle: connections held open")
    parser.add_argument("--kind", choices=IDLE_KINDS, default="silent", help="idle: what they send")
    parser.add_argument("--window", type=float, default=15.0, help="idle: seconds of visits")
    parser.add_argument("--interval", type=float, default=0.5, help="idle: seconds between visits")
    parser.add_argument("--phones", type=int, default=100, help="downloads: phones at once")
    parser.add_argument("--set", action="append", default=[], help="a share.* setting for the server")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="share-load-") as tmp:
        folder = Path(tmp)
        token = make_clip(folder)
        files = file_digests(folder, token)
        gallery = Gallery(args.checkout, folder, args.set)
        try:
            rss = gallery.rss_mb()
            if args.scenario == "idle":
                run = idle_load(gallery.port, f"/r/{token}", args.connections, args.kind, args.window, args.interval)
            else:
                run = download_load(gallery.port, token, files, args.phones)
            summary = asyncio.run(_measured(run, gallery))
            summary["rss_start_mb"] = round(rss, 1)
        finally:
            gallery.close()
    summary["files"] = {ext: size for ext, (size, _) in files.items()}
    summary["server_log_lines"] = len(gallery.lines)
    if args.json:
        print(json.dumps(summary))
    else:
        for key, value in summary.items():
            print(f"{key}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

