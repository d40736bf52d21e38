"""The live installation (``live run``): the frame loop and its parts.

- :mod:`~live.app.visit`: what visitors do (canvas, attract mode, instruction) and the target it
  asks for;
- :mod:`~live.app.swarm`: the live swarm, the one writer into the arranger (pool sizing, eyes,
  the view thread, recovery);
- :mod:`~live.app.keepsake`: when recordings start and end;
- :mod:`~live.app.presenter`: what the screen shows (result view, HUD, status line, share code);
- :mod:`~live.app.loop`: one frame, handing each part what the others did;
- :mod:`~live.app.run`: the resources of a run, opened in one ExitStack, and the frames.
"""

from live.app.loop import Installation
from live.app.run import FrameClock, RunOptions, RunResult, run_live
from live.app.state import Attract, Plateau

__all__ = [
    "Attract",
    "FrameClock",
    "Installation",
    "Plateau",
    "RunOptions",
    "RunResult",
    "run_live",
]
