"""The share server: a starlette app served by uvicorn in a background thread.

Routes (nothing else exists; there is no public listing):

- ``GET /r/<token>``: the visitor's page (their GIF, download links, the MP4 when present);
- ``GET /r/<token>.gif`` and ``/r/<token>.mp4``: the files (``image/gif``, ``video/mp4``; HTTP
  range requests, which iOS needs for video); ``?download=1`` asks the browser to save it;
- ``GET /staff``, ``POST /staff/login``, ``/staff/delete``, ``/staff/logout``: the staff page,
  behind ``share.staff_pin`` (absent when the PIN is empty);
- ``GET /``: a line saying to scan the code on the screen.

A URL never becomes a path: the token is checked against its 22-character form, then looked up
among the plain files the recordings folder lists (:mod:`live.share.recordings`), so traversal,
encoded slashes, absolute paths and symlinks find nothing. Limits: the URL length, the body size,
the time a client has to send its request, and the number of connections (``[share]``).
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import re
import secrets
import socket
import threading
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.protocols.http.h11_impl import H11Protocol

from live.config import ShareConfig
from live.share import pages
from live.share.recordings import CONTENT_TYPES, delete_recording, disk_use, find_recording, list_recordings, parse_name

log = logging.getLogger("live.share")

#: ``/r/<token>``, ``/r/<token>.gif``, ``/r/<token>.mp4``.
RECORDING_PATH = re.compile(r"(?P<token>[A-Za-z0-9_-]{22})(?:\.(?P<ext>gif|mp4))?")
#: Characters a URL path of this server can hold; anything else (``%``, ``\``, non-ASCII) is 400.
PATH_CHARS = re.compile(r"[A-Za-z0-9._~/-]*")
#: Staff cookie and how long a staff session lasts.
STAFF_COOKIE = "live_staff"
STAFF_SESSION_S = 8 * 3600
#: Wrong PINs one client may send per minute before it is refused for a minute (429).
STAFF_TRIES_PER_MINUTE = 5
#: Most bytes of a request's headers: h11 answers 400 to a longer head that arrives in parts,
#: the limits middleware to one that arrives at once.
MAX_HEAD_BYTES = 16 * 1024
#: Seconds a stopping server waits for responses still being sent.
SHUTDOWN_S = 2.0

_SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"x-robots-tag", b"noindex, nofollow"),
    (
        b"content-security-policy",
        b"default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'; "
        b"form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    ),
]

_SECURITY_TEXT = [(k.decode(), v.decode()) for k, v in _SECURITY_HEADERS[:4]]


# -- limits ---------------------------------------------------------------------------------
class _Limits:
    """ASGI middleware: URL length and characters (400), header size (400), body size (413), body
    time-out (408),
    and the security headers on every response.

    The body is read here in full (at most ``max_body_bytes``, each part within ``timeout_s``)
    before the app runs, so the app never waits on a slow client.
    """

    def __init__(self, app: ASGIApp, settings: ShareConfig):
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        raw_path = scope.get("raw_path") or scope["path"].encode("utf-8", "replace")
        if len(raw_path) + len(scope.get("query_string", b"")) > self.settings.max_url_chars:
            await _plain("URL too long", 400)(scope, receive, send)
            return
        if not PATH_CHARS.fullmatch(raw_path.decode("latin-1")) or b"//" in raw_path:
            await _plain("bad path", 400)(scope, receive, send)
            return
        if sum(len(k) + len(v) + 4 for k, v in scope["headers"]) > MAX_HEAD_BYTES:
            await _plain("headers too large", 400)(scope, receive, send)
            return
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.settings.max_body_bytes):
            await _plain("request too large", 413)(scope, receive, send)
            return
        body = b""
        more = True
        while more:  # the whole body, read here under the limits; the app gets it replayed
            try:
                message = await asyncio.wait_for(receive(), self.settings.timeout_s)
            except TimeoutError:
                await _plain("request body too slow", 408)(scope, receive, send)
                return
            if message["type"] != "http.request":
                return  # the client went away
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > self.settings.max_body_bytes:
                await _plain("request too large", 413)(scope, receive, send)
                return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        async def secured_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = dict(message)
                message["headers"] = list(message.get("headers", [])) + _SECURITY_HEADERS
            await send(message)

        await self.app(scope, replay, secured_send)


def _plain(text: str, status: int) -> PlainTextResponse:
    """A short error answer that also closes the connection."""
    return PlainTextResponse(text, status, headers={"connection": "close", **dict(_SECURITY_TEXT)})


def _protocol(head_timeout_s: float) -> type[H11Protocol]:
    """uvicorn's h11 protocol with a deadline for each request head.

    uvicorn closes an idle kept-alive connection, but a client that sends a request a byte at a
    time (or half a request, then nothing) would hold its connection forever. Here the request
    line and headers must be complete within ``head_timeout_s`` of the connection opening or of
    the previous response; otherwise the connection is closed.
    """

    class DeadlineH11(H11Protocol):
        _deadline: asyncio.TimerHandle | None = None
        _armed_for = None

        def _arm(self) -> None:
            if self._deadline is not None:
                self._deadline.cancel()
            self._armed_for = self.cycle  # a new request replaces self.cycle
            self._deadline = self.loop.call_later(head_timeout_s, self._expire)

        def _expire(self) -> None:
            self._deadline = None
            if self.cycle is self._armed_for and not self.transport.is_closing():
                self.transport.close()

        def connection_made(self, transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._arm()

        def on_response_complete(self) -> None:
            super().on_response_complete()
            if not self.transport.is_closing():
                self._arm()

        def connection_lost(self, exc: Exception | None) -> None:
            if self._deadline is not None:
                self._deadline.cancel()
                self._deadline = None
            super().connection_lost(exc)

    return DeadlineH11


# -- the app --------------------------------------------------------------------------------
class _Staff:
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


def _form(body: bytes) -> dict[str, str]:
    fields = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True, max_num_fields=10)
    return {k: v[0] for k, v in fields.items()}


def _same_origin(request: Request) -> bool:
    """A form post from this server's own pages (or a client that sends no Origin)."""
    origin = request.headers.get("origin")
    if origin is None or origin == "null":
        return origin is None
    return urlsplit(origin).netloc == request.headers.get("host", "")


