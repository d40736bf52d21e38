"""``live bench``: median milliseconds per optimiser step and per colour render.

Every row times one backend on one device at one swarm size and render size, on the seed's
letter-A target. The baseline is the seed's own loop: creature meshes joined anew from a Python
list at every step, all three discs in the silhouette with 3 faces per pixel (N=16 only: it is
slow). Each row's speed-up is the baseline's time per step at the same render size and device
divided by the row's.

Steps use the configured loss (:class:`LossConfig` defaults: the seed's image loss plus
attraction and repulsion), as the installation runs them. The PyTorch3D backend on the CPU is
left out above ``P3D_CPU_MAX_SPRITES`` creatures or ``P3D_CPU_MAX_SIZE`` pixels (a single step
there takes seconds, and the default run should end in a few minutes); ``live bench --full``
times them too.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, replace

import numpy as np
import torch

from live.config import Backend, InputKind, LossConfig, RenderConfig
from live.display import DisplayKind
from live.optimise import Arranger
from live.render import BACKENDS, make_renderer, pytorch3d_available
from live.scene import sync
from live.sprites import Swarm, make_swarm
from live.target import text_mask

SPRITES = (16, 20, 64, 256, 500, 2000)
SIZES = (128, 256, 512)
#: Largest PyTorch3D rows timed on the CPU unless ``full``: beyond them a step takes seconds.
P3D_CPU_MAX_SPRITES = 256
P3D_CPU_MAX_SIZE = 256
BASELINE = "seed-loop"
BASELINE_SPRITES = 16


@dataclass
class BenchRow:
    backend: str
    device: str
    sprites: int
    size: int
    ms_per_step: float
    ms_per_color: float
    steps_timed: int
    speedup: float | None = None


def median_ms(fn: Callable[[], object], device: torch.device, budget_s: float, min_runs: int = 2, max_runs: int = 30):
    """Runs ``fn`` once to warm up, then until ``budget_s`` is spent (between ``min_runs`` and
    ``max_runs`` runs); returns (median milliseconds, runs timed)."""
    fn()
    sync(device)
    times: list[float] = []
    spent = 0.0
    while len(times) < min_runs or (spent < budget_s and len(times) < max_runs):
        start = time.perf_counter()
        fn()
        sync(device)
        times.append(time.perf_counter() - start)
        spent += times[-1]
    return float(np.median(times) * 1e3), len(times)


def _seed_loop(swarm: Swarm, settings: RenderConfig):
    """The notebook's loop: returns (step, colour) closures that rebuild the scene every call."""
    from pytorch3d.renderer import TexturesVertex
    from pytorch3d.structures import Meshes, join_meshes_as_scene

    from live.render.mesh import MeshRenderer, fan_mesh_arrays

    renderer = MeshRenderer(swarm, replace(settings, silhouette="seed"))
    meshes = []
    for i in range(len(swarm)):
        verts, faces, rgb, *_ = fan_mesh_arrays(
            Swarm(swarm.radii[i : i + 1], swarm.start[i : i + 1]), settings.segments
        )
        meshes.append(Meshes([verts], [faces], textures=TexturesVertex([rgb])))
    offsets = torch.zeros_like(swarm.start, requires_grad=True)
    optimizer = torch.optim.Adam([offsets], lr=0.05)
    target = torch.from_numpy(text_mask("A", settings.size)).to(swarm.device)

    def scene():
        moved = []
        for offset, mesh in zip(offsets, meshes, strict=True):
            n = mesh.verts_packed().shape[0]
            moved.append(mesh.offset_verts(torch.nn.functional.pad(offset.expand(n, 2), (0, 1))))
        return join_meshes_as_scene(moved)

    def step():
        optimizer.zero_grad()
        loss = torch.sum((renderer.silhouette_of(scene()) - target) ** 2)
        loss.backward()
        optimizer.step()

    def color():
        with torch.no_grad():
            renderer.color_of(scene())

    return step, color


