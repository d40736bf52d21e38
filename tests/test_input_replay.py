"""Replayed visits (app.input = "replay"): the input kind that shows a new source takes two files."""

import math

import pytest

from live.config import InputKind, ReplayConfig, UiConfig, load_config
from live.display.guide import Guide
from live.input import Command, Pen, Phase
from live.input.kinds import INPUTS
from live.input.replay import ReplayInput
from live.input.script import parse_script

VISIT = {
    "canvas": 100,
    "end": 2.0,
    "events": [
        {"t": 0.0, "stroke": [[10, 10], [90, 10]], "duration": 0.5},
        {"t": 1.0, "key": "s"},
        {"t": 1.5, "key": "q"},
    ],
}


def replay(loop=True):
    return ReplayInput(parse_script(VISIT, 200), ReplayConfig(loop=loop))


class TestReplay:
    def test_the_pens_are_the_replays_and_it_never_quits(self):
        source = replay()
        events = source.poll(10.0) + source.poll(11.9)
        pens = [e for e in events if isinstance(e, Pen)]
        assert [p.phase for p in pens] == [Phase.DOWN, Phase.MOVE, Phase.UP]
        assert {p.source for p in pens} == {"replay"}
        assert Command.SUBMIT in events and Command.QUIT not in events

    def test_it_plays_again_from_the_start(self):
        source = replay()
        first = source.poll(0.0) + source.poll(1.9)
        assert source.poll(2.0)[0].phase is Phase.DOWN  # the visit again
        assert source.stats() == {"replays": 2} and len(first) == 4

    def test_without_loop_it_ends(self):
        source = replay(loop=False)
        assert not source.finished(0.0) and source.poll(0.0)[0].phase is Phase.DOWN
        assert source.poll(5.0)[-1] is Command.SUBMIT
        assert source.finished(5.0) and source.poll(9.0) == []
        assert not replay(loop=True).finished(100.0)

    def test_the_kind_is_registered_with_its_texts(self):
        assert InputKind.REPLAY in INPUTS and not INPUTS[InputKind.REPLAY].needs_window
        ui = UiConfig()
        guide = Guide(ui, "replay")
        assert guide.instruction(math.inf).text == ui.invite_replay
        guide.stroke("replay")
        assert guide.instruction(50.0).text == ui.drawing_replay
        assert INPUTS[InputKind.REPLAY].ends(load_config(None, {"replay.loop": False}))

    def test_a_bad_visit_file_is_one_line(self, tmp_path):
        config = load_config(None, {"app.input": "replay", "replay.script": str(tmp_path / "none.json")})
        with pytest.raises(ValueError, match="cannot read script"):
            INPUTS[InputKind.REPLAY].open(config, False)


def test_a_headless_run_replays_until_its_end(tmp_path):
    from live.app import run_live
    from tests.test_app_loop import SMALL

    visit = tmp_path / "visit.json"
    visit.write_text(
        '{"fps": 30, "canvas": 224, "end": 1.0, "events": ['
        '{"t": 0, "stroke": [[60, 60], [160, 60], [160, 160], [60, 160], [60, 60]], "duration": 0.4},'
        '{"t": 0.5, "key": "s"}]}'
    )
    overrides = {**SMALL, "app.input": "replay", "replay.script": str(visit), "replay.loop": False}
    overrides["paths.recordings"] = str(tmp_path / "rec")
    result = run_live(load_config(None, overrides), "none")
    assert result.frames > 10 and result.input_stats == {"replays": 1}
