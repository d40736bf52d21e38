"""From hand landmarks to pen events and commands: pure logic, no camera, no threads, no clock.

The frame's journey here: the hand's shape gives a pose (pointing, open, fist); the index
fingertip is smoothed (One Euro filter) and mapped onto the canvas; while the hand points, the
tip is a pen that draws (filled in between far-apart samples); an open palm held long enough is
:attr:`~live.input.events.Command.SUBMIT`, a fist held long enough
:attr:`~live.input.events.Command.CLEAR`. What comes out is the input vocabulary
(:mod:`live.input.events`); the strokes themselves are kept by the canvas. Every time is passed
in (``t``, seconds), so tests drive it exactly.
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass

import numpy as np

from live.config import HandConfig, InputKind
from live.input.events import Command, Event, Pen, Phase
from live.input.hand import Hand, Landmark

#: (middle knuckle, tip) of the four fingers, in order index, middle, ring, pinky.
FINGERS: tuple[tuple[Landmark, Landmark], ...] = (
    (Landmark.INDEX_PIP, Landmark.INDEX_TIP),
    (Landmark.MIDDLE_PIP, Landmark.MIDDLE_TIP),
    (Landmark.RING_PIP, Landmark.RING_TIP),
    (Landmark.PINKY_PIP, Landmark.PINKY_TIP),
)

Point = tuple[float, float]

#: Seconds without any sample after which a stroke ends even if the hand points on both sides
#: of the gap (a slow machine's frame interval must stay below it).
MAX_GAP_S = 0.5
class Pose(enum.StrEnum):
    """What the hand is doing."""

    NONE = "none"  # no hand
    POINTING = "pointing"  # index extended, the other three curled: draws
    OPEN = "open"  # all four fingers extended: held, submits
    FIST = "fist"  # all four fingers curled: held, clears
    OTHER = "other"  # anything else


def finger_ratios(world: np.ndarray) -> np.ndarray:
    """How straight each finger is: distance wrist-tip over distance wrist-middle knuckle.

    About 1.35 for a straight finger, about 0.7 for one curled into a fist. On world landmarks
    (metres) it does not depend on where the hand is, how large it looks, or how it is turned.

    Args:
        world: (21, 3) or (21, 2) landmarks, indexed by :class:`Landmark`.

    Returns:
        (4,) ratios for index, middle, ring and pinky.

    Raises:
        ValueError: ``world`` does not have 21 rows.
    """
    world = np.asarray(world, dtype=np.float64)
    if world.ndim != 2 or world.shape[0] != len(Landmark):
        raise ValueError(f"landmarks must be (21, 2) or (21, 3), got {world.shape}")
    wrist = world[Landmark.WRIST]
    knuckles = np.linalg.norm(world[[k for k, _ in FINGERS]] - wrist, axis=1)  # (4,)
    tips = np.linalg.norm(world[[t for _, t in FINGERS]] - wrist, axis=1)  # (4,)
    return tips / np.maximum(knuckles, 1e-9)


def classify(hand: Hand | None, config: HandConfig) -> Pose:
    """The pose of ``hand`` (the thumb is not looked at: people hold it every which way).

    Raises:
        ValueError: malformed landmarks (see :func:`finger_ratios`).
    """
    if hand is None:
        return Pose.NONE
    ratios = finger_ratios(hand.world)
    extended = ratios >= config.extended_ratio
    curled = ratios <= config.curled_ratio
    if extended.all():
        return Pose.OPEN
    if curled.all():
        return Pose.FIST
    if extended[0] and curled[1:].all():
        return Pose.POINTING
    return Pose.OTHER


class OneEuroFilter:
    """The One Euro filter (Casiez, Roussel and Vogel, CHI 2012) on a point of any dimension.

    A low-pass filter whose cutoff rises with speed: strong smoothing when the point is still
    (no jitter), little when it moves fast (little lag). The speed is the norm of the filtered
    derivative, so both coordinates get the same cutoff.

    Args:
        min_cutoff: cutoff in Hz at rest.
        beta: cutoff added per unit of speed (units per second).
        d_cutoff: cutoff in Hz of the derivative's own low-pass.

    Raises:
        ValueError: a non-positive cutoff or a negative beta.
    """

    def __init__(self, min_cutoff: float = 1.0, beta: float = 0.05, d_cutoff: float = 1.0) -> None:
        if min_cutoff <= 0 or d_cutoff <= 0 or beta < 0:
            raise ValueError(
                f"One Euro filter needs positive cutoffs and beta >= 0, got min_cutoff={min_cutoff}, "
                f"d_cutoff={d_cutoff}, beta={beta}"
            )
        self.min_cutoff, self.beta, self.d_cutoff = min_cutoff, beta, d_cutoff
        self.reset()

    def reset(self) -> None:
        """Forgets the past: the next sample passes unchanged."""
        self._x: np.ndarray | None = None
        self._dx: np.ndarray | None = None
        self._t = 0.0

    @staticmethod
    def _alpha(cutoff: float, dt: float) -> float:
        tau = 1.0 / (2.0 * math.pi * cutoff)
        return 1.0 / (1.0 + tau / dt)

    def __call__(self, x: np.ndarray, t: float) -> np.ndarray:
        """Filters sample ``x`` (D,) taken at time ``t`` (seconds); returns the filtered (D,).

        A sample that is not later than the previous one returns the previous output.
        """
        x = np.asarray(x, dtype=np.float64)
        if self._x is None:
            self._x, self._t = x.copy(), t
            return x.copy()
        dt = t - self._t
        if dt <= 0:
            return self._x.copy()
        dx = (x - self._x) / dt
        # the first speed seen is taken as it is, as the first sample is: smoothing it from zero
        # would make a stroke that starts fast lag for its first frames
        self._dx = dx if self._dx is None else self._dx + self._alpha(self.d_cutoff, dt) * (dx - self._dx)
        cutoff = self.min_cutoff + self.beta * float(np.linalg.norm(self._dx))
        self._x = self._x + self._alpha(cutoff, dt) * (x - self._x)
        self._t = t
        return self._x.copy()


class HoldTimer:
    """Progress of a pose held for ``hold_s`` seconds; fires once per hold.

    A break shorter than ``grace_s`` pauses the progress instead of resetting it (a tracker
    glitch does not restart a hold). After firing, the pose must be released before it can fire
    again; progress stays at 1 meanwhile.

    Raises:
        ValueError: a non-positive ``hold_s`` or a negative ``grace_s``.
    """

    def __init__(self, hold_s: float, grace_s: float = 0.0) -> None:
        if hold_s <= 0 or grace_s < 0:
            raise ValueError(f"hold time must be positive and grace >= 0, got hold_s={hold_s}, grace_s={grace_s}")
        self.hold_s, self.grace_s = hold_s, grace_s
        self.reset()

    def reset(self) -> None:
        """Back to no progress."""
        self.progress = 0.0
        self._held = 0.0
        self._last: float | None = None  # time of the last update while active
        self._fired = False

    def update(self, active: bool, t: float) -> bool:
        """Feeds whether the pose is held at time ``t``; returns True on the update that completes it."""
        if not active:
            if self._last is not None and t - self._last > self.grace_s:
                self.reset()
            return False
        if self._last is not None:
            self._held += max(0.0, t - self._last)
        self._last = t
        # (the tolerance absorbs rounding in the sum of frame intervals)
        self.progress = 1.0 if self._held >= self.hold_s - 1e-9 else self._held / self.hold_s
        if self.progress >= 1.0 and not self._fired:
            self._fired = True
            return True
        return False


@dataclass(frozen=True)
class CanvasMap:
    """The centred square of the camera picture that maps onto the square canvas.

    Attributes:
        frame_size: (width, height) of the camera picture in pixels.
        canvas_size: side of the canvas in pixels.
        region: side of the square as a fraction of the picture's shorter side.
    """

    frame_size: tuple[int, int]
    canvas_size: int
    region: float = 0.9

    @property
    def box(self) -> tuple[float, float, float]:
        """(left, top, side) of the square in picture pixels."""
        w, h = self.frame_size
        side = self.region * min(w, h)
        return (w - side) / 2.0, (h - side) / 2.0, side

    def to_canvas(self, point: np.ndarray) -> Point:
        """A picture point (2,) in pixels to canvas pixels, clamped onto the canvas."""
        left, top, side = self.box
        k = self.canvas_size / side
        x = min(max((float(point[0]) - left) * k, 0.0), self.canvas_size - 1.0)
        y = min(max((float(point[1]) - top) * k, 0.0), self.canvas_size - 1.0)
        return (x, y)


def fill_in(a: Point, b: Point, step: float) -> list[Point]:
    """Points after ``a`` up to and including ``b``, no two neighbours farther apart than ``step``."""
    n = max(1, math.ceil(math.hypot(b[0] - a[0], b[1] - a[1]) / step))
    return [(a[0] + (b[0] - a[0]) * i / n, a[1] + (b[1] - a[1]) * i / n) for i in range(1, n + 1)]


class StrokeBuilder:
    """Pen events in canvas pixels from a gated stream of points.

    While ``drawing`` the point extends the open stroke (filled in every ``step`` pixels) or
    starts one. When drawing stops for longer than ``release_s``, or no sample comes at all for
    :data:`MAX_GAP_S`, the stroke ends, and the next point starts a new stroke: no line joins two
    strokes. Only the open stroke's last point is kept; the strokes are the canvas's.

    Args:
        step: most distance between two points of a stroke, in canvas pixels.
        release_s: seconds a stroke waits for the pen to draw again before it ends.
        pen: the pen the events name.

    Raises:
        ValueError: a non-positive step or a negative release time.
    """

    def __init__(self, step: float = 3.0, release_s: float = 0.15, pen: int = 0) -> None:
        if step <= 0 or release_s < 0:
            raise ValueError(f"stroke step must be positive and release_s >= 0, got {step}, {release_s}")
        self.step, self.release_s, self.pen = step, release_s, pen
        self._last: Point | None = None  # the open stroke's last point; None when none is open
        self._last_t = 0.0

    @property
    def open(self) -> bool:
        """Whether a stroke is open (being drawn, or in its short break)."""
        return self._last is not None

    def _pen(self, phase: Phase, point: Point) -> Pen:
        return Pen(phase, point[0], point[1], self.pen, source=InputKind.HAND)

    def update(self, point: Point | None, drawing: bool, t: float) -> list[Pen]:
        """Feeds one sample; returns its pen events in order.

        That is the up of a stroke that ended (at its last point), then the down of a new stroke
        or the moves that extend the open one.
        """
        if drawing and point is not None:
            events = []
            # no sample at all for a while (frames dropped, camera lost) ends the stroke too
            if self._last is not None and t - self._last_t > max(self.release_s, MAX_GAP_S):
                events = self.end()
            if self._last is None:
                events.append(self._pen(Phase.DOWN, point))
            else:
                events.extend(self._pen(Phase.MOVE, p) for p in fill_in(self._last, point, self.step))
            self._last, self._last_t = point, t
            return events
        if self._last is not None and t - self._last_t > self.release_s:
            return self.end()
        return []

    def end(self) -> list[Pen]:
        """Ends the open stroke now: its up event, or nothing when none is open."""
        if self._last is None:
            return []
        up, self._last = self._pen(Phase.UP, self._last), None
        return [up]


@dataclass(frozen=True)
class HandUpdate:
    """What one frame of hand tracking changed; canvas points are in canvas pixels."""

    time: float
    """The frame's time in seconds."""
    hand: Hand | None
    """The raw landmarks, or None."""
    pose: Pose
    """The pose in this frame."""
    tip: tuple[float, float] | None
    """The smoothed index fingertip in picture pixels, or None without a hand."""
    canvas_tip: tuple[float, float] | None
    """The same point on the canvas (clamped), or None."""
    drawing: bool
    """Whether this frame drew (the hand points)."""
    events: tuple[Event, ...]
    """What this frame says, in order: pen events in canvas pixels (the up of a stroke that
    ended, the down or moves of the one drawn), then the commands completed (submit, clear)."""
    submit_progress: float
    """Open palm held, from 0 to 1 (1 = submitted)."""
    clear_progress: float
    """Fist held, from 0 to 1 (1 = cleared)."""


