"""The result view: the colour render next to the target, the seed's ``render | target``.

:func:`side_by_side` makes the picture once (``live fit``'s GIF frames); :class:`ResultView` keeps
it as one uint8 RGB buffer (D, 2D, 3) made once (D: ``app.window``, whatever the screen), writes
the colour view into its left half in place, and redraws the right half only when the target
changes. That buffer is what the recorder keeps. Both draw the target with
:func:`target_picture`; :func:`mask_at` gives a mask at the size it is shown.
"""

from __future__ import annotations

import numpy as np
import torch

#: Colour the target mask is shown in next to the render (the seed drew its 'A' in red).
TARGET_RGB = (255, 0, 0)


def to_uint8(image: torch.Tensor | np.ndarray) -> np.ndarray:
    """Float image in [0, 1], (H, W) or (H, W, 3), as uint8 of the same shape."""
    if isinstance(image, torch.Tensor):
        image = image.detach().cpu().numpy()
    return (np.clip(image, 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)


def target_picture(mask: np.ndarray) -> np.ndarray:
    """The target as it is shown: ``mask`` (H, W) in [0, 1] in :data:`TARGET_RGB`; returns (H, W, 3) uint8 RGB."""
    tint = np.asarray(TARGET_RGB, np.float32)
    return (np.clip(mask, 0.0, 1.0)[..., None] * tint + 0.5).astype(np.uint8)


def mask_at(mask: np.ndarray, side: int) -> np.ndarray:
    """``mask`` (S, S) in [0, 1] at ``side`` pixels: (side, side) float32 in [0, 1].

    Reduced by area; enlarged by interpolating and then steepening each edge back to one pixel
    of anti-aliasing (a binary mask's edge would otherwise spread over side / S pixels): the
    mask's own outline, drawn sharp at the size shown.
    """
    import cv2

    mask = np.asarray(mask, np.float32)
    size = mask.shape[0]
    if side == size:
        return mask
    if side < size:
        return cv2.resize(mask, (side, side), interpolation=cv2.INTER_AREA)
    grown = cv2.resize(mask, (side, side), interpolation=cv2.INTER_LINEAR)
    return np.clip((grown - 0.5) * (side / size) + 0.5, 0.0, 1.0, out=grown)


def side_by_side(color: torch.Tensor | np.ndarray, target: np.ndarray) -> np.ndarray:
    """The seed's result view: the colour render, then the target in red.

    Args:
        color: (H, W, 3) RGB in [0, 1].
        target: (H, W) in [0, 1].

    Returns:
        (H, 2W, 3) uint8 RGB.
    """
    return np.concatenate([to_uint8(color), target_picture(target)], axis=1)


class ResultView:
    """``colour | target`` side by side, updated in place.

    Args:
        size: the render size S (of the target masks).
        side: side D of each half in pixels (``app.window`` in the live loop); default S.
        ambient: the ambient light the swarm is drawn in (:meth:`set_swarm`).

    Attributes:
        image: (D, 2D, 3) uint8 RGB.
    """

    def __init__(self, size: int, side: int | None = None, ambient: float = 0.99):
        self.size = size
        self.side = side = size if side is None else side
        self.ambient = ambient
        self._painter = None  # draws the swarm at the view's side (set_swarm), made when first needed
        self.image = np.zeros((side, 2 * side, 3), np.uint8)

    def set_target(self, mask: np.ndarray) -> None:
        """Draws the target in red in the right half (scaled to the view's side, once per target).

        Args:
            mask: (S, S) in [0, 1].

        Raises:
            ValueError: a mask of another size.
        """
        if mask.shape != (self.size, self.size):
            raise ValueError(f"target of shape {mask.shape} does not match the render size {self.size}")
        self.image[:, self.side :] = target_picture(mask_at(mask, self.side))

    def set_screen(self, picture: np.ndarray) -> None:
        """Writes the swarm as the screen shows it into the left half.

        Args:
            picture: (D, D, 3) uint8 BGR, drawn at the view's side D.

        Raises:
            ValueError: a picture of another size.
        """
        import cv2

        if picture.shape[:2] != (self.side, self.side):
            raise ValueError(f"a {picture.shape[0]}-pixel picture for a {self.side}-pixel view: draw it at that side")
        self.image[:, : self.side] = cv2.cvtColor(picture, cv2.COLOR_BGR2RGB)

    def set_swarm(self, centers: torch.Tensor, radii: torch.Tensor, eyes=None) -> None:
        """Draws the swarm into the left half at the view's side (a screen that shows it at another
        size: the view stays as large as it is, whatever the screen).

        Args:
            centers: (N, 2) in NDC; radii: (N, 3) in NDC; eyes: an
                :class:`~live.render.eyes.EyePose`, or None (see
                :class:`~live.display.creatures.ScreenView`).
        """
        if self._painter is None:
            from live.display.creatures import ScreenView

            self._painter = ScreenView(self.side, self.ambient)
        self.set_screen(self._painter(centers, radii, eyes))
