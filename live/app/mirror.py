"""The mirror in the live loop: while nobody draws, the swarm becomes whoever stands in front of it.

The mirror is attract mode's live form. While the installation is idle (attract mode) and a
person stays in the camera's view for ``mirror.follow_after_s``, the swarm forms their silhouette
and follows it, one new target per mask (:class:`~live.input.mirror.MirrorSource` makes them on
its own thread) and one Adam step per frame, as always. A stroke (finger or mouse) ends attract
mode and so the mirror: drawing takes over, and the swarm keeps the last silhouette until the
drawing is sent. When the person leaves (nobody for ``mirror.leave_after_s``), the swarm forms
the attract text again.

:class:`MirrorState` decides, on a clock that is passed in (tests use a fake one);
:class:`MirrorSwarm` sets the swarm's target and size (the live loop and ``live mirror`` both use
it); :class:`Mirror` is the installation's part: the view, the recording, the attract text.

The swarm's size: the pool is planned for the person's mask when the swarm starts following them
(:class:`~live.app.swarm.PoolSizer`), and kept while they stay; it is planned again only when
the person's area has changed by more than :data:`REPLAN_RATIO` since (they came much closer,
or stepped half out of view). Planning every mask would make the creatures grow and shrink all
the time.

Privacy: the mask is a camera's picture of a person, so it is never shown or recorded. The
target half of the result view (and the kiosk's small target preview) stays black while the
swarm mirrors; only the swarm shows, and it is recorded only with ``record.mirror``.
"""

from __future__ import annotations

import enum
import logging
from typing import TYPE_CHECKING

import numpy as np

from live.app.swarm import PoolSizer
from live.config import Config, MirrorConfig
from live.input.mirror import MirrorSource, PersonMask
from live.optimise import Arranger

if TYPE_CHECKING:
    from live.app.loop import Installation

log = logging.getLogger("live.app")

#: The swarm is planned again when the person's area differs from the one it was planned for by
#: more than this factor, either way.
REPLAN_RATIO = 1.6


class Phase(enum.StrEnum):
    """Where the mirror stands."""

    NOBODY = "nobody"
    """No person in view, or the installation is not idle."""
    WAITING = "waiting"
    """A person is in view; the swarm follows once they have stayed ``follow_after_s``."""
    FOLLOWING = "following"
    """The swarm forms the person's silhouette."""
    DRAWING = "drawing"
    """Someone draws (or their drawing is on): the mirror waits for attract mode to come back."""


class Change(enum.StrEnum):
    """What the swarm must do, as :meth:`MirrorState.update` decides."""

    START = "start"
    """Start following: plan the swarm for the person and take their mask as the target."""
    LEAVE = "leave"
    """The person left: back to the attract text."""
    YIELD = "yield"
    """Someone draws: stop following; the swarm keeps the silhouette it has."""


class MirrorState:
    """When the swarm follows the person, as a small state machine on a clock passed in.

    Args:
        config: the ``[mirror]`` settings (``follow_after_s``, ``leave_after_s``).
    """

    def __init__(self, config: MirrorConfig) -> None:
        self.follow_after_s = config.follow_after_s
        self.leave_after_s = config.leave_after_s
        self.phase = Phase.NOBODY
        self._since = 0.0  # when the person was first seen (waiting)
        self._seen = 0.0  # when the person was last seen (following)

    @property
    def following(self) -> bool:
        """The swarm forms the person's silhouette now."""
        return self.phase is Phase.FOLLOWING

    def update(self, now: float, present: bool, idle: bool) -> Change | None:
        """One frame: is a person in view (``present``), is the installation idle (attract
        mode, nobody drawing)? Returns the change to make, or None.

        Args:
            now: the loop's clock, in seconds.
        """
        if not idle:
            was = self.phase
            self.phase = Phase.DRAWING
            return Change.YIELD if was is Phase.FOLLOWING else None
        if self.phase is Phase.DRAWING:  # attract mode is back: a person must stay again
            self.phase = Phase.NOBODY
        if self.phase is Phase.FOLLOWING:
            if present:
                self._seen = now
            elif now - self._seen >= self.leave_after_s:
                self.phase = Phase.NOBODY
                return Change.LEAVE
            return None
        if not present:
            self.phase = Phase.NOBODY
            return None
        if self.phase is Phase.NOBODY:
            self.phase, self._since = Phase.WAITING, now
        if now - self._since >= self.follow_after_s:
            self.phase, self._seen = Phase.FOLLOWING, now
            return Change.START
        return None


