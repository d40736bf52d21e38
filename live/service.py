"""Running as a service: systemd's notify protocol and a rotating log file.

systemd starts ``live run`` as a ``Type=notify`` unit (``deploy/live.service``) and passes the
address of a Unix datagram socket in ``$NOTIFY_SOCKET``. The frame loop says ``READY=1`` once its
first frame is shown and ``WATCHDOG=1`` as frames go by; with ``WatchdogSec=`` set, systemd puts
the interval in ``$WATCHDOG_USEC`` and restarts a process whose pings stop (a hung loop). Outside
systemd the variables are absent and :class:`Notifier` does nothing. The protocol is a few
datagrams of ``KEY=value`` lines (``man sd_notify``), so no library is needed.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import socket
import time
from collections.abc import Callable, Mapping
from pathlib import Path

log = logging.getLogger("live.service")

#: A log file is rotated at this size, keeping this many old ones (``live.log.1`` ...).
LOG_MAX_BYTES = 10 * 2**20
LOG_BACKUPS = 5


class Notifier:
    """Sends sd_notify messages to ``$NOTIFY_SOCKET``; a no-op when there is none.

    Args:
        environ: where ``NOTIFY_SOCKET``, ``WATCHDOG_USEC`` and ``WATCHDOG_PID`` are read
            (default ``os.environ``).
        clock: seconds, for spacing the watchdog pings.

    Attributes:
        watchdog_s: systemd's watchdog interval in seconds, or None when it watches nothing
            (no ``WATCHDOG_USEC``, or one meant for another process by ``WATCHDOG_PID``).
    """

    def __init__(self, environ: Mapping[str, str] | None = None, clock: Callable[[], float] = time.monotonic):
        env = os.environ if environ is None else environ
        self._clock = clock
        self._socket: socket.socket | None = None
        self._last_ping = -float("inf")
        self.watchdog_s: float | None = None
        address = env.get("NOTIFY_SOCKET", "")
        if not address:
            return
        if address.startswith("@"):  # an abstract socket
            address = "\0" + address[1:]
        usec, pid = env.get("WATCHDOG_USEC", ""), env.get("WATCHDOG_PID", "")
        if usec.isdigit() and int(usec) > 0 and (not pid or pid == str(os.getpid())):
            self.watchdog_s = int(usec) / 1e6
        try:
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC)
            sock.connect(address)
        except OSError as exc:
            log.warning("cannot reach systemd's notify socket %r: %s; not notifying", address, exc)
            return
        self._socket = sock

    @property
    def active(self) -> bool:
        """True while messages go to a socket."""
        return self._socket is not None

    def send(self, *lines: str) -> bool:
        """Sends ``KEY=value`` lines as one datagram; returns False when nothing was sent. A
        failure is logged once and ends notifying (the loop must not stop for it)."""
        if self._socket is None:
            return False
        try:
            self._socket.send("\n".join(lines).encode())
        except OSError as exc:
            log.warning("systemd's notify socket failed: %s; not notifying any more", exc)
            self.close()
            return False
        return True

    def ready(self, status: str = "running") -> bool:
        """``READY=1``: start-up is over (a ``Type=notify`` unit counts as started now)."""
        return self.send("READY=1", f"STATUS={status}")

    def ping(self) -> bool:
        """``WATCHDOG=1``, at most twice per watchdog interval (call it every frame); False when
        not sent now."""
        if self.watchdog_s is None:
            return False
        now = self._clock()
        if now - self._last_ping < self.watchdog_s / 2:
            return False
        self._last_ping = now
        return self.send("WATCHDOG=1")

    def stopping(self) -> bool:
        """``STOPPING=1``: shutting down on purpose (writing the last recording)."""
        return self.send("STOPPING=1", "STATUS=stopping")

    def close(self) -> None:
        if self._socket is not None:
            self._socket.close()
            self._socket = None

    def __enter__(self) -> Notifier:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def log_to_file(path: str | Path, level: int = logging.INFO) -> logging.Handler:
    """Adds a rotating log file (:data:`LOG_MAX_BYTES` each, :data:`LOG_BACKUPS` kept) to the
    root logger, creating its folder; returns the handler.

    Raises:
        ValueError: the path is a folder, or the file cannot be opened for appending (one line).
    """
    path = Path(path)
    if path.is_dir():
        raise ValueError(f"--log-file '{path}' is a folder: give a file name, e.g. {path / 'live.log'}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(path, maxBytes=LOG_MAX_BYTES, backupCount=LOG_BACKUPS)
    except OSError as exc:
        raise ValueError(f"cannot write --log-file '{path}': {exc.strerror or exc}; give a writable path") from exc
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.setLevel(level)
    handler.live_log_file = True  # to_log_files() finds it
    root = logging.getLogger()
    root.addHandler(handler)
    if root.getEffectiveLevel() > level:
        root.setLevel(level)
    return handler


def to_log_files(level: int, message: str, name: str = "live") -> int:
    """Writes ``message`` to the log files :func:`log_to_file` opened, and not to the console
    (which said it its own way: a short start line, an error printed by the command); returns
    how many files took it."""
    record = logging.LogRecord(name, level, __file__, 0, message, None, None)
    written = 0
    for handler in logging.getLogger().handlers:
        if getattr(handler, "live_log_file", False) and level >= handler.level:
            handler.handle(record)
            written += 1
    return written
