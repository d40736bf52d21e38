"""A pen per hand: HandIdentities keeps it by the nearest tip, HandPens gives each pen its gestures."""

from __future__ import annotations

import math

import numpy as np
import pytest

from live.config import HandConfig
from live.input.events import Command, Pen, Phase
from live.input.hand import Hand
from live.input.identity import HandIdentities, HandPens
from tests.hand_fixtures import FIXTURES, synthetic

FRAME = (640, 480)
needs_fixtures = pytest.mark.skipif(not FIXTURES.is_file(), reason="tests/data/hand_landmarks.npz is missing")


def at(x: float, y: float) -> Hand:
    """A bare hand whose every landmark is at (x, y) (identity looks at the index tip only)."""
    return Hand(np.tile([x, y], (21, 1)).astype(np.float64), np.zeros((21, 3)), "Right", 1.0)


def pens_of(pairs: list[tuple[int, Hand]]) -> dict[int, tuple[float, float]]:
    return {pen: (float(hand.tip[0]), float(hand.tip[1])) for pen, hand in pairs}


class TestHandIdentities:
    def test_pens_follow_the_tips_whatever_the_list_order(self):
        ids = HandIdentities(max_hands=2)
        left, right = (100.0, 200.0), (500.0, 200.0)
        pairs, _ = ids.assign([at(*left), at(*right)], 0.0)
        first = {tip: pen for pen, tip in pens_of(pairs).items()}
        for i in range(1, 30):
            left, right = (left[0] + 5, left[1] + 3), (right[0] - 4, right[1] + 2)
            order = [at(*right), at(*left)] if i % 2 else [at(*left), at(*right)]  # MediaPipe's order flips
            pairs, gone = ids.assign(order, i / 25)
            assert pens_of(pairs) == {first[(100.0, 200.0)]: left, first[(500.0, 200.0)]: right}
            assert gone == []

    def test_new_hands_get_the_lowest_free_pens(self):
        ids = HandIdentities(max_hands=2)
        pairs, _ = ids.assign([at(10, 10)], 0.0)
        assert [pen for pen, _ in pairs] == [0]
        pairs, _ = ids.assign([at(12, 10), at(400, 300)], 0.04)
        assert pens_of(pairs) == {0: (12.0, 10.0), 1: (400.0, 300.0)}

    def test_only_max_hands_are_kept(self):
        pairs, _ = HandIdentities(max_hands=1).assign([at(10, 10), at(400, 300)], 0.0)
        assert pens_of(pairs) == {0: (10.0, 10.0)}

    def test_a_missed_frame_keeps_the_pen(self):
        ids = HandIdentities(max_hands=2, keep_s=0.5)
        ids.assign([at(100, 100), at(500, 100)], 0.0)
        pairs, gone = ids.assign([at(502, 100)], 0.04)  # the left hand is missed for two frames
        assert pens_of(pairs) == {1: (502.0, 100.0)} and gone == []
        ids.assign([at(504, 100)], 0.08)
        pairs, gone = ids.assign([at(504, 100), at(106, 100)], 0.12)
        assert pens_of(pairs) == {0: (106.0, 100.0), 1: (504.0, 100.0)} and gone == []
        assert ids.pens == [0, 1]

    def test_a_pen_is_freed_after_keep_s(self):
        ids = HandIdentities(max_hands=2, keep_s=0.5)
        ids.assign([at(100, 100), at(500, 100)], 0.0)
        _, gone = ids.assign([at(500, 100)], 0.4)
        assert gone == []
        _, gone = ids.assign([at(500, 100)], 0.6)
        assert gone == [0] and ids.pens == [1]
        pairs, _ = ids.assign([at(500, 100), at(300, 300)], 0.64)  # a new visitor gets pen 0 again
        assert pens_of(pairs) == {0: (300.0, 300.0), 1: (500.0, 100.0)}

    def test_a_far_hand_does_not_take_a_waiting_pen(self):
        ids = HandIdentities(max_hands=2, keep_s=0.5, max_jump=100.0)
        ids.assign([at(100, 100), at(500, 100)], 0.0)
        ids.assign([at(500, 100)], 0.04)  # the left visitor steps out ...
        pairs, _ = ids.assign([at(500, 100), at(300, 400)], 0.08)  # ... and someone else steps in
        assert pens_of(pairs) == {1: (500.0, 100.0), 2: (300.0, 400.0)}

    def test_the_nearest_pairing_wins_over_list_order(self):
        ids = HandIdentities(max_hands=2)
        ids.assign([at(100, 100), at(200, 100)], 0.0)
        # both moved right by 40: pairing by order-free total distance keeps them apart
        pairs, _ = ids.assign([at(240, 100), at(140, 100)], 0.04)
        assert pens_of(pairs) == {0: (140.0, 100.0), 1: (240.0, 100.0)}

    def test_reset_forgets(self):
        ids = HandIdentities()
        ids.assign([at(1, 1)], 0.0)
        ids.reset()
        assert ids.pens == []

    @pytest.mark.parametrize("args", [{"max_hands": 0}, {"keep_s": -1.0}, {"max_jump": 0.0}])
    def test_bad_settings(self, args):
        with pytest.raises(ValueError, match="hand identities need"):
            HandIdentities(**args)


