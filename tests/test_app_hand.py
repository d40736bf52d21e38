"""Hand input in the live loop: inputs combined (hand + mouse or script), the input's overlay and
status, camera lost, and whole headless runs over real footage with nothing of the camera written."""

from __future__ import annotations

import logging
import tempfile
import time
from pathlib import Path

import imageio.v3 as iio
import numpy as np
import pytest

from live.app import Installation, RunOptions, run_live
from live.app.presenter import STATUS_SECONDS
from live.display import DISPLAYS, DisplayKind, OffscreenDisplay
from live.input import Command, Input, Pen, Phase, Status
from live.input.combine import CombinedInput
from live.record import Recorder, Source
from live.scene import build
from tests.conftest import HANDS
from tests.test_app_loop import SQUARE, small_config, write_script

CIRCLE = HANDS / "fingertip_circle.mp4"
TURNING = HANDS / "open_hand_turning.mp4"
needs_footage = pytest.mark.skipif(not CIRCLE.is_file(), reason="no hand footage in ../shared/data/hands")


class Scripted(Input):
    """An input that returns one list of events per poll, then nothing."""

    def __init__(self, *polls, fail_at=None):
        self.polls = list(polls)
        self.fail_at = fail_at
        self.calls = 0
        self.closed = False

    def poll(self, now):
        self.calls += 1
        if self.calls == self.fail_at:
            raise OSError("camera unplugged")
        return self.polls.pop(0) if self.polls else []

    def close(self):
        self.closed = True


def down(x, y):
    return Pen(Phase.DOWN, x, y)


def move(x, y):
    return Pen(Phase.MOVE, x, y)


def up(x, y):
    return Pen(Phase.UP, x, y)


class TestCombinedInput:
    def test_commands_from_every_input_in_order(self):
        combined = CombinedInput(Scripted([Command.UNDO]), Scripted([Command.SUBMIT, Command.CLEAR]))
        assert combined.poll(0.0) == [Command.UNDO, Command.SUBMIT, Command.CLEAR]
        assert combined.poll(0.1) == []

    def test_one_pen_at_a_time(self):
        hand = Scripted([down(10, 10), move(20, 10)], [move(30, 10)], [up(40, 10)], [move(50, 50)])
        mouse = Scripted([down(90, 90)], [move(95, 90), Command.HUD], [move(99, 90)], [up(99, 99)])
        combined = CombinedInput(hand, mouse)
        assert combined.poll(0.0) == [down(10, 10), move(20, 10)]  # the mouse's down is dropped
        assert combined.poll(0.1) == [move(30, 10), Command.HUD]  # commands pass while the hand draws
        # the hand lifts; the mouse, still dragging, picks the pen up with its next move
        assert combined.poll(0.2) == [up(40, 10), down(99, 90)]
        assert combined.poll(0.3) == [up(99, 99)]  # the hand's move while the mouse owned it is gone
        assert combined.poll(0.4) == []

    def test_a_lone_pen_up_is_dropped(self):
        assert CombinedInput(Scripted([up(1, 1)])).poll(0.0) == []

    def test_the_pens_of_one_input_draw_at_once(self):
        two = Scripted([down(10, 10), Pen(Phase.DOWN, 90, 90, pen=1)], [up(20, 10)], [Pen(Phase.MOVE, 95, 90, pen=1)])
        mouse = Scripted([], [], [down(50, 50)], [move(60, 50)])
        combined = CombinedInput(two, mouse)
        assert combined.poll(0.0) == [down(10, 10), Pen(Phase.DOWN, 90, 90, pen=1)]
        assert combined.poll(0.1) == [up(20, 10)]
        assert combined.poll(0.2) == [Pen(Phase.MOVE, 95, 90, pen=1)]  # pen 1 is still down: the mouse waits
        assert combined.poll(0.3) == []

    def test_a_failing_input_does_not_silence_the_others(self, caplog):
        hand = Scripted([], fail_at=1)
        mouse = Scripted([down(5, 5)])
        combined = CombinedInput(hand, mouse)
        with caplog.at_level(logging.ERROR):
            assert combined.poll(0.0) == [down(5, 5)]
        assert "camera unplugged" in caplog.text

    def test_the_interface_comes_from_the_inputs(self):
        class Hooked(Scripted):
            def overlay(self, canvas):
                return canvas + 1

            def status(self):
                return Status("camera lost")

            def finished(self, now):
                return now > 1.0

            def stats(self):
                return {"hand_frames": 3}

        hooked, plain = Hooked(), Scripted()
        combined = CombinedInput(plain, hooked)
        canvas = np.zeros((4, 4, 3), np.uint8)
        assert (combined.overlay(canvas) == 1).all()
        assert combined.status() == Status("camera lost") and combined.stats() == {"hand_frames": 3}
        assert not combined.finished(0.5) and combined.finished(2.0)
        assert CombinedInput(plain).overlay(canvas) is canvas and CombinedInput(plain).status() is None

    def test_close_closes_every_input_even_when_one_fails(self):
        class Bad(Scripted):
            def close(self):
                raise RuntimeError("stuck")

        good = Scripted()
        CombinedInput(Bad(), good).close()
        assert good.closed

    def test_needs_an_input(self):
        with pytest.raises(ValueError, match="at least one input"):
            CombinedInput()


