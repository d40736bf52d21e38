"""The share server's pages: tiny HTML, inline CSS, no scripts, nothing from outside.

Every page fits a phone's screen (``viewport`` meta, the clip at full width) and loads nothing
but the clip itself from the kiosk, so it works on a venue network without internet.
"""

from __future__ import annotations

from html import escape

from live.share.recordings import DiskUse, Recording

_STYLE = (
    "body{margin:0;padding:1rem;font:16px/1.4 system-ui,sans-serif;background:#111;color:#eee;"
    "text-align:center}img{display:block;width:100%;max-width:40rem;margin:0 auto 1rem;"
    "image-rendering:pixelated;background:#000}a.b{display:inline-block;margin:.3rem;padding:.8rem 1.2rem;"
    "border-radius:.5rem;background:#eee;color:#111;text-decoration:none;font-weight:600}"
    "table{margin:0 auto;border-collapse:collapse}td,th{padding:.3rem .6rem;border-bottom:1px solid #444;"
    "text-align:left}button,input{font:inherit;padding:.4rem .8rem}p.s{color:#aaa;font-size:.9rem}"
)


def _page(title: str, body: str) -> str:
    return (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        '<meta name=viewport content="width=device-width,initial-scale=1">'
        '<meta name=robots content="noindex,nofollow">'
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head><body>{body}</body></html>"
    )


def download_name(recording: Recording, ext: str) -> str:
    """The file name a phone saves the clip under, e.g. ``live-20261128-000816.gif``."""
    return f"live-{recording.stamp}.{ext}"


def recording_page(recording: Recording) -> str:
    """A visitor's page: their GIF, a download link, and the MP4 when there is one."""
    t = escape(recording.token)
    links = f'<a class=b href="/r/{t}.gif?download=1" download="{download_name(recording, "gif")}">Download GIF</a>'
    if recording.mp4 is not None:
        mp4 = download_name(recording, "mp4")
        links += f'<a class=b href="/r/{t}.mp4?download=1" download="{mp4}">Download video (MP4)</a>'
    body = (
        "<h1>Your swarm</h1>"
        f'<img id=clip src="/r/{t}.gif" alt="the creatures forming your drawing">'
        f"<p>{links}</p>"
        f"<p class=s>Made {escape(recording.when)}. "
        "This link is private: only people you give it to can see the clip.</p>"
    )
    return _page("Your swarm", body)


def home_page() -> str:
    """What ``/`` shows: no listing, just where the clips come from."""
    return _page("live", "<h1>live</h1><p>Scan the QR code on the screen after you draw to get your clip.</p>")


def not_found_page() -> str:
    return _page("Not found", "<h1>Not found</h1><p>This clip does not exist (or it was deleted).</p>")


def _size(n: int) -> str:
    for unit in ("B", "kB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n} B"


def staff_login_page(message: str = "") -> str:
    note = f"<p>{escape(message)}</p>" if message else ""
    body = (
        "<h1>Staff</h1>" + note + '<form method=post action="/staff/login">'
        '<input type=password name=pin autocomplete=current-password placeholder="PIN" required autofocus> '
        "<button>Open</button></form>"
    )
    return _page("Staff", body)


def staff_page(recordings: list[Recording], use: DiskUse, message: str = "") -> str:
    """The staff list: every recording with its size, a link to its page and a delete button."""
    rows = []
    for r in recordings:
        t = escape(r.token)
        kinds = "GIF + MP4" if r.mp4 is not None else "GIF"
        rows.append(
            f'<tr><td><a href="/r/{t}">{escape(r.when)}</a></td><td>{kinds}</td><td>{_size(r.bytes)}</td>'
            f'<td><form method=post action="/staff/delete"><input type=hidden name=token value="{t}">'
            "<button>Delete</button></form></td></tr>"
        )
    note = f"<p>{escape(message)}</p>" if message else ""
    table = (
        "<table><tr><th>made</th><th>files</th><th>size</th><th></th></tr>" + "".join(rows) + "</table>"
        if rows
        else "<p>No recordings.</p>"
    )
    body = (
        "<h1>Recordings</h1>" + note
        + f"<p>{use.recordings} recording(s), {_size(use.bytes)}; "
        + f"{_size(use.free)} free of {_size(use.total)} on this disk.</p>"
        + table
        + '<form method=post action="/staff/logout"><p><button>Log out</button></p></form>'
    )  # fmt: skip
    return _page("Staff: recordings", body)
