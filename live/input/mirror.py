"""The mirror's eyes: the person in front of the camera as a mask, made in a thread of its own.

:class:`MirrorSource` reads the camera (its own, or one it shares with the hand input: each reads
it through a :class:`~live.input.camera.CameraReader`, and the one capture thread feeds both),
cuts out the square of the picture that the hand draws on (``hand.region``), segments it with
MediaPipe (:class:`~live.input.segment.PersonSegmenter`) at :data:`SEG_SIZE` pixels, and makes
of it a mask at the render size, smoothed over time (``mirror.smoothing``). The frame loop takes
the newest one with :meth:`MirrorSource.latest` and never waits.

Privacy: no camera pixel leaves this module. The thread keeps no picture past the frame it works
on; what it hands out is the mask, whether a person is there, their area and timings.

It is an :class:`~live.input.base.Input` for the rest: ``poll`` gives no events (the mirror never
draws), ``status`` says when its own camera is lost or the segmentation stopped, ``finished``
when its own video file has ended, ``stats`` the mirror's figures.
"""

from __future__ import annotations

import collections
import logging
import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from live.config import CameraConfig, Config, MirrorConfig
from live.input.base import Input, Status
from live.input.camera import Camera, CameraStatus, Capture, Frame
from live.input.gesture import CanvasMap
from live.input.hand_input import yield_to_the_loop
from live.input.segment import PersonSegmenter, SegmentationModel

log = logging.getLogger(__name__)

#: Side in pixels of the square picture the segmentation model is given. MediaPipe scales it to
#: its model's input (256x144) anyway: on the mirror's footage 160 costs what 256 does and
#: outlines as well (IoU 0.967 against 0.971), 128 and below lose more (docs/mirror.md).
SEG_SIZE = 160
#: The segmentation model (measured against the general one in docs/mirror.md).
SEG_MODEL = SegmentationModel.LANDSCAPE
#: Frames in a row that may fail before the mirror gives up (the installation goes on without it).
MAX_FAILURES = 50
#: Segmentation times kept for ``seg_ms`` (the median of the last this many frames).
TIMING_WINDOW = 120


@dataclass(frozen=True)
class PersonMask:
    """The person the camera saw in one frame, as the swarm's target."""

    mask: np.ndarray
    """(S, S) float32 in [0, 1]: the person in the swarm's square, smoothed. A new array for
    every mask, shared by whoever takes it: never written to."""
    present: bool
    """A person is there: the mask covers at least ``mirror.min_area`` of the square."""
    area: float
    """Part of the square the mask covers (above 0.5)."""
    index: int
    """0, 1, 2, ... in the order the masks were made (a new index: a new mask)."""
    time: float
    """The camera frame's time, in seconds (:attr:`~live.input.camera.Frame.time`)."""
    frame: int
    """The camera frame's index (:attr:`~live.input.camera.Frame.index`)."""


def square_of(image: np.ndarray, region: float, side: int) -> np.ndarray:
    """The centred square of ``image`` that the hand draws on (``region`` of the shorter side,
    :class:`~live.input.gesture.CanvasMap`), scaled to ``side`` x ``side``.

    Args:
        image: (H, W, C) or (H, W).

    Returns:
        (side, side, C) or (side, side), the dtype of ``image``.
    """
    h, w = image.shape[:2]
    left, top, size = CanvasMap((w, h), side, region).box
    x0, y0, n = int(round(left)), int(round(top)), max(1, int(round(size)))
    square = image[y0 : y0 + n, x0 : x0 + n]
    return cv2.resize(square, (side, side), interpolation=cv2.INTER_AREA if n > side else cv2.INTER_LINEAR)


class MaskSmoother:
    """Masks at the render size, smoothed over time, with whether a person is there.

    Each new mask is ``smoothing`` x the previous one + (1 - ``smoothing``) x the new picture's;
    after a frame with nobody the next person starts afresh (no ghost of the last one).

    Args:
        size: side S of the masks.
        smoothing: weight of the previous mask, in [0, 1).
        min_area: smallest part of the square a person covers.

    Raises:
        ValueError: a smoothing outside [0, 1) or an area outside [0, 1].
    """

    def __init__(self, size: int, smoothing: float, min_area: float) -> None:
        if not 0.0 <= smoothing < 1.0 or not 0.0 <= min_area <= 1.0:
            raise ValueError(f"smoothing must be in [0, 1) and min_area in [0, 1], got {smoothing}, {min_area}")
        self.size, self.smoothing, self.min_area = size, smoothing, min_area
        self._last: np.ndarray | None = None  # the last mask with a person, None after nobody

    def update(self, raw: np.ndarray) -> tuple[np.ndarray, float, bool]:
        """Takes the next picture's mask ``raw`` (S, S) float32 in [0, 1]; returns ``(mask, area,
        present)``, the mask a new array."""
        if raw.shape != (self.size, self.size):
            raise ValueError(f"mask of shape {raw.shape} does not match the render size {self.size}")
        if self._last is None or self.smoothing == 0.0:
            mask = np.array(raw, np.float32)
        else:
            new = raw.astype(np.float32, copy=False)
            mask = cv2.addWeighted(self._last, self.smoothing, new, 1.0 - self.smoothing, 0.0)
        area = float(np.count_nonzero(mask > 0.5)) / mask.size
        present = area >= self.min_area and area > 0.0
        self._last = mask if present else None
        return mask, area, present


