"""Drawing in the air: camera, hand tracker and gestures in one thread, polled by the frame loop.

The frame loop must never wait for the hand: :class:`HandInput` reads the camera, runs MediaPipe
and the gesture logic in a thread of its own (the one thread that owns the MediaPipe graph), and
``poll(now)`` hands the loop whatever happened since its last call, without waiting, in the input
vocabulary: a stroke drawn by pointing is pen down, moves and up; an open palm held is
:attr:`~live.input.events.Command.SUBMIT`, a fist held :attr:`~live.input.events.Command.CLEAR`.
The loop's canvas keeps the strokes, as it does for the mouse. With ``hand.max_hands = 2`` two
visitors draw at once, each hand with a pen of its own that stays with it from frame to frame
(:class:`~live.input.identity.HandPens`); each hand's gestures are its own, and a command two
hands give in the same frame is given once.

The rest of the :class:`~live.input.base.Input` interface: ``overlay`` (the canvas view: the
camera picture dimmed with the skeleton and the ink, or in a kiosk the ink with a small picture
of the camera in a corner), ``status`` ("camera lost" while the webcam is gone; the mouse keeps
working, and the hand comes back by itself), ``finished`` (a video file that does not loop has
ended) and ``stats`` (tracking figures).
"""

from __future__ import annotations

import collections
import dataclasses
import importlib.util
import logging
import os
import statistics
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from live.config import CameraConfig, HandConfig
from live.input.base import Input, Status
from live.input.camera import Camera, CameraStatus, Capture
from live.input.events import Command, Event
from live.input.hand import HandTracker
from live.input.identity import HandPens
from live.input.overlay import HandView, PenView, draw_canvas_view

log = logging.getLogger(__name__)

#: Frames in a row that may fail before hand tracking gives up (and the app goes on without it).
MAX_FAILURES = 50
#: Tracking times kept for ``tracking_ms`` (the median of the last this many frames).
TIMING_WINDOW = 120
#: Niceness added to the tracking thread (and the MediaPipe threads it starts): when the CPU is
#: short, the frame loop that visitors watch goes first and the tracker skips camera frames.
TRACKING_NICE = 5


def yield_to_the_loop() -> None:
    """Lowers the calling thread's CPU priority by :data:`TRACKING_NICE` (Linux: per thread; the
    threads it starts inherit it). Where that is not possible, nothing changes."""
    try:
        tid = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, tid, min(19, os.getpriority(os.PRIO_PROCESS, tid) + TRACKING_NICE))
    except (AttributeError, OSError) as exc:  # not Linux, or not allowed
        log.debug("hand tracking keeps its priority: %s", exc)


