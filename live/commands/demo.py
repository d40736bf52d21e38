"""``live demo``: the seed's first experiment, headless."""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

from live.commands.common import add_config_flags, config_from_args

NAME = "demo"


def add_parser(sub) -> argparse.ArgumentParser:
    p = sub.add_parser(NAME, help=run.__doc__, description=run.__doc__)
    add_config_flags(p, "sprites", "seed", "size", "steps", "backend", "device", "recordings")
    p.add_argument("--gif", metavar="PATH", help="where to write the GIF (default: <recordings>/demo-<timestamp>.gif)")
    return p


def run(args: argparse.Namespace) -> int:
    """The seed's first experiment: creatures form the letter 'A'; writes a GIF."""
    from live.record import timestamped, write_gif
    from live.target import text_mask
    from live.tools.fitting import fit

    config = config_from_args(args)
    config = dataclasses.replace(config, swarm=dataclasses.replace(config.swarm, sizing="seed"))  # the seed's swarm
    target = text_mask("A", config.render.size, config.target.font)
    result = fit(config, target, config.optim.steps, record=True, progress=True)
    gif = write_gif(Path(args.gif) if args.gif else timestamped(config.paths.recordings, "demo-"), result.frames)
    print(
        f"IoU {result.iou:.3f}, {result.ms_per_step:.1f} ms per step ({result.backend}, {result.device})",
        file=sys.stderr,
    )
    print(gif)
    return 0
