"""The staff pages: the PIN form, the kiosk's status with its recordings, and the delete check.

No scripts (the content security policy allows none): deleting asks on a page of its own, whose
button posts the deletion, so it works in any browser.
"""

from __future__ import annotations

from html import escape

from live.share.pages import page
from live.share.recordings import DiskUse, Recording
from live.share.status import Snapshot

STAFF_STYLE = (
    "main.staff{max-width:46rem;text-align:left}h1,h2{margin:1rem 0 .6rem}h2{font-size:1.1rem}"
    "table{border-collapse:collapse;width:100%}td,th{padding:.4rem .5rem;border-bottom:1px solid #333;"
    "text-align:left;vertical-align:middle}th{color:#aaa;font-weight:400}.kv th{width:9rem}"
    ".b.danger{background:#e5484d;color:#fff}.b.small{padding:.4rem .8rem;font-size:.9rem;margin:0}"
    ".bad{color:#ff8a8a}.good{color:#8fdc8f}.note{background:#223;border-radius:.4rem;padding:.6rem .8rem}"
    "form{display:inline}input{font:inherit;padding:.65rem .8rem;border-radius:.4rem;border:1px solid #555;"
    "background:#222;color:#eee}"
)

#: What the staff page says after an action (``/staff?done=<key>``); nothing else is shown.
DONE = {
    "deleted": "The recording was deleted.",
    "code": "The last QR code is on the kiosk screen again.",
    "nocode": "No QR code to show: the kiosk has no screen, no clip yet, or its frame loop has stopped.",
    "gone": "That recording was already gone.",
}


def size_text(n: float) -> str:
    """Bytes as '512 B', '1.2 MB', '3.4 GB'."""
    for unit in ("B", "kB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n} B"


def duration_text(seconds: float) -> str:
    """Seconds as '42 s', '12 min', '3 h 12 min', '2 d 4 h'."""
    s = int(seconds)
    if s < 60:
        return f"{s} s"
    if s < 3600:
        return f"{s // 60} min"
    if s < 86400:
        return f"{s // 3600} h {s % 3600 // 60} min"
    return f"{s // 86400} d {s % 86400 // 3600} h"


def _staff(title: str, body: str) -> str:
    return page(title, f"<main class=staff>{body}</main>", STAFF_STYLE)


def staff_login_page(message: str = "") -> str:
    note = f"<p class=bad>{escape(message)}</p>" if message else ""
    body = (
        "<h1>Staff</h1>" + note + '<form method=post action="/staff/login">'
        '<input type=password name=pin autocomplete=current-password placeholder="PIN" required autofocus> '
        '<button class=b>Open</button></form>'
    )
    return _staff("Staff", body)


def _loop_rows(s: Snapshot | None) -> list[tuple[str, str]]:
    """(label, HTML) rows of the frame loop's state."""
    if s is None:
        return [("Frame loop", "none: this is <code>live gallery</code>, serving the recordings folder only")]
    if s.stalled:
        loop = f"<span class=bad>stalled: no frame for {duration_text(s.frame_age_s)}</span>"
    else:
        loop = f"{s.fps:.1f} fps now · {s.fps_hour:.1f} over the last hour"
    camera = {"ok": "<span class=good>ok</span>", "none": "none (mouse input)"}.get(
        s.camera, f"<span class=bad>{escape(s.camera)}</span>"
    )
    if s.last_error:
        error = f"<span class=bad>{escape(s.last_error)}</span> ({duration_text(s.last_error_age_s or 0)} ago)"
    else:
        error = "none"
    failed = f", {s.failed_exports} failed since start" if s.failed_exports else ""
    return [
        ("Frame loop", loop),
        ("Camera", camera),
        ("Up", duration_text(s.uptime_s)),
        ("Exports today", f"{s.exports_today}{failed}"),
        ("Last error", error),
    ]


def _recording_rows(recordings: list[Recording]) -> str:
    rows = []
    for r in recordings:
        t = escape(r.token)
        kinds = "GIF + MP4" if r.mp4 is not None else "GIF"
        rows.append(
            f'<tr><td><a href="/r/{t}">{escape(r.when)}</a></td><td>{kinds}</td><td>{size_text(r.bytes)}</td>'
            f'<td><form method=post action="/staff/delete"><input type=hidden name=token value="{t}">'
            "<button class='b alt small'>Delete…</button></form></td></tr>"
        )
    if not rows:
        return "<p>No recordings.</p>"
    return "<table><tr><th>made</th><th>files</th><th>size</th><th></th></tr>" + "".join(rows) + "</table>"


def staff_page(recordings: list[Recording], use: DiskUse, status: Snapshot | None = None, done: str = "") -> str:
    """The staff page: the kiosk's state, a button to show the last QR code again, every
    recording with its size and a delete button (which asks first).

    Args:
        recordings: newest first.
        use: the recordings' disk use.
        status: the frame loop's state; None without a loop (``live gallery``).
        done: a key of :data:`DONE` (what the last action did), or ''.
    """
    rows = _loop_rows(status)
    rows.insert(3 if status else 1, (
        "Recordings",
        f"{use.recordings} kept, {size_text(use.bytes)} · {size_text(use.free)} free of {size_text(use.total)}",
    ))  # fmt: skip
    table = "<table class=kv>" + "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in rows) + "</table>"
    note = f"<p class=note>{escape(DONE[done])}</p>" if done in DONE else ""
    show = ""
    if status is not None and status.screen:
        show = '<p><form method=post action="/staff/show-code"><button class=b>Show the last QR code again</button>'
        show += "</form></p>"
    body = (
        "<h1>Kiosk</h1>" + note + table + show
        + f"<h2>Recordings ({use.recordings})</h2>" + _recording_rows(recordings)
        + '<p><form method=post action="/staff/logout"><button class="b alt">Log out</button></form></p>'
    )  # fmt: skip
    return _staff("Staff: kiosk", body)


def confirm_delete_page(recording: Recording) -> str:
    """Asks before deleting: the recording's time and size, Delete and Keep."""
    t = escape(recording.token)
    kinds = "GIF and MP4" if recording.mp4 is not None else "GIF"
    body = (
        "<h1>Delete this recording?</h1>"
        f'<p>The clip made <a href="/r/{t}">{escape(recording.when)}</a> ({kinds}, {size_text(recording.bytes)}) '
        "is deleted for good; its QR code and link stop working.</p>"
        '<p><form method=post action="/staff/delete">'
        f"<input type=hidden name=token value=\"{t}\"><input type=hidden name=confirm value=yes>"
        "<button class='b danger'>Delete</button></form> "
        '<a class="b alt" href="/staff">Keep it</a></p>'
    )
    return _staff("Staff: delete?", body)
