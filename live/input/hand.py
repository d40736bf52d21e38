"""Hand tracking: MediaPipe Hands on camera frames, landmarks in pixels, or None.

One :class:`HandTracker` (one MediaPipe ``Hands`` graph) serves the whole run and is used from
the one thread that created it: a graph per frame leaks memory, and one graph shared between
threads breaks its timestamps.
"""

from __future__ import annotations

import enum
import threading
from dataclasses import dataclass
from typing import Any

import numpy as np

from live.config import Config, HandConfig
from live.input.base import Input, InputSpec


class Landmark(enum.IntEnum):
    """The 21 hand landmarks of MediaPipe Hands, by their index."""

    WRIST = 0
    THUMB_CMC = 1
    THUMB_MCP = 2
    THUMB_IP = 3
    THUMB_TIP = 4
    INDEX_MCP = 5
    INDEX_PIP = 6
    INDEX_DIP = 7
    INDEX_TIP = 8
    MIDDLE_MCP = 9
    MIDDLE_PIP = 10
    MIDDLE_DIP = 11
    MIDDLE_TIP = 12
    RING_MCP = 13
    RING_PIP = 14
    RING_DIP = 15
    RING_TIP = 16
    PINKY_MCP = 17
    PINKY_PIP = 18
    PINKY_DIP = 19
    PINKY_TIP = 20


L = Landmark
#: The bones drawn as the hand's skeleton, as pairs of landmarks.
HAND_CONNECTIONS: tuple[tuple[Landmark, Landmark], ...] = (
    (L.WRIST, L.THUMB_CMC), (L.THUMB_CMC, L.THUMB_MCP), (L.THUMB_MCP, L.THUMB_IP), (L.THUMB_IP, L.THUMB_TIP),
    (L.WRIST, L.INDEX_MCP), (L.INDEX_MCP, L.INDEX_PIP), (L.INDEX_PIP, L.INDEX_DIP), (L.INDEX_DIP, L.INDEX_TIP),
    (L.MIDDLE_MCP, L.MIDDLE_PIP), (L.MIDDLE_PIP, L.MIDDLE_DIP), (L.MIDDLE_DIP, L.MIDDLE_TIP),
    (L.RING_MCP, L.RING_PIP), (L.RING_PIP, L.RING_DIP), (L.RING_DIP, L.RING_TIP),
    (L.PINKY_MCP, L.PINKY_PIP), (L.PINKY_PIP, L.PINKY_DIP), (L.PINKY_DIP, L.PINKY_TIP),
    (L.INDEX_MCP, L.MIDDLE_MCP), (L.MIDDLE_MCP, L.RING_MCP), (L.RING_MCP, L.PINKY_MCP), (L.WRIST, L.PINKY_MCP),
)  # fmt: skip


@dataclass(frozen=True)
class Hand:
    """One tracked hand."""

    points: np.ndarray
    """(21, 2) float64 landmark positions in pixels of the frame (x right, y down), indexed by
    :class:`Landmark`."""
    world: np.ndarray
    """(21, 3) float64 landmark positions in metres around the hand's centre (MediaPipe's world
    landmarks): the hand's shape regardless of where and how large it appears."""
    handedness: str
    """'Left' or 'Right' as MediaPipe reports it (it assumes a mirrored, selfie picture)."""
    score: float
    """MediaPipe's confidence in the handedness, in [0, 1]."""

    @property
    def tip(self) -> np.ndarray:
        """(2,) the index fingertip in pixels."""
        return self.points[Landmark.INDEX_TIP]


