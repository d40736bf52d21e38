"""Loss terms of the arranger, besides the seed's image loss sum((silhouette - target)^2).

The image loss only sees pixels within the blur radius of an outline (about 5 px at 256^2), so
a creature that does not touch the drawing gets no gradient and stays stranded; creatures also
pile onto each other. Two terms fix that, each a pure function of the creatures' centres:

- :func:`attraction`: every creature is pulled towards the nearest target pixel, by the target's
  distance transform sampled at its centre. It is computed once per target
  (:func:`distance_field`), so a step costs one bilinear lookup per creature.
- :func:`repulsion`: overlapping bodies push each other apart, a smooth bump of the distance
  between centres that is flat at contact, so a mild overlap costs little; linear in N beyond a
  hundred or so creatures (a particle-mesh sum on a coarse grid).

Both are scaled so that weight 1 means: moving a creature by one body radius is worth as much
loss as the pixel area of its body (the image loss's unit).
"""

from __future__ import annotations

import math

import cv2
import numpy as np
import torch


def distance_field(mask: np.ndarray) -> np.ndarray:
    """Distance in pixels from every pixel centre to the nearest target pixel centre.

    Args:
        mask: (S, S) in [0, 1]; pixels above 0.5 are the target.

    Returns:
        (S, S) float32, 0 on the target. An empty target gives zeros everywhere (no pull).
    """
    inside = np.asarray(mask) > 0.5
    if not inside.any():
        return np.zeros(inside.shape, np.float32)
    outside = (~inside).astype(np.uint8)
    return cv2.distanceTransform(outside, cv2.DIST_L2, cv2.DIST_MASK_PRECISE).astype(np.float32)


def sample_field(field: torch.Tensor, centers: torch.Tensor) -> torch.Tensor:
    """Bilinear lookup of an image at NDC points, differentiable with respect to the points.

    Args:
        field: (S, S) in image orientation (row 0 at the top).
        centers: (N, 2) in NDC (+x left, +y up).

    Returns:
        (N,) the field at each point (clamped to the border outside the image).
    """
    # grid_sample's x runs left to right and y top to bottom over pixel edges: the negated NDC.
    grid = (-centers).view(1, -1, 1, 2).to(field.dtype)  # (1, N, 1, 2)
    out = torch.nn.functional.grid_sample(
        field[None, None], grid, mode="bilinear", padding_mode="border", align_corners=False
    )
    return out.view(-1)


def attraction(field: torch.Tensor, centers: torch.Tensor, radii: torch.Tensor) -> torch.Tensor:
    """Pull of the target on every creature: sum_i area_i * dist_i / radius_i.

    Args:
        field: (S, S) distance to the target in pixels (:func:`distance_field`).
        centers: (N, 2) in NDC.
        radii: (N,) body radius in NDC.

    Returns:
        scalar; its gradient has the same size for a creature anywhere outside the target and is
        zero for a creature whose centre lies on it.
    """
    size = field.shape[-1]
    radius_px = radii * (size / 2.0)  # (N,)
    dist = sample_field(field, centers)  # (N,) pixels
    return torch.sum(math.pi * radius_px * dist)  # area * dist / radius


#: Up to this many creatures the repulsion sums over all pairs; beyond, it goes through a grid.
PAIRWISE_MAX = 128
#: Cells per side of the grid the repulsion spreads the creatures on (over the whole view).
GRID_CELLS = 64


def _bump(dist: torch.Tensor, contact: torch.Tensor | float) -> torch.Tensor:
    """(1 - (d / c)^2)^2 for d < c, else 0: 1 at contact zero, smooth, flat at d = c."""
    t = torch.relu(1.0 - (dist / contact) ** 2)
    return t * t


