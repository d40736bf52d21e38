"""Drawing in the air: camera, hand tracker and gestures in one thread, polled by the app loop.

The app loop must never wait for the hand: :class:`HandInput` reads the camera, runs MediaPipe
and the gesture logic in a thread of its own (the one thread that owns the MediaPipe graph), and
``poll()`` hands the loop whatever happened since its last call, without waiting::

    with contextlib.ExitStack() as stack:
        hand = stack.enter_context(HandInput(config.camera, config.hand, canvas_size=224))
        while running:
            got = hand.poll()                      # never waits
            if got.changed:                        # or draw got.steps onto the previous mask
                target = stroke_mask(got.strokes, size, brush, canvas_size=224)
            if Event.SUBMIT in got.events: ...     # like the 's' key
            if Event.CLEAR in got.events: ...      # the hand's strokes are already cleared
            draw_hand_overlay(display, got.view, canvas_rect, strokes=got.strokes, canvas_size=224)

``got.view.camera`` is ``CameraStatus.LOST`` while the webcam is gone (the overlay then says
"camera lost"); the mouse keeps working, and the hand comes back by itself.
"""

from __future__ import annotations

import collections
import enum
import importlib.util
import logging
import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from live.config import CameraConfig, HandConfig
from live.input.camera import Camera, CameraStatus, Capture, Frame
from live.input.gesture import Event, HandGestures, HandUpdate, Point, Pose
from live.input.hand import Hand, HandTracker

log = logging.getLogger(__name__)

#: Frames in a row that may fail before hand tracking gives up (and the app goes on without it).
MAX_FAILURES = 50
#: Tracking times kept for ``tracking_ms`` (the median of the last this many frames).
TIMING_WINDOW = 120


@dataclass(frozen=True)
class HandView:
    """What the screen shows of the hand: the latest tracked frame and its results."""

    frame: Frame | None = None
    """The camera frame the hand was tracked in ((H, W, 3) uint8 RGB), or None before the first."""
    hand: Hand | None = None
    """Its landmarks in pixels of ``frame``, or None."""
    pose: Pose = Pose.NONE
    """The hand's pose."""
    tip: tuple[float, float] | None = None
    """The smoothed index fingertip in pixels of ``frame``, or None."""
    drawing: bool = False
    """Whether the fingertip is drawing."""
    submit_progress: float = 0.0
    """Open palm held, 0 to 1."""
    clear_progress: float = 0.0
    """Fist held, 0 to 1."""
    camera: CameraStatus = CameraStatus.STARTING
    """The camera's state ('lost': show it on screen)."""
    message: str = ""
    """Why the camera is lost or the tracker stopped; empty when all is well."""
    region: float = 0.9
    """The part of the picture that maps onto the canvas (see ``hand.region``)."""


class StepKind(enum.StrEnum):
    """What a :class:`Step` is."""

    DOWN = "down"  # a stroke starts at (x, y)
    MOVE = "move"  # the stroke goes on to (x, y)
    UP = "up"  # the stroke ends at (x, y), its last point
    SUBMIT = "submit"  # an open palm was held (x, y: the pen's last point, or 0)
    CLEAR = "clear"  # a fist was held; the hand's strokes are gone (x, y as for submit)


@dataclass(frozen=True)
class Step:
    """One pen step or command, in canvas pixels."""

    kind: StepKind
    x: float
    y: float


@dataclass(frozen=True)
class HandPoll:
    """What happened since the previous ``poll()``; canvas points are in canvas pixels."""

    strokes: tuple[tuple[Point, ...], ...]
    """Every stroke drawn by the hand so far (a new tuple only when they changed)."""
    changed: bool
    """The strokes changed since the previous poll (rebuild the target)."""
    drawing: bool
    """A stroke is being drawn now."""
    stroke_ended: bool
    """At least one stroke ended since the previous poll."""
    events: tuple[Event, ...]
    """Gestures completed since the previous poll, in order (submit, clear)."""
    steps: tuple[Step, ...] = ()
    """Everything since the previous poll, in order, as pen steps and commands: enough to replay
    the hand as a pen (down, move, ..., up) and to update a target mask in O(new points)."""
    view: HandView = field(default_factory=HandView)
    """The latest frame and landmarks, for :func:`live.input.overlay.draw_hand_overlay`."""


