"""The clip's size against its frame rate and smoothness, on a typical 8-s recording.

``live run --headless`` replays the heart of ``examples/heart.json`` (drawn, sent at 1.2 s) with
the default settings, except that every loop step is kept (``record.stride = 1``) for 8 s of a
60-fps kiosk (480 steps; the swarm never counts as settled). From that one recording, clips of
the same 8 s are encoded at several frame rates (one step in 60 / fps), each at ``record.size``:
the GIF's and the MP4's bytes, the CPU seconds each took to make (drawing the frames included;
ffmpeg's own time counted for the MP4), and how far the fastest creature moves from one frame to
the next while the swarm forms the heart (the first 2 s), in pixels of the clip (mean and largest):
the bigger the jump, the less smooth the motion looks.

    .venv/bin/python docs/recording/measure_gif.py [--size 720] [--rates 30,20,15,10,7.5]
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
from pathlib import Path

import numpy as np
import torch

from live.app.run import RunOptions, run_live
from live.config import load_config
from live.record.clip import ClipFrame
from live.record.export import encode_gif, encode_mp4

ROOT = Path(__file__).resolve().parents[2]
STEPS_PER_S = 60


def record(size: int):
    """The 480 steps' clip frames, drawn when taken, and the swarm states they are drawn from."""
    kept = {}

    def writer(path, frames, fps):
        kept["frames"] = frames
        return path

    overrides = {"record.stride": 1, "record.fps": 60.0, "record.max_seconds": 8.0, "record.size": size,
                 "record.plateau_frames": 100000}  # fmt: skip
    heart = json.loads((ROOT / "examples/heart.json").read_text())
    heart["events"] = [e for e in heart["events"] if e.get("key") != "g"]  # no export at 7.5 s
    heart["end"] = 1.2 + 8.0 * STEPS_PER_S / heart["fps"] + 1.0  # 480 steps after the send
    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "heart.json"
        script.write_text(json.dumps(heart))
        config = load_config(None, {**overrides, "paths.recordings": folder})
        run_live(config, "none", script, options=RunOptions(writer=writer))
    frames = kept["frames"]
    states = [ClipFrame.from_bytes(data) for data, _ in frames._items]
    return frames, states


def jumps(states: list[ClipFrame], every: int, size: int) -> tuple[float, float]:
    """Mean and largest, over the first 2 s, of the largest move of any creature between two
    frames one ``every`` steps apart, in pixels of a ``size`` clip."""
    moves = []
    forming = states[: 2 * STEPS_PER_S + 1]
    for a, b in zip(forming[::every], forming[every::every], strict=False):
        n = min(len(a.centers), len(b.centers))
        moves.append(float(np.abs(b.centers[:n] - a.centers[:n]).max()) * size / 2.0)
    return float(np.mean(moves)), float(np.max(moves))


def cpu() -> float:
    """CPU seconds of this process and its finished children (ffmpeg) so far."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=720)
    parser.add_argument("--rates", default="30,20,15,10,7.5")
    args = parser.parse_args()
    torch.set_num_threads(1)  # as the live loop runs (app.threads): the export thread draws with one
    frames, states = record(args.size)
    rows = []
    for fps in (float(r) for r in args.rates.split(",")):
        every = round(STEPS_PER_S / fps)
        clip = frames[::every]
        began = cpu()
        gif = encode_gif(clip, fps)
        gif_s = cpu() - began
        began = cpu()
        mp4 = encode_mp4(clip, fps)
        mp4_s = cpu() - began
        mean, largest = jumps(states, every, args.size)
        rows.append({"fps": fps, "frames": len(clip), "gif_bytes": len(gif), "mp4_bytes": len(mp4),
                     "gif_cpu_s": round(gif_s, 2), "mp4_cpu_s": round(mp4_s, 2),
                     "jump_px_mean": round(mean, 1), "jump_px_max": round(largest, 1)})  # fmt: skip
        print(json.dumps(rows[-1]), flush=True)
    creatures = int(np.median([len(s.centers) for s in states]))
    print(json.dumps({"size": args.size, "steps": len(states), "creatures": creatures}))


if __name__ == "__main__":
    main()
