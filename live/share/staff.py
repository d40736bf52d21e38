"""The staff side of the server: the PIN, sessions, and the staff page's actions.

``GET /staff`` shows the PIN form, or, signed in, the kiosk's state and its recordings;
``POST /staff/login``, ``/staff/logout``, ``/staff/delete`` (asks first: without ``confirm=yes``
it answers the question page) and ``/staff/show-code`` (the last QR code on the kiosk again).
All of it is absent (404) while ``share.staff_pin`` is empty. Forms are accepted from this
server's own pages only (the ``Origin`` check), sessions are random cookies held in memory.
"""

from __future__ import annotations

import hmac
import logging
import secrets
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response

from live.config import ShareConfig
from live.share import staff_pages
from live.share.recordings import delete_recording, disk_use, find_recording, list_recordings
from live.share.status import KioskStatus

log = logging.getLogger("live.share")

#: Staff cookie and how long a staff session lasts.
STAFF_COOKIE = "live_staff"
STAFF_SESSION_S = 8 * 3600
#: Wrong PINs one client may send per minute before it is refused for a minute (429).
STAFF_TRIES_PER_MINUTE = 5
_NO_STORE = {"cache-control": "no-store"}


def html(text: str, status: int = 200) -> HTMLResponse:
    """A page that no cache keeps."""
    return HTMLResponse(text, status, headers=_NO_STORE)


class StaffSessions:
    """Staff sessions (random cookies held in memory) and wrong-PIN counting per client."""

    def __init__(self, pin: str, clock=time.monotonic):
        self.pin = pin
        self.clock = clock
        self.sessions: dict[str, float] = {}
        self.misses: dict[str, list[float]] = {}

    def signed_in(self, request: Request) -> bool:
        cookie = request.cookies.get(STAFF_COOKIE, "")
        expires = self.sessions.get(cookie)
        if expires is None:
            return False
        if expires < self.clock():
            del self.sessions[cookie]
            return False
        return True

    def blocked(self, client: str) -> bool:
        now = self.clock()
        recent = [t for t in self.misses.get(client, []) if now - t < 60.0]
        self.misses[client] = recent
        return len(recent) >= STAFF_TRIES_PER_MINUTE

    def check(self, client: str, pin: str) -> str | None:
        """A new session cookie for the right PIN; None (and one miss counted) otherwise."""
        if hmac.compare_digest(pin.encode("utf-8", "replace"), self.pin.encode("utf-8")):
            cookie = secrets.token_urlsafe(32)
            self.sessions[cookie] = self.clock() + STAFF_SESSION_S
            return cookie
        if len(self.misses) > 10000:  # bounded memory however many clients try
            self.misses.clear()
        self.misses.setdefault(client, []).append(self.clock())
        return None


def form(body: bytes) -> dict[str, str]:
    """The fields of a url-encoded form body (the first value of each, ten fields at most)."""
    fields = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True, max_num_fields=10)
    return {k: v[0] for k, v in fields.items()}


def same_origin(request: Request) -> bool:
    """A form post from this server's own pages (or from a client that is no browser).

    A browser says where a request comes from in ``Sec-Fetch-Site`` (Chrome, Firefox, Safari
    from 16.4), else in ``Origin``, which must then name this server (the staff pages' referrer
    policy lets browsers send it). A client that sends neither (curl, a script) is let through:
    it holds no victim's cookie.
    """
    site = request.headers.get("sec-fetch-site")
    if site is not None:
        return site == "same-origin"
    origin = request.headers.get("origin")
    if origin is None or origin == "null":
        return origin is None
    return urlsplit(origin).netloc == request.headers.get("host", "")


def _forbidden() -> Response:
    return PlainTextResponse("forbidden", 403)


def _back(done: str = "") -> RedirectResponse:
    return RedirectResponse(f"/staff?done={done}" if done else "/staff", 303)


class StaffRoutes:
    """The ``/staff`` handlers over one recordings folder.

    Args:
        folder: the recordings folder.
        settings: ``[share]`` (``staff_pin``).
        status: the frame loop's report (state, the QR code again); None without a loop.
        not_found: the 404 answer (the staff pages do not exist while the PIN is empty).
    """

    def __init__(self, folder: Path, settings: ShareConfig, status: KioskStatus | None, not_found):
        self.folder = folder
        self.enabled = bool(settings.staff_pin)
        self.sessions = StaffSessions(settings.staff_pin)
        self.status = status
        self.not_found = not_found

    def _allowed(self, request: Request) -> bool:
        return self.sessions.signed_in(request) and same_origin(request)

    async def page(self, request: Request) -> Response:
        if not self.enabled:
            return self.not_found()
        if not self.sessions.signed_in(request):
            return html(staff_pages.staff_login_page())
        found = list_recordings(self.folder)
        snapshot = self.status.snapshot() if self.status is not None else None
        done = request.query_params.get("done", "")
        return html(staff_pages.staff_page(found, disk_use(self.folder, found), snapshot, done))

    async def login(self, request: Request) -> Response:
        if not self.enabled:
            return self.not_found()
        if not same_origin(request):
            return _forbidden()
        client = request.client.host if request.client else "?"
        if self.sessions.blocked(client):
            return html(staff_pages.staff_login_page("Too many wrong PINs: wait a minute."), 429)
        cookie = self.sessions.check(client, form(await request.body()).get("pin", ""))
        if cookie is None:
            log.warning("share: wrong staff PIN from %s", client)
            return html(staff_pages.staff_login_page("Wrong PIN."), 403)
        response = _back()
        response.set_cookie(
            STAFF_COOKIE, cookie, max_age=STAFF_SESSION_S, path="/staff", httponly=True, samesite="strict"
        )
        return response

    async def delete(self, request: Request) -> Response:
        """Without ``confirm=yes``: the question page; with it: deletes the GIF and the MP4."""
        if not self.enabled:
            return self.not_found()
        if not self._allowed(request):
            return _forbidden()
        fields = form(await request.body())
        found = find_recording(self.folder, fields.get("token", ""))
        if found is None:
            return self.not_found()
        if fields.get("confirm") != "yes":
            return html(staff_pages.confirm_delete_page(found))
        freed = delete_recording(found)
        log.info("share: staff deleted recording %s (%d bytes)", found.gif.name, freed)
        return _back("deleted" if freed else "gone")

    async def show_code(self, request: Request) -> Response:
        """Asks the kiosk's loop to show the last clip's QR code again."""
        if not self.enabled:
            return self.not_found()
        if not self._allowed(request):
            return _forbidden()
        asked = self.status is not None and self.status.request_code()
        if asked:
            log.info("share: staff asked for the last QR code again")
        return _back("code" if asked else "nocode")

    async def logout(self, request: Request) -> Response:
        if not self.enabled:
            return self.not_found()
        self.sessions.sessions.pop(request.cookies.get(STAFF_COOKIE, ""), None)
        response = _back()
        response.delete_cookie(STAFF_COOKIE, path="/staff")
        return response
