"""The ``live`` command: ``live run | demo | fit | render | bench | track | eval | gallery | config`` (also
``python -m live``).

Every subcommand reads the configuration (``--config FILE``, default ``configs/default.toml``),
then applies ``--set section.key=value`` and its own flags, and prints the effective settings
to stderr. Bad input ends the command with one line on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from collections.abc import Callable
from pathlib import Path

from live.config import Config, ConfigError, InputKind, load_config, parse_override

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


def _add_config_flags(parser: argparse.ArgumentParser, *flags: str) -> None:
    parser.add_argument("--config", metavar="FILE", help="TOML configuration (default: configs/default.toml)")
    parser.add_argument(
        "--set",
        metavar="KEY=VALUE",
        action="append",
        default=[],
        help="override any config key, e.g. render.sigma=1e-4",
    )
    kinds = {"sprites": int, "seed": int, "size": int, "steps": int, "lr": float, "threshold": float}
    for flag in flags:
        parser.add_argument(f"--{flag}", type=kinds.get(flag, str), help=f"sets {FLAG_KEYS[flag]}")


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
    print(_one_line_config(config), file=sys.stderr)
    return config


def _one_line_config(config: Config) -> str:

    parts = []
    for section in dataclasses.fields(config):
        values = dataclasses.asdict(getattr(config, section.name))
        if values.get("staff_pin"):
            values["staff_pin"] = "(set)"  # a secret stays out of logs
        parts.append(f"[{section.name}] " + " ".join(f"{k}={v}" for k, v in values.items()))
    return "config: " + " | ".join(parts)


def _target_from_args(args: argparse.Namespace, config: Config):
    from live.target import image_mask, text_mask

    if args.text is not None:
        return text_mask(args.text, config.render.size, config.target.font, _min_stroke(config))
    return image_mask(args.target, config.render.size, config.target.threshold, args.invert or config.target.invert)


def _min_stroke(config: Config) -> float:
    """Thinnest text stroke the configured swarm can draw with creatures that stay visible."""
    if config.swarm.sizing != "target":
        return 0.0
    from live.sprites import min_text_stroke

    return min_text_stroke(config.swarm, config.app.window, config.render.size)


def _save_png(path: Path, image) -> Path:
    """Writes an RGB float image as a PNG, creating the folder."""
    import cv2

    from live.display.views import to_uint8

    path.parent.mkdir(parents=True, exist_ok=True)
    if not cv2.imwrite(str(path), to_uint8(image)[..., ::-1]):  # RGB -> BGR at the edge
        raise OSError(f"cannot write '{path}': use a .png path in a writable folder")
    return path


def _save_gif(path: Path, frames) -> Path:
    from live.record import write_gif

    return write_gif(path, frames)


# -- subcommands ---------------------------------------------------------------------------
def cmd_run(args: argparse.Namespace) -> int:
    """The installation: draw in the canvas window, press s, the creatures form the drawing."""
    import logging
    import os

    from live.app import run_live
    from live.app.run import ends_by_itself
    from live.display import DisplayKind

    level = getattr(logging, os.environ.get("LIVE_LOG", "INFO").upper(), logging.INFO)
    logging.basicConfig(level=level, format="live: %(message)s", stream=sys.stderr)
    if args.log_file is not None:
        from live.service import log_to_file

        log_to_file(args.log_file, level)
    if args.kiosk:
        args.set.append("app.kiosk=true")
    if args.script is not None and not args.headless:
        raise ValueError("--script replays strokes without a window: add --headless")
    config = config_from_args(args)
    if args.headless and args.script is None and args.max_frames is None and not ends_by_itself(config):
        raise ValueError(
            "--headless needs --script FILE (see docs/script-format.md) or --max-frames N "
            "(or --input hand with a video file and camera.loop_video=false)"
        )
    try:
        display = DisplayKind.NONE if args.headless else DisplayKind.WINDOW
        result = run_live(config, display, args.script, args.max_frames)
    except RuntimeError as exc:
        print(f"live run: error: {exc}", file=sys.stderr)
        return 1
    print(
        f"live run: {result.frames} frames, {len(result.exported)} recording(s) written, "
        f"{result.failed_exports} failed export(s), {result.failed_frames} failed frame(s)",
        file=sys.stderr,
    )
    for path in result.exported:
        print(path)
    return 0


def cmd_soak(args: argparse.Namespace) -> int:
    """An unattended stretch, headless: scripted visitors (and the hand footage, when present)
    for --minutes of wall time; figures once a minute, then a summary."""
    import logging
    import os

    from live.soak import format_row, soak

    level = getattr(logging, os.environ.get("LIVE_LOG", "WARNING").upper(), logging.WARNING)
    logging.basicConfig(level=level, format="live: %(message)s", stream=sys.stderr)
    if args.log_file is not None:
        from live.service import log_to_file

        log_to_file(args.log_file, logging.INFO)
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


def cmd_demo(args: argparse.Namespace) -> int:
    """The seed's first experiment: creatures form the letter 'A'; writes a GIF."""
    from live.fit import fit
    from live.record import timestamped
    from live.target import text_mask

    config = config_from_args(args)
    config = dataclasses.replace(config, swarm=dataclasses.replace(config.swarm, sizing="seed"))  # the seed's swarm
    target = text_mask("A", config.render.size, config.target.font)
    result = fit(config, target, config.optim.steps, record=True, progress=True)
    gif = _save_gif(Path(args.gif) if args.gif else timestamped(config.paths.recordings, "demo-"), result.frames)
    print(
        f"IoU {result.iou:.3f}, {result.ms_per_step:.1f} ms per step ({result.backend}, {result.device})",
        file=sys.stderr,
    )
    print(gif)
    return 0


