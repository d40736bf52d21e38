"""Renderers: what the optimiser differentiates and what the visitor sees.

Both backends implement :class:`Renderer`: a soft silhouette (H, W) in [0, 1], differentiable with
respect to the creatures' offsets (N, 2), and a flat-colour view (H, W, 3) RGB in [0, 1].
The creatures' radii are run-time data (``set_radii``): a swarm is built once and may grow,
shrink, or take creatures out (radius 0) without rebuilding anything. :mod:`live.render.view`
draws the crisp colour view at display resolution for both. :mod:`live.render.backends`
registers them and picks one; :mod:`live.render.analytic` and
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