def repulsion(
    centers: torch.Tensor, radii: torch.Tensor, size: int, reach: float = 1.0, mean_radius: float | None = None
) -> torch.Tensor:
    """Push between overlapping bodies: sum over pairs of area * bump(distance / contact).

    bump is 1 for two creatures on the same spot and falls smoothly to 0 at the contact distance
    ``reach`` * (r_i + r_j). Up to :data:`PAIRWISE_MAX` creatures every pair is summed; beyond,
    the creatures are spread on a :data:`GRID_CELLS`^2 grid over the view, the grid is blurred
    with the bump of the average contact, and each creature reads the push where it stands
    (a particle-mesh sum: linear in N, its value approximate, its gradient that of the same
    energy).

    Args:
        centers: (N, 2) in NDC.
        radii: (N,) body radius in NDC; 0 for a creature taken out (it neither pushes nor is pushed).
        size: render size in pixels (sets the area unit, as in the image loss).
        reach: bodies repel while their centres are closer than ``reach`` * (r_i + r_j).
        mean_radius: the mean of ``radii`` (the grid's contact distance), when known: saves a
            read-back per call.

    Returns:
        scalar, 0 when no two bodies are that close.
    """
    n = centers.shape[0]
    area = math.pi * (radii * (size / 2.0)) ** 2  # (N,) pixels
    if n < 2:
        return centers.sum() * 0.0
    if n <= PAIRWISE_MAX:
        contact = (reach * (radii[:, None] + radii[None, :])).clamp_min(1e-9)  # (N, N); > 0 for creatures taken out
        gap = centers[:, None, :] - centers[None, :, :]  # (N, N, 2)
        dist = torch.sqrt((gap * gap).sum(dim=2) + 1e-12)  # (N, N)
        present = (radii > 0).to(area.dtype)  # (N,): a creature taken out (radius 0) pushes nobody
        pair_area = 0.5 * (area[:, None] + area[None, :]) * (present[:, None] * present[None, :])  # (N, N)
        energy = torch.triu(pair_area * _bump(dist, contact), diagonal=1)  # each pair once
        return energy.sum()
    mean_radius = float(radii.mean()) if mean_radius is None else mean_radius
    return _grid_repulsion(centers, area, reach * 2.0 * mean_radius)


def _grid_repulsion(centers: torch.Tensor, area: torch.Tensor, contact: float) -> torch.Tensor:
    """The particle-mesh repulsion: energy 1/2 sum_i phi(c_i), phi = sum_j area_j bump(x - c_j)."""
    cells = GRID_CELLS
    cell = 2.0 / cells
    with torch.no_grad():
        # Cell (row iy, column ix) is centred at x = -1 + (2 ix + 1) / G, y likewise: the layout
        # grid_sample reads with x = NDC x and y = NDC y.
        f = ((centers + 1.0) / cell - 0.5).clamp(0.0, cells - 1.0)  # (N, 2) cell coordinates
        low = f.floor().clamp(max=cells - 2)
        t = f - low  # (N, 2)
        low = low.long()
        mass = centers.new_zeros(cells * cells)
        for dx, dy in ((0, 0), (1, 0), (0, 1), (1, 1)):
            wx = t[:, 0] if dx else 1.0 - t[:, 0]
            wy = t[:, 1] if dy else 1.0 - t[:, 1]
            index = (low[:, 1] + dy) * cells + low[:, 0] + dx  # (N,)
            mass.index_add_(0, index, area * wx * wy)
        reach = int(math.ceil(contact / cell))
        steps = torch.arange(-reach, reach + 1, dtype=centers.dtype, device=centers.device) * cell
        kernel = _bump(torch.sqrt(steps[:, None] ** 2 + steps[None, :] ** 2), contact)  # (2R+1, 2R+1)
        field = torch.nn.functional.conv2d(mass.view(1, 1, cells, cells), kernel[None, None], padding=reach)
    grid = centers.view(1, -1, 1, 2).to(field.dtype)
    push = torch.nn.functional.grid_sample(field, grid, mode="bilinear", padding_mode="border", align_corners=False)
    share = area / area.mean()  # (N,): pair weights area_i * area_j / mean area, symmetric
    total = torch.sum(push.view(-1) * share)  # its gradient is d energy / d c_i = share_i grad phi(c_i)
    value = 0.5 * (total.detach() - torch.sum(share * area))  # the energy: pairs once, no self-pairs
    return total - total.detach() + value


@torch.no_grad()
def stranded(field: torch.Tensor, centers: torch.Tensor, radii: torch.Tensor) -> int:
    """Number of creatures whose body does not overlap the target.

    A body overlaps the target when some target pixel centre lies within its radius (its polygon's
    apothem) of the creature's centre; the distance is the target's distance transform read
    bilinearly at the centre (exact to about half a pixel).

    Args:
        field: (S, S) distance to the target in pixels.
        centers: (N, 2) in NDC.
        radii: (N,) the body's inner radius in NDC.
    """
    size = field.shape[-1]
    dist = sample_field(field, centers)  # (N,) pixels
    return int((dist >= radii * (size / 2.0)).sum())


#: Target pixels the coverage term samples at most (a fixed, evenly spread subset beyond this).
COVER_POINTS = 2048


