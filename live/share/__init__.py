"""Sharing: visitors take their clip home by scanning a QR code on the kiosk screen.

- :mod:`live.share.recordings`: recording names, their tokens, lookup, deletion, disk use;
- :mod:`live.share.server`: :class:`ShareServer`, uvicorn in a background thread;
- :mod:`live.share.protocol`: the connections (head and send deadlines, room for new visitors);
- :mod:`live.share.limits`: request limits and security headers (ASGI middleware);
- :mod:`live.share.routes`: the visitor's routes and ``/healthz``; :mod:`live.share.staff`: the
  staff PIN, sessions and actions;
- :mod:`live.share.pages`, :mod:`live.share.staff_pages`: the tiny HTML pages;
  :mod:`live.share.media`: the GIF's size and first frame (the video's poster);
- :mod:`live.share.status`: :class:`KioskStatus`, what the frame loop tells the server;
- :mod:`live.share.addresses`: the LAN address and the URLs;
- :mod:`live.share.qr`: the QR card drawn on screen after an export;
- :mod:`live.share.overlay`: when the card is up (after an export, until a stroke or timeout).

docs/share.md says how phones reach the kiosk.
"""

from live.share.addresses import base_url, lan_address, recording_url
from live.share.overlay import ShareCode
from live.share.qr import qr_card, qr_modules
from live.share.recordings import Recording, find_recording, list_recordings, parse_name
from live.share.routes import create_app
from live.share.server import ShareServer
from live.share.status import KioskStatus, health

__all__ = [
    "KioskStatus",
    "Recording",
    "ShareCode",
    "ShareServer",
    "base_url",
    "create_app",
    "find_recording",
    "health",
    "lan_address",
    "list_recordings",
    "parse_name",
    "qr_card",
    "qr_modules",
    "recording_url",
]
