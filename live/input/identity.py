"""Which hand is which: a pen number per hand, kept from frame to frame by the nearest tip.

MediaPipe lists the hands of a frame in no stable order; with two visitors drawing, taking its
list order as identity would make their pens jump between them. :class:`HandIdentities` matches
each frame's hands to the pens of the last frames by the index fingertip: the pairing with the
smallest total distance wins, a hand far from every pen gets a new pen, and a pen whose hand is
gone is kept for ``keep_s`` seconds (a frame or two of a missed hand does not change pens).
Pure logic: no tracker, no clock; every time is passed in.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

from live.config import HandConfig
from live.input.events import Pen
from live.input.gesture import HandGestures, HandUpdate
from live.input.hand import Hand

#: Seconds a pen waits for its hand to come back (a missed frame or two).
KEEP_S = 0.5


@dataclass
class _Pen:
    tip: tuple[float, float]
    seen: float


class HandIdentities:
    """Pen numbers 0, 1, ... for the hands of each frame, stable while a hand stays in view.

    Args:
        max_hands: how many pens at most (the tracker's ``max_hands``).
        keep_s: seconds a pen waits for its hand to come back before its number is free again.
        max_jump: a hand whose tip is farther than this many pixels from a pen's last tip is
            not that pen's hand (it gets a new pen): a visitor who steps in just as another steps
            out does not continue the other's stroke. ``math.inf``: no limit.

    Raises:
        ValueError: ``max_hands`` below 1, a negative ``keep_s``, or a non-positive ``max_jump``.
    """

    def __init__(self, max_hands: int = 2, keep_s: float = KEEP_S, max_jump: float = math.inf) -> None:
        if max_hands < 1 or keep_s < 0 or max_jump <= 0:
            raise ValueError(
                f"hand identities need max_hands >= 1, keep_s >= 0 and max_jump > 0, "
                f"got {max_hands}, {keep_s}, {max_jump}"
            )
        self.max_hands, self.keep_s, self.max_jump = max_hands, keep_s, max_jump
        self._pens: dict[int, _Pen] = {}

    @property
    def pens(self) -> list[int]:
        """The pen numbers held now (seen within ``keep_s``), in order."""
        return sorted(self._pens)

    def reset(self) -> None:
        """Forgets every pen (the camera was lost)."""
        self._pens.clear()

    def assign(self, hands: Sequence[Hand], t: float) -> tuple[list[tuple[int, Hand]], list[int]]:
        """Gives each hand of a frame its pen.

        Args:
            hands: the frame's hands in any order; only ``max_hands`` of them are kept (the first).
            t: the frame's time in seconds; must not go back.

        Returns:
            ``(pairs, gone)``: (pen, hand) for every hand kept, ordered by pen; and the pens whose
            hand has now been away for more than ``keep_s`` (their numbers are free again).
        """
        hands = list(hands)[: self.max_hands]
        pairs = self._match(hands)
        taken = {pen for pen, _ in pairs}
        for hand in hands:
            if all(h is not hand for _, h in pairs):
                pen = next(n for n in itertools.count() if n not in self._pens and n not in taken)
                pairs.append((pen, hand))
                taken.add(pen)
        for pen, hand in pairs:
            self._pens[pen] = _Pen((float(hand.tip[0]), float(hand.tip[1])), t)
        gone = sorted(pen for pen, p in self._pens.items() if pen not in taken and t - p.seen > self.keep_s)
        for pen in gone:
            del self._pens[pen]
        return sorted(pairs, key=lambda pair: pair[0]), gone

    def _match(self, hands: list[Hand]) -> list[tuple[int, Hand]]:
        """The pairing of hands to held pens that pairs the most hands, then with the smallest
        total tip distance (every pairing is tried: there are only a few hands)."""
        options = [[None, *(pen for pen in self._pens if self._near(pen, hand))] for hand in hands]
        best: tuple[int, float, list[tuple[int, Hand]]] = (0, 0.0, [])
        for choice in itertools.product(*options):
            chosen = [pen for pen in choice if pen is not None]
            if len(set(chosen)) < len(chosen):
                continue
            pairs = [(pen, hand) for pen, hand in zip(choice, hands, strict=True) if pen is not None]
            cost = sum(self._distance(pen, hand) for pen, hand in pairs)
            if len(pairs) > best[0] or (len(pairs) == best[0] and cost < best[1]):
                best = (len(pairs), cost, pairs)
        return best[2]

    def _distance(self, pen: int, hand: Hand) -> float:
        held = self._pens[pen].tip
        return math.hypot(float(hand.tip[0]) - held[0], float(hand.tip[1]) - held[1])

    def _near(self, pen: int, hand: Hand) -> bool:
        return self._distance(pen, hand) <= self.max_jump


#: With several hands, a hand this far from a pen's last tip, as a fraction of the picture's
#: shorter side, is another hand (a fast stroke moves about 0.05 of it between two frames at 25 fps).
MAX_JUMP = 0.25


class HandPens:
    """Gestures for each of up to ``hand.max_hands`` hands, each hand with a pen of its own.

    Every frame's hands are matched to pens by :class:`HandIdentities`; each pen has its own
    :class:`~live.input.gesture.HandGestures` (smoothing, strokes, held gestures) whose events name
    that pen. A pen whose hand is missing gets ``update(None)`` (its stroke ends after
    ``hand.release_s``), and after ``keep_s`` it is dropped.

    Args:
        config: the ``[hand]`` settings.
        canvas_size: side of the canvas strokes are drawn on, in pixels.
    """

    def __init__(self, config: HandConfig | None = None, canvas_size: int = 224) -> None:
        self.config = config = config or HandConfig()
        self.canvas_size = canvas_size
        # a pen waits at least as long as its stroke stays open, so a pen is dropped with its
        # stroke already ended
        self.identities = HandIdentities(config.max_hands, keep_s=max(KEEP_S, config.release_s + 0.05))
        self.gestures: dict[int, HandGestures] = {}

    def update(self, hands: Sequence[Hand], t: float, frame_size: tuple[int, int]) -> list[tuple[int, HandUpdate]]:
        """Feeds one frame's hands (any order) at time ``t``; returns (pen, update) per pen, by pen.

        A pen dropped in this frame is in the list a last time (its hand None).
        """
        # one hand at most: whatever hand is seen is that pen's; with more, a far hand is another
        self.identities.max_jump = MAX_JUMP * min(frame_size) if self.config.max_hands > 1 else math.inf
        pairs, gone = self.identities.assign(hands, t)
        found = dict(pairs)
        updates = []
        for pen in sorted({*self.gestures, *found}):
            gestures = self.gestures.get(pen)
            if gestures is None:
                gestures = self.gestures[pen] = HandGestures(self.config, self.canvas_size, pen)
            updates.append((pen, gestures.update(found.get(pen), t, frame_size)))
        for pen in gone:
            self.gestures.pop(pen, None)
        return updates

    def lose(self) -> list[Pen]:
        """The camera is lost: every pen is dropped; returns the ups of the strokes that were open."""
        ups = [up for _, gestures in sorted(self.gestures.items()) for up in gestures.lose()]
        self.gestures.clear()
        self.identities.reset()
        return ups