def cmd_fit(args: argparse.Namespace) -> int:
    """Fits a swarm to a text or image target and reports IoU, loss and ms per step."""
    from live.fit import fit

    config = config_from_args(args)
    target = _target_from_args(args, config)
    result = fit(config, target, config.optim.steps, record=args.gif is not None, progress=not args.json)
    figures = result.summary()
    if args.gif is not None:
        figures["gif"] = str(_save_gif(Path(args.gif), result.frames))
    if args.png is not None:
        figures["png"] = str(_save_png(Path(args.png), result.view))
    if args.json:
        print(json.dumps(figures))
    else:
        for key, value in figures.items():
            print(f"{key}: {value:.4f}" if isinstance(value, float) else f"{key}: {value}")
    return 0


def cmd_render(args: argparse.Namespace) -> int:
    """Renders a freshly seeded swarm at its start positions to arrays (and a PNG)."""
    import numpy as np
    import torch

    from live.display.views import to_uint8
    from live.fit import build

    out = Path(args.out)
    if out.suffix != ".npz":
        out = out.with_name(out.name + ".npz")  # what np.savez would write: say that path
    if out.is_dir():
        raise ValueError(f"--out '{out}' is a folder: give a file name, e.g. {out / 'swarm.npz'}")
    png = Path(args.png) if args.png else None
    if png is not None and (png.suffix.lower() != ".png" or png.is_dir()):
        raise ValueError(f"--png '{png}' is not a .png file name: give one, e.g. swarm.png")
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
        import cv2

        grey = np.repeat(silhouette[..., None], 3, axis=2)
        picture = to_uint8(np.concatenate([color, grey], axis=1))[..., ::-1]  # RGB -> BGR at the edge
        png.parent.mkdir(parents=True, exist_ok=True)
        if not cv2.imwrite(str(png), picture):
            raise OSError(f"cannot write '{png}': use a .png path in a writable folder")
        print(png)
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    """Times optimiser steps and colour renders for every backend, device and size."""
    from live.bench import HEADER, format_row, rows_as_dicts, run_bench

    if args.pool:
        from live.bench import run_pool_bench

        figures = run_pool_bench(args.budget, args.threads)
        if args.json:
            print(json.dumps(figures))
        else:
            print(
                f"largest pool: {figures['sprites']} creatures of radius {figures['radius']:.4f}, loss at "
                f"{figures['size']} px, crisp view at {figures['view']} px: {figures['ms_per_step']:.2f} ms/step + "
                f"{figures['ms_per_view']:.2f} ms/view = {figures['fps']:.1f} fps"
            )
        return 0
    if args.loop:
        from live.bench import format_loop, run_loop_bench

        figures = run_loop_bench(
            frames=args.frames, warmup=args.warmup, threads=args.threads, input=args.input, camera=args.camera
        )
        print(json.dumps(figures) if args.json else format_loop(figures))
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


