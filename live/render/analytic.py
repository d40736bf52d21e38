"""The closed-form renderer: the same images as the PyTorch3D pipeline, in plain torch.

Silhouette: the union of the body discs, as PyTorch3D's SoftSilhouetteShader would blend them,

    alpha(p) = 1 - prod_i (1 - sigmoid(-d_i(p) / sigma)),

where d_i(p) is the signed squared distance (negative inside) from pixel p to the outline of
creature i's body, and a creature farther than the blur radius contributes nothing. The product is
a sum of log-sigmoids, accumulated pixel by pixel. By default (``corners = "fan"``) each corner
of the polygon also counts the next edge around it as a second face, as PyTorch3D's per-face
blending of the fan does; this keeps the two silhouettes within a fraction of a pixel.

Cost: only a band of pixels around each outline is evaluated softly (from sqrt(``DEEP_Z`` *
sigma) inside to the blur radius outside). Deeper inside, 1 - p is below exp(-DEEP_Z) = 1e-7, so those
pixels are simply covered (alpha = 1, no gradient): they are filled as row spans of the inset
outline, one scatter of two entries per row and one cumulative sum. A step therefore costs the
outline length of the swarm, not pixels x creatures, nor even covered area. The band is
evaluated in chunks of creatures (``CHUNK_PIXELS``) so that its intermediates stay in cache. The
gradient with respect to the centres is computed in closed form in the same pass (see
``_SoftUnion``).

Colour: the three discs of every creature with hard edges, pupils in front of eyes in front of
bodies, lit by the ambient light alone, on black; each disc is scattered as row spans too.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from torch.autograd.function import once_differentiable

from live.config import RenderConfig
from live.render.eyes import EyePose
from live.render.geometry import (
    ndc_to_pixel,
    outline_of,
    pixel_to_ndc,
    polygon_sector_frame,
)
from live.sprites import LAYER_RGB, Layer, Swarm

#: Pixels deeper inside a body than sqrt(DEEP_Z * sigma) count as covered: their 1 - p is below
#: exp(-DEEP_Z) = 1e-7, so alpha differs from the exact product by less than that.
DEEP_Z = math.log(1e7)
#: Slack in pixels for where the centre lies inside its anchor pixel (half the pixel diagonal).
_SLACK = 0.7072
#: Band pixels evaluated at once (creatures per chunk = this // band size): keeps them in cache.
CHUNK_PIXELS = 1 << 17
#: Large enough that (d - cut) * _HUGE saturates for any representable gap, and sigmoid(_HUGE) = 1.
_HUGE = 1e30
#: Offset (in pixels) given to the padding entries of the band tables: far outside any image.
_FAR = 100_000


def _drop_beyond(d: torch.Tensor, cut: float) -> torch.Tensor:
    """``d`` where ``d < cut``, else a value so large that sigmoid(d) is exactly 1 (in place).

    PyTorch3D drops faces beyond the blur radius; this does the same without ``torch.where``
    (several times slower on the CPU than these three elementwise passes).
    """
    beyond = torch.sub(d, cut).mul_(_HUGE).clamp_(0.0, 1.0)  # 1 beyond the cut, 0 before it
    return d.add_(beyond, alpha=_HUGE)


@dataclass(frozen=True)
class _Edges:
    """The polygon's edges, for the row spans and the fan corners (made once per renderer)."""

    normals: torch.Tensor
    """(2, M) the outward normal of edge k, at angle (k + 1/2) * 2 pi / M."""
    upper_only: torch.Tensor
    """(M,) added to the per-edge bounds on x: keeps the upper (nx > 0) ones."""
    lower_only: torch.Tensor
    """(M,) keeps the lower (nx < 0) ones."""
    turn: tuple[float, float]
    """(cos, sin) of one edge's angle: the frame of the next edge around a corner."""
    sin: torch.Tensor
    """sin of one edge's angle, as a scalar tensor."""

    @staticmethod
    def of(segments: int, dtype: torch.dtype, device) -> _Edges:
        step = 2.0 * math.pi / segments
        beta = (torch.arange(segments, dtype=torch.float64) + 0.5) * step
        normals = torch.stack([beta.cos(), beta.sin()]).to(dtype=dtype, device=device)  # (2, M)
        return _Edges(
            normals=normals,
            upper_only=torch.where(normals[0] > 0, 0.0, math.inf),
            lower_only=torch.where(normals[0] < 0, 0.0, -math.inf),
            turn=(math.cos(step), math.sin(step)),
            sin=torch.tensor(math.sin(step), dtype=dtype, device=device),
        )