class HandInput(Input):
    """Camera + MediaPipe + gestures in a background thread, as the loop's pen; a context manager.

    Args:
        camera: the ``[camera]`` settings.
        hand: the ``[hand]`` settings.
        canvas_size: side of the canvas strokes are drawn on, in pixels (the loop's canvas side).
        source: overrides ``camera.source`` (a webcam index or a video file path).
        mirror: overrides ``camera.mirror`` when given.
        realtime: False feeds every frame of a video file to the tracker, as fast as it goes
            (tests); webcams are always real time.
        opener: passed to :class:`~live.input.camera.Camera` (tests inject fake captures).
        pip: the canvas view shows the camera in a small picture-in-picture (kiosk) rather than
            behind the whole canvas.
        feed: a camera opened by the caller, read through a reader of this input's own (another
            consumer, the mirror, reads it too); the caller closes it. None: the input opens
            its own camera from ``camera`` and closes it.

    Raises:
        ValueError: a bad source or setting.
        ImportError: mediapipe is missing.
    """

    def __init__(
        self,
        camera: CameraConfig | None = None,
        hand: HandConfig | None = None,
        canvas_size: int = 224,
        *,
        source: str | int | Path | None = None,
        mirror: bool | None = None,
        realtime: bool = True,
        opener: Callable[[int | Path], Capture] | None = None,
        pip: bool = False,
        feed: Camera | None = None,
    ) -> None:
        if importlib.util.find_spec("mediapipe") is None:  # fail here, in the caller's thread
            raise ImportError("hand tracking needs mediapipe: pip install mediapipe==0.10.21")

        self.camera_config = camera or CameraConfig()
        self.hand_config = hand or HandConfig()
        self.pens = HandPens(self.hand_config, canvas_size)
        self.canvas_size = canvas_size
        self.pip = pip
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._events: list[Event] = []
        self._view = HandView(region=self.hand_config.region)
        self._polled = self._view  # the view as of the last poll: what the loop shows
        self._picture: np.ndarray | None = None  # the canvas view, allocated at the first overlay
        self._times: collections.deque[float] = collections.deque(maxlen=TIMING_WINDOW)
        self.frames = 0
        self.found = 0
        self._error = ""
        self._owns_camera = feed is None
        self.camera = feed or Camera(
            self.camera_config.source if source is None else source,
            self.camera_config,
            mirror=mirror,
            realtime=realtime,
            opener=opener,
        )
        """The camera this input reads (shared with the mirror when it runs)."""
        self._camera = self.camera.reader()
        self._thread = threading.Thread(target=self._run, name="hand-tracking", daemon=True)
        self._thread.start()

    # -- frame loop side ---------------------------------------------------------------------
    def poll(self, now: float) -> list[Event]:
        """Pen events and commands since the previous call, in order. Never waits on tracking."""
        with self._lock:
            events, self._events = self._events, []
            self._polled = self._view
        return events

    @property
    def view(self) -> HandView:
        """What the canvas view draws of the hand, as of the last poll."""
        return self._polled

    def overlay(self, canvas: np.ndarray) -> np.ndarray:
        """The canvas view (:func:`~live.input.overlay.draw_canvas_view`): what the canvas window
        shows, never recorded.

        Args:
            canvas: (W, W, 3) uint8 BGR, the loop's stroke canvas (ink on black).

        Returns:
            (W, W, 3) uint8 BGR, a buffer of this input's, overwritten at the next call.
        """
        if self._picture is None or self._picture.shape != canvas.shape:
            self._picture = np.empty_like(canvas)
        draw_canvas_view(self._picture, canvas, self._polled, self.canvas_size, pip=self.pip)
        return self._picture

    def status(self) -> Status | None:
        """The camera lost, or the tracker stopped, as of the last poll; None when all is well."""
        view = self._polled
        if view.camera is CameraStatus.LOST:
            return Status(f"camera lost: {view.message}" if view.message else "camera lost", over="camera back")
        return Status(view.message) if view.message else None

    def finished(self, now: float) -> bool:
        """True once a video file that does not loop has ended and its last frame was polled."""
        return self._polled.camera is CameraStatus.ENDED

    def stats(self) -> dict[str, Any]:
        """Tracking figures: frames tracked, frames with a hand (any), median MediaPipe ms per frame."""
        ms = self.tracking_ms
        return {"hand_frames": self.frames, "hand_found": self.found, "hand_ms": None if ms is None else round(ms, 2)}

    def ready(self, timeout: float = 10.0) -> bool:
        """Waits until the first frame has been tracked (for benchmarks and tests; the live loop
        does not wait). Returns False when ``timeout`` passes first or tracking stopped."""
        deadline = time.monotonic() + timeout
        while self.frames == 0 and not self._error and time.monotonic() < deadline:
            time.sleep(0.01)
        return self.frames > 0

    @property
    def error(self) -> str:
        """Why tracking stopped (the thread ended), or empty while it runs."""
        return self._error

    @property
    def tracking_ms(self) -> float | None:
        """Median MediaPipe time per frame over the last frames, in ms (None before the first)."""
        with self._lock:
            times = list(self._times)
        return statistics.median(times) if times else None

    def close(self) -> None:
        """Stops the thread (which closes the tracker) and the camera (when it opened it). Safe to
        call twice."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5.0)
        self._camera.close()
        if self._owns_camera:
            self.camera.close()

    # -- tracking thread ---------------------------------------------------------------------
    def _publish(self, **changes: Any) -> None:
        self._view = dataclasses.replace(self._view, **changes)

    def _run(self) -> None:
        yield_to_the_loop()
        try:
            with HandTracker(self.hand_config) as tracker:
                failures = 0
                while not self._stop.is_set():
                    try:
                        if self._step(tracker):
                            failures = 0
                    except Exception:  # one bad frame: log it and go on
                        failures += 1
                        if failures >= MAX_FAILURES:
                            raise
                        log.exception("hand tracking failed on a frame (%d in a row)", failures)
                        self._stop.wait(0.01)
        except Exception as exc:  # the app goes on with the mouse
            log.exception("hand tracking stopped")
            with self._lock:
                self._error = f"hand tracking stopped: {exc}"
                self._events.extend(self.pens.lose())
                self._publish(message=self._error, hands=())

    def _step(self, tracker: HandTracker) -> bool:
        """Tracks the next camera frame; returns whether there was one."""
        frame = self._camera.next_frame(timeout=0.1)
        status, message = self._camera.status, self._camera.message
        if frame is None:
            with self._lock:
                if status is not CameraStatus.OK and (self._view.camera is not status or self._view.message != message):
                    self._events.extend(self.pens.lose())
                    self._publish(camera=status, message=message, hands=())
            if status in (CameraStatus.ENDED, CameraStatus.CLOSED):
                self._stop.wait(0.05)
            return False
        start = time.perf_counter()
        hands = tracker.find(frame.image)
        ms = (time.perf_counter() - start) * 1000.0
        h, w = frame.image.shape[:2]
        with self._lock:
            self._times.append(ms)
            self.frames += 1
            self.found += bool(hands)
            updates = self.pens.update(hands, frame.time, (w, h))
            commands: list[Command] = []
            for _, update in updates:
                for event in update.events:
                    if not isinstance(event, Command):
                        self._events.append(event)
                    elif event not in commands:  # two hands giving one command at once give it once
                        commands.append(event)
            self._events.extend(commands)
            views = tuple(
                PenView(
                    pen, update.hand, update.pose, update.tip, update.drawing, update.submit_progress,
                    update.clear_progress,
                )
                for pen, update in updates
            )  # fmt: skip
            self._publish(frame=frame, hands=views, camera=CameraStatus.OK, message="")
        return True
