"""Screenshots of the pen (docs/pen.md): doodles drawn with the mouse in the kiosk, at two brushes,
and a quick circle at a low frame rate.

Runs ``live run --kiosk`` under Xvfb + openbox at 1600x900 (as make.py does, whose helpers it
uses), draws with xdotool one mouse move per sample of the doodle's strokes (the samples of
``live eval --groups doodles``, a frame or so apart), and grabs the screen after drawing and after
the swarm has had a few seconds to form the drawing. Then, with the loop held to 12 frames a
second (``app.max_fps``, as a 4K kiosk ran), a circle drawn as 64 quick mouse moves in about a
second: the loop sees one position a frame, a dozen or so, and the line between them is the
smooth curve.

    python docs/screens/pen.py [BRUSH ...]     (default: 20 and the configured target.brush)
"""

from __future__ import annotations

import math
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from make import ROOT, shot, to_screen, wait_window, xdo  # noqa: E402

from live.config import TargetConfig  # noqa: E402
from live.tools.doodles import CANVAS, doodles  # noqa: E402
from tests.xsession import x_session  # noqa: E402

#: The kiosk's screen in these shots.
SCREEN = (1600, 900)
#: Doodles drawn in the shots.
SHOWN = ("smiley", "house-door")
#: Seconds the swarm is given to form the drawing before the shot (the loop is slow under Xvfb).
FORM_SECONDS = 6.0
#: Pause after each mouse move of a doodle: about a frame, so that the loop sees every sample.
SAMPLE_PAUSE = 0.03


def stroke(env, wid: str, points, pause: float) -> None:
    """One stroke: the button down at the first point, a mouse move per sample, the button up."""
    xdo(env, "mousemove", "--window", wid, *points[0])
    xdo(env, "mousedown", 1)
    for x, y in points[1:]:
        xdo(env, "mousemove", "--window", wid, x, y)
        time.sleep(pause)
    time.sleep(pause)
    xdo(env, "mouseup", 1)


def start(env, brush: int, folder: Path, *settings: str):
    cmd = [sys.executable, "-m", "live", "run", "--kiosk", "--recordings", str(folder)]
    cmd += ["--set", f"target.brush={brush}", "--set", "app.idle_seconds=0"]
    for item in settings:
        cmd += ["--set", item]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wid = wait_window(env, "live")
    xdo(env, "windowactivate", "--sync", wid)
    time.sleep(3.0)
    return proc, wid


def run(env, brush: int, folder: Path) -> None:
    """The kiosk at ``brush``: each doodle drawn, shot, sent, shot after the swarm formed it."""
    proc, wid = start(env, brush, folder)
    try:
        sketches = {d.name: d for d in doodles()}
        for name in SHOWN:
            for points in sketches[name].strokes:
                scaled = [(x * 512 / CANVAS, y * 512 / CANVAS) for x, y in points]
                stroke(env, wid, to_screen(True, SCREEN, scaled), SAMPLE_PAUSE)
            time.sleep(0.5)
            shot(env, f"pen-{brush}-{name}-drawn")
            xdo(env, "key", "--window", wid, "s")
            time.sleep(FORM_SECONDS)
            shot(env, f"pen-{brush}-{name}-formed")
    finally:
        proc.terminate()
        proc.wait(60)


def slow_circle(env, brush: int, folder: Path) -> None:
    """At 12 frames a second, a circle drawn as 64 mouse moves in about a second."""
    proc, wid = start(env, brush, folder, "app.max_fps=12")
    try:
        circle = [(256 + 200 * math.cos(a), 256 + 200 * math.sin(a)) for a in [k * math.tau / 64 for k in range(65)]]
        stroke(env, wid, to_screen(True, SCREEN, circle), 0.005)
        time.sleep(1.0)
        shot(env, f"pen-{brush}-circle-at-12-fps")
    finally:
        proc.terminate()
        proc.wait(60)


def main(brushes: list[int]) -> None:
    with x_session(*SCREEN) as env:
        for brush in brushes:
            with tempfile.TemporaryDirectory() as tmp:
                run(env, brush, Path(tmp))
        with tempfile.TemporaryDirectory() as tmp:
            slow_circle(env, brushes[-1], Path(tmp))


if __name__ == "__main__":
    main([int(b) for b in sys.argv[1:]] or [20, TargetConfig().brush])
