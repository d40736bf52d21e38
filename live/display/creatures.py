"""The swarm as the screen shows it: the creatures drawn at the size their panel takes on screen,
straight into uint8 BGR (the display edge).

:class:`ScreenView` draws what :class:`~live.render.view.CrispView` draws -- per creature a body,
an eye and a pupil in the layers' colours (:data:`live.sprites.LAYER_RGB`), every body behind every
eye behind every pupil, the eyes shifted and squashed as the :class:`~live.render.eyes.EyePose`
says, scaled by the ambient light -- as polygons that OpenCV fills with anti-aliased edges (C++, a
sixteenth of a pixel in position, enough corners that none shows). A frame costs the creatures' own
pixels, not the box they span: a 1837-pixel panel (a 4K kiosk) takes a few milliseconds where the
row-span view, which sums coverage over the whole box, takes tens. The picture is kept from frame
to frame: each frame clears only the box the last one drew in.

Against the crisp view's exact coverage (``tests/test_display_creatures.py``): the same pixels to
about a grey level on average, each layer's area within 2 % (a disc's within 1 % from a radius of
2 pixels on; smaller ones, the pupils in a 512-pixel window, within about 10 %).
"""

from __future__ import annotations

import math

import cv2
import numpy as np
import torch

from live.sprites import LAYER_RGB

#: Fractional bits of the positions handed to OpenCV (its ``shift``).
SHIFT = 4
ONE = 1 << SHIFT
#: OpenCV's anti-aliased fill reaches about this far (pixels) beyond the outline it is given
#: (measured: 0.63-0.67 from a radius of 2 px up): drawn this much smaller, a disc covers its area.
AA_REACH = 0.65
#: The smallest radius handed to OpenCV, in pixels (a smaller disc is a faint dot).
SMALLEST = 1.0 / ONE
#: Corners of the polygon that stands for a disc, by its radius in pixels: below the first bound
#: the first count, and so on; no edge lies more than 0.05 px inside the circle.
CORNERS = ((2.0, 12), (6.0, 24), (24.0, 48), (96.0, 96), (math.inf, 192))
#: Pixels kept around the discs' box when it is cleared (the anti-aliased edge, rounding).
BOX_MARGIN = 2


def _unit_polygon(corners: int) -> np.ndarray:
    """(M, 2) corners of a regular polygon of the same area as the unit circle."""
    angle = (np.arange(corners) + 0.5) * (2.0 * math.pi / corners)
    scale = math.sqrt(2.0 * math.pi / (corners * math.sin(2.0 * math.pi / corners)))
    return np.stack([np.cos(angle), np.sin(angle)], axis=1) * scale


UNIT = {corners: _unit_polygon(corners) for _, corners in CORNERS}


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
        side = self.side
        drawn = np.isfinite(x) & np.isfinite(y) & (rx > 0) & (ry > 0)
        drawn &= (x + rx > -1) & (x - rx < side) & (y + ry > -1) & (y - ry < side)  # touches the picture
        if not drawn.any():
            return self.image
        x0, x1 = _span(x[drawn], rx[drawn], side)
        y0, y1 = _span(y[drawn], ry[drawn], side)
        self._box = (x0, y0, x1, y1)
        for layer, colour in enumerate(self._colours):
            keep = drawn[:, layer]
            self._layer(x[keep, layer], y[keep, layer], rx[keep, layer], ry[keep, layer], colour)
        return self.image

    def _discs(self, centers, radii, eyes) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Each disc's centre in OpenCV's pixel coordinates (pixel j's centre at j) and its two
        radii in pixels: ``(x, y, rx, ry)``, each (N, 3) float64."""

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
        x = np.broadcast_to((1.0 - c[..., 0]) * k - 0.5, r.shape)
        y = np.broadcast_to((1.0 - c[..., 1]) * k - 0.5, r.shape)
        return x, y, r, r * squash

    def _layer(self, x, y, rx, ry, colour) -> None:
        """Draws one layer's discs, each (K,) in pixels, as polygons with enough corners."""
        corners = np.searchsorted([bound for bound, _ in CORNERS], np.maximum(rx, ry), side="right")
        image = self.image
        for c, (_, m) in enumerate(CORNERS):
            these = np.flatnonzero(corners == c)
            if these.size == 0:
                continue
            ax = np.maximum(rx[these] - AA_REACH, SMALLEST)[:, None]  # (K, 1)
            ay = np.maximum(ry[these] - AA_REACH, SMALLEST)[:, None]
            points = np.stack([x[these, None] + ax * UNIT[m][:, 0], y[these, None] + ay * UNIT[m][:, 1]], axis=2)
            for polygon in np.round(points * ONE).astype(np.int32):  # (M, 2) each
                cv2.fillConvexPoly(image, polygon, colour, cv2.LINE_AA, SHIFT)


def _span(centre: np.ndarray, radius: np.ndarray, side: int) -> tuple[int, int]:
    """The pixels [lo, hi) discs at ``centre`` of ``radius`` may touch along one axis, in [0, side)."""
    lo = int(np.floor((centre - radius).min())) - BOX_MARGIN
    hi = int(np.ceil((centre + radius).max())) + BOX_MARGIN + 1
    return max(0, lo), min(side, hi)