class HandGestures:
    """Turns a stream of hands (or None) into pen events, commands and progress; one per hand.

    Args:
        config: the ``[hand]`` settings.
        canvas_size: side of the canvas that strokes are drawn on, in pixels.
        pen: the pen this hand's events name.

    Raises:
        ValueError: a canvas smaller than 8 pixels, or settings the filters refuse.
    """

    def __init__(self, config: HandConfig | None = None, canvas_size: int = 224, pen: int = 0) -> None:
        if canvas_size < 8:
            raise ValueError(f"canvas size must be at least 8 pixels, got {canvas_size}")
        self.config = config = config or HandConfig()
        self.canvas_size = canvas_size
        self.filter = OneEuroFilter(config.filter_min_cutoff, config.filter_beta, config.filter_d_cutoff)
        self.builder = StrokeBuilder(config.step, config.release_s, pen)
        self.submit = HoldTimer(config.submit_hold_s, config.release_s)
        self.clear_timer = HoldTimer(config.clear_hold_s, config.release_s)

    def lose(self) -> list[Pen]:
        """The hand can no longer be seen at all (camera lost): ends the stroke, drops the holds.

        Returns the up of the stroke that was open, or nothing.
        """
        self.filter.reset()
        self.submit.reset()
        self.clear_timer.reset()
        return self.builder.end()

    def update(self, hand: Hand | None, t: float, frame_size: tuple[int, int]) -> HandUpdate:
        """Feeds one frame's hand (None when there is none) at time ``t`` in seconds.

        Args:
            hand: the tracker's result for the frame.
            t: the frame's time; must not go back.
            frame_size: (width, height) of the frame the landmarks are in.
        """
        cfg = self.config
        pose = classify(hand, cfg)
        tip = canvas_tip = None
        if hand is None:
            self.filter.reset()
        else:
            smooth = self.filter(hand.tip, t)
            tip = (float(smooth[0]), float(smooth[1]))
            canvas_tip = CanvasMap(frame_size, self.canvas_size, cfg.region).to_canvas(smooth)
        drawing = pose is Pose.POINTING
        events: list[Event] = list(self.builder.update(canvas_tip, drawing, t))
        commands = []
        if self.submit.update(pose is Pose.OPEN, t):
            commands.append(Command.SUBMIT)
        if self.clear_timer.update(pose is Pose.FIST, t):
            commands.append(Command.CLEAR)
        if commands:
            events.extend(self.builder.end())  # a command ends the stroke first
        events.extend(commands)
        return HandUpdate(
            time=t,
            hand=hand,
            pose=pose,
            tip=tip,
            canvas_tip=canvas_tip,
            drawing=drawing,
            events=tuple(events),
            submit_progress=self.submit.progress,
            clear_progress=self.clear_timer.progress,
        )
