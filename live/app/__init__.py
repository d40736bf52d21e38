"""The live installation (``live run``): the frame loop and its small state machines."""

from live.app.loop import Installation, result_shape
from live.app.run import FrameClock, RunOptions, RunResult, run_live
from live.app.state import Attract, Plateau, QuitChord

__all__ = [
    "Attract",
    "FrameClock",
    "Installation",
    "Plateau",
    "QuitChord",
    "RunOptions",
    "RunResult",
    "result_shape",
    "run_live",
]
