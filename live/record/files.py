"""Recording files: GIFs and MP4s of uint8 RGB frames, under names that do not exist yet."""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np


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
        raise OSError(
            f"cannot write GIF '{path}': {exc.strerror or exc}; free some space or pick another folder"
        ) from exc
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
        raise OSError(
            f"cannot write MP4 '{path}': {exc.strerror or exc}; free some space or pick another folder"
        ) from exc
    return path