def cmd_eval(args: argparse.Namespace) -> int:
    """Fits the fixed target suite; OCR of the words, IoU of the drawings, stranded, ms per step."""
    from live.eval import HEADER, format_row, run_eval, summarise
    from live.suite import suite

    config = config_from_args(args)
    cases = suite(args.groups)
    if args.only:
        every = suite()
        names = {c.name for c in every}
        unknown = [n for n in args.only if n not in names]
        if unknown:
            raise ValueError(f"unknown eval target(s) {', '.join(unknown)}: use some of {', '.join(sorted(names))}")
        cases = [c for c in every if c.name in args.only]
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
    else:
        for kind, figures in summary.items():
            print(
                f"mean {kind}: "
                + " ".join(f"{k}={v:.3f}" if isinstance(v, float) else f"{k}={v}" for k, v in figures.items())
            )
    return 0


def cmd_gallery(args: argparse.Namespace) -> int:
    """Serves a recordings folder to phones on its own: the share server of ``live run``."""
    import logging
    import os
    import signal
    import threading

    from live.share import ShareServer, list_recordings

    level = os.environ.get("LIVE_LOG", "INFO").upper()
    logging.basicConfig(level=getattr(logging, level, logging.INFO), format="live: %(message)s", stream=sys.stderr)
    config = config_from_args(args)
    folder = Path(config.paths.recordings)
    if not folder.is_dir():
        raise ValueError(f"recordings folder '{folder}' does not exist: give --recordings DIR (a folder of GIFs)")
    stop = threading.Event()
    previous = signal.signal(signal.SIGTERM, lambda signum, frame: stop.set())
    try:
        with ShareServer(config.share, folder) as server:
            print(f"live gallery: {len(list_recordings(folder))} recording(s) in '{folder}'", file=sys.stderr)
            print(f"live gallery: recording pages at {server.base_url}/r/<token>; no public listing", file=sys.stderr)
            if config.share.staff_pin:
                print(f"live gallery: staff page at {server.local_url}/staff", file=sys.stderr)
            serving = f"live gallery: serving on {config.share.host}:{server.port}; Ctrl-C stops"
            print(serving, file=sys.stderr, flush=True)
            while not stop.wait(0.5):
                if not server.running:
                    print("live gallery: error: the server stopped", file=sys.stderr)
                    return 1
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
    print("live gallery: stopped", file=sys.stderr)
    return 0


def cmd_config(args: argparse.Namespace) -> int:
    """Prints the effective configuration as commented TOML (the defaults file is made this way)."""
    from live.config import format_config

    overrides = dict(parse_override(item) for item in args.set)
    print(format_config(load_config(args.config, overrides)))
    return 0


def cmd_track(args: argparse.Namespace) -> int:
    """Tracks the index fingertip in a webcam or video file and prints it for every frame."""
    from live.input.accuracy import read_paths
    from live.input.track import format_row, summary, track

    if args.mirror is not None:
        args.set.append(f"camera.mirror={'on' if args.mirror else 'off'}")
    if args.max_frames is not None and args.max_frames < 1:
        raise ValueError(f"--max-frames must be at least 1, got {args.max_frames}")
    try:
        paths = read_paths(args.truth) if args.truth is not None else None
    except ValueError as exc:
        raise ValueError(f"--truth: {exc}") from exc
    config = config_from_args(args)
    rows = []
    for row in track(config, args.loop, args.max_frames, on_status=lambda line: print(line, file=sys.stderr)):
        rows.append(row)
        shown = {k: v for k, v in row.items() if k != "found"}
        print(json.dumps(shown) if args.json else format_row(row), flush=True)
    for line in summary(rows, paths):
        print(line, file=sys.stderr)
    return 0


# -- parser ----------------------------------------------------------------------------------
def _int_list(text: str) -> list[int]:
    try:
        return [int(x) for x in text.split(",") if x]
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a comma-separated list of integers, e.g. 16,64") from None