@needs_fixtures
class TestHandPens:
    def config(self) -> HandConfig:
        return HandConfig(max_hands=2, release_s=0.1)

    def test_each_hand_draws_its_own_stroke(self):
        pens = HandPens(self.config())
        events: list[Pen] = []
        for i in range(20):
            t = i / 25
            left, right = synthetic("pointing", (150 + 5 * i, 200)), synthetic("pointing", (450, 150 + 5 * i))
            updates = dict(pens.update([right, left] if i % 3 else [left, right], t, FRAME))
            assert set(updates) == {0, 1} and all(u.drawing for u in updates.values())
            for pen, update in updates.items():
                assert all(e.pen == pen for e in update.events if isinstance(e, Pen))
                events += [e for e in update.events if isinstance(e, Pen)]
        for pen in (0, 1):
            mine = [e for e in events if e.pen == pen]
            assert [e.phase for e in mine].count(Phase.DOWN) == 1 and mine[0].phase is Phase.DOWN
            assert all(e.phase is Phase.MOVE for e in mine[1:])
        xs = {pen: [e.x for e in events if e.pen == pen] for pen in (0, 1)}
        ys = {pen: [e.y for e in events if e.pen == pen] for pen in (0, 1)}
        # pen 0 (listed first in the first frame, on the left) moves right; pen 1 moves down: no jump
        assert 0 <= min(np.diff(xs[0])) and max(np.diff(xs[0])) < 10 and np.ptp(ys[0]) < 1
        assert 0 <= min(np.diff(ys[1])) and max(np.diff(ys[1])) < 10 and np.ptp(xs[1]) < 1

    def test_one_hand_leaves_the_other_goes_on(self):
        pens = HandPens(self.config())
        ups: dict[int, list[float]] = {0: [], 1: []}
        moves = 0
        for i in range(40):
            t = i / 25
            hands = [synthetic("pointing", (150 + 5 * i, 200))] if i < 10 else []  # pen 0 leaves at frame 10
            hands.append(synthetic("pointing", (450, 150 + 3 * i)))
            for pen, update in pens.update(hands, t, FRAME):
                ups[pen] += [t for e in update.events if isinstance(e, Pen) and e.phase is Phase.UP]
                moves += pen == 1 and any(isinstance(e, Pen) and e.phase is Phase.MOVE for e in update.events)
        assert ups[1] == [] and moves == 39  # pen 1 drew on in every frame after its first
        assert len(ups[0]) == 1 and ups[0][0] - 9 / 25 <= 0.1 + 0.04 + 1e-9  # within release_s (+ a frame)
        assert set(pens.gestures) == {1}  # pen 0 was dropped after keep_s

    def test_gestures_are_per_hand(self):
        config = HandConfig(max_hands=2, submit_hold_s=0.2, release_s=0.05)
        pens = HandPens(config)
        events = []
        for i in range(10):
            hands = [synthetic("open", (150, 200)), synthetic("pointing", (450, 150 + 3 * i))]
            for pen, update in pens.update(hands, i / 25, FRAME):
                events += [(pen, e.value) for e in update.events if isinstance(e, Command)]
        assert events == [(0, "submit")]  # the open hand submitted; the pointing hand drew on

    def test_lose_drops_every_pen(self):
        pens = HandPens(self.config())
        pens.update([synthetic("pointing", (100, 100)), synthetic("fist", (400, 100))], 0.0, FRAME)
        ups = pens.lose()
        assert [(e.phase, e.pen) for e in ups] == [(Phase.UP, 0)]
        assert pens.gestures == {} and pens.identities.pens == []

    def test_release_longer_than_keep(self):
        pens = HandPens(HandConfig(release_s=2.0))
        assert pens.identities.keep_s > 2.0 and math.isinf(pens.identities.max_jump)
