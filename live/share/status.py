"""How the kiosk is doing, told by its frame loop to the share server (staff page, ``/healthz``).

:class:`KioskStatus` is the one object both sides hold. The frame loop writes into it, once per
frame and when something happens (:meth:`~KioskStatus.frame`, :meth:`~KioskStatus.camera`,
:meth:`~KioskStatus.exported`, :meth:`~KioskStatus.export_failed`) and polls
:meth:`~KioskStatus.take_code_request` once per frame; the server's thread reads it
(:meth:`~KioskStatus.snapshot`) and asks for the last QR code again
(:meth:`~KioskStatus.request_code`). Every method takes one lock and does a few assignments, so
the frame loop never waits on the server.

Time is the status's own clock (monotonic seconds, injected in tests), not the loop's: a headless
run's frame clock is not the wall clock, and a stall is a matter of wall time.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

#: The fps over the last hour is counted in buckets of this many seconds.
BUCKET_S = 60.0
HOUR_S = 3600.0
#: Camera states: no camera (mouse input), frames arriving, no frames.
CAMERA_NONE = "none"
CAMERA_OK = "ok"
CAMERA_LOST = "lost"


@dataclass(frozen=True)
class Snapshot:
    """The kiosk's state at one moment (what the staff page and ``/healthz`` show)."""

    fps: float
    """Frames a second now, as the loop's HUD counts them."""
    fps_hour: float
    """Frames a second over the last hour (or since start, when shorter)."""
    uptime_s: float
    """Seconds since the loop started."""
    camera: str
    """'none' (no camera: mouse input), 'ok', 'lost', or the loop's own word."""
    frame_age_s: float
    """Seconds since the last frame ended (since start, before the first)."""
    stalled: bool
    """No frame for ``stall_s`` seconds."""
    frames: int
    exports: int
    """Recordings written since start."""
    exports_today: int
    """Recordings written since start on today's (local) date."""
    last_export_age_s: float | None
    """Seconds since the last recording was written; None before the first."""
    failed_exports: int
    last_error: str
    """The last failure the loop reported ('' for none)."""
    last_error_age_s: float | None
    screen: bool
    """The loop shows QR codes (a window), so one can be shown again."""


