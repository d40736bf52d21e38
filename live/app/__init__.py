"""The live installation (``live run``): the frame loop and its small state machines."""

from live.app.keys import Action, QuitChord, keymap
from live.app.loop import Installation
from live.app.run import FrameClock, RunResult, run_live
from live.app.state import Attract, Plateau

__all__ = ["Action", "Attract", "FrameClock", "Installation", "Plateau", "QuitChord", "RunResult", "keymap", "run_live"]
