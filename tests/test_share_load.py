"""The share server under a venue's load, on 127.0.0.1, with the client of ``live/tools/share_load.py``.

Idle, half-sent and kept-alive connections beside a new visitor; the connection cap making room;
every connection busy (503); a phone that stops reading mid-download; 100 phones downloading an
8-second clip (a ~2 MB MP4 and a ~4 MB GIF) at once. The loads are bounded (hundreds of sockets,
a few seconds) and the time limits generous, so a busy 2-core machine passes too; the figures
of docs/share.md come from the tool itself.
"""

from __future__ import annotations

import asyncio
import socket
import statistics
import time

import pytest

from live.share import ShareServer
from live.tools.share_load import closed_by_server, download_load, file_digests, make_clip, open_idle, visit
from tests.share_helpers import LOOPBACK, loopback_settings

#: A new visitor's GET must answer within this many seconds (the issue's bound).
VISIT_S = 1.0


@pytest.fixture(scope="module")
def clip(tmp_path_factory):
    """(folder, token, {ext: (size, crc)}) of an 8-second recording, ~2 MB MP4 and ~4 MB GIF."""
    folder = tmp_path_factory.mktemp("clip")
    token = make_clip(folder)
    return folder, token, file_digests(folder, token)


def _visits(port: int, path: str, n: int = 3):
    async def run():
        return [await visit(port, path, timeout=30.0) for _ in range(n)]

    return run()


@pytest.mark.parametrize("kind", ["silent", "mixed"])
def test_200_idle_connections_leave_room_for_a_visitor(clip, kind):
    folder, token, _ = clip
    with ShareServer(loopback_settings(timeout_s=10.0), folder) as server:

        async def run():
            idle = await open_idle(server.port, 200, kind)
            try:
                answers = await _visits(server.port, f"/r/{token}")
                return answers, await closed_by_server(idle)
            finally:
                for _, writer in idle:
                    writer.close()

        answers, closed = asyncio.run(run())
    assert [a.status for a in answers] == [200, 200, 200]
    assert statistics.median(a.seconds for a in answers) < VISIT_S, answers
    assert closed == 0, "below the cap, nobody is pushed out"


def test_at_the_cap_the_longest_idle_make_room(clip):
    folder, token, _ = clip
    with ShareServer(loopback_settings(max_connections=16, timeout_s=30.0), folder) as server:

        async def run():
            idle = await open_idle(server.port, 40, "silent")
            try:
                answer = await visit(server.port, f"/r/{token}", timeout=30.0)
                await asyncio.sleep(0.3)
                flags = [await closed_by_server([c]) for c in idle]
                return answer, flags
            finally:
                for _, writer in idle:
                    writer.close()

        answer, flags = asyncio.run(run())
    assert answer.status == 200
    assert sum(flags) == 40 + 1 - 16, "as many closed as the cap needs, the visitor's own making room too"
    assert flags == sorted(flags, reverse=True), "the longest idle went first"


def test_503_only_when_every_connection_is_busy(clip):
    """8 connections each stuck sending the GIF to a client that does not read: the 9th
    visitor gets 503; once they are gone, visitors get 200 again."""
    folder, token, _ = clip
    settings = loopback_settings(max_connections=8, timeout_s=30.0, send_timeout_s=30.0)
    with ShareServer(settings, folder) as server:
        stuck = []
        for _ in range(8):
            sock = socket.socket()
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            sock.connect((LOOPBACK, server.port))
            sock.sendall(f"GET /r/{token}.gif HTTP/1.1\r\nHost: {LOOPBACK}\r\n\r\n".encode())
            stuck.append(sock)
        time.sleep(1.0)  # each response fills its socket's buffers and waits
        busy = asyncio.run(visit(server.port, f"/r/{token}", timeout=30.0))
        for sock in stuck:
            sock.close()
        time.sleep(0.5)
        free = asyncio.run(visit(server.port, f"/r/{token}", timeout=30.0))
    assert busy.status == 503
    assert free.status == 200


def test_a_phone_that_stops_reading_is_dropped(clip):
    folder, token, files = clip
    with ShareServer(loopback_settings(send_timeout_s=1.0), folder) as server:
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.connect((LOOPBACK, server.port))
        sock.sendall(f"GET /r/{token}.gif HTTP/1.1\r\nHost: {LOOPBACK}\r\n\r\n".encode())
        time.sleep(4.0)  # the send waits for us longer than send_timeout_s: dropped
        sock.settimeout(10.0)
        got, dropped = 0, False
        try:
            while chunk := sock.recv(1 << 16):
                got += len(chunk)
        except (ConnectionResetError, TimeoutError):
            dropped = True
        sock.close()
        assert dropped or got < files["gif"][0], "the whole GIF came: nothing was dropped"
        assert asyncio.run(visit(server.port, f"/r/{token}", timeout=30.0)).status == 200


def test_100_phones_download_the_clip_at_once(clip):
    folder, token, files = clip
    assert 1.5e6 < files["mp4"][0] < 2.6e6 and 3e6 < files["gif"][0] < 5e6, files
    with ShareServer(loopback_settings(), folder) as server:
        result = asyncio.run(download_load(server.port, token, files, 100))
    summary = result.summary()
    print("100 phones:", summary)
    assert result.complete == 100, summary
    assert set(result.statuses) == {200}
