import math
from pathlib import Path

import pytest

from live.config import ConfigError, UiConfig, load_config
from live.display.guide import Guide, Step


class TestSteps:
    def test_invite_mouse_then_hand(self):
        ui = UiConfig()
        assert Guide(ui).instruction(math.inf).text == ui.invite_mouse
        assert Guide(ui, "hand").instruction(math.inf).text == ui.invite_hand

    def test_visit(self):
        ui = UiConfig()
        guide = Guide(ui)
        guide.stroke("mouse")
        said = guide.instruction(50.0)
        assert (said.step, said.text) == (Step.DRAWING, ui.drawing_mouse)
        guide.stroke("hand")
        assert guide.instruction(50.0).text == ui.drawing_hand
        guide.sent()
        assert (guide.instruction(50.0).step, guide.instruction(50.0).text) == (Step.SENT, ui.sent)
        clip = Path("recordings/20240101-120000-32L7dug1VWqoQ04JWv2syA.gif")
        guide.exported(clip)
        said = guide.instruction(50.0, sharing=True)
        assert said.step is Step.EXPORTED and said.clip == clip
        assert said.text == ui.exported and "scan" in said.text  # the visitor is invited to scan
        assert guide.instruction(50.0, sharing=False).text == ui.saved  # no code on screen: no scan
        for shown in (said.text, ui.saved):
            assert clip.stem not in shown and "32L7dug1" not in shown and ".gif" not in shown
        guide.stroke("mouse")
        assert guide.instruction(50.0).step is Step.DRAWING
        guide.cleared()
        assert guide.instruction(50.0).step is Step.INVITE
        guide.attract()
        assert guide.instruction(math.inf).text == ui.invite_mouse

    def test_export_while_drawing_again_keeps_the_drawing_text(self):
        guide = Guide(UiConfig())
        guide.stroke("mouse")
        guide.sent()
        guide.stroke("mouse")
        guide.exported("x.gif")
        assert guide.instruction(50.0).step is Step.DRAWING
        assert guide.clip == Path("x.gif")

    def test_attract_returns_to_the_inputs_variant(self):
        guide = Guide(UiConfig(), "hand")
        guide.stroke("mouse")
        guide.attract()
        assert guide.instruction(math.inf).kind == "hand"


class TestCountdown:
    def test_counts_down_in_whole_seconds_before_the_timeout(self):
        ui = UiConfig(countdown_seconds=10.0)
        guide = Guide(ui)
        guide.stroke("mouse")
        assert guide.instruction(10.5).step is Step.DRAWING
        said = [guide.instruction(left) for left in (10.0, 9.2, 3.0, 0.4)]
        assert [s.step for s in said] == [Step.COUNTDOWN] * 4
        assert [s.seconds for s in said] == [10, 10, 3, 1]
        assert said[2].text == "Still there? Clearing in 3 s"

    def test_every_step_but_invite_counts_down(self):
        guide = Guide(UiConfig())
        assert guide.instruction(2.0).step is Step.INVITE
        for event in (lambda: guide.stroke(False), guide.sent, lambda: guide.exported("a.gif")):
            event()
            assert guide.instruction(2.0).step is Step.COUNTDOWN

    def test_off(self):
        guide = Guide(UiConfig(countdown_seconds=0.0))
        guide.stroke("mouse")
        assert guide.instruction(0.5).step is Step.DRAWING


class TestTexts:
    def test_translated_texts_pass_through(self):
        config = load_config(
            None, {"ui.invite_mouse": "Dessine ça ici", "ui.countdown": "Noch {seconds} s – los geht’s"}
        )
        guide = Guide(config.ui)
        assert guide.instruction(math.inf).text == "Dessine ça ici"
        guide.stroke(False)
        assert guide.instruction(4.0).text == "Noch 4 s – los geht’s"

    @pytest.mark.parametrize(
        "key, value, words",
        [
            ("ui.sent", "", ["ui.sent", "one-line"]),
            ("ui.sent", "two\nlines", ["ui.sent", "one-line"]),
            ("ui.countdown", "in {secs} s", ["ui.countdown", "{seconds}"]),
            ("ui.exported", "saved as {name}", ["ui.exported", "no field", "no file name"]),
            ("ui.saved", "at {path}", ["ui.saved", "no field"]),
            ("ui.target_preview", "big", ["ui.target_preview", "'small'", "'off'"]),
        ],
    )
    def test_bad_texts_name_the_key(self, key, value, words):
        with pytest.raises(ConfigError) as info:
            load_config(None, {key: value})
        assert all(word in str(info.value) for word in words)


class TestHandLost:
    """Issue 17: while the hand cannot draw, its texts give way to the mouse's, or to a calm line."""

    def test_a_window_offers_the_mouse(self):
        ui = UiConfig()
        guide = Guide(ui, "hand", mouse=True)
        guide.input_lost(True)
        said = guide.instruction(math.inf)
        assert (said.text, said.kind) == (ui.invite_mouse, "mouse")
        guide.stroke("hand")  # the drawing the hand began before the camera went
        assert guide.instruction(50.0).text == ui.drawing_mouse
        guide.input_lost(False)
        assert guide.instruction(50.0).text == ui.drawing_hand

    def test_without_a_mouse_the_calm_line(self):
        ui = UiConfig(camera_lost="Back soon")
        guide = Guide(ui, "hand", mouse=False)
        guide.input_lost(True)
        assert guide.instruction(math.inf).text == "Back soon"
        guide.stroke("hand")
        assert guide.instruction(50.0).text == "Back soon"
        guide.input_lost(False)
        assert guide.instruction(50.0).text == ui.drawing_hand

    def test_other_steps_and_the_mouse_are_untouched(self):
        ui = UiConfig()
        guide = Guide(ui, "hand", mouse=False)
        guide.input_lost(True)
        guide.stroke("mouse")  # a mouse stroke (a window's mouse): its own texts
        assert guide.instruction(50.0).text == ui.drawing_mouse
        guide.sent()
        assert guide.instruction(50.0).text == ui.sent
        assert guide.instruction(3.0).step is Step.COUNTDOWN

    def test_the_calm_line_is_checked(self):
        with pytest.raises(ConfigError, match="ui.camera_lost"):
            load_config(None, {"ui.camera_lost": " "})
        assert load_config(None, {"ui.kiosk_mouse": True}).ui.kiosk_mouse
