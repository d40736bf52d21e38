"""Slow per-pixel references, in plain Python floats, for tiny scenes.

They follow the notebook's walk through PyTorch3D's rasterizer: loop over pixels, loop over
faces, compute barycentrics and point-triangle distances. Nothing here shares code with
``live.render``: the geometry is rebuilt from the swarm's radii and centres.
"""

from __future__ import annotations

import math

import numpy as np

LAYER_RGB = ((1.0, 0.0, 0.0), (1.0, 1.0, 1.0), (0.0, 0.0, 1.0))
LAYER_DEPTH = (1.0, 0.9, 0.8)


def log_sigmoid(x: float) -> float:
    """log(1 / (1 + exp(-x))), without overflow."""
    return -math.log1p(math.exp(-x)) if x >= 0 else x - math.log1p(math.exp(x))


def pixel_centre(i: int, j: int, size: int) -> tuple[float, float]:
    """NDC of pixel (row i, column j): +x left, +y up (as in the notebook's naive rasterizer)."""
    return 1.0 - (2 * j + 1.0) / size, 1.0 - (2 * i + 1.0) / size


def polygon(cx: float, cy: float, r: float, segments: int) -> list[tuple[float, float]]:
    return [
        (cx + r * math.cos(2 * math.pi * k / segments), cy + r * math.sin(2 * math.pi * k / segments))
        for k in range(segments)
    ]


def segment_dist2(p, a, b) -> float:
    abx, aby = b[0] - a[0], b[1] - a[1]
    l2 = abx * abx + aby * aby
    t = 0.0 if l2 == 0 else max(0.0, min(1.0, ((p[0] - a[0]) * abx + (p[1] - a[1]) * aby) / l2))
    dx, dy = a[0] + t * abx - p[0], a[1] + t * aby - p[1]
    return dx * dx + dy * dy


def edge_function(p, v0, v1) -> float:
    return (p[0] - v0[0]) * (v1[1] - v0[1]) - (p[1] - v0[1]) * (v1[0] - v0[0])


def inside_triangle(p, v0, v1, v2) -> bool:
    w = (edge_function(p, v1, v2), edge_function(p, v2, v0), edge_function(p, v0, v1))
    return all(x > 0 for x in w) or all(x < 0 for x in w)


def triangle_dist2(p, v0, v1, v2) -> float:
    return min(segment_dist2(p, v0, v1), segment_dist2(p, v1, v2), segment_dist2(p, v2, v0))


def _fans(radii: np.ndarray, centres: np.ndarray, segments: int, layers: int):
    """Yields (layer, creature, v0, v1, centre) for every fan triangle."""
    for n, (r, c) in enumerate(zip(radii, centres, strict=True)):
        for layer in range(layers):
            ring = polygon(c[0], c[1], r[layer], segments)
            for k in range(segments):
                yield layer, n, ring[k], ring[(k + 1) % segments], (c[0], c[1])


def fan_silhouette(radii, centres, size: int, sigma: float, segments: int = 16) -> np.ndarray:
    """PyTorch3D's soft silhouette of the body fans, face by face, all faces within the blur radius.

    alpha = 1 - prod over faces of (1 - sigmoid(-d / sigma)), d the signed squared distance from the
    pixel to the triangle (negative inside), faces farther than the blur radius skipped.
    """
    blur = math.log(1.0 / 1e-4 - 1.0) * sigma
    faces = [f for f in _fans(radii, centres, segments, layers=1)]
    out = np.zeros((size, size))
    for i in range(size):
        for j in range(size):
            p = pixel_centre(i, j, size)
            keep = 1.0
            for _, _, v0, v1, c in faces:
                d = triangle_dist2(p, v0, v1, c)
                inside = inside_triangle(p, v0, v1, c)
                if not inside and d >= blur:
                    continue
                keep *= 1.0 - 1.0 / (1.0 + math.exp((-d if inside else d) / sigma))
            out[i, j] = 1.0 - keep
    return out


def outline_silhouette(radii, centres, size: int, sigma: float, segments: int = 16, corners: bool = True) -> np.ndarray:
    """The analytic backend's model, computed by brute force over every edge.

    Per creature: the nearest outline edge gives the signed squared distance d (negative inside);
    with ``corners``, the edge sharing that edge's nearer corner adds a second, unsigned term.
    """
    blur = math.log(1.0 / 1e-4 - 1.0) * sigma
    out = np.zeros((size, size))
    for i in range(size):
        for j in range(size):
            p = pixel_centre(i, j, size)
            log_keep = 0.0
            for r, c in zip(radii, centres, strict=True):
                ring = polygon(c[0], c[1], r[0], segments)
                edges = [(ring[k], ring[(k + 1) % segments]) for k in range(segments)]
                inside = all(edge_function(p, a, b) <= 0 for a, b in edges)  # counter-clockwise ring
                dists = [segment_dist2(p, a, b) for a, b in edges]
                k = int(np.argmin(dists))
                terms = [-dists[k] if inside else dists[k]]
                if corners:
                    a, b = edges[k]
                    near_b = segment_dist2(p, b, b) < segment_dist2(p, a, a)
                    other = (k + 1) % segments if near_b else (k - 1) % segments
                    terms.append(dists[other])
                for d in terms:
                    if d < blur:
                        log_keep += log_sigmoid(d / sigma)
            out[i, j] = 1.0 - math.exp(log_keep)
    return out


def _eye_fans(radii, centres, segments: int, shift, squash):
    """Yields (layer, creature, v0, v1, centre) for every fan triangle, each disc moved by
    ``shift[n, layer]`` and squashed vertically by ``squash[n, layer]`` about its centre."""
    for n, (r, c) in enumerate(zip(radii, centres, strict=True)):
        for layer in range(3):
            cx, cy = c[0] + shift[n, layer, 0], c[1] + shift[n, layer, 1]
            ring = [(x, cy + (y - cy) * squash[n, layer]) for x, y in polygon(cx, cy, r[layer], segments)]
            for k in range(segments):
                yield layer, n, ring[k], ring[(k + 1) % segments], (cx, cy)


def color(radii, centres, size: int, segments: int = 16, ambient: float = 0.99, shift=None, squash=None) -> np.ndarray:
    """Hard rasterisation of all three fans of every creature: nearest face wins, black background.

    ``shift`` (N, 3, 2) and ``squash`` (N, 3), when given, move and squash each disc (the eyes)."""
    if shift is None:
        faces = list(_fans(radii, centres, segments, layers=3))
    else:
        faces = list(_eye_fans(radii, centres, segments, shift, squash))
    out = np.zeros((size, size, 3))
    for i in range(size):
        for j in range(size):
            p = pixel_centre(i, j, size)
            best = None
            for layer, _, v0, v1, c in faces:
                if inside_triangle(p, v0, v1, c) and (best is None or LAYER_DEPTH[layer] < LAYER_DEPTH[best]):
                    best = layer
            if best is not None:
                out[i, j] = [ambient * x for x in LAYER_RGB[best]]
    return out
