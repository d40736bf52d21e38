"""What a finer pen costs the frame loop: the swarm's work per frame on the doodles, per brush.

A finer pen gives thinner strokes, so smaller and more creatures (``live.sprites.plan_swarm``),
and each frame's Adam step and crisp view cost more. On a shared, busy machine whole runs of
``live bench --loop`` differ by 2x from one minute to the next, so this measures in one process,
round robin: each round takes one step and one crisp view (at ``app.window``) of every doodle's
swarm at every brush, so every brush sees the same load. Torch runs on ``app.threads`` threads,
as in the loop.

    python docs/pen_cost.py [--rounds R] [BRUSH ...]      (default: 20 12 8 6 5 4, 40 rounds)

Prints, per brush: creatures (mean and largest over the doodles) and the median milliseconds per
step, per view and per frame (step + view; the loop overlaps the two on two cores), with the ratio
of frame time against the first brush.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from live.config import load_config, override  # noqa: E402
from live.scene import build  # noqa: E402
from live.tools.doodles import doodles, pen_mask  # noqa: E402

WARM_STEPS = 60


def scenes(brush: int):
    """Every doodle's scene at ``brush``, after the 60 steps of ``live eval``'s first score."""
    config = load_config(None, {"target.brush": brush})
    out = []
    for i, doodle in enumerate(doodles()):
        mask = pen_mask(doodle.strokes, config.render.size, brush, config.app.window)
        scene = build(override(config, {"swarm.seed": i}), mask)
        scene.arranger.set_target(mask)
        for _ in range(WARM_STEPS):
            scene.arranger.step()
        out.append(scene)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("brushes", nargs="*", type=int, default=[20, 12, 8, 6, 5, 4])
    parser.add_argument("--rounds", type=int, default=40)
    args = parser.parse_args()
    torch.set_num_threads(load_config().app.threads or torch.get_num_threads())
    built = {b: scenes(b) for b in args.brushes}
    times = {b: {"step": [], "view": []} for b in args.brushes}
    for _ in range(args.rounds):
        for brush in args.brushes:
            for scene in built[brush]:
                start = time.perf_counter()
                scene.arranger.step()
                middle = time.perf_counter()
                scene.arranger.view(scene.crisp)
                times[brush]["step"].append(middle - start)
                times[brush]["view"].append(time.perf_counter() - middle)
    first = None
    print("brush  creatures mean (max)  ms/step  ms/view  ms/frame  frame time vs first")
    for brush in args.brushes:
        counts = [len(s.renderer.swarm) for s in built[brush]]
        step, view = (float(np.median(times[brush][k])) * 1e3 for k in ("step", "view"))
        frame = float(np.median(np.add(times[brush]["step"], times[brush]["view"]))) * 1e3
        first = first or frame
        print(
            f"{brush:>5}  {np.mean(counts):>10.0f} ({max(counts):>3})  {step:>7.2f}  {view:>7.2f}  {frame:>8.2f}"
            f"  {frame / first:>6.2f}x"
        )


if __name__ == "__main__":
    main()