@dataclass(frozen=True)
class _Band:
    """Tables of the pixels each present creature evaluates softly, and of its spans (made again
    when the radii change, :meth:`AnalyticRenderer._build_band`)."""

    x: torch.Tensor
    """(A, K) each band pixel's x step from the anchor, in units of sqrt(sigma)."""
    y: torch.Tensor
    """(A, K) its y step."""
    flat: torch.Tensor
    """(A, K) its index in the padded image, relative to the anchor's."""
    span_rows: torch.Tensor
    """(L,) rows the covered spans of the inset bodies can reach from the anchor."""
    color_rows: torch.Tensor
    """(L,) rows the colour view's spans can reach."""
    margin: int
    """Border of the padded image that holds pixels outside the view."""
    width: int
    """Side of the padded image."""


class AnalyticRenderer:
    """Closed-form silhouette and colour of a swarm; no mesh, no PyTorch3D.

    Args:
        swarm: the creatures; the renderer works on its device and dtype.
        settings: size, sigma, segments, outline, corners and ambient are used.
    """

    def __init__(self, swarm: Swarm, settings: RenderConfig):
        self.swarm = swarm
        self.settings = settings
        self.outline = outline_of(settings)
        dtype, device = swarm.radii.dtype, swarm.device
        self._deep = math.sqrt(DEEP_Z * settings.sigma)  # NDC depth below which a pixel is covered
        # The soft band works in units of sqrt(sigma): there z = d / sigma is the squared distance.
        self._unit = 1.0 / math.sqrt(settings.sigma)
        self._cut = settings.blur_radius / settings.sigma
        self._grad_scale = 2.0 * self._unit  # d term / d centre = dterm * this
        # Normals of the polygon edges, for the row spans: edge k faces (k + 1/2) * step.
        self._edges = _Edges.of(settings.segments, dtype, device)
        palette = [[0.0, 0.0, 0.0]] + [list(rgb) for rgb in LAYER_RGB]
        self._palette = torch.tensor(palette, dtype=dtype, device=device)
        self._palette[1:] *= settings.ambient
        self._grids: dict[int, tuple[torch.Tensor, ...]] = {}
        self.set_radii(swarm.radii[:, Layer.BODY])

    def set_radii(self, body: torch.Tensor) -> None:
        """Sets every creature's body radius; eye and pupil keep the swarm's proportions.

        Cheap (a few small tensor operations and one read-back of the count of creatures
        present), so it may run every frame while creatures grow or shrink; the steps after it
        use the new sizes. A radius of 0 takes the creature out of both images; creatures after
        the last present one cost nothing.

        Args:
            body: (N,) body radius in NDC, at least 0, N = ``len(swarm)``.

        Raises:
            ValueError: a shape other than (N,).
        """
        swarm = self.swarm
        if tuple(body.shape) != (len(swarm),):
            raise ValueError(f"radii must have shape ({len(swarm)},), got {tuple(body.shape)}")
        template = swarm.radii  # (N, 3)
        body = body.to(dtype=template.dtype, device=template.device)
        scale = body / template[:, Layer.BODY]  # (N,): exactly 1 for the swarm's own sizes
        radii = (template * scale[:, None]).view(-1, 3, 1)  # (N, 3, 1)
        present = torch.nonzero(body.detach().cpu() > 0)
        self.active = int(present.max()) + 1 if len(present) else 0
        self.radii = radii[:, :, 0]
        self._edge = self.outline.edge(radii)  # (N, 3, 1)
        self._half_edge = self.outline.half_edge(radii[:, Layer.BODY])  # (N, 1); None for a circle
        self._edge_s = self._edge[:, Layer.BODY] * self._unit  # (N, 1)
        self._half_edge_s = None if self._half_edge is None else self._half_edge * self._unit  # (N, 1)
        self._build_band()

    # -- tables of the creatures present ------------------------------------------------------
    def _grid(self, half: int):
        """The (2 half + 1)^2 pixel offsets around an anchor, sorted by distance to the anchor
        cell's middle: (rho, flat grid index, dx, dy), each (G,) float64 on the CPU. Cached."""
        if half not in self._grids:
            grid = torch.arange(-half, half + 1, dtype=torch.float64)
            dy, dx = torch.meshgrid(grid, grid, indexing="ij")
            rho = torch.sqrt((dx - 0.5) ** 2 + (dy - 0.5) ** 2).flatten()  # (G,) distance to the cell's middle
            rho, order = torch.sort(rho, stable=True)
            self._grids[half] = (rho, order, dx.flatten()[order], dy.flatten()[order])
        return self._grids[half]

    def _build_band(self) -> None:
        """Tables of the pixels each present creature evaluates softly, and of its spans.

        Pixel offsets are relative to the anchor pixel, the one whose corner is just before the
        centre; the centre lies within one pixel of it, so a band drawn around the anchor with
        half a pixel diagonal of slack on both sides holds every pixel that can matter. The grid
        is sorted by distance once, so a creature's band, an annulus, is one run of it, found by
        two binary searches; within the band the pixels keep their grid order.
        """
        size, active = self.settings.size, max(self.active, 1)
        device, dtype = self.swarm.device, self.swarm.radii.dtype
        px = size / 2.0  # pixels per NDC unit
        body = self.radii[:active, Layer.BODY].double().cpu()  # (A,)
        inner_edge = self._edge[:active, Layer.BODY, 0].double().cpu() - self._deep  # (A,) inset outline
        reach = float(body.max()) + math.sqrt(self.settings.blur_radius)
        half = int(math.ceil(reach * px + 2 * _SLACK)) + 1
        margin = 2 * half  # canvas border that holds pixels outside the image
        width = size + 2 * margin
        rho, grid_index, dx, dy = self._grid(half)
        outer = (body + math.sqrt(self.settings.blur_radius)) * px + _SLACK  # (A,)
        inner = (inner_edge * px - _SLACK).clamp_min(-1.0)  # (A,)
        first = torch.searchsorted(rho, inner, side="left")  # (A,) rho >= inner from here
        end = torch.searchsorted(rho, outer, side="right")  # (A,) rho <= outer before here
        end = torch.where(body > 0, end, first)  # an absent creature has no band
        count = max(int((end - first).max()), 1)
        pick = first[:, None] + torch.arange(count)  # (A, K)
        valid = pick < end[:, None]  # (A, K)
        pick = pick.clamp_max(len(rho) - 1)
        # Each creature's band pixels in grid order first, then padding up to the longest band.
        key = torch.where(valid, grid_index[pick], len(rho))  # (A, K)
        key, order = torch.sort(key, dim=1)
        pick = torch.gather(pick, 1, order)
        valid = key < len(rho)
        ox = torch.where(valid, dx[pick], float(_FAR))  # (A, K) column offsets
        oy = torch.where(valid, dy[pick], 0.0)  # (A, K) row offsets
        unit = self._unit
        # Rows of the covered spans: every row the inset body can reach from the anchor.
        rows = int(math.ceil(max(float(inner_edge.max()), 0.0) * px)) + 1
        color_rows = int(math.ceil(float(body.max()) * px)) + 1
        self._tables = _Band(
            x=(ox * (-2.0 * unit / size)).to(dtype=dtype, device=device),  # (A, K) x step
            y=(oy * (-2.0 * unit / size)).to(dtype=dtype, device=device),  # (A, K) y step
            # Padding adds an exact zero to the anchor pixel: it lies too far from the centre to count.
            flat=torch.where(valid, oy * width + ox, 0.0).long().to(device),  # (A, K)
            span_rows=torch.arange(-rows, rows + 2, device=device),  # (L,)
            color_rows=torch.arange(-color_rows, color_rows + 2, device=device),  # (L,)
            margin=margin,
            width=width,
        )

    # -- spans: the hard part of both images --------------------------------------------------
    def _span_counts(
        self,
        centers: torch.Tensor,
        edges: torch.Tensor,
        rows: torch.Tensor,
        shift: torch.Tensor | None = None,
        squash: torch.Tensor | None = None,
    ) -> torch.Tensor:
        """How many of the given outlines cover each pixel centre, by row spans.

        Args:
            centers: (N, 2) in NDC.
            edges: (N, D) apothem (polygon) or radius (circle) of D outlines, in NDC.
            rows: (L,) row offsets from each outline's anchor row to consider.
            shift: (N, D, 2) each outline's centre relative to ``centers``; None: all concentric.
            squash: (N, D) each outline scaled vertically by this about its centre; None: 1.

        Returns:
            (D, S, S) int32, the number of outlines of each kind that hold each pixel centre.
        """
        size = self.settings.size
        n, depth = edges.shape
        c = centers[:, None, :] if shift is None else centers[:, None, :] + shift  # (N, 1 or D, 2)
        anchor = torch.floor(ndc_to_pixel(c[..., 1:2], size)).long()  # (N, 1 or D, 1): the row
        row = anchor + rows  # (N, 1 or D, L)
        qy = pixel_to_ndc(row.to(centers.dtype), size) - c[..., 1:2]  # (N, 1 or D, L)
        if squash is not None:
            qy = qy / squash[:, :, None]  # the squashed outline holds (qx, qy) where the round one holds (qx, qy / s)
        qy = qy[..., None]  # (N, 1 or D, L, 1)
        e = edges[:, :, None, None]  # (N, D, 1, 1)
        if self.outline.polygon:
            edges_ = self._edges
            nx, ny = edges_.normals[0], edges_.normals[1]  # (M,), nx never exactly 0 in floating point
            # Every edge k bounds x on the row: qx * nx_k <= e - qy * ny_k.
            ratio = (e - qy * ny) / nx  # (N, D, L, M)
            hi = (ratio + edges_.upper_only).amin(dim=3)  # (N, D, L): the edges with nx > 0
            lo = (ratio + edges_.lower_only).amax(dim=3)  # (N, D, L): the edges with nx < 0
        else:
            half = torch.sqrt((e * e - qy * qy).clamp_min(0.0))[..., 0]  # (N, D, L)
            hi = torch.where((e * e - qy * qy)[..., 0] > 0, half, -1.0 - half)
            lo = -half
        # Pixel column j sits at x = 1 - (2j + 1) / S; qx in [lo, hi] for j in [first, last].
        cx = c[..., 0:1]  # (N, 1 or D, 1)
        first = torch.ceil(((1.0 - hi - cx) * size - 1.0) / 2.0).clamp(0, size)  # (N, D, L)
        last = torch.floor(((1.0 - lo - cx) * size - 1.0) / 2.0).clamp(-1, size - 1) + 1
        last = torch.maximum(first, last).long()
        first = first.long()
        on_image = (row >= 0) & (row < size) & (edges > 0)[:, :, None]  # (N, D, L): no span of an absent disc
        layer = torch.arange(depth, device=centers.device).view(1, depth, 1) * (size * (size + 1))
        base = layer + row * (size + 1)  # (N, D, L)
        dump = depth * size * (size + 1)  # rows off the image mark this cell
        index = torch.stack([base + first, base + last]).masked_fill_(~on_image, dump)  # (2, N, D, L)
        marks = torch.zeros(dump + 1, dtype=torch.int32, device=centers.device)
        sign = torch.tensor([1, -1], dtype=torch.int32, device=centers.device).view(2, 1, 1, 1)
        marks.index_add_(0, index.flatten(), sign.expand(index.shape).flatten())
        counts = marks[:-1].view(depth, size, size + 1).cumsum(dim=2, dtype=torch.int32)  # (D, S, S + 1)
        return counts[:, :, :size]

    # -- the soft band ----------------------------------------------------------------------
    def _band(self, centers: torch.Tensor):
        """Canvas index and position relative to the centre of every band pixel.

        Args:
            centers: (N, 2) in NDC.

        Returns:
            flat: (N, K) index into the bordered canvas (``width**2`` cells).
            qx, qy: (N, K) pixel position minus centre, in units of sqrt(sigma), differentiable.
        """
        size, band = self.settings.size, self._tables
        margin = band.margin
        with torch.no_grad():
            anchor = torch.floor(ndc_to_pixel(centers, size))  # (N, 2): column, row
            # A creature far off the image is pinned to the border, where its pixels are dropped.
            anchor = anchor.clamp(-margin // 2, size - 1 + margin // 2).long()
            base = (anchor[:, 1:2] + margin) * band.width + anchor[:, 0:1] + margin  # (N, 1)
            flat = base + band.flat  # (N, K)
        origin = (pixel_to_ndc(anchor.to(centers.dtype), size) - centers) * self._unit  # (N, 2)
        qx = origin[:, 0:1] + band.x  # (N, K)
        qy = origin[:, 1:2] + band.y  # (N, K)
        return flat, qx, qy

    def _soft_terms(self, centers: torch.Tensor, with_grad: bool):
        """Per band pixel: log(1 - p) summed over the body's faces, and its gradient.

        Works in units of sqrt(sigma), so that z = d / sigma is the squared distance itself, and
        in chunks of creatures so that the intermediates stay in cache.

        Returns:
            flat: (N, K) canvas indices.
            term: (N, K), sum of log(1 - sigmoid(-d / sigma)) over faces within the blur radius.
            dterm: (N, 2, K), d term / d centre divided by ``self._grad_scale``; ``None`` when
                ``with_grad`` is false.
        """
        flat, qx, qy = self._band(centers)
        n, k = qx.shape
        term = torch.empty_like(qx)
        dterm = qx.new_empty(n, 2, k) if with_grad else None
        chunk = max(1, CHUNK_PIXELS // k)
        for lo in range(0, n, chunk):
            hi = min(n, lo + chunk)
            grad = None if dterm is None else (dterm[lo:hi, 0], dterm[lo:hi, 1])
            self._soft_chunk(qx[lo:hi], qy[lo:hi], slice(lo, hi), term[lo:hi], grad)
        return flat, term, dterm

    def _soft_chunk(self, qx, qy, rows: slice, term, grad) -> None:
        """Fills ``term`` (C, K) and, unless ``grad`` is None, its two (C, K) gradient rows.

        qx, qy: (C, K) band pixel minus centre in units of sqrt(sigma), for creatures ``rows``.
        """
        cut = self._cut
        edge = self._edge_s[rows]  # (C, 1)
        if self._half_edge is None:  # circle: the radial distance, nothing past an end
            rho = torch.sqrt(qx * qx + qy * qy).clamp_min_(1e-12)  # (C, K)
            u = rho - edge
            keep = torch.sigmoid(_drop_beyond(u * u.abs(), cut))  # 1 - p
            torch.log(keep, out=term)
            if grad is not None:
                a = keep.sub_(1.0).mul_(u.abs()).div_(rho)  # (keep - 1) |u| / rho
                torch.mul(a, qx, out=grad[0])
                torch.mul(a, qy, out=grad[1])
            return
        half = self._half_edge_s[rows]  # (C, 1)
        nx, ny = polygon_sector_frame(qx, qy, self.settings.segments)  # (C, K): the facing edge's normal
        u = (qx * nx).addcmul_(qy, ny).sub_(edge)  # across the edge's line, outward positive
        v = (qy * nx).addcmul_(qx, ny, value=-1.0)  # along the edge, from its midpoint
        w = v - torch.clamp(v, -half, half)  # past the edge's ends
        d = (u * u.abs()).addcmul_(w, w)  # signed squared distance / sigma
        keep = torch.sigmoid(_drop_beyond(d, cut))  # 1 - p
        torch.log(keep, out=term)
        if grad is not None:
            keep.sub_(1.0)
            p_n, q_t = keep * u.abs(), keep * w  # d term / d q along the normal and the edge, / 2
        if self.settings.corners == "fan":
            # The neighbouring edge on the side of the nearest corner: the frame turned by one
            # step, (n2, t2) = (cos n + s t, cos t - s n) with s = +-sin.
            cos, sin = self._edges.turn
            s = torch.copysign(self._edges.sin, v)  # (C, K): +sin where v >= 0
            along = u.add_(edge)  # q . n (u is not needed any more)
            u2 = (along * cos).addcmul_(s, v).sub_(edge)
            v2 = (v * cos).addcmul_(s, along, value=-1.0)
            w2 = v2 - torch.clamp(v2, -half, half)
            d2 = (u2 * u2).addcmul_(w2, w2)
            keep2 = torch.sigmoid(_drop_beyond(d2, cut))
            term.add_(torch.log(keep2))
            if grad is not None:
                keep2.sub_(1.0)
                b2 = w2.mul_(keep2)
                a2 = keep2.mul_(u2)
                p_n.add_(a2, alpha=cos).addcmul_(s, b2, value=-1.0)
                q_t.addcmul_(s, a2).add_(b2, alpha=cos)
        if grad is not None:
            torch.mul(p_n, nx, out=grad[0]).addcmul_(q_t, ny, value=-1.0)
            torch.mul(p_n, ny, out=grad[1]).addcmul_(q_t, nx)

    # -- the two images -------------------------------------------------------------------
    def silhouette(self, offsets: torch.Tensor) -> torch.Tensor:
        """Soft silhouette of the bodies, differentiable with respect to ``offsets``.

        Args:
            offsets: (N, 2) in NDC, added to the start positions.

        Returns:
            (H, W) in [0, 1].
        """
        centers = (self.swarm.start + offsets)[: max(self.active, 1)]  # (A, 2): the creatures present
        return _SoftUnion.apply(centers, self)

    @torch.no_grad()
    def color(self, offsets: torch.Tensor, eyes: EyePose | None = None) -> torch.Tensor:
        """Flat-colour view of the three discs of every creature.

        Args:
            offsets: (N, 2) in NDC.
            eyes: where each eye and pupil sit and how open they are (:mod:`live.render.eyes`);
                None: centred on the body, as in the seed.

        Returns:
            (H, W, 3) RGB in [0, 1].
        """
        size = self.settings.size
        active = max(self.active, 1)
        centers = (self.swarm.start + offsets)[:active]  # (A, 2): the creatures present
        shift, squash = (None, None) if eyes is None else eyes.layers()
        if shift is not None:
            shift, squash = shift[:active], squash[:active]
        edges = self._edge[:active, :, 0]
        counts = self._span_counts(centers, edges, self._tables.color_rows, shift, squash)  # (3, S, S)
        # The nearest layer wins: a pixel shows the frontmost layer any creature covers it with.
        level = torch.arange(1, 4, dtype=torch.int32, device=counts.device).view(3, 1, 1)
        shown = ((counts > 0).to(torch.int32) * level).amax(dim=0)  # (S, S) in 0..3
        return self._palette[shown].view(size, size, 3)

    def _covered(self, centers: torch.Tensor) -> torch.Tensor:
        """(S, S) bool: pixels deep inside some body, where alpha is 1 to within 1e-7."""
        inset = self._edge[: len(centers), Layer.BODY] - self._deep  # (A, 1)
        return self._span_counts(centers, inset, self._tables.span_rows)[0] > 0


class _SoftUnion(torch.autograd.Function):
    """alpha = 1 - exp(sum of per-creature log(1 - p)), with the gradient in closed form."""

    @staticmethod
    def forward(ctx, centers: torch.Tensor, renderer: AnalyticRenderer) -> torch.Tensor:
        size, margin, width = renderer.settings.size, renderer._tables.margin, renderer._tables.width
        flat, term, dterm = renderer._soft_terms(centers, ctx.needs_input_grad[0])
        canvas = centers.new_zeros(width * width).index_add_(0, flat.flatten(), term.flatten())
        log_keep = canvas.view(width, width)[margin : margin + size, margin : margin + size]  # (S, S)
        keep = torch.exp(log_keep).masked_fill_(renderer._covered(centers), 0.0)  # no creature covers it
        if ctx.needs_input_grad[0]:
            ctx.save_for_backward(flat, dterm, keep)
            ctx.shape = (size, margin, width)
            ctx.grad_scale = renderer._grad_scale
        return 1.0 - keep

    @staticmethod
    @once_differentiable
    def backward(ctx, grad_alpha: torch.Tensor):
        flat, dterm, keep = ctx.saved_tensors
        size, margin, width = ctx.shape
        # d alpha / d log_keep = -keep; then each band pixel pulls on its creature's centre.
        grad_log = keep.new_zeros(width, width)
        grad_log[margin : margin + size, margin : margin + size] = grad_alpha * -keep
        per_pixel = grad_log.view(-1)[flat].unsqueeze(2)  # (N, K, 1)
        return torch.bmm(dterm, per_pixel).squeeze(2) * ctx.grad_scale, None  # (N, 2)
