"""``live bench --loop``: the headless frame loop of ``live run``, timed frame by frame.

A script draws and submits a new shape every :data:`LOOP_CYCLE_FRAMES` frames, so optimiser,
recorder and exporter all keep working; the hand input (a camera kind of input) and the mirror
can run alongside on a video file. RSS is read after the warm-up and after the last frame.
"""

from __future__ import annotations

import itertools
import time

import numpy as np
import torch

from live.config import Backend, InputKind
from live.display import DisplayKind
from live.input.kinds import INPUTS

#: The loop benchmark's scene: 256 px loss, analytic, CPU; the swarm is the live run's own (each
#: drawing sizes it from the pool, :mod:`live.app.swarm`), and the figures report its median count.
LOOP_SETTINGS = {
    "render.size": 256,
    "render.backend": Backend.ANALYTIC.value,
    "render.device": "cpu",
}
#: Frames between two submitted drawings in the loop benchmark (each starts a recording).
LOOP_CYCLE_FRAMES = 400


def rss_mb() -> float:
    """Resident memory of this process in MiB (Linux /proc; 0 elsewhere)."""
    import os

    try:
        with open("/proc/self/statm") as f:
            pages = int(f.read().split()[1])
    except (OSError, IndexError, ValueError):
        return 0.0
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def loop_script(frames: int, fps: float = 30.0, cycle: int = LOOP_CYCLE_FRAMES) -> dict:
    """A script that draws and submits a new shape every ``cycle`` frames (circle, then square),
    so optimiser, recorder and exporter all keep working for ``frames`` frames."""
    import math

    events = []
    for n, start in enumerate(range(0, frames, cycle)):
        t = start / fps
        if n % 2 == 0:
            angles = [a / 12 * math.tau for a in range(13)]
            points = [[112 + 60 * math.cos(a), 112 + 60 * math.sin(a)] for a in angles]
        else:  # a sample every 12 px along the edges, as a mouse gives them: the corners stay sharp
            corners = [(50, 50), (174, 50), (174, 174), (50, 174), (50, 50)]
            points = [
                [a[0] + (b[0] - a[0]) * k / 10, a[1] + (b[1] - a[1]) * k / 10]
                for a, b in itertools.pairwise(corners)
                for k in range(10)
            ] + [list(corners[-1])]
        events.append({"t": t, "stroke": points, "duration": 0.3})
        events.append({"t": t + 0.5, "key": "s"})
    return {"fps": fps, "canvas": 224, "end": frames / fps, "events": events}


def run_loop_bench(
    frames: int = 10000,
    warmup: int = 500,
    threads: int | None = None,
    input: str = InputKind.MOUSE,
    camera: str | None = None,
    overrides: dict | None = None,
    mirror: bool = False,
) -> dict:
    """Runs the headless loop (composing the display frames and HUD, showing nothing) on a
    script that draws and submits a new shape every :data:`LOOP_CYCLE_FRAMES` frames.

    With ``input="hand"`` the hand input tracks ``camera`` (played in real time, looped) beside
    the script; with ``mirror`` the mirror watches it and nobody draws (attract mode lasts,
    ``fps_mirror`` is the rate over the frames that followed someone).

    RSS is read after the warm-up and after the last frame, with no export running (the loop
    waits for the exporter there, outside the timing), and every 100 frames for the peak.

    Returns:
        ``fps`` (1 / median frame time after warm-up), ``fps_mean``, ``ms_p90``, ``frames``
        (timed), ``warmup``, ``rss_start_mb``, ``rss_end_mb``, ``rss_growth_pct``,
        ``rss_peak_mb``, ``recordings`` written, the scene and the ``settings`` changed; with
        hand input also ``hand_frames`` (camera frames tracked), ``hand_found`` (with a hand),
        ``hand_ms`` (median MediaPipe ms per tracked frame), ``hand_fps`` (tracked per second);
        with the mirror ``fps_mirror``, ``following`` (timed frames that followed a person),
        ``mirror_frames``, ``person_frames`` and ``seg_ms``.

    Args:
        threads: torch CPU threads (default: ``app.threads`` of the default config; 0 is
            torch's own default).
        overrides: ``--set`` keys, e.g. ``{"target.brush": 5}`` (the loop's own settings win).

    Raises:
        ValueError: fewer than 1 frame, an unknown input, hand input without a camera, a bad
            camera source or override.
        ImportError: hand input without mediapipe.
    """
    import json
    import tempfile

    from live.app import RunOptions, run_live
    from live.config import load_config

    input = _loop_input(frames, warmup, input, camera, mirror)
    probe = LoopProbe(warmup, warmup + frames)
    with tempfile.TemporaryDirectory(prefix="live-bench-") as folder:
        config = load_config(None, {**(overrides or {}), **_loop_settings(folder, threads, input, camera, mirror)})
        script = f"{folder}/script.json"
        with open(script, "w") as f:  # with the mirror nobody draws: the mirror has the swarm
            json.dump(loop_script(0 if mirror else probe.total) | {"end": probe.total / 30.0}, f)
        began = time.perf_counter()
        result = run_live(config, DisplayKind.OFFSCREEN, script, probe.total, RunOptions(on_frame=probe))
        wall = time.perf_counter() - began
    figures = probe.figures()
    figures.update(recordings=len(result.exported), failed_frames=result.failed_frames)
    figures.update(loop_scene(config), input=input.value, mirror=mirror, settings=dict(overrides or {}))
    figures.update(_input_figures(input, mirror, camera, result.input_stats, wall))
    return figures


