"""The recording in progress, on disk as it is made: a journal that a crash cannot take away.

A recording is appended, a frame at a time, to a hidden file in the recordings folder,
``.live-rec-<stem>.<tries>.clip``, held under an exclusive ``flock`` by the process writing it
(and later by the one exporting it). The stem is the recording's final name without extension
(:func:`live.record.files.new_stem`, fixed when the recording starts), so whoever finishes the
journal publishes it under that name, and finishing it twice writes the same files again.

Layout: :data:`MAGIC`, a JSON header (length-prefixed: what the frames are and how to draw them),
then records ``[type: 1 byte][length: u32][crc32: u32][payload]``: ``F`` a frame, ``M`` the
drawing shown from then on (a zlib-compressed uint8 mask). A swarm clip's frame is a
:class:`~live.record.clip.ClipFrame` (about 40 bytes a creature); a picture clip's frame
(``Source.RESULT``/``CAMERA`` recorders) is its zlib-compressed pixels. A reader stops at the
first record that is cut short or whose checksum fails: what a crash tore off the end is
dropped, everything before it is kept.

What survives what. SIGKILL and a lost X server (Qt ends the process) keep every record written
so far: the page cache belongs to the kernel, not to the process; only the frames still queued
in the process (a few milliseconds) are lost. A power cut keeps what was fsynced: the writer
fsyncs at most :data:`SYNC_S` after a frame is written, so it loses at most the last second.
The next start claims each journal no running process holds (:func:`claim_leftovers`) and
exports it; :data:`MAX_TRIES` failed tries set it aside as ``.live-rec-<stem>.failed`` for staff.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import queue
import re
import struct
import threading
import time
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from live.record.files import STEM, fsync_folder, open_locked_part

log = logging.getLogger("live.record")

#: Prefix of every journal's name (hidden: the share server never lists it).
JOURNAL_PREFIX = ".live-rec-"
#: A journal's name: stem and the tries made to export it so far.
JOURNAL_NAME = re.compile(rf"^{re.escape(JOURNAL_PREFIX)}(?P<stem>{STEM})\.(?P<tries>\d+)\.clip$")
#: First bytes of every journal (format version 1).
MAGIC = b"LIVECLIP1\n"
#: Longest header, in bytes.
MAX_HEADER = 1 << 16
#: Longest record payload, in bytes (a 4K picture's worst case compressed).
MAX_PAYLOAD = 64 << 20
#: A journal is fsynced at most this many seconds after a frame was written to it.
SYNC_S = 0.5
#: Exports of one journal tried at most this many times (over restarts) before it is set aside.
MAX_TRIES = 3
#: Record types.
FRAME, MASK = b"F", b"M"
_RECORD = struct.Struct("<cII")
_LENGTH = struct.Struct("<I")


def journal_name(stem: str, tries: int = 0) -> str:
    return f"{JOURNAL_PREFIX}{stem}.{tries}.clip"


def mask_payload(mask: np.ndarray) -> bytes:
    """A drawing's mask (S, S) in [0, 1] as a record's payload."""
    mask = np.asarray(mask, np.float32)
    if mask.ndim != 2 or mask.shape[0] != mask.shape[1]:
        raise ValueError(f"a mask must be (S, S), got {mask.shape}")
    pixels = (np.clip(mask, 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)
    return _LENGTH.pack(mask.shape[0]) + zlib.compress(pixels.tobytes(), 6)


def read_mask(payload: bytes) -> np.ndarray:
    """:func:`mask_payload`'s mask back, (S, S) float32 in [0, 1]; ValueError when malformed."""
    (side,) = _LENGTH.unpack_from(payload)
    try:
        pixels = zlib.decompress(payload[_LENGTH.size :])
    except zlib.error as exc:
        raise ValueError(f"bad mask record: {exc}") from exc
    if len(pixels) != side * side:
        raise ValueError("bad mask record: wrong size")
    return np.frombuffer(pixels, np.uint8).reshape(side, side).astype(np.float32) / 255.0


@dataclass(frozen=True)
class Contents:
    """What a journal holds, as read back."""

    header: dict
    frames: list[bytes]
    """Each frame's payload, in order."""
    masks: list[np.ndarray | None]
    """The drawing shown with each frame (None before the first)."""
    torn: bool
    """True when the end was cut short or damaged (a crash): what followed is lost."""