def _time_row(backend: str, device: torch.device, sprites: int, size: int, budget_s: float) -> BenchRow:
    swarm = make_swarm(sprites, 0, device)
    settings = RenderConfig(size=size)
    if backend == BASELINE:
        step, color = _seed_loop(swarm, settings)
    else:
        arranger = Arranger(make_renderer(swarm, settings, backend), loss=LossConfig())
        arranger.set_target(text_mask("A", size))
        step, color = arranger.step, arranger.color
    ms_step, runs = median_ms(step, device, budget_s)
    ms_color, _ = median_ms(color, device, budget_s / 2)
    return BenchRow(backend, str(device), sprites, size, ms_step, ms_color, runs)


def run_bench(
    sprites: Iterable[int] = SPRITES,
    sizes: Iterable[int] = SIZES,
    backends: Iterable[str] | None = None,
    devices: Iterable[str] | None = None,
    budget_s: float = 2.0,
    baseline: bool = True,
    on_row: Callable[[BenchRow], None] | None = None,
    full: bool = False,
) -> list[BenchRow]:
    """Times every available backend x device x sprites x size, plus the seed-loop baseline.

    Args:
        budget_s: seconds of timed steps per row, after one warm-up step (at least 2 are timed).
        on_row: called with each row as soon as it is timed.
        full: also time PyTorch3D on the CPU beyond ``P3D_CPU_MAX_SPRITES``/``P3D_CPU_MAX_SIZE``.
    """
    if backends is None:
        backends = [b for b in BACKENDS if b != Backend.PYTORCH3D or pytorch3d_available()]
    if devices is None:
        devices = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])
    sizes, sprites = list(sizes), list(sprites)
    plan = []
    for dev in devices:
        if baseline and pytorch3d_available():
            plan += [(BASELINE, dev, BASELINE_SPRITES, s) for s in sizes]
        plan += [
            (b, dev, n, s)
            for b in backends
            for n in sprites
            for s in sizes
            if full or b != Backend.PYTORCH3D or dev != "cpu" or (n <= P3D_CPU_MAX_SPRITES and s <= P3D_CPU_MAX_SIZE)
        ]
    rows: list[BenchRow] = []
    base: dict[tuple[str, int], float] = {}
    for backend, dev, n, size in plan:
        row = _time_row(backend, torch.device(dev), n, size, budget_s)
        if backend == BASELINE:
            base[(dev, size)] = row.ms_per_step
        if (dev, size) in base:
            row.speedup = base[(dev, size)] / row.ms_per_step
        rows.append(row)
        if on_row is not None:
            on_row(row)
    return rows


def run_pool_bench(budget_s: float = 2.0, threads: int | None = None) -> dict:
    """The largest swarm a target can take: ``swarm.pool`` creatures of the smallest allowed size
    (:func:`live.sprites.radius_limits`) on 'DRAW!', loss at ``render.size`` (256), the view at
    display resolution (``app.window``, 512) as the live loop draws it
    (:class:`~live.display.creatures.ScreenView`), analytic backend on the CPU.

    Returns:
        ``sprites``, ``radius``, ``size``, ``view``, ``ms_per_step``, ``ms_per_view`` (medians) and
        ``fps`` = 1000 / (ms_per_step + ms_per_view): one step and one view per frame.
    """
    from live.config import load_config
    from live.display.creatures import ScreenView
    from live.sprites import radius_limits

    config = load_config(None, {"render.backend": "analytic", "render.device": "cpu"})
    previous = torch.get_num_threads()
    if threads:
        torch.set_num_threads(threads)
    try:
        device = torch.device("cpu")
        low, _ = radius_limits(config.swarm, config.app.window)
        swarm = make_swarm(config.swarm.pool, 0, device, radius=low)
        arranger = Arranger(make_renderer(swarm, config.render, "analytic"), config.optim.lr, config.loss)
        arranger.set_target(text_mask("DRAW!", config.render.size))
        for _ in range(30):  # let the creatures reach the word first: a formed swarm, not a spread one
            arranger.step()
        view = ScreenView(config.app.window, config.render.ambient)
        ms_step, _ = median_ms(arranger.step, device, budget_s)
        ms_view, _ = median_ms(lambda: view(*arranger.view_inputs()), device, budget_s / 2)
    finally:
        torch.set_num_threads(previous)
    return {
        "sprites": len(swarm),
        "radius": low,
        "size": config.render.size,
        "view": config.app.window,
        "ms_per_step": ms_step,
        "ms_per_view": ms_view,
        "fps": 1000.0 / (ms_step + ms_view),
    }


