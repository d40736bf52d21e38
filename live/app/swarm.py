"""The live swarm: the one writer into the arranger, and the pool it sizes for each target.

:class:`LiveSwarm` owns the arranger of ``live run``'s scene: it sets each new target, sizes the
pool (:class:`PoolSizer`), moves the eyes, starts the view of each frame on its own thread
(:class:`~live.render.view.ViewThread`), takes the frame's Adam steps and recovers from a
non-finite loss. Nothing else writes into the arranger. The view is drawn at the size the screen
shows it (:class:`~live.display.creatures.ScreenView`, :meth:`LiveSwarm.show_at`), whatever the
loss's size.

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

import logging

import numpy as np
import torch

from live.config import Config
from live.display.creatures import ScreenView
from live.optimise import Arranger
from live.render.eyes import EyePose, Eyes
from live.render.view import ViewThread
from live.scene import Scene
from live.sprites import SEED_RADIUS, Layer, SwarmPlan, plan_swarm

log = logging.getLogger("live.app")


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


class LiveSwarm:
    """The creatures of a live run, a frame at a time.

    Args:
        config: every setting (``swarm``, ``app.steps_per_frame``, ``ui.lively``).
        scene: renderer, arranger and crisp view (:func:`live.scene.build_live`).

    Attributes:
        sizer: sizes the pool for each target (None: the seed's fixed swarm).
        eyes: where the eyes look and when they blink (None: ``ui.lively`` off, the seed's look).
        shown: what this frame's view was drawn from, ``(centers, radii, eyes)`` of
            :meth:`~live.optimise.Arranger.view_inputs` (later steps do not change them): the clip
            is drawn from it too, at its own size; None before the first frame.
    """

    def __init__(self, config: Config, scene: Scene):
        self.scene = scene
        self.arranger = scene.arranger
        self.steps = config.app.steps_per_frame
        self.sizer = PoolSizer(config, scene.arranger) if scene.pool else None
        swarm = scene.renderer.swarm
        lively = config.ui.lively
        self.eyes = Eyes(len(swarm), config.swarm.seed, swarm.start.dtype, swarm.device) if lively else None
        self._ambient = config.render.ambient
        self.shown: tuple | None = None
        self._view = ScreenView(scene.crisp.size, self._ambient)
        self._drawer = ViewThread(self._view)

    @property
    def side(self) -> int:
        """Side in pixels of the view each frame draws (the swarm's panel on screen)."""
        return self._view.side

    def show_at(self, side: int) -> None:
        """Draws the view at ``side`` pixels from the next frame on (the screen's panel changed
        size: a kiosk learns its screen once the window manager has made it fullscreen). Called
        between frames; nothing happens when the side stays."""
        if side == self._view.side:
            return
        self._drawer.close()
        self._view = ScreenView(side, self._ambient)
        self._drawer = ViewThread(self._view)
        log.info("swarm: drawn at %d px", side)

    def set_target(self, mask: np.ndarray, now: float, plan: bool = True) -> None:
        """The creatures head for ``mask`` (S, S) in [0, 1] from now on; a pool is sized for it
        (``plan``; off, it keeps its size: the mirror's next mask of the same person)."""
        self.arranger.set_target(mask)
        if self.sizer is not None and plan:
            plan = self.sizer.set_target(mask, now)
            log.info("swarm: %d creatures of radius %.3f (stroke %.1f px)", plan.count, plan.radius, plan.stroke)

    def advance(self, now: float, pen: tuple[float, float] | None = None) -> tuple[np.ndarray, float, bool]:
        """One frame: the pool grows or shrinks, the view of the creatures as they stand now is
        drawn on its own thread while ``app.steps_per_frame`` Adam steps move them on.

        Args:
            now: the clock, in seconds.
            pen: where a pen that is down is, in NDC (the eyes look at it), or None.

        Returns:
            ``(view, loss, recovered)``: the view (D, D, 3) uint8 BGR at :attr:`side`, kept until
            the next frame's view is started; the last step's loss; and whether the swarm had to
            start again (a NaN or infinite loss).
        """
        if self.sizer is not None:
            self.sizer.update(now)  # creatures joining grow, those leaving shrink, in place
        # The view shows the creatures as they stand now (finite: the last step's NaN was
        # recovered from), drawn on its own thread while this frame's step moves them on.
        self.shown = self.arranger.view_inputs(self._eyes(now, pen))  # the view's, and the clip's [record]
        self._drawer.start(*self.shown)
        for _ in range(self.steps):
            loss = self.arranger.step()
        loss_value = float(loss)  # the HUD shows it
        recovered = self.arranger.recover(loss_value)  # NaN or inf: the swarm starts again
        return self._drawer.result(), loss_value, recovered

    def recover(self) -> None:
        """After a failed frame: a NaN offset breaks every step, so the swarm starts again if it has one."""
        self.arranger.recover()

    def close(self) -> None:
        """Stops the view's thread (the run is over)."""
        self._drawer.close()

    def _eyes(self, now: float, pen: tuple[float, float] | None) -> EyePose | None:
        """Where the eyes look this frame: at a pen that is down, else where each creature heads."""
        if self.eyes is None:
            return None
        radii = self.scene.renderer.radii  # (N, 3) now: a pool's creatures grow and shrink
        return self.eyes.update(self.arranger.centers(), radii, now, pen)
