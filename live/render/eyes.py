"""Lively eyes: where each creature looks, and when it blinks. The loss never sees them.

A creature's eye and pupil move inside its body: towards where it is heading while it moves, and
towards the visitor's pen while someone draws. Each creature blinks now and then on a schedule
of its own (period and phase drawn from a seeded generator), so the swarm never blinks in unison.
Both the heading and the gaze are smoothed exponentially in time, so the eyes glide, never jump.

Everything here is tensor arithmetic on the swarm's device with the clock passed in as a Python
float: no value is read back, so a frame never waits for the device. Given the same seed, the
same clock and the same positions, the eyes are the same.

The result, an :class:`EyePose`, is what both renderers draw: per creature, the eye's and the
pupil's centre relative to the body's, and how open the eye is (the eye and the pupil are squashed
vertically by this factor about the eye's centre; a closed eye is a thin white slit).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

#: How far the eye may move from the body's centre, as a fraction of (body radius - eye radius).
EYE_TRAVEL = 0.45
#: How far the pupil may move from the eye's centre, as a fraction of (eye radius - pupil radius).
PUPIL_TRAVEL = 0.85
#: Speed (NDC units per second) at which a moving creature looks halfway to the edge of its eye.
HEADING_SPEED = 0.25
#: Time constants in seconds: of the heading (velocity) estimate, and of the gaze that follows it.
VELOCITY_TAU = 0.15
GAZE_TAU = 0.10
#: A pen nearer than this many body radii is looked at less and less (no flip when it crosses).
PEN_NEAR = 0.5
#: Blink schedule: each creature blinks every U(BLINK_PERIOD) seconds, each blink lasting
#: BLINK_SECONDS, the eye then closing down to CLOSED of its height.
BLINK_PERIOD = (2.5, 7.0)
BLINK_SECONDS = 0.16
CLOSED = 0.12
#: The blink schedule's generator is the swarm's seed plus this, so it never repeats the swarm's draws.
SEED_SALT = 0x5EE


@dataclass(frozen=True)
class EyePose:
    """The eyes of every creature this frame.

    Attributes:
        eye: (N, 2) centre of the eye relative to the body's centre, in NDC.
        pupil: (N, 2) centre of the pupil relative to the body's centre, in NDC.
        open: (N,) how open each eye is, in (0, 1]: the eye and pupil are scaled vertically by
            this about the eye's centre.
    """

    eye: torch.Tensor
    pupil: torch.Tensor
    open: torch.Tensor

    def layers(self) -> tuple[torch.Tensor, torch.Tensor]:
        """Per creature and layer (body, eye, pupil): centre shift and vertical scale.

        Returns:
            shift: (N, 3, 2) in NDC, zero for the body.
            scale: (N, 3), one for the body.
        """
        zero = torch.zeros_like(self.eye)
        shift = torch.stack([zero, self.eye, self.pupil], dim=1)  # (N, 3, 2)
        one = torch.ones_like(self.open)
        scale = torch.stack([one, self.open, self.open], dim=1)  # (N, 3)
        return shift, scale


def still_pose(n: int, dtype: torch.dtype = torch.float32, device=None) -> EyePose:
    """Eyes centred and open: the seed's look, as a pose."""
    zero = torch.zeros(n, 2, dtype=dtype, device=device)
    return EyePose(zero, zero.clone(), torch.ones(n, dtype=dtype, device=device))


def heading_gaze(velocity: torch.Tensor, speed: float = HEADING_SPEED) -> torch.Tensor:
    """Where a moving creature looks: along its velocity, the farther the faster.

    Args:
        velocity: (N, 2) in NDC per second.
        speed: the speed at which the gaze reaches half its range.

    Returns:
        (N, 2) gaze, length in [0, 1): v |v| / (|v|^2 + speed^2). Quadratic in a slow speed, so a
        creature trembling in place (as Adam leaves it near a minimum) keeps its eyes still.
    """
    speed2 = velocity.square().sum(dim=1, keepdim=True)  # (N, 1)
    return velocity * speed2.sqrt() / (speed2 + speed * speed)


def pen_gaze(centers: torch.Tensor, body: torch.Tensor, pen: torch.Tensor) -> torch.Tensor:
    """Where a creature looks while someone draws: at the pen.

    Args:
        centers: (N, 2) body centres in NDC.
        body: (N,) body radii in NDC.
        pen: (2,) the pen in NDC.

    Returns:
        (N, 2) gaze of length below 1, pointing from each centre to the pen; shorter only when the
        pen is within ``PEN_NEAR`` body radii, so the eye never flips across as the pen passes over.
    """
    toward = pen.view(1, 2) - centers  # (N, 2)
    distance = toward.norm(dim=1, keepdim=True)  # (N, 1)
    return toward / (distance + PEN_NEAR * body.view(-1, 1) + 1e-9)


def follow(value: torch.Tensor, target: torch.Tensor, dt: float, tau: float) -> torch.Tensor:
    """One step of exponential smoothing: ``value`` moves towards ``target`` with time constant
    ``tau`` over ``dt`` seconds (in place; returns ``value``). Independent of the frame rate."""
    if dt <= 0:
        return value
    return value.lerp_(target, 1.0 - math.exp(-dt / tau))


