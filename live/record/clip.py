"""The clip a visitor takes home: the swarm alone, square, drawn crisp at the recording's size.

The loop hands the recorder what the screen's view is drawn from (the creatures' centres, radii
and eye pose, :meth:`live.optimise.Arranger.view_inputs`), as a :class:`ClipFrame`, on the frames
it keeps (``record.stride``): a few hundred bytes that go to disk at once (:mod:`live.record.journal`).
:class:`ClipView` draws the pictures later, on the export thread, with a
:class:`~live.render.view.CrispView` of its own at ``record.size``: the clip is as sharp as its
size allows whatever the screen's, and the frame loop never pays for it. The visitor's drawing
is shown small in the lower right corner (``record.inset``), as the kiosk shows it beside the
swarm. Camera pixels never reach a clip: it is drawn from the swarm alone.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import torch

from live.display.views import mask_at, target_picture
from live.render.eyes import EyePose
from live.render.view import CrispView

#: The frame around the inset (RGB; the kiosk's panel grey).
INSET_FRAME_RGB = (80, 84, 90)
#: Most creatures a clip frame may hold (a pool is at most a few thousand; more is a broken record).
MAX_CREATURES = 100_000
#: A frame's head: creature count, and whether an eye pose follows.
_HEAD = struct.Struct("<IB")


@dataclass(frozen=True)
class ClipFrame:
    """What one clip frame is drawn from: the creatures present, as the screen showed them.

    Attributes:
        centers: (N, 2) float32 in NDC.
        radii: (N, 3) float32 body, eye and pupil radius in NDC.
        eye, pupil: (N, 2) float32 centres relative to the body's, or None (centred eyes).
        open: (N,) float32 how open each eye is, or None.
    """

    centers: np.ndarray
    radii: np.ndarray
    eye: np.ndarray | None = None
    pupil: np.ndarray | None = None
    open: np.ndarray | None = None

    @classmethod
    def of(cls, centers: torch.Tensor, radii: torch.Tensor, eyes: EyePose | None = None) -> ClipFrame:
        """A copy of the view's inputs (``Arranger.view_inputs``): later steps do not change it."""

        def copy(t: torch.Tensor) -> np.ndarray:
            return t.detach().to("cpu", torch.float32).numpy().copy()

        if eyes is None:
            return cls(copy(centers), copy(radii))
        return cls(copy(centers), copy(radii), copy(eyes.eye), copy(eyes.pupil), copy(eyes.open))

    def to_bytes(self) -> bytes:
        """The frame as bytes (:meth:`from_bytes` reads them back): count, eye flag, float32 arrays."""
        arrays = [self.centers, self.radii]
        eyes = self.eye is not None
        if eyes:
            arrays += [self.eye, self.pupil, self.open]
        body = b"".join(np.ascontiguousarray(a, np.float32).tobytes() for a in arrays)
        return _HEAD.pack(len(self.centers), int(eyes)) + body

    @classmethod
    def from_bytes(cls, data: bytes) -> ClipFrame:
        """Reads :meth:`to_bytes`'s bytes.

        Raises:
            ValueError: bytes that are not a frame (wrong length, absurd count, non-finite values).
        """
        if len(data) < _HEAD.size:
            raise ValueError("clip frame too short")
        n, eyes = _HEAD.unpack_from(data)
        floats = n * (10 if eyes else 5)
        if n > MAX_CREATURES or eyes > 1 or len(data) != _HEAD.size + 4 * floats:
            raise ValueError(f"not a clip frame: {n} creatures in {len(data)} bytes")
        values = np.frombuffer(data, np.float32, floats, _HEAD.size).copy()  # writable: torch shares it
        if not np.isfinite(values).all():
            raise ValueError("clip frame with non-finite values")
        centers, radii = values[: 2 * n].reshape(n, 2), values[2 * n : 5 * n].reshape(n, 3)
        if not eyes:
            return cls(centers, radii)
        rest = values[5 * n :]
        return cls(centers, radii, rest[: 2 * n].reshape(n, 2), rest[2 * n : 4 * n].reshape(n, 2), rest[4 * n :])


class ClipView:
    """Draws clip frames: the swarm at ``size`` by its own crisp view, the drawing inset.

    Args:
        size: side of the clip in pixels (``record.size``).
        inset: side of the drawing's inset as a fraction of ``size`` (``record.inset``); 0: none.
        ambient: the ambient light of the colours (``render.ambient``).

    Raises:
        ValueError: a size under 8 pixels or an inset outside [0, 0.5].
    """

    def __init__(self, size: int, inset: float = 0.22, ambient: float = 0.99):
        if not 0.0 <= inset <= 0.5:
            raise ValueError(f"clip inset must be within [0, 0.5] of the side, got {inset}")
        self.size = size
        self.crisp = CrispView(size, 0, ambient)  # true circles, as the screen draws them
        side = round(size * inset)
        self._inset = None if side < 8 else np.zeros((side, side, 3), np.uint8)

    @property
    def shape(self) -> tuple[int, int, int]:
        return self.size, self.size, 3

    def set_target(self, mask: np.ndarray | None) -> None:
        """The drawing shown in the inset: ``mask`` (S, S) in [0, 1] (any S), or None for none."""
        if self._inset is None:
            return
        if mask is None:
            self._inset = np.zeros_like(self._inset)
            return
        side = self._inset.shape[0]
        border = max(1, side // 60)
        picture = target_picture(mask_at(mask, side))
        picture[:border], picture[-border:], picture[:, :border], picture[:, -border:] = (INSET_FRAME_RGB,) * 4
        self._inset = picture

    def draw(self, frame: ClipFrame) -> np.ndarray:
        """One clip frame: (size, size, 3) uint8 RGB."""
        eyes = None
        if frame.eye is not None:
            eyes = EyePose(torch.from_numpy(frame.eye), torch.from_numpy(frame.pupil), torch.from_numpy(frame.open))
        image = self.crisp.rgb8(torch.from_numpy(frame.centers), torch.from_numpy(frame.radii), eyes).numpy()
        if self._inset is not None:
            side = self._inset.shape[0]
            at = self.size - side - max(2, self.size // 60)  # a margin from the corner
            image[at : at + side, at : at + side] = self._inset
        return image


class DrawnFrames(Sequence):
    """The frames of a clip, drawn when asked for (never all held at once).

    ``frames[i]`` is (H, W, 3) uint8 RGB; ``frames[a:b:k]`` is another :class:`DrawnFrames`;
    ``np.asarray(frames)`` draws them all into one (T, H, W, 3) array.

    Args:
        draw: turns one stored item into a picture (:meth:`ClipView.draw`, or a decoder).
        items: the stored items, in order.
        shape: (H, W, 3) of every picture.
    """

    def __init__(self, draw, items: Sequence, shape: tuple[int, int, int]):
        self._draw = draw
        self._items = items
        self.frame_shape = tuple(shape)

    @property
    def shape(self) -> tuple[int, int, int, int]:
        return (len(self._items), *self.frame_shape)

    def __len__(self) -> int:
        return len(self._items)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return DrawnFrames(self._draw, self._items[index], self.frame_shape)
        return self._draw(self._items[index])

    def __iter__(self) -> Iterator[np.ndarray]:
        for item in self._items:
            yield self._draw(item)

    def __array__(self, dtype=None, copy=None):
        stack = np.empty(self.shape, np.uint8)
        for i, frame in enumerate(self):
            stack[i] = frame
        return stack if dtype is None else stack.astype(dtype)
