"""``live fit``: fits a fresh swarm to a text or an image and reports how well it formed it."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from live.commands.common import add_config_flags, config_from_args, png_path, save_png
from live.config import Config

NAME = "fit"


def add_parser(sub) -> argparse.ArgumentParser:
    p = sub.add_parser(NAME, help=run.__doc__, description=run.__doc__)
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument("--text", metavar="T", help="a short text to form")
    what.add_argument("--target", metavar="IMAGE", help="an image file whose bright pixels form the mask")
    add_config_flags(p, "sprites", "seed", "size", "steps", "lr", "backend", "device", "font", "threshold")
    p.add_argument("--invert", action="store_true", help="image target: take dark pixels (drawing on paper)")
    p.add_argument("--gif", metavar="PATH", help="also write the run as a GIF")
    p.add_argument("--png", metavar="PATH", help="also write the final colour view alone, at display resolution")
    p.add_argument("--json", action="store_true", help="print one JSON object instead of lines")
    return p


def _target(args: argparse.Namespace, config: Config):
    from live.scene import sizing_of
    from live.target import image_mask, text_mask

    if args.text is not None:
        return text_mask(args.text, config.render.size, config.target.font, sizing_of(config).min_text_stroke(config))
    return image_mask(args.target, config.render.size, config.target.threshold, args.invert or config.target.invert)


def run(args: argparse.Namespace) -> int:
    """Fits a swarm to a text or image target and reports IoU, loss and ms per step."""
    from live.record import write_gif
    from live.tools.fitting import fit

    png = png_path(args.png) if args.png is not None else None
    config = config_from_args(args)
    target = _target(args, config)
    result = fit(config, target, config.optim.steps, record=args.gif is not None, progress=not args.json)
    figures = result.summary()
    if args.gif is not None:
        figures["gif"] = str(write_gif(Path(args.gif), result.frames))
    if png is not None:
        figures["png"] = str(save_png(png, result.view))
    if args.json:
        print(json.dumps(figures))
    else:
        for key, value in figures.items():
            print(f"{key}: {value:.4f}" if isinstance(value, float) else f"{key}: {value}")
    return 0
