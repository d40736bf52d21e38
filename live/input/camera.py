"""Camera: frames from a webcam or a video file, read in their own thread, the latest one kept.

A webcam (V4L2) buffers several frames, which a visitor sees as lag; the capture thread here
reads as fast as frames come and keeps only the newest. Colour conversion (BGR to RGB) and
mirroring happen here, once, so everything downstream sees the picture the visitor sees.

A camera that stops giving frames, or that keeps giving the same picture (OpenCV can return the
last frame forever after a webcam is unplugged), is reported as lost and reopened with a
growing wait; reading never raises.

One camera feeds several consumers (the hand tracker and the mirror's segmenter, each in its own
thread): each takes a :class:`CameraReader` (:meth:`Camera.reader`) with its own place in the
stream, and all of them get the same frames from the one capture thread.
"""

from __future__ import annotations

import enum
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import cv2
import numpy as np

from live.config import CameraConfig

log = logging.getLogger(__name__)

#: Frame rate assumed for a video file that does not state one.
DEFAULT_FILE_FPS = 25.0
#: Every this many pixels, in both directions, the freeze check compares two frames.
FREEZE_SAMPLE_STRIDE = 8
#: Wait after a failed read before the next one, in seconds.
READ_RETRY_S = 0.005


class Capture(Protocol):
    """What the camera needs of ``cv2.VideoCapture``; tests inject fakes with these methods."""

    def read(self) -> tuple[bool, np.ndarray | None]: ...
    def release(self) -> None: ...
    def isOpened(self) -> bool: ...
    def get(self, prop: int) -> float: ...


class CameraStatus(enum.StrEnum):
    """Where a camera stands."""

    STARTING = "starting"  # opened, no frame yet
    OK = "ok"  # frames are coming
    LOST = "lost"  # no new frame for lost_after_s; reopening with backoff
    ENDED = "ended"  # a video file reached its end and does not loop
    CLOSED = "closed"  # close() was called


@dataclass(frozen=True)
class Frame:
    """One picture from the camera, as the visitor sees it."""

    image: np.ndarray
    """(H, W, 3) uint8 RGB, already mirrored when the camera mirrors."""
    index: int
    """0, 1, 2, ... in the order this camera delivered its frames."""
    time: float
    """Seconds: the capture time (monotonic clock) for a webcam, the position in the file
    (counting loops) for a video file, so that a file gives the same result at any speed."""
    mirrored: bool
    """Whether ``image`` was flipped left-right."""


#: URL schemes opened as network streams (through FFmpeg, with open and read time-outs).
STREAM_SCHEMES = ("rtsp", "rtsps", "http", "https")


def parse_source(source: str | int | Path) -> int | Path | str:
    """A webcam index for ``'0'``, ``'1'``, ... (or an int); a stream URL (``rtsp://``,
    ``http(s)://``) as it is; otherwise a video file path.

    Raises:
        ValueError: an empty string, a negative index, another URL scheme, or a file that does
            not exist.
    """
    if isinstance(source, str) and "://" in source:
        scheme = source.split("://", 1)[0].lower()
        if scheme not in STREAM_SCHEMES:
            raise ValueError(f"camera source '{source}': use a stream URL with {', '.join(STREAM_SCHEMES)}://")
        return source.strip()
    if isinstance(source, bool):
        raise ValueError(f"camera source {source!r} is not usable: give a webcam index such as 0 or a video file path")
    if isinstance(source, int):
        index = source
    elif isinstance(source, str) and source.strip().lstrip("-").isdigit():
        index = int(source.strip())
    else:
        if not str(source).strip():
            raise ValueError("camera source is empty: give a webcam index such as 0 or a video file path")
        path = Path(source)
        if not path.is_file():
            raise ValueError(f"video file '{path}' does not exist: check the path, or give a webcam index such as 0")
        return path
    if index < 0:
        raise ValueError(f"webcam index {index} is negative: use 0 for the first webcam")
    return index


