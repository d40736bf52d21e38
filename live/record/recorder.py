"""The live recorder: each recording goes to disk as it is made, and is exported in the background.

The loop offers the swarm as it shows it, a frame at a time (:class:`~live.record.clip.ClipFrame`,
a few hundred bytes); one in ``record.stride`` is kept and appended to the recording's journal
on disk (:mod:`live.record.journal`) by a thread of its own, which fsyncs it at least every
:data:`~live.record.journal.SYNC_S`. When the recording ends, an export thread reads the journal
back, draws the clip (:class:`~live.record.clip.ClipView`, ``record.size`` square), encodes the
MP4 and the GIF in one pass and publishes them; then the journal goes. A process killed at any
point leaves the journal, and the next start finishes it (:func:`~live.record.journal.claim_leftovers`).
Nothing grows in memory with the length of a recording but the GIF's palette pictures at export.

An export that fails (folder not writable, disk full) is logged and reported through
:meth:`Recorder.status`; its journal stays for the next start to try again. A recordings folder
deleted while the installation runs is made again at the next recording or export.

Files (:mod:`live.record.files`): the folder is checked when the recorder opens (a file or an
unwritable folder raises), temporary files left by a killed process are removed, and the disk cap
(``keep_mb``, ``keep_days``) is applied then and after each export. Each recording is
``<YYYYmmdd-HHMMSS>-<token>.gif`` with ``.mp4`` beside it, complete or absent.

A recorder may also keep pictures (``Source.RESULT``, or ``Source.CAMERA`` where
``record.record_camera`` allows it): each is zlib-compressed into the journal.
"""

from __future__ import annotations

import enum
import errno
import logging
import os
import queue
import threading
import time
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from live.config import RecordConfig
from live.record.clip import ClipFrame, ClipView, DrawnFrames
from live.record.export import encode_clip
from live.record.files import (
    check_folder,
    check_space,
    ensure_folder,
    new_stem,
    prune,
    publish,
    remove_leftovers,
)
from live.record.journal import FRAME, MASK, Appender, Contents, Journal, claim_leftovers, mask_payload

log = logging.getLogger("live.record")

#: Recordings ended but not yet exported, at most; another is refused until one is written.
MAX_UNWRITTEN = 2
#: Most memory an export may hold (the GIF's palette pictures, a byte a pixel), in bytes.
MAX_EXPORT_BYTES = 2 * 2**30
#: Seconds :meth:`Recorder.close` waits for exports still running.
CLOSE_TIMEOUT_S = 120.0
#: The colours' ambient light when none is given (``render.ambient``'s default).
AMBIENT = 0.99


class End(enum.Enum):
    """What becomes of a recording's journal when the recording ends."""

    EXPORT = "export"
    """Exported now, then removed."""
    DISCARD = "discard"
    """Removed (nothing worth keeping)."""
    KEEP = "keep"
    """Left on disk for the next start to publish."""


class Source(enum.Enum):
    """What a recorded frame shows."""

    SWARM = "swarm"
    """The swarm as the screen shows it (a :class:`ClipFrame`): the clip is drawn from it."""
    RESULT = "result"
    """A picture of the result view (H, W, 3)."""
    CAMERA = "camera"
    """A camera picture: refused unless ``record.record_camera``."""


@dataclass(frozen=True)
class Status:
    """The last thing the recorder has to tell the visitor (for the HUD)."""

    text: str
    ok: bool
    at: float


#: ``writer(path of the GIF, frames (drawn when taken), fps)`` writes one recording.
Writer = Callable[[Path, Sequence[np.ndarray], float], Path]


def gif_every(settings: RecordConfig, fps: float) -> int:
    """The GIF keeps one frame in this many of a clip at ``fps``."""
    return max(1, round(fps / settings.gif_fps))


def _default_writer(settings: RecordConfig) -> Writer:
    def write(path: Path, frames: Sequence[np.ndarray], fps: float) -> Path:
        ensure_folder(path.parent)  # deleted while we ran: made again (and logged)
        check_space(path.parent, 0)  # a full disk: say so before spending a second encoding
        made = encode_clip(frames, fps, gif_every(settings, fps), settings.mp4, int(settings.gif_max_mb * 2**20))
        # The GIF last: it announces both.
        files = {path.with_suffix(f".{ext}").name: data for ext, data in made.items()}
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
        if exc.errno in (errno.ENOENT, errno.ENOTDIR, errno.EEXIST):
            return "the recordings folder is gone"
        return exc.strerror or str(exc)
    return str(exc)


