"""What every command shares: the configuration flags, the one logging set-up, writing a PNG.

Every command reads the configuration (``--config FILE``, default ``configs/default.toml``), then
applies ``--set section.key=value`` and its own flags (:func:`config_from_args`), and prints the
effective settings to stderr.
"""

from __future__ import annotations

import argparse
import dataclasses
import logging
import os
import sys
from pathlib import Path

import numpy as np

from live.config import Config, load_config, parse_override

#: Command-line flags that stand for configuration keys.
FLAG_KEYS = {
    "sprites": "swarm.sprites",
    "seed": "swarm.seed",
    "size": "render.size",
    "backend": "render.backend",
    "device": "render.device",
    "steps": "optim.steps",
    "lr": "optim.lr",
    "recordings": "paths.recordings",
    "font": "target.font",
    "threshold": "target.threshold",
    "camera": "camera.source",
    "input": "app.input",
    "model_complexity": "hand.model_complexity",
}
#: The types of the flags that are not strings.
FLAG_TYPES = {"sprites": int, "seed": int, "size": int, "steps": int, "lr": float, "threshold": float}


def add_config_flags(parser: argparse.ArgumentParser, *flags: str) -> None:
    """``--config``, ``--set`` and the named flags of :data:`FLAG_KEYS`."""
    parser.add_argument("--config", metavar="FILE", help="TOML configuration (default: configs/default.toml)")
    parser.add_argument(
        "--set",
        metavar="KEY=VALUE",
        action="append",
        default=[],
        help="override any config key, e.g. render.sigma=1e-4",
    )
    for flag in flags:
        parser.add_argument(f"--{flag}", type=FLAG_TYPES.get(flag, str), help=f"sets {FLAG_KEYS[flag]}")


def config_from_args(args: argparse.Namespace) -> Config:
    """The configuration file, then ``--set`` items, then the named flags; printed to stderr.

    Raises:
        ConfigError: a bad file, key or value.
    """
    overrides = dict(parse_override(item) for item in args.set)
    for flag, key in FLAG_KEYS.items():
        value = getattr(args, flag, None)
        if value is not None:
            overrides[key] = value
    if getattr(args, "sprites", None) is not None:
        overrides["swarm.sizing"] = "seed"  # --sprites N: N creatures of the seed's sizes
    config = load_config(args.config, overrides)
    print(one_line_config(config), file=sys.stderr)
    return config


def one_line_config(config: Config) -> str:
    """Every setting on one line, secrets left out."""
    parts = []
    for section in dataclasses.fields(config):
        values = dataclasses.asdict(getattr(config, section.name))
        if values.get("staff_pin"):
            values["staff_pin"] = "(set)"  # a secret stays out of logs
        parts.append(f"[{section.name}] " + " ".join(f"{k}={v}" for k, v in values.items()))
    return "config: " + " | ".join(parts)


def setup_logging(default: str = "INFO", log_file: str | None = None, file_level: int | None = None) -> int:
    """Logs to stderr at ``$LIVE_LOG`` (else ``default``), and to a rotating ``log_file`` when given
    (at ``file_level``, else the same level); returns the console level.

    Raises:
        ValueError: a log file that cannot be written.
    """
    level = getattr(logging, os.environ.get("LIVE_LOG", default).upper(), getattr(logging, default))
    logging.basicConfig(level=level, format="live: %(message)s", stream=sys.stderr)
    if log_file is not None:
        from live.service import log_to_file

        log_to_file(log_file, level if file_level is None else file_level)
    return level


def png_path(path: str | Path, flag: str = "--png") -> Path:
    """``path`` as a PNG file name, checked before any work is done.

    Raises:
        ValueError: a path that is not a .png file name.
    """
    path = Path(path)
    if path.suffix.lower() != ".png" or path.is_dir():
        raise ValueError(f"{flag} '{path}' is not a .png file name: give one, e.g. swarm.png")
    return path


def save_png(path: str | Path, image: np.ndarray, flag: str = "--png") -> Path:
    """Writes ``image`` (H, W, 3) RGB, uint8 or float in [0, 1], as a PNG, creating the folder.

    Raises:
        ValueError: a path that is not a .png file name.
        OSError: the file cannot be written.
    """
    import cv2

    from live.display.views import to_uint8

    path = png_path(path, flag)
    picture = image if image.dtype == np.uint8 else to_uint8(image)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not cv2.imwrite(str(path), np.ascontiguousarray(picture[..., ::-1])):  # RGB -> BGR at the edge
        raise OSError(f"cannot write '{path}': use a .png path in a writable folder")
    return path
