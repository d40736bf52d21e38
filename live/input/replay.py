"""Replayed visits: a recorded drawing draws itself (``app.input = "replay"``).

A visit is a script (docs/script-format.md: timed strokes and keys), replayed on its own clock from
the first poll and, with ``replay.loop``, again each time it ends. Its pens are the replay's
(:attr:`~live.input.events.Pen.source` is ``"replay"``, so the screen says that a drawing draws
itself), its keys do what they do in a window, except quitting: a replay never ends the
installation. It runs beside the window's mouse and keyboard, so a visitor can take over.
"""

from __future__ import annotations

import dataclasses

from live.config import Config, InputKind, ReplayConfig
from live.input.base import Input, InputSpec
from live.input.events import Command, Event, Pen
from live.input.keys import keymap
from live.input.script import Script, load_script


class ReplayInput(Input):
    """Replays one script, over and over when ``settings.loop``.

    Args:
        script: the parsed visit (points in canvas pixels).
        settings: the ``[replay]`` settings.
    """

    def __init__(self, script: Script, settings: ReplayConfig):
        self.loop = settings.loop
        self.timeline = [(t, _as_replay(e)) for t, e in script.timeline if e is not Command.QUIT]
        self.end = script.end
        self._start: float | None = None
        self._next = 0
        self.rounds = 0

    def poll(self, now: float) -> list[Event]:
        if self._start is None:
            self._start = now
        if self.loop and self._next >= len(self.timeline) and now - self._start >= self.end:
            self._start, self._next = now, 0  # the visit again, from its beginning
            self.rounds += 1
        elapsed, start = now - self._start, self._next
        while self._next < len(self.timeline) and self.timeline[self._next][0] <= elapsed + 1e-9:
            self._next += 1
        return [event for _, event in self.timeline[start : self._next]]

    def finished(self, now: float) -> bool:
        """True once a replay that does not loop has played every event and its end has passed."""
        if self.loop or self._start is None:
            return False
        return self._next >= len(self.timeline) and now - self._start >= self.end - 1e-9

    def stats(self) -> dict:
        return {"replays": self.rounds + (1 if self._start is not None else 0)}


def _as_replay(event: Event) -> Event:
    return dataclasses.replace(event, source=InputKind.REPLAY) if isinstance(event, Pen) else event


def _open_replay(config: Config, corner: bool) -> Input:
    """The visit ``replay.script`` names, its keys those of a window.

    Raises:
        ValueError: a script that cannot be read or is not valid.
    """
    script = load_script(config.replay.script, config.app.window, keymap(config.app.quit_key, kiosk=False))
    return ReplayInput(script, config.replay)


SPEC = InputSpec(
    open=_open_replay, ends=lambda config: not config.replay.loop, detail=lambda config: f"visit {config.replay.script}"
)