def _frames_of(contents: Contents) -> DrawnFrames:
    """The pictures of a journal's frames, drawn (or decompressed) when taken.

    Raises:
        ValueError: a header that does not say what the frames are.
    """
    header = contents.header
    try:
        kind, shape = header["kind"], tuple(int(v) for v in header["shape"])
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"journal header without kind and shape: {exc}") from exc
    if kind != Source.SWARM.value:
        def unpack(data: bytes) -> np.ndarray:
            return np.frombuffer(zlib.decompress(data), np.uint8).reshape(shape)

        return DrawnFrames(unpack, contents.frames, shape)
    view = ClipView(shape[0], float(header.get("inset", 0.0)), float(header.get("ambient", AMBIENT)))
    shown = {"mask": None}

    def draw(item):
        data, mask = item
        if mask is not shown["mask"]:
            view.set_target(mask)
            shown["mask"] = mask
        return view.draw(ClipFrame.from_bytes(data))

    return DrawnFrames(draw, list(zip(contents.frames, contents.masks, strict=True)), view.shape)


def _header(settings: RecordConfig, shape, source: Source, ambient: float) -> dict:
    """A recording's journal header: what its frames are and how to draw them.

    Raises:
        ValueError: a camera source while ``record_camera`` is off, a bad shape, or an export
            larger than :data:`MAX_EXPORT_BYTES`.
    """
    if source is Source.CAMERA and not settings.record_camera:
        raise ValueError("camera frames are not recorded unless record.record_camera = true")
    if source is Source.SWARM:
        if shape is not None and tuple(shape) != (settings.size, settings.size):
            raise ValueError(
                f"a swarm recorder's clip is record.size square ({settings.size}), not {tuple(shape)}: "
                "give source=Source.RESULT to record pictures"
            )
        shape = (settings.size, settings.size)
    if shape is None or len(shape) != 2 or min(shape) < 1:
        raise ValueError(f"frame shape must be (H, W) with positive sides, got {shape}")
    need = max(1, int(settings.max_seconds * settings.fps)) * int(shape[0]) * int(shape[1])
    if need > MAX_EXPORT_BYTES:
        raise ValueError(
            f"a recording's export would take {need / 2**30:.1f} GiB (at most {MAX_EXPORT_BYTES / 2**30:.0f}): "
            "lower record.max_seconds or record.fps, or record.size"
        )
    header = {"kind": source.value, "shape": [int(shape[0]), int(shape[1]), 3], "fps": settings.fps}
    if source is Source.SWARM:
        header.update(inset=settings.inset, ambient=ambient)
    return header


#: How much lower the export thread's priority is than the frame loop's (Linux nice steps).
EXPORT_NICENESS = 10


def lower_priority(niceness: int = EXPORT_NICENESS) -> None:
    """Lowers the calling thread's priority by ``niceness`` (Linux gives each thread a nice value
    of its own, and a process it starts inherits it); nothing where the system has no such call."""
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), os.getpriority(os.PRIO_PROCESS, 0) + niceness)
    except (AttributeError, OSError) as exc:
        log.debug("export priority unchanged: %s", exc)


