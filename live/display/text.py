"""Visitor text in a real font: any Unicode the font has, legible at kiosk scale.

Text is rendered with Pillow's FreeType binding into a coverage mask (alpha, uint8), wrapped onto
at most a few lines and sized to fit a box; each (text, box) is rendered once and kept, so a frame
only blends or copies pixels. Where the font file is missing, OpenCV's Hershey font stands in: it
has ASCII only, so accents are dropped and typographic marks replaced, and a warning says which
font to install.
"""

from __future__ import annotations

import logging
import unicodedata
from collections import OrderedDict

import cv2
import numpy as np

log = logging.getLogger("live.display")

#: Rendered blocks kept (texts change a few times a minute; the countdown once a second).
CACHE_SIZE = 64
#: Line spacing as a multiple of the font's height.
LINE_SPACING = 1.15
#: Each try at fitting a text shrinks the font by this factor.
SHRINK = 0.92
#: Smallest font size tried, in pixels.
MIN_PX = 8
#: Where a line of instructions breaks best: between its phrases.
PHRASE_BREAK = " · "
#: Typographic marks the Hershey fallback cannot draw, and what it draws instead.
_ASCII_STANDINS = {"–": "-", "—": "-", "’": "'", "‘": "'", "“": '"', "”": '"', "…": "...", "·": "-", "«": '"', "»": '"'}


def to_ascii(text: str) -> str:
    """``text`` with accents dropped and typographic marks replaced: what a Hershey font can draw."""
    text = "".join(_ASCII_STANDINS.get(ch, ch) for ch in text)
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if ord(ch) < 128 and not unicodedata.combining(ch)).replace("\x00", "")


