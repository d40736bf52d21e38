"""Loss terms of the arranger, besides the seed's image loss sum((silhouette - target)^2).

The image loss only sees pixels within the blur radius of an outline (about 5 px at 256^2), so
a creature that does not touch the drawing gets no gradient and stays stranded; creatures also
pile onto each other. Two terms fix that, each a pure function of the creatures' centres:

- :func:`attraction`: every creature is pulled towards the nearest target pixel, by the target's
  distance transform sampled at its centre. It is computed once per target
  (:func:`distance_field`), so a step costs one bilinear lookup per creature.
- :func:`repulsion`: overlapping bodies push each other apart, a hinge on the distance between
  centres, squared so that a mild overlap costs little.

Both are scaled so that weight 1 means: moving a creature by one body radius is worth as much
loss as the pixel area of its body (the image loss's unit).
"""

from __future__ import annotations

import math

import cv2
import numpy as np
import torch


def distance_field(mask: np.ndarray) -> np.ndarray:
    """Distance in pixels from every pixel centre to the nearest target pixel centre.

    Args:
        mask: (S, S) in [0, 1]; pixels above 0.5 are the target.

    Returns:
        (S, S) float32, 0 on the target. An empty target gives zeros everywhere (no pull).
    """
    inside = np.asarray(mask) > 0.5
    if not inside.any():
        return np.zeros(inside.shape, np.float32)
    outside = (~inside).astype(np.uint8)
    return cv2.distanceTransform(outside, cv2.DIST_L2, cv2.DIST_MASK_PRECISE).astype(np.float32)


def sample_field(field: torch.Tensor, centers: torch.Tensor) -> torch.Tensor:
    """Bilinear lookup of an image at NDC points, differentiable with respect to the points.

    Args:
        field: (S, S) in image orientation (row 0 at the top).
        centers: (N, 2) in NDC (+x left, +y up).

    Returns:
        (N,) the field at each point (clamped to the border outside the image).
    """
    # grid_sample's x runs left to right and y top to bottom over pixel edges: the negated NDC.
    grid = (-centers).view(1, -1, 1, 2).to(field.dtype)  # (1, N, 1, 2)
    out = torch.nn.functional.grid_sample(
        field[None, None], grid, mode="bilinear", padding_mode="border", align_corners=False
    )
    return out.view(-1)


def attraction(field: torch.Tensor, centers: torch.Tensor, radii: torch.Tensor) -> torch.Tensor:
    """Pull of the target on every creature: sum_i area_i * dist_i / radius_i.

    Args:
        field: (S, S) distance to the target in pixels (:func:`distance_field`).
        centers: (N, 2) in NDC.
        radii: (N,) body radius in NDC.

    Returns:
        scalar; its gradient has the same size for a creature anywhere outside the target and is
        zero for a creature whose centre lies on it.
    """
    size = field.shape[-1]
    radius_px = radii * (size / 2.0)  # (N,)
    dist = sample_field(field, centers)  # (N,) pixels
    return torch.sum(math.pi * radius_px * dist)  # area * dist / radius


def repulsion(centers: torch.Tensor, radii: torch.Tensor, size: int, reach: float = 1.0) -> torch.Tensor:
    """Push between overlapping bodies: sum over pairs of area * (overlap / radius)^2.

    Args:
        centers: (N, 2) in NDC.
        radii: (N,) body radius in NDC.
        size: render size in pixels (sets the area unit, as in the image loss).
        reach: bodies repel while their centres are closer than ``reach`` * (r_i + r_j).

    Returns:
        scalar, 0 when no two bodies are that close.
    """
    n = centers.shape[0]
    if n < 2:
        return centers.sum() * 0.0
    contact = reach * (radii[:, None] + radii[None, :])  # (N, N)
    gap = centers[:, None, :] - centers[None, :, :]  # (N, N, 2)
    dist = torch.sqrt((gap * gap).sum(dim=2) + 1e-12)  # (N, N)
    overlap = torch.relu(contact - dist) / contact  # (N, N) in [0, 1]
    overlap = torch.triu(overlap, diagonal=1)  # each pair once, no self-pairs
    area = math.pi * (radii * (size / 2.0)) ** 2  # (N,) pixels
    pair_area = 0.5 * (area[:, None] + area[None, :])  # (N, N)
    return torch.sum(pair_area * overlap * overlap)


@torch.no_grad()
def stranded(field: torch.Tensor, centers: torch.Tensor, radii: torch.Tensor) -> int:
    """Number of creatures whose body does not overlap the target.

    A body overlaps the target when some target pixel centre lies within its radius (its polygon's
    apothem) of the creature's centre; the distance is the target's distance transform read
    bilinearly at the centre (exact to about half a pixel).

    Args:
        field: (S, S) distance to the target in pixels.
        centers: (N, 2) in NDC.
        radii: (N,) the body's inner radius in NDC.
    """
    size = field.shape[-1]
    dist = sample_field(field, centers)  # (N,) pixels
    return int((dist >= radii * (size / 2.0)).sum())
