"""Targets: the mask the swarm is asked to fill, from text, an image file or strokes.

Every target is a float32 numpy array (S, S) in [0, 1], in image orientation (row 0 at the top),
the same orientation as the rendered silhouette.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from pathlib import Path

import cv2
import numpy as np

from live.curve import ink, smooth

#: cv2's Hershey fonts by the names the config uses.
FONTS = {
    "simplex": cv2.FONT_HERSHEY_SIMPLEX,
    "plain": cv2.FONT_HERSHEY_PLAIN,
    "duplex": cv2.FONT_HERSHEY_DUPLEX,
    "complex": cv2.FONT_HERSHEY_COMPLEX,
    "triplex": cv2.FONT_HERSHEY_TRIPLEX,
    "script": cv2.FONT_HERSHEY_SCRIPT_SIMPLEX,
}

#: The seed's letter at 256 x 256: scale 12, thickness 46, baseline origin (30, 256 - 20).
SEED_TEXT_LAYOUT = {"size": 256, "scale": 12.0, "thickness": 46, "left": 30, "bottom": 20}
#: Fitted text keeps the seed's thickness-to-scale ratio and this margin on every side.
FIT_MARGIN = 0.06
#: Below this glyph height in pixels a text target is refused as unreadable.
MIN_TEXT_HEIGHT = 10
#: Largest image target, in pixels, checked from the file's header before it is decoded (a
#: 16000 x 16000 image would take gigabytes); 50 MP is a large phone photo.
MAX_IMAGE_PIXELS = 50_000_000


def _check_size(size: int) -> None:
    if size < 8:
        raise ValueError(f"target size must be at least 8 pixels, got {size}")


def _mask_or_raise(mask: np.ndarray, what: str, advice: str) -> np.ndarray:
    if not np.any(mask > 0.5):
        raise ValueError(f"{what} gives an empty mask: {advice}")
    return mask


def text_mask(text: str, size: int, font: str = "simplex", min_stroke: float = 0.0) -> np.ndarray:
    """Draws ``text`` white on black, the way the seed drew its 'A'.

    A single character takes the seed's layout (font scale 12, thickness 46, origin
    (30, size - 20) at 256 pixels, scaled with ``size``), so 'A' is exactly the seed's target,
    slightly cut by the frame as it was there. A longer string is scaled to fit the frame,
    centred, keeping the seed's thickness-to-scale ratio. When its strokes would be thinner than
    ``min_stroke`` pixels on one line, the text is laid out on as few lines, broken at spaces, as
    make them thick enough.

    Args:
        text: a short string, one line.
        size: side of the square mask in pixels.
        font: a key of :data:`FONTS`.
        min_stroke: thinnest stroke allowed, in pixels of the mask (0: any; the swarm asks for the
            strokes its smallest creatures can still draw, :func:`live.sprites.min_text_stroke`).

    Returns:
        (size, size) float32 in [0, 1] (anti-aliased edges).

    Raises:
        ValueError: empty or multi-line text, an unknown font, or text too long to be legible (or
            to be drawn by creatures that stay visible, on any number of lines).
    """
    _check_size(size)
    if not text.strip():
        raise ValueError("text target is empty: give at least one visible character, e.g. --text A")
    if "\n" in text:
        raise ValueError("text target must be one line: drop the line breaks")
    if font not in FONTS:
        raise ValueError(f"unknown font '{font}': use one of {', '.join(FONTS)}")
    check_drawable(text)
    face = FONTS[font]
    text = text.strip()
    canvas = np.zeros((size, size), np.uint8)
    if len(text) == 1:
        k = size / SEED_TEXT_LAYOUT["size"]
        scale = SEED_TEXT_LAYOUT["scale"] * k
        thickness = max(1, round(SEED_TEXT_LAYOUT["thickness"] * k))
        origin = (round(SEED_TEXT_LAYOUT["left"] * k), size - round(SEED_TEXT_LAYOUT["bottom"] * k))
        cv2.putText(canvas, text, origin, face, scale, 255, thickness, cv2.LINE_AA)
    else:
        words = text.split()
        layouts = [_layout(lines, face, size) for lines in _line_breaks(words)]
        fits = [layout for layout in layouts if layout[1] >= min_stroke]
        if not fits:
            longest = max(len(w) for w in words)
            raise ValueError(
                f"text '{text}' would need creatures too small to see at {size} px: use at most "
                f"{_most_letters(longest, layouts[-1][1], min_stroke)} letters per word (separate words with spaces)"
            )
        lines, thickness, scale, origins, height = fits[0]
        if height < MIN_TEXT_HEIGHT:
            most = _most_characters(text, face, size)
            raise ValueError(
                f"text '{text}' cannot fit {size} px legibly: use at most {most} characters or a larger --size"
            )
        for line, origin in zip(lines, origins, strict=True):
            cv2.putText(canvas, line, origin, face, scale, 255, thickness, cv2.LINE_AA)
    return _mask_or_raise(canvas.astype(np.float32) / 255.0, f"text '{text}'", "use visible characters")


def check_drawable(text: str) -> None:
    """Raises ValueError (one line) when ``text`` has characters the Hershey fonts cannot draw:
    they know printable ASCII only, and would draw anything else as '?'."""
    bad = sorted({c for c in text if not (" " <= c <= "~")})
    if bad:
        shown = " ".join(repr(c) for c in bad[:5])
        raise ValueError(
            f"text '{text}' has characters the fonts cannot draw ({shown}): use ASCII letters, digits and punctuation"
        )


def _fit_text(text: str, face: int, size: int) -> tuple[float, int, tuple[int, int], int]:
    """Scale, thickness, (w, h) and baseline of ``text`` fitted into the square with the margin."""
    ratio = SEED_TEXT_LAYOUT["thickness"] / SEED_TEXT_LAYOUT["scale"]
    (w1, h1), base1 = cv2.getTextSize(text, face, 1.0, 1)
    room = size * (1.0 - 2.0 * FIT_MARGIN)
    # Ink extends thickness/2 beyond the glyph box; the box itself grows with the scale.
    scale = room / max(w1 + ratio, h1 + base1 + ratio)
    thickness = max(1, round(ratio * scale))
    (w, h), base = cv2.getTextSize(text, face, scale, thickness)
    return scale, thickness, (w, h), base


def _most_characters(text: str, face: int, size: int) -> int:
    """The longest start of ``text`` that still fits legibly (at least 1): the hint of the error."""
    lo, hi = 1, len(text) - 1  # text[:lo] fits (one character takes the seed's layout), text fails
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if _fit_text(text[:mid], face, size)[2][1] >= MIN_TEXT_HEIGHT:
            lo = mid
        else:
            hi = mid - 1
    return lo


#: Text on several lines: the gap between two lines, as a fraction of a capital's height.
LINE_GAP = 0.35
#: At most this many lines.
MAX_LINES = 4


def _line_breaks(words: list[str]) -> list[list[str]]:
    """The text on 1, 2, ... lines (at most :data:`MAX_LINES`, one word per line at most), each
    split at the spaces that make its longest line shortest (in characters)."""
    out = [[" ".join(words)]]
    for count in range(2, min(len(words), MAX_LINES) + 1):
        best = None
        for cuts in itertools.combinations(range(1, len(words)), count - 1):
            bounds = (0, *cuts, len(words))
            lines = [" ".join(words[a:b]) for a, b in itertools.pairwise(bounds)]
            if best is None or max(map(len, lines)) < max(map(len, best)):
                best = lines
        out.append(best)
    return out


def _layout(lines: list[str], face: int, size: int):
    """Fits ``lines`` into the frame with the seed's thickness-to-scale ratio and a margin.

    Returns:
        (lines, thickness, scale, origins, glyph height): thickness in pixels, one baseline origin
        per line, the height of a line's glyph box in pixels.
    """
    ratio = SEED_TEXT_LAYOUT["thickness"] / SEED_TEXT_LAYOUT["scale"]
    room = size * (1.0 - 2.0 * FIT_MARGIN)
    boxes = [cv2.getTextSize(line, face, 1.0, 1) for line in lines]
    w1 = max(w for (w, _), _ in boxes)
    h1 = max(h for (_, h), _ in boxes)
    base1 = max(b for _, b in boxes)
    n = len(lines)
    # Ink extends thickness/2 beyond the glyph box; the box itself grows with the scale.
    if n == 1:
        scale = room / max(w1 + ratio, h1 + base1 + ratio)
    else:
        scale = room / max(w1 + ratio, n * (h1 + ratio) + (n - 1) * LINE_GAP * h1 + base1)
    thickness = max(1, round(ratio * scale))
    sizes = [cv2.getTextSize(line, face, scale, thickness) for line in lines]
    if n == 1:
        (w, h), base = sizes[0]
        return lines, thickness, scale, [((size - w) // 2, (size + h - base) // 2)], h
    h = max(hh for (_, hh), _ in sizes)
    pitch = h + thickness + LINE_GAP * h
    block = n * h + (n - 1) * (pitch - h)
    top = (size - block) / 2.0
    origins = [((size - w) // 2, round(top + i * pitch + h)) for i, ((w, _), _) in enumerate(sizes)]
    return lines, thickness, scale, origins, h


def _most_letters(longest: int, thickness: float, min_stroke: float) -> int:
    """Letters per line that would keep strokes at ``min_stroke`` (stroke thickness is about
    inversely proportional to the longest line's length)."""
    return max(1, int(longest * thickness / max(min_stroke, 1e-9)))


def image_mask(path: str | Path, size: int, threshold: float = 0.1, invert: bool = False) -> np.ndarray:
    """Reads an image file into a mask: pixels brighter than ``threshold`` are in.

    The image is fitted into the square keeping its aspect ratio, centred on black. A
    transparent pixel (alpha channel) counts as black.

    Args:
        path: any image cv2 reads (PNG, JPEG, BMP, TIFF, WebP, ...).
        size: side of the square mask in pixels.
        threshold: in [0, 1], on the brightest channel.
        invert: take pixels darker than ``1 - threshold`` instead (dark drawing on light paper).

    Returns:
        (size, size) float32 with values 0 or 1.

    Raises:
        ValueError: a missing or unreadable file, or an empty mask.
    """
    _check_size(size)
    path = Path(path)
    if path.is_dir():
        raise ValueError(f"target image '{path}' is a folder: give an image file in it")
    if not path.is_file():
        raise ValueError(f"target image '{path}' does not exist: check the path")
    _check_pixels(path)
    image = cv2.imread(str(path), cv2.IMREAD_UNCHANGED)
    if image is None or image.size == 0:
        raise ValueError(f"cannot read target image '{path}': give a PNG, JPEG or another format OpenCV decodes")
    image = image.astype(np.float32) / (65535.0 if image.dtype == np.uint16 else 255.0)
    if image.ndim == 3 and image.shape[2] == 4:
        alpha = image[..., 3]
        bright = image[..., :3].max(axis=2)
        bright = bright * alpha if not invert else 1.0 - (1.0 - bright) * alpha
    else:
        bright = image.max(axis=2) if image.ndim == 3 else image
    inked = (bright < 1.0 - threshold) if invert else (bright > threshold)
    h, w = inked.shape
    k = size / max(h, w)
    nh, nw = max(1, round(h * k)), max(1, round(w * k))
    small = cv2.resize(inked.astype(np.float32), (nw, nh), interpolation=cv2.INTER_AREA)
    mask = np.zeros((size, size), np.float32)
    top, left = (size - nh) // 2, (size - nw) // 2
    mask[top : top + nh, left : left + nw] = small > 0.5
    advice = "lower the threshold, or use --invert for a dark drawing on a light background"
    return _mask_or_raise(mask, f"target image '{path}'", advice)


def _check_pixels(path: Path) -> None:
    """Refuses an image larger than :data:`MAX_IMAGE_PIXELS` from its header alone (Pillow reads
    the size without decoding); a format Pillow does not know is left to OpenCV."""
    from PIL import Image

    try:
        with Image.open(path) as header:
            w, h = header.size
    except Image.DecompressionBombError:  # Pillow's own limit, far above ours
        w = h = None
    except Exception:  # not an image Pillow knows: OpenCV gets its turn
        return
    if w is None or w * h > MAX_IMAGE_PIXELS:
        shown = f" ({w} x {h})" if w is not None else ""
        raise ValueError(
            f"target image '{path}' has more than {MAX_IMAGE_PIXELS // 1_000_000} megapixels{shown}: "
            "shrink it (a few hundred pixels are enough)"
        )


Stroke = Sequence[tuple[float, float]]


def stroke_mask(strokes: Sequence[Stroke], size: int, brush: float, canvas_size: int | None = None) -> np.ndarray:
    """Draws strokes with a round brush, along the smooth curve through their samples.

    Each stroke is the centripetal Catmull-Rom curve through its points (:mod:`live.curve`), the
    same curve the canvas shows (:class:`live.app.canvas.StrokeCanvas`), computed in canvas pixels
    and scaled to the mask.

    Args:
        strokes: each a sequence of (x, y) points in pixels of a ``canvas_size`` square (x to the
            right, y down); a single point is a dot.
        size: side of the mask in pixels.
        brush: brush radius in canvas pixels.
        canvas_size: side of the canvas the points are in; defaults to ``size``.

    Returns:
        (size, size) float32 with values 0 or 1 (all zero for no strokes).

    Raises:
        ValueError: a non-positive brush.
    """
    _check_size(size)
    if brush <= 0:
        raise ValueError(f"brush radius must be positive, got {brush}")
    k = size / (canvas_size or size)
    radius = max(1, round(brush * k))
    mask = np.zeros((size, size), np.uint8)
    for stroke in strokes:
        line = smooth(stroke) * k
        ink(mask, line[:1], radius, 1)  # a stroke starts with a dot, as on the canvas
        ink(mask, line, radius, 1)
    return mask.astype(np.float32)


def stroke_width(mask: np.ndarray) -> float:
    """The typical width of the target's strokes in pixels: twice the median, along the target's
    skeleton, of the distance to the nearest pixel outside it.

    A pen line of width w gives about w; a filled shape gives the width of its main body (a
    disc: its diameter). The median, not the mean, so that a few broad parts (a sun's disc) do
    not hide the thin strokes that most of the skeleton runs along (its rays).

    Args:
        mask: (S, S) in [0, 1]; pixels above 0.5 are the target.

    Returns:
        width in pixels, at least 1 (0 for an empty mask).
    """
    inside = (np.asarray(mask) > 0.5).astype(np.uint8)
    if not inside.any():
        return 0.0
    depth = cv2.distanceTransform(inside, cv2.DIST_L2, cv2.DIST_MASK_PRECISE)
    skeleton = cv2.ximgproc.thinning(inside * 255) > 0
    along = depth[skeleton] if skeleton.any() else depth[inside > 0]
    return max(1.0, 2.0 * float(np.median(along)))


def iou(silhouette: np.ndarray, target: np.ndarray, level: float = 0.5) -> float:
    """Intersection over union of ``silhouette > level`` and ``target > level`` (0 for two empty masks)."""
    a, b = np.asarray(silhouette) > level, np.asarray(target) > level
    union = np.logical_or(a, b).sum()
    return float(np.logical_and(a, b).sum() / union) if union else 0.0
