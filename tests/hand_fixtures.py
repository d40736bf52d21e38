"""Hand landmark sequences for the tests: recorded from the shared footage, and synthetic poses.

``recorded(name)`` reads ``tests/data/hand_landmarks.npz`` (made by
``tests/data/record_hand_landmarks.py``); ``synthetic(pose)`` bends the fingers of a real
recorded open hand into pointing, a fist or a half-closed hand.
"""

from __future__ import annotations

import math
import time
from pathlib import Path

import numpy as np

from live.input.events import Command, Event, Pen, Phase
from live.input.hand import Hand, Landmark

FIXTURES = Path(__file__).resolve().parent / "data" / "hand_landmarks.npz"


def strokes_of(events: list[Event]) -> list[list[tuple[float, float]]]:
    """The strokes that pen events draw, as a canvas keeps them (a clear command drops them)."""
    strokes: list[list[tuple[float, float]]] = []
    for event in events:
        if event is Command.CLEAR:
            strokes = []
        elif isinstance(event, Pen) and event.phase is Phase.DOWN:
            strokes.append([(event.x, event.y)])
        elif isinstance(event, Pen) and event.phase is Phase.MOVE:
            strokes[-1].append((event.x, event.y))
    return strokes


def recorded(name: str) -> list[tuple[Hand | None, float]]:
    """The landmark sequence recorded from ``../shared/data/hands/<name>.mp4`` (tests/data fixture)."""
    data = np.load(FIXTURES)
    out = []
    for points, world, t in zip(data[f"{name}_points"], data[f"{name}_world"], data[f"{name}_time"], strict=True):
        hand = (
            None if np.isnan(points).any() else Hand(points.astype(np.float64), world.astype(np.float64), "Right", 1.0)
        )
        out.append((hand, float(t)))
    return out


def _rotation(axis: np.ndarray, angle: float) -> np.ndarray:
    axis = axis / np.linalg.norm(axis)
    k = np.array([[0, -axis[2], axis[1]], [axis[2], 0, -axis[0]], [-axis[1], axis[0], 0]])
    return np.eye(3) + math.sin(angle) * k + (1 - math.cos(angle)) * k @ k


FINGER_CHAINS = {
    "index": (Landmark.INDEX_MCP, Landmark.INDEX_PIP, Landmark.INDEX_DIP, Landmark.INDEX_TIP),
    "middle": (Landmark.MIDDLE_MCP, Landmark.MIDDLE_PIP, Landmark.MIDDLE_DIP, Landmark.MIDDLE_TIP),
    "ring": (Landmark.RING_MCP, Landmark.RING_PIP, Landmark.RING_DIP, Landmark.RING_TIP),
    "pinky": (Landmark.PINKY_MCP, Landmark.PINKY_PIP, Landmark.PINKY_DIP, Landmark.PINKY_TIP),
}


def curl(world: np.ndarray, finger: str, degrees: tuple[float, float, float]) -> np.ndarray:
    """Bends one finger of a real hand towards the palm at its three joints (MCP, PIP, DIP)."""
    world = world.copy()
    chain = list(FINGER_CHAINS[finger])
    normal = np.cross(
        world[Landmark.INDEX_MCP] - world[Landmark.WRIST], world[Landmark.PINKY_MCP] - world[Landmark.WRIST]
    )
    axis = np.cross(world[chain[1]] - world[chain[0]], normal)
    for i, angle in enumerate(degrees):
        joint = world[chain[i]].copy()
        moved = chain[i + 1 :]
        world[moved] = (world[moved] - joint) @ _rotation(axis, math.radians(angle)).T + joint
    return world


def synthetic(pose: str, tip: tuple[float, float] = (320.0, 240.0)) -> Hand:
    """A real open hand (first frame of the circle footage) bent into ``pose``, its index tip at ``tip``."""
    data = np.load(FIXTURES)
    world = data["fingertip_circle_world"][0].astype(np.float64)
    points = data["fingertip_circle_points"][0].astype(np.float64)
    fist = (80.0, 100.0, 60.0)
    if pose in ("pointing", "fist"):
        for finger in ("middle", "ring", "pinky"):
            world = curl(world, finger, fist)
    if pose == "fist":
        world = curl(world, "index", fist)
    if pose == "half":
        for finger in FINGER_CHAINS:
            world = curl(world, finger, (25.0, 25.0, 15.0))
    points = points - points[Landmark.INDEX_TIP] + np.asarray(tip)
    return Hand(points, world, "Right", 1.0)


class FakeWebcam:
    """A cv2.VideoCapture stand-in whose every frame differs where the camera's freeze check looks.

    Args:
        frames: good reads before every read fails (None: never fails).
        shape: (H, W, 3) of the BGR frames.
        delay: seconds each read takes, like a device's frame interval.
    """

    def __init__(self, frames: int | None = None, shape: tuple[int, int, int] = (48, 64, 3), delay: float = 0.002):
        self.frames, self.shape, self.delay, self.count = frames, shape, delay, 0

    def isOpened(self) -> bool:
        return True

    def get(self, prop: int) -> float:
        return 0.0

    def release(self) -> None:
        pass

    def read(self):
        time.sleep(self.delay)
        self.count += 1
        if self.frames is not None and self.count > self.frames:
            return False, None
        image = np.zeros(self.shape, np.uint8)
        image[0, [0, 8], 0] = divmod(self.count, 256)  # pixels the freeze check samples
        return True, image