def needs_plan(planned_area: float, area: float) -> bool:
    """Whether the swarm planned for a person of ``planned_area`` should be planned again for
    ``area`` (:data:`REPLAN_RATIO`)."""
    if planned_area <= 0.0 or area <= 0.0:
        return area > 0.0
    return max(area / planned_area, planned_area / area) > REPLAN_RATIO


class MirrorSwarm:
    """The swarm's side of the mirror: decides (:class:`MirrorState`) and sets the swarm's target
    and size; what else a change means (the view, the recording, the attract text) is the
    caller's (:class:`Mirror` in the installation, :mod:`live.tools.mirror` when measuring).

    Args:
        config: the ``[mirror]`` settings.
        source: the masks.
        arranger: the swarm's arranger; its target becomes the person's mask.
        sizer: the pool's sizer (None: a swarm of fixed size).
    """

    def __init__(self, config: MirrorConfig, source: MirrorSource, arranger: Arranger, sizer: PoolSizer | None):
        self.source = source
        self.state = MirrorState(config)
        self.arranger = arranger
        self.sizer = sizer
        self.person: PersonMask | None = None
        """The mask the swarm follows now (None: it follows nobody)."""
        self._planned = 0.0  # the area the swarm was planned for

    @property
    def following(self) -> bool:
        """The swarm forms the person's silhouette now."""
        return self.state.following

    def frame(self, now: float, idle: bool) -> Change | None:
        """Decides and, while following, takes each new mask as the target. Call once a frame
        before the step; ``idle``: nobody draws (attract mode).

        Returns:
            the change the caller must also act on (START: the mask is the target already).
        """
        person = self.source.latest()
        present = person is not None and person.present
        change = self.state.update(now, present, idle)
        if change is Change.START:
            log.info("mirror: following a person (%.0f%% of the view)", 100 * person.area)
            self._take(person, now, plan=True)
        elif change is not None:
            log.info("mirror: %s", self.state.phase.value)
            self.person = None
        elif self.following and present and person.index != self.person.index:
            self._take(person, now, plan=needs_plan(self._planned, person.area))
        return change

    def _take(self, person: PersonMask, now: float, plan: bool) -> None:
        """``person``'s mask as the target; with ``plan``, the pool planned for it."""
        self.arranger.set_target(person.mask)
        self.person = person
        if plan and self.sizer is not None:
            self._planned = person.area
            swarm = self.sizer.set_target(person.mask, now)
            log.info("mirror: %d creatures of radius %.3f", swarm.count, swarm.radius)


class Mirror:
    """The mirror's part of each frame of the installation: the swarm follows
    (:class:`MirrorSwarm`), the view's target half stays black, the moment is recorded only with
    ``record.mirror``, the attract text comes back when the person leaves.

    Args:
        config: every setting (``[mirror]``, ``record.mirror``).
        source: the masks.
        install: the installation (its scene, pool sizer, view, plateau, HUD, recorder).
    """

    def __init__(self, config: Config, source: MirrorSource, install: Installation) -> None:
        self.swarm = MirrorSwarm(config.mirror, source, install.scene.arranger, install.sizer)
        self.record = config.record.mirror
        self._recording = False  # a recording of this mirror moment is running
        self._blank = np.zeros((config.render.size, config.render.size), np.float32)  # the view's target

    @property
    def following(self) -> bool:
        """The swarm forms the person's silhouette now."""
        return self.swarm.following

    def frame(self, install: Installation, now: float) -> None:
        """Call once a frame, after the input's events and the attract check, before the step.
        Idle means attract mode (a stroke ends it)."""
        change = self.swarm.frame(now, idle=install.attract.active)
        if change is Change.START:
            install.view.set_target(self._blank)  # the person's mask is never shown, nor recorded
            install.hud.target_shown = False  # nor the kiosk's empty preview, over the swarm
            install.plateau.reset()
            install.hud.mode = "mirror"
            if self.record and not install.recorder.recording:
                self._recording = install.recorder.start()
        elif change is not None:  # the person left, or someone draws
            install.hud.target_shown = True
            if self._recording:  # the moment's recording (record.mirror) ends and is exported
                self._recording = False
                install.recorder.stop()
            if change is Change.LEAVE:
                install.show_attract(now)
            elif install.hud.mode == "mirror":
                install.hud.mode = ""
