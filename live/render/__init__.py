"""Renderers: what the optimiser differentiates and what the visitor sees.

Both backends implement :class:`Renderer`: a soft silhouette (H, W) in [0, 1], differentiable with
respect to the creatures' offsets (N, 2), and a flat-colour view (H, W, 3) RGB in [0, 1].

- ``analytic`` (:mod:`live.render.analytic`): closed form in plain torch; needs no PyTorch3D.
- ``pytorch3d`` (:mod:`live.render.mesh`): the seed's mesh pipeline, scene built once.
- ``auto``: pytorch3d on CUDA, analytic on CPU (see README, "Choosing a backend").
"""

from __future__ import annotations

import importlib
from typing import Protocol

import torch

from live.config import RenderConfig
from live.sprites import Swarm

BACKENDS = ("analytic", "pytorch3d")


class Renderer(Protocol):
    """What both backends provide."""

    swarm: Swarm
    settings: RenderConfig

    def silhouette(self, offsets: torch.Tensor) -> torch.Tensor:
        """offsets: (N, 2) in NDC; returns (H, W) in [0, 1], differentiable."""

    def color(self, offsets: torch.Tensor) -> torch.Tensor:
        """offsets: (N, 2) in NDC; returns (H, W, 3) RGB in [0, 1]."""


def resolve_device(name: str) -> torch.device:
    """Turns 'auto', 'cpu' or 'cuda' into a device.

    Raises:
        ValueError: 'cuda' asked for where torch sees no GPU.
    """
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name == "cuda" and not torch.cuda.is_available():
        raise ValueError("device 'cuda' asked for, but torch sees no GPU: use --device cpu (or auto)")
    return torch.device(name)


def pytorch3d_available() -> bool:
    """True when the PyTorch3D backend can be built here."""
    try:
        importlib.import_module("pytorch3d.renderer")
    except ImportError:
        return False
    return True


def resolve_backend(name: str, device: torch.device) -> str:
    """Turns 'auto' into 'pytorch3d' on CUDA and 'analytic' elsewhere.

    Raises:
        ValueError: 'pytorch3d' asked for where it is not installed.
    """
    if name == "auto":
        return "pytorch3d" if device.type == "cuda" and pytorch3d_available() else "analytic"
    if name == "pytorch3d" and not pytorch3d_available():
        raise ValueError(
            "backend 'pytorch3d' needs PyTorch3D (pip install easypytorch3d==0.7.9.post1), or use --backend analytic"
        )
    return name


def make_renderer(swarm: Swarm, settings: RenderConfig, backend: str | None = None) -> Renderer:
    """Builds the renderer named by ``backend`` (default: ``settings.backend``) for ``swarm``.

    The swarm must already be on the device the renderer should use.

    Raises:
        ValueError: an unknown backend, or one that cannot run here.
    """
    name = resolve_backend(backend or settings.backend, swarm.device)
    if name == "analytic":
        from live.render.analytic import AnalyticRenderer

        return AnalyticRenderer(swarm, settings)
    if name == "pytorch3d":
        from live.render.mesh import MeshRenderer

        return MeshRenderer(swarm, settings)
    raise ValueError(f"unknown backend '{name}': use one of auto, {', '.join(BACKENDS)}")
