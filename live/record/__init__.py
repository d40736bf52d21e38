"""Recording: frames for the visitor's eyes, turned into GIFs (and MP4s).

Frames are uint8 RGB (H, W, 3) numpy arrays: the display/recording edge, where the core's float
images end. The live loop's :class:`~live.record.recorder.Recorder` keeps them in a bounded
buffer and exports in a background thread; a camera frame is refused unless
``record.record_camera`` is set.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Sequence

import numpy as np
import torch

#: Colour the target mask is shown in next to the render (the seed drew its 'A' in red).
TARGET_RGB = (255, 0, 0)


def to_uint8(image: torch.Tensor | np.ndarray) -> np.ndarray:
    """Float image in [0, 1], (H, W) or (H, W, 3), as uint8 of the same shape."""
    if isinstance(image, torch.Tensor):
        image = image.detach().cpu().numpy()
    return (np.clip(image, 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)


def side_by_side(color: torch.Tensor | np.ndarray, target: np.ndarray) -> np.ndarray:
    """The seed's result view: the colour render, then the target in red.

    Args:
        color: (H, W, 3) RGB in [0, 1].
        target: (H, W) in [0, 1].

    Returns:
        (H, 2W, 3) uint8 RGB.
    """
    shown = (to_uint8(target)[..., None] * (np.asarray(TARGET_RGB) / 255.0)).astype(np.uint8)
    return np.concatenate([to_uint8(color), shown], axis=1)


def timestamped(folder: str | Path, prefix: str = "", suffix: str = ".gif") -> Path:
    """A new path ``folder/<prefix><YYYYmmdd-HHMMSS><suffix>`` that does not exist yet."""
    folder = Path(folder)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    path = folder / f"{prefix}{stamp}{suffix}"
    n = 1
    while path.exists():
        path = folder / f"{prefix}{stamp}-{n}{suffix}"
        n += 1
    return path


def write_gif(path: str | Path, frames: Sequence[np.ndarray], fps: float = 20.0) -> Path:
    """Writes ``frames`` (uint8 RGB, all one shape, or one (T, H, W, 3) array) as a looping GIF,
    creating the folder.

    Raises:
        ValueError: no frames.
        OSError: the folder cannot be created or written (message names the path).
    """
    import imageio.v3 as iio

    if len(frames) == 0:
        raise ValueError("no frames to write: nothing was recorded")
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        stack = frames if isinstance(frames, np.ndarray) and frames.ndim == 4 else np.stack(frames)
        iio.imwrite(path, stack, extension=".gif", duration=1000.0 / fps, loop=0)
    except OSError as exc:
        raise OSError(f"cannot write GIF '{path}': {exc.strerror or exc}; free some space or pick another folder") from exc
    return path


def write_mp4(path: str | Path, frames: Sequence[np.ndarray], fps: float = 20.0) -> Path:
    """Writes ``frames`` (uint8 RGB, all one shape) as an H.264 MP4 through imageio-ffmpeg.

    Raises:
        ValueError: no frames.
        ImportError: imageio-ffmpeg is not installed.
        OSError: the file cannot be written.
    """
    import imageio.v2 as iio2

    if len(frames) == 0:
        raise ValueError("no frames to write: nothing was recorded")
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with iio2.get_writer(path, format="FFMPEG", fps=fps, macro_block_size=1) as writer:
            for frame in frames:
                writer.append_data(np.ascontiguousarray(frame))
    except OSError as exc:
        raise OSError(f"cannot write MP4 '{path}': {exc.strerror or exc}; free some space or pick another folder") from exc
    return path


from live.record.recorder import Recorder, Source  # noqa: E402

__all__ = ["Recorder", "Source", "side_by_side", "timestamped", "to_uint8", "write_gif", "write_mp4"]
