"""The loop tells the visitor what to do, and the creatures' eyes follow the pen (issue 9)."""

import math
from pathlib import Path

import numpy as np
import pytest
import torch

from live.app import Installation
from live.config import load_config
from live.display import DISPLAYS, DisplayKind, OffscreenDisplay
from live.display.creatures import ScreenView
from live.display.guide import Step
from live.input import Command, Pen, Phase
from live.record import Recorder
from live.render.eyes import canvas_to_ndc
from live.scene import build
from tests.test_app_loop import SMALL, draw_square, keeping_writer


def make(tmp_path, kiosk=False, **extra):
    config = load_config(None, {**SMALL, "paths.recordings": str(tmp_path / "rec"), **extra})
    scene = build(config)
    recorder = Recorder(config.record, config.paths.recordings)
    display = OffscreenDisplay(config.app.window, compose=True, ui=config.ui)
    return (
        Installation(
            config, scene, display, recorder, DISPLAYS[DisplayKind.KIOSK if kiosk else DisplayKind.WINDOW], start=0.0
        ),
        recorder,
        display,
    )


class TestInstructions:
    def test_a_visit_step_by_step(self, tmp_path):
        install, rec, display = make(tmp_path, **{"app.idle_seconds": 30.0, "ui.countdown_seconds": 10.0})
        ui = install.config.ui
        with rec:
            install.frame([], 0.0)
            assert install.presenter.hud.instruction.text == ui.invite_mouse
            assert display.last_canvas is not None and display.last_canvas.shape[0] > 128  # the band
            draw_square(install, 0.1)
            install.frame([], 0.2)
            assert (install.presenter.hud.instruction.step, install.presenter.hud.instruction.text) == (
                Step.DRAWING,
                ui.drawing_mouse,
            )
            install.frame([Command.CLEAR], 0.3)
            assert install.presenter.hud.instruction.step is Step.INVITE
            draw_square(install, 0.4)
            install.frame([Command.SUBMIT], 0.5)
            assert install.presenter.hud.instruction.step is Step.SENT
            install.frame([Command.EXPORT], 0.6)
            rec.wait()
            install.frame([], 0.7)
            said = install.presenter.hud.instruction
            assert said.step is Step.EXPORTED and said.clip == Path(rec.exported[-1])
            assert said.text == ui.saved and said.clip.stem not in said.text  # no share code here: no scan
            # 10 s before the idle timeout: the countdown, in whole seconds.
            install.frame([], 0.6 + 20.5)
            said = install.presenter.hud.instruction
            assert said.step is Step.COUNTDOWN and said.seconds == 10 and "10" in said.text
            install.frame([], 0.6 + 27.2)
            assert install.presenter.hud.instruction.seconds == 3
            install.frame([], 0.6 + 30.1)  # the timeout: attract mode, the invitation again
            assert install.presenter.hud.mode == "attract" and install.presenter.hud.instruction.step is Step.INVITE

    def test_the_hand_gets_its_own_texts(self, tmp_path):
        install, rec, _ = make(tmp_path)
        ui = install.config.ui
        with rec:
            install.handle(Pen(Phase.DOWN, 30, 30, source="hand"), 0.1)
            install.frame([], 0.2)
            assert install.presenter.hud.instruction.text == ui.drawing_hand
            install.handle(Pen(Phase.UP, 30, 30, source="hand"), 0.3)
            install.handle(Pen(Phase.DOWN, 60, 60), 0.4)  # then the mouse
            install.frame([], 0.5)
            assert install.presenter.hud.instruction.text == ui.drawing_mouse

    def test_hand_input_invites_with_the_hand(self, tmp_path):
        install, rec, _ = make(tmp_path, **{"app.input": "hand"})
        with rec:
            install.frame([], 0.0)
            assert install.presenter.hud.instruction.text == install.config.ui.invite_hand


class TestHud:
    def test_off_in_a_kiosk_until_h(self, tmp_path):
        install, rec, _ = make(tmp_path, kiosk=True)
        with rec:
            assert not install.presenter.hud.stats
            install.frame([Command.HUD], 0.1)
            assert install.presenter.hud.stats

    def test_kiosk_hud_on_request_and_windows_as_before(self, tmp_path):
        assert make(tmp_path, kiosk=True, **{"ui.kiosk_hud": True})[0].presenter.hud.stats
        assert make(tmp_path, kiosk=False)[0].presenter.hud.stats


