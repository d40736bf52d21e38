"""Recording files on disk: unique names, writes that are never half done, and a disk cap.

Names. A recording is ``<YYYYmmdd-HHMMSS>-<token>.gif`` (and ``.mp4`` with the same stem), the
token being ``secrets.token_urlsafe(16)`` (22 characters of ``A-Za-z0-9_-``). Two processes
writing to one folder never pick the same name, and the share server finds a recording by its
token alone (:func:`parse_name`): this naming is a contract with :mod:`live.share`.

Writes. Bytes go to a hidden temporary file in the same folder (``.live-part-....tmp``), held under
an exclusive ``flock`` while written, then are fsynced and moved over the final name with
``os.replace`` (atomic on one file system), and the folder is fsynced. A failure removes the
temporary file, so a final name is either absent or complete. A process killed mid-write leaves
its temporary file behind unlocked; :func:`remove_leftovers` deletes those at the next start and
leaves alone any that another running process still holds.

Cap. :func:`prune` deletes our recordings (names as above, nothing else in the folder), oldest
first, until they fit ``keep_mb`` and none is older than ``keep_days``.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import logging
import os
import re
import secrets
import shutil
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from live.record.export import encode_gif, encode_mp4

log = logging.getLogger("live.record")

#: Prefix of the temporary files a write makes beside its final name (hidden: leading dot).
PART_PREFIX = ".live-part-"
#: Bytes of the token drawn per recording (``secrets.token_urlsafe``; 22 characters).
TOKEN_BYTES = 16
#: A recording's name without its extension: time stamp and token (journals carry it too).
STEM = r"(?P<stamp>\d{8}-\d{6})-(?P<token>[A-Za-z0-9_-]{22})"
#: A recording's file name: time stamp, token, extension.
NAME = re.compile(rf"^{STEM}\.(?P<ext>gif|mp4)$")
#: Free bytes an export leaves on the disk at least (the system and the logs need some too).
RESERVE_BYTES = 1 << 20


def new_stem(now: float | None = None) -> str:
    """A fresh recording stem ``YYYYmmdd-HHMMSS-<token>`` (local time ``now``, default now)."""
    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(now))
    return f"{stamp}-{secrets.token_urlsafe(TOKEN_BYTES)}"


@dataclass(frozen=True)
class RecordingName:
    """A recording's file name taken apart."""

    stamp: str
    """``YYYYmmdd-HHMMSS``, local time of the export."""
    token: str
    """The unguessable part, 22 characters."""
    ext: str
    """'gif' or 'mp4'."""


def parse_name(name: str) -> RecordingName | None:
    """The parts of a recording's file name, or None for any other name."""
    match = NAME.match(name)
    return RecordingName(match["stamp"], match["token"], match["ext"]) if match else None


