"""The live installation (``live run``): the frame loop and its small state machines."""

from live.app.keys import Action, QuitChord, keymap
from live.app.loop import FrameClock, Installation, RunResult, run_live
from live.app.state import Attract, Plateau

__all__ = ["Action", "Attract", "FrameClock", "Installation", "Plateau", "QuitChord", "RunResult", "keymap", "run_live"]
