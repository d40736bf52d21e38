"""The share server's routes, as one ASGI app (nothing else exists; there is no public listing):

- ``GET /r/<token>``: the visitor's page (:func:`live.share.pages.recording_page`);
- ``GET /r/<token>.mp4``, ``.gif``: the files (``video/mp4``, ``image/gif``; HTTP range
  requests, which iOS needs for video); ``?download=1`` asks the browser to save it;
- ``GET /r/<token>.png``: the GIF's first frame, the video's poster;
- ``GET /healthz``: the kiosk's health as JSON for monitoring, no PIN, no secrets; 503 when the
  frame loop has stalled (:func:`live.share.status.health`);
- ``/staff`` and its forms (:mod:`live.share.staff`);
- ``GET /``: a line saying to scan the code on the screen.

A URL never becomes a path: the token is checked against its 22-character form, then looked up
among the plain files the recordings folder lists (:mod:`live.share.recordings`), so traversal,
encoded slashes, absolute paths and symlinks find nothing.
"""

from __future__ import annotations

import re
import shutil
import time
from pathlib import Path

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp

from live.config import ShareConfig
from live.share import pages
from live.share.limits import Limits
from live.share.media import still_png
from live.share.recordings import CONTENT_TYPES, TOKEN_RE, find_recording
from live.share.staff import StaffRoutes, html
from live.share.status import KioskStatus, health

#: ``/r/<token>``, ``/r/<token>.gif``, ``.mp4``, ``.png``.
RECORDING_PATH = re.compile(rf"(?P<token>{TOKEN_RE.pattern})(?:\.(?P<ext>gif|mp4|png))?")
#: How long a phone may keep a clip's files (they never change under one name).
FILE_CACHE = {"cache-control": "private, max-age=3600"}


def not_found() -> Response:
    return html(pages.not_found_page(), 404)


def disk_free_mb(folder: Path) -> int | None:
    """Free MiB on the disk of ``folder``; None when it is missing."""
    try:
        return shutil.disk_usage(folder).free // (1 << 20)
    except OSError:
        return None


class VisitorRoutes:
    """The visitor's handlers over one recordings folder, and ``/healthz``.

    Args:
        folder: the recordings folder (``paths.recordings``); it may not exist yet.
        status: the frame loop's report; None without a loop (``live gallery``).
    """

    def __init__(self, folder: Path, status: KioskStatus | None):
        self.folder = folder
        self.status = status
        self.started = time.monotonic()

    async def home(self, request: Request) -> Response:
        return html(pages.home_page())

    async def recording(self, request: Request) -> Response:
        match = RECORDING_PATH.fullmatch(request.path_params["name"])
        found = find_recording(self.folder, match["token"]) if match else None
        if found is None:
            return not_found()
        ext = match["ext"]
        if ext is None:
            return html(pages.recording_page(found))
        if ext == "png":
            try:
                still = await run_in_threadpool(still_png, found.gif)
            except OSError:
                return not_found()
            return Response(still, media_type="image/png", headers=FILE_CACHE)
        path = found.file(ext)
        try:
            info = path.lstat() if path is not None else None
        except FileNotFoundError:
            info = None
        if info is None:
            return not_found()
        download = request.query_params.get("download") == "1"
        return FileResponse(
            path,
            media_type=CONTENT_TYPES[ext],
            stat_result=info,
            filename=pages.download_name(found, ext) if download else None,
            headers=FILE_CACHE,
        )

    async def healthz(self, request: Request) -> Response:
        report = health(self.status, disk_free_mb(self.folder), time.monotonic() - self.started)
        return JSONResponse(report, 200 if report["ok"] else 503, headers={"cache-control": "no-store"})


async def _missing(request: Request, exc: Exception) -> Response:
    return not_found()


async def _method_not_allowed(request: Request, exc: Exception) -> Response:
    return PlainTextResponse("method not allowed", 405)


def create_app(folder: str | Path, settings: ShareConfig, status: KioskStatus | None = None) -> ASGIApp:
    """The share server's ASGI app for the recordings in ``folder``, behind :class:`Limits`.

    Args:
        folder: the recordings folder (``paths.recordings``); it may not exist yet.
        settings: ``[share]`` (staff PIN, limits).
        status: the frame loop's report (staff page, ``/healthz``, the QR code again); None
            without a loop.
    """
    folder = Path(folder)
    visitor = VisitorRoutes(folder, status)
    staff = StaffRoutes(folder, settings, status, not_found)
    app = Starlette(
        routes=[
            Route("/", visitor.home, methods=["GET"]),
            Route("/r/{name}", visitor.recording, methods=["GET"]),
            Route("/healthz", visitor.healthz, methods=["GET"]),
            Route("/staff", staff.page, methods=["GET"]),
            Route("/staff/login", staff.login, methods=["POST"]),
            Route("/staff/delete", staff.delete, methods=["POST"]),
            Route("/staff/show-code", staff.show_code, methods=["POST"]),
            Route("/staff/logout", staff.logout, methods=["POST"]),
        ],
        exception_handlers={404: _missing, 405: _method_not_allowed},
    )
    return Limits(app, settings)