class KioskStatus:
    """The frame loop's report to the share server; thread-safe.

    Args:
        stall_s: seconds without a frame after which the loop counts as stalled
            (``share.loop_stall_s``): ``/healthz`` then answers 503.
        camera: the camera's state at start: 'none' without a camera (mouse input), else
            'starting' until :meth:`camera` says otherwise.
        screen: True when the loop has a screen to show QR codes on.
        clock: monotonic seconds (tests inject a fake one).
        today: the local date as text, for "exports today" (tests inject one).
    """

    def __init__(
        self,
        stall_s: float,
        camera: str = CAMERA_NONE,
        screen: bool = True,
        clock: Callable[[], float] = time.monotonic,
        today: Callable[[], str] = lambda: time.strftime("%Y-%m-%d"),
    ):
        self.stall_s = stall_s
        self.screen = screen
        self._clock = clock
        self._today = today
        self._lock = threading.Lock()
        self._started = clock()
        self._last_frame = self._started
        self._frames = 0
        self._fps = 0.0
        self._buckets: deque[list] = deque()  # [bucket index, frames], oldest first
        self._camera = camera
        self._exports = 0
        self._exports_on = ("", 0)  # (date, exports that date)
        self._last_export: float | None = None
        self._failed = 0
        self._error: tuple[str, float] | None = None
        self._code_wanted = False

    # -- written by the frame loop ---------------------------------------------------------------
    def frame(self, fps: float, now: float | None = None) -> None:
        """One frame has ended; ``fps`` is the loop's frame rate now (the HUD's figure).

        Args:
            fps: frames a second.
            now: the status's clock (default: read it).
        """
        now = self._clock() if now is None else now
        bucket = int(now // BUCKET_S)
        with self._lock:
            self._last_frame = now
            self._frames += 1
            self._fps = float(fps)
            if self._buckets and self._buckets[-1][0] == bucket:
                self._buckets[-1][1] += 1
            else:
                self._buckets.append([bucket, 1])
                while self._buckets[0][0] <= bucket - HOUR_S / BUCKET_S:
                    self._buckets.popleft()

    def camera(self, state: str) -> None:
        """The camera's state now: 'ok' or 'lost'. Ignored when the status was made with
        'none' (no camera: the input's problems are not a camera's)."""
        with self._lock:
            if self._camera != CAMERA_NONE:
                self._camera = state

    def exported(self, path=None, now: float | None = None) -> None:
        """A recording was written (``path``, unused: nothing of it is shown)."""
        now = self._clock() if now is None else now
        today = self._today()
        with self._lock:
            self._exports += 1
            date, count = self._exports_on
            self._exports_on = (today, count + 1 if date == today else 1)
            self._last_export = now

    def export_failed(self, reason: str, now: float | None = None) -> None:
        """A recording was not written (or could not start); ``reason`` is the loop's one line
        (e.g. "not saved: disk full: 3 MB free"), shown to staff only, never on ``/healthz``."""
        self.error(reason, now)
        with self._lock:
            self._failed += 1

    def error(self, text: str, now: float | None = None) -> None:
        """The last thing that went wrong, for the staff page."""
        now = self._clock() if now is None else now
        with self._lock:
            self._error = (text, now)

    def take_code_request(self) -> bool:
        """True once after staff asked to show the last QR code again (polled once per frame)."""
        with self._lock:
            wanted, self._code_wanted = self._code_wanted, False
            return wanted

    # -- read by the server --------------------------------------------------------------------
    def request_code(self) -> bool:
        """Asks the loop to show the last clip's QR code again; False (nothing asked) when the
        loop has no screen, has exported nothing yet, or has stalled."""
        snapshot = self.snapshot()
        if not self.screen or snapshot.stalled or snapshot.exports == 0:
            return False
        with self._lock:
            self._code_wanted = True
        return True

    def snapshot(self, now: float | None = None) -> Snapshot:
        """The state now, read under the lock."""
        now = self._clock() if now is None else now
        with self._lock:
            age = max(0.0, now - self._last_frame)
            first = int((now - HOUR_S) // BUCKET_S)
            counted = sum(n for bucket, n in self._buckets if bucket > first)
            span = max(now - max(self._started, (first + 1) * BUCKET_S), 1e-9)  # the buckets counted
            date, today = self._exports_on
            error = self._error
            return Snapshot(
                fps=self._fps if age < self.stall_s else 0.0,
                fps_hour=counted / span,
                uptime_s=now - self._started,
                camera=self._camera,
                frame_age_s=age,
                stalled=age >= self.stall_s,
                frames=self._frames,
                exports=self._exports,
                exports_today=today if date == self._today() else 0,
                last_export_age_s=None if self._last_export is None else now - self._last_export,
                failed_exports=self._failed,
                last_error=error[0] if error else "",
                last_error_age_s=None if error is None else now - error[1],
                screen=self.screen,
            )


def health(status: KioskStatus | None, disk_free_mb: int | None, server_uptime_s: float) -> dict:
    """What ``GET /healthz`` answers: plain figures for monitoring, no secrets (no PIN, no token,
    no path, no error text).

    Keys: ``ok`` (False when the frame loop has stalled: the server answers 503), ``loop`` (a
    frame loop reports here; ``live gallery`` has none, and then ``fps``, ``camera``, ``exports``
    and ``last_export_age_s`` are null and ``uptime_s`` is the server's), ``fps``, ``fps_hour``,
    ``uptime_s``, ``camera``, ``disk_free_mb`` (of the recordings folder; null when it is
    missing), ``exports``, ``exports_today``, ``failed_exports``, ``last_export_age_s``,
    ``last_frame_age_s``.

    Args:
        status: the loop's report, or None without a loop.
        disk_free_mb: free MiB on the recordings folder's disk (None: the folder is missing).
        server_uptime_s: seconds the server has run.
    """
    if status is None:
        return {
            "ok": True, "loop": False, "fps": None, "fps_hour": None, "uptime_s": round(server_uptime_s),
            "camera": None, "disk_free_mb": disk_free_mb, "exports": None, "exports_today": None,
            "failed_exports": None, "last_export_age_s": None, "last_frame_age_s": None,
        }  # fmt: skip
    s = status.snapshot()
    age = s.last_export_age_s
    return {
        "ok": not s.stalled, "loop": True, "fps": round(s.fps, 1), "fps_hour": round(s.fps_hour, 1),
        "uptime_s": round(s.uptime_s), "camera": s.camera, "disk_free_mb": disk_free_mb,
        "exports": s.exports, "exports_today": s.exports_today, "failed_exports": s.failed_exports,
        "last_export_age_s": None if age is None else round(age, 1), "last_frame_age_s": round(s.frame_age_s, 1),
    }  # fmt: skip