def fsync_folder(folder: Path) -> None:
    """fsync of ``folder`` itself: the names in it survive a power cut. Raises OSError."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def check_space(folder: Path, need: int) -> None:
    """Raises OSError (ENOSPC) with a message for the screen when ``folder``'s disk has less than
    ``need`` + :data:`RESERVE_BYTES` free."""
    free = shutil.disk_usage(folder).free
    if free < need + RESERVE_BYTES:
        raise OSError(
            errno.ENOSPC,
            f"disk full: {free / 2**20:.1f} MB free in '{folder}', the recording needs "
            f"{(need + RESERVE_BYTES) / 2**20:.1f} MB; free some space or lower record.keep_mb",
        )


def open_locked_part(folder: Path, name: str) -> tuple[int, Path]:
    """A new hidden temporary file beside ``folder/name`` (``.live-part-<hex>-<name>.tmp``), open
    for reading and writing under an exclusive flock: ``(fd, path)``. A killed process leaves it
    behind unlocked, and :func:`remove_leftovers` removes it at the next start.

    Raises:
        OSError: the file cannot be created.
    """
    while True:
        part = folder / f"{PART_PREFIX}{secrets.token_hex(6)}-{name}.tmp"  # *.gif never matches it
        fd = os.open(part, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o644)
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            same = os.stat(part).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:  # another process's start-up cleaning took it before the lock
            same = False
        if same:
            return fd, part
        os.close(fd)


@contextlib.contextmanager
def _locked_part(folder: Path, name: str) -> Iterator[tuple[int, Path]]:
    """:func:`open_locked_part`, removed on the way out unless it was moved away."""
    fd, part = open_locked_part(folder, name)
    try:
        yield fd, part
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(part)  # still there: the write failed
        os.close(fd)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def publish(folder: str | Path, files: Mapping[str, bytes]) -> list[Path]:
    """Writes each ``name: data`` of ``files`` into ``folder`` so that no final name is ever
    half written; the names appear in the order given, once every file is on disk.

    Args:
        folder: an existing folder.
        files: file names (no folders) and their bytes; the last one given appears last, so a
            reader that waits for it finds the others complete (the GIF goes last).

    Returns:
        The final paths, in order.

    Raises:
        OSError: too little free space (checked first), or any write, fsync or rename failure;
            every temporary file is removed and no final name of ``files`` is touched unless all
            were written.
    """
    folder = Path(folder)
    check_space(folder, sum(len(data) for data in files.values()))
    with contextlib.ExitStack() as stack:
        parts = []
        for name, data in files.items():
            fd, part = stack.enter_context(_locked_part(folder, name))
            _write_all(fd, data)
            os.fsync(fd)
            parts.append((part, folder / name))
        for part, final in parts:
            os.replace(part, final)
        fsync_folder(folder)
    return [final for _, final in parts]


def publish_path(path: str | Path, data: bytes) -> Path:
    """:func:`publish` for one file given by its full path (``live fit --gif PATH``)."""
    path = Path(path)
    return publish(path.parent, {path.name: data})[0]


def remove_leftovers(folder: str | Path) -> list[Path]:
    """Deletes the temporary files that killed processes left in ``folder``; one still locked by
    a running process is kept. Returns the paths removed."""
    folder = Path(folder)
    removed = []
    for part in folder.glob(PART_PREFIX + "*"):
        try:
            fd = os.open(part, os.O_RDONLY)
        except OSError:
            continue  # gone already, or not ours to open
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            continue  # a live process is writing it
        try:
            if os.stat(part).st_ino == os.fstat(fd).st_ino:
                os.unlink(part)
                removed.append(part)
        except OSError as exc:
            log.warning("cannot remove leftover %s: %s", part, exc)
        finally:
            os.close(fd)
    if removed:
        log.info("removed %d leftover temporary file(s) in %s", len(removed), folder)
    return removed


def ensure_folder(folder: str | Path) -> bool:
    """Makes ``folder`` again when it has gone (deleted while the installation ran), and says so
    in the log, once each time it is made again.

    Returns:
        True when it had to be made.

    Raises:
        OSError: it cannot be made (its parent is not writable, or a file took its name).
    """
    folder = Path(folder)
    if folder.is_dir():
        return False
    folder.mkdir(parents=True, exist_ok=True)
    log.warning("recordings folder '%s' was gone: made it again", folder)
    return True


def check_folder(folder: str | Path) -> Path:
    """Makes sure recordings can be written to ``folder`` (created when missing), by writing and
    removing a small file.

    Raises:
        ValueError: the path is a file, or the folder cannot be created or written (one line).
    """
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise ValueError(f"recordings folder '{folder}' is a file: give a folder (--recordings DIR)")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with _locked_part(folder, "probe") as (fd, _):
            _write_all(fd, b"live")
    except OSError as exc:
        raise ValueError(
            f"cannot write to recordings folder '{folder}': {exc.strerror or exc}; "
            "give a writable folder (--recordings DIR)"
        ) from exc
    return folder


def recordings(folder: str | Path) -> list[tuple[str, list[Path], int, float]]:
    """Our recordings in ``folder``, oldest first: (stem, files, bytes, newest mtime) each."""
    groups: dict[str, list[Path]] = {}
    for path in Path(folder).iterdir():
        if parse_name(path.name) is not None:
            groups.setdefault(path.name.rsplit(".", 1)[0], []).append(path)
    found = []
    for stem, paths in groups.items():
        size, mtime = 0, 0.0
        for path in paths:
            try:
                st = path.stat()
            except FileNotFoundError:
                continue
            size, mtime = size + st.st_size, max(mtime, st.st_mtime)
        found.append((stem, sorted(paths), size, mtime))
    found.sort(key=lambda item: (item[3], item[0]))
    return found


def prune(
    folder: str | Path, keep_mb: float, keep_days: float, now: float | None = None, spare: str = ""
) -> list[Path]:
    """Deletes our oldest recordings (GIF and MP4 together) until the rest take at most
    ``keep_mb`` megabytes and none is older than ``keep_days`` days; 0 turns either limit off.
    The recording with stem ``spare`` (the one just written) is never deleted, nor is any other
    file in the folder. Returns the paths deleted."""
    now = time.time() if now is None else now
    budget = keep_mb * 2**20 if keep_mb > 0 else float("inf")
    oldest = now - keep_days * 86400.0 if keep_days > 0 else -float("inf")
    items = recordings(folder)
    total = sum(size for _, _, size, _ in items)
    deleted = []
    for stem, paths, size, mtime in items:
        if total <= budget and mtime >= oldest:
            break
        if stem == spare:
            continue
        for path in paths:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
                deleted.append(path)
        total -= size
    if deleted:
        log.info("disk cap: deleted %d old recording file(s) in %s", len(deleted), folder)
    return deleted


def timestamped(folder: str | Path, prefix: str = "", suffix: str = ".gif") -> Path:
    """A new path ``folder/<prefix><YYYYmmdd-HHMMSS><suffix>`` that does not exist yet (``live
    demo``'s GIF; the live loop's recordings use :func:`new_stem`)."""
    folder = Path(folder)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    path = folder / f"{prefix}{stamp}{suffix}"
    n = 1
    while path.exists():
        path = folder / f"{prefix}{stamp}-{n}{suffix}"
        n += 1
    return path


def _publish_new(path: Path, data: bytes, kind: str) -> Path:
    """Writes ``data`` to ``path`` complete or not at all (:func:`publish_path`), creating the folder.

    Raises:
        OSError: the folder cannot be created or written, or the disk is full (message names the path).
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return publish_path(path, data)
    except OSError as exc:
        raise OSError(
            f"cannot write {kind} '{path}': {exc.strerror or exc}; free some space or pick another folder"
        ) from exc


def write_gif(path: str | Path, frames: Sequence[np.ndarray], fps: float = 20.0, max_bytes: int = 0) -> Path:
    """Writes ``frames`` (uint8 RGB, all one shape, or one (T, H, W, 3) array) as a looping GIF
    (:func:`~live.record.export.encode_gif`), creating the folder; the file appears complete or
    not at all.

    Raises:
        ValueError: no frames, or a GIF over ``max_bytes`` whatever is tried.
        OSError: the folder cannot be created or written, or the disk is full (message names the path).
    """
    return _publish_new(Path(path), encode_gif(frames, fps, max_bytes), "GIF")


def write_mp4(path: str | Path, frames: Sequence[np.ndarray], fps: float = 20.0) -> Path:
    """Writes ``frames`` (uint8 RGB, all one shape) as an H.264 MP4
    (:func:`~live.record.export.encode_mp4`), complete or not at all.

    Raises:
        ValueError: no frames.
        ImportError: imageio-ffmpeg is not installed.
        OSError: ffmpeg failed, or the file cannot be written.
    """
    return _publish_new(Path(path), encode_mp4(frames, fps), "MP4")
