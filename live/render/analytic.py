"""The closed-form renderer: the same images as the PyTorch3D pipeline, in plain torch.

Silhouette: the union of the body discs, as PyTorch3D's SoftSilhouetteShader would blend them,

    alpha(p) = 1 - prod_i (1 - sigmoid(-d_i(p) / sigma)),

where d_i(p) is the signed squared distance (negative inside) from pixel p to the outline of
creature i's body, and a creature farther than the blur radius contributes nothing. The product is
a sum of log-sigmoids, accumulated pixel by pixel. By default (``corners = "fan"``) each corner
of the polygon also counts the next edge around it as a second face, as PyTorch3D's per-face
blending of the fan does; this keeps the two silhouettes within a fraction of a pixel.

Cost: each creature is evaluated only on a square patch of pixels around it (its body plus the
blur margin), so a step costs covered area, not pixels x creatures. The gradient with respect to
the centres is computed in closed form in the same pass (see ``_SoftUnion``).

Colour: the three discs of every creature with hard edges, pupils in front of eyes in front of
bodies, lit by the ambient light alone, on black.
"""

from __future__ import annotations

import math

import torch
from torch.autograd.function import once_differentiable

from live.config import RenderConfig
from live.render.geometry import (
    ndc_to_pixel,
    pixel_to_ndc,
    polygon_apothem,
    polygon_half_edge,
    polygon_sector_frame,
)
from live.sprites import LAYER_RGB, Layer, Swarm


