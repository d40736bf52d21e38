"""ASGI middleware in front of every route: the limits of a request, and the security headers.

URL length and characters (400), header size (400), body size (413), a body that does not
arrive in time (408); every response gets ``nosniff``, ``no-referrer``, ``DENY`` framing and a
``default-src 'none'`` content security policy. The connection-level defences (a deadline for
the request head, a stalled send, the connection cap) are in :mod:`live.share.protocol`.
"""

from __future__ import annotations

import asyncio
import re

from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from live.config import ShareConfig

#: Characters a URL path of this server can hold; anything else (``%``, ``\``, non-ASCII) is 400.
PATH_CHARS = re.compile(r"[A-Za-z0-9._~/-]*")
#: Most bytes of a request's headers: h11 answers 400 to a longer head that arrives in parts,
#: this middleware to one that arrives at once.
MAX_HEAD_BYTES = 16 * 1024

SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"x-robots-tag", b"noindex, nofollow"),
    (
        b"content-security-policy",
        b"default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'; "
        b"form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    ),
]

#: The visitor's pages send no referrer anywhere. The staff pages send theirs to this server
#: only: a browser then sends the form posts' true ``Origin`` (with ``no-referrer`` it sends
#: ``Origin: null``, and the staff forms' same-origin check could not tell them from another site's).
NO_REFERRER = (b"referrer-policy", b"no-referrer")
SAME_ORIGIN_REFERRER = (b"referrer-policy", b"same-origin")

_SECURITY_TEXT = {k.decode(): v.decode() for k, v in [*SECURITY_HEADERS[:3], NO_REFERRER]}


def plain(text: str, status: int) -> PlainTextResponse:
    """A short error answer that also closes the connection."""
    return PlainTextResponse(text, status, headers={"connection": "close", **_SECURITY_TEXT})


def _refusal(scope: Scope, settings: ShareConfig) -> PlainTextResponse | None:
    """The answer to a request whose URL, headers or declared length break a limit; None when it
    keeps them."""
    raw_path = scope.get("raw_path") or scope["path"].encode("utf-8", "replace")
    if len(raw_path) + len(scope.get("query_string", b"")) > settings.max_url_chars:
        return plain("URL too long", 400)
    if not PATH_CHARS.fullmatch(raw_path.decode("latin-1")) or b"//" in raw_path:
        return plain("bad path", 400)
    if sum(len(k) + len(v) + 4 for k, v in scope["headers"]) > MAX_HEAD_BYTES:
        return plain("headers too large", 400)
    length = dict(scope["headers"]).get(b"content-length")
    if length is not None and (not length.isdigit() or int(length) > settings.max_body_bytes):
        return plain("request too large", 413)
    return None


class Limits:
    """ASGI middleware: the request limits of ``[share]`` and the security headers.

    The body is read here in full (at most ``max_body_bytes``, each part within ``timeout_s``)
    before the app runs, so the app never waits on a slow client.

    Args:
        app: the routes.
        settings: ``[share]`` (``max_url_chars``, ``max_body_bytes``, ``timeout_s``).
    """

    def __init__(self, app: ASGIApp, settings: ShareConfig):
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        refusal = _refusal(scope, self.settings)
        if refusal is not None:
            await refusal(scope, receive, send)
            return
        body = await self._body(scope, receive, send)
        if body is None:
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        staff = scope["path"] == "/staff" or scope["path"].startswith("/staff/")
        security = [*SECURITY_HEADERS, SAME_ORIGIN_REFERRER if staff else NO_REFERRER]

        async def secured_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = dict(message)
                message["headers"] = list(message.get("headers", [])) + security
            await send(message)

        await self.app(scope, replay, secured_send)

    async def _body(self, scope: Scope, receive: Receive, send: Send) -> bytes | None:
        """The whole request body, read under the limits; None when it was refused (the answer
        is sent) or the client went away."""
        body = b""
        more = True
        while more:
            try:
                message = await asyncio.wait_for(receive(), self.settings.timeout_s)
            except TimeoutError:
                await plain("request body too slow", 408)(scope, receive, send)
                return None
            if message["type"] != "http.request":
                return None  # the client went away
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > self.settings.max_body_bytes:
                await plain("request too large", 413)(scope, receive, send)
                return None
        return body