def target_points(mask: np.ndarray, limit: int = COVER_POINTS) -> np.ndarray:
    """NDC centres of the target's pixels, at most ``limit`` of them, evenly spread.

    Args:
        mask: (S, S) in [0, 1]; pixels above 0.5 are the target.

    Returns:
        (M, 2) float32, M <= ``limit`` (0 for an empty mask); the same mask gives the same points.
    """
    rows, cols = np.nonzero(np.asarray(mask) > 0.5)
    if len(rows) > limit:
        keep = np.round(np.linspace(0, len(rows) - 1, limit)).astype(np.int64)  # every k-th, in raster order
        rows, cols = rows[keep], cols[keep]
    size = mask.shape[0]
    x = 1.0 - (2.0 * cols + 1.0) / size
    y = 1.0 - (2.0 * rows + 1.0) / size
    return np.stack([x, y], axis=1).astype(np.float32)


def lloyd(centers: torch.Tensor, radii: torch.Tensor, points: torch.Tensor, size: int) -> torch.Tensor:
    """Centroidal-Voronoi coverage: every creature pulled to the centre of the target it is nearest to.

    Each target point goes to the creature nearest to it in units of that creature's radius
    (|p - c| / r: a bigger creature gets a bigger share); each creature's cell centroid g_i is the
    mean of its points, and the term is sum_i area_i |c_i - g_i|^2 / r_i^2 with g_i held fixed (a
    Lloyd step as a gradient). A creature crowded onto a small part (two eyes) gets few points;
    the parts nobody sits on (the ring of a face) go to the creatures nearest them, whose centroids
    move out towards them. Creatures with no point get no pull here (the attraction moves them).

    Args:
        centers: (N, 2) in NDC.
        radii: (N,) body radius in NDC; 0 for a creature taken out (it gets no points).
        points: (M, 2) target points in NDC (:func:`target_points`).
        size: render size in pixels (the area unit, as in the image loss).

    Returns:
        scalar, 0 when every creature sits on its centroid (or there are no points).
    """
    if points.shape[0] == 0:
        return centers.sum() * 0.0
    present = radii > 0
    safe = torch.where(present, radii, 1.0)  # (N,)
    with torch.no_grad():
        d2 = torch.cdist(points, centers.detach()) / safe  # (M, N) distance in radii
        d2 = d2.masked_fill_(~present, math.inf)
        owner = d2.argmin(dim=1)  # (M,)
        n = centers.shape[0]
        total = centers.new_zeros(n, 2).index_add_(0, owner, points)  # (N, 2)
        count = centers.new_zeros(n).index_add_(0, owner, torch.ones_like(owner, dtype=centers.dtype))  # (N,)
        centroid = total / count.clamp_min(1.0)[:, None]
        has = (count > 0).to(centers.dtype)  # (N,)
    area = math.pi * (radii * (size / 2.0)) ** 2  # (N,) pixels
    gap = ((centers - centroid) ** 2).sum(dim=1) / (safe * safe)  # (N,) in radii squared
    return torch.sum(area * gap * has)


def sinkhorn(centers: torch.Tensor, radii: torch.Tensor, points: torch.Tensor, size: int, blur: float) -> torch.Tensor:
    """Optimal-transport coverage: the Sinkhorn divergence (GeomLoss) between the creatures, each
    weighted by its body area, and the target points, uniform; creatures spread over the target in
    proportion to its area.

    Scaled like :func:`lloyd`: the swarm's total body area (pixels) times the divergence in squared
    mean radii.

    Args:
        centers: (N, 2) in NDC.
        radii: (N,) body radius in NDC; 0 for a creature taken out (no mass).
        points: (M, 2) target points in NDC.
        size: render size in pixels.
        blur: GeomLoss's blur (the entropic scale), in NDC.
    """
    from geomloss import SamplesLoss

    if points.shape[0] == 0:
        return centers.sum() * 0.0
    area = math.pi * (radii * (size / 2.0)) ** 2  # (N,)
    total = area.sum()
    mass = area / total.clamp_min(1e-12)
    uniform = points.new_full((points.shape[0],), 1.0 / points.shape[0])
    loss = SamplesLoss("sinkhorn", p=2, blur=blur, scaling=0.7, backend="tensorized")
    divergence = loss(mass, centers, uniform, points)  # half the squared transport distance, NDC^2
    mean_radius = (radii * mass).sum().detach().clamp_min(1e-6)
    return total.detach() * divergence / mean_radius**2