class Recorder:
    """Keeps the frames of one view while a target forms, on disk; exports each recording.

    Args:
        settings: ``[record]`` settings (stride, max_seconds, fps, size, inset, mp4, gif_fps,
            record_camera, keep_mb, keep_days, gif_max_mb).
        folder: where recordings go; created and checked here, its leftover temporary files
            removed, the recordings a stopped run left queued for export, its disk cap applied.
        shape: (H, W) of the pictures of a ``RESULT`` or ``CAMERA`` recorder; a ``SWARM``
            recorder's clip is ``record.size`` square.
        source: what the frames are (:class:`Source`); ``CAMERA`` needs ``settings.record_camera``.
        writer: writes one recording (:data:`Writer`); default the MP4 (when ``settings.mp4``)
            and the GIF. Tests inject failing writers.
        clock: seconds, for status time stamps.
        ambient: the ambient light of the clip's colours (``render.ambient``).

    Raises:
        ValueError: a camera source while ``record_camera`` is off, a bad shape, an export
            larger than :data:`MAX_EXPORT_BYTES`, or a folder that is a file or cannot be written.
    """

    def __init__(
        self,
        settings: RecordConfig,
        folder: str | Path,
        shape: tuple[int, int] | None = None,
        source: Source = Source.SWARM,
        writer: Writer | None = None,
        clock: Callable[[], float] = time.monotonic,
        ambient: float = AMBIENT,
    ):
        self.settings = settings
        self.folder = Path(folder)
        self.source = source
        self._header = _header(settings, shape, source, ambient)
        check_folder(self.folder)
        remove_leftovers(self.folder)
        leftovers = claim_leftovers(self.folder)
        prune(self.folder, settings.keep_mb, settings.keep_days)
        self._writer = writer or _default_writer(settings)
        self._clock = clock
        self._lock = threading.Lock()
        self._journal: Journal | None = None
        self._mask: np.ndarray | None = None
        self._unwritten = 0  # recordings ended, not yet exported
        self._count = 0
        self._tick = 0
        self._status: Status | None = None
        self.exported: list[Path] = []
        self.recovered: list[Path] = []
        """Recordings a stopped run left, finished and published by this one."""
        self.failures = 0
        self._jobs: queue.Queue = queue.Queue()
        for journal in leftovers:
            self._jobs.put((journal, True))
        self._exporter = threading.Thread(target=self._export_loop, name="live-export", daemon=True)
        self._exporter.start()
        self._appender = Appender(self._ended, self._write_failed)
        self._closed = False

    # -- state ---------------------------------------------------------------------------
    @property
    def shape(self) -> tuple[int, int, int]:
        """(H, W, 3) of the recording's pictures."""
        return tuple(self._header["shape"])

    @property
    def capacity(self) -> int:
        """Most frames a recording keeps (``max_seconds * fps``)."""
        return max(1, int(self.settings.max_seconds * self.settings.fps))

    @property
    def recording(self) -> bool:
        return self._journal is not None

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
    def set_target(self, mask: np.ndarray | None) -> None:
        """The visitor's drawing, shown in the clip's inset from now on: (S, S) in [0, 1], or None."""
        self._mask = mask
        if self._journal is not None and mask is not None and self.source is Source.SWARM:
            self._appender.put(self._journal, MASK, mask_payload(mask))

    def start(self) -> bool:
        """Starts a new recording (a running one is exported first).

        Returns:
            False when it cannot start (:data:`MAX_UNWRITTEN` recordings still to export, or
            the folder cannot take a journal): nothing is recorded then, and the status says why.
        """
        if self._closed:
            return False
        if self._journal is not None:
            self.stop()
        with self._lock:
            busy = self._unwritten >= MAX_UNWRITTEN
        if busy:
            self._say("still exporting: this one is not recorded", False)
            return False
        stem = new_stem()
        try:
            ensure_folder(self.folder)
            journal = Journal.create(self.folder, stem, self._header)
        except OSError as exc:
            log.error("cannot start a recording in %s: %s", self.folder, exc)
            self._say(f"not recorded: {_say_error(exc)}", False)
            return False
        self._journal, self._count, self._tick = journal, 0, 0
        if self._mask is not None and self.source is Source.SWARM:
            self._appender.put(journal, MASK, mask_payload(self._mask))
        return True

    def add(self, frame, source: Source | None = None) -> bool:
        """Offers one frame; every ``stride``-th offered frame is kept while recording. A full
        recording (``max_seconds``) ends and is exported.

        Args:
            frame: for a ``SWARM`` recorder a :class:`ClipFrame`, or the ``(centers, radii,
                eyes)`` of :meth:`live.optimise.Arranger.view_inputs` (copied only when kept);
                else (H, W, 3) uint8 RGB of the recorder's shape.
            source: what the frame shows (default: the recorder's source); must be the recorder's.

        Returns:
            True when the frame was kept.

        Raises:
            ValueError: a camera frame while ``record_camera`` is off, another source than the
                recorder's, or a picture of another shape.
        """
        source = self.source if source is None else source
        if source is Source.CAMERA and not self.settings.record_camera:
            raise ValueError("camera frames are not recorded unless record.record_camera = true")
        if source is not self.source:
            raise ValueError(f"this recorder records {self.source.value} frames, not {source.value}")
        if self._journal is None:
            return False
        keep = self._tick % self.settings.stride == 0
        self._tick += 1
        if not keep:
            return False
        self._appender.put(self._journal, FRAME, self._payload(frame))
        self._count += 1
        if self._count >= self.capacity:
            self.stop()
        return True

    def _payload(self, frame) -> bytes:
        if self.source is Source.SWARM:
            return (frame if isinstance(frame, ClipFrame) else ClipFrame.of(*frame)).to_bytes()
        if frame.shape != self.shape or frame.dtype != np.uint8:
            raise ValueError(f"frame of shape {frame.shape} does not match the recording's {self.shape}")
        return zlib.compress(np.ascontiguousarray(frame).tobytes(), 1)

    def stop(self, export: bool = True) -> bool:
        """Ends the recording; queues its export when it has frames and ``export`` is set.

        Returns:
            True when an export was queued.
        """
        return self._end(End.EXPORT if export else End.DISCARD)

    def _end(self, end: End) -> bool:
        journal, count = self._journal, self._count
        if journal is None:
            return False
        self._journal, self._count = None, 0
        if count == 0:
            end = End.DISCARD
        if end is End.EXPORT:
            with self._lock:
                self._unwritten += 1
        self._appender.end(journal, end)
        return end is End.EXPORT

    # -- the journal's thread -------------------------------------------------------------
    def _ended(self, journal: Journal, end: End) -> None:
        """An ended journal is on disk: queue its export, remove it, or keep it for the next start."""
        if end is End.EXPORT:
            self._jobs.put((journal, False))
        elif end is End.DISCARD:
            journal.discard()
        else:
            journal.release()

    def _write_failed(self, journal: Journal, exc: OSError) -> None:
        self._say(f"recording stopped: {_say_error(exc)}", False)

    # -- the export thread -------------------------------------------------------------------
    def _export_loop(self) -> None:
        lower_priority()  # the frame loop first: exports (and their ffmpeg) yield the CPU to it
        while True:
            job = self._jobs.get()
            try:
                if job is None:
                    return
                journal, recovered = job
                try:
                    self._export(journal, recovered)
                except Exception:  # the thread goes on; the journal stays for the next start
                    log.exception("export of %s failed", journal.stem)
                    journal.release()
                finally:
                    if not recovered:
                        with self._lock:
                            self._unwritten -= 1
            finally:
                self._jobs.task_done()

    def _export(self, journal: Journal, recovered: bool) -> None:
        """Draws, encodes and publishes one journal's recording under its stem; removes the
        journal once published, or leaves it for the next start when the export fails."""
        path = self.folder / f"{journal.stem}.gif"
        try:
            contents = journal.read()
            frames = _frames_of(contents)
        except (OSError, ValueError) as exc:
            log.warning("%s holds no recording (%s): removed", journal.path.name, exc)
            journal.discard()
            return
        if len(frames) == 0:
            log.info("%s holds no frame: removed", journal.path.name)
            journal.discard()
            return
        if contents.torn:
            log.warning("recording %s: the end of its journal was cut short (a crash); the rest is kept", journal.stem)
        try:
            self._writer(path, frames, float(contents.header.get("fps", self.settings.fps)))
        except Exception as exc:  # disk full, folder not writable, codec missing ...
            self.failures += 1
            log.error("export of %s failed (its journal stays for the next start): %s", path, exc)
            self._say(f"not saved: {_say_error(exc)}", ok=False)
            journal.release()
            return
        journal.discard()
        if recovered:
            self.recovered.append(path)
            log.info("recording a stopped run left, finished: %s (%d frames)", path, len(frames))
        else:
            self.exported.append(path)
            log.info("recording written: %s (%d frames)", path, len(frames))
            self._say("clip saved", ok=True)  # no file name on screen: its token is private

    def flush(self) -> None:
        """Blocks until every frame kept so far is in its journal (written, not yet fsynced)."""
        self._appender.join()

    def wait(self) -> None:
        """Blocks until every kept frame is written and every queued export is done (tests, exit)."""
        self._appender.join()
        self._jobs.join()

    def close(self, export: bool = True) -> None:
        """Ends the running recording and stops the threads. Safe to call twice.

        Args:
            export: export the running recording and wait for every export (at most
                ``CLOSE_TIMEOUT_S``; one given up on keeps its journal for the next start). False:
                leave at once; the running recording and the exports not yet done stay as
                journals on disk, fsynced, for the next start to publish (the display was lost:
                the service restarts the installation, which publishes them then).
        """
        if self._closed:
            return
        self._end(End.EXPORT if export else End.KEEP)
        self._closed = True
        self._appender.close(CLOSE_TIMEOUT_S)
        if not export:
            self._leave_jobs()
        self._jobs.put(None)
        self._exporter.join(CLOSE_TIMEOUT_S if export else 0.0)
        if export and self._exporter.is_alive():
            log.error("exports still running after %.0f s; their journals stay for the next start", CLOSE_TIMEOUT_S)

    def _leave_jobs(self) -> None:
        """Takes the exports not yet begun off the queue; their journals stay for the next start."""
        while True:
            try:
                job = self._jobs.get_nowait()
            except queue.Empty:
                return
            if job is not None:
                job[0].release()
            self._jobs.task_done()

    def __enter__(self) -> Recorder:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
