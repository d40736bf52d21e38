"""Renderers: what the optimiser differentiates and what the visitor sees.

Both backends implement :class:`Renderer`: a soft silhouette (H, W) in [0, 1], differentiable with
respect to the creatures' offsets (N, 2), and a flat-colour view (H, W, 3) RGB in [0, 1].
:mod:`live.render.backends` registers them and picks one; :mod:`live.render.analytic` and
:mod:`live.render.mesh` are the two backends.
"""

from live.render.backends import (
    BACKENDS,
    RENDERERS,
    Renderer,
    make_renderer,
    pytorch3d_available,
    resolve_backend,
    resolve_device,
)

__all__ = [
    "BACKENDS",
    "RENDERERS",
    "Renderer",
    "make_renderer",
    "pytorch3d_available",
    "resolve_backend",
    "resolve_device",
]
