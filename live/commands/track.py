"""``live track``: the index fingertip in a webcam, a video file or a stream, frame by frame."""

from __future__ import annotations

import argparse
import json
import sys

from live.commands.common import add_config_flags, config_from_args

NAME = "track"


def add_parser(sub) -> argparse.ArgumentParser:
    p = sub.add_parser(NAME, help=run.__doc__, description=run.__doc__)
    add_config_flags(p)
    p.add_argument("--camera", metavar="SOURCE", help="webcam index (0, 1, ...) or video file (sets camera.source)")
    p.add_argument(
        "--json", action="store_true", help="one JSON object per frame: frame, time, tip, drawing, gesture, ..."
    )
    p.add_argument("--max-frames", type=int, metavar="N", help="stop after N frames")
    p.add_argument("--model-complexity", type=int, choices=[0, 1], help="sets hand.model_complexity")
    p.add_argument(
        "--mirror", action=argparse.BooleanOptionalAction, help="flip left-right (default: webcams yes, files no)"
    )
    p.add_argument("--loop", action="store_true", help="play a video file again when it ends (with --max-frames)")
    p.add_argument(
        "--truth",
        metavar="PATH.json",
        help="true fingertip [[x, y], ...] per frame (or [[x, y], [x, y]] for two hands): print the error at the end",
    )
    return p


def run(args: argparse.Namespace) -> int:
    """Tracks the index fingertip in a webcam or video file and prints it for every frame."""
    from live.tools.accuracy import read_paths
    from live.tools.track import format_row, summary, track

    if args.mirror is not None:
        args.set.append(f"camera.mirror={'on' if args.mirror else 'off'}")
    if args.max_frames is not None and args.max_frames < 1:
        raise ValueError(f"--max-frames must be at least 1, got {args.max_frames}")
    try:
        paths = read_paths(args.truth) if args.truth is not None else None
    except ValueError as exc:
        raise ValueError(f"--truth: {exc}") from exc
    config = config_from_args(args)
    rows = []
    for row in track(config, args.loop, args.max_frames, on_status=lambda line: print(line, file=sys.stderr)):
        rows.append(row)
        shown = {k: v for k, v in row.items() if k != "found"}
        print(json.dumps(shown) if args.json else format_row(row), flush=True)
    for line in summary(rows, paths):
        print(line, file=sys.stderr)
    return 0
