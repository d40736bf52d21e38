"""The visitor's pages: tiny HTML, inline CSS, no scripts, nothing from outside.

Every page fits a phone's screen (``viewport`` meta) and loads nothing but the clip itself from
the kiosk, so it works on a venue network without internet. A recording's page plays its MP4
inline at once (``autoplay muted loop playsinline``: the rules every phone browser sets for a
video that starts by itself), the full width of the screen, with the GIF's first frame as its
poster; an older recording with only a GIF shows the GIF. The staff pages are in
:mod:`live.share.staff_pages`.
"""

from __future__ import annotations

from html import escape

from live.share.media import gif_size
from live.share.recordings import Recording

#: The house style: light text on near-black, buttons that read as buttons, links a readable
#: light blue (never the browser's dark blue on #111).
STYLE = (
    "body{margin:0;font:16px/1.45 system-ui,sans-serif;background:#111;color:#eee;text-align:center}"
    "main{max-width:40rem;margin:0 auto;padding:.5rem 1rem 1.5rem}"
    "h1{font-size:1.35rem;margin:.7rem 1rem}a{color:#9cd2ff}a:visited{color:#c9b8ff}"
    ".clip{display:block;width:100%;max-width:40rem;height:auto;margin:0 auto;background:#000}"
    ".b{display:inline-block;margin:.3rem;padding:.75rem 1.2rem;border:0;border-radius:.5rem;background:#eee;"
    "color:#111;font:600 1rem/1.2 system-ui,sans-serif;text-decoration:none;cursor:pointer}"
    ".b:visited{color:#111}.b.alt{background:#3a3a3a;color:#eee}p.s{color:#aaa;font-size:.9rem}"
)


def page(title: str, body: str, style: str = "") -> str:
    """A whole HTML page: ``body`` (trusted HTML) under the house style (and ``style``)."""
    return (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        '<meta name=viewport content="width=device-width,initial-scale=1">'
        '<meta name=robots content="noindex,nofollow">'
        f"<title>{escape(title)}</title><style>{STYLE}{style}</style></head><body>{body}</body></html>"
    )


def download_name(recording: Recording, ext: str) -> str:
    """The file name a phone saves the clip under, e.g. ``live-20261128-000816.gif``."""
    return f"live-{recording.stamp}.{ext}"


def _save(recording: Recording, ext: str, label: str, alt: bool = False) -> str:
    t = escape(recording.token)
    kind = "b alt" if alt else "b"
    return f'<a class="{kind}" href="/r/{t}.{ext}?download=1" download="{download_name(recording, ext)}">{label}</a>'


def _clip(recording: Recording) -> str:
    """The clip, the screen's width: the MP4 playing inline when there is one, else the GIF."""
    t = escape(recording.token)
    size = gif_size(recording.gif)
    box = f" width={size[0]} height={size[1]}" if size else ""
    alt = "the creatures forming your drawing"
    if recording.mp4 is None:
        return f'<img class=clip id=clip src="/r/{t}.gif"{box} alt="{alt}">'
    return (
        f'<video class=clip id=clip src="/r/{t}.mp4" poster="/r/{t}.png"{box} autoplay muted loop playsinline '
        f'preload=auto aria-label="{alt}"><a href="/r/{t}.gif">Open the GIF</a></video>'
    )


def recording_page(recording: Recording) -> str:
    """A visitor's page: their clip (video or GIF), Save buttons, and how to keep it on an iPhone."""
    t = escape(recording.token)
    if recording.mp4 is not None:
        buttons = _save(recording, "mp4", "Save video") + _save(recording, "gif", "Save GIF", alt=True)
        iphone = f'<a href="/r/{t}.gif">open the GIF</a>, press and hold it'
    else:
        buttons = _save(recording, "gif", "Save GIF")
        iphone = "press and hold the picture"
    body = (
        "<h1>Your swarm</h1>" + _clip(recording)
        + f"<main><p>{buttons}</p>"
        + f"<p class=s>iPhone or iPad: {iphone}, then tap “Save to Photos”.</p>"
        + f"<p class=s>Made {escape(recording.when)}. "
        + "This link is private: only people you give it to can see the clip.</p></main>"
    )  # fmt: skip
    return page("Your swarm", body)


def home_page() -> str:
    """What ``/`` shows: no listing, just where the clips come from."""
    line = "Scan the QR code on the screen after you draw to get your clip."
    return page("live", f"<main><h1>live</h1><p>{line}</p></main>")


def not_found_page() -> str:
    return page("Not found", "<main><h1>Not found</h1><p>This clip does not exist (or it was deleted).</p></main>")
