"""The recordings folder as the share server sees it: names, tokens, lookup, disk use.

A recording is ``<YYYYmmdd-HHMMSS>-<token>.gif``, with an optional ``.mp4`` of the same stem,
where ``token`` is :func:`secrets.token_urlsafe(16) <secrets.token_urlsafe>` (22 characters of
``[A-Za-z0-9_-]``, 128 bits). The token is what a share URL carries, so a visitor can reach
their own clip and no other. Only plain files directly in the folder count: hidden names (the
recorder's ``.live-part-....tmp`` files), symlinks, folders and names that do not parse are never
served or listed. The name's pattern is the recorder's (:func:`live.record.files.parse_name`).
"""

from __future__ import annotations

import os
import re
import shutil
import stat
from dataclasses import dataclass
from pathlib import Path

from live.record.files import parse_name as recording_name

#: Characters in a token: ``secrets.token_urlsafe(16)`` gives 22 of them (128 bits).
TOKEN_CHARS = 22
TOKEN_RE = re.compile(rf"[A-Za-z0-9_-]{{{TOKEN_CHARS}}}")
#: What each kind of file is served as.
CONTENT_TYPES = {"gif": "image/gif", "mp4": "video/mp4"}


def parse_name(name: str) -> tuple[str, str, str] | None:
    """Splits a recording's file name into (stamp, token, extension).

    Args:
        name: a bare file name, e.g. ``20261128-000816-3q2-7wEjQ1Kq0ZsXn0mFZw.gif``.

    Returns:
        ``(stamp, token, ext)`` with ext 'gif' or 'mp4'; None for anything else (hidden and
        temporary files, other extensions, names without a well-formed token, paths).
    """
    parsed = recording_name(name)
    if parsed is None or name != f"{parsed.stamp}-{parsed.token}.{parsed.ext}":  # e.g. a trailing newline
        return None
    return parsed.stamp, parsed.token, parsed.ext


def is_token(text: str) -> bool:
    """True when ``text`` has a token's form (22 URL-safe characters); says nothing of whether a
    recording carries it."""
    return TOKEN_RE.fullmatch(text) is not None


@dataclass(frozen=True)
class Recording:
    """One recording in the folder."""

    token: str
    stamp: str
    """``YYYYmmdd-HHMMSS`` from the name (local time of the export)."""
    gif: Path
    mp4: Path | None
    """The MP4 beside the GIF, when there is one."""
    bytes: int
    """Size of the GIF and the MP4 together."""

    @property
    def when(self) -> str:
        """The stamp as ``YYYY-mm-dd HH:MM:SS``."""
        d, t = self.stamp.split("-")
        return f"{d[:4]}-{d[4:6]}-{d[6:]} {t[:2]}:{t[2:4]}:{t[4:]}"

    def file(self, ext: str) -> Path | None:
        """The GIF or MP4 path (``ext`` 'gif' or 'mp4'), None when absent."""
        return self.gif if ext == "gif" else self.mp4 if ext == "mp4" else None


def _plain_files(folder: Path) -> dict[str, int]:
    """{name: size} of the plain files (not symlinks, not hidden) directly in ``folder``."""
    found = {}
    try:
        entries = list(os.scandir(folder))
    except (FileNotFoundError, NotADirectoryError):
        return found
    for entry in entries:
        if entry.name.startswith("."):
            continue
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError:
            continue  # deleted meanwhile
        if stat.S_ISREG(info.st_mode):
            found[entry.name] = info.st_size
    return found


def list_recordings(folder: str | Path) -> list[Recording]:
    """Every recording in ``folder`` with a GIF, newest first; a missing folder has none.

    Raises:
        PermissionError: the folder cannot be read.
    """
    folder = Path(folder)
    files = _plain_files(folder)
    found = []
    for name, size in files.items():
        parsed = parse_name(name)
        if parsed is None or parsed[2] != "gif":
            continue
        stamp, token, _ = parsed
        mp4_name = name[:-4] + ".mp4"
        mp4 = folder / mp4_name if mp4_name in files else None
        found.append(Recording(token, stamp, folder / name, mp4, size + files.get(mp4_name, 0)))
    found.sort(key=lambda r: (r.stamp, r.token), reverse=True)
    return found


def find_recording(folder: str | Path, token: str) -> Recording | None:
    """The recording whose name carries ``token``; None when there is none (or ``token`` is not
    a token's form)."""
    if not is_token(token):
        return None
    for recording in list_recordings(folder):
        if recording.token == token:
            return recording
    return None


def delete_recording(recording: Recording) -> int:
    """Deletes the recording's GIF and MP4; returns the bytes freed (files already gone count 0)."""
    freed = 0
    for path in (recording.gif, recording.mp4):
        if path is None:
            continue
        try:
            info = path.lstat()
            path.unlink()
        except FileNotFoundError:
            continue
        freed += info.st_size
    return freed


@dataclass(frozen=True)
class DiskUse:
    """What the recordings take and what is left on their disk."""

    recordings: int
    bytes: int
    """Bytes of every recording's GIF and MP4."""
    free: int
    """Free bytes on the folder's file system (0 when the folder is missing)."""
    total: int


def disk_use(folder: str | Path, recordings: list[Recording] | None = None) -> DiskUse:
    """Counts ``recordings`` (default: the folder's) and the free space of the folder's disk."""
    recordings = list_recordings(folder) if recordings is None else recordings
    try:
        usage = shutil.disk_usage(folder)
        free, total = usage.free, usage.total
    except OSError:
        free = total = 0
    return DiskUse(len(recordings), sum(r.bytes for r in recordings), free, total)