class HandInput:
    """Camera + MediaPipe + gestures in a background thread; a context manager.

    Args:
        camera: the ``[camera]`` settings.
        hand: the ``[hand]`` settings.
        canvas_size: side of the canvas strokes are drawn on, in pixels.
        source: overrides ``camera.source`` (a webcam index or a video file path).
        mirror: overrides ``camera.mirror`` when given.
        realtime: False feeds every frame of a video file to the tracker, as fast as it goes
            (tests); webcams are always real time.
        opener: passed to :class:`~live.input.camera.Camera` (tests inject fake captures).

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
    ) -> None:
        if importlib.util.find_spec("mediapipe") is None:  # fail here, in the caller's thread
            raise ImportError("hand tracking needs mediapipe: pip install mediapipe==0.10.21")

        self.camera_config = camera or CameraConfig()
        self.hand_config = hand or HandConfig()
        self.gestures = HandGestures(self.hand_config, canvas_size)
        self.canvas_size = canvas_size
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._version = 0  # bumped whenever the strokes change
        self._polled_version = -1
        self._strokes: tuple[tuple[Point, ...], ...] = ()
        self._events: list[Event] = []
        self._steps: list[Step] = []
        self._ended = False
        self._view = HandView(region=self.hand_config.region)
        self._times: collections.deque[float] = collections.deque(maxlen=TIMING_WINDOW)
        self.frames = 0
        self.found = 0
        self._error = ""
        self._camera = Camera(
            self.camera_config.source if source is None else source,
            self.camera_config,
            mirror=mirror,
            realtime=realtime,
            opener=opener,
        )
        self._thread = threading.Thread(target=self._run, name="hand-tracking", daemon=True)
        self._thread.start()

    # -- app loop side -----------------------------------------------------------------------
    def poll(self) -> HandPoll:
        """What happened since the previous call. Never waits on tracking."""
        with self._lock:
            if self._version != self._polled_version:
                self._strokes = tuple(tuple(s) for s in self.gestures.strokes)
            changed = self._version != self._polled_version
            self._polled_version = self._version
            events, self._events = tuple(self._events), []
            ended, self._ended = self._ended, False
            steps, self._steps = tuple(self._steps), []
            view = self._view
        return HandPoll(self._strokes, changed, view.drawing, ended, events, steps, view)

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

    def clear(self) -> None:
        """Drops the hand's strokes (for a clear from the keyboard)."""
        with self._lock:
            if self.gestures.builder.open:
                self._steps.append(Step(StepKind.UP, *self.gestures.strokes[-1][-1]))
            self.gestures.clear()
            self._version += 1

    @property
    def camera_status(self) -> CameraStatus:
        """The camera's state now."""
        return self._camera.status

    @property
    def tracking_ms(self) -> float | None:
        """Median MediaPipe time per frame over the last frames, in ms (None before the first)."""
        with self._lock:
            times = list(self._times)
        return statistics.median(times) if times else None

    def close(self) -> None:
        """Stops the thread (which closes the tracker) and the camera. Safe to call twice."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5.0)
        self._camera.close()

    def __enter__(self) -> HandInput:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # -- tracking thread ---------------------------------------------------------------------
    def _publish(self, **changes: Any) -> None:
        import dataclasses

        self._view = dataclasses.replace(self._view, **changes)

    def _run(self) -> None:
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
                self._publish(message=self._error, pose=Pose.NONE, hand=None, tip=None, drawing=False)

    def _record(self, update: HandUpdate, last: Point | None) -> None:
        """Appends the frame's pen steps and commands to the queue (lock held)."""
        if update.stroke_ended and last is not None:
            self._steps.append(Step(StepKind.UP, *last))
        for i, point in enumerate(update.new_points):
            kind = StepKind.DOWN if i == 0 and update.stroke_started else StepKind.MOVE
            self._steps.append(Step(kind, *point))
        if update.new_points or update.stroke_ended or Event.CLEAR in update.events:
            self._version += 1
        where = update.canvas_tip or (0.0, 0.0)
        for event in update.events:
            self._steps.append(Step(StepKind(event.value), *where))

    def _step(self, tracker: HandTracker) -> bool:
        """Tracks the next camera frame; returns whether there was one."""
        frame = self._camera.next_frame(timeout=0.1)
        status, message = self._camera.status, self._camera.message
        if frame is None:
            with self._lock:
                if status is not CameraStatus.OK and (self._view.camera is not status or self._view.message != message):
                    last = self.gestures.strokes[-1][-1] if self.gestures.builder.open else None
                    if self.gestures.lose() and last is not None:
                        self._steps.append(Step(StepKind.UP, *last))
                        self._ended = True
                    self._publish(
                        camera=status, message=message, hand=None, pose=Pose.NONE, tip=None, drawing=False,
                        submit_progress=0.0, clear_progress=0.0,
                    )  # fmt: skip
            if status in (CameraStatus.ENDED, CameraStatus.CLOSED):
                self._stop.wait(0.05)
            return False
        start = time.perf_counter()
        hand = tracker.process(frame.image)
        ms = (time.perf_counter() - start) * 1000.0
        h, w = frame.image.shape[:2]
        with self._lock:
            self._times.append(ms)
            self.frames += 1
            self.found += hand is not None
            last = self.gestures.strokes[-1][-1] if self.gestures.builder.open else None
            update = self.gestures.update(hand, frame.time, (w, h))
            self._record(update, last)
            self._events.extend(update.events)
            self._ended |= update.stroke_ended
            self._publish(
                frame=frame, hand=hand, pose=update.pose, tip=update.tip, drawing=update.drawing,
                submit_progress=update.submit_progress, clear_progress=update.clear_progress,
                camera=CameraStatus.OK, message="",
            )  # fmt: skip
        return True
