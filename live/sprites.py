"""The swarm: N one-eyed creatures, three concentric stacked discs each.

A creature is a red body, a white eye and a blue pupil, all centred on one point; what moves
is one (x, y) offset per creature. Coordinates are PyTorch3D's NDC: the view is [-1, 1]^2 with
+x to the left and +y up.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import IntEnum

import numpy as np
import torch

from live.config import SwarmConfig

#: Body radius range in NDC, and the eye's and pupil's radius as a fraction of the body's.
BODY_RADIUS = (0.15, 0.20)
#: The seed's mean body radius; a swarm of another size scales every creature by radius / this,
#: so the spread (+-14%) and the proportions stay the seed's.
SEED_RADIUS = (BODY_RADIUS[0] + BODY_RADIUS[1]) / 2.0
#: Smallest and largest body radius relative to the mean (0.857 and 1.143).
SPREAD = (BODY_RADIUS[0] / SEED_RADIUS, BODY_RADIUS[1] / SEED_RADIUS)
EYE_FRACTION = (0.3, 0.5)
PUPIL_FRACTION = (0.1, 0.25)
#: Start positions are drawn from this range on both axes.
START_RANGE = (-0.8, 0.8)


class Layer(IntEnum):
    """The three discs of a creature, back to front."""

    BODY = 0
    EYE = 1
    PUPIL = 2


#: RGB of each layer, indexed by :class:`Layer`.
LAYER_RGB = ((1.0, 0.0, 0.0), (1.0, 1.0, 1.0), (0.0, 0.0, 1.0))
#: View-space depth of each layer (the camera looks along +z, so smaller is nearer): the eye
#: and pupil sit in front of the body. Every creature shares these depths.
LAYER_DEPTH = (1.0, 0.9, 0.8)


@dataclass(frozen=True)
class Swarm:
    """The fixed part of the creatures: sizes and start positions.

    Attributes:
        radii: (N, 3) radius of the body, eye and pupil discs, in NDC.
        start: (N, 2) centre of each creature at offset zero, in NDC.
    """

    radii: torch.Tensor
    start: torch.Tensor

    def __len__(self) -> int:
        return self.radii.shape[0]

    @property
    def device(self) -> torch.device:
        return self.radii.device

    def to(self, device: torch.device | str | None = None, dtype: torch.dtype | None = None) -> Swarm:
        """Returns the swarm on ``device`` and/or in ``dtype``."""
        return Swarm(self.radii.to(device=device, dtype=dtype), self.start.to(device=device, dtype=dtype))


def make_swarm(n: int, seed: int = 0, device: torch.device | str = "cpu", radius: float | None = None) -> Swarm:
    """Draws ``n`` creatures from one generator seeded with ``seed``: same seed, same swarm.

    Args:
        n: number of creatures, at least 1.
        seed: generator seed, at least 0.
        device: where the tensors go (they are drawn on the CPU, so every device agrees).
        radius: mean body radius in NDC; ``None`` keeps the seed's sizes exactly. Every creature
            is the seed's creature scaled by ``radius`` / :data:`SEED_RADIUS`.

    Returns:
        a :class:`Swarm` with radii (n, 3) and start (n, 2), float32.

    Raises:
        ValueError: when ``n`` < 1, ``seed`` < 0 or ``radius`` <= 0.
    """
    if radius is not None and not radius > 0:
        raise ValueError(f"radius must be positive, got {radius}")
    if n < 1:
        raise ValueError(f"a swarm needs at least one creature, got sprites={n}")
    if seed < 0:
        raise ValueError(f"seed must be 0 or more, got {seed}")
    gen = torch.Generator().manual_seed(seed)

    def uniform(lo: float, hi: float, *shape: int) -> torch.Tensor:
        return lo + (hi - lo) * torch.rand(*shape, generator=gen, dtype=torch.float64)

    body = uniform(*BODY_RADIUS, n)
    if radius is not None:
        body = body * (radius / SEED_RADIUS)
    eye = body * uniform(*EYE_FRACTION, n)
    pupil = body * uniform(*PUPIL_FRACTION, n)
    start = uniform(*START_RANGE, n, 2)
    radii = torch.stack([body, eye, pupil], dim=1)
    return Swarm(radii.float().to(device), start.float().to(device))


@dataclass(frozen=True)
class SwarmPlan:
    """How many creatures a target takes, and how big they are (:func:`plan_swarm`)."""

    count: int
    radius: float
    """Mean body radius in NDC (creatures spread +-14% around it)."""
    stroke: float
    """The target's stroke width in pixels of the mask (:func:`live.target.stroke_width`)."""


