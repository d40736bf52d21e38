"""What the phone page needs to know of a clip's files: the GIF's size, and a still for a poster.

The GIF's header gives its width and height in ten bytes, so the page reserves the clip's place
before anything loads. The still is the GIF's first frame as a PNG (tens of kB), the video's
poster where autoplay is off (iOS in Low Power Mode): decoding only the first frame takes a few
milliseconds, so the kiosk's frame loop does not notice it.
"""

from __future__ import annotations

import io
import struct
import threading
from collections import OrderedDict
from pathlib import Path

#: Stills kept in memory (a few kB to tens of kB each).
STILLS_KEPT = 32

_stills: OrderedDict[tuple, bytes] = OrderedDict()
_stills_lock = threading.Lock()


def gif_size(path: Path) -> tuple[int, int] | None:
    """(width, height) from a GIF's header; None when it cannot be read or is not a GIF."""
    try:
        with open(path, "rb") as f:
            head = f.read(10)
    except OSError:
        return None
    if len(head) < 10 or head[:4] != b"GIF8":
        return None
    width, height = struct.unpack("<HH", head[6:10])
    return (width, height) if width and height else None


def still_png(path: Path) -> bytes:
    """The first frame of the GIF at ``path`` as PNG bytes (kept for the next phones).

    Raises:
        OSError: the file cannot be read or decoded.
    """
    from PIL import Image, UnidentifiedImageError

    info = path.stat()
    key = (str(path), info.st_mtime_ns, info.st_size)
    with _stills_lock:
        if key in _stills:
            _stills.move_to_end(key)
            return _stills[key]
    try:
        with Image.open(path) as image:
            out = io.BytesIO()
            image.save(out, "PNG")  # the palette frame as it is: small, exact
    except (UnidentifiedImageError, ValueError, EOFError) as exc:
        raise OSError(f"{path.name} is not a readable GIF: {exc}") from exc
    data = out.getvalue()
    with _stills_lock:
        _stills[key] = data
        while len(_stills) > STILLS_KEPT:
            _stills.popitem(last=False)
    return data
