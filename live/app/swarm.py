"""The live swarm: a pool of creature slots, sized by each target, growing and shrinking.

``live run`` (with ``swarm.sizing = "target"``) builds ``swarm.pool`` creatures once
(:func:`live.scene.build_live`). Each target chooses how many take part and how big they are
(:func:`live.sprites.plan_swarm`); the first ``count`` slots take part, the rest have radius 0
(out of both images and of the loss, at no cost: the renderers stop at the last one present).
Nothing is rebuilt when the target changes: :class:`PoolSizer` moves every slot's body radius from
where it is to its planned value over ``swarm.grow_seconds``, one tensor operation a frame, and
hands it to :meth:`live.optimise.Arranger.set_radii`. Joining creatures grow from a point where
they stand, leaving ones shrink to nothing where they stand, the others change size in place: no
centre moves because of a new target (only the optimiser moves them, a step at a time).
"""

from __future__ import annotations

import numpy as np
import torch

from live.config import Config
from live.optimise import Arranger
from live.sprites import SEED_RADIUS, Layer, SwarmPlan, plan_swarm


def ease(t: float) -> float:
    """Smoothstep of ``t`` clipped to [0, 1]: starts and ends at rest."""
    t = min(max(t, 0.0), 1.0)
    return t * t * (3.0 - 2.0 * t)


class PoolSizer:
    """Animates the pool's body radii towards each target's plan.

    Args:
        config: every setting (``[swarm]``, ``app.window``).
        arranger: the arranger of the pool's swarm; its radii start at 0 (no creature shown).

    Attributes:
        plan: the plan of the last target (None before the first).
    """

    def __init__(self, config: Config, arranger: Arranger):
        self.settings = config.swarm
        self.window = config.app.window
        self.arranger = arranger
        template = arranger.renderer.swarm.radii[:, Layer.BODY]  # (P,) the seed's sizes, +-14%
        self._unit = template / SEED_RADIUS  # (P,) each creature's size relative to the mean
        self._slot = torch.arange(len(template), device=template.device)  # (P,)
        self._from = torch.zeros_like(template)  # (P,) radii when the change began
        self._to = torch.zeros_like(template)  # (P,) the plan's radii
        self._now = torch.zeros_like(template)  # (P,) radii now
        self._began = 0.0
        self._moving = False
        self.plan: SwarmPlan | None = None
        arranger.set_radii(self._now)

    @property
    def radii(self) -> torch.Tensor:
        """(P,) body radius of every slot now, in NDC (0: not taking part)."""
        return self._now

    @property
    def moving(self) -> bool:
        """True while creatures grow or shrink."""
        return self._moving

    def set_target(self, mask: np.ndarray, now: float) -> SwarmPlan:
        """Plans the swarm for ``mask`` (S, S) in [0, 1]; creatures start growing or shrinking
        towards it from where they are at time ``now`` (seconds)."""
        plan = plan_swarm(mask, self.settings, self.window)
        self.plan = plan
        self._from.copy_(self._now)
        # The first ``count`` slots take part: the seed's creature scaled to the plan's radius.
        taking_part = (self._slot < plan.count).to(self._unit.dtype)  # (P,)
        torch.mul(self._unit, plan.radius * taking_part, out=self._to)
        self._began = now
        self._moving = True
        return plan

    def update(self, now: float) -> bool:
        """Moves the radii on to time ``now`` and hands them to the arranger (one tensor
        operation, no read-back; nothing at all once they have arrived).

        Returns:
            True when the radii changed this frame.
        """
        if not self._moving:
            return False
        seconds = self.settings.grow_seconds
        t = 1.0 if seconds <= 0 else (now - self._began) / seconds
        weight = ease(t)
        torch.lerp(self._from, self._to, weight, out=self._now)
        if t >= 1.0:
            self._moving = False
        self.arranger.set_radii(self._now)
        return True
