"""Reading a colour render with Tesseract: is the word the swarm forms legible?

OCR reads the ink of the colour view: every pixel that is not black (body, eye and pupil alike)
becomes black ink on white paper. The ink's bounding box is scaled to :data:`LINE_HEIGHT` pixels
per line of text (Tesseract misreads glyphs 200 px tall: "HI" at 256 px came back as "al"),
given a white border, and the Tesseract CLI reads it as one line (``--psm 7``) or, for a text
laid out on several lines, as one block (``--psm 6``). The Debian package is ``tesseract-ocr``;
without it :func:`available` is False.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import torch

#: A pixel whose brightest channel is above this (in [0, 1]) is ink.
INK_LEVEL = 0.1
#: Height in pixels that each line of ink is scaled to before reading.
LINE_HEIGHT = 48
#: White border in pixels around the ink (Tesseract misreads glyphs that touch the frame).
BORDER = 32


def available() -> bool:
    """True when the ``tesseract`` command is on the PATH."""
    return shutil.which("tesseract") is not None


def ink(image: np.ndarray | torch.Tensor) -> np.ndarray:
    """Ink mask of an image: (H, W) bool, True where the image is not black.

    Args:
        image: (H, W, 3) RGB or (H, W) grey, float in [0, 1].
    """
    if isinstance(image, torch.Tensor):
        image = image.detach().cpu().numpy()
    image = np.asarray(image, dtype=np.float32)
    bright = image.max(axis=2) if image.ndim == 3 else image
    return bright > INK_LEVEL


def read(image: np.ndarray | torch.Tensor, lines: int = 1) -> str:
    """Reads the text in an image's ink with Tesseract.

    Args:
        image: (H, W, 3) RGB or (H, W) grey in [0, 1]: any non-black pixel is ink.
        lines: 1 reads one line; more reads a block, and the lines are joined with single spaces.

    Returns:
        the text read, whitespace collapsed to single spaces ("" when nothing was read).

    Raises:
        RuntimeError: Tesseract is not installed, or it failed.
    """
    import cv2

    if not available():
        raise RuntimeError("OCR needs Tesseract: install the Debian package tesseract-ocr")
    inked = ink(image)
    rows, cols = np.nonzero(inked)
    if len(rows) == 0:
        return ""
    crop = inked[rows.min() : rows.max() + 1, cols.min() : cols.max() + 1]
    height = LINE_HEIGHT * max(1, lines)
    k = height / crop.shape[0]
    paper = np.where(crop, 0, 255).astype(np.uint8)
    shrink = cv2.INTER_AREA if k < 1 else cv2.INTER_LINEAR
    paper = cv2.resize(paper, (max(1, round(crop.shape[1] * k)), height), interpolation=shrink)
    paper = np.pad(paper, BORDER, constant_values=255)
    with tempfile.TemporaryDirectory(prefix="live-ocr-") as folder:
        path = Path(folder) / "ink.png"
        cv2.imwrite(str(path), paper)
        done = subprocess.run(
            ["tesseract", str(path), "-", "--psm", "7" if lines <= 1 else "6"],
            capture_output=True,
            text=True,
            timeout=60,
        )
    if done.returncode != 0:
        raise RuntimeError(f"tesseract failed: {done.stderr.strip()[:200]}")
    return " ".join(done.stdout.split())


def matches(read_text: str, expected: str) -> bool:
    """Exact match, ignoring only whitespace (a text on several lines reads with spaces)."""
    return "".join(read_text.split()) == "".join(expected.split())
