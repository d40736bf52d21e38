"""The live recorder: a bounded frame buffer, exported in a background thread.

Two buffers of ``max_seconds * fps`` frames are allocated (and touched) once, when the recorder
opens: one fills while the other may still be written to disk, so memory does not grow however
long the installation runs and the loop never waits for an export. An export that fails (folder
not writable, disk full) is logged and reported through :meth:`Recorder.status`; the buffer is
freed and the next recording goes on as usual.

Files (:mod:`live.record.files`): the folder is checked when the recorder opens (a file or an
unwritable folder raises), temporary files left by a killed process are removed, and the disk cap
(``keep_mb``, ``keep_days``) is applied then and after each export. Each recording is
``<YYYYmmdd-HHMMSS>-<token>.gif`` (``.mp4`` beside it), written so that it is complete or absent.
"""

from __future__ import annotations

import enum
import errno
import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from live.config import RecordConfig
from live.record.export import encode_gif, encode_mp4
from live.record.files import check_folder, check_space, new_stem, prune, publish, remove_leftovers

log = logging.getLogger("live.record")

#: Buffers allocated: one filling, one exporting.
BUFFERS = 2
#: Most memory the buffers may take together, in bytes (they are allocated at start).
MAX_BUFFER_BYTES = 2 * 2**30
#: Seconds :meth:`Recorder.close` waits for exports still running.
CLOSE_TIMEOUT_S = 120.0


class Source(enum.Enum):
    """What a recorded frame shows."""

    RESULT = "result"
    CAMERA = "camera"


@dataclass(frozen=True)
class Status:
    """The last thing the recorder has to tell the visitor (for the HUD)."""

    text: str
    ok: bool
    at: float


Writer = Callable[[Path, np.ndarray, float], Path]


def _default_writer(settings: RecordConfig) -> Writer:
    def write(path: Path, frames: np.ndarray, fps: float) -> Path:
        check_space(path.parent, 0)  # a full disk: say so before spending a second encoding
        files = {}
        if settings.mp4:
            files[path.with_suffix(".mp4").name] = encode_mp4(frames, fps)
        files[path.name] = encode_gif(frames, fps, int(settings.gif_max_mb * 2**20))  # last: it announces both
        publish(path.parent, files)
        prune(path.parent, settings.keep_mb, settings.keep_days, spare=path.stem)
        return path

    return write


def _say_error(exc: Exception) -> str:
    """A short line for the HUD: what went wrong, without the path (the log has it)."""
    if isinstance(exc, OSError):
        if exc.errno == errno.ENOSPC:
            text = exc.strerror or ""
            return text.split(";")[0] if text.startswith("disk full") else "disk full"
        if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            return "the recordings folder cannot be written"
        if exc.errno in (errno.ENOENT, errno.ENOTDIR):
            return "the recordings folder is gone"
        return exc.strerror or str(exc)
    return str(exc)