class Journal:
    """One recording's journal file, open and locked by this process.

    Use :meth:`create` for a new recording and :func:`claim_leftovers` for those a crashed run
    left; :meth:`append` and :meth:`sync` write, :meth:`read` reads back through the open file
    (which works even after the folder was deleted), :meth:`discard` removes it once published,
    :meth:`release` unlocks it and leaves it for the next start.
    """

    def __init__(self, fd: int, path: Path, stem: str, tries: int):
        self.fd = fd
        self.path = path
        self.stem = stem
        self.tries = tries
        self.dirty = False
        self.frames = 0
        self.failed = False
        """A write failed: nothing more is appended (what was written is kept)."""
        self._folder_synced = False

    @classmethod
    def create(cls, folder: Path, stem: str, header: dict) -> Journal:
        """A new journal for the recording ``stem`` in ``folder`` (which must exist), with its
        header written (not yet fsynced: :meth:`sync`).

        Raises:
            OSError: the file cannot be created or written.
        """
        # Written under a temporary name (removed at a start if a crash leaves it), locked, then
        # renamed: no other process can claim a journal before its header is there.
        fd, part = open_locked_part(folder, journal_name(stem))
        path = folder / journal_name(stem)
        try:
            text = json.dumps(header).encode()
            _write_all(fd, MAGIC + _LENGTH.pack(len(text)) + text)
            os.rename(part, path)
        except BaseException:
            os.close(fd)
            with contextlib.suppress(OSError):
                os.unlink(part)
            raise
        journal = cls(fd, path, stem, 0)
        journal.dirty = True
        return journal

    def append(self, kind: bytes, payload: bytes) -> None:
        """Appends one record (:data:`FRAME` or :data:`MASK`). Raises OSError."""
        _write_all(self.fd, _RECORD.pack(kind, len(payload), zlib.crc32(payload)) + payload)
        self.dirty = True
        self.frames += kind == FRAME

    def sync(self) -> None:
        """Makes what was appended survive a power cut (fsync of the file, and of the folder the
        first time). Raises OSError."""
        if not self.dirty:
            return
        os.fsync(self.fd)
        if not self._folder_synced:  # the journal's name too
            with contextlib.suppress(OSError):  # the folder may be gone: the file is still ours
                fsync_folder(self.path.parent)
            self._folder_synced = True
        self.dirty = False

    def read(self) -> Contents:
        """Reads the journal back from its start.

        Raises:
            ValueError: no valid header (not a journal, or nothing of it reached the disk).
            OSError: the file cannot be read.
        """
        size = os.fstat(self.fd).st_size
        data = os.pread(self.fd, size, 0)
        if not data.startswith(MAGIC) or len(data) < len(MAGIC) + _LENGTH.size:
            raise ValueError(f"{self.path.name} is not a recording journal (or it was cut before its header)")
        (length,) = _LENGTH.unpack_from(data, len(MAGIC))
        at = len(MAGIC) + _LENGTH.size
        if length > MAX_HEADER or at + length > len(data):
            raise ValueError(f"{self.path.name}: header cut short")
        try:
            header = json.loads(data[at : at + length])
        except ValueError as exc:
            raise ValueError(f"{self.path.name}: bad header: {exc}") from exc
        return _records(header, data, at + length)

    def rename(self, tries: int) -> None:
        """Renames the journal to count ``tries`` export tries (the lock stays). Raises OSError."""
        path = self.path.with_name(journal_name(self.stem, tries))
        os.rename(self.path, path)
        self.path, self.tries = path, tries

    def set_aside(self) -> None:
        """Renames the journal to ``.live-rec-<stem>.failed`` (never tried again) and closes it."""
        with contextlib.suppress(OSError):
            os.rename(self.path, self.path.with_name(f"{JOURNAL_PREFIX}{self.stem}.failed"))
        self.release()

    def discard(self) -> None:
        """Removes the journal (its recording is published, or was empty) and closes it. A journal
        that cannot be removed (a folder turned read-only) is logged and left: the threads that
        discard go on."""
        try:
            os.unlink(self.path)
        except FileNotFoundError:
            pass
        except OSError as exc:
            log.warning("cannot remove %s (the next start tries it again): %s", self.path.name, exc)
        finally:
            self.release()

    def release(self) -> None:
        """Closes the file, so the lock goes (idempotent)."""
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _records(header: dict, data: bytes, at: int) -> Contents:
    """The records of ``data`` from ``at`` on, up to the first torn or damaged one."""
    frames: list[bytes] = []
    masks: list[np.ndarray | None] = []
    mask = None
    torn = False
    while at < len(data):
        if at + _RECORD.size > len(data):
            torn = True
            break
        kind, length, crc = _RECORD.unpack_from(data, at)
        payload = data[at + _RECORD.size : at + _RECORD.size + length]
        if kind not in (FRAME, MASK) or length > MAX_PAYLOAD or len(payload) != length or zlib.crc32(payload) != crc:
            torn = True
            break
        at += _RECORD.size + length
        if kind == MASK:
            try:
                mask = read_mask(payload)
            except ValueError:
                torn = True
                break
        else:
            frames.append(payload)
            masks.append(mask)
    return Contents(header, frames, masks, torn)


