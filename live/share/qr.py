"""The QR code the kiosk shows after an export: a white card with a title, the code and its URL.

The code is drawn at a whole number of pixels per module with no resampling, so every module is
a sharp square, with the standard quiet zone of 4 modules around it. At the default size a
version-4 code (a 50-character URL) takes 41 x 10 pixels: a phone reads it from a metre away
off a laptop screen, and ``zbarimg`` reads it from a screenshot.
"""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

#: Modules of white around the code (the QR standard asks for 4).
QUIET_ZONE = 4
#: Colours, BGR.
DARK_BGR = (0, 0, 0)
LIGHT_BGR = (255, 255, 255)
TITLE_BGR = (40, 40, 40)
FONT = cv2.FONT_HERSHEY_SIMPLEX
#: Largest font scale of the lines under the code; long lines get smaller, down to MIN_SCALE.
MAX_SCALE = 1.0
MIN_SCALE = 0.35
TITLE = "Scan to take your clip home"


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
    """The URL as shown under the code: without 'http://', split before '/r/' so each line can be
    large (``192.168.1.20:8765`` / ``/r/<token>``)."""
    shown = url.removeprefix("http://")
    head, sep, tail = shown.partition("/r/")
    return [head, sep + tail] if sep else [shown]


def qr_card(
    url: str, height: int = 520, title: str = TITLE, lines: Sequence[str] | None = None, width: int | None = None
) -> np.ndarray:
    """A white card: ``title``, the QR code of ``url``, then the URL in large text.

    Args:
        url: what the code carries (a recording's page).
        height: the card's height in pixels at most; the code gets the largest whole number of
            pixels per module (at least 2) that fits with the text.
        title: the line above the code.
        lines: the text under the code (default :func:`url_lines`).
        width: the card's width in pixels at most (default: no limit).

    Returns:
        (H, W, 3) uint8 BGR with H <= ``height`` and W <= ``width`` (unless even 2 px modules do
        not fit), W the code's side.

    Raises:
        ValueError: an empty URL, one too long for a QR code, or ``height`` < 64.
    """
    if height < 64:
        raise ValueError(f"a QR card needs at least 64 pixels of height, got {height}")
    modules = qr_modules(url)
    n = modules.shape[0]
    lines = list(url_lines(url) if lines is None else lines)
    texts = [title, *lines] if title else lines
    # Each text line takes about an eighth of the code's side; solve for the module size.
    module = int(height / (n * (1.0 + 0.125 * len(texts))))
    if width is not None:
        module = min(module, width // n)
    module = max(2, module)
    side = n * module
    code = np.repeat(np.repeat(modules, module, axis=0), module, axis=1)  # (side, side) bool
    thickness = max(1, round(side / 250))
    largest = max(MIN_SCALE, MAX_SCALE * side / 420.0)
    fitted = []
    for text in texts:
        (w, _), _ = cv2.getTextSize(text, FONT, 1.0, thickness)
        scale = float(np.clip(0.92 * side / max(w, 1), MIN_SCALE, largest))
        (w, h), base = cv2.getTextSize(text, FONT, scale, thickness)
        fitted.append((text, scale, w, h, base))
    pad = max(4, module)
    head, under = (fitted[:1], fitted[1:]) if title else ([], fitted)
    height_px = (
        sum(pad + h + base for _, _, _, h, base in head) + side + sum(h + base + pad for _, _, _, h, base in under)
    )
    gap = 2  # anti-aliased text may spill a pixel beyond its box: keep it off the quiet zone
    card = np.full((height_px + pad + 2 * gap, side, 3), LIGHT_BGR, np.uint8)
    y = 0
    for text, scale, w, h, base in head:  # the title, then the code's own quiet zone
        y += pad + h
        cv2.putText(card, text, ((side - w) // 2, y), FONT, scale, TITLE_BGR, thickness, cv2.LINE_AA)
        y += base + gap
    card[y : y + side][code] = DARK_BGR
    y += side + gap
    for text, scale, w, h, base in under:
        y += h
        cv2.putText(card, text, (max(0, (side - w) // 2), y), FONT, scale, DARK_BGR, thickness, cv2.LINE_AA)
        y += base + pad
    return card
