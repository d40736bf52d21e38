"""Where the share server is reached: this machine's LAN address and the URLs of recordings."""

from __future__ import annotations

import socket
from pathlib import Path

from live.config import ShareConfig
from live.share.recordings import parse_name

#: Hosts that mean "every network of this machine".
WILDCARD_HOSTS = ("0.0.0.0", "::", "")


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


def _bracketed(host: str) -> str:
    """An IPv6 address in brackets, as a URL needs it."""
    return f"[{host}]" if ":" in host else host


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
    if host in WILDCARD_HOSTS:
        host = lan()
    return f"http://{_bracketed(host)}:{port}"


def local_url(host: str, port: int) -> str:
    """A URL of a server listening on ``host``:``port`` that works from this machine (tests, the
    staff's browser on the kiosk): a wildcard host becomes the loopback address."""
    if host in ("0.0.0.0", ""):
        host = "127.0.0.1"
    elif host == "::":
        host = "::1"
    return f"http://{_bracketed(host)}:{port}"


def recording_url(base: str, gif: str | Path) -> str | None:
    """The page URL of the recording whose file is ``gif``: ``<base>/r/<token>``; None when its
    name carries no token."""
    parsed = parse_name(Path(gif).name)
    if parsed is None:
        return None
    return f"{base}/r/{parsed[1]}"