_NO_STORE = {"cache-control": "no-store"}


def _html(text: str, status: int = 200, headers: dict | None = None) -> HTMLResponse:
    return HTMLResponse(text, status, headers={**_NO_STORE, **(headers or {})})


def _not_found() -> HTMLResponse:
    return _html(pages.not_found_page(), 404)


class _Routes:
    """The share server's request handlers over one recordings folder.

    Args:
        folder: the recordings folder (``paths.recordings``); it may not exist yet.
        settings: ``[share]`` (staff PIN, limits).
    """

    def __init__(self, folder: Path, settings: ShareConfig):
        self.folder = folder
        self.settings = settings
        self.staff = _Staff(settings.staff_pin)

    async def home(self, request: Request) -> Response:
        return _html(pages.home_page())

    async def recording(self, request: Request) -> Response:
        match = RECORDING_PATH.fullmatch(request.path_params["name"])
        if match is None:
            return _not_found()
        found = find_recording(self.folder, match["token"])
        if found is None:
            return _not_found()
        ext = match["ext"]
        if ext is None:
            return _html(pages.recording_page(found))
        path = found.file(ext)
        if path is None:
            return _not_found()
        try:
            info = path.lstat()
        except FileNotFoundError:
            return _not_found()
        download = request.query_params.get("download") == "1"
        return FileResponse(
            path,
            media_type=CONTENT_TYPES[ext],
            stat_result=info,
            filename=pages.download_name(found, ext) if download else None,
            headers={"cache-control": "private, max-age=3600"},
        )

    async def staff_page(self, request: Request) -> Response:
        if not self.settings.staff_pin:
            return _not_found()
        if not self.staff.signed_in(request):
            return _html(pages.staff_login_page())
        found = list_recordings(self.folder)
        return _html(pages.staff_page(found, disk_use(self.folder, found)))

    async def staff_login(self, request: Request) -> Response:
        if not self.settings.staff_pin:
            return _not_found()
        if not _same_origin(request):
            return PlainTextResponse("forbidden", 403)
        client = request.client.host if request.client else "?"
        if self.staff.blocked(client):
            return _html(pages.staff_login_page("Too many wrong PINs: wait a minute."), 429)
        cookie = self.staff.check(client, _form(await request.body()).get("pin", ""))
        if cookie is None:
            log.warning("share: wrong staff PIN from %s", client)
            return _html(pages.staff_login_page("Wrong PIN."), 403)
        response = RedirectResponse("/staff", 303)
        response.set_cookie(
            STAFF_COOKIE, cookie, max_age=STAFF_SESSION_S, path="/staff", httponly=True, samesite="strict"
        )
        return response

    async def staff_delete(self, request: Request) -> Response:
        if not self.settings.staff_pin:
            return _not_found()
        if not self.staff.signed_in(request) or not _same_origin(request):
            return PlainTextResponse("forbidden", 403)
        token = _form(await request.body()).get("token", "")
        found = find_recording(self.folder, token)
        if found is None:
            return _not_found()
        freed = delete_recording(found)
        log.info("share: staff deleted recording %s (%d bytes)", found.gif.name, freed)
        return RedirectResponse("/staff", 303)

    async def staff_logout(self, request: Request) -> Response:
        if not self.settings.staff_pin:
            return _not_found()
        self.staff.sessions.pop(request.cookies.get(STAFF_COOKIE, ""), None)
        response = RedirectResponse("/staff", 303)
        response.delete_cookie(STAFF_COOKIE, path="/staff")
        return response