class TestEyes:
    def test_not_lively_is_the_seeds_look(self, tmp_path):
        install, rec, display = make(tmp_path, **{"ui.lively": False})
        with rec:
            arranger = install.swarm.arranger
            want = ScreenView(128, install.config.render.ambient)(*arranger.view_inputs(None)).copy()
            crisp = (arranger.view(install.swarm.scene.crisp).clamp(0, 1) * 255 + 0.5).to(torch.uint8).numpy()
            install.presenter.hud.stats = False  # the swarm alone on the result window
            install.frame([], 0.0)  # shows the creatures as they stood when the frame began
            assert install.swarm.eyes is None
            assert (display.last[:, :128] == want).all()  # centred eyes, at app.window: the seed's look
            assert np.abs(want[..., ::-1].astype(int) - crisp).mean() < 2.0  # as the crisp view draws it

    @pytest.mark.parametrize("corner", [(4, 4), (123, 4), (4, 123), (123, 123)])
    def test_pupils_turn_to_the_pen(self, tmp_path, corner):
        install, rec, _ = make(tmp_path, **{"app.steps_per_frame": 1, "optim.lr": 1e-6})  # creatures nearly still
        with rec:
            install.handle(Pen(Phase.DOWN, *corner), 0.0)
            for i in range(40):
                install.frame([Pen(Phase.MOVE, *corner)], i / 60)
            centers = install.swarm.arranger.centers()
            pupil = install.swarm.eyes.gaze  # (N, 2) the smoothed gaze, in NDC directions
            pen = torch.tensor(canvas_to_ndc(*corner, 128))
            toward = torch.nn.functional.normalize(pen - centers, dim=1)
            cosine = (torch.nn.functional.normalize(pupil, dim=1) * toward).sum(dim=1)
            assert bool((cosine > 0.95).all()), cosine
            assert math.isfinite(float(pupil.norm()))


class TestScriptHand:
    def test_a_stroke_marked_as_the_hands(self):
        from live.input.script import parse_script

        data = {"events": [{"t": 0, "stroke": [[1, 2], [3, 4]], "hand": True}, {"t": 1, "stroke": [[5, 6]]}]}
        pens = [event for _, event in parse_script(data, 224).timeline]
        assert [p.source for p in pens] == ["hand", "hand", "hand", "mouse", "mouse"]
        with pytest.raises(ValueError, match=r"events\[0\].hand must be true or false"):
            parse_script({"events": [{"t": 0, "stroke": [[1, 2]], "hand": "yes"}]}, 224)


class TestGifsShowTheEyes:
    def test_the_recorded_view_has_eyes_that_look_at_the_pen(self, tmp_path):
        frames = []
        writer = keeping_writer(frames)

        # the clip at the screen's size and without the inset: exactly the view the visitor sees
        extra = {"paths.recordings": str(tmp_path / "rec"), "record.size": 128, "record.inset": 0.0}
        config = load_config(None, {**SMALL, **extra})
        scene = build(config)
        recorder = Recorder(config.record, config.paths.recordings, writer=writer)
        install = Installation(config, scene, OffscreenDisplay(128), recorder, start=0.0)
        with recorder:
            install.handle(Pen(Phase.DOWN, 2, 2), 0.0)  # a visitor's stroke ends attract mode ...
            install.frame([Command.RECORD], 0.0)  # ... which is never recorded
            for i in range(1, 30):
                install.frame([Pen(Phase.MOVE, 2, 2)], i / 60)
            seed_look = (scene.arranger.view(scene.crisp).clamp(0, 1) * 255 + 0.5).to(torch.uint8).numpy()
            last = scene.crisp.rgb8(*install.swarm.shown).numpy()  # the crisp view of the frame's creatures
            install.frame([Command.EXPORT], 0.5)
            recorder.wait()
        assert frames, "nothing was recorded"
        assert (frames[-1] == last).all()  # the clip: the frame's creatures, drawn crisp
        assert (last != seed_look).any()  # and there the eyes have turned to the pen