class AnalyticRenderer:
    """Closed-form silhouette and colour of a swarm; no mesh, no PyTorch3D.

    Args:
        swarm: the creatures; the renderer works on its device and dtype.
        settings: size, sigma, segments, outline, corners and ambient are used.
    """

    def __init__(self, swarm: Swarm, settings: RenderConfig):
        self.swarm = swarm
        self.settings = settings
        size = settings.size
        dtype, device = swarm.radii.dtype, swarm.device
        # Patch side: the largest body plus the blur margin, in pixels, with room for rounding.
        reach = float(swarm.radii[:, Layer.BODY].max()) + math.sqrt(settings.blur_radius)
        self._half = int(reach * size / 2.0) + 2
        self._steps = torch.arange(2 * self._half, device=device)  # (P,)
        self._dump = size * size  # flat index that collects pixels outside the image
        radii = swarm.radii.view(-1, 3, 1, 1)  # (N, 3, 1, 1)
        if settings.outline == "polygon":
            self._edge = polygon_apothem(radii, settings.segments)  # (N, 3, 1, 1)
            self._half_edge = polygon_half_edge(radii[:, Layer.BODY], settings.segments)  # (N, 1, 1)
            step = 2.0 * math.pi / settings.segments
            self._turn = (math.cos(step), math.sin(step))
        else:
            self._edge = radii
            self._half_edge = None
        palette = [[0.0, 0.0, 0.0]] + [list(rgb) for rgb in LAYER_RGB]
        self._palette = torch.tensor(palette, dtype=dtype, device=device)
        self._palette[1:] *= settings.ambient

    # -- pixels near each creature ---------------------------------------------------------
    def _patches(self, centers: torch.Tensor):
        """Lays a square patch of pixels around each creature.

        Args:
            centers: (N, 2) in NDC.

        Returns:
            flat: (N, P, P) index of each patch pixel in the flattened image (``size**2`` when
                the pixel falls outside the image).
            qx: (N, 1, P) x of the patch columns relative to each centre, in NDC.
            qy: (N, P, 1) y of the patch rows relative to each centre, in NDC.
        """
        size = self.settings.size
        with torch.no_grad():
            first = torch.floor(ndc_to_pixel(centers, size)).long() - (self._half - 1)  # (N, 2)
            cols = first[:, 0:1] + self._steps  # (N, P)
            rows = first[:, 1:2] + self._steps  # (N, P)
            inside = ((cols >= 0) & (cols < size))[:, None, :] & ((rows >= 0) & (rows < size))[:, :, None]
            flat = torch.where(inside, rows[:, :, None] * size + cols[:, None, :], self._dump)  # (N, P, P)
        qx = (pixel_to_ndc(cols.to(centers.dtype), size) - centers[:, 0:1]).unsqueeze(1)  # (N, 1, P)
        qy = (pixel_to_ndc(rows.to(centers.dtype), size) - centers[:, 1:2]).unsqueeze(2)  # (N, P, 1)
        return flat, qx, qy

    def _body_distances(self, qx: torch.Tensor, qy: torch.Tensor, with_grad: bool):
        """Squared distances from each patch pixel to the body outline, as PyTorch3D blends them.

        The first is the signed squared distance to the outline (negative inside). With
        ``corners = "fan"`` a second follows: the squared distance to the next outline edge
        around the nearest corner. PyTorch3D blends the two fan faces that meet at a corner one
        by one, which grows its silhouette by about a pixel there; counting that edge as a
        second, independent face does the same, and leaves the interior free of ridges.

        Args:
            qx: (N, 1, P), qy: (N, P, 1) pixel positions relative to each centre.

        Returns:
            list of (d, grad): d (N, P, P); grad = (gx, gy), d d / d q, each (N, P, P), or
            ``None`` when ``with_grad`` is false.
        """
        edge = self._edge[:, Layer.BODY]  # (N, 1, 1)
        if self._half_edge is None:  # circle
            rho = torch.sqrt(qx * qx + qy * qy)  # (N, P, P)
            d = rho - edge
            scale = 2.0 * d.abs() / rho.clamp_min(1e-12)
            return [(d * d.abs(), (scale * qx, scale * qy) if with_grad else None)]
        nx, ny = polygon_sector_frame(qx, qy, self.settings.segments)  # (N, P, P) each
        out = [self._edge_distance(qx, qy, nx, ny, edge, signed=True, with_grad=with_grad)]
        if self.settings.corners == "fan":
            # The neighbouring edge on the side of the nearest corner: the normal turned by one step.
            side = torch.where(qy * nx - qx * ny >= 0, 1.0, -1.0)  # (N, P, P)
            cos, sin = self._turn
            nx, ny = nx * cos - side * ny * sin, ny * cos + side * nx * sin
            out.append(self._edge_distance(qx, qy, nx, ny, edge, signed=False, with_grad=with_grad))
        return out

    def _edge_distance(self, qx, qy, nx, ny, edge, signed: bool, with_grad: bool):
        """Squared distance from q to the polygon edge with outward normal (nx, ny).

        Signed (negative on the inner side of the edge's line) when ``signed``; the inner-side
        value is right for the edge facing q, which is the nearest one.

        Returns:
            (d, grad) as in :meth:`_body_distances`.
        """
        u = qx * nx + qy * ny - edge  # across the edge's line, outward positive
        v = qy * nx - qx * ny  # along the edge, from its midpoint
        e = (v.abs() - self._half_edge).clamp_min(0.0)  # past the edge's ends
        across = u * u.abs() if signed else u * u
        if not with_grad:
            return across + e * e, None
        a, b = 2.0 * (u.abs() if signed else u), 2.0 * e * torch.sign(v)
        return across + e * e, (a * nx - b * ny, a * ny + b * nx)

    # -- the two images -------------------------------------------------------------------
    def silhouette(self, offsets: torch.Tensor) -> torch.Tensor:
        """Soft silhouette of the bodies, differentiable with respect to ``offsets``.

        Args:
            offsets: (N, 2) in NDC, added to the start positions.

        Returns:
            (H, W) in [0, 1].
        """
        return _SoftUnion.apply(self.swarm.start + offsets, self)

    @torch.no_grad()
    def color(self, offsets: torch.Tensor) -> torch.Tensor:
        """Flat-colour view of the three discs of every creature.

        Args:
            offsets: (N, 2) in NDC.

        Returns:
            (H, W, 3) RGB in [0, 1].
        """
        size = self.settings.size
        flat, qx, qy = self._patches(self.swarm.start + offsets)
        if self._half_edge is None:
            reach = torch.sqrt(qx * qx + qy * qy).unsqueeze(1)  # (N, 1, P, P)
        else:
            nx, ny = polygon_sector_frame(qx, qy, self.settings.segments)
            reach = (qx * nx + qy * ny).unsqueeze(1)  # (N, 1, P, P): distance along the facing normal
        # Concentric discs: the layer a pixel shows is the number of discs it lies inside.
        level = (reach < self._edge).sum(dim=1)  # (N, P, P) in 0..3
        shown = torch.zeros(size * size + 1, dtype=level.dtype, device=level.device)
        shown.scatter_reduce_(0, flat.reshape(-1), level.reshape(-1), reduce="amax")
        return self._palette[shown[:-1]].view(size, size, 3)

    # -- used by _SoftUnion ---------------------------------------------------------------
    def _soft_terms(self, centers: torch.Tensor, with_grad: bool):
        """Per-patch log(1 - p) and its gradient with respect to the centre.

        Returns:
            flat: (N, P, P) pixel indices.
            term: (N, P, P), log(1 - sigmoid(-sd / sigma)), zero beyond the blur radius.
            dterm: (N, P*P, 2), d term / d centre; ``None`` when ``with_grad`` is false.
        """
        sigma, blur = self.settings.sigma, self.settings.blur_radius
        flat, qx, qy = self._patches(centers)
        term = torch.zeros_like(qx * qy)  # (N, P, P)
        dterm = torch.zeros(term.shape + (2,), dtype=term.dtype, device=term.device) if with_grad else None
        for dist, grad_q in self._body_distances(qx, qy, with_grad):
            near = dist < blur  # PyTorch3D drops faces beyond the blur radius
            z = dist / sigma
            term += torch.where(near, torch.nn.functional.logsigmoid(z), 0.0)
            if with_grad:
                # d term / d dist = sigmoid(-z) / sigma, and d q / d centre = -1.
                slope = torch.where(near, torch.sigmoid(-z), 0.0) * (-1.0 / sigma)  # (N, P, P)
                dterm[..., 0] += slope * grad_q[0]
                dterm[..., 1] += slope * grad_q[1]
        return flat, term, None if dterm is None else dterm.flatten(1, 2)


