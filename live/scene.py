"""The swarm's assembly: creatures, renderer and arranger, built once from the settings.

Every command and the live loop build what they run on here (:func:`build` for a headless fit,
:func:`build_live` for ``live run``), so none of them is built out of another. How the swarm is
sized (``swarm.sizing``) is decided once, in :func:`sizing_of`, and carried as a :class:`Sizing`:

- ``"target"`` (:data:`TARGET_SIZING`): each target chooses how many creatures take part and how
  big they are (:func:`live.sprites.plan_swarm`); the live loop keeps a pool of ``swarm.pool``
  slots that a target sizes (:class:`live.app.swarm.PoolSizer`);
- ``"seed"`` (:data:`SEED_SIZING`): ``swarm.sprites`` creatures of the seed's sizes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from live.config import Config
from live.optimise import Arranger
from live.render import Renderer, make_renderer, resolve_backend, resolve_device
from live.render.view import CrispView
from live.sprites import Swarm, SwarmPlan, make_swarm, min_text_stroke, plan_swarm


@dataclass(frozen=True)
class Sizing:
    """How the swarm is sized, decided once from ``swarm.sizing``."""

    name: str
    chooses: bool
    """The target chooses the count and size of the creatures (else: the seed's ``swarm.sprites``)."""

    def plan(self, config: Config, target: np.ndarray | None) -> SwarmPlan | None:
        """The swarm ``target`` (S, S) in [0, 1] takes; None for the seed's swarm (or no target)."""
        if not self.chooses or target is None:
            return None
        return plan_swarm(target, config.swarm, config.app.window)

    def min_text_stroke(self, config: Config) -> float:
        """Thinnest text stroke (pixels of a render-size mask) this swarm draws with creatures that
        stay visible; 0 where the creatures do not shrink to the text."""
        if not self.chooses:
            return 0.0
        return min_text_stroke(config.swarm, config.app.window, config.render.size)

    def live_swarm(self, config: Config, device: torch.device) -> tuple[Swarm, bool]:
        """The swarm the live loop builds once, and whether it is a pool that each target sizes
        (every slot at radius 0 until then)."""
        if self.chooses:
            return make_swarm(config.swarm.pool, config.swarm.seed, device), True
        return make_swarm(config.swarm.sprites, config.swarm.seed, device), False


TARGET_SIZING = Sizing("target", chooses=True)
SEED_SIZING = Sizing("seed", chooses=False)
#: Every sizing ``swarm.sizing`` can name.
SIZINGS = {s.name: s for s in (TARGET_SIZING, SEED_SIZING)}


def sizing_of(config: Config) -> Sizing:
    """The :class:`Sizing` that ``config.swarm.sizing`` names."""
    return SIZINGS[config.swarm.sizing]


@dataclass
class Scene:
    """What a fit or the live loop runs on."""

    renderer: Renderer
    arranger: Arranger
    backend: str
    device: torch.device
    crisp: CrispView
    """Draws the colour view at display resolution (``app.window``), anti-aliased."""
    plan: SwarmPlan | None = None
    """How the target chose the swarm (``None``: the seed's swarm, or a pool)."""
    pool: bool = False
    """The swarm is a pool of ``swarm.pool`` slots, all at radius 0 until a target sizes them
    (:func:`build_live`, :class:`live.app.swarm.PoolSizer`)."""


def _assemble(config: Config, swarm: Swarm, backend, plan: SwarmPlan | None = None, pool: bool = False) -> Scene:
    renderer = make_renderer(swarm, config.render, backend)
    arranger = Arranger(renderer, config.optim.lr, config.loss)
    if pool:
        arranger.set_radii(torch.zeros_like(swarm.radii[:, 0]))
    return Scene(renderer, arranger, backend, swarm.device, crisp_view(config, swarm.device), plan, pool)


def _where(config: Config) -> tuple[torch.device, str]:
    device = resolve_device(config.render.device)
    return device, resolve_backend(config.render.backend, device)


def build(config: Config, target: np.ndarray | None = None) -> Scene:
    """Makes the swarm, renderer and arranger of a headless fit.

    Args:
        target: (S, S) in [0, 1]. Where the sizing lets the target choose (``swarm.sizing =
            "target"``) it chooses the count and size of the creatures
            (:func:`live.sprites.plan_swarm`); otherwise, or without a target, the swarm is
            ``swarm.sprites`` creatures of the seed's sizes.

    Raises:
        ValueError: a device or backend that cannot run here.
    """
    device, backend = _where(config)
    plan = sizing_of(config).plan(config, target)
    if plan is None:
        swarm = make_swarm(config.swarm.sprites, config.swarm.seed, device)
    else:
        swarm = make_swarm(plan.count, config.swarm.seed, device, radius=plan.radius)
    return _assemble(config, swarm, backend, plan)


def build_live(config: Config) -> Scene:
    """Makes the live loop's scene, once: with ``swarm.sizing = "target"`` a pool of
    ``swarm.pool`` creatures of the seed's sizes, every one at radius 0 (absent) until a target
    chooses how many take part and how big they are; else the seed's ``swarm.sprites``.

    Raises:
        ValueError: a device or backend that cannot run here.
    """
    device, backend = _where(config)
    swarm, pool = sizing_of(config).live_swarm(config, device)
    return _assemble(config, swarm, backend, pool=pool)


def crisp_view(config: Config, device: torch.device) -> CrispView:
    """The display-resolution colour view of ``config``: ``app.window`` pixels, true circles.

    The 16-gon is the mesh's stand-in for a disc; at display resolution its corners would show,
    and a circle's row spans cost one square root where the polygon's cost 16 edge bounds (the
    view of the largest pool takes about 2.5x longer as 16-gons).
    """
    return CrispView(config.app.window, 0, config.render.ambient, device)


def sync(device: torch.device) -> None:
    """Waits for the device (for timing only; the live loop never calls it)."""
    if device.type == "cuda":
        torch.cuda.synchronize(device)