@pytest.fixture(scope="module")
def scene():
    from live.config import load_config
    from tests.test_app_loop import SMALL

    return build(load_config(None, SMALL))


class TestInstallationWithAnInput:
    def make(self, tmp_path, scene, source=None, kiosk=False, **changes):
        config = small_config(tmp_path, **changes)
        recorder = Recorder(config.record, config.paths.recordings)
        shown = []

        class Display(OffscreenDisplay):
            def show(self, canvas, result, hud, wait_ms=1):
                shown.append((canvas, hud.status))

        mode = DISPLAYS[DisplayKind.KIOSK if kiosk else DisplayKind.WINDOW]
        install = Installation(config, scene, Display(128, compose=True), recorder, mode, 0.0, source)
        return install, recorder, shown

    def test_overlay_gets_the_canvas_every_frame(self, tmp_path, scene):
        seen = []
        marked = np.full((128, 128, 3), 9, np.uint8)

        class Overlaid(Input):
            def overlay(self, canvas):
                seen.append(canvas.copy())
                return marked

        install, rec, shown = self.make(tmp_path, scene, Overlaid())
        with rec:
            install.frame([down(30, 30), move(90, 30), up(90, 30)], 0.0)
            install.frame([], 0.1)
        assert len(seen) == 2 and seen[0][30, 60, 2] == 255  # the ink reaches the overlay
        assert all(canvas is marked for canvas, _ in shown)

    def test_camera_lost_is_for_staff_and_the_instruction_changes(self, tmp_path, scene):
        """Issue 17: a lost camera never reaches the visitor's status line; the staff HUD has it
        while it lasts, the window's instruction offers the mouse, and "camera back" follows."""
        state = {"text": "camera lost: no frame for 2.0 s"}

        class Losing(Input):
            def status(self):
                return Status(state["text"], over="camera back") if state["text"] else None

        install, rec, shown = self.make(tmp_path, scene, Losing(), **{"app.input": "hand"})
        ui = install.config.ui
        with rec:
            for i in range(5):
                install.frame([], i * STATUS_SECONDS)  # far past a status line's life
                assert install.presenter.hud.status == "" and install.presenter.hud.staff == state["text"]
                assert install.presenter.hud.instruction.text == ui.invite_mouse  # a window: the mouse draws too
            state["text"] = ""
            install.frame([], 8 * STATUS_SECONDS)
            hud = install.presenter.hud
            assert hud.status == "camera back" and hud.status_ok and hud.staff == ""
            assert install.presenter.hud.instruction.text == ui.invite_hand
        assert all(status != "camera lost: no frame for 2.0 s" for _, status in shown)

    def test_a_kiosk_without_a_mouse_shows_the_calm_line(self, tmp_path, scene):
        class Stopping(Input):
            def status(self):
                return Status("hand tracking stopped: graph broke")

        install, rec, _ = self.make(tmp_path, scene, Stopping(), kiosk=True, **{"app.input": "hand"})
        with rec:
            install.frame([], 0.0)
            hud = install.presenter.hud
            assert hud.status == "" and hud.staff == "hand tracking stopped: graph broke"
            assert install.presenter.hud.instruction.text == install.config.ui.camera_lost

    def test_a_problem_without_words_for_its_end_just_goes(self, tmp_path, scene):
        state = {"status": Status("hand tracking stopped: graph broke")}

        class Stopping(Input):
            def status(self):
                return state["status"]

        install, rec, _ = self.make(tmp_path, scene, Stopping())
        with rec:
            install.frame([], 0.0)
            assert install.presenter.hud.staff == "hand tracking stopped: graph broke"
            state["status"] = None
            install.frame([], 0.1)
            assert install.presenter.hud.status == "" and install.presenter.hud.staff == ""

    def test_a_clear_while_the_hand_draws_leaves_no_line_back(self, tmp_path, scene):
        """The canvas keeps the strokes: a keyboard clear mid-stroke drops them, and the hand's next
        moves draw a new stroke from where the hand is, not from before the clear."""
        install, rec, _ = self.make(tmp_path, scene)
        with rec:
            install.frame([down(30, 30), move(90, 30), Command.CLEAR], 0.0)
            assert install.visit.canvas.empty
            install.frame([move(90, 90), move(90, 100), up(90, 100)], 0.1)
            assert install.visit.canvas.strokes == [[(90.0, 90.0), (90.0, 100.0)]]
            install.frame([Command.SUBMIT], 0.2)
            assert install.visit.canvas.empty and scene.arranger.target.sum() > 0

    def test_a_pen_up_without_a_stroke_draws_nothing(self, tmp_path, scene):
        install, rec, _ = self.make(tmp_path, scene)
        with rec:
            install.frame([up(60, 60)], 0.0)
        assert install.visit.canvas.empty and not install.visit.canvas.image.any()


