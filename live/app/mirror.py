"""The mirror in the live loop: while nobody draws, the swarm becomes whoever stands in front of it.

The mirror is attract mode's live form. While the installation is idle (attract mode) and a
person stays in the camera's view for ``mirror.follow_after_s``, the swarm forms their silhouette
and follows it, one new target per mask (:class:`~live.input.mirror.MirrorSource` makes them on
its own thread) and one Adam step per frame, as always. A stroke (finger or mouse) ends attract
mode and so the mirror: drawing takes over, and the swarm keeps the last silhouette until the
drawing is sent. When the person leaves (nobody for ``mirror.leave_after_s``), the swarm forms
the attract text again.

:class:`MirrorState` decides, on a clock that is passed in (tests use a fake one);
:class:`MirrorFollow` turns its decisions and the masks into what the swarm should form
(:class:`Follow`), writing nothing itself: in the live loop the visit
(:class:`~live.app.visit.Visit`) hands it on in its turn, and the live swarm, the keepsake and the
presenter act on it; ``live mirror`` (:mod:`live.tools.mirror`) applies it to its own swarm.

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
from dataclasses import dataclass

from live.config import MirrorConfig
from live.input.mirror import MirrorSource, PersonMask

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


@dataclass(frozen=True)
class Follow:
    """What the swarm should form this frame, as the mirror sees it."""

    change: Change | None
    """START, LEAVE or YIELD this frame; None while it goes on following."""
    person: PersonMask | None = None
    """The person's new mask to form (START, or a new mask while following); None: none."""
    plan: bool = False
    """Plan the pool for ``person`` (START, or the person's area changed much)."""


class MirrorFollow:
    """The mirror's decisions, frame by frame: whom the swarm follows and when to plan its size
    (:data:`REPLAN_RATIO`). It reads the masks and writes nothing else.

    Args:
        config: the ``[mirror]`` settings.
        source: the masks.
    """

    def __init__(self, config: MirrorConfig, source: MirrorSource):
        self.source = source
        self.state = MirrorState(config)
        self.person: PersonMask | None = None
        """The mask the swarm follows now (None: it follows nobody)."""
        self._planned = 0.0  # the area the swarm was planned for

    @property
    def following(self) -> bool:
        """The swarm forms the person's silhouette now."""
        return self.state.following

    def frame(self, now: float, idle: bool) -> Follow | None:
        """Decides; call once a frame before the step. ``idle``: nobody draws (attract mode).

        Returns:
            what to form, or None when nothing changes this frame.
        """
        person = self.source.latest()
        present = person is not None and person.present
        change = self.state.update(now, present, idle)
        if change is Change.START:
            log.info("mirror: following a person (%.0f%% of the view)", 100 * person.area)
            return self._take(change, person, plan=True)
        if change is not None:
            log.info("mirror: %s", self.state.phase.value)
            self.person = None
            return Follow(change)
        if self.following and present and person.index != self.person.index:
            return self._take(None, person, plan=needs_plan(self._planned, person.area))
        return None

    def _take(self, change: Change | None, person: PersonMask, plan: bool) -> Follow:
        self.person = person
        if plan:
            self._planned = person.area
        return Follow(change, person, plan)
