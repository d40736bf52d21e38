"""``live mirror``: the swarm mirrors the person a camera sees, headless, with its figures."""

from __future__ import annotations

import argparse
import json

from live.commands.common import add_config_flags, config_from_args

NAME = "mirror"


def add_parser(sub) -> argparse.ArgumentParser:
    p = sub.add_parser(NAME, help=run.__doc__, description=run.__doc__)
    add_config_flags(p, "size", "backend", "device")
    p.add_argument(
        "--camera", metavar="SOURCE", help="webcam index (0, 1, ...), video file or stream URL (camera.source)"
    )
    p.add_argument("--frames", type=int, metavar="N", help="stop after N frames of the swarm (default: the file's end)")
    p.add_argument("--json", action="store_true", help="one JSON object a second, the summary object last")
    p.add_argument("--loop", action="store_true", help="play a video file again when it ends (with --frames)")
    p.add_argument(
        "--lockstep",
        type=int,
        default=0,
        metavar="N",
        help="video files: segment every frame, then N frames of the swarm, on the file's clock (default 0: real time)",
    )
    return p


def run(args: argparse.Namespace) -> int:
    """Mirrors the person in a webcam, a video file or a stream with the swarm, headless: a line a
    second, then the summary (frames, fps, iou_mean, iou_p10, person_frames, seg_ms, ...)."""
    from live.tools.mirror import measure, second_line, summary_line

    config = config_from_args(args)

    def say(figures: dict) -> None:
        print(json.dumps(figures) if args.json else second_line(figures), flush=True)

    figures = measure(config, args.frames, args.lockstep, args.loop, on_second=say)
    print(json.dumps(figures) if args.json else summary_line(figures), flush=True)
    return 0
