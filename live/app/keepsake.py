"""The keepsake: when a recording starts and ends, and what it keeps.

:class:`Keepsake` drives the :class:`~live.record.Recorder`: a sent drawing starts a recording
(``record.auto``), the swarm settling (:class:`~live.app.state.Plateau`), ``g``, attract mode or
a full recording end it, ``r`` starts and stops one by hand (never of the attract text). It offers
the swarm as each frame shows it to the recorder, which draws the clip from it (the swarm alone,
``record.size`` square, the drawing inset: :mod:`live.record.clip`), hands it the drawing, passes
the recorder's news to the status line, and says when a new clip was written.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import numpy as np

from live.app.mirror import Change
from live.app.state import Plateau
from live.app.visit import Turn
from live.config import RecordConfig
from live.input import Command
from live.record import Recorder, Source
from live.share.status import KioskStatus

log = logging.getLogger("live.app")

Say = Callable[[str, bool, float], None]


class Keepsake:
    """Recording control.

    Args:
        settings: the ``[record]`` settings.
        recorder: where the frames go.
        say: shows a line on the status line (text, ok, now).
        status: hears of each export and failed export (the staff page); None: nobody.
    """

    def __init__(self, settings: RecordConfig, recorder: Recorder, say: Say, status: KioskStatus | None = None):
        self.settings = settings
        self.recorder = recorder
        self.status = status
        self.plateau = Plateau(settings.plateau_frames, settings.plateau_tolerance)
        self._say = say
        self._auto = False  # the recording was started by a sent drawing: it ends when the swarm settles
        self._mirror = False  # the recording is of a mirror moment (record.mirror): it ends with it
        self._status_at = -np.inf
        self._exported = 0

    @property
    def recording(self) -> bool:
        return self.recorder.recording

    def apply(self, turn: Turn, attract: bool, now: float) -> None:
        """Acts on what the frame's events did (``attract``: attract mode is on after them)."""
        if turn.target is not None:
            self.plateau.reset()
            # the drawing shown in the clip's inset; a person's mask (the mirror) never is
            self.recorder.set_target(None if turn.private else turn.target)
        if turn.attract:
            self.recorder.stop()
            self._auto = False
        if turn.sent and self.settings.auto:
            self._auto = self.recorder.start()
        self._mirror_moment(turn.mirror)
        for command in turn.commands:
            if command is Command.RECORD:
                self._toggle(attract, now)
            elif command is Command.EXPORT and not self.recorder.stop():
                self._say("nothing recorded to export", False, now)

    def _mirror_moment(self, change: Change | None) -> None:
        """A mirror moment is recorded only with ``record.mirror`` (and then the swarm alone)."""
        if change is Change.START and self.settings.mirror and not self.recorder.recording:
            self._mirror = self.recorder.start()
        elif change in (Change.LEAVE, Change.YIELD) and self._mirror:
            self._mirror = False
            self.recorder.stop()  # the moment's recording ends and is exported

    def _toggle(self, attract: bool, now: float) -> None:
        if self.recorder.recording:
            self.recorder.stop()
        elif attract:  # the attract text is not a visitor's drawing: never recorded
            self._say("attract mode is not recorded: draw first", False, now)
        else:
            self._auto = False
            if self.recorder.start():
                self._say("recording", True, now)

    def keep(self, shown: tuple, loss: float, recovered: bool, now: float) -> Path | None:
        """Offers the swarm as this frame shows it (``shown``: the ``(centers, radii, eyes)`` of
        :meth:`~live.optimise.Arranger.view_inputs`) to the recording, ends an automatic one once
        the swarm has settled, and passes the recorder's news on.

        Returns:
            the clip exported since the last frame, or None.
        """
        if recovered:
            self.plateau.reset()
        if self.recorder.recording:
            self._record(shown, loss, now)
        status = self.recorder.status()
        if status is not None and status.at > self._status_at:
            self._status_at = status.at
            self._say(status.text, status.ok, now)
            if self.status is not None and not status.ok:
                self.status.export_failed(status.text)
        exported = self.recorder.exported
        new, self._exported = exported[self._exported :], len(exported)
        if self.status is not None:
            for path in new:  # two exports may end between frames: each counts
                self.status.exported(path)
        return new[-1] if new else None

    def _record(self, shown: tuple, loss: float, now: float) -> None:
        """A failure ends that recording, not the frame."""
        try:
            self.recorder.add(shown, Source.SWARM)  # [record] the clip: the swarm alone, never a camera pixel
        except Exception as exc:
            log.exception("recording stopped: %s", exc)
            self.recorder.stop()
            self._say(f"recording stopped: {exc}", False, now)
            return
        if self._auto and self.plateau.update(loss):
            log.info("swarm settled after %d frames: exporting", self.plateau.count)
            self.recorder.stop()
