"""``live config``: the effective configuration as commented TOML."""

from __future__ import annotations

import argparse

NAME = "config"


def add_parser(sub) -> argparse.ArgumentParser:
    p = sub.add_parser(NAME, help=run.__doc__, description=run.__doc__)
    p.add_argument("--config", metavar="FILE", help="TOML configuration (default: configs/default.toml)")
    p.add_argument("--set", metavar="KEY=VALUE", action="append", default=[], help="override a key")
    return p


def run(args: argparse.Namespace) -> int:
    """Prints the effective configuration as commented TOML (the defaults file is made this way)."""
    from live.config import format_config, load_config, parse_override

    overrides = dict(parse_override(item) for item in args.set)
    print(format_config(load_config(args.config, overrides)))
    return 0
