"""The QR code the kiosk shows after an export: a white card with a title, the code and its URL.

The code is drawn at a whole number of pixels per module with no resampling, so every module is
a sharp square, with the standard quiet zone of 4 modules around it. At the default size a
version-4 code (a 50-character URL) takes 41 x 10 pixels: a phone reads it from a metre away
off a laptop screen, and ``zbarimg`` reads it from a screenshot. The words are the visitors'
(``ui.share_title``, in their font: :class:`~live.display.text.TextPainter`, DejaVu Sans).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from live.config import DEFAULT_FONT, UiConfig

if TYPE_CHECKING:  # live.display brings torch and Qt: `live gallery` stays light without them
    from live.display.text import TextPainter

#: Modules of white around the code (the QR standard asks for 4).
QUIET_ZONE = 4
#: Colours, BGR.
DARK_BGR = (0, 0, 0)
LIGHT_BGR = (255, 255, 255)
TITLE_BGR = (40, 40, 40)
#: The title's default: ``ui.share_title``.
TITLE = UiConfig().share_title
#: Each line of text takes this share of the code's side (its box; the letters about 0.6 of it).
LINE_SHARE = 0.125
#: Font size as a share of a line's box.
FONT_SHARE = 0.62


@functools.cache
def default_painter() -> TextPainter:
    """The visitors' font (DejaVu Sans), for cards made without a painter."""
    from live.display.text import TextPainter

    return TextPainter(DEFAULT_FONT)


def qr_modules(text: str) -> np.ndarray:
    """The QR code of ``text`` (error correction M, the smallest version that holds it) with its
    quiet zone.

    Returns:
        (N, N) bool, True for a dark module; N = 4 * version + 17 + 2 * QUIET_ZONE.

    Raises:
        ValueError: ``text`` is empty or too long for a QR code.
    """
    import segno

    if not text:
        raise ValueError("nothing to encode: give the URL the QR code should carry")
    try:
        code = segno.make(text, error="m", micro=False)
    except segno.DataOverflowError as exc:
        raise ValueError(f"'{text[:40]}...' is too long for a QR code: use a shorter share.public_url") from exc
    return np.array([list(row) for row in code.matrix_iter(scale=1, border=QUIET_ZONE)], dtype=bool)


def url_lines(url: str) -> list[str]:
    """What is written under the code: the server's address without 'http://'
    (``192.168.1.20:8765``), never the clip's page: its token is private (only the code carries it)."""
    shown = url.removeprefix("http://")
    head, sep, _ = shown.partition("/r/")
    return [head] if sep else [shown]


def qr_card(
    url: str,
    height: int = 520,
    title: str = TITLE,
    lines: Sequence[str] | None = None,
    width: int | None = None,
    painter: TextPainter | None = None,
) -> np.ndarray:
    """A white card: ``title``, the QR code of ``url``, then the server's address in large text.

    Args:
        url: what the code carries (a recording's page).
        height: the card's height in pixels at most; the code gets the largest whole number of
            pixels per module (at least 2) that fits with the text.
        title: the line above the code (``ui.share_title``); '' for none.
        lines: the text under the code (default :func:`url_lines`).
        width: the card's width in pixels at most (default: no limit).
        painter: the visitors' font (default DejaVu Sans); a long line gets a smaller size.

    Returns:
        (H, W, 3) uint8 BGR with H <= ``height`` and W <= ``width`` (unless even 2 px modules do
        not fit), W the code's side.

    Raises:
        ValueError: an empty URL, one too long for a QR code, or ``height`` < 64.
    """
    if height < 64:
        raise ValueError(f"a QR card needs at least 64 pixels of height, got {height}")
    painter = painter or default_painter()
    modules = qr_modules(url)
    n = modules.shape[0]
    lines = list(url_lines(url) if lines is None else lines)
    texts = [title, *lines] if title else lines
    module = int(height / (n * (1.0 + LINE_SHARE * len(texts))))
    if width is not None:
        module = min(module, width // n)
    module = max(2, module)
    side = n * module
    box = max(8, int(side * LINE_SHARE))  # each text line's height
    px = max(8, int(box * FONT_SHARE))
    card = np.full((side + box * len(texts), side, 3), LIGHT_BGR, np.uint8)
    margin = max(2, module)  # the text keeps off the card's edges; the code brings its own quiet zone
    y = 0
    if title:
        painter.paint(card, title, (margin, 0, side - 2 * margin, box), px, TITLE_BGR, max_lines=1)
        y = box
    code = np.repeat(np.repeat(modules, module, axis=0), module, axis=1)  # (side, side) bool
    card[y : y + side][code] = DARK_BGR
    y += side
    for line in lines:
        painter.paint(card, line, (margin, y, side - 2 * margin, box), px, DARK_BGR, max_lines=1)
        y += box
    return card
