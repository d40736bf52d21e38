"""Person segmentation: MediaPipe selfie segmentation on camera pictures, a mask in [0, 1].

One :class:`PersonSegmenter` (one MediaPipe graph, its model inside the wheel, offline) serves a
whole run and is used from the one thread that created it, as :class:`~live.input.hand.HandTracker`
is. MediaPipe scales every picture to its model's input itself, so a small picture costs little
more than the model (docs/mirror.md measures the sizes).
"""

from __future__ import annotations

import enum
import threading
from typing import Any

import numpy as np


class SegmentationModel(enum.IntEnum):
    """MediaPipe's two selfie segmentation models (its ``model_selection``)."""

    GENERAL = 0
    """256x256 input."""
    LANDSCAPE = 1
    """144x256 input: faster, and on the mirror's footage the closer outline (docs/mirror.md)."""


class PersonSegmenter:
    """MediaPipe selfie segmentation behind ``segment(image) -> mask``; a context manager.

    Create it in the thread that will call :meth:`segment` and call it from there only.

    Args:
        model: which of MediaPipe's models.

    Raises:
        ImportError: mediapipe is not installed (``pip install mediapipe==0.10.21``).
    """

    def __init__(self, model: SegmentationModel = SegmentationModel.LANDSCAPE) -> None:
        try:
            import mediapipe as mp
        except ImportError as exc:
            raise ImportError(f"the mirror needs mediapipe: pip install mediapipe==0.10.21 ({exc})") from exc
        self.model = SegmentationModel(model)
        self._graph: Any = mp.solutions.selfie_segmentation.SelfieSegmentation(model_selection=int(self.model))
        self._owner = threading.get_ident()

    def segment(self, image: np.ndarray) -> np.ndarray:
        """The person mask of one picture.

        Args:
            image: (H, W, 3) uint8 RGB.

        Returns:
            (H, W) float32 in [0, 1]: how sure the model is that each pixel shows a person.

        Raises:
            RuntimeError: called from another thread than the one that created the segmenter,
                or after ``close()``.
            ValueError: ``image`` is not (H, W, 3) uint8.
        """
        if self._graph is None:
            raise RuntimeError("the person segmenter is closed: create a new PersonSegmenter")
        if threading.get_ident() != self._owner:
            raise RuntimeError("a PersonSegmenter must be used from the thread that created it: create one per thread")
        if image.ndim != 3 or image.shape[2] != 3 or image.dtype != np.uint8:
            raise ValueError(f"segmentation needs an (H, W, 3) uint8 RGB image, got {image.shape} {image.dtype}")
        mask = self._graph.process(image).segmentation_mask
        return np.clip(mask, 0.0, 1.0)  # a copy: MediaPipe owns (and reuses) its output

    def close(self) -> None:
        """Frees the MediaPipe graph. Safe to call twice."""
        if self._graph is not None:
            self._graph.close()
            self._graph = None

    def __enter__(self) -> PersonSegmenter:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