async def _missing(request: Request, exc: Exception) -> Response:
    return _not_found()


async def _method_not_allowed(request: Request, exc: Exception) -> Response:
    return PlainTextResponse("method not allowed", 405)


def create_app(folder: str | Path, settings: ShareConfig) -> ASGIApp:
    """The share server's ASGI app for the recordings in ``folder``.

    Args:
        folder: the recordings folder (``paths.recordings``); it may not exist yet.
        settings: ``[share]`` (staff PIN, limits).
    """
    routes = _Routes(Path(folder), settings)
    app = Starlette(
        routes=[
            Route("/", routes.home, methods=["GET"]),
            Route("/r/{name}", routes.recording, methods=["GET"]),
            Route("/staff", routes.staff_page, methods=["GET"]),
            Route("/staff/login", routes.staff_login, methods=["POST"]),
            Route("/staff/delete", routes.staff_delete, methods=["POST"]),
            Route("/staff/logout", routes.staff_logout, methods=["POST"]),
        ],
        exception_handlers={404: _missing, 405: _method_not_allowed},
    )
    return _Limits(app, settings)


# -- addresses ------------------------------------------------------------------------------
def lan_address() -> str:
    """This machine's address on its default network (what a phone on the same network
    reaches); '127.0.0.1' when it has none.

    A UDP socket is connected (which sends nothing) to find the interface the default route
    goes through.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.254.254.254", 9))
            return probe.getsockname()[0]
        except OSError:
            return "127.0.0.1"


def base_url(settings: ShareConfig, port: int, lan=lan_address) -> str:
    """What share URLs start with: ``public_url`` (without a trailing slash), else
    ``http://<host>:<port>``, where a wildcard host ('0.0.0.0', '::') stands for the LAN address.

    Args:
        settings: ``[share]``.
        port: the port the server listens on (the real one when ``settings.port`` is 0).
        lan: returns the LAN address (tests inject one).
    """
    if settings.public_url:
        return settings.public_url.rstrip("/")
    host = settings.host
    if host in ("0.0.0.0", "::", ""):
        host = lan()
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


def recording_url(base: str, gif: str | Path) -> str | None:
    """The page URL of the recording whose file is ``gif``: ``<base>/r/<token>``; None when its
    name carries no token."""
    parsed = parse_name(Path(gif).name)
    if parsed is None:
        return None
    return f"{base}/r/{parsed[1]}"


# -- the server -----------------------------------------------------------------------------
class ShareServer:
    """The share server in a background thread; a context manager.

    Args:
        settings: ``[share]``: host, port, limits, staff PIN, public URL.
        folder: the recordings folder to serve.
        lan: returns this machine's LAN address (tests inject one).

    Raises (on enter / :meth:`start`):
        OSError: the address cannot be listened on (port taken, unknown host); the message says
            which key to change.
        RuntimeError: the server did not come up within 10 s.
    """

    def __init__(self, settings: ShareConfig, folder: str | Path, lan=lan_address):
        self.settings = settings
        self.folder = Path(folder)
        self._lan = lan
        self.port: int | None = None
        self.base_url = ""
        self._server = None
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None
        self._error: BaseException | None = None

    def _listen(self) -> socket.socket:
        host, port = self.settings.host, self.settings.port
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((host, port))
            sock.listen(128)
        except OSError as exc:
            sock.close()
            raise OSError(
                f"share server cannot listen on {host}:{port} ({exc.strerror or exc}): set share.port to a free "
                "port or share.host to an address of this machine (or share.enabled=false)"
            ) from exc
        sock.setblocking(False)
        return sock

    def start(self) -> ShareServer:
        import uvicorn

        self._socket = self._listen()
        self.port = self._socket.getsockname()[1]
        self.base_url = base_url(self.settings, self.port, self._lan)
        config = uvicorn.Config(
            create_app(self.folder, self.settings),
            http=_protocol(self.settings.timeout_s),
            ws="none",
            lifespan="off",
            log_config=None,
            log_level="warning",
            access_log=False,
            timeout_keep_alive=max(1, int(self.settings.timeout_s)),
            limit_concurrency=self.settings.max_connections,
            h11_max_incomplete_event_size=MAX_HEAD_BYTES,
            timeout_graceful_shutdown=int(SHUTDOWN_S),
            server_header=False,
        )
        self._server = uvicorn.Server(config)

        def serve() -> None:
            try:
                self._server.run(sockets=[self._socket])
            except BaseException as exc:  # noqa: BLE001 - reported by start()/logged
                self._error = exc
                log.error("share server stopped: %s", exc)

        self._thread = threading.Thread(target=serve, name="live-share", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10.0
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.close()
                raise RuntimeError(f"share server did not start: {self._error or 'timed out'}")
            time.sleep(0.01)
        log.info("share server on %s:%d, links start %s", self.settings.host, self.port, self.base_url)
        return self

    def url_for(self, gif: str | Path) -> str | None:
        """The page URL of the recording written to ``gif`` (None for a name without a token)."""
        return recording_url(self.base_url, gif)

    @property
    def local_url(self) -> str:
        """A URL of the server that works on this machine (for tests and the staff's browser)."""
        host = self.settings.host
        if host in ("0.0.0.0", ""):
            host = "127.0.0.1"
        elif host == "::":
            host = "[::1]"
        elif ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{self.port}"

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def close(self) -> None:
        """Stops the server and waits for its thread (a few seconds at most). Safe to call twice."""
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(SHUTDOWN_S + 3.0)
            if self._thread.is_alive():
                log.error("share server did not stop within %.0f s", SHUTDOWN_S + 3.0)
            self._thread = None
        if self._socket is not None:
            self._socket.close()
            self._socket = None

    def __enter__(self) -> ShareServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.close()
