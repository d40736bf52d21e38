"""Encoding a recording: a palette-optimised, size-capped GIF and an H.264 MP4 for phones.

Both encoders return bytes and never touch the recordings folder: :mod:`live.record.files`
writes those bytes so that no final name is ever half written. Frames are uint8 RGB
``(T, H, W, 3)``.
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


def _stack(frames: Sequence[np.ndarray] | np.ndarray) -> np.ndarray:
    if len(frames) == 0:
        raise ValueError("no frames to write: nothing was recorded")
    stack = frames if isinstance(frames, np.ndarray) and frames.ndim == 4 else np.stack(list(frames))
    if stack.dtype != np.uint8 or stack.ndim != 4 or stack.shape[3] != 3:
        raise ValueError(f"frames must be uint8 RGB (T, H, W, 3), got {stack.dtype} {stack.shape}")
    return stack


def gif_delays(count: int, duration_ms: float) -> list[int]:
    """Per-frame delays in ms for ``count`` frames of ``duration_ms`` each, in whole centiseconds
    (the GIF's unit) whose running sum stays within 5 ms of the true timeline, so a clip at
    15 fps plays 7, 6, 7, 7, 6, ... cs and lasts as long as it was recorded, not 10% less.

    Returns:
        ``count`` delays in ms, each a multiple of 10 and at least 10.
    """
    ends = np.maximum(np.round(np.arange(1, count + 1) * duration_ms / 10.0), np.arange(1, count + 1))
    return (np.diff(ends, prepend=0.0) * 10).astype(int).tolist()


def _gif_once(stack: np.ndarray, duration_ms: float) -> bytes:
    from PIL import Image

    t = len(stack)
    picks = np.linspace(0, t - 1, min(t, PALETTE_SAMPLES)).round().astype(int)
    montage = Image.fromarray(np.concatenate([stack[i] for i in picks], axis=0))
    palette = montage.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    images = [Image.fromarray(f).quantize(palette=palette, dither=Image.Dither.NONE) for f in stack]
    out = io.BytesIO()
    images[0].save(
        out,
        format="GIF",
        save_all=True,
        append_images=images[1:],
        duration=gif_delays(t, duration_ms),
        loop=0,
        optimize=True,
    )
    return out.getvalue()


def encode_gif(frames: Sequence[np.ndarray] | np.ndarray, fps: float, max_bytes: int = 0) -> bytes:
    """A looping GIF with one palette for all frames (median cut over a sample of frames, no
    dithering: the views are flat colours), under ``max_bytes`` when that is positive.

    A GIF over the cap is encoded again with every other frame (same length in seconds), then
    smaller by :data:`SHRINK` per try.

    Args:
        frames: (T, H, W, 3) uint8 RGB, or a sequence of (H, W, 3).
        fps: frames per second.
        max_bytes: the cap; 0 for none.

    Raises:
        ValueError: no frames, frames that are not uint8 RGB, or a cap not met after
            :data:`MAX_TRIES` tries.
    """
    import cv2

    stack = _stack(frames)
    duration = 1000.0 / fps
    for _ in range(MAX_TRIES):
        data = _gif_once(stack, duration)
        if max_bytes <= 0 or len(data) <= max_bytes:
            return data
        if len(stack) > 1 and duration < 100.0:
            stack, duration = stack[::2], duration * 2.0
        else:
            h, w = stack.shape[1:3]
            size = (max(1, round(w * SHRINK)), max(1, round(h * SHRINK)))
            stack = np.stack([cv2.resize(f, size, interpolation=cv2.INTER_AREA) for f in stack])
    raise ValueError(f"GIF stays over {max_bytes / 2**20:.1f} MB: raise record.gif_max_mb or lower record.max_seconds")


def encode_mp4(frames: Sequence[np.ndarray] | np.ndarray, fps: float) -> bytes:
    """An MP4 a phone plays: H.264, yuv420p, the index in front (``+faststart``) so playback
    starts before the download ends. Odd sides are padded by one edge pixel (yuv420p needs even).

    ffmpeg (imageio-ffmpeg's) writes into a private temporary folder; the bytes are returned.

    Raises:
        ValueError: no frames or frames that are not uint8 RGB.
        ImportError: imageio-ffmpeg is missing.
        OSError: ffmpeg failed (message from it).
    """
    import imageio_ffmpeg

    stack = _stack(frames)
    t, h, w, _ = stack.shape
    if h % 2 or w % 2:
        stack = np.pad(stack, ((0, 0), (0, h % 2), (0, w % 2), (0, 0)), mode="edge")
        h, w = h + h % 2, w + w % 2
    with tempfile.TemporaryDirectory(prefix="live-mp4-") as tmp:
        path = Path(tmp) / "recording.mp4"
        writer = imageio_ffmpeg.write_frames(
            str(path), (w, h), fps=fps, codec="libx264", pix_fmt_out="yuv420p", quality=None,
            macro_block_size=1, ffmpeg_log_level="error",
            output_params=["-movflags", "+faststart", "-crf", "23", "-preset", "veryfast"],
        )  # fmt: skip
        try:
            writer.send(None)
            for frame in stack:
                writer.send(np.ascontiguousarray(frame))
        except (OSError, RuntimeError) as exc:
            raise OSError(f"ffmpeg could not encode the MP4: {exc}") from exc
        finally:
            try:
                writer.close()
            except (OSError, RuntimeError) as exc:  # raised only when nothing else was
                raise OSError(f"ffmpeg could not encode the MP4: {exc}") from exc
        return path.read_bytes()
