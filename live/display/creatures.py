"""The swarm as the screen shows it: the creatures drawn at the size their panel takes on screen,
straight into uint8 BGR (the display edge).

:class:`ScreenView` draws what :class:`~live.render.view.CrispView` draws -- per creature a body,
an eye and a pupil in the layers' colours (:data:`live.sprites.LAYER_RGB`), every body behind every
eye behind every pupil, the eyes shifted and squashed as the :class:`~live.render.eyes.EyePose`
says, scaled by the ambient light -- with OpenCV's anti-aliased filled circles and ellipses
(C++, a sixteenth of a pixel in position and radius). A frame costs the creatures' own pixels, not
the box they span: a 1836-pixel panel (a 4K kiosk) takes a few milliseconds where the row-span
view, which sums coverage over the whole box, takes tens. The picture is kept from frame to frame:
each frame clears only the box the last one drew in.

Against the crisp view's exact coverage (``tests/test_display_creatures.py``): the same pixels to
within one grey level on average, the creatures' area within 1 %.
"""

from __future__ import annotations

import cv2
import numpy as np
import torch

from live.sprites import LAYER_RGB

#: Fractional bits of the positions and radii handed to OpenCV (its ``shift``).
SHIFT = 4
ONE = 1 << SHIFT
#: OpenCV's anti-aliased fill reaches about half a pixel beyond the edge it is given: drawn this
#: much smaller (in pixels), a disc covers its true area.
AA_REACH = 0.5
#: Pixels kept around the discs' box when it is cleared (the anti-aliased edge, rounding).
BOX_MARGIN = 2


class ScreenView:
    """Draws the swarm at one size, into a picture kept from frame to frame.

    Args:
        side: side of the picture in pixels (the panel's side on screen).
        ambient: the ambient light (the seed's 0.99) that scales every colour.

    Attributes:
        image: (side, side, 3) uint8 BGR, the last frame's picture; each call draws into it again
            (a caller keeps what it needs before the next call).

    Raises:
        ValueError: a side below 8 pixels.
    """

    def __init__(self, side: int, ambient: float):
        if side < 8:
            raise ValueError(f"view size must be at least 8 pixels, got {side}")
        self.side = side
        self.image = np.zeros((side, side, 3), np.uint8)
        self._colours = [tuple(round(255.0 * ambient * c) for c in reversed(rgb)) for rgb in LAYER_RGB]
        self._box: tuple[int, int, int, int] | None = None  # (x0, y0, x1, y1) the last frame drew in

    def __call__(self, centers: torch.Tensor, radii: torch.Tensor, eyes=None) -> np.ndarray:
        """Draws creatures at ``centers`` with disc radii ``radii``.

        Args:
            centers: (N, 2) in NDC (+x left, +y up), any device.
            radii: (N, 3) body, eye and pupil radius in NDC (0: not drawn).
            eyes: an :class:`~live.render.eyes.EyePose` for these N creatures, or None (centred).

        Returns:
            :attr:`image`, (side, side, 3) uint8 BGR.
        """
        if self._box is not None:
            x0, y0, x1, y1 = self._box
            self.image[y0:y1, x0:x1] = 0
            self._box = None
        x, y, rx, ry = self._discs(centers, radii, eyes)  # (N, 3) each, in pixels
        drawn = np.isfinite(x) & np.isfinite(y) & (rx * ONE >= 1) & (ry * ONE >= 1)
        side = self.side
        drawn &= (x + rx > -1) & (x - rx < side) & (y + ry > -1) & (y - ry < side)  # touches the picture
        if not drawn.any():
            return self.image
        x0, x1 = _span(x[drawn], rx[drawn], side)
        y0, y1 = _span(y[drawn], ry[drawn], side)
        self._box = (x0, y0, x1, y1)
        for layer, colour in enumerate(self._colours):
            self._layer(x[:, layer], y[:, layer], rx[:, layer], ry[:, layer], drawn[:, layer], colour)
        return self.image

    def _discs(self, centers, radii, eyes) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Each disc's centre (OpenCV's pixel coordinates: pixel j's centre at j) and the radii it is
        drawn with, less :data:`AA_REACH`: ``(x, y, rx, ry)``, each (N, 3) float64."""

        def host(t: torch.Tensor) -> np.ndarray:
            return t.detach().to("cpu", torch.float64).numpy()

        k = self.side / 2.0
        c = host(centers)[:, None, :]  # (N, 1, 2)
        r = host(radii) * k  # (N, 3) in pixels
        squash = np.ones_like(r)
        if eyes is not None:
            shift, scale = eyes.layers()  # (N, 3, 2), (N, 3)
            c, squash = c + host(shift), host(scale)
        # u = (1 - x) S / 2 pixel units from the left edge (the crisp view's); OpenCV's pixel j
        # has its centre at j, which is u = j + 1/2.
        x = (1.0 - c[..., 0]) * k - 0.5
        y = (1.0 - c[..., 1]) * k - 0.5
        x, y = np.broadcast_to(x, r.shape), np.broadcast_to(y, r.shape)
        return x, y, r - AA_REACH, r * squash - AA_REACH

    def _layer(self, x, y, rx, ry, drawn, colour) -> None:
        """Draws one layer's discs (those ``drawn`` says), in order."""
        index = np.flatnonzero(drawn)
        fixed = np.round(np.stack([x[index], y[index], rx[index], ry[index]]) * ONE).astype(np.int64)
        image = self.image
        for cx, cy, ax, ay in fixed.T.tolist():
            if ax == ay:
                cv2.circle(image, (cx, cy), ax, colour, -1, cv2.LINE_AA, SHIFT)
            else:
                cv2.ellipse(image, (cx, cy), (ax, ay), 0.0, 0.0, 360.0, colour, -1, cv2.LINE_AA, SHIFT)


def _span(centre: np.ndarray, radius: np.ndarray, side: int) -> tuple[int, int]:
    """The pixels [lo, hi) discs at ``centre`` of ``radius`` may touch along one axis, in [0, side)."""
    lo = int(np.floor((centre - radius).min())) - BOX_MARGIN
    hi = int(np.ceil((centre + radius).max())) + BOX_MARGIN + 1
    return max(0, lo), min(side, hi)