def claim_leftovers(folder: str | Path) -> list[Journal]:
    """The journals in ``folder`` that no running process holds (crashed runs left them), each
    now locked by this process and renamed to count one more export try; journals tried
    :data:`MAX_TRIES` times already are set aside (``.failed``, logged), never claimed.

    A journal another process holds (a recording in progress, or an export) is left alone; two
    processes starting at once never claim the same one.
    """
    folder = Path(folder)
    claimed = []
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return []
    for name in names:
        match = JOURNAL_NAME.match(name)
        if match is None:
            continue
        journal = _lock(folder / name, match["stem"], int(match["tries"]))
        if journal is None:
            continue
        if journal.tries >= MAX_TRIES:
            log.error(
                "recording %s could not be exported in %d tries: set aside as %s%s.failed",
                journal.stem, journal.tries, JOURNAL_PREFIX, journal.stem,
            )  # fmt: skip
            journal.set_aside()
            continue
        try:
            journal.rename(journal.tries + 1)
        except OSError as exc:
            log.warning("cannot take up %s: %s", name, exc)
            journal.release()
            continue
        claimed.append(journal)
    if claimed:
        log.info("found %d recording(s) a stopped run left in %s: finishing them", len(claimed), folder)
    return claimed


def _lock(path: Path, stem: str, tries: int) -> Journal | None:
    """``path`` opened and locked, if no other process holds it and it is still there."""
    try:
        fd = os.open(path, os.O_RDWR)
    except OSError:
        return None  # gone already, or not ours to open
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        if os.stat(path).st_ino == os.fstat(fd).st_ino:  # not renamed or removed meanwhile
            return Journal(fd, path, stem, tries)
    except OSError:
        pass  # held by a running process (BlockingIOError), or gone
    os.close(fd)
    return None


class Appender:
    """Appends records to journals on a thread of its own, and fsyncs each journal at most
    :data:`SYNC_S` after it was written to (by itself: no later record or end is needed).

    Args:
        on_end: called on the thread with ``(journal, then)`` once an ended journal is fsynced;
            ``then`` is what :meth:`end` was given (the recorder's choice of what becomes of it).
        on_error: called on the thread with ``(journal, exc)`` when a write fails; nothing more
            is appended to that journal (what was written stays).
    """

    def __init__(self, on_end, on_error):
        self._on_end = on_end
        self._on_error = on_error
        self._queue: queue.Queue = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="live-journal", daemon=True)
        self._thread.start()

    def put(self, journal: Journal, kind: bytes, payload: bytes) -> None:
        """Queues one record for ``journal``."""
        self._queue.put((journal, kind, payload))

    def end(self, journal: Journal, then: object) -> None:
        """Queues the end of ``journal``: after its records, fsync, then ``on_end(journal, then)``."""
        self._queue.put((journal, None, then))

    def join(self) -> None:
        """Waits until everything queued so far is written."""
        self._queue.join()

    def close(self, timeout: float) -> None:
        """Writes what is queued, then stops the thread."""
        self._queue.put(None)
        self._thread.join(timeout)

    def _run(self) -> None:
        dirty: dict[int, Journal] = {}
        since = 0.0  # when the oldest write not yet fsynced was made
        while True:
            wait = None if not dirty else max(0.0, SYNC_S - (time.monotonic() - since))
            try:
                item = self._queue.get(timeout=wait)
            except queue.Empty:
                item = ()  # time to fsync
            try:
                if item is None:
                    return
                if item:
                    journal, kind, payload = item
                    if kind is None:
                        dirty.pop(id(journal), None)
                        self._sync(journal)
                        try:
                            self._on_end(journal, payload)
                        except Exception:  # the thread goes on: later recordings still need it
                            log.exception("recording %s: its end failed", journal.stem)
                    elif self._append(journal, kind, payload):
                        since = since if dirty else time.monotonic()
                        dirty[id(journal)] = journal
                if dirty and time.monotonic() - since >= SYNC_S:
                    for journal in dirty.values():
                        self._sync(journal)
                    dirty.clear()
            finally:
                if item != ():
                    self._queue.task_done()

    def _append(self, journal: Journal, kind: bytes, payload: bytes) -> bool:
        if journal.failed:
            return False  # a write failed before: the rest of this recording is not kept
        try:
            journal.append(kind, payload)
        except OSError as exc:
            log.error("recording %s: cannot write to its journal, the rest is not kept: %s", journal.stem, exc)
            journal.failed = True  # what was written is exported; nothing more is written
            self._on_error(journal, exc)
            return False
        return True

    @staticmethod
    def _sync(journal: Journal) -> None:
        try:
            journal.sync()
        except OSError as exc:
            log.error("recording %s: cannot fsync its journal: %s", journal.stem, exc)
