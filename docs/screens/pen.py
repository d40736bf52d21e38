"""Screenshots of the pen (docs/pen.md): a doodle drawn with the mouse in the kiosk, at two brushes,
and a circle given as 12 mouse moves.

Runs ``live run --kiosk`` under Xvfb + openbox at 1600x900 (as make.py does, whose helpers it
uses), draws with xdotool one mouse move per sample of the doodle's strokes (the samples of
``live eval --groups doodles``), and grabs the screen after drawing and after the swarm has had
a few seconds to form the drawing.

    python docs/screens/pen.py [BRUSH ...]     (default: 20 and the configured target.brush)
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from make import ROOT, SCREEN, shot, to_screen, wait_window, xdo  # noqa: E402

from live.config import TargetConfig  # noqa: E402
from live.tools.doodles import CANVAS, doodles  # noqa: E402

#: Doodles drawn in the shots.
SHOWN = ("smiley", "house-door")
#: Seconds the swarm is given to form the drawing before the shot (the loop is slow under Xvfb).
FORM_SECONDS = 6.0


def stroke(env, wid: str, points) -> None:
    """One stroke: the button down at the first point, a mouse move per sample, the button up."""
    xdo(env, "mousemove", "--window", wid, *points[0])
    xdo(env, "mousedown", 1)
    for x, y in points[1:]:
        xdo(env, "mousemove", "--window", wid, x, y)
    xdo(env, "mouseup", 1)


def run(env, brush: int, folder: Path) -> None:
    """The kiosk at ``brush``: each doodle drawn, shot, sent, shot after the swarm formed it; then
    a circle of 12 moves."""
    cmd = [sys.executable, "-m", "live", "run", "--kiosk", "--recordings", str(folder)]
    cmd += ["--set", f"target.brush={brush}", "--set", "app.idle_seconds=0"]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wid = wait_window(env, "live")
        xdo(env, "windowactivate", "--sync", wid)
        time.sleep(3.0)
        sketches = {d.name: d for d in doodles()}
        for name in SHOWN:
            for points in sketches[name].strokes:
                scaled = [(x * 512 / CANVAS, y * 512 / CANVAS) for x, y in points]
                stroke(env, wid, to_screen(True, scaled))
            time.sleep(0.5)
            shot(env, f"pen-{brush}-{name}-drawn")
            xdo(env, "key", "--window", wid, "s")
            time.sleep(FORM_SECONDS)
            shot(env, f"pen-{brush}-{name}-formed")
        circle = [(256 + 200 * math.cos(a), 256 + 200 * math.sin(a)) for a in [k * math.tau / 12 for k in range(13)]]
        stroke(env, wid, to_screen(True, circle))
        time.sleep(0.5)
        shot(env, f"pen-{brush}-circle-12-moves")
    finally:
        proc.terminate()
        proc.wait(60)


def main(brushes: list[int]) -> None:
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", "1", "-screen", "0", f"{SCREEN[0]}x{SCREEN[1]}x24", "-nolisten", "tcp"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    env = {**os.environ, "DISPLAY": ":" + server.stdout.readline().decode().strip()}
    wm = subprocess.Popen(["openbox"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1.0)
    try:
        for brush in brushes:
            with tempfile.TemporaryDirectory() as tmp:
                run(env, brush, Path(tmp))
    finally:
        wm.terminate()
        server.terminate()
        wm.wait(10)
        server.wait(10)


if __name__ == "__main__":
    main([int(b) for b in sys.argv[1:]] or [20, TargetConfig().brush])
