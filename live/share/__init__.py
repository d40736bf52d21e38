"""Sharing: visitors take their clip home by scanning a QR code on the kiosk screen.

- :mod:`live.share.recordings`: recording names, their tokens, lookup, deletion, disk use;
- :mod:`live.share.server`: the HTTP server (starlette + uvicorn in a background thread);
- :mod:`live.share.pages`: the tiny HTML pages (visitor, staff);
- :mod:`live.share.qr`: the QR card drawn on screen after an export;
- :mod:`live.share.overlay`: when the card is up (after an export, until a stroke or timeout).

docs/share.md says how phones reach the kiosk.
"""

from live.share.overlay import ShareCode
from live.share.qr import qr_card, qr_modules
from live.share.recordings import Recording, find_recording, list_recordings, parse_name
from live.share.server import ShareServer, base_url, create_app, lan_address, recording_url

__all__ = [
    "Recording",
    "ShareCode",
    "ShareServer",
    "base_url",
    "create_app",
    "find_recording",
    "lan_address",
    "list_recordings",
    "parse_name",
    "qr_card",
    "qr_modules",
    "recording_url",
]