class TextPainter:
    """Renders and blends text in one font.

    Args:
        font_path: a TrueType/OpenType file. Missing or unreadable: the Hershey fallback, with a
            warning (see :attr:`fallback`).

    Attributes:
        fallback: True when the Hershey font stands in for the font file.
    """

    def __init__(self, font_path: str):
        self.font_path = font_path
        self._fonts: dict[int, object] = {}
        self._blocks: OrderedDict[tuple, np.ndarray] = OrderedDict()
        self._inked: dict[int, tuple[slice, slice]] = {}  # id(block) -> its inked box
        self._banners: OrderedDict[tuple, np.ndarray] = OrderedDict()
        try:
            from PIL import ImageFont

            ImageFont.truetype(font_path, 12)
            self.fallback = False
        except (OSError, ImportError) as exc:
            log.warning(
                "font %r cannot be used (%s): visitor texts fall back to OpenCV's Hershey font, ASCII only; "
                "install fonts-dejavu-core or set ui.font to a .ttf file",
                font_path, exc,
            )  # fmt: skip
            self.fallback = True

    # -- one line ----------------------------------------------------------------------------
    def _font(self, px: int):
        font = self._fonts.get(px)
        if font is None:
            from PIL import ImageFont

            font = self._fonts[px] = ImageFont.truetype(self.font_path, px)
        return font

    def _hershey_scale(self, px: int) -> float:
        return px / 30.0  # FONT_HERSHEY_SIMPLEX at scale 1 is about 30 px from top to baseline + descent

    def width(self, text: str, px: int) -> int:
        """Width in pixels of ``text`` on one line at font size ``px``."""
        if self.fallback:
            return cv2.getTextSize(to_ascii(text), cv2.FONT_HERSHEY_SIMPLEX, self._hershey_scale(px), max(1, px // 14))[
                0
            ][0]
        return int(np.ceil(self._font(px).getlength(text)))

    def line_height(self, px: int) -> int:
        """Height in pixels of one line at font size ``px`` (ascent + descent)."""
        if self.fallback:
            return int(np.ceil(px * 1.1))
        ascent, descent = self._font(px).getmetrics()
        return ascent + descent

    def _draw_line(self, alpha: np.ndarray, text: str, x: int, y: int, px: int) -> None:
        """Draws one line into ``alpha`` (H, W) uint8, its top-left at (x, y)."""
        if self.fallback:
            scale, thick = self._hershey_scale(px), max(1, px // 14)
            baseline_y = y + int(round(px * 0.8))
            cv2.putText(
                alpha, to_ascii(text), (x, baseline_y), cv2.FONT_HERSHEY_SIMPLEX, scale, 255, thick, cv2.LINE_AA
            )
            return
        from PIL import Image, ImageDraw

        image = Image.fromarray(alpha)
        ImageDraw.Draw(image).text((x, y), text, font=self._font(px), fill=255)
        alpha[:] = np.asarray(image)

    # -- a block that fits a box ---------------------------------------------------------------
    def wrap(self, text: str, width: int, px: int) -> list[str]:
        """Splits ``text`` into lines no wider than ``width`` at size ``px``: between the phrases
        that `` · `` separates where that fits, else between words (a word wider than the line
        gets a line of its own)."""
        lines: list[str] = []
        for phrase in text.split(PHRASE_BREAK):
            joined = lines[-1] + PHRASE_BREAK + phrase if lines else phrase
            if lines and self.width(joined, px) <= width:
                lines[-1] = joined
                continue
            if self.width(phrase, px) <= width:
                lines.append(phrase)
                continue
            first = True
            for word in phrase.split():
                if lines and not first and self.width(lines[-1] + " " + word, px) <= width:
                    lines[-1] += " " + word
                else:
                    lines.append(word)
                first = False
        return lines or [""]

    def layout(self, text: str, width: int, height: int, max_px: int, max_lines: int = 2) -> tuple[int, list[str]]:
        """The largest font size up to ``max_px`` at which ``text`` fits ``width`` x ``height`` on at
        most ``max_lines`` lines, and those lines (the smallest size tried when nothing fits)."""
        px = max(MIN_PX, int(max_px))
        while True:
            lines = self.wrap(text, width, px)
            tall = self.line_height(px) + (len(lines) - 1) * int(self.line_height(px) * LINE_SPACING)
            if (
                len(lines) <= max_lines and tall <= height and max(self.width(s, px) for s in lines) <= width
            ) or px <= MIN_PX:
                return px, lines
            px = max(MIN_PX, int(px * SHRINK))

    def block(
        self, text: str, width: int, height: int, max_px: int, max_lines: int = 2, align: str = "center"
    ) -> np.ndarray:
        """``text`` rendered into a ``height`` x ``width`` coverage mask, centred vertically.

        Args:
            text: one line of text; it is wrapped at spaces when too wide.
            width, height: the box in pixels.
            max_px: the font size wanted, in pixels; smaller where the text would not fit.
            max_lines: lines at most.
            align: 'center' or 'left'.

        Returns:
            (height, width) uint8 coverage (255: ink). Kept: do not modify it.

        Raises:
            ValueError: an empty box or an unknown ``align``.
        """
        if width < 1 or height < 1:
            raise ValueError(f"a text box needs a positive size, got {width}x{height}")
        if align not in ("center", "left"):
            raise ValueError(f"align must be 'center' or 'left', got {align!r}")
        key = (text, width, height, int(max_px), max_lines, align)
        cached = self._blocks.get(key)
        if cached is not None:
            self._blocks.move_to_end(key)
            return cached
        px, lines = self.layout(text, width, height, max_px, max_lines)
        alpha = np.zeros((height, width), np.uint8)
        step = int(self.line_height(px) * LINE_SPACING)
        tall = self.line_height(px) + (len(lines) - 1) * step
        y = (height - tall) // 2
        for line in lines:
            x = (width - self.width(line, px)) // 2 if align == "center" else 0
            self._draw_line(alpha, line, max(0, x), y, px)
            y += step
        self._blocks[key] = alpha
        rows, cols = np.nonzero(alpha.any(axis=1))[0], np.nonzero(alpha.any(axis=0))[0]
        self._inked[id(alpha)] = (
            (slice(rows[0], rows[-1] + 1), slice(cols[0], cols[-1] + 1)) if len(rows) else (slice(0, 0), slice(0, 0))
        )
        if len(self._blocks) > CACHE_SIZE:
            _, old = self._blocks.popitem(last=False)
            self._inked.pop(id(old), None)
        return alpha

    def banner(
        self,
        text: str,
        width: int,
        height: int,
        max_px: int,
        colour: tuple[int, int, int] = (255, 255, 255),
        background: tuple[int, int, int] = (0, 0, 0),
        max_lines: int = 2,
    ) -> np.ndarray:
        """``text`` centred on a plain background: (height, width, 3) uint8, made once per text and
        kept (a frame copies it). Do not modify it. Raises as :meth:`block`."""
        key = (text, width, height, int(max_px), colour, background, max_lines)
        cached = self._banners.get(key)
        if cached is not None:
            self._banners.move_to_end(key)
            return cached
        image = np.empty((height, width, 3), np.uint8)
        image[:] = background
        self.paint(image, text, (0, 0, width, height), max_px, colour, max_lines)
        self._banners[key] = image
        if len(self._banners) > CACHE_SIZE:
            self._banners.popitem(last=False)
        return image

    def paint(
        self,
        image: np.ndarray,
        text: str,
        rect: tuple[int, int, int, int],
        max_px: int,
        colour: tuple[int, int, int] = (255, 255, 255),
        max_lines: int = 2,
        align: str = "center",
    ) -> None:
        """Blends ``text`` in ``colour`` onto ``image`` inside ``rect``, in place.

        Args:
            image: (H, W, 3) uint8 (BGR at the display edge; ``colour`` in the same order).
            rect: (x, y, width, height), clipped to the image.
            max_px, max_lines, align: as in :meth:`block`.
        """
        x, y, w, h = rect
        x0, y0 = max(0, x), max(0, y)
        x1, y1 = min(image.shape[1], x + w), min(image.shape[0], y + h)
        if x1 <= x0 or y1 <= y0:
            return
        block = self.block(text, w, h, max_px, max_lines, align)
        rows, cols = self._inked[id(block)]
        # Only the inked box, within the part of the rect that is on the image.
        top, bottom = max(rows.start, y0 - y), min(rows.stop, y1 - y)
        left, right = max(cols.start, x0 - x), min(cols.stop, x1 - x)
        if bottom <= top or right <= left:
            return
        a = block[top:bottom, left:right, None].astype(np.uint16)
        out = image[y + top : y + bottom, x + left : x + right]
        ink = np.asarray(colour, np.uint16)
        out[:] = ((out * (255 - a) + ink * a + 127) // 255).astype(np.uint8)
