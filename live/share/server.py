"""The share server: the app (:mod:`live.share.routes`) served by uvicorn in a background thread.

uvicorn's own settings carry the load a venue makes (docs/share.md has the measurements):
``timeout_keep_alive`` closes a silent kept-alive connection after ``share.keep_alive_s``,
``limit_concurrency`` answers 503 only when ``share.max_connections`` connections are all busy,
and its h11 protocol gets a head deadline, a send deadline and room for new visitors
(:mod:`live.share.protocol`). The process's file limit is raised so that many connections fit
beside what the kiosk itself holds open (:func:`connection_budget`).
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from pathlib import Path

from live.config import ShareConfig
from live.share.addresses import base_url, lan_address, local_url, recording_url
from live.share.limits import MAX_HEAD_BYTES
from live.share.protocol import guarded_protocol
from live.share.routes import create_app
from live.share.status import KioskStatus

log = logging.getLogger("live.share")

#: Seconds a stopping server waits for responses still being sent.
SHUTDOWN_S = 2.0
#: Connections waiting to be accepted (the kernel caps it at net.core.somaxconn).
BACKLOG = 2048
#: File descriptors kept for the rest of the kiosk (camera, X, recordings, logs, libraries).
FD_RESERVE = 256


def connection_budget(wanted: int) -> int:
    """How many connections the server may hold: ``wanted``, or fewer where the process's file
    limit cannot hold two descriptors each (the socket, and the file being sent) besides
    :data:`FD_RESERVE`. The soft limit (1024 for most services) is raised towards the hard one
    first.
    """
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    need = 2 * wanted + FD_RESERVE
    unlimited = resource.RLIM_INFINITY
    if soft != unlimited and soft < need:
        target = need if hard == unlimited else min(need, hard)
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
        except (ValueError, OSError) as exc:
            log.warning("share: the open-file limit stays %d (%s)", soft, exc)
    if soft == unlimited:
        return wanted
    return max(1, min(wanted, (soft - FD_RESERVE) // 2))


class ShareServer:
    """The share server in a background thread; a context manager.

    Args:
        settings: ``[share]``: host, port, limits, staff PIN, public URL.
        folder: the recordings folder to serve.
        lan: returns this machine's LAN address (tests inject one).
        status: the frame loop's report (the staff page's state, ``/healthz``, the QR code
            again); None without a loop (``live gallery``).

    Raises (on enter / :meth:`start`):
        OSError: the address cannot be listened on (port taken, unknown host); the message says
            which key to change.
        RuntimeError: the server did not come up within 10 s.
    """

    def __init__(
        self, settings: ShareConfig, folder: str | Path, lan=lan_address, status: KioskStatus | None = None
    ):
        self.settings = settings
        self.folder = Path(folder)
        self.status = status
        self._lan = lan
        self.port: int | None = None
        self.base_url = ""
        self.max_connections = settings.max_connections
        self._server = None
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None
        self._error: BaseException | None = None

    def _listen(self) -> socket.socket:
        host, port = self.settings.host, self.settings.port
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((host, port))
            sock.listen(BACKLOG)
        except OSError as exc:
            sock.close()
            raise OSError(
                f"share server cannot listen on {host}:{port} ({exc.strerror or exc}): set share.port to a free "
                "port or share.host to an address of this machine (or share.enabled=false)"
            ) from exc
        sock.setblocking(False)
        return sock

    def _config(self):
        import uvicorn

        s = self.settings
        self.max_connections = connection_budget(s.max_connections)
        if self.max_connections < s.max_connections:
            log.warning("share: %d connections at most (the open-file limit)", self.max_connections)
        return uvicorn.Config(
            create_app(self.folder, s, self.status),
            http=guarded_protocol(s.timeout_s, s.send_timeout_s, self.max_connections),
            ws="none",
            lifespan="off",
            log_config=None,
            log_level="warning",
            access_log=False,
            timeout_keep_alive=s.keep_alive_s,  # type: ignore[arg-type]  (a float works: call_later)
            limit_concurrency=self.max_connections + 1,  # 503 only when every connection is busy
            backlog=BACKLOG,
            h11_max_incomplete_event_size=MAX_HEAD_BYTES,
            timeout_graceful_shutdown=int(SHUTDOWN_S),
            server_header=False,
        )

    def start(self) -> ShareServer:
        import uvicorn

        self._socket = self._listen()
        self.port = self._socket.getsockname()[1]
        self.base_url = base_url(self.settings, self.port, self._lan)
        self._server = uvicorn.Server(self._config())

        def serve() -> None:
            try:
                self._server.run(sockets=[self._socket])
            except BaseException as exc:  # noqa: BLE001 - reported by start()/logged
                self._error = exc
                log.error("share server stopped: %s", exc)

        self._thread = threading.Thread(target=serve, name="live-share", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10.0
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.close()
                raise RuntimeError(f"share server did not start: {self._error or 'timed out'}")
            time.sleep(0.01)
        log.info("share server on %s:%d, links start %s", self.settings.host, self.port, self.base_url)
        return self

    def url_for(self, gif: str | Path) -> str | None:
        """The page URL of the recording written to ``gif`` (None for a name without a token)."""
        return recording_url(self.base_url, gif)

    @property
    def local_url(self) -> str:
        """A URL of the server that works on this machine (for tests and the staff's browser)."""
        return local_url(self.settings.host, self.port)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def close(self) -> None:
        """Stops the server and waits for its thread (a few seconds at most). Safe to call twice."""
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(SHUTDOWN_S + 3.0)
            if self._thread.is_alive():
                log.error("share server did not stop within %.0f s", SHUTDOWN_S + 3.0)
            self._thread = None
        if self._socket is not None:
            self._socket.close()
            self._socket = None

    def __enter__(self) -> ShareServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.close()
