"""Where things go on the screen: pure arithmetic on rectangles, no drawing.

Kiosk (:func:`kiosk_layout`): the band across the top, and below it the canvas and the swarm side
by side, two squares as large as the screen allows. The band holds the instruction in its middle,
the target as a small preview at its right end (``ui.target_preview``) and the recording mark at
its left end: nothing is drawn over the swarm for visitors (the staff HUD, when asked for, lies in
the swarm's upper left).

Window (:func:`window_layout`): the canvas window is the canvas with the instruction in a band
below it, so mouse positions in the canvas stay canvas pixels.

A rectangle is (x, y, width, height) in screen pixels.
"""

from __future__ import annotations

from dataclasses import dataclass

Rect = tuple[int, int, int, int]

#: Kiosk: height of the instruction band as a fraction of the screen height.
BAND = 0.12
#: Kiosk: gap between and around the panels, as a fraction of the screen's shorter side.
GAP = 0.015
#: Side of the place kept for the share code, as a fraction of the panel.
SHARE = 0.32
#: Kiosk: the band's two ends (the target preview, the recording mark) are at most this fraction
#: of the band's width each.
BAND_END = 0.125
#: Window: height of the instruction band under the canvas, as a fraction of the canvas side.
WINDOW_BAND = 0.14
#: Font size of the instruction, as a fraction of its band's height.
TEXT_OF_BAND = 0.42


@dataclass(frozen=True)
class Layout:
    """The parts of one screen.

    Attributes:
        size: (width, height) of the whole image.
        canvas: where the canvas (the drawing area) is shown.
        swarm: where the swarm's colour render is shown.
        target: where the target preview is shown; None when there is none.
        band: where the instruction is written.
        mark: where the recording mark is shown; None: on the swarm (a window's HUD).
        share: kept free for the sharing code (e.g. a QR code after an export); None in a window.
        text_px: font size of the instruction in pixels.
    """

    size: tuple[int, int]
    canvas: Rect
    swarm: Rect | None
    target: Rect | None
    band: Rect
    share: Rect | None
    text_px: int
    mark: Rect | None = None


def kiosk_layout(width: int, height: int, preview: bool = True) -> Layout:
    """The kiosk screen of ``width`` x ``height`` pixels.

    Raises:
        ValueError: a screen too small to hold two panels (under 64 x 48).
    """
    if width < 64 or height < 48:
        raise ValueError(f"a kiosk screen of {width}x{height} pixels is too small: it needs at least 64x48")
    gap = max(2, round(min(width, height) * GAP))
    band_h = max(16, round(height * BAND))
    side = min((width - 3 * gap) // 2, height - band_h - 2 * gap)
    left = (width - 2 * side - gap) // 2
    top = band_h + gap + (height - band_h - 2 * gap - side) // 2
    canvas = (left, top, side, side)
    swarm = (left + side + gap, top, side, side)
    share_side = max(8, round(side * SHARE))
    share = (swarm[0] + gap, top + side - share_side - gap, share_side, share_side)
    # The band: the mark at its left end, the instruction in the middle (centred on the screen),
    # the preview at its right end, each end a square inside the band.
    band_w = 2 * side + gap
    end = max(8, min(band_h - 2 * gap, round(band_w * BAND_END)))
    end_y = (band_h - end) // 2
    mark = (left, end_y, end, end)
    target = (left + band_w - end, end_y, end, end) if preview else None
    band = (left + end + gap, 0, max(8, band_w - 2 * (end + gap)), band_h)
    text_px = max(8, round(band_h * TEXT_OF_BAND))
    return Layout((width, height), canvas, swarm, target, band, share, text_px, mark)


def window_layout(window: int) -> Layout:
    """The canvas window: the canvas (``window`` pixels square) and the instruction band below."""
    band_h = max(16, round(window * WINDOW_BAND))
    return Layout(
        (window, window + band_h), (0, 0, window, window), None, None, (0, window, window, band_h), None,
        max(8, round(band_h * TEXT_OF_BAND)),
    )  # fmt: skip


def to_canvas(x: float, y: float, canvas: Rect, canvas_side: int, starting: bool) -> tuple[float, float] | None:
    """Maps a screen position to canvas pixels.

    Args:
        x, y: position on the screen.
        canvas: where the canvas is shown.
        canvas_side: side of the canvas in its own pixels.
        starting: the position starts a stroke (a button press).

    Returns:
        (x, y) in canvas pixels, clamped to the canvas (a stroke that leaves it stops at its edge);
        None for a press outside the canvas, which starts no stroke.
    """
    cx0, cy0, cw, ch = canvas
    u, v = (x - cx0) * canvas_side / cw, (y - cy0) * canvas_side / ch
    if starting and not (0 <= u < canvas_side and 0 <= v < canvas_side):
        return None
    top = canvas_side - 1
    return min(max(u, 0.0), top), min(max(v, 0.0), top)