def _groups(text: str) -> list[str]:
    from live.suite import GROUPS

    groups = [g for g in text.split(",") if g]
    unknown = [g for g in groups if g not in GROUPS]
    if unknown or not groups:
        raise argparse.ArgumentTypeError(f"'{text}' names no known group: use some of {', '.join(GROUPS)}")
    return groups


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="live", description="A swarm of one-eyed creatures fills in what you draw.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands: list[tuple[str, Callable[[argparse.Namespace], int]]] = []

    def add(name: str, fn: Callable[[argparse.Namespace], int]) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=fn.__doc__, description=fn.__doc__)
        p.set_defaults(handler=fn)
        commands.append((name, fn))
        return p

    p = add("run", cmd_run)
    _add_config_flags(p, "sprites", "seed", "size", "backend", "device", "recordings", "input", "camera")
    p.add_argument("--kiosk", action="store_true", help="one fullscreen window; quit with the chord (app.quit_*)")
    p.add_argument("--headless", action="store_true", help="no window: replay --script, then exit")
    p.add_argument("--script", metavar="FILE", help="timed strokes and keys to replay (docs/script-format.md)")
    p.add_argument("--max-frames", type=int, metavar="N", help="stop after N frames")
    p.add_argument("--log-file", metavar="PATH", help="also log to PATH, rotated at 10 MB, 5 kept (a service's log)")

    p = add("soak", cmd_soak)
    _add_config_flags(p, "sprites", "seed", "size", "backend", "device", "recordings")
    p.add_argument("--minutes", type=float, required=True, help="wall-clock minutes to run (the first is warm-up)")
    p.add_argument("--json", action="store_true", help="one JSON object per minute, then the summary object last")
    p.add_argument("--no-hand", action="store_true", help="mouse scripts only, even where the hand footage exists")
    p.add_argument("--log-file", metavar="PATH", help="also log to PATH (rotated)")

    p = add("demo", cmd_demo)
    _add_config_flags(p, "sprites", "seed", "size", "steps", "backend", "device", "recordings")
    p.add_argument("--gif", metavar="PATH", help="where to write the GIF (default: <recordings>/demo-<timestamp>.gif)")

    p = add("fit", cmd_fit)
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument("--text", metavar="T", help="a short text to form")
    what.add_argument("--target", metavar="IMAGE", help="an image file whose bright pixels form the mask")
    _add_config_flags(p, "sprites", "seed", "size", "steps", "lr", "backend", "device", "font", "threshold")
    p.add_argument("--invert", action="store_true", help="image target: take dark pixels (drawing on paper)")
    p.add_argument("--gif", metavar="PATH", help="also write the run as a GIF")
    p.add_argument("--png", metavar="PATH", help="also write the final colour view alone, at display resolution")
    p.add_argument("--json", action="store_true", help="print one JSON object instead of lines")

    p = add("render", cmd_render)
    _add_config_flags(p, "sprites", "seed", "size", "backend", "device")
    p.add_argument("--out", metavar="PATH.npz", required=True, help="arrays 'silhouette' (H, W) and 'color' (H, W, 3)")
    p.add_argument("--png", metavar="PATH", help="also write colour | silhouette side by side")

    p = add("bench", cmd_bench)
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
    p.add_argument("--frames", type=int, default=10000, help="--loop: frames timed after warm-up (default 10000)")
    p.add_argument(
        "--warmup", type=int, default=500, help="--loop: frames before timing and the first RSS (default 500)"
    )
    p.add_argument("--threads", type=int, help="--loop: torch CPU threads (default: app.threads; 0: torch's default)")
    p.add_argument(
        "--pool", action="store_true", help="time the largest swarm (swarm.pool, smallest size) with the crisp view"
    )
    p.add_argument(
        "--full", action="store_true", help="also time pytorch3d on CPU above 256 creatures or 256 px (slow)"
    )
    p.add_argument(
        "--input", choices=list(InputKind), default=InputKind.MOUSE, help="--loop: 'hand' tracks --camera alongside"
    )
    p.add_argument("--camera", metavar="SOURCE", help="--loop --input hand: webcam index or video file (looped)")

    p = add("track", cmd_track)
    _add_config_flags(p)
    p.add_argument("--camera", metavar="SOURCE", help="webcam index (0, 1, ...) or video file (sets camera.source)")
    p.add_argument(
        "--json", action="store_true", help="one JSON object per frame: frame, time, tip, drawing, gesture, ..."
    )
    p.add_argument("--max-frames", type=int, metavar="N", help="stop after N frames")
    p.add_argument("--model-complexity", type=int, choices=[0, 1], help="sets hand.model_complexity")
    p.add_argument(
        "--mirror", action=argparse.BooleanOptionalAction, help="flip left-right (default: webcams yes, files no)"
    )
    p.add_argument("--loop", action="store_true", help="play a video file again when it ends (with --max-frames)")
    p.add_argument(
        "--truth",
        metavar="PATH.json",
        help="true fingertip [[x, y], ...] per frame (or [[x, y], [x, y]] for two hands): print the error at the end",
    )

    p = add("eval", cmd_eval)
    _add_config_flags(p, "size", "lr", "backend", "device")
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

    p = add("gallery", cmd_gallery)
    _add_config_flags(p, "recordings")

    p = add("config", cmd_config)
    p.add_argument("--config", metavar="FILE", help="TOML configuration (default: configs/default.toml)")
    p.add_argument("--set", metavar="KEY=VALUE", action="append", default=[], help="override a key")
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
