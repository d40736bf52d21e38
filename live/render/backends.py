"""The backends: the :class:`Renderer` interface, the registry :data:`RENDERERS`, and how a
backend and a device are chosen.

- ``analytic`` (:mod:`live.render.analytic`): closed form in plain torch; needs no PyTorch3D.
- ``pytorch3d`` (:mod:`live.render.mesh`): the seed's mesh pipeline, scene built once.
- ``auto``: pytorch3d on CUDA, analytic on CPU (see README, "Choosing a backend").

A new backend is one module, one :class:`~live.config.Backend` member and one entry in
:data:`RENDERERS`.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from typing import Protocol

import torch

from live.config import Backend, RenderConfig
from live.render.eyes import EyePose
from live.sprites import Swarm


class Renderer(Protocol):
    """What both backends provide."""

    swarm: Swarm
    settings: RenderConfig
    radii: torch.Tensor
    """(N, 3) the body, eye and pupil radii now, in NDC (0 for a creature taken out)."""

    def set_radii(self, body: torch.Tensor) -> None:
        """body: (N,) body radius in NDC, at least 0 (0 takes the creature out of both images);
        eye and pupil keep the swarm's proportions. Cheap: may run every frame."""

    def silhouette(self, offsets: torch.Tensor) -> torch.Tensor:
        """offsets: (N, 2) in NDC; returns (H, W) in [0, 1], differentiable."""

    def color(self, offsets: torch.Tensor, eyes: EyePose | None = None) -> torch.Tensor:
        """offsets: (N, 2) in NDC; eyes: where eyes and pupils sit (None: centred, the seed's
        look); returns (H, W, 3) RGB in [0, 1]."""


def _analytic(swarm: Swarm, settings: RenderConfig) -> Renderer:
    from live.render.analytic import AnalyticRenderer

    return AnalyticRenderer(swarm, settings)


def _mesh(swarm: Swarm, settings: RenderConfig) -> Renderer:
    from live.render.mesh import MeshRenderer

    return MeshRenderer(swarm, settings)


#: Every backend by name, built lazily (PyTorch3D is imported only when its backend is made).
RENDERERS: dict[Backend, Callable[[Swarm, RenderConfig], Renderer]] = {
    Backend.ANALYTIC: _analytic,
    Backend.PYTORCH3D: _mesh,
}
#: The backends' names, 'auto' aside.
BACKENDS = tuple(backend.value for backend in RENDERERS)


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
    """True when the PyTorch3D backend can be built here. Not installed: False. Installed but
    broken (a missing library, a torch it was not built for): False too, with the reason logged,
    so 'auto' still runs on the analytic backend but nobody mistakes a broken install for none."""
    try:
        importlib.import_module("pytorch3d.renderer")
    except ImportError as exc:
        if (exc.name or "").split(".")[0] != "pytorch3d":
            logging.getLogger("live.render").warning("PyTorch3D is installed but does not import: %s", exc)
        return False
    return True


def resolve_backend(name: str, device: torch.device) -> Backend:
    """Turns 'auto' into 'pytorch3d' on CUDA and 'analytic' elsewhere.

    Raises:
        ValueError: an unknown backend, or 'pytorch3d' asked for where it is not installed.
    """
    if name == Backend.AUTO:
        return Backend.PYTORCH3D if device.type == "cuda" and pytorch3d_available() else Backend.ANALYTIC
    if name not in RENDERERS:
        raise ValueError(f"unknown backend '{name}': use one of auto, {', '.join(BACKENDS)}")
    if name == Backend.PYTORCH3D and not pytorch3d_available():
        raise ValueError(
            "backend 'pytorch3d' needs PyTorch3D (pip install easypytorch3d==0.7.9.post1), or use --backend analytic"
        )
    return Backend(name)


def make_renderer(swarm: Swarm, settings: RenderConfig, backend: str | None = None) -> Renderer:
    """Builds the renderer named by ``backend`` (default: ``settings.backend``) for ``swarm``.

    The swarm must already be on the device the renderer should use.

    Raises:
        ValueError: an unknown backend, or one that cannot run here.
    """
    return RENDERERS[resolve_backend(backend or settings.backend, swarm.device)](swarm, settings)
