"""Footage of a person for the mirror's tests, drawn procedurally, with the true mask of every frame.

There is no photo of a whole person in the repository, and the footage must be ours to publish:
so the person is drawn here from simple shapes (head and hair, face, neck, shirt, sleeves, bare
forearms and hands, trousers) over a room (wall, floor, a picture, a cupboard, a lamp), with
camera noise. MediaPipe's selfie segmentation finds this figure as it finds a person (IoU about
0.9 against the true mask, docs/mirror.md). A scene is a list of :class:`Pose` keyframes;
:func:`render` draws one frame and its true mask, :func:`write` a video of a scene.

    python -m tests.person_footage tests/data/person_walk.mp4   # the committed footage

The committed clip (:data:`WALK`, 12 s at 25 fps, 640x360): an empty room for 1 s, a person walks
in from the left, comes closer, waves, steps to the side and back, and walks out to the right;
an empty room for the last 1.6 s.
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass, replace
from pathlib import Path

import cv2
import numpy as np

#: The committed clip: (width, height) and frame rate.
SIZE = (640, 360)
FPS = 25.0
#: Drawing happens at this many times the frame's size, then is reduced (smooth edges).
SUPERSAMPLE = 2
SKIN = (224, 172, 140)
HAIR = (52, 36, 26)
SHIRT = (44, 86, 168)
TROUSERS = (48, 48, 60)
#: The room's wall (at the top; darker below) and floor.
WALL = (206, 196, 176)
FLOOR = (128, 104, 84)
#: A green room (the privacy test: a camera picture that leaks shows as green).
GREEN = {"wall": (40, 210, 60), "floor": (30, 160, 50)}


@dataclass(frozen=True)
class Pose:
    """Where the person stands and how, at one moment."""

    t: float
    """Seconds from the clip's start."""
    x: float
    """Head centre, as a fraction of the frame's width."""
    y: float
    """Head centre, as a fraction of the frame's height."""
    scale: float
    """Head radius as a fraction of the frame's height (0.08: a visitor a couple of metres away)."""
    left: float = 10.0
    """The left arm's angle from hanging down, in degrees (90: held out to the side)."""
    right: float = 10.0
    """The right arm's angle from hanging down, in degrees."""


#: The committed clip's keyframes (a person at x < -0.3 or x > 1.3 is out of view).
WALK = (
    Pose(0.0, -0.4, 0.30, 0.075),
    Pose(1.0, -0.4, 0.30, 0.075),
    Pose(2.6, 0.40, 0.30, 0.080),
    Pose(4.0, 0.50, 0.26, 0.110),
    Pose(4.8, 0.50, 0.26, 0.110, right=100.0),
    Pose(5.4, 0.50, 0.26, 0.110, right=60.0),
    Pose(6.0, 0.50, 0.26, 0.110, right=110.0, left=40.0),
    Pose(7.0, 0.36, 0.28, 0.100, left=30.0),
    Pose(8.0, 0.60, 0.28, 0.100),
    Pose(8.8, 0.55, 0.28, 0.095),
    Pose(10.4, 1.40, 0.30, 0.080),
    Pose(12.0, 1.40, 0.30, 0.080),
)


def pose_at(scene: tuple[Pose, ...], t: float) -> Pose:
    """The pose at ``t`` seconds, eased between the keyframes around it."""
    if t <= scene[0].t:
        return scene[0]
    for a, b in zip(scene, scene[1:], strict=False):
        if t <= b.t:
            u = (t - a.t) / (b.t - a.t) if b.t > a.t else 1.0
            u = u * u * (3.0 - 2.0 * u)
            mix = {k: getattr(a, k) + u * (getattr(b, k) - getattr(a, k)) for k in ("x", "y", "scale", "left", "right")}
            return replace(a, t=t, **mix)
    return replace(scene[-1], t=t)