HEADER = f"{'backend':<10} {'device':<6} {'sprites':>7} {'size':>5} {'ms/step':>10} {'ms/color':>9} {'speed-up':>9}"


def format_row(row: BenchRow) -> str:
    speedup = f"{row.speedup:8.1f}x" if row.speedup is not None else f"{'-':>9}"
    return (
        f"{row.backend:<10} {row.device:<6} {row.sprites:>7} {row.size:>5} "
        f"{row.ms_per_step:>10.2f} {row.ms_per_color:>9.2f} {speedup}"
    )


def rows_as_dicts(rows: Iterable[BenchRow]) -> list[dict]:
    return [asdict(r) for r in rows]


# -- the frame loop ----------------------------------------------------------------------------
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
    probe = _LoopProbe(warmup, warmup + frames)
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
    figures.update(_loop_scene(config), input=input.value, mirror=mirror, settings=dict(overrides or {}))
    figures.update(_input_figures(input, mirror, camera, result.input_stats, wall))
    return figures


def _loop_settings(folder: str, threads: int | None, input: InputKind, camera: str | None, mirror: bool) -> dict:
    """The loop benchmark's configuration changes."""
    extra = {} if threads is None else {"app.threads": threads}
    if input is InputKind.HAND or mirror:
        extra["camera.source"] = str(camera)
    if input is InputKind.HAND:
        extra["app.input"] = input.value
    if mirror:
        extra["mirror.enabled"] = True
    return {**LOOP_SETTINGS, **extra, "paths.recordings": folder}


def _input_figures(input: InputKind, mirror: bool, camera: str | None, stats: dict, wall: float) -> dict:
    """The hand's and the mirror's figures of a loop benchmark."""
    figures = {}
    if input is InputKind.HAND or mirror:
        figures["camera"] = str(camera)
    if input is InputKind.HAND:
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
    if input == InputKind.HAND and camera is None:
        raise ValueError("--input hand needs --camera SOURCE (a webcam index or a video file)")
    if mirror and camera is None:
        raise ValueError("--mirror needs --camera SOURCE (a webcam index or a video file)")
    return InputKind(input)


def _loop_scene(config) -> dict:
    """The loop benchmark's scene, as its figures name it."""
    return {
        "size": LOOP_SETTINGS["render.size"],
        "backend": LOOP_SETTINGS["render.backend"],
        "device": LOOP_SETTINGS["render.device"],
        "threads": config.app.threads or torch.get_num_threads(),
    }


class _LoopProbe:
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
            if figures.get("input") == InputKind.HAND
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


# -- the kiosk's whole frame at a screen size ---------------------------------------------------
#: The kiosk benchmark's doodle is drawn with a fine pen (``target.brush``, pixels of a 224-pixel
#: canvas): about 190 creatures take part (issue 15's "fine-pen doodle of about 200 creatures").
DOODLE_BRUSH = 4
#: Frames of each kiosk scene before the timed ones (the doodle is drawn and sent within them).
KIOSK_WARMUP = 150