class _SoftUnion(torch.autograd.Function):
    """alpha = 1 - exp(sum of per-creature log(1 - p)), with the gradient in closed form."""

    @staticmethod
    def forward(ctx, centers: torch.Tensor, renderer: AnalyticRenderer) -> torch.Tensor:
        size = renderer.settings.size
        flat, term, dterm = renderer._soft_terms(centers, ctx.needs_input_grad[0])
        log_keep = centers.new_zeros(size * size + 1).index_add_(0, flat.reshape(-1), term.reshape(-1))
        keep = torch.exp(log_keep)  # (H*W + 1,): probability that no creature covers the pixel
        keep[-1] = 0.0  # the pixels outside the image pass no gradient back
        if ctx.needs_input_grad[0]:
            ctx.save_for_backward(flat, dterm, keep)
        return (1.0 - keep[:-1]).view(size, size)

    @staticmethod
    @once_differentiable
    def backward(ctx, grad_alpha: torch.Tensor):
        flat, dterm, keep = ctx.saved_tensors
        # d alpha / d log_keep = -keep; then each patch pixel pulls on its creature's centre.
        grad_log = torch.cat([grad_alpha.reshape(-1), grad_alpha.new_zeros(1)]) * -keep  # (H*W + 1,)
        per_pixel = grad_log[flat].flatten(1).unsqueeze(1)  # (N, 1, P*P)
        return torch.bmm(per_pixel, dterm).squeeze(1), None  # (N, 2)
