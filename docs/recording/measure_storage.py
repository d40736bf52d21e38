"""How should a recording in progress go to disk? Measures the candidates on one real clip.

A pool swarm forms the heart of ``examples/heart.json`` for 360 frames (the loop's 6 s at
60 fps); one frame in ``record.stride`` (3) is kept, as the loop keeps them. For each way of
putting the kept frames on disk it prints the cost per kept frame on the frame loop's side
(median ms, and what it adds per second of loop at 60 fps), the bytes per second written, and
for ffmpeg the encoder process's own CPU time per frame.

    .venv/bin/python docs/recording/measure_storage.py [--size 720]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import tempfile
import time
import zlib
from pathlib import Path

import cv2
import numpy as np
import torch

from live.app.canvas import StrokeCanvas
from live.config import load_config
from live.record.clip import ClipFrame, ClipView
from live.render.eyes import Eyes
from live.scene import build_live

ROOT = Path(__file__).resolve().parents[2]
PNG_FAST = [cv2.IMWRITE_PNG_COMPRESSION, 1]


def states(frames: int, stride: int) -> tuple[list[ClipFrame], np.ndarray]:
    """The kept frames' swarm states while the pool forms the heart, and the heart's mask."""
    from live.app.swarm import PoolSizer

    config = load_config(None)
    scene = build_live(config)
    script = json.loads((ROOT / "examples/heart.json").read_text())
    scale = config.app.window / script["canvas"]
    (points,) = [e["stroke"] for e in script["events"] if "stroke" in e]
    canvas = StrokeCanvas(config.app.window, config.target.brush)
    canvas.begin(points[0][0] * scale, points[0][1] * scale)
    for x, y in points[1:]:
        canvas.extend(x * scale, y * scale)
    canvas.end()
    mask = canvas.mask(config.render.size)
    sizer = PoolSizer(config, scene.arranger)
    scene.arranger.set_target(mask)
    sizer.set_target(mask, 0.0)
    eyes = Eyes(len(scene.renderer.swarm), 0, scene.renderer.swarm.start.dtype, "cpu")
    kept = []
    for i in range(frames):
        now = i / 60.0
        sizer.update(now)
        pose = eyes.update(scene.arranger.centers(), scene.renderer.radii, now, None)
        inputs = scene.arranger.view_inputs(pose)
        if i % stride == 0:
            kept.append(ClipFrame.of(*inputs))
        scene.arranger.step()
    return kept, mask


def timed(fn, items):
    times, sizes = [], []
    for item in items:
        t0 = time.perf_counter()
        out = fn(item)
        times.append(time.perf_counter() - t0)
        sizes.append(len(out))
    return statistics.median(times) * 1e3, sum(sizes)


def ffmpeg_cpu(pictures: list[np.ndarray], fps: float, folder: str) -> tuple[float, int]:
    """Pictures piped into ffmpeg writing a fragmented MP4 with 1-s fragments: the child's CPU
    seconds per frame, and the bytes written."""
    import imageio_ffmpeg

    size = pictures[0].shape[0]
    out = os.path.join(folder, "frag.mp4")
    cmd = [imageio_ffmpeg.get_ffmpeg_exe(), "-y", "-loglevel", "error", "-f", "rawvideo", "-pix_fmt", "rgb24"]
    cmd += ["-s", f"{size}x{size}", "-r", str(fps), "-i", "-", "-c:v", "libx264", "-preset", "veryfast"]
    cmd += ["-crf", "23", "-pix_fmt", "yuv420p", "-g", str(int(fps)), "-tune", "zerolatency"]
    cmd += ["-movflags", "frag_keyframe+empty_moov", "-frag_duration", "1000000", out]
    child = subprocess.Popen(cmd, stdin=subprocess.PIPE)
    for picture in pictures:
        child.stdin.write(picture.tobytes())
    child.stdin.close()
    child.wait()
    return 0.0, os.path.getsize(out)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=720)
    parser.add_argument("--frames", type=int, default=360)
    args = parser.parse_args()
    torch.set_num_threads(1)  # as the live loop runs (app.threads)
    stride, fps = 3, 15.0
    kept, mask = states(args.frames, stride)
    view = ClipView(args.size)
    view.set_target(mask)
    t_draw, _ = timed(view.draw, kept)
    pictures = [view.draw(k) for k in kept]
    per_s = 60.0 / stride  # kept frames per second of a 60-fps loop
    rows = {
        "swarm state (ClipFrame.to_bytes)": timed(lambda k: k.to_bytes(), kept),
        "picture drawn at record size (ClipView.draw)": (t_draw, 0),
        "picture raw (tobytes)": timed(lambda p: p.tobytes(), pictures),
        "picture zlib level 1": timed(lambda p: zlib.compress(p.tobytes(), 1), pictures),
        "picture PNG (cv2, level 1)": timed(lambda p: cv2.imencode(".png", p, PNG_FAST)[1], pictures),
    }
    seconds = len(kept) / per_s
    report = {}
    for name, (ms, total) in rows.items():
        report[name] = {"ms_per_kept_frame": round(ms, 3), "loop_ms_per_s": round(ms * per_s, 1),
                        "bytes_per_s": round(total / seconds)}  # fmt: skip
    with tempfile.TemporaryDirectory() as folder:
        before = os.times()
        _, size = ffmpeg_cpu(pictures, fps, folder)
        after = os.times()
        cpu = (after.children_user + after.children_system) - (before.children_user + before.children_system)
        report["fragmented MP4 (ffmpeg, x264 veryfast zerolatency)"] = {
            "ffmpeg_cpu_ms_per_frame": round(cpu / len(pictures) * 1e3, 2),
            "loop_ms_per_s": round(cpu / len(pictures) * 1e3 * per_s + t_draw * per_s, 1),
            "bytes_per_s": round(size / seconds),
        }
    creatures = statistics.median(len(k.centers) for k in kept)
    print(json.dumps({"size": args.size, "kept_frames": len(kept), "creatures": creatures, **report}, indent=1))


if __name__ == "__main__":
    main()
