"""Headless fitting: a swarm, a renderer and an arranger run for a fixed number of steps.

Used by ``live demo`` and ``live fit``; the live installation builds the same three pieces with
:func:`build`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import torch

from live.config import Config
from live.display.views import side_by_side
from live.optimise import Arranger
from live.render import Renderer, make_renderer, resolve_backend, resolve_device
from live.render.view import CrispView
from live.sprites import SwarmPlan, make_swarm, plan_swarm
from live.target import iou


@dataclass
class Scene:
    """What a fit or the live loop runs on."""

    renderer: Renderer
    arranger: Arranger
    backend: str
    device: torch.device
    plan: SwarmPlan | None = None
    """How the target chose the swarm (``None``: the seed's swarm)."""
    crisp: CrispView | None = None
    """Draws the colour view at display resolution (``app.window``), anti-aliased."""
    pool: bool = False
    """The swarm is a pool of ``swarm.pool`` slots, all at radius 0 until a target sizes them
    (:func:`build_pool`, :class:`live.app.swarm.PoolSizer`)."""


def plan_for(config: Config, target: np.ndarray | None) -> SwarmPlan | None:
    """The swarm a target takes with ``swarm.sizing = "target"``; ``None`` for the seed's swarm
    (sizing "seed", or no target)."""
    if config.swarm.sizing != "target" or target is None:
        return None
    return plan_swarm(target, config.swarm, config.app.window)


def build(config: Config, target: np.ndarray | None = None) -> Scene:
    """Makes the swarm, renderer and arranger that ``config`` describes.

    Args:
        target: (S, S) in [0, 1]. With ``swarm.sizing = "target"`` it chooses the count and size
            of the creatures (:func:`live.sprites.plan_swarm`); otherwise, or without a target,
            the swarm is ``swarm.sprites`` creatures of the seed's sizes.

    Raises:
        ValueError: a device or backend that cannot run here.
    """
    device = resolve_device(config.render.device)
    backend = resolve_backend(config.render.backend, device)
    plan = plan_for(config, target)
    if plan is None:
        swarm = make_swarm(config.swarm.sprites, config.swarm.seed, device)
    else:
        swarm = make_swarm(plan.count, config.swarm.seed, device, radius=plan.radius)
    renderer = make_renderer(swarm, config.render, backend)
    arranger = Arranger(renderer, config.optim.lr, config.loss)
    return Scene(renderer, arranger, backend, device, plan, crisp_view(config, device))


def build_pool(config: Config) -> Scene:
    """Makes the live loop's scene: ``swarm.pool`` creatures of the seed's sizes, built once, every
    one at radius 0 (absent) until a target chooses how many take part and how big they are.

    Raises:
        ValueError: a device or backend that cannot run here.
    """
    device = resolve_device(config.render.device)
    backend = resolve_backend(config.render.backend, device)
    swarm = make_swarm(config.swarm.pool, config.swarm.seed, device)
    renderer = make_renderer(swarm, config.render, backend)
    arranger = Arranger(renderer, config.optim.lr, config.loss)
    arranger.set_radii(torch.zeros_like(swarm.radii[:, 0]))
    return Scene(renderer, arranger, backend, device, None, crisp_view(config, device), pool=True)


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


@dataclass
class FitResult:
    """Outcome of :func:`fit`."""

    iou: float
    """IoU of silhouette > 0.5 against target > 0.5 at the final offsets."""
    loss: float
    """Loss at the final offsets (the configured loss: with kind "shaped" it includes the attraction
    and repulsion terms, so compare it only between runs of the same loss)."""
    ms_per_step: float
    """Median wall time of one step (forward, backward, Adam), in milliseconds."""
    stranded: int
    """Creatures whose body does not overlap the target at the final offsets."""
    backend: str
    device: str
    sprites: int
    """Creatures in the swarm."""
    radius: float
    """Their mean body radius in NDC (the seed's: 0.175)."""
    size: int
    steps: int
    frames: list[np.ndarray] = field(default_factory=list, repr=False)
    view: np.ndarray | None = field(default=None, repr=False)
    """The final colour view at display resolution, (D, D, 3) RGB in [0, 1]."""
    """Result views (colour | target) at the start and after each step, when recorded."""

    def summary(self) -> dict:
        """The JSON-able figures (no frames)."""
        keys = ("iou", "loss", "ms_per_step", "stranded", "backend", "device", "sprites", "radius", "size", "steps")
        return {k: getattr(self, k) for k in keys}


def fit(config: Config, target: np.ndarray, steps: int, record: bool = False, progress: bool = False) -> FitResult:
    """Fits a fresh swarm to ``target`` for ``steps`` steps.

    Args:
        config: swarm, render and optimiser settings.
        target: (S, S) in [0, 1], S = ``config.render.size``.
        steps: number of Adam steps, at least 1.
        record: keep a result view per step in ``FitResult.frames``.
        progress: show a tqdm bar with the loss.

    Raises:
        ValueError: a bad step count or a target of the wrong size, or a device/backend that
            cannot run here.
    """
    if steps < 1:
        raise ValueError(f"steps must be at least 1, got {steps}")
    scene = build(config, target)
    arranger = scene.arranger
    arranger.set_target(target)
    frames = [side_by_side(arranger.color(), target)] if record else []
    times = []
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=steps, desc="forming", unit="step")
    for _ in range(steps):
        start = time.perf_counter()
        loss = arranger.step()
        sync(scene.device)
        times.append(time.perf_counter() - start)
        if record:
            frames.append(side_by_side(arranger.color(), target))
        if bar is not None:
            bar.set_postfix(loss=f"{loss.item():.1f}")
            bar.update()
    if bar is not None:
        bar.close()
    with torch.no_grad():
        final_loss = float(arranger.loss())
    silhouette = arranger.silhouette().cpu().numpy()
    view = arranger.view(scene.crisp).cpu().numpy()
    return FitResult(
        iou=iou(silhouette, target),
        loss=final_loss,
        ms_per_step=float(np.median(times) * 1e3),
        stranded=arranger.stranded(),
        backend=scene.backend,
        device=str(scene.device),
        sprites=len(scene.renderer.swarm),
        radius=float(scene.renderer.swarm.radii[:, 0].double().mean()),
        size=config.render.size,
        steps=steps,
        frames=frames,
        view=view,
    )
