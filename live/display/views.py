"""The result view: the colour render next to the target, the seed's ``render | target``.

The view is one uint8 RGB buffer (S, 2S, 3) made once; each frame writes the colour render into
its left half in place, and the right half changes only when the target does. This buffer is what
the recorder keeps and what the display scales up.
"""

from __future__ import annotations

import numpy as np
import torch

from live.record import TARGET_RGB


class ResultView:
    """``colour | target`` side by side, updated in place.

    Args:
        size: the render size S.

    Attributes:
        image: (S, 2S, 3) uint8 RGB.
    """

    def __init__(self, size: int):
        self.size = size
        self.image = np.zeros((size, 2 * size, 3), np.uint8)
        self._scratch = torch.empty(size, size, 3)  # float, on the CPU
        self._left = torch.from_numpy(self.image)[:, :size]  # (S, S, 3) view into image
        self._tint = np.asarray(TARGET_RGB, np.float32) / 255.0

    def set_target(self, mask: np.ndarray) -> None:
        """Draws the target in red in the right half.

        Args:
            mask: (S, S) in [0, 1].

        Raises:
            ValueError: a mask of another size.
        """
        if mask.shape != (self.size, self.size):
            raise ValueError(f"target of shape {mask.shape} does not match the render size {self.size}")
        shown = np.clip(mask, 0.0, 1.0)[..., None] * (self._tint * 255.0) + 0.5
        self.image[:, self.size :] = shown.astype(np.uint8)

    def set_color(self, color: torch.Tensor) -> None:
        """Writes the colour render into the left half (one device-to-host copy, no allocation).

        Args:
            color: (S, S, 3) RGB in [0, 1], any device.
        """
        with torch.no_grad():
            self._scratch.copy_(color)
            self._scratch.clamp_(0.0, 1.0).mul_(255.0).add_(0.5)
            self._left.copy_(self._scratch)  # float -> uint8 truncates: rounded by the +0.5
