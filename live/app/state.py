"""Small state machines of the loop: attract mode and the loss plateau."""

from __future__ import annotations

import math

import numpy as np


class Attract:
    """Attract mode: on after ``idle_seconds`` without input, off at the first stroke.

    The installation starts in attract mode (the creatures form the attract text until someone
    draws).

    Args:
        idle_seconds: seconds without input before attract mode; 0 turns it off (except at start).
        now: the clock at start, in seconds.
    """

    def __init__(self, idle_seconds: float, now: float):
        if idle_seconds < 0:
            raise ValueError(f"idle_seconds must be at least 0, got {idle_seconds}")
        self.idle_seconds = idle_seconds
        self.active = True
        self._last = now

    def touch(self, now: float) -> None:
        """Any input: the idle time starts again."""
        self._last = now

    def stroke(self, now: float) -> bool:
        """A stroke starts; returns True when it ends attract mode."""
        self._last = now
        was, self.active = self.active, False
        return was

    def left(self, now: float) -> float:
        """Seconds until attract mode starts; ``math.inf`` when it is on already or switched off."""
        if self.active or self.idle_seconds <= 0:
            return math.inf
        return max(0.0, self.idle_seconds - (now - self._last))

    def due(self, now: float) -> bool:
        """True when attract mode should start now (and marks it started)."""
        if self.active or self.idle_seconds <= 0 or now - self._last < self.idle_seconds:
            return False
        self.active = True
        return True


class Plateau:
    """Whether the loss has stopped falling: by less than ``tolerance`` (relative) over ``frames``.

    Losses are kept in a ring made once.
    """

    def __init__(self, frames: int, tolerance: float):
        if frames < 1:
            raise ValueError(f"plateau frames must be at least 1, got {frames}")
        self.frames = frames
        self.tolerance = tolerance
        self._ring = np.zeros(frames + 1)
        self._n = 0

    @property
    def count(self) -> int:
        """Losses seen since the last reset."""
        return self._n

    def reset(self) -> None:
        self._n = 0

    def update(self, loss: float) -> bool:
        """Adds this frame's loss; True when it fell by less than the tolerance over the window."""
        ring = self._ring
        ring[self._n % len(ring)] = loss
        self._n += 1
        if self._n < len(ring):
            return False
        old = ring[self._n % len(ring)]  # the loss ``frames`` frames ago
        return old - loss <= self.tolerance * max(abs(old), 1e-9)
