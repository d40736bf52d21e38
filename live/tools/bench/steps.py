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
times them too. :func:`run_pool_bench` times the largest swarm a target can take.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, replace

import numpy as np
import torch

from live.config import Backend, LossConfig, RenderConfig
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

