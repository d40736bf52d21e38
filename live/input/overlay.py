"""The hands on screen: the camera picture (dimmed), each hand's skeleton, the trail, progress.

:class:`HandView` is what the hand input publishes for the screen (a :class:`PenView` per hand);
:func:`draw_canvas_view` makes the canvas window's picture from it and the canvas (the camera behind the ink, or in a
kiosk the camera in a corner). Drawn with OpenCV on the display image, uint8 BGR: this is the
display edge, where the core's RGB pictures become OpenCV's BGR.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from live.input.camera import CameraStatus, Frame
from live.input.gesture import CanvasMap, Point, Pose
from live.input.hand import HAND_CONNECTIONS, Hand

#: BGR colours of the overlay.
COLOURS = {
    "bone": (200, 200, 200),
    "joint": (60, 180, 255),
    "tip": (80, 80, 255),
    "tip_drawing": (80, 255, 80),
    "trail": (255, 220, 120),
    "submit": (80, 220, 80),
    "clear": (80, 80, 240),
    "text": (255, 255, 255),
}
Rect = tuple[int, int, int, int]
#: Brightness of the camera picture behind the canvas ink, 0 to 1.
DIM = 0.4
#: Kiosk picture-in-picture: its width as a fraction of the canvas side, and its margin in pixels.
PIP_FRACTION = 0.3
PIP_MARGIN = 8


@dataclass(frozen=True)
class PenView:
    """One hand on screen, with the pen it draws with."""

    pen: int
    """The hand's pen (:class:`~live.input.events.Pen`), kept while the hand stays in view."""
    hand: Hand | None = None
    """Its landmarks in pixels of the frame, or None (the hand was missed in this frame)."""
    pose: Pose = Pose.NONE
    """The hand's pose."""
    tip: tuple[float, float] | None = None
    """The smoothed index fingertip in pixels of the frame, or None."""
    drawing: bool = False
    """Whether the fingertip is drawing."""
    submit_progress: float = 0.0
    """Open palm held, 0 to 1."""
    clear_progress: float = 0.0
    """Fist held, 0 to 1."""


@dataclass(frozen=True)
class HandView:
    """What the screen shows of the hands: the latest tracked frame and its results."""

    frame: Frame | None = None
    """The camera frame the hands were tracked in ((H, W, 3) uint8 RGB), or None before the first."""
    hands: tuple[PenView, ...] = ()
    """Every hand's view, by pen (one per ``hand.max_hands`` at most, and pens waiting for a
    missed hand)."""
    camera: CameraStatus = CameraStatus.STARTING
    """The camera's state (the input's status() reports 'lost' to the loop; the screen shows no error)."""
    message: str = ""
    """Why the camera is lost or the tracker stopped; empty when all is well."""
    region: float = 0.9
    """The part of the picture that maps onto the canvas (see ``hand.region``)."""

    @property
    def drawing(self) -> bool:
        """Whether any hand is drawing."""
        return any(h.drawing for h in self.hands)