def doodle_strokes() -> list[list[list[float]]]:
    """A visitor's smiley in pixels of a 224-pixel canvas: the face, two eyes, a mouth, a nose and
    a zigzag of hair (``examples/smiley.json`` is these strokes)."""
    import math

    def arc(cx: float, cy: float, r: float, n: int, a0: float = 0.0, a1: float = math.tau) -> list[list[float]]:
        return [
            [round(cx + r * math.cos(a0 + (a1 - a0) * i / n), 1), round(cy + r * math.sin(a0 + (a1 - a0) * i / n), 1)]
            for i in range(n + 1)
        ]

    return [
        arc(112, 112, 80, 32),
        arc(82, 88, 9, 12),
        arc(142, 88, 9, 12),
        arc(112, 118, 45, 14, 0.15 * math.pi, 0.85 * math.pi),
        [[100, 100], [108, 124], [118, 122]],
        [[60 + 12 * i, 40 - (i % 2) * 14] for i in range(10)],
    ]


def doodle_script(end: float = 3600.0) -> dict:
    """A script that draws :func:`doodle_strokes` from 0.3 s on, a stroke every 0.35 s, and sends it."""
    events = [{"t": round(0.3 + 0.35 * i, 2), "stroke": s, "duration": 0.25} for i, s in enumerate(doodle_strokes())]
    events.append({"t": round(0.3 + 0.35 * len(events) + 0.3, 2), "key": "s"})
    return {"fps": 30, "canvas": 224, "events": events, "end": end}


def parse_screen(text: str) -> tuple[int, int]:
    """``WIDTHxHEIGHT`` as two integers.

    Raises:
        ValueError: anything else, or a screen too small for the kiosk (under 64x48).
    """
    width, _, height = text.lower().partition("x")
    try:
        size = int(width), int(height)
    except ValueError:
        raise ValueError(f"--kiosk takes WIDTHxHEIGHT in pixels, e.g. 1920x1080, not '{text}'") from None
    if size[0] < 64 or size[1] < 48 or max(size) > 16384:
        raise ValueError(f"--kiosk {text}: a kiosk screen is 64x48 to 16384x16384 pixels, e.g. 1920x1080")
    return size


def run_kiosk_bench(
    width: int,
    height: int,
    frames: int = 300,
    threads: int | None = None,
    warmup: int = KIOSK_WARMUP,
    window: bool = False,
) -> dict:
    """The kiosk's whole frame at a screen of ``width`` x ``height``: the live loop with the default
    settings (``app.threads`` torch threads) and the kiosk screen, headless (composed offscreen,
    :class:`~live.display.windows.OffscreenKiosk`: the presenter, the canvas and the swarm drawn at
    the panels' side, the band; everything a kiosk does but handing the picture to the window
    system) or, with ``window``, in the real fullscreen kiosk window on ``$DISPLAY`` (frames
    presented, ``app.max_fps`` as a kiosk has it). Two scenes: attract mode (the creatures form
    'DRAW!') and a fine-pen doodle (:func:`doodle_script`, ``target.brush`` =
    :data:`DOODLE_BRUSH`: about 190 creatures), each timed over ``frames`` frames after
    ``warmup`` (the doodle is sent at 2.7 s: frame 81 headless; in a window at least 300 frames
    are left for it).

    Returns:
        ``screen``, ``side`` (the panels' side in pixels), the loop's scene (``size``, ``backend``,
        ``device``, ``threads``), ``window``, and per scene (``attract``, ``doodle``): ``sprites``
        (median), ``ms`` and ``fps`` (median frame), ``mean_fps``, ``show_ms`` (median time the
        display took: composing the screen, and in a window showing it).

    Raises:
        ValueError: fewer than 1 frame, a warm-up too short for the doodle to be sent, or (in a
            window) no X screen, or one of another size.
    """
    if frames < 1 or warmup < 90:
        raise ValueError(f"--frames must be at least 1 and the warm-up 90, got {frames}, {warmup}")
    from live.config import load_config

    extra = {} if threads is None else {"app.threads": threads}
    attract = {"fps": 30, "canvas": 224, "events": [], "end": 3600.0}
    figures = {"screen": f"{width}x{height}", "window": window, **_loop_scene(load_config(None, extra))}
    counts = (max(warmup, 300) if window else warmup, frames)
    for scene, script, brush in (("attract", attract, {}), ("doodle", doodle_script(), {"target.brush": DOODLE_BRUSH})):
        figures[scene] = _kiosk_scene((width, height), counts, {**extra, **brush}, script, window)
        figures["side"] = figures[scene].pop("side")
    return figures