class Recorder:
    """Buffers frames of one view while a target forms; exports each recording as a GIF.

    Args:
        settings: ``[record]`` settings (stride, max_seconds, fps, mp4, record_camera, keep_mb,
            keep_days, gif_max_mb).
        folder: where recordings go; created and checked here, its leftover temporary files
            removed and its disk cap applied.
        shape: (H, W) of the frames, e.g. (S, 2S) for the result view.
        source: what the frames show; :attr:`Source.CAMERA` needs ``settings.record_camera``.
        writer: ``writer(path, frames (T, H, W, 3) uint8 RGB, fps)`` writes one recording;
            default GIF (and MP4 when ``settings.mp4``). Tests inject failing writers.
        clock: seconds, for status time stamps.

    Raises:
        ValueError: a camera source while ``record_camera`` is off, a bad shape, buffers
            larger than :data:`MAX_BUFFER_BYTES`, or a folder that is a file or cannot be written.
    """

    def __init__(
        self,
        settings: RecordConfig,
        folder: str | Path,
        shape: tuple[int, int],
        source: Source = Source.RESULT,
        writer: Writer | None = None,
        clock: Callable[[], float] = time.monotonic,
    ):
        if source is Source.CAMERA and not settings.record_camera:
            raise ValueError("camera frames are not recorded unless record.record_camera = true")
        if len(shape) != 2 or min(shape) < 1:
            raise ValueError(f"frame shape must be (H, W) with positive sides, got {shape}")
        self.settings = settings
        self.folder = Path(folder)
        self.source = source
        self.shape = (int(shape[0]), int(shape[1]), 3)
        self.capacity = max(1, int(settings.max_seconds * settings.fps))
        need = BUFFERS * self.capacity * self.shape[0] * self.shape[1] * 3
        if need > MAX_BUFFER_BYTES:
            raise ValueError(
                f"recording buffers would take {need / 2**30:.1f} GiB (at most {MAX_BUFFER_BYTES / 2**30:.0f}): "
                "lower record.max_seconds or record.fps, or render.size"
            )
        check_folder(self.folder)
        remove_leftovers(self.folder)
        prune(self.folder, settings.keep_mb, settings.keep_days)
        self._writer = writer or _default_writer(settings)
        self._clock = clock
        self._buffers = [np.empty((self.capacity, *self.shape), np.uint8) for _ in range(BUFFERS)]
        for buffer in self._buffers:
            buffer.fill(0)  # touch every page now: memory stays flat from here on
        self._lock = threading.Lock()
        self._free = list(range(BUFFERS))
        self._active: int | None = None
        self._count = 0
        self._tick = 0
        self._status: Status | None = None
        self.exported: list[Path] = []
        self.failures = 0
        self._jobs: queue.Queue = queue.Queue()
        self._thread = threading.Thread(target=self._work, name="live-export", daemon=True)
        self._thread.start()
        self._closed = False

    # -- state ---------------------------------------------------------------------------
    @property
    def recording(self) -> bool:
        return self._active is not None

    @property
    def frames(self) -> int:
        """Frames in the recording being made."""
        return self._count

    def status(self) -> Status | None:
        """The last export's outcome (or why a recording could not start)."""
        with self._lock:
            return self._status

    def _say(self, text: str, ok: bool) -> None:
        with self._lock:
            self._status = Status(text, ok, self._clock())

    # -- recording -----------------------------------------------------------------------
    def start(self) -> bool:
        """Starts a new recording (a running one is exported first).

        Returns:
            False when no buffer is free (both still exporting): nothing is recorded then.
        """
        if self._closed:
            return False
        if self._active is not None:
            self.stop()
        with self._lock:
            if not self._free:
                self._status = Status("still exporting: this one is not recorded", False, self._clock())
                return False
            self._active = self._free.pop()
        self._count = 0
        self._tick = 0
        return True

    def add(self, frame: np.ndarray, source: Source = Source.RESULT) -> bool:
        """Offers one frame; every ``stride``-th offered frame is kept while recording.

        A full buffer ends the recording and exports it.

        Args:
            frame: (H, W, 3) uint8 RGB, the shape given at construction.
            source: what the frame shows; must be the recorder's source.

        Returns:
            True when the frame was kept.

        Raises:
            ValueError: a camera frame while ``record_camera`` is off, another source than the
                recorder's, or a frame of another shape.
        """
        if source is Source.CAMERA and not self.settings.record_camera:
            raise ValueError("camera frames are not recorded unless record.record_camera = true")
        if source is not self.source:
            raise ValueError(f"this recorder records {self.source.value} frames, not {source.value}")
        if self._active is None:
            return False
        keep = self._tick % self.settings.stride == 0
        self._tick += 1
        if not keep:
            return False
        if frame.shape != self.shape:
            raise ValueError(f"frame of shape {frame.shape} does not match the recording's {self.shape}")
        self._buffers[self._active][self._count] = frame
        self._count += 1
        if self._count >= self.capacity:
            self.stop()
        return True

    def stop(self, export: bool = True) -> bool:
        """Ends the recording; queues its export when it has frames and ``export`` is set.

        Returns:
            True when an export was queued.
        """
        index, count = self._active, self._count
        if index is None:
            return False
        self._active, self._count = None, 0
        if count == 0 or not export:
            with self._lock:
                self._free.append(index)
            return False
        self._jobs.put((index, count, self.folder / f"{new_stem()}.gif"))
        return True

    # -- export thread ---------------------------------------------------------------------
    def _work(self) -> None:
        while True:
            job = self._jobs.get()
            try:
                if job is None:
                    return
                index, count, path = job
                try:
                    self._writer(path, self._buffers[index][:count], self.settings.fps)
                except Exception as exc:  # disk full, folder not writable, codec missing ...
                    self.failures += 1
                    log.error("export of %s failed: %s", path, exc)
                    self._say(f"not saved: {_say_error(exc)}", ok=False)
                else:
                    self.exported.append(path)
                    log.info("recording written: %s (%d frames)", path, count)
                    self._say("clip saved", ok=True)  # no file name on screen: its token is private
                finally:
                    with self._lock:
                        self._free.append(index)
            finally:
                self._jobs.task_done()

    def wait(self) -> None:
        """Blocks until every queued export is done (tests, exit)."""
        self._jobs.join()

    def close(self) -> None:
        """Exports the running recording, waits for exports (at most ``CLOSE_TIMEOUT_S``), stops
        the thread. Safe to call twice."""
        if self._closed:
            return
        self.stop()
        self._closed = True
        self._jobs.put(None)
        self._thread.join(CLOSE_TIMEOUT_S)
        if self._thread.is_alive():
            log.error("exports still running after %.0f s; giving up on them", CLOSE_TIMEOUT_S)

    def __enter__(self) -> Recorder:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
