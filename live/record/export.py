"""Encoding a recording: a palette-optimised, size-capped GIF and an H.264 MP4 for phones.

The encoders return bytes and never touch the recordings folder: :mod:`live.record.files`
writes those bytes so that no final name is ever half written. Frames are uint8 RGB
``(H, W, 3)``, given as a ``(T, H, W, 3)`` array or any sequence of them (a clip's
:class:`~live.record.clip.DrawnFrames` draws each when asked): :func:`encode_clip` makes the MP4
and the GIF in one pass over the frames, holding only the GIF's palette-indexed pictures (one
byte a pixel) and the frame in hand.
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np

#: Frames sampled to build a GIF's one global palette (a stable palette: no flicker).
PALETTE_SAMPLES = 16
#: Each size-cap retry keeps this fraction of the side (after halving the frame rate once).
SHRINK = 0.75
#: Tries at most to bring a GIF under its cap before giving up with an error.
MAX_TRIES = 8


def _frame(frame: np.ndarray) -> np.ndarray:
    """``frame`` checked: uint8 RGB (H, W, 3), C-contiguous."""
    if frame.dtype != np.uint8 or frame.ndim != 3 or frame.shape[2] != 3:
        raise ValueError(f"frames must be uint8 RGB (T, H, W, 3), got {frame.dtype} {frame.shape}")
    return np.ascontiguousarray(frame)


def _count(frames: Sequence[np.ndarray] | np.ndarray) -> int:
    if len(frames) == 0:
        raise ValueError("no frames to write: nothing was recorded")
    return len(frames)


def gif_delays(count: int, duration_ms: float) -> list[int]:
    """Per-frame delays in ms for ``count`` frames of ``duration_ms`` each, in whole centiseconds
    (the GIF's unit) whose running sum stays within 5 ms of the true timeline, so a clip at
    15 fps plays 7, 6, 7, 7, 6, ... cs and lasts as long as it was recorded, not 10% less.

    Returns:
        ``count`` delays in ms, each a multiple of 10 and at least 10.
    """
    ends = np.maximum(np.round(np.arange(1, count + 1) * duration_ms / 10.0), np.arange(1, count + 1))
    return (np.diff(ends, prepend=0.0) * 10).astype(int).tolist()


def gif_palette(frames: Sequence[np.ndarray] | np.ndarray):
    """One 256-colour palette for a whole GIF (a PIL image in mode 'P'): median cut over
    :data:`PALETTE_SAMPLES` frames spread over the clip, no dithering (the views are flat colours).

    Raises:
        ValueError: no frames, or frames that are not uint8 RGB.
    """
    from PIL import Image

    t = _count(frames)
    picks = np.linspace(0, t - 1, min(t, PALETTE_SAMPLES)).round().astype(int)
    montage = Image.fromarray(np.concatenate([_frame(frames[int(i)]) for i in picks], axis=0))
    return montage.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)


def quantize(frame: np.ndarray, palette):
    """``frame`` (H, W, 3) uint8 RGB in ``palette``'s colours: a PIL image in mode 'P'."""
    from PIL import Image

    return Image.fromarray(_frame(frame)).quantize(palette=palette, dither=Image.Dither.NONE)


def _gif_bytes(images: list, duration_ms: float) -> bytes:
    out = io.BytesIO()
    images[0].save(
        out,
        format="GIF",
        save_all=True,
        append_images=images[1:],
        duration=gif_delays(len(images), duration_ms),
        loop=0,
        optimize=True,
    )
    return out.getvalue()


def gif_from_images(images: list, fps: float, max_bytes: int = 0) -> bytes:
    """A looping GIF of palette images (:func:`quantize`), under ``max_bytes`` when positive.

    A GIF over the cap is encoded again with every other frame (same length in seconds), then
    smaller by :data:`SHRINK` per try (resized in RGB, put back in the same palette).

    Raises:
        ValueError: no images, or a cap not met after :data:`MAX_TRIES` tries.
    """
    from PIL import Image

    if not images:
        raise ValueError("no frames to write: nothing was recorded")
    duration = 1000.0 / fps
    palette = images[0]
    for _ in range(MAX_TRIES):
        data = _gif_bytes(images, duration)
        if max_bytes <= 0 or len(data) <= max_bytes:
            return data
        if len(images) > 1 and duration < 100.0:
            images, duration = images[::2], duration * 2.0
        else:
            w, h = images[0].size
            size = (max(1, round(w * SHRINK)), max(1, round(h * SHRINK)))
            images = [
                i.convert("RGB").resize(size, Image.Resampling.BOX).quantize(palette=palette, dither=Image.Dither.NONE)
                for i in images
            ]
    raise ValueError(f"GIF stays over {max_bytes / 2**20:.1f} MB: raise record.gif_max_mb or lower record.max_seconds")


def encode_gif(frames: Sequence[np.ndarray] | np.ndarray, fps: float, max_bytes: int = 0) -> bytes:
    """A looping GIF with one palette for all frames (:func:`gif_palette`), under ``max_bytes``
    when that is positive (:func:`gif_from_images`).

    Args:
        frames: (T, H, W, 3) uint8 RGB, or a sequence of (H, W, 3).
        fps: frames per second.
        max_bytes: the cap; 0 for none.

    Raises:
        ValueError: no frames, frames that are not uint8 RGB, or a cap not met after
            :data:`MAX_TRIES` tries.
    """
    palette = gif_palette(frames)
    return gif_from_images([quantize(frame, palette) for frame in frames], fps, max_bytes)


class Mp4Stream:
    """An MP4 a phone plays, made a frame at a time: H.264, yuv420p, the index in front
    (``+faststart``) so playback starts before the download ends. Odd sides are padded by one
    edge pixel (yuv420p needs even). ffmpeg (imageio-ffmpeg's) writes into a private temporary
    folder; :meth:`finish` returns the bytes.

    Args:
        shape: (H, W) of every frame.
        fps: frames per second.

    Raises:
        ImportError: imageio-ffmpeg is missing.
        OSError: ffmpeg failed (message from it), from any method.
    """

    def __init__(self, shape: tuple[int, int], fps: float):
        import imageio_ffmpeg

        h, w = shape
        self._pad = ((0, h % 2), (0, w % 2), (0, 0))
        self._folder = tempfile.TemporaryDirectory(prefix="live-mp4-")
        self._path = Path(self._folder.name) / "recording.mp4"
        self._writer = imageio_ffmpeg.write_frames(
            str(self._path), (w + w % 2, h + h % 2), fps=fps, codec="libx264", pix_fmt_out="yuv420p",
            quality=None, macro_block_size=1, ffmpeg_log_level="error",
            output_params=["-movflags", "+faststart", "-crf", "23", "-preset", "veryfast"],
        )  # fmt: skip
        self._guard(self._writer.send, None)

    @staticmethod
    def _guard(call, *args):
        try:
            return call(*args)
        except (OSError, RuntimeError) as exc:
            raise OSError(f"ffmpeg could not encode the MP4: {exc}") from exc

    def send(self, frame: np.ndarray) -> None:
        """Adds one (H, W, 3) uint8 RGB frame."""
        frame = _frame(frame)
        if any(after for _, after in self._pad):
            frame = np.pad(frame, self._pad, mode="edge")
        self._guard(self._writer.send, frame)

    def finish(self) -> bytes:
        """Ends the video; returns the MP4's bytes."""
        self._guard(self._writer.close)
        return self._path.read_bytes()

    def close(self) -> None:
        """Stops ffmpeg if still running and removes the temporary folder (idempotent)."""
        try:
            self._writer.close()
        except (OSError, RuntimeError):
            pass  # the error, if any, was raised where it happened
        self._folder.cleanup()

    def __enter__(self) -> Mp4Stream:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def encode_mp4(frames: Sequence[np.ndarray] | np.ndarray, fps: float) -> bytes:
    """An MP4 of ``frames`` (:class:`Mp4Stream`).

    Raises:
        ValueError: no frames or frames that are not uint8 RGB.
        ImportError: imageio-ffmpeg is missing.
        OSError: ffmpeg failed (message from it).
    """
    _count(frames)
    first = _frame(frames[0])
    with Mp4Stream(first.shape[:2], fps) as video:
        for frame in frames:
            video.send(frame)
        return video.finish()


def encode_clip(
    frames: Sequence[np.ndarray], fps: float, gif_every: int = 1, mp4: bool = True, gif_max_bytes: int = 0
) -> dict[str, bytes]:
    """A recording's files in one pass over ``frames``: each frame is taken once (a clip's frames
    are drawn when taken), sent to the MP4 and, one in ``gif_every``, put in the GIF's palette.

    Args:
        frames: the clip, (H, W, 3) uint8 RGB each, at ``fps``.
        gif_every: the GIF keeps one frame in this many (its rate is ``fps / gif_every``).
        mp4: make the MP4 too.
        gif_max_bytes: the GIF's cap (:func:`gif_from_images`); 0 for none.

    Returns:
        ``{"mp4": bytes, "gif": bytes}`` (no "mp4" unless ``mp4``).

    Raises:
        ValueError: no frames, frames that are not uint8 RGB, a GIF over its cap.
        ImportError, OSError: as :func:`encode_mp4`.
    """
    _count(frames)
    palette = gif_palette(frames[::gif_every])
    images = []
    video = None
    try:
        for i, frame in enumerate(frames):
            if mp4:
                video = video or Mp4Stream(_frame(frame).shape[:2], fps)
                video.send(frame)
            if i % gif_every == 0:
                images.append(quantize(frame, palette))
        files = {"mp4": video.finish()} if video is not None else {}
    finally:
        if video is not None:
            video.close()
    files["gif"] = gif_from_images(images, fps / gif_every, gif_max_bytes)
    return files
