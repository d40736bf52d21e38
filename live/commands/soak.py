"""``live soak``: an unattended stretch, headless, with figures once a minute."""

from __future__ import annotations

import argparse
import json
import logging

from live.commands.common import add_config_flags, config_from_args, setup_logging

NAME = "soak"


def add_parser(sub) -> argparse.ArgumentParser:
    p = sub.add_parser(NAME, help=run.__doc__, description=run.__doc__)
    add_config_flags(p, "sprites", "seed", "size", "backend", "device", "recordings")
    p.add_argument("--minutes", type=float, required=True, help="wall-clock minutes to run (the first is warm-up)")
    p.add_argument("--json", action="store_true", help="one JSON object per minute, then the summary object last")
    p.add_argument("--no-hand", action="store_true", help="mouse scripts only, even where the hand footage exists")
    p.add_argument("--log-file", metavar="PATH", help="also log to PATH (rotated)")
    return p


def run(args: argparse.Namespace) -> int:
    """An unattended stretch, headless: scripted visitors (and the hand footage, when present)
    for --minutes of wall time; figures once a minute, then a summary."""
    from live.tools.soak import format_row, soak

    setup_logging("WARNING", args.log_file, file_level=logging.INFO)
    config = config_from_args(args)

    def report(row: dict) -> None:
        print(json.dumps(row) if args.json else format_row(row), flush=True)

    hand = False if args.no_hand else None
    summary = soak(config, args.minutes, report, hand=hand)
    if args.json:
        print(json.dumps(summary))
    else:
        for key, value in summary.items():
            if key != "recordings":
                print(f"{key}: {value}")
    return 0
