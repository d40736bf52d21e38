"""Geometry both backends share: the pixel grid in NDC and the regular polygon of a disc.

PyTorch3D's NDC convention: +x points left and +y up, and pixel (row i, column j) of an S x S
image has its centre at x = 1 - (2j + 1) / S, y = 1 - (2i + 1) / S.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

from live.config import RenderConfig


def pixel_to_ndc(index: torch.Tensor, size: int) -> torch.Tensor:
    """Returns the NDC coordinate of pixel centres: rows give y, columns give x.

    Args:
        index: row or column indices, any shape.
        size: image side in pixels.

    Returns:
        same shape as ``index``, floating point.
    """
    return 1.0 - (2.0 * index + 1.0) / size


def ndc_to_pixel(coord: torch.Tensor, size: int) -> torch.Tensor:
    """Inverse of :func:`pixel_to_ndc`: the (fractional) row or column of an NDC coordinate."""
    return (1.0 - coord) * (size / 2.0) - 0.5


def polygon_ring(segments: int, dtype: torch.dtype = torch.float32, device=None) -> torch.Tensor:
    """Returns the vertices of the unit regular polygon: (segments, 2), vertex k at angle 2*pi*k/segments."""
    theta = torch.arange(segments, dtype=torch.float64) * (2.0 * math.pi / segments)
    return torch.stack([theta.cos(), theta.sin()], dim=1).to(dtype=dtype, device=device)


def polygon_sector_frame(qx: torch.Tensor, qy: torch.Tensor, segments: int):
    """Finds, for each point, the polygon edge facing it and that edge's outward frame.

    The regular polygon has vertex k at angle 2*pi*k/segments; the edge between vertices k and k+1
    has its outward normal at angle (k + 1/2) * 2*pi/segments. A point relative to the centre
    always lies in the wedge of exactly one edge, and that edge is the nearest to it.

    Args:
        qx, qy: point coordinates relative to the polygon centre, broadcastable shapes.

    Returns:
        (nx, ny): the outward unit normal of the facing edge, broadcast shape of qx and qy.
    """
    step = 2.0 * math.pi / segments
    sector = torch.floor(torch.atan2(qy, qx) / step)
    beta = (sector + 0.5) * step
    return torch.cos(beta), torch.sin(beta)


def polygon_apothem(radius: torch.Tensor, segments: int) -> torch.Tensor:
    """Distance from the centre to each edge of a regular polygon of circumradius ``radius``."""
    return radius * math.cos(math.pi / segments)


def polygon_half_edge(radius: torch.Tensor, segments: int) -> torch.Tensor:
    """Half the edge length of a regular polygon of circumradius ``radius``."""
    return radius * math.sin(math.pi / segments)


@dataclass(frozen=True)
class Outline:
    """The outline of a creature's discs, decided once from the settings (:func:`outline_of`):
    the seed's regular polygon of ``segments`` sides, or a true circle (``segments`` 0)."""

    segments: int

    @property
    def polygon(self) -> bool:
        return self.segments > 0

    @property
    def inner(self) -> float:
        """Inner radius over circumradius: a point closer to the centre than this times the
        radius is surely inside."""
        return math.cos(math.pi / self.segments) if self.polygon else 1.0

    def edge(self, radius: torch.Tensor) -> torch.Tensor:
        """Distance from the centre to the outline's edges: the apothem, or the radius itself."""
        return polygon_apothem(radius, self.segments) if self.polygon else radius

    def half_edge(self, radius: torch.Tensor) -> torch.Tensor | None:
        """Half an edge's length; None for a circle (it has no ends)."""
        return polygon_half_edge(radius, self.segments) if self.polygon else None


def outline_of(settings: RenderConfig) -> Outline:
    """The outline ``render.outline`` and ``render.segments`` describe (the one place the setting
    is read)."""
    return Outline(settings.segments if settings.outline == "polygon" else 0)
