"""``live run``: the installation. Draw in the canvas window, press s, the creatures form the drawing."""

from __future__ import annotations

import argparse
import sys

from live.commands.common import add_config_flags, config_from_args, report_error, setup_logging

NAME = "run"


def add_parser(sub) -> argparse.ArgumentParser:
    p = sub.add_parser(NAME, help=run.__doc__, description=run.__doc__)
    add_config_flags(p, "sprites", "seed", "size", "backend", "device", "recordings", "input", "camera")
    p.add_argument("--kiosk", action="store_true", help="one fullscreen window; quit with the chord (app.quit_*)")
    p.add_argument("--headless", action="store_true", help="no window: replay --script, then exit")
    p.add_argument(
        "--mirror", action="store_true", help="the swarm mirrors a person in the camera's view (sets mirror.enabled)"
    )
    p.add_argument(
        "--script",
        metavar="FILE",
        help="timed strokes and keys to replay (docs/script-format.md); with a window, on the wall clock",
    )
    p.add_argument("--max-frames", type=int, metavar="N", help="stop after N frames")
    p.add_argument("--log-file", metavar="PATH", help="also log to PATH, rotated at 10 MB, 5 kept (a service's log)")
    return p


def run(args: argparse.Namespace) -> int:
    """The installation: draw in the canvas window, press s, the creatures form the drawing."""
    from live.app import run_live
    from live.display import DisplayKind

    setup_logging("INFO", args.log_file)
    if args.kiosk:
        args.set.append("app.kiosk=true")
    if args.mirror:
        args.set.append("mirror.enabled=true")
    config = config_from_args(args)
    try:
        display = DisplayKind.NONE if args.headless else DisplayKind.WINDOW
        result = run_live(config, display, args.script, args.max_frames)
    except RuntimeError as exc:
        report_error(NAME, str(exc))
        return 1
    print(
        f"live run: {result.frames} frames, {len(result.exported)} recording(s) written, "
        f"{result.failed_exports} failed export(s), {result.failed_frames} failed frame(s)",
        file=sys.stderr,
    )
    for path in result.exported:
        print(path)
    return 0