def mirrors(mirror: str, source: int | Path) -> bool:
    """Whether a source is flipped: ``'auto'`` flips webcams (a selfie view) and not files.

    Raises:
        ValueError: ``mirror`` is not 'auto', 'on' or 'off'.
    """
    if mirror == "auto":
        return isinstance(source, int)
    if mirror in ("on", "off"):
        return mirror == "on"
    raise ValueError(f"camera.mirror = {mirror!r} is not allowed: use 'auto', 'on' or 'off'")


def open_capture(source: int | Path | str, config: CameraConfig) -> Capture:
    """``cv2.VideoCapture`` on a webcam (asking for the configured size, rate and a 1-frame buffer),
    a video file, or a stream URL (FFmpeg, with ``open_timeout_s`` and ``read_timeout_s``: a
    stream that does not answer never blocks longer). May return a capture that is not opened;
    never raises for a bad device."""
    if isinstance(source, Path):
        return cv2.VideoCapture(str(source))
    if isinstance(source, str):
        limits = [
            cv2.CAP_PROP_OPEN_TIMEOUT_MSEC, int(config.open_timeout_s * 1000),
            cv2.CAP_PROP_READ_TIMEOUT_MSEC, int(config.read_timeout_s * 1000),
        ]  # fmt: skip
        return cv2.VideoCapture(source, cv2.CAP_FFMPEG, limits)
    cap = cv2.VideoCapture(source)
    if cap.isOpened():
        cap.set(cv2.CAP_PROP_FRAME_WIDTH, config.width)
        cap.set(cv2.CAP_PROP_FRAME_HEIGHT, config.height)
        cap.set(cv2.CAP_PROP_FPS, config.fps)
        cap.set(cv2.CAP_PROP_BUFFERSIZE, 1)
    return cap