def radius_limits(settings: SwarmConfig, window: int) -> tuple[float, float]:
    """Smallest and largest mean body radius in NDC: the smallest creature (0.857 of the mean)
    stays ``settings.min_radius_px`` on a display ``window`` pixels wide; the largest mean is the
    seed's."""
    low = settings.min_radius_px / (window / 2.0) / SPREAD[0]
    return low, max(low, SEED_RADIUS)


def min_text_stroke(settings: SwarmConfig, window: int, size: int) -> float:
    """Thinnest text stroke (the thickness ``cv2.putText`` is given, pixels of a ``size`` mask)
    that creatures of the smallest allowed size still draw: the mask's stroke is about 2.5 px
    wider than that thickness (anti-aliased edges count from 0.5)."""
    low, _ = radius_limits(settings, window)
    return max(0.0, 2.0 * low * (size / 2.0) / settings.stroke_ratio - 2.5)


def count_parts(mask: np.ndarray, min_area: float) -> int:
    """Separate parts of ``mask`` (8-connected, above 0.5) of at least ``min_area`` pixels."""
    import cv2

    n, _, stats, _ = cv2.connectedComponentsWithStats((np.asarray(mask) > 0.5).astype(np.uint8), connectivity=8)
    return int((stats[1:n, cv2.CC_STAT_AREA] >= min_area).sum())


def plan_swarm(mask: np.ndarray, settings: SwarmConfig, window: int) -> SwarmPlan:
    """Chooses the swarm for a target from its area and its stroke width.

    Mean radius = ``stroke_ratio`` x half the stroke width, within :func:`radius_limits`; count =
    ``fill`` x the target's area over the area of a body of that radius, at most ``pool`` (a target
    that would need more gets bigger creatures instead). With ``min_per_part``, a target whose
    parts would get fewer creatures each is given smaller ones.

    Args:
        mask: (S, S) in [0, 1].
        settings: the ``[swarm]`` settings.
        window: display side in pixels (``app.window``), for the smallest radius.

    Returns:
        the plan; an empty mask gets one creature of the seed's size.
    """
    from live.target import stroke_width

    size = mask.shape[0]
    area = float((np.asarray(mask) > 0.5).sum())
    if area == 0:
        return SwarmPlan(1, SEED_RADIUS, 0.0)
    stroke = stroke_width(mask)
    low, high = radius_limits(settings, window)
    px = size / 2.0  # pixels per NDC unit
    radius = min(max(settings.stroke_ratio * stroke / 2.0 / px, low), high)
    count = settings.fill * area / (math.pi * (radius * px) ** 2)
    if settings.min_per_part:
        least = settings.min_per_part * count_parts(mask, math.pi * (low * px) ** 2)
        if count < least:  # smaller creatures, enough for every part
            radius = max(math.sqrt(settings.fill * area / (math.pi * least)) / px, low)
            count = settings.fill * area / (math.pi * (radius * px) ** 2)
    if count > settings.pool:
        radius = math.sqrt(settings.fill * area / (math.pi * settings.pool)) / px
        count = settings.pool
    return SwarmPlan(max(1, round(count)), radius, stroke)
