"""The hand as the loop's pen: pen events and the gesture commands."""

from __future__ import annotations

import time

import pytest

from live.app.keys import KEYS, Action
from live.config import CameraConfig, HandConfig
from live.input import Key, Pen, Phase
from live.input.hand import HandTracker
from live.input.hand_input import HandInput
from live.input.hand_pen import HandPenInput
from tests.hand_fixtures import FakeWebcam, synthetic

pytest.importorskip("mediapipe")


class TestHandPenInput:
    def test_pointing_then_palm_then_fist(self, monkeypatch):
        hands = [synthetic("pointing", (200 + 10 * i, 200)) for i in range(10)]
        hands += [synthetic("open", (300, 200))] * 40
        hands += [synthetic("pointing", (250, 300 + 10 * i)) for i in range(10)]
        hands += [synthetic("fist", (300, 300))] * 40
        script = iter(hands)
        monkeypatch.setattr(HandTracker, "process", lambda self, image: next(script, None))
        config = HandConfig(release_s=0.0, submit_hold_s=0.05, clear_hold_s=0.05)
        hand = HandInput(
            CameraConfig(), config, 224, source=0, mirror=False, opener=lambda src: FakeWebcam(shape=(480, 640, 3))
        )
        events = []
        with HandPenInput(hand) as pen:
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and hand.frames < len(hands) + 2:
                events += pen.poll(time.monotonic())
                time.sleep(0.005)
            events += pen.poll(time.monotonic())
            assert pen.view.frame is not None
        codes = {action: code for code, action in KEYS.items()}
        kinds = [e.phase if isinstance(e, Pen) else e.code for e in events]
        down = [i for i, k in enumerate(kinds) if k is Phase.DOWN]
        assert len(down) == 2
        assert kinds.count(codes[Action.SUBMIT]) == 1 and kinds.count(codes[Action.CLEAR]) == 1
        # down, moves, up, then submit; again, then clear
        first_up = kinds.index(Phase.UP)
        assert down[0] == 0 and all(k is Phase.MOVE for k in kinds[1:first_up])
        assert kinds[first_up + 1] == codes[Action.SUBMIT] and kinds[first_up + 2] is Phase.DOWN
        assert kinds[-2:] == [Phase.UP, codes[Action.CLEAR]]
        assert all(isinstance(e, (Pen, Key)) for e in events)