def room(size: tuple[int, int] = SIZE, wall=WALL, floor=FLOOR) -> np.ndarray:
    """The empty room, (H, W, 3) float32 RGB in [0, 255]."""
    w, h = size
    y = np.linspace(0.0, 1.0, h, dtype=np.float32)[:, None, None]
    image = np.broadcast_to(np.array(wall, np.float32) * (1.0 - 0.25 * y), (h, w, 3)).copy()
    image[int(h * 0.80) :] = floor
    box = [(0.05, 0.18, 0.20, 0.48, (86, 122, 152)), (0.76, 0.36, 0.95, 0.86, (72, 60, 50))]  # picture, cupboard
    for x0, y0, x1, y1, colour in box:
        cv2.rectangle(image, (int(x0 * w), int(y0 * h)), (int(x1 * w), int(y1 * h)), colour, -1)
    cv2.circle(image, (int(0.85 * w), int(0.2 * h)), int(0.05 * h), (240, 226, 170), -1, cv2.LINE_AA)  # lamp
    return image


def _person(pose: Pose, size: tuple[int, int], shirt=SHIRT) -> tuple[np.ndarray, np.ndarray]:
    """The person alone: (H, W, 3) float32 colours and (H, W) float32 coverage in [0, 1]."""
    w, h = size
    colour = np.zeros((h, w, 3), np.float32)
    cover = np.zeros((h, w), np.float32)
    s = pose.scale * h
    cx, cy = pose.x * w, pose.y * h

    def pt(x: float, y: float) -> tuple[int, int]:
        return int(round(x)), int(round(y))

    def limb(a, b, radius: float, rgb) -> None:
        thick = max(1, int(round(2 * radius)))
        cv2.line(colour, pt(*a), pt(*b), rgb, thick, cv2.LINE_AA)
        cv2.line(cover, pt(*a), pt(*b), 1.0, thick, cv2.LINE_AA)

    def ellipse(c, axes, rgb, in_mask: bool = True) -> None:
        axes = (max(1, int(axes[0])), max(1, int(axes[1])))
        cv2.ellipse(colour, pt(*c), axes, 0, 0, 360, rgb, -1, cv2.LINE_AA)
        if in_mask:
            cv2.ellipse(cover, pt(*c), axes, 0, 0, 360, 1.0, -1, cv2.LINE_AA)

    shoulders = cy + 1.9 * s
    hips = cy + 6.2 * s
    for side in (-1.0, 1.0):  # legs first, the shirt over them
        limb((cx + side * 0.9 * s, hips), (cx + side * 1.1 * s, cy + 11.5 * s), 0.75 * s, TROUSERS)
    torso = np.array(
        [
            pt(cx - 2.2 * s, shoulders + 0.35 * s), pt(cx - 1.6 * s, shoulders - 0.2 * s),
            pt(cx + 1.6 * s, shoulders - 0.2 * s), pt(cx + 2.2 * s, shoulders + 0.35 * s),
            pt(cx + 1.9 * s, hips), pt(cx - 1.9 * s, hips),
        ],
        np.int32,
    )  # fmt: skip
    cv2.fillPoly(colour, [torso], shirt, cv2.LINE_AA)
    cv2.fillPoly(cover, [torso], 1.0, cv2.LINE_AA)
    limb((cx, cy + 0.8 * s), (cx, shoulders), 0.45 * s, SKIN)  # neck
    for side, degrees in ((-1.0, pose.left), (1.0, pose.right)):
        angle = math.radians(degrees)
        shoulder = (cx + side * 1.9 * s, shoulders + 0.3 * s)
        elbow = (shoulder[0] + side * math.sin(angle) * 2.6 * s, shoulder[1] + math.cos(angle) * 2.6 * s)
        fore = math.radians(min(degrees * 1.4, 170.0))
        wrist = (elbow[0] + side * math.sin(fore) * 2.3 * s, elbow[1] + math.cos(fore) * 2.3 * s)
        limb(shoulder, elbow, 0.52 * s, shirt)
        limb(elbow, wrist, 0.38 * s, SKIN)
        ellipse(wrist, (0.42 * s, 0.52 * s), SKIN)
    ellipse((cx, cy), (0.85 * s, 1.05 * s), SKIN)  # head
    ellipse((cx, cy - 0.45 * s), (0.92 * s, 0.68 * s), HAIR)
    for side in (-1.0, 1.0):  # eyes and mouth: in the picture, not a change to the mask
        ellipse((cx + side * 0.32 * s, cy + 0.05 * s), (0.1 * s, 0.08 * s), (30, 30, 30), in_mask=False)
    cv2.ellipse(colour, pt(cx, cy + 0.5 * s), (max(1, int(0.25 * s)), max(1, int(0.1 * s))), 0, 0, 180, (150, 60, 60),
                max(1, int(0.06 * s)), cv2.LINE_AA)  # fmt: skip
    return colour, cover


