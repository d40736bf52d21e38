"""``live doctor``: checks what a kiosk needs, and says how to fix each thing that is not right."""

from __future__ import annotations

import argparse
import dataclasses
import json

from live.commands.common import add_config_flags, config_from_args, setup_logging

NAME = "doctor"


def add_parser(sub) -> argparse.ArgumentParser:
    p = sub.add_parser(NAME, help=run.__doc__, description=run.__doc__)
    add_config_flags(p, "recordings", "input", "camera")
    p.add_argument("--hand", action="store_true", help="also wait for the camera to see a hand (hold one up)")
    p.add_argument("--json", action="store_true", help='print {"checks": [{"name", "ok", "detail", "fix"}, ...]}')
    return p


def run(args: argparse.Namespace) -> int:
    """Checks what a kiosk needs (packages, font, display, window manager, camera, recordings
    folder, share port and addresses); exit status 0 when all hold, 1 otherwise."""
    from live.tools.doctor import run_checks

    setup_logging("ERROR")  # the checks say what they found; the camera's own retries stay quiet
    config = config_from_args(args)
    checks = run_checks(config, hand_too=args.hand)
    if args.json:
        print(json.dumps({"checks": [dataclasses.asdict(check) for check in checks]}, indent=2, ensure_ascii=False))
    else:
        print(report(checks))
    return 0 if all(check.ok for check in checks) else 1


def report(checks) -> str:
    """The checks as lines a person reads: ``ok``/``FAIL``, the name, what was found, the fix."""
    width = max(len(check.name) for check in checks)
    failed = sum(not check.ok for check in checks)
    lines = [f"live doctor: {len(checks)} checks, " + (f"{failed} failed" if failed else "all hold")]
    for check in checks:
        lines.append(f"  {'ok  ' if check.ok else 'FAIL'}  {check.name:<{width}}  {check.detail}")
        if not check.ok and check.fix:
            lines.append(f"        {'':<{width}}  fix: {check.fix}")
    return "\n".join(lines)
