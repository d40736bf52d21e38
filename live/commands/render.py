"""``live render``: a freshly seeded swarm at its start positions, as arrays (and a PNG)."""

from __future__ import annotations

import argparse
from pathlib import Path

from live.commands.common import add_config_flags, config_from_args, png_path, save_png

NAME = "render"


def add_parser(sub) -> argparse.ArgumentParser:
    p = sub.add_parser(NAME, help=run.__doc__, description=run.__doc__)
    add_config_flags(p, "sprites", "seed", "size", "backend", "device")
    p.add_argument("--out", metavar="PATH.npz", required=True, help="arrays 'silhouette' (H, W) and 'color' (H, W, 3)")
    p.add_argument("--png", metavar="PATH", help="also write colour | silhouette side by side")
    return p


def _npz_path(text: str) -> Path:
    out = Path(text)
    if out.suffix != ".npz":
        out = out.with_name(out.name + ".npz")  # what np.savez would write: say that path
    if out.is_dir():
        raise ValueError(f"--out '{out}' is a folder: give a file name, e.g. {out / 'swarm.npz'}")
    return out


def run(args: argparse.Namespace) -> int:
    """Renders a freshly seeded swarm at its start positions to arrays (and a PNG)."""
    import numpy as np
    import torch

    from live.scene import build

    out = _npz_path(args.out)
    png = png_path(args.png) if args.png else None
    config = config_from_args(args)
    scene = build(config)
    offsets = torch.zeros_like(scene.renderer.swarm.start)
    with torch.no_grad():
        silhouette = scene.renderer.silhouette(offsets).cpu().numpy()
    color = scene.renderer.color(offsets).cpu().numpy()
    out.parent.mkdir(parents=True, exist_ok=True)
    np.savez(out, silhouette=silhouette, color=color)
    print(out)
    if png is not None:
        grey = np.repeat(silhouette[..., None], 3, axis=2)
        print(save_png(png, np.concatenate([color, grey], axis=1)))
    return 0