class Camera:
    """A webcam or video file read in a thread of its own; a context manager.

    ``next_frame()`` waits for a frame newer than the last one it returned. With ``realtime=True``
    a video file plays at its own frame rate and frames the reader misses are dropped, as with a
    webcam; with ``realtime=False`` (files only) every frame is delivered, as fast as the reader
    takes them.

    Args:
        source: a webcam index, a video file path or a stream URL (see :func:`parse_source`).
        config: the ``[camera]`` settings (its ``source`` is not read; pass ``source``).
        mirror: overrides ``config.mirror`` when given (True flips, False does not).
        loop: overrides ``config.loop_video`` when given.
        realtime: see above; webcams are always real time.
        opener: ``opener(source) -> Capture``; defaults to :func:`open_capture`. Tests pass fakes.
        clock: monotonic seconds; webcam frame times and the lost/backoff timers use it.

    Raises:
        ValueError: a bad source (see :func:`parse_source`), a video file that cannot be read,
            or a bad mirror setting.
    """

    def __init__(
        self,
        source: str | int | Path,
        config: CameraConfig | None = None,
        *,
        mirror: bool | None = None,
        loop: bool | None = None,
        realtime: bool = True,
        opener: Callable[[int | Path], Capture] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.config = config or CameraConfig()
        self.source = parse_source(source)
        self.is_file = isinstance(self.source, Path)
        self.mirrored = mirrors(self.config.mirror, self.source) if mirror is None else bool(mirror)
        self.loop = self.config.loop_video if loop is None else bool(loop)
        self.realtime = realtime or not self.is_file
        self._opener = opener or (lambda src: open_capture(src, self.config))
        self._clock = clock
        self._cond = threading.Condition()
        self._stop = threading.Event()
        self._frame: Frame | None = None
        self._readers: list[CameraReader] = []  # every consumer, each with the last frame it took
        self._own: CameraReader | None = None  # the reader behind next_frame(), made at its first call
        self._status = CameraStatus.STARTING
        self._message = ""
        self.reconnects = 0
        self._initial: Capture | None = None
        if self.is_file:  # a file that cannot be read is the caller's mistake, not a lost camera
            self._initial = self._open()
            if self._initial is None:
                raise ValueError(
                    f"cannot read video file '{self.source}': give a video OpenCV can decode (MP4, AVI, MKV, ...)"
                )
        self._thread = threading.Thread(target=self._run, name=f"camera-{self.source}", daemon=True)
        self._thread.start()

    # -- reader side -------------------------------------------------------------------------
    @property
    def status(self) -> CameraStatus:
        """The camera's state now."""
        return self._status

    @property
    def message(self) -> str:
        """Why the camera is lost (or empty), for the screen and the log."""
        return self._message

    def reader(self) -> CameraReader:
        """A new consumer of this camera's frames, with its own place in the stream (it gets the
        newest frame it has not taken yet). With ``realtime=False`` every frame waits until every
        reader has taken it."""
        reader = CameraReader(self)
        with self._cond:
            self._readers.append(reader)
            self._cond.notify_all()
        return reader

    def next_frame(self, timeout: float | None = None) -> Frame | None:
        """Waits for a frame newer than the last one this method returned (the camera's own
        reader; other consumers take a :meth:`reader` each).

        Returns None when ``timeout`` passes first, or when the camera has ended or closed.
        """
        with self._cond:
            if self._own is None:
                self._own = self.reader()
        return self._own.next_frame(timeout)

    def _all_taken(self, index: int) -> bool:
        """Whether every reader has taken frame ``index`` (False before the first reader comes:
        a file's first frame waits for it). Call with ``_cond`` held."""
        return bool(self._readers) and all(r.taken >= index for r in self._readers)

    def _take(self, reader: CameraReader, timeout: float | None) -> Frame | None:
        """:meth:`CameraReader.next_frame`."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            while True:
                if self._status is CameraStatus.CLOSED:
                    return None
                frame = self._frame
                if frame is not None and frame.index > reader.taken:
                    reader.taken = frame.index
                    self._cond.notify_all()
                    return frame
                if self._status in (CameraStatus.ENDED, CameraStatus.CLOSED):
                    return None
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    return None
                self._cond.wait(left if left is not None else 0.1)

    def close(self) -> None:
        """Stops the capture thread and releases the device. Safe to call twice."""
        self._stop.set()
        with self._cond:
            self._cond.notify_all()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout=5.0)
        self._set_status(CameraStatus.CLOSED, "")

    def __enter__(self) -> Camera:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # -- capture thread ----------------------------------------------------------------------
    def _set_status(self, status: CameraStatus, message: str) -> None:
        with self._cond:
            if self._status is CameraStatus.CLOSED:
                return
            if status is not self._status:
                (log.warning if status is CameraStatus.LOST else log.info)(
                    "camera %s: %s%s", self.source, status.value, f" ({message})" if message else ""
                )
            self._status, self._message = status, message
            self._cond.notify_all()

    def _open(self) -> Capture | None:
        try:
            cap = self._opener(self.source)
            if cap is not None and cap.isOpened():
                return cap
            if cap is not None:
                cap.release()
        except Exception as exc:  # a driver error must not end the thread
            log.debug("camera %s: open failed: %s", self.source, exc)
        return None

    def _read(self, cap: Capture) -> np.ndarray | None:
        try:
            ok, image = cap.read()
        except Exception as exc:
            log.debug("camera %s: read failed: %s", self.source, exc)
            return None
        if not ok or image is None or getattr(image, "ndim", 0) not in (2, 3) or image.size == 0:
            return None
        if image.ndim == 3 and image.shape[2] not in (1, 3, 4):
            return None
        return image

    @staticmethod
    def _release(cap: Capture | None) -> None:
        if cap is not None:
            try:
                cap.release()
            except Exception:
                pass

    def _deliver(self, bgr: np.ndarray, t: float, index: int) -> None:
        if bgr.ndim == 2 or bgr.shape[2] == 1:
            bgr = cv2.cvtColor(bgr, cv2.COLOR_GRAY2BGR)
        elif bgr.shape[2] == 4:
            bgr = cv2.cvtColor(bgr, cv2.COLOR_BGRA2BGR)
        view = bgr[:, ::-1, ::-1] if self.mirrored else bgr[:, :, ::-1]  # BGR -> RGB (+ flip)
        frame = Frame(np.ascontiguousarray(view), index, t, self.mirrored)
        with self._cond:
            if not self.realtime:  # files, every frame: wait until every reader took the last one
                while self._frame is not None and not self._all_taken(self._frame.index) and not self._stop.is_set():
                    self._cond.wait(0.1)
            self._frame = frame
            self._cond.notify_all()
        if self._status is not CameraStatus.OK:
            self._set_status(CameraStatus.OK, "")

    def _run(self) -> None:
        """The capture thread: opens the source (again, after a growing wait, while it fails), reads
        it and delivers every new picture; it never raises."""
        cap, self._initial = self._initial, None
        reader = _FileReader(self) if self.is_file else _WebcamReader(self)
        if cap is not None:
            reader.opened(cap)
        attempt = index = 0
        while not self._stop.is_set():
            try:
                if cap is None:
                    cap = self._open_or_wait(attempt)
                    if cap is None:
                        attempt += 1
                        continue
                    reader.opened(cap)
                got = reader.next(cap)
                if isinstance(got, _Lost):
                    self._lose(cap, got.why, attempt)
                    cap, attempt = None, attempt + 1
                elif got is END_OF_FILE:
                    self._release(cap)
                    cap = None
                    if not self.loop:
                        self._set_status(CameraStatus.ENDED, "the video file ended")
                        return
                elif got is not None:
                    attempt = 0
                    self._deliver(*got, index)
                    index += 1
            except Exception as exc:  # report and reopen; never end the thread
                log.exception("camera %s: capture failed", self.source)
                self._lose(cap, f"capture failed: {exc}", attempt)
                cap, attempt = None, attempt + 1
        self._release(cap)

    def _backoff(self, attempt: int) -> float:
        """Seconds to wait before the next try, doubling with each failed one up to ``retry_max_s``."""
        return min(self.config.retry_max_s, self.config.retry_s * 2.0**attempt)

    def _open_or_wait(self, attempt: int) -> Capture | None:
        """Opens the source; when it cannot, reports the camera lost and waits the backoff."""
        cap = self._open()
        if cap is None:
            delay = self._backoff(attempt)
            kind = "video file" if self.is_file else "stream" if isinstance(self.source, str) else "webcam"
            what = f"cannot open the {kind}"
            self._set_status(CameraStatus.LOST, f"{what}; retrying in {delay:.1f} s")
            self._stop.wait(delay)
        return cap

    def _lose(self, cap: Capture | None, why: str, attempt: int) -> None:
        """Releases ``cap``, reports the camera lost and waits the backoff."""
        self._release(cap)
        delay = self._backoff(attempt)
        self.reconnects += 1
        self._set_status(CameraStatus.LOST, f"{why}; retrying in {delay:.1f} s")
        self._stop.wait(delay)


@dataclass(frozen=True)
class _Lost:
    """A reader's word that the source is lost, and why."""

    why: str


#: A reader's word that a video file has been read to its end.
END_OF_FILE = object()

#: What a reader's :meth:`_Reader.next` returns: a picture (BGR, as read) and its time in seconds,
#: :class:`_Lost`, :data:`END_OF_FILE`, or None when there is nothing new yet.
Read = tuple[np.ndarray, float] | _Lost | object | None


class CameraReader:
    """One consumer of a :class:`Camera`: the newest frame it has not taken yet, whatever the
    other readers took. Made by :meth:`Camera.reader`; closing the camera ends every reader."""

    def __init__(self, camera: Camera) -> None:
        self.camera = camera
        self.taken = -1
        """Index of the last frame this reader took."""

    @property
    def status(self) -> CameraStatus:
        """The camera's state now."""
        return self.camera.status

    @property
    def message(self) -> str:
        """Why the camera is lost (or empty)."""
        return self.camera.message

    def next_frame(self, timeout: float | None = None) -> Frame | None:
        """Waits for a frame newer than the last one this reader took.

        Returns None when ``timeout`` passes first, or when the camera has ended or closed.
        """
        return self.camera._take(self, timeout)

    def close(self) -> None:
        """Stops reading: a camera that delivers every frame no longer waits for this reader.
        Safe to call twice."""
        camera = self.camera
        with camera._cond:
            if self in camera._readers:
                camera._readers.remove(self)
            camera._cond.notify_all()


class _Reader:
    """How :meth:`Camera._run` reads one kind of source; a source that gives no picture for
    ``lost_after_s`` is lost."""

    def __init__(self, camera: Camera) -> None:
        self.camera = camera
        self.last_good = 0.0  # the clock at the last picture read (or at opening)

    def opened(self, cap: Capture) -> None:
        """``cap`` was just opened."""
        self.last_good = self.camera._clock()

    def next(self, cap: Capture) -> Read:
        """Reads the next picture."""
        camera = self.camera
        image = camera._read(cap)
        now = camera._clock()
        if image is None:
            return self._missing(now)
        self.last_good = now
        return self._picture(image, now)

    def _missing(self, now: float) -> Read:
        if now - self.last_good >= self.camera.config.lost_after_s:
            return _Lost(f"no frame for {now - self.last_good:.1f} s")
        self.camera._stop.wait(READ_RETRY_S)
        return None

    def _picture(self, image: np.ndarray, now: float) -> Read:
        return image, now


class _WebcamReader(_Reader):
    """A webcam: frames are timed by the clock, and a picture that stays the same for
    ``lost_after_s`` (OpenCV repeats the last one after an unplug) means the webcam is lost."""

    def opened(self, cap: Capture) -> None:
        super().opened(cap)
        self.last_change = self.last_good
        self.sample: np.ndarray | None = None

    def _picture(self, image: np.ndarray, now: float) -> Read:
        sample = image[::FREEZE_SAMPLE_STRIDE, ::FREEZE_SAMPLE_STRIDE]
        if self.sample is not None and sample.shape == self.sample.shape and np.array_equal(sample, self.sample):
            if now - self.last_change >= self.camera.config.lost_after_s:
                return _Lost(f"the same picture for {now - self.last_change:.1f} s")
            return None  # a repeated picture is not a new frame
        self.sample, self.last_change = sample.copy(), now
        return image, now


class _FileReader(_Reader):
    """A video file: frames are timed by the file's own rate (counting loops), played in real time
    unless the camera delivers every frame; a failed read after some frames is the file's end."""

    def __init__(self, camera: Camera) -> None:
        super().__init__(camera)
        self.fps = DEFAULT_FILE_FPS
        self.frames = 0  # read in this pass
        self.offset = 0.0  # seconds of the passes before this one
        self.start = 0.0  # the clock when this pass's first frame is due

    def opened(self, cap: Capture) -> None:
        super().opened(cap)
        fps = cap.get(cv2.CAP_PROP_FPS)
        self.fps = fps if fps and np.isfinite(fps) and 1.0 <= fps <= 1000.0 else DEFAULT_FILE_FPS
        self.frames, self.start = 0, self.camera._clock() - self.offset

    def _missing(self, now: float) -> Read:
        if self.frames > 0:
            self.offset += self.frames / self.fps
            return END_OF_FILE
        return super()._missing(now)

    def _picture(self, image: np.ndarray, now: float) -> Read:
        t = self.offset + self.frames / self.fps
        self.frames += 1
        camera = self.camera
        if camera.realtime:
            camera._stop.wait(max(0.0, self.start + t - camera._clock()))
        return image, t