class FakeInput(Scripted):
    """An input with every hook, counting the overlay calls."""

    def __init__(self, *polls):
        super().__init__(*polls)
        self.overlays = 0

    def overlay(self, canvas):
        self.overlays += 1
        return canvas

    def status(self):
        return Status("camera lost")


class TestRunWithAnInput:
    def test_the_run_calls_the_overlay_and_shows_the_status(self, tmp_path, monkeypatch):
        import live.app.run as run

        fake = FakeInput([down(30, 30), move(90, 90), up(90, 90)])
        monkeypatch.setattr(run, "open_input", lambda config, kind, script=None: run.Inputs(fake))
        statuses = []
        options = RunOptions(on_frame=lambda install, seconds: statuses.append(install.presenter.hud.staff))
        result = run_live(small_config(tmp_path), "offscreen", max_frames=5, options=options)
        assert result.frames == 5 and fake.overlays == 5 and fake.closed
        assert statuses == ["camera lost"] * 5  # on the staff HUD (issue 17)


class SpyRecorder(Recorder):
    """The recorder, noting every source it is made for or given."""

    sources: list = []

    def __init__(self, settings, folder, shape=None, source=Source.SWARM, **kwargs):
        SpyRecorder.sources.append(source)
        super().__init__(settings, folder, shape, source, **kwargs)

    def add(self, frame, source=None):
        SpyRecorder.sources.append(source)
        return super().add(frame, source)


