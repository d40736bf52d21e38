"""The keepsake: when a recording starts and ends, and what it keeps.

:class:`Keepsake` drives the :class:`~live.record.Recorder`: a sent drawing starts a recording
(``record.auto``), the swarm settling (:class:`~live.app.state.Plateau`), ``g``, attract mode or
a full buffer end it, ``r`` starts and stops one by hand (never of the attract text). It offers
each frame's view to the recorder, passes the recorder's news to the status line, and says when a
new clip was written.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import numpy as np

from live.app.state import Plateau
from live.app.visit import Turn
from live.config import RecordConfig
from live.input import Command
from live.record import Recorder, Source

log = logging.getLogger("live.app")

Say = Callable[[str, bool, float], None]


class Keepsake:
    """Recording control.

    Args:
        settings: the ``[record]`` settings.
        recorder: where the frames go.
        say: shows a line on the status line (text, ok, now).
    """

    def __init__(self, settings: RecordConfig, recorder: Recorder, say: Say):
        self.settings = settings
        self.recorder = recorder
        self.plateau = Plateau(settings.plateau_frames, settings.plateau_tolerance)
        self._say = say
        self._auto = False  # the recording was started by a sent drawing: it ends when the swarm settles
        self._status_at = -np.inf
        self._exported = 0

    @property
    def recording(self) -> bool:
        return self.recorder.recording

    def apply(self, turn: Turn, attract: bool, now: float) -> None:
        """Acts on what the frame's events did (``attract``: attract mode is on after them)."""
        if turn.target is not None:
            self.plateau.reset()
        if turn.attract:
            self.recorder.stop()
            self._auto = False
        if turn.sent and self.settings.auto:
            self._auto = self.recorder.start()
        for command in turn.commands:
            if command is Command.RECORD:
                self._toggle(attract, now)
            elif command is Command.EXPORT and not self.recorder.stop():
                self._say("nothing recorded to export", False, now)

    def _toggle(self, attract: bool, now: float) -> None:
        if self.recorder.recording:
            self.recorder.stop()
        elif attract:  # the attract text is not a visitor's drawing: never recorded
            self._say("attract mode is not recorded: draw first", False, now)
        else:
            self._auto = False
            if self.recorder.start():
                self._say("recording", True, now)

    def keep(self, view: np.ndarray | None, loss: float, recovered: bool, now: float) -> Path | None:
        """Offers this frame's ``view`` to the recording (None only while not recording), ends an
        automatic one once the swarm has settled, and passes the recorder's news on.

        Returns:
            the clip exported since the last frame, or None.
        """
        if recovered:
            self.plateau.reset()
        if self.recorder.recording:
            self._record(view, loss, now)
        status = self.recorder.status()
        if status is not None and status.at > self._status_at:
            self._status_at = status.at
            self._say(status.text, status.ok, now)
        exported = self.recorder.exported
        if len(exported) > self._exported:
            self._exported = len(exported)
            return exported[-1]
        return None

    def _record(self, view: np.ndarray, loss: float, now: float) -> None:
        """A failure ends that recording, not the frame."""
        try:
            self.recorder.add(view, Source.RESULT)
        except Exception as exc:
            log.exception("recording stopped: %s", exc)
            self.recorder.stop()
            self._say(f"recording stopped: {exc}", False, now)
            return
        if self._auto and self.plateau.update(loss):
            log.info("swarm settled after %d frames: exporting", self.plateau.count)
            self.recorder.stop()