def _kiosk_mode(screen: tuple[int, int], window: bool, showing: list[float], screens: list):
    """The display mode of :func:`run_kiosk_bench`: a kiosk screen offscreen, or the real kiosk
    window, each timing its :meth:`show` into ``showing`` and listed in ``screens``."""
    from live.display import DisplayMode
    from live.display.windows import KioskDisplay, OffscreenKiosk, _check_screen

    kind = KioskDisplay if window else OffscreenKiosk

    class Timed(kind):
        def show(self, canvas, swarm, hud, wait_ms=1):
            began = time.perf_counter()
            super().show(canvas, swarm, hud, wait_ms)
            showing.append(time.perf_counter() - began)

    def open_kiosk(canvas_side, on_mouse, on_key, ui):
        if window:
            try:
                _check_screen()  # before Qt is touched, which would abort without an X server
            except RuntimeError as exc:
                raise ValueError(f"--window: {exc}") from None
            screens.append(Timed(canvas_side, on_mouse, on_key, ui))
        else:
            screens.append(Timed(*screen, ui))
        return screens[-1]

    if window:
        return DisplayMode(DisplayKind.KIOSK, open_kiosk, windowed=True, unattended=True)
    return DisplayMode(DisplayKind.OFFSCREEN, open_kiosk, unattended=True)


def _kiosk_scene(screen: tuple[int, int], frames: tuple[int, int], extra: dict, script: dict, window: bool) -> dict:
    """One scene of :func:`run_kiosk_bench`: its figures."""
    import json
    import tempfile

    from live.app import RunOptions, run_live
    from live.config import load_config

    composing: list[float] = []
    screens: list = []
    mode = _kiosk_mode(screen, window, composing, screens)
    warmup = frames[0]
    probe = _LoopProbe(warmup, warmup + frames[1])
    with tempfile.TemporaryDirectory(prefix="live-bench-") as folder:
        config = load_config(None, {**LOOP_SETTINGS, **extra, "paths.recordings": folder})
        path = f"{folder}/script.json"
        with open(path, "w") as f:
            json.dump(script, f)
        run_live(config, mode, path, probe.total, RunOptions(on_frame=probe))
    figures = probe.figures()
    shown = screens[-1].screen.layout.size
    if window and shown != screen:
        raise ValueError(f"the X screen is {shown[0]}x{shown[1]}, not {screen[0]}x{screen[1]}: start it at that size")
    return {
        "side": screens[-1].side,
        "sprites": figures["sprites"],
        "ms": round(1e3 / figures["fps"], 2),
        "fps": round(figures["fps"], 1),
        "mean_fps": round(figures["fps_mean"], 1),
        "show_ms": round(float(np.median(composing[warmup:])) * 1e3, 2),
    }


def format_kiosk(figures: dict) -> str:
    where = "a real fullscreen window" if figures["window"] else "headless"
    lines = [f"kiosk {figures['screen']}, panels {figures['side']} px ({figures['backend']}, {figures['device']}, "
             f"{figures['threads']} torch thread(s), loss at {figures['size']} px), {where}:"]  # fmt: skip
    doing = "composing and showing" if figures["window"] else "composing"
    for scene in ("attract", "doodle"):
        s = figures[scene]
        lines.append(
            f"  {scene:<8} N={s['sprites']:>3}: frame {s['ms']:6.2f} ms median ({s['fps']:5.1f} fps; mean "
            f"{s['mean_fps']:5.1f}), of which {doing} the screen {s['show_ms']:5.2f} ms"
        )
    return "\n".join(lines)