def draw_canvas_view(out: np.ndarray, canvas: np.ndarray, view: HandView, canvas_size: int, pip: bool) -> None:
    """The canvas window's picture: the hand over the canvas, into ``out``.

    In a window the camera picture (dimmed) fills the canvas behind the ink, with the skeleton
    and the gesture progress. In a kiosk (``pip``) the canvas stays as it is, with the skeleton
    and the progress, and the whole camera picture sits small in the bottom-right corner.

    Args:
        out: (W, W, 3) uint8 BGR, overwritten.
        canvas: (W, W, 3) uint8 BGR, the stroke canvas (ink on black).
        view: the hand as of the last poll.
        canvas_size: side of the canvas the hand's points are in.
        pip: the kiosk's picture-in-picture.
    """
    if not pip:
        out.fill(0)
        draw_hand_overlay(out, view, canvas_size=canvas_size, dim=DIM)  # picture dimmed, skeleton, progress
        cv2.max(out, canvas, dst=out)  # the ink over it
        return
    out[:] = canvas
    draw_hand_overlay(out, view, canvas_size=canvas_size, picture=False)  # skeleton, tip, progress
    w = max(16, int(out.shape[1] * PIP_FRACTION))
    shape = (9, 16) if view.frame is None else view.frame.image.shape[:2]
    h = max(16, w * shape[0] // shape[1])
    rect = (out.shape[1] - w - PIP_MARGIN, out.shape[0] - h - PIP_MARGIN, w, h)
    if rect[0] >= 0 and rect[1] >= 0:
        out[rect[1] : rect[1] + h, rect[0] : rect[0] + w] = 0
        draw_camera_inset(out, view, rect)


def _check(image: np.ndarray, rect: Rect) -> None:
    if image.ndim != 3 or image.shape[2] != 3 or image.dtype != np.uint8:
        raise ValueError(f"the display image must be (H, W, 3) uint8 BGR, got {image.shape} {image.dtype}")
    x, y, w, h = rect
    if w < 2 or h < 2 or x < 0 or y < 0 or x + w > image.shape[1] or y + h > image.shape[0]:
        raise ValueError(f"overlay rect {rect} must lie inside the {image.shape[1]}x{image.shape[0]} display image")


def draw_hand_overlay(
    image: np.ndarray,
    view: HandView,
    rect: Rect | None = None,
    *,
    strokes: Sequence[Sequence[Point]] = (),
    canvas_size: int = 224,
    dim: float = 0.4,
    picture: bool = True,
) -> None:
    """Draws the hand as it lies over the canvas into ``rect`` of the display image, in place.

    The part of the camera picture that maps onto the canvas fills ``rect``, so the skeleton, the
    fingertip and the trail line up with the canvas drawn in the same rect; the gesture progress
    goes on top. A lost camera shows nothing here: visitors never see its error (issue 17; the
    instruction changes instead, and staff read it on the HUD and in the log).

    Args:
        image: (H, W, 3) uint8 BGR display image.
        view: the hand input's view (``HandInput.view``).
        rect: (x, y, width, height) in display pixels; the whole image by default.
        strokes: a trail to draw, in canvas pixels.
        canvas_size: side of the canvas the strokes are in.
        dim: brightness of the camera picture, 0 (black) to 1.
        picture: False leaves the camera picture out (skeleton, trail and progress only).

    Raises:
        ValueError: a display image that is not uint8 BGR, or a rect outside it.
    """
    out = _region(image, rect)
    box = None
    if view.frame is not None:
        fh, fw = view.frame.image.shape[:2]
        left, top, side = CanvasMap((fw, fh), canvas_size, view.region).box
        box = (left, top, side, side)
        if picture:
            _draw_picture(out, view.frame.image, box, dim)
    _draw_trail(out, strokes, canvas_size)
    if box is not None:
        _draw_skeleton(out, view, box)
    _draw_progress(out, view)


def draw_camera_inset(image: np.ndarray, view: HandView, rect: Rect) -> None:
    """Draws the whole camera picture squeezed into ``rect``, with the skeleton only: a kiosk's
    picture-in-picture (the trail and the progress are the canvas view's).

    Raises:
        ValueError: a display image that is not uint8 BGR, or a rect outside it.
    """
    out = _region(image, rect)
    if view.frame is None:
        return
    fh, fw = view.frame.image.shape[:2]
    box = (0.0, 0.0, float(fw), float(fh))
    _draw_picture(out, view.frame.image, box, 1.0)
    _draw_skeleton(out, view, box)


#: A part of the camera picture: (left, top, width, height) in picture pixels.
Box = tuple[float, float, float, float]


def _region(image: np.ndarray, rect: Rect | None) -> np.ndarray:
    """The view of ``image`` that ``rect`` covers (all of it by default), checked."""
    rect = rect or (0, 0, image.shape[1], image.shape[0])
    _check(image, rect)
    x, y, w, h = rect
    return image[y : y + h, x : x + w]


class _PictureCache:
    """The last camera picture scaled and dimmed: the loop draws more frames than the camera
    delivers, and scaling a picture up to the canvas is the costly part of the overlay."""

    def __init__(self) -> None:
        self.source: np.ndarray | None = None  # held, so that its identity stays unique
        self.key: tuple = ()
        self.picture: np.ndarray | None = None


_picture_cache = _PictureCache()


def _draw_picture(out: np.ndarray, rgb: np.ndarray, box: Box, dim: float) -> None:
    """The ``box`` part of the camera picture (RGB), scaled to fill ``out`` (BGR), dimmed."""
    cache = _picture_cache
    key = (box, out.shape, dim)
    if cache.source is rgb and cache.key == key and cache.picture is not None:
        np.copyto(out, cache.picture)
        return
    left, top, w, h = box
    crop = rgb[int(round(top)) : int(round(top + h)), int(round(left)) : int(round(left + w))]
    if crop.size:
        # Scaled as RGB (a reversed channel view would make OpenCV copy it first), then swapped.
        scaled = cv2.resize(crop, (out.shape[1], out.shape[0]), interpolation=cv2.INTER_AREA)
        cv2.cvtColor(scaled, cv2.COLOR_RGB2BGR, dst=scaled)
        cv2.convertScaleAbs(scaled, out, alpha=float(np.clip(dim, 0.0, 1.0)))
        cache.source, cache.key, cache.picture = rgb, key, out.copy()


def _draw_trail(out: np.ndarray, strokes: Sequence[Sequence[Point]], canvas_size: int) -> None:
    """Strokes in canvas pixels, as thin lines over ``out`` (which shows the whole canvas)."""
    h, w = out.shape[:2]
    k = (w / canvas_size, h / canvas_size)
    thickness = max(1, round(min(w, h) / 150))
    for stroke in strokes:
        pts = np.round(np.asarray(stroke, np.float64).reshape(-1, 2) * k).astype(np.int32)
        if len(pts) == 1:
            cv2.circle(out, tuple(int(v) for v in pts[0]), thickness, COLOURS["trail"], -1, cv2.LINE_AA)
        elif len(pts) > 1:
            cv2.polylines(out, [pts], False, COLOURS["trail"], thickness, cv2.LINE_AA)


def _draw_skeleton(out: np.ndarray, view: HandView, box: Box) -> None:
    """Each hand's bones, joints and fingertip, from picture pixels in ``box`` to ``out``'s pixels."""
    left, top, w, h = box
    kx, ky = out.shape[1] / w, out.shape[0] / h
    u = _unit(out)

    def at(p) -> tuple[int, int]:
        return (int(round((p[0] - left) * kx)), int(round((p[1] - top) * ky)))

    for hand in view.hands:
        if hand.hand is None:
            continue
        pts = [at(p) for p in hand.hand.points]
        for a, b in HAND_CONNECTIONS:
            cv2.line(out, pts[a], pts[b], COLOURS["bone"], u, cv2.LINE_AA)
        for p in pts:
            cv2.circle(out, p, 2 * u, COLOURS["joint"], -1, cv2.LINE_AA)
        if hand.tip is not None:
            colour = COLOURS["tip_drawing"] if hand.drawing else COLOURS["tip"]
            cv2.circle(out, at(hand.tip), 5 * u, colour, -1 if hand.drawing else 2 * u, cv2.LINE_AA)


def _unit(out: np.ndarray) -> int:
    """Line width in pixels of the overlay's marks: 1 on a 512-pixel canvas, wider on a larger one
    (the canvas is drawn at the size it is shown)."""
    return max(1, round(min(out.shape[:2]) / 512))


def _draw_progress(out: np.ndarray, view: HandView) -> None:
    """Two arcs in the top corners: submit (open palm) on the left, clear (fist) on the right, each
    as far as the hand nearest to giving that command has got."""
    h, w = out.shape[:2]
    radius = max(6, min(w, h) // 16)
    for name, progress, centre, pose in (
        ("submit", max((p.submit_progress for p in view.hands), default=0.0), (radius + 6, radius + 6), Pose.OPEN),
        ("clear", max((p.clear_progress for p in view.hands), default=0.0), (w - radius - 6, radius + 6), Pose.FIST),
    ):
        if progress <= 0.0 and all(hand.pose is not pose for hand in view.hands):
            continue
        u = _unit(out)
        cv2.circle(out, centre, radius, COLOURS["text"], u, cv2.LINE_AA)
        if progress > 0.0:
            cv2.ellipse(out, centre, (radius, radius), -90, 0, 360 * progress, COLOURS[name], 3 * u, cv2.LINE_AA)
        scale = max(0.3, radius / 50)
        (tw, th), _ = cv2.getTextSize(name, cv2.FONT_HERSHEY_SIMPLEX, scale, u)
        org = (min(max(2, centre[0] - tw // 2), w - tw - 2), centre[1] + radius + th + 4)
        cv2.putText(out, name, org, cv2.FONT_HERSHEY_SIMPLEX, scale, COLOURS["text"], u, cv2.LINE_AA)