def render(
    pose: Pose | None,
    size: tuple[int, int] = SIZE,
    noise: float = 3.0,
    seed: int = 0,
    background=None,
    shirt=SHIRT,
) -> tuple[np.ndarray, np.ndarray]:
    """One frame and its true mask.

    Args:
        pose: the person's pose, or None for the empty room.
        size: (width, height) of the frame.
        noise: standard deviation of the camera noise, in grey levels.
        seed: the noise's seed (each frame its own).
        background: (H, W, 3) float32 RGB in [0, 255] (default: :func:`room`).
        shirt: the shirt's colour, RGB.

    Returns:
        ``(image, mask)``: (H, W, 3) uint8 RGB and (H, W) bool, True on the person.
    """
    w, h = size
    back = room(size) if background is None else background
    if pose is None:
        image, mask = back.copy(), np.zeros((h, w), bool)
    else:
        big = (w * SUPERSAMPLE, h * SUPERSAMPLE)
        colour, cover = _person(pose, big, shirt)
        colour = cv2.resize(colour, size, interpolation=cv2.INTER_AREA)
        cover = cv2.resize(cover, size, interpolation=cv2.INTER_AREA)
        image = back * (1.0 - cover[..., None]) + colour
        mask = cover > 0.5
    if noise > 0:
        image = image + np.random.default_rng(seed).normal(0.0, noise, image.shape).astype(np.float32)
    return np.clip(image + 0.5, 0, 255).astype(np.uint8), mask


def frames(scene: tuple[Pose, ...] = WALK, fps: float = FPS, size: tuple[int, int] = SIZE, colours=None):
    """Yields ``(image, mask)`` for every frame of ``scene`` (see :func:`render`); a pose out of
    view (its head centre beyond the frame by more than 0.3 of its width) is the empty room.
    ``colours``: {"wall", "floor", "shirt"} to change (e.g. :data:`GREEN`)."""
    colours = colours or {}
    back = room(size, colours.get("wall", WALL), colours.get("floor", FLOOR))
    count = int(round(scene[-1].t * fps))
    for i in range(count):
        pose = pose_at(scene, i / fps)
        visible = -0.3 < pose.x < 1.3
        yield render(pose if visible else None, size, seed=i, background=back, shirt=colours.get("shirt", SHIRT))


def write(
    path: str | Path, scene: tuple[Pose, ...] = WALK, fps: float = FPS, size: tuple[int, int] = SIZE, colours=None
) -> int:
    """Writes ``scene`` as an H.264 MP4 (imageio-ffmpeg) at ``path``; returns the frame count."""
    import imageio.v3 as iio

    images = [image for image, _ in frames(scene, fps, size, colours)]
    iio.imwrite(path, np.stack(images), fps=fps, codec="libx264", macro_block_size=8, quality=5)
    return len(images)


def true_masks(scene: tuple[Pose, ...] = WALK, fps: float = FPS, size: tuple[int, int] = SIZE) -> np.ndarray:
    """(F, H, W) bool: the true mask of every frame of ``scene``."""
    return np.stack([mask for _, mask in frames(scene, fps, size)])


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "tests/data/person_walk.mp4")
    print(f"{out}: {write(out)} frames")
