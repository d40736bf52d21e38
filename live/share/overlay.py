"""The QR code on screen: shown after an export for ``share.show_seconds``, hidden by a new stroke.

:class:`ShareCode` holds which URL is shown and until when; :meth:`ShareCode.draw` pastes its
card (:func:`live.share.qr.qr_card`) into a rectangle of the display image, pixel for pixel, so
the modules stay sharp. The card is made once per URL and rectangle size, not per frame. Time
is passed in, in seconds, so tests drive it with a fake clock.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from live.share.qr import TITLE, qr_card

if TYPE_CHECKING:
    from live.display.text import TextPainter

log = logging.getLogger("live.share")

Rect = tuple[int, int, int, int]
#: Smallest rectangle side a card is drawn into; below it the code would not scan.
MIN_SIDE = 96


class ShareCode:
    """The QR code of the last exported recording, for ``seconds`` after its export.

    Args:
        seconds: how long a code stays up (``share.show_seconds``; 0: never shown).
        link: the page URL of an exported recording's file (:meth:`ShareServer.url_for
            <live.share.server.ShareServer.url_for>`), None for a file it cannot serve.
        title: the card's line above the code (``ui.share_title``).
        painter: the visitors' font (``ui.font``; default DejaVu Sans).
    """

    def __init__(
        self,
        seconds: float,
        link: Callable[[Path], str | None] | None = None,
        title: str = TITLE,
        painter: TextPainter | None = None,
    ):
        self.seconds = seconds
        self.link = link
        self.title = title
        self.painter = painter
        self.url: str | None = None
        self.last_url: str | None = None
        """The last URL shown, kept when the code is taken down (staff can show it again)."""
        self._until = 0.0
        self._card: np.ndarray | None = None
        self._card_key: tuple | None = None

    def show(self, url: str, now: float) -> None:
        """Shows the code of ``url`` from ``now`` for ``seconds``."""
        if self.seconds <= 0:
            return
        self.url = self.last_url = url
        self._until = now + self.seconds

    def show_last(self, now: float) -> bool:
        """Shows the last code again (staff asked, for a visitor who missed it); False when
        there was none."""
        if self.last_url is None:
            return False
        self.show(self.last_url, now)
        return True

    def show_export(self, path: str | Path, now: float) -> bool:
        """Shows the code of the recording just written to ``path``; False (and nothing shown)
        when it has no page (a name without a token, or no ``link``)."""
        url = self.link(Path(path)) if self.link is not None else None
        if url is None:
            log.warning("share: no page for %s (its name carries no token)", Path(path).name)
            return False
        self.show(url, now)
        return True

    def hide(self) -> None:
        """Takes the code down (a new stroke, a cleared canvas, attract mode): the next visitor
        never gets the last one's clip."""
        self.url = None

    def visible(self, now: float) -> bool:
        if self.url is not None and now >= self._until:
            self.url = None
        return self.url is not None

    def card(self, width: int, height: int) -> np.ndarray:
        """The card of the shown URL that fits ``width`` x ``height`` (made once per size).

        Returns:
            (h, w, 3) uint8 BGR with h <= height and w <= width (for a rectangle of at least
            :data:`MIN_SIDE` pixels a side).

        Raises:
            ValueError: no code is shown.
        """
        if self.url is None:
            raise ValueError("no QR code to draw: call show(url, now) after an export")
        key = (self.url, width, height)
        if key != self._card_key:
            card = qr_card(self.url, height=max(64, height), title=self.title, width=width, painter=self.painter)
            self._card, self._card_key = card, key
        return self._card

    def draw(self, image: np.ndarray, rect: Rect, now: float) -> bool:
        """Pastes the card, centred, into ``rect`` of ``image`` while the code is up.

        Args:
            image: (H, W, 3) uint8 BGR, the display image (never a recording).
            rect: (x, y, width, height) in ``image`` pixels.
            now: seconds, the clock of :meth:`show`.

        Returns:
            True when a card was drawn.
        """
        if not self.visible(now):
            return False
        x, y, w, h = rect
        w, h = min(w, image.shape[1] - x), min(h, image.shape[0] - y)
        if min(w, h) < MIN_SIDE:
            return False
        card = self.card(w, h)
        ch, cw = min(card.shape[0], h), min(card.shape[1], w)
        top, left = y + (h - ch) // 2, x + (w - cw) // 2
        image[top : top + ch, left : left + cw] = card[:ch, :cw]
        return True
