"""``live bench``: how fast the optimiser, the renderers and the frame loop run."""

from __future__ import annotations

import argparse
import json

from live.config import InputKind

NAME = "bench"
#: --loop's frames timed by default.
FRAMES = 10000
#: Frames timed per scene of ``live bench --kiosk`` by default.
KIOSK_FRAMES = 300


def _int_list(text: str) -> list[int]:
    try:
        return [int(x) for x in text.split(",") if x]
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a comma-separated list of integers, e.g. 16,64") from None


def add_parser(sub) -> argparse.ArgumentParser:
    p = sub.add_parser(NAME, help=run.__doc__, description=run.__doc__)
    p.add_argument(
        "--sprites",
        type=_int_list,
        default=[16, 20, 64, 256, 500, 2000],
        help="swarm sizes (default 16,20,64,256,500,2000)",
    )
    p.add_argument("--sizes", type=_int_list, default=[128, 256, 512], help="render sizes (default 128,256,512)")
    p.add_argument("--backends", type=lambda t: t.split(","), help="analytic,pytorch3d (default: all installed)")
    p.add_argument("--devices", type=lambda t: t.split(","), help="cpu,cuda (default: all present)")
    p.add_argument("--budget", type=float, default=2.0, help="seconds of timed steps per row (default 2)")
    p.add_argument("--no-baseline", action="store_true", help="skip the seed-loop baseline rows")
    p.add_argument("--json", action="store_true", help="print a JSON list of rows (one object with --loop)")
    p.add_argument(
        "--loop", action="store_true", help="time the headless frame loop instead (N=20, 256, analytic, CPU)"
    )
    p.add_argument(
        "--frames", type=int, help="frames timed after warm-up (default: --loop 10000, --kiosk 300 per scene)"
    )
    p.add_argument(
        "--warmup", type=int, default=500, help="--loop: frames before timing and the first RSS (default 500)"
    )
    p.add_argument("--threads", type=int, help="--loop: torch CPU threads (default: app.threads; 0: torch's default)")
    p.add_argument(
        "--pool", action="store_true", help="time the largest swarm (swarm.pool, smallest size) with its view"
    )
    p.add_argument(
        "--full", action="store_true", help="also time pytorch3d on CPU above 256 creatures or 256 px (slow)"
    )
    p.add_argument(
        "--input", choices=list(InputKind), default=InputKind.MOUSE, help="--loop: 'hand' tracks --camera alongside"
    )
    p.add_argument("--camera", metavar="SOURCE", help="--loop --input hand: webcam index or video file (looped)")
    p.add_argument(
        "--set",
        metavar="KEY=VALUE",
        action="append",
        default=[],
        help="--loop: override a config key of the timed loop, e.g. target.brush=5 (repeatable)",
    )
    p.add_argument(
        "--mirror", action="store_true", help="--loop: the mirror follows the person --camera sees; nobody draws"
    )
    p.add_argument(
        "--kiosk",
        metavar="WxH",
        help="time the kiosk's whole frame composed offscreen at this screen size (e.g. 1920x1080): "
        "attract mode and a fine-pen doodle; --frames timed per scene (default here 300)",
    )
    p.add_argument(
        "--window",
        action="store_true",
        help="--kiosk: in the real fullscreen kiosk window on $DISPLAY (an X screen of that size, a window manager)",
    )
    return p


def _pool(args: argparse.Namespace) -> None:
    from live.tools.bench import run_pool_bench

    figures = run_pool_bench(args.budget, args.threads)
    if args.json:
        print(json.dumps(figures))
        return
    print(
        f"largest pool: {figures['sprites']} creatures of radius {figures['radius']:.4f}, loss at "
        f"{figures['size']} px, view at {figures['view']} px: {figures['ms_per_step']:.2f} ms/step + "
        f"{figures['ms_per_view']:.2f} ms/view = {figures['fps']:.1f} fps"
    )


def _kiosk(args: argparse.Namespace) -> None:
    from live.tools.bench import format_kiosk, parse_screen, run_kiosk_bench

    width, height = parse_screen(args.kiosk)
    frames = args.frames or KIOSK_FRAMES
    figures = run_kiosk_bench(width, height, frames=frames, threads=args.threads, window=args.window)
    print(json.dumps(figures) if args.json else format_kiosk(figures))


def _loop(args: argparse.Namespace) -> None:
    from live.config import parse_override
    from live.tools.bench import format_loop, run_loop_bench

    figures = run_loop_bench(
        frames=args.frames or FRAMES,
        warmup=args.warmup,
        threads=args.threads,
        input=args.input,
        camera=args.camera,
        overrides=dict(parse_override(item) for item in args.set),
        mirror=args.mirror,
    )
    print(json.dumps(figures) if args.json else format_loop(figures))


def run(args: argparse.Namespace) -> int:
    """Times optimiser steps and colour renders for every backend, device and size."""
    from live.tools.bench import HEADER, format_row, rows_as_dicts, run_bench

    if args.pool:
        _pool(args)
        return 0
    if args.kiosk:
        _kiosk(args)
        return 0
    if args.loop:
        _loop(args)
        return 0
    if not args.json:
        print(HEADER, flush=True)
    rows = run_bench(
        sprites=args.sprites,
        sizes=args.sizes,
        backends=args.backends,
        devices=args.devices,
        budget_s=args.budget,
        baseline=not args.no_baseline,
        on_row=None if args.json else lambda row: print(format_row(row), flush=True),
        full=args.full,
    )
    if args.json:
        print(json.dumps(rows_as_dicts(rows), indent=1))
    return 0
