"""The target as it is shown, and the seed's ``render | target`` picture.

:func:`side_by_side` makes the picture once (``live fit``'s GIF frames); the displays draw the
target beside or below the swarm with :func:`target_picture`; :func:`mask_at` gives a mask at the
size it is shown.
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
