"""The crisp colour view: the creatures drawn at display resolution, anti-aliased.

The loss may run at 256^2; what the visitor sees is drawn again at the display's size (the canvas
side, 512, in a window) from the same centres and radii, with no mesh and in plain torch, so both
backends share it (on the CPU and on CUDA).

Each disc (the seed's 16-gon, or a circle) is cut into row spans, as the analytic renderer fills
its covered pixels, but here the spans keep their exact ends: a span [a, b) in pixel units covers
pixel j by the length of [a, b) within [j, j + 1), which is a difference of two ramps, so four
scattered values per span and one cumulative sum per row give the exact horizontal coverage.
Vertically, :data:`SUBROWS` rows are sampled per pixel and averaged. A layer's coverage is the sum
over its discs, clipped at 1; the layers are then painted back to front: black, red body, white
eye, blue pupil, each mixed in by its coverage (one pass, see :meth:`CrispView._paint`). Only the
box the discs touch is computed; the rest of the view stays black.

:class:`ViewThread` draws views on a thread of their own, so that the live loop's view overlaps
its optimiser step.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import torch

from live.render.geometry import polygon_apothem
from live.sprites import LAYER_RGB

#: The layers' colours the painting below is written for: red body, white eye, blue pupil.
SEED_RGB = ((1.0, 0.0, 0.0), (1.0, 1.0, 1.0), (0.0, 0.0, 1.0))

#: Sample rows per pixel row (vertical anti-aliasing); the horizontal coverage is exact.
SUBROWS = 3


class CrispView:
    """Draws the colour view of a swarm at one display size.

    Args:
        size: side of the view in pixels.
        segments: sides of the polygon that stands for a disc; 0 for true circles.
        ambient: the ambient light (the seed's 0.99) that scales every colour.
        device, dtype: where the view is drawn.
    """

    def __init__(self, size: int, segments: int, ambient: float, device=None, dtype=torch.float32):
        if size < 8:
            raise ValueError(f"view size must be at least 8 pixels, got {size}")
        self.size = size
        self.segments = segments
        self.device = torch.device(device) if device is not None else torch.device("cpu")
        self.dtype = dtype
        if segments:
            step = 2.0 * math.pi / segments
            beta = (torch.arange(segments, dtype=torch.float64) + 0.5) * step
            self._nx = beta.cos().to(dtype=dtype, device=self.device)  # (M,)
            self._ny = beta.sin().to(dtype=dtype, device=self.device)
            self._upper = torch.where(self._nx > 0, 0.0, math.inf).to(dtype=dtype, device=self.device)
            self._lower = torch.where(self._nx < 0, 0.0, -math.inf).to(dtype=dtype, device=self.device)
        if LAYER_RGB != SEED_RGB:
            raise ValueError(f"the crisp view paints the seed's colours {SEED_RGB}, not {LAYER_RGB}")
        self.ambient = ambient
        self._half = torch.tensor(0.5, dtype=dtype, device=self.device)  # rounds to uint8
        self._sub = (torch.arange(SUBROWS, dtype=dtype, device=self.device) + 0.5) / SUBROWS  # (R,)

    @torch.no_grad()
    def __call__(self, centers: torch.Tensor, radii: torch.Tensor, eyes=None) -> torch.Tensor:
        """The view of creatures at ``centers`` with disc radii ``radii``.

        Args:
            centers: (N, 2) in NDC (+x left, +y up).
            radii: (N, 3) body, eye and pupil radius in NDC (0: not drawn).
            eyes: an :class:`~live.render.eyes.EyePose` for these N creatures (each eye and pupil
                shifted and squashed vertically about its centre), or None: centred, the seed's look.

        Returns:
            (size, size, 3) RGB in [0, 1].
        """
        image = torch.zeros(self.size, self.size, 3, dtype=self.dtype, device=self.device)
        painted = self._paint(centers, radii, eyes)
        if painted is not None:
            (top, left), channels = painted
            height, width = channels[0].shape
            image[top : top + height, left : left + width] = torch.stack(channels, dim=2).mul_(self.ambient)
        return image

    @torch.no_grad()
    def rgb8(self, centers: torch.Tensor, radii: torch.Tensor, eyes=None) -> torch.Tensor:
        """The same view as :meth:`__call__`, as (size, size, 3) uint8 RGB (rounded): what the
        display and the recorder take, without a float picture of the whole view in between."""
        image = torch.zeros(self.size, self.size, 3, dtype=torch.uint8, device=self.device)
        painted = self._paint(centers, radii, eyes)
        if painted is not None:
            (top, left), channels = painted
            height, width = channels[0].shape
            box = image[top : top + height, left : left + width]
            scale = 255.0 * self.ambient
            for k, channel in enumerate(channels):
                box[..., k].copy_(torch.add(self._half, channel, alpha=scale))  # to uint8 truncates: +0.5 rounds
        return image

    def _paint(self, centers, radii, eyes):
        """The three colour channels inside the box the creatures touch, before the ambient
        light: ``((top, left), (r, g, b))`` with each channel (H, W) in [0, 1]; None when nothing
        is drawn.

        The layers are painted back to front over black (body, eye, pupil, each mixed in by its
        coverage). With the seed's colours (red, white, blue) that is, per pixel, with c0, c1, c2
        the layers' coverage: white shows by w = c1 (1 - c2), red by c0 (1 - c1) (1 - c2), so
        r = red + w, g = w, b = w + c2.
        """
        shift, squash = (None, None) if eyes is None else eyes.layers()
        covered = self.coverage(centers, radii, shift, squash)
        if covered is None:
            return None
        corner, (body, eye, pupil) = covered
        clear = 1.0 - pupil
        white = eye * clear
        red = body * (1.0 - eye) * clear
        return corner, (red + white, white, white + pupil)

    def coverage(
        self,
        centers: torch.Tensor,
        radii: torch.Tensor,
        shift: torch.Tensor | None = None,
        squash: torch.Tensor | None = None,
    ):
        """How much of each pixel each layer's discs cover, within the box the discs touch.

        Args:
            centers: (N, 2); radii: (N, 3); shift: (N, 3, 2) each disc's centre relative to
            ``centers`` (None: concentric); squash: (N, 3) vertical scale of each disc (None: 1).

        Returns:
            ``((top, left), cover)`` with ``cover`` (3, H, W) in [0, 1], the coverage of the view's
            pixels ``[top, top + H) x [left, left + W)`` (none outside); None when no disc
            touches the view.
        """
        size = self.size
        opts = {"dtype": self.dtype, "device": self.device}
        centers, radii = centers.to(**opts), radii.to(**opts)
        if centers.shape[0] == 0:
            return None
        # All three layers at once, over the bodies' reach (fewer, larger operations: for the
        # swarm sizes the loop sees, each operation's fixed cost outweighs the rows it does).
        c = centers[:, None, :] if shift is None else centers[:, None, :] + shift.to(**opts)  # (N, 1 or 3, 2)
        edges = polygon_apothem(radii, self.segments) if self.segments else radii  # (N, 3)
        scale = None if squash is None else squash.to(**opts)
        row, a, b = self._spans(c, edges, radii, scale)  # (N, 3, L*R) each
        row = row.expand_as(a)
        keep = (row >= 0) & (row < size) & (b > a)  # spans that cover something
        if not bool(keep.any()):
            return None
        # The box the spans touch: rows [top, bottom), columns [left, right).
        top, bottom, left, right = torch.stack(
            [
                torch.where(keep, row, size).amin(),
                torch.where(keep, row, -1).amax() + 1,
                torch.where(keep, a, float(size)).amin().floor().long(),
                torch.where(keep, b, 0.0).amax().floor().long() + 1,
            ]
        ).tolist()
        right = min(right, size)
        height, width = bottom - top, right - left + 2
        layer = torch.arange(3, device=self.device).view(1, 3, 1)
        line = (layer * height + row - top) * width  # (N, 3, L*R) where each span's row starts in the marks
        ia, ib = a.floor(), b.floor()
        fa, fb = a - ia, b - ib
        ia, ib = ia.long() - left, ib.long() - left
        # coverage of [a, b) = ramp(b) - ramp(a); ramp(t) steps by (f - 1) at floor(t), by -f after it.
        index = torch.stack([line + ia, line + ia + 1, line + ib, line + ib + 1])  # (4, N, 3, L*R)
        value = torch.stack([1.0 - fa, fa, fb - 1.0, -fb]) / SUBROWS
        dump = 3 * height * width
        index = index.masked_fill_(~keep, dump)
        marks = torch.zeros(dump + 1, **opts)
        marks.index_add_(0, index.flatten(), value.flatten())
        summed = marks[:-1].view(3, height, width).cumsum(dim=2)[:, :, : right - left]  # (3, H, W)
        return (top, left), summed.clamp_(0.0, 1.0)

    def _spans(self, centers, edges, radii, squash):
        """Row spans of the discs: ``(rows, a, b)``, each (N, 3, L*R) (rows (N, 1 or 3, L*R)): a
        sample row's pixel row and the span [a, b) it covers in pixel units (clipped to the view;
        a >= b: nothing).

        Args:
            centers: (N, 1 or 3, 2) the discs' centres; edges: (N, 3) the apothem (polygon) or
            radius (circle); radii: (N, 3) the radius, for the reach; squash: (N, 3) vertical
            scale, or None.
        """
        size, sub = self.size, SUBROWS
        reach = int(math.ceil(float(radii.max()) * size / 2.0)) + 2  # rows above and below a centre
        # Sample rows: v = (row + t) in pixel units from the top, y = 1 - 2 v / S.
        middle = torch.floor((1.0 - centers[..., 1]) * (size / 2.0)).long()  # (N, 1 or 3) row of each centre
        row = middle[..., None] + torch.arange(-reach, reach + 1, device=self.device)  # (N, 1 or 3, L)
        v = row[..., None].to(self.dtype) + self._sub  # (N, 1 or 3, L, R)
        qy = ((1.0 - 2.0 / size * v) - centers[..., 1, None, None]).flatten(2)  # (N, 1 or 3, L*R)
        if squash is not None:
            qy = qy / squash[..., None]  # the squashed disc holds (qx, qy) where the round one holds (qx, qy / s)
        e = edges[..., None]  # (N, 3, 1)
        if self.segments:
            ratio = (e[..., None] - qy[..., None] * self._ny) / self._nx  # (N, 3, L*R, M)
            hi = (ratio + self._upper).amin(dim=3)  # (N, 3, L*R)
            lo = (ratio + self._lower).amax(dim=3)
        else:
            h2 = e * e - qy * qy
            hi = torch.sqrt(h2.clamp_min(0.0))  # 0 outside the disc: a = b, nothing covered
            lo = -hi
        cx = centers[..., 0:1]  # (N, 1 or 3, 1)
        # x = 1 - 2 u / S: the span [lo, hi] in x is [a, b] in u (u grows to the right).
        a = ((1.0 - cx - hi) * (size / 2.0)).clamp_(0.0, float(size))
        b = ((1.0 - cx - lo) * (size / 2.0)).clamp_(0.0, float(size))
        return row.repeat_interleave(sub, dim=-1), a, b


class ViewThread:
    """Draws views on a thread of their own, so that a frame's view (of the creatures as they stand
    before the frame's step) is drawn while the main thread runs that step: on a 2-core machine,
    with one torch thread each, the two overlap (torch and OpenCV release the GIL in their kernels).

    One drawing at a time: :meth:`start` hands over the inputs (tensors nothing changes in place
    until :meth:`result` returns), :meth:`result` waits for the picture.

    Args:
        draw: ``(centers, radii, eyes) -> picture``, called on the thread alone: e.g.
            :meth:`CrispView.rgb8`, or the screen's :class:`~live.display.creatures.ScreenView`.
    """

    def __init__(self, draw: Callable):
        from concurrent.futures import ThreadPoolExecutor

        self.draw = draw
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="live-view")
        self._pending = None

    def start(self, centers: torch.Tensor, radii: torch.Tensor, eyes=None) -> None:
        """Starts drawing these creatures (waits for a drawing still under way first)."""
        if self._pending is not None:
            self._pending.result()
        self._pending = self._pool.submit(self.draw, centers, radii, eyes)

    def result(self):
        """The picture last started, once drawn (its exception, if any)."""
        if self._pending is None:
            raise RuntimeError("no view was started")
        pending, self._pending = self._pending, None
        return pending.result()

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
        self._pending = None
