"""``live gallery``: serves a recordings folder to phones, without the installation."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from live.commands.common import add_config_flags, config_from_args, setup_logging

NAME = "gallery"


def add_parser(sub) -> argparse.ArgumentParser:
    p = sub.add_parser(NAME, help=run.__doc__, description=run.__doc__)
    add_config_flags(p, "recordings")
    return p


def _say(text: str) -> None:
    print(f"live gallery: {text}", file=sys.stderr, flush=True)


def _serve(config, folder: Path, stop) -> int:
    from live.share import ShareServer, list_recordings

    with ShareServer(config.share, folder) as server:
        _say(f"{len(list_recordings(folder))} recording(s) in '{folder}'")
        _say(f"recording pages at {server.base_url}/r/<token>; no public listing")
        if config.share.staff_pin:
            _say(f"staff page at {server.local_url}/staff")
        _say(f"serving on {config.share.host}:{server.port}; Ctrl-C stops")
        while not stop.wait(0.5):
            if not server.running:
                _say("error: the server stopped")
                return 1
    return 0


def run(args: argparse.Namespace) -> int:
    """Serves a recordings folder to phones on its own: the share server of ``live run``."""
    import signal
    import threading

    setup_logging("INFO")
    config = config_from_args(args)
    folder = Path(config.paths.recordings)
    if not folder.is_dir():
        raise ValueError(f"recordings folder '{folder}' does not exist: give --recordings DIR (a folder of GIFs)")
    stop = threading.Event()
    previous = signal.signal(signal.SIGTERM, lambda signum, frame: stop.set())
    try:
        if _serve(config, folder, stop):
            return 1
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
    _say("stopped")
    return 0
