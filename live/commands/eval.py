"""``live eval``: fits the fixed target suite and scores every fit."""

from __future__ import annotations

import argparse
import json

from live.commands.common import add_config_flags, config_from_args

NAME = "eval"


def _groups(text: str) -> list[str]:
    from live.tools.suite import GROUPS

    groups = [g for g in text.split(",") if g]
    unknown = [g for g in groups if g not in GROUPS]
    if unknown or not groups:
        raise argparse.ArgumentTypeError(f"'{text}' names no known group: use some of {', '.join(GROUPS)}")
    return groups


def add_parser(sub) -> argparse.ArgumentParser:
    p = sub.add_parser(NAME, help=run.__doc__, description=run.__doc__)
    add_config_flags(p, "size", "lr", "backend", "device")
    p.add_argument("--steps", type=int, default=300, help="steps per target (default 300; scores are also taken at 60)")
    p.add_argument(
        "--groups",
        type=_groups,
        default=["words", "lines", "parts"],
        help="comma-separated groups of targets: words, lines, parts, shapes (default words,lines,parts)",
    )
    p.add_argument(
        "--only", type=lambda t: t.split(","), help="comma-separated target names (any group; overrides --groups)"
    )
    p.add_argument("--seed-loss", action="store_true", help="also fit every target with the seed's loss")
    p.add_argument("--json", action="store_true", help="print rows and means as JSON")
    return p


def _cases(args: argparse.Namespace) -> list:
    """The suite's cases that ``--groups`` or ``--only`` name.

    Raises:
        ValueError: an unknown target name.
    """
    from live.tools.suite import suite

    if not args.only:
        return suite(args.groups)
    every = suite()
    names = {c.name for c in every}
    unknown = [n for n in args.only if n not in names]
    if unknown:
        raise ValueError(f"unknown eval target(s) {', '.join(unknown)}: use some of {', '.join(sorted(names))}")
    return [c for c in every if c.name in args.only]


def run(args: argparse.Namespace) -> int:
    """Fits the fixed target suite; OCR of the words, IoU of the drawings, stranded, ms per step."""
    from live.tools.eval import HEADER, format_row, run_eval, summarise

    config = config_from_args(args)
    cases = _cases(args)
    if not args.json:
        print(HEADER, flush=True)
    rows = run_eval(
        config,
        args.steps,
        cases,
        on_row=None if args.json else lambda row: print(format_row(row), flush=True),
        seed_loss=args.seed_loss,
    )
    summary = summarise(rows)
    if args.json:
        print(json.dumps({"rows": [r.as_dict() for r in rows], "mean": summary}, indent=1))
        return 0
    for kind, figures in summary.items():
        shown = " ".join(f"{k}={v:.3f}" if isinstance(v, float) else f"{k}={v}" for k, v in figures.items())
        print(f"mean {kind}: {shown}")
    return 0