class HandTracker:
    """MediaPipe Hands (video mode) behind ``find(image) -> list[Hand]`` and ``process(image) -> Hand | None``.

    A context manager; ``close()`` frees the graph. Create it in the thread that will call
    :meth:`process` and call it from there only.

    Args:
        config: the ``[hand]`` settings (model_complexity, max_hands and the two confidences are used).

    Raises:
        ImportError: mediapipe is not installed (``pip install mediapipe==0.10.21``).
    """

    def __init__(self, config: HandConfig | None = None) -> None:
        try:
            import mediapipe as mp
        except ImportError as exc:
            raise ImportError(f"hand tracking needs mediapipe: pip install mediapipe==0.10.21 ({exc})") from exc
        self.config = config or HandConfig()
        self._hands: Any = mp.solutions.hands.Hands(
            static_image_mode=False,
            max_num_hands=self.config.max_hands,
            model_complexity=self.config.model_complexity,
            min_detection_confidence=self.config.min_detection_confidence,
            min_tracking_confidence=self.config.min_tracking_confidence,
        )
        self._owner = threading.get_ident()

    def process(self, image: np.ndarray) -> Hand | None:
        """Finds one hand in a frame: the first of :meth:`find`, or None when there is none.

        Raises:
            RuntimeError, ValueError: as :meth:`find`.
        """
        hands = self.find(image)
        return hands[0] if hands else None

    def find(self, image: np.ndarray) -> list[Hand]:
        """Finds up to ``config.max_hands`` hands in one frame.

        Args:
            image: (H, W, 3) uint8 RGB, as :class:`~live.input.camera.Frame` carries it. Frames
                must come in time order (MediaPipe tracks from one frame to the next).

        Returns:
            The hands in MediaPipe's order, which is not stable from frame to frame when there
            are several (:mod:`live.input.identity` keeps them apart); empty without a hand.

        Raises:
            RuntimeError: called from another thread than the one that created the tracker, or
                after ``close()``.
            ValueError: ``image`` is not (H, W, 3) uint8.
        """
        if self._hands is None:
            raise RuntimeError("the hand tracker is closed: create a new HandTracker")
        if threading.get_ident() != self._owner:
            raise RuntimeError("a HandTracker must be used from the thread that created it: create one per thread")
        if image.ndim != 3 or image.shape[2] != 3 or image.dtype != np.uint8:
            raise ValueError(f"hand tracking needs an (H, W, 3) uint8 RGB image, got {image.shape} {image.dtype}")
        result = self._hands.process(image)
        if not result.multi_hand_landmarks:
            return []
        h, w = image.shape[:2]
        worlds = result.multi_hand_world_landmarks or []
        labels = result.multi_handedness or []
        hands = []
        for i, marks in enumerate(result.multi_hand_landmarks):
            points = np.array([(m.x * w, m.y * h) for m in marks.landmark], dtype=np.float64)
            if i < len(worlds):
                world = np.array([(m.x, m.y, m.z) for m in worlds[i].landmark], dtype=np.float64)
            else:  # pragma: no cover - mediapipe 0.10 always gives both
                world = np.array([(m.x * w, m.y * h, m.z * w) for m in marks.landmark], dtype=np.float64)
            label, score = "Right", 0.0
            if i < len(labels):
                category = labels[i].classification[0]
                label, score = category.label, float(category.score)
            hands.append(Hand(points, world, label, score))
        return hands

    def close(self) -> None:
        """Frees the MediaPipe graph. Safe to call twice."""
        if self._hands is not None:
            self._hands.close()
            self._hands = None

    def __enter__(self) -> HandTracker:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


# -- the hand as an input kind (app.input = "hand") ------------------------------------------------
def _open_hand(config: Config, corner: bool) -> Input:
    """The hand seen by ``config.camera``, tracking in its own thread (``corner``: the camera shows in
    a corner of the canvas, as in a kiosk).

    Raises:
        ValueError: a bad camera source (e.g. a video file that does not exist).
        ImportError: mediapipe is missing.
    """
    from live.input.hand_input import HandInput

    return HandInput(config.camera, config.hand, config.app.window, pip=corner)


def _hand_ends(config: Config) -> bool:
    """A hand seen in a video file that does not loop."""
    import pathlib

    from live.input.camera import parse_source

    if config.camera.loop_video:
        return False
    try:
        return isinstance(parse_source(config.camera.source), pathlib.Path)
    except ValueError:
        return False


SPEC = InputSpec(open=_open_hand, ends=_hand_ends)
