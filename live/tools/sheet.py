"""A contact sheet of fits: each target beside the swarm that formed it, for looking at results.

``live eval --sheet PATH`` writes one: a tile per target, the target as the result window shows
it (:func:`live.display.views.target_picture`) on the left and the swarm's colour view at display
resolution on the right, with the target's name, its creature count and its IoU above them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from live.display.views import target_picture, to_uint8

#: Height of the caption band above each tile, in pixels.
CAPTION = 28
#: Gap between tiles, in pixels.
GAP = 6


@dataclass(frozen=True)
class Tile:
    """One fit on the sheet."""

    caption: str
    target: np.ndarray
    """(S, S) in [0, 1]."""
    view: np.ndarray
    """(V, V, 3) RGB in [0, 1] or uint8: the swarm's colour view."""


def contact_sheet(tiles: Sequence[Tile], columns: int = 2, side: int = 256) -> np.ndarray:
    """Lays the tiles out in rows of ``columns``, each as target | swarm at ``side`` pixels.

    Returns:
        (H, W, 3) uint8 RGB, dark grey between the tiles.

    Raises:
        ValueError: no tiles, or fewer than 1 column or 16 pixels.
    """
    if not tiles or columns < 1 or side < 16:
        raise ValueError(
            f"a contact sheet needs tiles, columns >= 1 and side >= 16, got {len(tiles)}, {columns}, {side}"
        )
    width, height = 2 * side + GAP, side + CAPTION
    rows = -(-len(tiles) // columns)
    sheet = np.full((rows * (height + GAP) + GAP, columns * (width + GAP) + GAP, 3), 40, np.uint8)
    for i, tile in enumerate(tiles):
        top = GAP + (i // columns) * (height + GAP)
        left = GAP + (i % columns) * (width + GAP)
        cell = sheet[top : top + height, left : left + width]
        cell[:CAPTION] = 0
        cv2.putText(
            cell, tile.caption, (6, CAPTION - 9), cv2.FONT_HERSHEY_SIMPLEX, 0.5, (235, 235, 235), 1, cv2.LINE_AA
        )
        cell[CAPTION:, :side] = _fit(target_picture(tile.target), side)
        view = tile.view if tile.view.dtype == np.uint8 else to_uint8(tile.view)
        cell[CAPTION:, side + GAP :] = _fit(view, side)
    return sheet


def _fit(picture: np.ndarray, side: int) -> np.ndarray:
    """``picture`` scaled to ``side`` x ``side`` (area averaging down, smooth up)."""
    h = picture.shape[0]
    interpolation = cv2.INTER_AREA if h >= side else cv2.INTER_LINEAR
    return cv2.resize(picture, (side, side), interpolation=interpolation)
