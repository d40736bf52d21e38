"""Headless fitting: a fresh swarm runs a fixed number of Adam steps on one target.

Used by ``live demo``, ``live fit`` and ``live eval``; the swarm, renderer and arranger come from
:func:`live.scene.build`, as the live loop's come from :func:`live.scene.build_live`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import torch

from live.config import Config
from live.display.views import side_by_side
from live.scene import build, sync
from live.target import iou


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