class MirrorSource(Input):
    """Camera + selfie segmentation in a background thread: the newest :class:`PersonMask`.

    A context manager. Args:
        camera: the ``[camera]`` settings (for a camera of its own).
        mirror: the ``[mirror]`` settings.
        size: side S of the masks (the render size).
        region: the square of the picture the swarm mirrors (``hand.region``).
        feed: a camera opened by the caller and shared (the hand input's); the caller closes it.
            None: the mirror opens its own from ``camera`` (``source``, ``loop``, ``realtime``
            and ``opener`` as for :class:`~live.input.camera.Camera`) and closes it.
        thread: segment in a thread of its own (the loop). False: nothing runs until the caller
            calls :meth:`step`, which segments the next frame in the caller's thread
            (measurements that must keep in step with every frame of a file).

    Raises:
        ValueError: a bad source or setting.
        ImportError: mediapipe is missing.
    """

    def __init__(
        self,
        camera: CameraConfig | None = None,
        mirror: MirrorConfig | None = None,
        size: int = 256,
        region: float = 0.9,
        *,
        feed: Camera | None = None,
        source: str | int | Path | None = None,
        loop: bool | None = None,
        realtime: bool = True,
        opener: Callable[[int | Path], Capture] | None = None,
        thread: bool = True,
    ) -> None:
        import importlib.util

        if importlib.util.find_spec("mediapipe") is None:  # fail here, in the caller's thread
            raise ImportError("the mirror needs mediapipe: pip install mediapipe==0.10.21")
        self.config = mirror or MirrorConfig()
        self.size, self.region = size, region
        self._smoother = MaskSmoother(size, self.config.smoothing, self.config.min_area)
        self._period = 1.0 / self.config.max_fps if self.config.max_fps > 0 else 0.0  # between two masks
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._latest: PersonMask | None = None
        self._times: collections.deque[float] = collections.deque(maxlen=TIMING_WINDOW)
        self.frames = 0
        self.person_frames = 0
        self._error = ""
        self._owns_camera = feed is None
        self.camera = feed or Camera(
            (camera or CameraConfig()).source if source is None else source,
            camera or CameraConfig(),
            loop=loop,
            realtime=realtime,
            opener=opener,
        )
        self._reader = self.camera.reader()
        self._segmenter: PersonSegmenter | None = None  # step()'s, made in the caller's thread
        self._thread = threading.Thread(target=self._run, name="mirror-segmentation", daemon=True)
        if thread:
            self._thread.start()

    # -- frame loop side ---------------------------------------------------------------------
    def latest(self) -> PersonMask | None:
        """The newest mask (None before the first); never waits."""
        return self._latest

    def step(self, timeout: float = 5.0) -> float | None:
        """Without a thread (``thread=False``): takes the next camera frame here and segments it
        (unless ``mirror.max_fps`` skips it; :meth:`latest` is then the mask before).

        Returns:
            the frame's time (:attr:`~live.input.camera.Frame.time`), or None when no frame
            comes within ``timeout`` (or the file has ended).

        Raises:
            RuntimeError: the mirror runs a thread of its own.
        """
        if self._thread.is_alive():
            raise RuntimeError("this mirror segments in its own thread: use latest()")
        if self._segmenter is None:
            self._segmenter = PersonSegmenter(SEG_MODEL)
        frame = self._step(self._segmenter, timeout)
        return None if frame is None else frame.time

    def status(self) -> Status | None:
        """The segmentation stopped, or (its own camera only: the hand input speaks for a shared
        one) the camera is lost; None when all is well."""
        if self._error:
            return Status(self._error)
        camera = self.camera
        if self._owns_camera and camera.status is CameraStatus.LOST:
            return Status(f"camera lost: {camera.message}" if camera.message else "camera lost", over="camera back")
        return None

    def finished(self, now: float) -> bool:
        """True once its own video file, not looping, has ended."""
        return self._owns_camera and self.camera.status is CameraStatus.ENDED

    def stats(self) -> dict[str, Any]:
        """The mirror's figures: frames segmented, frames with a person, median ms per frame."""
        ms = self.seg_ms
        return {
            "mirror_frames": self.frames,
            "person_frames": self.person_frames,
            "seg_ms": None if ms is None else round(ms, 2),
        }

    @property
    def seg_ms(self) -> float | None:
        """Median time per frame over the last frames (crop, segmentation, mask), in ms."""
        with self._lock:
            times = list(self._times)
        return statistics.median(times) if times else None

    @property
    def error(self) -> str:
        """Why the segmentation stopped, or empty while it runs."""
        return self._error

    def ready(self, timeout: float = 10.0) -> bool:
        """Waits until the first mask is made (benchmarks and tests; the loop does not wait)."""
        deadline = time.monotonic() + timeout
        while self._latest is None and not self._error and time.monotonic() < deadline:
            time.sleep(0.01)
        return self._latest is not None

    def close(self) -> None:
        """Stops the thread and (when it opened it) the camera. Safe to call twice."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5.0)
        if self._segmenter is not None:
            self._segmenter.close()
        self._reader.close()
        if self._owns_camera:
            self.camera.close()

    # -- segmentation thread -----------------------------------------------------------------
    def _run(self) -> None:
        yield_to_the_loop()
        try:
            with PersonSegmenter(SEG_MODEL) as segmenter:
                failures = 0
                while not self._stop.is_set():
                    try:
                        self._step(segmenter)
                        failures = 0
                    except Exception:  # one bad frame: log it and go on
                        failures += 1
                        if failures >= MAX_FAILURES:
                            raise
                        log.exception("the mirror failed on a frame (%d in a row)", failures)
                        self._stop.wait(0.01)
        except Exception as exc:  # the installation goes on without the mirror
            log.exception("the mirror stopped")
            self._error = f"mirror stopped: {exc}"
            self._publish_nobody()

    def _publish_nobody(self) -> None:
        """Nobody is seen (a lost or ended camera, a stopped thread): a mask of nobody, once."""
        last = self._latest
        if last is not None and last.present:
            self._smoother.update(np.zeros((self.size, self.size), np.float32))
            empty = np.zeros((self.size, self.size), np.float32)
            self._publish(PersonMask(empty, False, 0.0, last.index + 1, last.time, last.frame))

    def _publish(self, person: PersonMask) -> None:
        self._latest = person

    def _step(self, segmenter: PersonSegmenter, timeout: float = 0.1) -> Frame | None:
        """Segments the next camera frame, if one comes within ``timeout`` seconds and
        ``mirror.max_fps`` does not skip it; returns the frame taken."""
        frame = self._reader.next_frame(timeout=timeout)
        if frame is None:
            if self._reader.status is not CameraStatus.OK:
                self._publish_nobody()
            return None
        last = self._latest
        if last is not None and self._period > 0 and 0.0 <= frame.time - last.time < self._period - 1e-6:
            return frame  # too soon after the last mask (mirror.max_fps)
        start = time.perf_counter()
        picture = square_of(frame.image, self.region, SEG_SIZE)  # the only camera pixels, dropped below
        raw = cv2.resize(segmenter.segment(picture), (self.size, self.size), interpolation=cv2.INTER_LINEAR)
        del picture
        mask, area, present = self._smoother.update(raw)
        ms = (time.perf_counter() - start) * 1000.0
        with self._lock:
            self._times.append(ms)
            self.frames += 1
            self.person_frames += present
        index = 0 if last is None else last.index + 1
        self._publish(PersonMask(mask, present, area, index, frame.time, frame.index))
        return frame


def open_mirror(config: Config, beside: list[Input]) -> MirrorSource | None:
    """The mirror of a run when ``mirror.enabled``: it shares the camera of a hand input among
    ``beside`` (both models on the same frames), or opens ``[camera]`` itself.

    Raises:
        ValueError: a bad camera source.
        ImportError: mediapipe is missing.
    """
    if not config.mirror.enabled:
        return None
    from live.input.hand_input import HandInput

    feed = next((source.camera for source in beside if isinstance(source, HandInput)), None)
    return MirrorSource(config.camera, config.mirror, config.render.size, config.hand.region, feed=feed)
