"""Camera: frames from a webcam or a video file, read in their own thread, the latest one kept.

A webcam (V4L2) buffers several frames, which a visitor sees as lag; the capture thread here
reads as fast as frames come and keeps only the newest. Colour conversion (BGR to RGB) and
mirroring happen here, once, so everything downstream sees the picture the visitor sees.

A camera that stops giving frames, or that keeps giving the same picture (OpenCV can return the
last frame forever after a webcam is unplugged), is reported as lost and reopened with a
growing wait; reading never raises.
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


def parse_source(source: str | int | Path) -> int | Path:
    """A webcam index for ``'0'``, ``'1'``, ... (or an int); otherwise a video file path.

    Raises:
        ValueError: an empty string, a negative index, or a file that does not exist.
    """
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


def open_capture(source: int | Path, config: CameraConfig) -> Capture:
    """``cv2.VideoCapture`` on a webcam (asking for the configured size, rate and a 1-frame buffer)
    or on a video file. May return a capture that is not opened; never raises for a bad device."""
    if isinstance(source, Path):
        return cv2.VideoCapture(str(source))
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
        source: a webcam index or a video file path (see :func:`parse_source`).
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
        self._taken = -1  # index of the last frame next_frame() returned
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

    def next_frame(self, timeout: float | None = None) -> Frame | None:
        """Waits for a frame newer than the last one this method returned.

        Returns None when ``timeout`` passes first, or when the camera has ended or closed.
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            while True:
                if self._status is CameraStatus.CLOSED:
                    return None
                frame = self._frame
                if frame is not None and frame.index > self._taken:
                    self._taken = frame.index
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
            if not self.realtime:  # files, every frame: wait until the reader took the last one
                while self._frame is not None and self._frame.index > self._taken and not self._stop.is_set():
                    self._cond.wait(0.1)
            self._frame = frame
            self._cond.notify_all()
        if self._status is not CameraStatus.OK:
            self._set_status(CameraStatus.OK, "")

    def _run(self) -> None:
        cfg = self.config
        cap, self._initial = self._initial, None
        index = 0
        attempt = 0
        # File state: frames read in this pass, the time the file started playing, loops done.
        file_fps, pass_frames, file_offset, play_start = DEFAULT_FILE_FPS, 0, 0.0, 0.0
        fresh = True  # cap was just opened
        last_good = last_change = self._clock()
        last_sample: np.ndarray | None = None
        while not self._stop.is_set():
            try:
                if cap is None:
                    cap = self._open()
                    if cap is None:
                        delay = min(cfg.retry_max_s, cfg.retry_s * 2.0**attempt)
                        attempt += 1
                        what = "cannot open the video file" if self.is_file else "cannot open the webcam"
                        self._set_status(CameraStatus.LOST, f"{what}; retrying in {delay:.1f} s")
                        self._stop.wait(delay)
                        continue
                    fresh = True
                if fresh:
                    fresh = False
                    if self.is_file:
                        fps = cap.get(cv2.CAP_PROP_FPS)
                        file_fps = fps if fps and np.isfinite(fps) and 1.0 <= fps <= 1000.0 else DEFAULT_FILE_FPS
                        pass_frames, play_start = 0, self._clock() - file_offset
                    last_good = last_change = self._clock()
                    last_sample = None
                image = self._read(cap)
                now = self._clock()
                if image is None:
                    if self.is_file and pass_frames > 0:  # the end of the file
                        self._release(cap)
                        cap = None
                        file_offset += pass_frames / file_fps
                        if not self.loop:
                            self._set_status(CameraStatus.ENDED, "the video file ended")
                            return
                        continue
                    if now - last_good >= cfg.lost_after_s:
                        self._lose(cap, f"no frame for {now - last_good:.1f} s", attempt)
                        cap, attempt = None, attempt + 1
                    else:
                        self._stop.wait(READ_RETRY_S)
                    continue
                last_good = now
                if self.is_file:
                    t = file_offset + pass_frames / file_fps
                    pass_frames += 1
                    if self.realtime:
                        self._stop.wait(max(0.0, play_start + t - self._clock()))
                else:
                    t = now
                    sample = image[::FREEZE_SAMPLE_STRIDE, ::FREEZE_SAMPLE_STRIDE]
                    same = last_sample is not None and sample.shape == last_sample.shape
                    if same and np.array_equal(sample, last_sample):
                        if now - last_change >= cfg.lost_after_s:
                            self._lose(cap, f"the same picture for {now - last_change:.1f} s", attempt)
                            cap, attempt = None, attempt + 1
                        continue  # a repeated picture is not a new frame
                    last_sample, last_change = sample.copy(), now
                attempt = 0
                self._deliver(image, t, index)
                index += 1
            except Exception as exc:  # report and reopen; never end the thread
                log.exception("camera %s: capture failed", self.source)
                self._lose(cap, f"capture failed: {exc}", attempt)
                cap, attempt = None, attempt + 1
        self._release(cap)

    def _lose(self, cap: Capture | None, why: str, attempt: int) -> None:
        """Releases ``cap``, reports the camera lost and waits the backoff."""
        self._release(cap)
        delay = min(self.config.retry_max_s, self.config.retry_s * 2.0**attempt)
        self.reconnects += 1
        self._set_status(CameraStatus.LOST, f"{why}; retrying in {delay:.1f} s")
        self._stop.wait(delay)