def blink_openness(now: float, period: torch.Tensor, phase: torch.Tensor) -> torch.Tensor:
    """How open each eye is at time ``now``.

    Args:
        now: seconds.
        period: (N,) seconds between a creature's blinks.
        phase: (N,) seconds, each creature's offset in its schedule.

    Returns:
        (N,) in [CLOSED, 1]: 1 between blinks; during a blink it falls to ``CLOSED`` and rises back
        along half a sine wave over ``BLINK_SECONDS``.
    """
    u = torch.remainder(phase + now, period) / BLINK_SECONDS  # (N,) in blinks since this one began
    lid = torch.sin(u.clamp(max=1.0) * math.pi).clamp_(min=0.0)  # 0 outside a blink (sin(pi) rounds below 0)
    return 1.0 - (1.0 - CLOSED) * lid


def place(radii: torch.Tensor, gaze: torch.Tensor, openness: torch.Tensor) -> EyePose:
    """The pose of eyes looking along ``gaze``.

    Args:
        radii: (N, 3) body, eye and pupil radii in NDC.
        gaze: (N, 2), length at most 1: 0 looks straight out, 1 to the edge.
        openness: (N,) in (0, 1].

    Returns:
        the :class:`EyePose`; the eye stays inside the body and the pupil inside the eye.
    """
    body, eye, pupil = radii[:, 0:1], radii[:, 1:2], radii[:, 2:3]  # (N, 1) each
    eye_shift = gaze * ((body - eye).clamp_min(0.0) * EYE_TRAVEL)  # (N, 2)
    pupil_in_eye = gaze * ((eye - pupil).clamp_min(0.0) * PUPIL_TRAVEL)  # (N, 2)
    squash = torch.stack([torch.ones_like(openness), openness], dim=1)  # (N, 2): the lid squashes y
    return EyePose(eye_shift, eye_shift + pupil_in_eye * squash, openness)


class Eyes:
    """The eyes of a swarm over time: heading, gaze and blinks, one :meth:`update` per frame.

    Args:
        n: number of creatures.
        seed: seeds the blink schedule (the swarm's seed).
        dtype, device: of the swarm.
    """

    def __init__(self, n: int, seed: int = 0, dtype: torch.dtype = torch.float32, device=None):
        gen = torch.Generator().manual_seed(seed + SEED_SALT)
        lo, hi = BLINK_PERIOD
        period = lo + (hi - lo) * torch.rand(n, generator=gen, dtype=torch.float64)
        phase = torch.rand(n, generator=gen, dtype=torch.float64) * period
        self.period = period.to(dtype=dtype, device=device)  # (N,)
        self.phase = phase.to(dtype=dtype, device=device)  # (N,)
        self.velocity = torch.zeros(n, 2, dtype=dtype, device=device)  # smoothed, NDC per second
        self.gaze = torch.zeros(n, 2, dtype=dtype, device=device)  # smoothed, length <= 1
        self._last = torch.zeros(n, 2, dtype=dtype, device=device)
        self._pen = torch.zeros(2, dtype=dtype, device=device)  # filled in place: no host-to-device copy
        self._last_time: float | None = None

    def reset(self) -> None:
        """Forgets the motion (e.g. the swarm was rebuilt): the eyes look straight out again."""
        self.velocity.zero_()
        self.gaze.zero_()
        self._last_time = None

    @torch.no_grad()
    def update(
        self, centers: torch.Tensor, radii: torch.Tensor, now: float, pen: tuple[float, float] | None = None
    ) -> EyePose:
        """Moves the eyes on to time ``now`` and returns their pose.

        Args:
            centers: (N, 2) body centres in NDC now.
            radii: (N, 3) body, eye and pupil radii in NDC now.
            now: the clock in seconds (non-decreasing).
            pen: (x, y) the pen (or fingertip) in NDC while someone draws, else None
                (:func:`canvas_to_ndc` converts canvas pixels).

        Returns:
            the :class:`EyePose` for this frame.
        """
        dt = 0.0 if self._last_time is None else max(0.0, now - self._last_time)
        if dt > 0:
            moved = (centers - self._last) / dt  # (N, 2) NDC per second
            follow(self.velocity, moved, dt, VELOCITY_TAU)
        self._last.copy_(centers)
        self._last_time = now
        if pen is None:
            target = heading_gaze(self.velocity)
        else:
            self._pen[0].fill_(pen[0])
            self._pen[1].fill_(pen[1])
            target = pen_gaze(centers, radii[:, 0], self._pen)
        if dt > 0:
            follow(self.gaze, target, dt, GAZE_TAU)
        return place(radii, self.gaze, blink_openness(now, self.period, self.phase))


def canvas_to_ndc(x: float, y: float, canvas: int) -> tuple[float, float]:
    """A canvas pixel (x right, y down, ``canvas`` pixels square) as a point of the render's NDC
    (+x left, +y up): the canvas and the render show the same square."""
    return 1.0 - (2.0 * x + 1.0) / canvas, 1.0 - (2.0 * y + 1.0) / canvas