def _loop_settings(folder: str, threads: int | None, input: InputKind, camera: str | None, mirror: bool) -> dict:
    """The loop benchmark's configuration changes."""
    extra = {} if threads is None else {"app.threads": threads}
    if INPUTS[input].camera or mirror:
        extra["camera.source"] = str(camera)
    extra["app.input"] = input.value
    if mirror:
        extra["mirror.enabled"] = True
    return {**LOOP_SETTINGS, **extra, "paths.recordings": folder}


def _input_figures(input: InputKind, mirror: bool, camera: str | None, stats: dict, wall: float) -> dict:
    """The hand's and the mirror's figures of a loop benchmark."""
    figures = {}
    if INPUTS[input].camera or mirror:
        figures["camera"] = str(camera)
    if INPUTS[input].camera:
        figures.update(
            hand_frames=stats.get("hand_frames"),
            hand_found=stats.get("hand_found"),
            hand_ms=stats.get("hand_ms"),
            hand_fps=round(stats.get("hand_frames", 0) / wall, 1) if wall > 0 else None,
        )
    if mirror:
        figures.update({key: stats.get(key) for key in ("mirror_frames", "person_frames", "seg_ms")})
    return figures


def _loop_input(frames: int, warmup: int, input: str, camera: str | None, mirror: bool = False) -> InputKind:
    """Checks the loop benchmark's arguments; returns the input kind.

    Raises:
        ValueError: fewer than 1 frame, a negative warm-up, an unknown input, or hand input or
            the mirror without a camera.
    """
    if frames < 1 or warmup < 0:
        raise ValueError(f"--frames must be at least 1 and --warmup at least 0, got {frames}, {warmup}")
    if input not in tuple(InputKind):
        raise ValueError(f"--input {input!r} is not allowed: use {' or '.join(InputKind)}")
    if INPUTS[InputKind(input)].camera and camera is None:
        raise ValueError(f"--input {input} needs --camera SOURCE (a webcam index or a video file)")
    if mirror and camera is None:
        raise ValueError("--mirror needs --camera SOURCE (a webcam index or a video file)")
    return InputKind(input)


def loop_scene(config) -> dict:
    """The loop benchmark's scene, as its figures name it."""
    return {
        "size": LOOP_SETTINGS["render.size"],
        "backend": LOOP_SETTINGS["render.backend"],
        "device": LOOP_SETTINGS["render.device"],
        "threads": config.app.threads or torch.get_num_threads(),
    }


class LoopProbe:
    """Called after every frame of the loop benchmark: keeps the frame times and reads RSS.

    RSS is read after the warm-up and after the last frame, each time once the exporter is idle,
    and every 100 frames for the peak.
    """

    def __init__(self, warmup: int, total: int) -> None:
        self.warmup, self.total = warmup, total
        self.times = np.zeros(total)
        self.creatures = np.zeros(total, np.int64)  # creatures taking part in each frame
        self.following = np.zeros(total, bool)  # the mirror followed a person in each frame
        self.marks = {"launch": rss_mb(), "peak": 0.0}

    def __call__(self, install, seconds: float) -> None:
        if install.frames <= self.total:
            self.times[install.frames - 1] = seconds
            self.creatures[install.frames - 1] = install.swarm.arranger.present
            self.following[install.frames - 1] = install.mirror_following
        if install.frames in (self.warmup, self.total):
            install.recorder.wait()
            self.marks["start" if install.frames == self.warmup else "end"] = rss_mb()
        if install.frames % 100 == 0:
            self.marks["peak"] = max(self.marks["peak"], rss_mb())

    def figures(self) -> dict:
        """Frame rate and memory over the timed frames."""
        marks = self.marks
        rss_end = marks.get("end") or rss_mb()  # no "end" when the run was stopped early
        rss_start = marks.get("start", marks["launch"])
        timed = self.times[self.warmup :]
        creatures = self.creatures[self.warmup :]
        following = self.following[self.warmup :]
        mirrored = timed[following]
        return {
            "fps_mirror": float(1.0 / np.median(mirrored)) if len(mirrored) else None,
            "following": int(following.sum()),
            "sprites": int(np.median(creatures)),
            "sprites_max": int(creatures.max()),
            "fps": float(1.0 / np.median(timed)),
            "fps_mean": float(len(timed) / timed.sum()),
            "ms_p90": float(np.percentile(timed, 90) * 1e3),
            "frames": int(len(timed)),
            "warmup": self.warmup,
            "rss_start_mb": round(rss_start, 1),
            "rss_end_mb": round(rss_end, 1),
            "rss_growth_pct": round(100.0 * (rss_end - rss_start) / rss_start, 2) if rss_start else None,
            "rss_peak_mb": round(max(marks["peak"], rss_end), 1),
        }


def format_loop(figures: dict) -> str:
    return (
        f"frame loop ({figures['backend']}, {figures['device']}, {figures['size']} px, "
        f"N={figures['sprites']} median, {figures['sprites_max']} max): "
        f"median {figures['fps']:.1f} fps, mean {figures['fps_mean']:.1f} fps, p90 {figures['ms_p90']:.2f} ms/frame "
        f"over {figures['frames']} frames; RSS {figures['rss_start_mb']} -> {figures['rss_end_mb']} MiB "
        f"({figures['rss_growth_pct']}%); {figures['recordings']} recordings"
        + (
            f"; hand input: {figures['hand_frames']} frames tracked ({figures['hand_fps']} per s), "
            f"hand in {figures['hand_found']}, {figures['hand_ms']} ms per frame (median)"
            if "hand_frames" in figures
            else ""
        )
        + (
            f"; mirror: {figures['following']} frames followed a person, median {figures['fps_mirror'] or 0:.1f} fps, "
            f"{figures['mirror_frames']} masks ({figures['person_frames']} with a person), "
            f"{figures['seg_ms']} ms per mask (median)"
            if figures.get("mirror")
            else ""
        )
    )