def files_under(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


@needs_footage
class TestHeadlessHandRun:
    def test_whole_loop_over_a_video_writes_only_the_result_view(self, tmp_path, monkeypatch):
        """The hand in fingertip_circle.mp4 holds an open palm (submit) while a script draws a
        square; the run ends with the video. Only the clip drawn from the swarm is written."""
        import live.app.run as run

        scratch = tmp_path / "tmp"
        scratch.mkdir()
        monkeypatch.setattr(tempfile, "tempdir", str(scratch))
        monkeypatch.setenv("TMPDIR", str(scratch))
        SpyRecorder.sources = []
        monkeypatch.setattr(run, "Recorder", SpyRecorder)
        config = small_config(
            tmp_path,
            **{"app.input": "hand", "camera.source": str(CIRCLE), "camera.loop_video": False, "app.idle_seconds": 0.0,
               "record.plateau_frames": 10000},
        )  # fmt: skip
        script = write_script(tmp_path, [{"t": 0.0, "stroke": SQUARE, "duration": 0.3}], end=10000.0)
        seen = {}

        def probe(install, seconds):
            seen["target"] = install.swarm.arranger.target.detach().cpu().numpy().copy()
            time.sleep(0.02)  # a kiosk-like pace: the 4.8 s video takes a few hundred frames

        result = run_live(config, "none", script, max_frames=600, options=RunOptions(on_frame=probe))
        assert result.frames < 600, "the run should end with the video (camera.loop_video=false)"
        assert result.failed_frames == 0 and result.input_stats["hand_found"] > 0
        target = seen["target"]
        assert target.sum() > 0 and target[32, 32] == 0 and target[15, 32] > 0  # the square, not the attract text
        # nothing of the camera: only the swarm went to the recorder, and only the clip was written
        assert SpyRecorder.sources and set(SpyRecorder.sources) == {Source.SWARM}
        gifs = [p for p in files_under(tmp_path) if p.suffix == ".gif"]
        assert len(gifs) == 1 and gifs[0].parent == tmp_path / "rec"
        assert files_under(tmp_path) == sorted([*gifs, gifs[0].with_suffix(".mp4"), tmp_path / "script.json"])
        frames = iio.imread(gifs[0], index=None)
        side = config.record.size
        assert frames.ndim == 4 and frames.shape[1:3] == (side, side)  # the clip: the swarm alone, record.size

    def test_cli_headless_hand_run_ends_with_the_video(self, tmp_path, capsys):
        from live.cli import main
        from tests.test_app_loop import SMALL

        args = ["run", "--headless", "--input", "hand", "--camera", str(CIRCLE), "--recordings", str(tmp_path / "rec")]
        args += [f"--set={k}={v}" for k, v in SMALL.items()] + ["--set=camera.loop_video=false"]
        assert main(args) == 0
        err = capsys.readouterr().err
        assert "0 failed frame(s)" in err and "0 recording(s) written" in err  # an open palm with nothing drawn
        # The folder is checked (and made) at start; nothing may be written into it.
        assert list((tmp_path / "rec").iterdir()) == []


class NeverOpens:
    """A webcam that is not there."""

    def isOpened(self):
        return False

    def release(self):
        pass

    def read(self):
        return False, None

    def get(self, prop):
        return 0.0


class TestCameraLost:
    def test_hand_input_says_camera_lost_and_the_script_still_draws(self, tmp_path, monkeypatch):
        import live.input.camera as camera

        monkeypatch.setattr(camera, "open_capture", lambda source, config: NeverOpens())
        config = small_config(tmp_path, **{"app.input": "hand", "camera.source": "0", "app.idle_seconds": 0.0})
        script = write_script(
            tmp_path, [{"t": 0.0, "stroke": SQUARE, "duration": 0.3}, {"t": 0.5, "key": "s"}], end=3.0
        )
        statuses = []

        def probe(install, seconds):
            statuses.append(install.presenter.hud.staff)
            if not any(s.startswith("camera lost") for s in statuses):
                time.sleep(0.2)  # the frame clock waits for the tracking thread to start

        result = run_live(config, "none", script, options=RunOptions(on_frame=probe))
        assert result.frames == 31 and result.failed_frames == 0 and len(result.exported) == 1
        assert any(s.startswith("camera lost") for s in statuses)

    def test_pen_input_status_and_banner(self):
        from live.config import CameraConfig, HandConfig
        from live.input.hand_input import HandInput

        with HandInput(CameraConfig(), HandConfig(), 128, source=0, opener=lambda src: NeverOpens()) as hand:
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and not hand.status():
                hand.poll(time.monotonic())
                time.sleep(0.02)
            assert hand.status().text.startswith("camera lost")
            picture = hand.overlay(np.zeros((128, 128, 3), np.uint8))
        assert not picture.any()  # issue 17: no red "camera lost" banner for visitors


@needs_footage
class TestHandOverlay:
    def test_camera_behind_the_ink_in_a_window_and_a_corner_in_a_kiosk(self):
        from live.config import CameraConfig, HandConfig
        from live.input.hand_input import HandInput

        canvas = np.zeros((128, 128, 3), np.uint8)
        canvas[60:68, 20:100] = (0, 0, 255)  # a red stroke
        with HandInput(CameraConfig(), HandConfig(), 128, source=TURNING) as hand:
            assert hand.ready(30.0)
            hand.poll(time.monotonic())
            window = hand.overlay(canvas).copy()
            hand.pip = True
            kiosk = hand.overlay(canvas).copy()
        changed = (window != canvas).any(axis=2)
        assert window.shape == canvas.shape and changed.mean() > 0.5  # the camera picture behind
        assert (window[60:68, 20:100, 2] == 255).all()  # the ink on top
        pip = np.zeros((128, 128), bool)
        pip[128 - 8 - 21 : 128 - 8, 128 - 8 - 38 : 128 - 8] = True  # 30% of the side, 16:9, 8 px margin
        assert kiosk[pip].mean() > 5  # the camera in the picture-in-picture
        elsewhere = (kiosk != canvas).any(axis=2) & ~pip
        assert elsewhere.mean() < 0.1  # the rest is the canvas (with the skeleton and progress arcs)


class TestLoopBenchWithHand:
    def test_needs_a_camera(self):
        from live.tools.bench import run_loop_bench

        with pytest.raises(ValueError, match="needs --camera"):
            run_loop_bench(frames=1, warmup=0, input="hand")

    @needs_footage
    def test_reports_hand_tracking(self):
        from live.tools.bench import format_loop, run_loop_bench

        figures = run_loop_bench(frames=60, warmup=10, input="hand", camera=str(TURNING))
        assert figures["input"] == "hand" and figures["frames"] == 60 and figures["fps"] > 0
        assert figures["hand_frames"] > 0 and figures["hand_ms"] > 0
        # The swarm is the live run's sized one, counted per frame: about 100 small creatures for
        # 'DRAW!' in the first timed frames, then about 85 for the script's circle drawn with the
        # fine pen (target.brush = 4; about 20 big ones with the seed's brush of 20).
        assert 50 < figures["sprites"] <= figures["sprites_max"] <= 600
        assert "hand input:" in format_loop(figures)
