"""The ``live`` command (also ``python -m live``): a thin dispatcher over :mod:`live.commands`.

Every subcommand reads the configuration (``--config FILE``, default ``configs/default.toml``),
then applies ``--set section.key=value`` and its own flags, and prints the effective settings
to stderr. Bad input ends the command with one line on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import sys

from live.commands import COMMANDS
from live.config import ConfigError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="live", description="A swarm of one-eyed creatures fills in what you draw.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        command.add_parser(sub).set_defaults(handler=command.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except (ConfigError, ValueError, OSError, ImportError) as exc:
        print(f"live {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"live {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
