"""The arranger: one Adam step on the creatures' offsets per call.

loss = sum over pixels of (silhouette - target)^2, as in the seed, plus (``LossConfig.kind =
"shaped"``) the attraction and repulsion terms of :mod:`live.loss`. The target can be replaced at
any step: it and its distance transform are copied into buffers made once, so nothing is
rebuilt. A step neither syncs the device nor reads a value back; the loss it returns is a device
tensor.
"""

from __future__ import annotations

import logging
import math

import numpy as np
import torch

from live.config import LossConfig
from live.loss import attraction, distance_field, lloyd, repulsion, sinkhorn, stranded, target_points
from live.render import Renderer
from live.render.eyes import EyePose
from live.render.geometry import outline_of

log = logging.getLogger("live.optimise")

#: The bare Arranger's loss: the seed's image loss alone (``build`` passes the configured one).
SEED_LOSS = LossConfig(kind="seed")


class Arranger:
    """Moves a swarm towards a target mask.

    Args:
        renderer: renders the swarm it was built for (its ``swarm`` attribute).
        lr: Adam learning rate.
        loss: the loss terms; default the seed's image loss alone (:data:`SEED_LOSS`).

    Attributes:
        offsets: (N, 2) leaf tensor in NDC, the only thing that moves.

    Raises:
        ValueError: a learning rate that is not positive.
    """

    def __init__(self, renderer: Renderer, lr: float = 0.05, loss: LossConfig | None = None):
        if lr <= 0:
            raise ValueError(f"learning rate must be positive, got {lr}")
        self.loss_config = loss if loss is not None else SEED_LOSS
        swarm = renderer.swarm
        self.renderer = renderer
        size = renderer.settings.size
        self.offsets = torch.zeros_like(swarm.start, requires_grad=True)
        self.optimizer = torch.optim.Adam([self.offsets], lr=lr)
        self.target = torch.zeros(size, size, dtype=swarm.start.dtype, device=swarm.device)
        self.field = torch.zeros_like(self.target)  # distance to the target in pixels
        self.points = self.target.new_zeros(0, 2)  # target points of the coverage drive, NDC
        self._sync_radii()

    def _sync_radii(self) -> None:
        """Reads the renderer's radii into the loss terms' buffers and the offsets' bounds."""
        swarm = self.renderer.swarm
        body = self.renderer.radii[:, 0]  # (N,) body radius, 0 for a creature taken out
        # A creature's centre stays at least its body radius inside the view: it stays on screen.
        reach = 1.0 - body[:, None]  # (N, 1)
        self._low = -reach - swarm.start  # (N, 2) bounds on the offsets
        self._high = reach - swarm.start
        self._radii = body
        self._present = body > 0  # (N,)
        present = torch.nonzero(self._present.cpu())
        self._active = int(present.max()) + 1 if len(present) else 0  # creatures after this are out
        self.present = len(present)
        """Creatures taking part now (body radius above 0)."""
        self._mean_radius = (
            float(body[: self._active].mean())
            if len(present) == len(body)
            else float(body.sum()) / max(len(present), 1)
        )
        # The body polygon's inner radius: a target pixel closer than this is surely covered.
        self._inner = body * outline_of(self.renderer.settings).inner  # (N,)

    @property
    def radii(self) -> torch.Tensor:
        """(N,) body radius of every creature now, in NDC (0: taken out)."""
        return self._radii

    def set_radii(self, body: torch.Tensor) -> None:
        """Sets the creatures' body radii (N,) in NDC; 0 takes a creature out. Takes effect at the
        next step; the offsets and Adam's state are kept (cheap: may run every frame).

        Raises:
            ValueError: a shape other than (N,).
        """
        self.renderer.set_radii(body)
        self._sync_radii()

    @property
    def size(self) -> int:
        return self.target.shape[0]

    def set_target(self, mask: np.ndarray | torch.Tensor) -> None:
        """Replaces the target; takes effect at the next step.

        Args:
            mask: (S, S) in [0, 1], S the render size.

        Raises:
            ValueError: a mask of another shape.
        """
        if tuple(mask.shape) != tuple(self.target.shape):
            raise ValueError(f"target of shape {tuple(mask.shape)} does not match the render size {self.size}")
        source = torch.from_numpy(np.ascontiguousarray(mask)) if isinstance(mask, np.ndarray) else mask
        self.target.copy_(source)
        # Once per target, on the CPU: the distance transform the attraction reads.
        self.field.copy_(torch.from_numpy(distance_field(self.target.cpu().numpy())))
        if self.loss_config.coverage > 0:
            points = target_points(self.target.cpu().numpy())
            self.points = torch.from_numpy(points).to(dtype=self.target.dtype, device=self.target.device)

    def loss(self) -> torch.Tensor:
        """The loss at the current offsets, with its graph (scalar tensor)."""
        image = torch.sum((self.renderer.silhouette(self.offsets) - self.target) ** 2)
        config = self.loss_config
        if config.kind == "seed":
            return image
        active = self._active
        centers = (self.renderer.swarm.start + self.offsets)[:active]  # (A, 2): the creatures present
        radii = self._radii[:active]
        if config.attraction > 0:
            image = image + config.attraction * attraction(self.field, centers, radii)
        if config.repulsion > 0:
            image = image + config.repulsion * repulsion(centers, radii, self.size, config.reach, self._mean_radius)
        if config.coverage > 0:
            if config.cover == "lloyd":
                cover = lloyd(centers, radii, self.points, self.size)
            else:
                cover = sinkhorn(centers, radii, self.points, self.size, config.cover_blur)
            image = image + config.coverage * cover
        return image

    def stranded(self) -> int:
        """Number of creatures whose body does not overlap the target now (reads back: not per frame)."""
        centers = self.renderer.swarm.start + self.offsets.detach()
        return stranded(self.field, centers[self._present], self._inner[self._present])

    def step(self) -> torch.Tensor:
        """One Adam step; returns the loss before the step as a detached device scalar, or NaN
        when the step left a NaN offset (so the caller's :meth:`recover` sees that too, in the
        value it reads anyway)."""
        self.optimizer.zero_grad(set_to_none=False)
        loss = self.loss()
        loss.backward()
        self.optimizer.step()
        with torch.no_grad():
            self.offsets.clamp_(self._low, self._high)  # an infinite offset ends at its bound
            return loss.detach() + 0.0 * self.offsets.sum()  # a NaN offset makes it NaN; no sync

    def reset(self) -> None:
        """Every creature back at its start position, with a fresh Adam state: the way out of a
        non-finite loss or offset (a NaN stays NaN through Adam and the clamp)."""
        with torch.no_grad():
            self.offsets.zero_()
        self.offsets.grad = None
        self.optimizer.state.clear()  # moments are made again at the next step

    def recover(self, loss: float | None = None) -> bool:
        """Resets the swarm (logged) when ``loss``, the value :meth:`step` returned, read back by
        the caller, is not finite: a non-finite loss, or a NaN offset left by the step. Call it
        before rendering again (a renderer may fail on a NaN centre). Without ``loss`` the
        offsets themselves are checked (a sync: for a failure path, not every frame).

        Returns:
            True when the swarm was reset.
        """
        if loss is None:
            if bool(torch.isfinite(self.offsets).all()):
                return False
            log.warning("an offset is not finite: the swarm starts again from its start positions")
        elif math.isfinite(loss):
            return False
        else:
            log.warning("loss is %s: the swarm starts again from its start positions", loss)
        self.reset()
        return True

    def color(self, eyes: EyePose | None = None) -> torch.Tensor:
        """Colour view at the current offsets, with ``eyes`` (None: centred): (S, S, 3) RGB in [0, 1]."""
        return self.renderer.color(self.offsets.detach(), eyes)

    def centers(self) -> torch.Tensor:
        """(N, 2) the creatures' centres now, in NDC, detached."""
        return self.renderer.swarm.start + self.offsets.detach()

    @torch.no_grad()
    def view_inputs(self, eyes=None):
        """What a crisp view of the creatures present now is drawn from: ``(centers, radii, eyes)``,
        the centres a new tensor (a later step does not move them), eyes cut to the present."""
        active = max(self._active, 1)
        centers = self.centers()[:active]
        if eyes is not None:
            eyes = type(eyes)(eyes.eye[:active], eyes.pupil[:active], eyes.open[:active])
        return centers, self.renderer.radii[:active], eyes

    @torch.no_grad()
    def view(self, crisp, eyes=None) -> torch.Tensor:
        """The crisp colour view at the current offsets, drawn by ``crisp`` (a
        :class:`~live.render.view.CrispView`, at display resolution): (D, D, 3) RGB in [0, 1].

        Args:
            eyes: an :class:`~live.render.eyes.EyePose` for the N creatures, or None (centred).
        """
        return crisp(*self.view_inputs(eyes))

    @torch.no_grad()
    def silhouette(self) -> torch.Tensor:
        """Silhouette at the current offsets, no graph: (S, S) in [0, 1]."""
        return self.renderer.silhouette(self.offsets)
