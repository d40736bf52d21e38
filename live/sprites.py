"""The swarm: N one-eyed creatures, three concentric stacked discs each.

A creature is a red body, a white eye and a blue pupil, all centred on one point; what moves
is one (x, y) offset per creature. Coordinates are PyTorch3D's NDC: the view is [-1, 1]^2 with
+x to the left and +y up.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

import torch

#: Body radius range in NDC, and the eye's and pupil's radius as a fraction of the body's.
BODY_RADIUS = (0.15, 0.20)
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


def make_swarm(n: int, seed: int = 0, device: torch.device | str = "cpu") -> Swarm:
    """Draws ``n`` creatures from one generator seeded with ``seed``: same seed, same swarm.

    Args:
        n: number of creatures, at least 1.
        seed: generator seed, at least 0.
        device: where the tensors go (they are drawn on the CPU, so every device agrees).

    Returns:
        a :class:`Swarm` with radii (n, 3) and start (n, 2), float32.

    Raises:
        ValueError: when ``n`` < 1 or ``seed`` < 0.
    """
    if n < 1:
        raise ValueError(f"a swarm needs at least one creature, got sprites={n}")
    if seed < 0:
        raise ValueError(f"seed must be 0 or more, got {seed}")
    gen = torch.Generator().manual_seed(seed)

    def uniform(lo: float, hi: float, *shape: int) -> torch.Tensor:
        return lo + (hi - lo) * torch.rand(*shape, generator=gen, dtype=torch.float64)

    body = uniform(*BODY_RADIUS, n)
    eye = body * uniform(*EYE_FRACTION, n)
    pupil = body * uniform(*PUPIL_FRACTION, n)
    start = uniform(*START_RANGE, n, 2)
    radii = torch.stack([body, eye, pupil], dim=1)
    return Swarm(radii.float().to(device), start.float().to(device))
