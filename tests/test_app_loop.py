"""The live loop: keys, quit chord, attract mode, plateau, the installation frame by frame,
headless runs."""

import json
import logging

import imageio.v3 as iio
import numpy as np
import pytest
import torch

from live.app import Attract, FrameClock, Installation, Plateau, RunOptions, run_live
from live.config import ConfigError, load_config
from live.display import DISPLAYS, DisplayKind, OffscreenDisplay
from live.input import Command, Input, Pen, Phase
from live.input.keys import KEY_ESC, KeyboardInput, QuitChord, keymap
from live.record import Recorder
from live.scene import build
from tests.stroke_helpers import along

SMALL = {
    "swarm.sprites": 6,
    "swarm.pool": 60,  # live run's pool (a run_live scene); tests that build() get the 6 above
    "render.size": 64,
    "render.backend": "analytic",
    "render.device": "cpu",
    "app.window": 128,
    "record.stride": 1,
    "record.max_seconds": 4.0,
    "record.fps": 10.0,
    "record.size": 128,
}


def small_config(tmp_path, **extra):
    # share.enabled: a headless run serves /healthz too; these tests need no server
    return load_config(None, {**SMALL, "paths.recordings": str(tmp_path / "rec"), "share.enabled": False, **extra})


def keys(*pressed, keyboard=None, now=0.0):
    """Key presses (characters or codes) as the window's keyboard hands them to the loop (a kiosk
    passes its own ``keyboard``, which keeps the quit chord)."""
    keyboard = keyboard or KeyboardInput(keymap("q", False))
    for key in pressed:
        keyboard.press(ord(key) if isinstance(key, str) else key)
    return keyboard.poll(now)


def mode_of(kiosk: bool):
    return DISPLAYS[DisplayKind.KIOSK if kiosk else DisplayKind.WINDOW]


class FakeClock:
    def __init__(self, t=0.0):
        self.t = t

    def __call__(self):
        return self.t


class TestQuitChord:
    def test_three_presses_within_window(self):
        chord = QuitChord(3, 2.0)
        assert [chord.press(t) for t in (0.0, 0.5, 1.9)] == [False, False, True]

    def test_slow_presses_do_not_quit(self):
        chord = QuitChord(3, 2.0)
        assert not any(chord.press(t) for t in (0.0, 1.5, 3.0, 4.5, 6.0))

    def test_window_slides(self):
        chord = QuitChord(3, 2.0)
        assert [chord.press(t) for t in (0.0, 3.0, 3.5, 4.0)] == [False, False, False, True]

    def test_bad_settings(self):
        with pytest.raises(ValueError, match="presses"):
            QuitChord(0, 2.0)


class TestAttract:
    def test_timing_with_injected_times(self):
        attract = Attract(10.0, now=0.0)
        assert attract.active  # the installation starts attracting
        assert attract.stroke(1.0) and not attract.active
        assert not attract.due(10.9)
        attract.touch(5.0)
        assert not attract.due(14.9) and attract.due(15.0) and attract.active
        assert not attract.due(100.0)  # once on, it is not due again
        assert attract.stroke(101.0) and not attract.stroke(102.0)

    def test_zero_turns_it_off(self):
        attract = Attract(0.0, now=0.0)
        attract.stroke(0.0)
        assert not attract.due(1e6)


class TestPlateau:
    def test_settles_when_loss_stops_falling(self):
        plateau = Plateau(frames=5, tolerance=0.01)
        falling = [100.0 - 10 * i for i in range(8)]
        assert not any(plateau.update(x) for x in falling)
        flat = [plateau.update(30.0) for _ in range(6)]
        assert flat[-1] and not flat[0]

    def test_reset(self):
        plateau = Plateau(frames=2, tolerance=0.5)
        for _ in range(3):
            plateau.update(1.0)
        plateau.reset()
        assert not plateau.update(1.0)


def keeping_writer(frames: list):
    """A recorder's writer that keeps the pictures it is given in ``frames`` and writes a stub."""

    def writer(path, stack, fps):
        frames.extend(stack)
        path.write_bytes(b"GIF89a")
        return path

    return writer


def draw_square(install, now, lo=30, hi=98):
    """A square outline drawn with the mouse (a sample every few pixels, so its corners stay)."""
    install.handle(Pen(Phase.DOWN, lo, lo), now)
    for x, y in along([(lo, lo), (hi, lo), (hi, hi), (lo, hi), (lo, lo)])[1:]:
        install.handle(Pen(Phase.MOVE, x, y), now)
    install.handle(Pen(Phase.UP, lo, lo), now)


@pytest.fixture(scope="module")
def scene():
    return build(load_config(None, SMALL))


class TestInstallation:
    def make(self, tmp_path, scene, kiosk=False, writer=None, **extra):
        config = small_config(tmp_path, **extra)
        recorder = Recorder(config.record, config.paths.recordings, writer=writer)
        display = OffscreenDisplay(config.app.window, compose=True)
        return Installation(config, scene, display, recorder, mode_of(kiosk), start=0.0), recorder, display

    def test_starts_in_attract_mode_with_text_target(self, tmp_path, scene):
        install, rec, display = self.make(tmp_path, scene)
        with rec:
            install.frame([], 0.0)
            assert install.presenter.hud.mode == "attract" and scene.arranger.target.sum() > 0
            assert display.last.shape == (128, 256, 3)
            assert display.last[:, 128:, 2].any()  # the attract text beside the swarm, in red (BGR)

    def test_keys_drive_canvas_and_target(self, tmp_path, scene):
        install, rec, _ = self.make(tmp_path, scene)
        with rec:
            draw_square(install, 0.1)
            assert not install.visit.canvas.empty and install.presenter.hud.mode == ""
            install.frame(keys("z"), 0.2)
            assert install.visit.canvas.empty
            draw_square(install, 0.3)
            install.frame(keys("c"), 0.4)
            assert install.visit.canvas.empty
            install.frame(keys("s"), 0.5)  # empty canvas: nothing happens but a message
            assert "draw something" in install.presenter.hud.status and not rec.recording
            draw_square(install, 0.6)
            install.frame(keys("s"), 0.7)
            assert install.visit.canvas.empty and rec.recording
            expected = install.visit.canvas.mask(64)  # empty now; the target is the drawn square
            assert not expected.any()
            target = scene.arranger.target.numpy()
            assert target[32, 32] == 0 and target[15, 32] == 1  # a square outline, hollow
            install.frame(keys("h"), 0.8)
            assert not install.presenter.hud.stats
            install.frame(keys("r"), 0.9)
            assert not rec.recording  # r stopped it ...
            install.frame(keys("r"), 1.0)
            assert rec.recording  # ... and started another
            install.frame(keys("g"), 1.1)
            assert not rec.recording
            assert not install.quit
            install.frame(keys("q"), 1.2)
            assert install.quit

    def test_esc_quits_a_window(self, tmp_path, scene):
        install, rec, _ = self.make(tmp_path, scene)
        with rec:
            install.frame(keys(KEY_ESC), 0.0)
            assert install.quit

    def test_kiosk_needs_the_chord(self, tmp_path, scene):
        install, rec, _ = self.make(tmp_path, scene, kiosk=True)
        keyboard = mode_of(True).keyboard(install.config.app)
        with rec:
            install.frame(keys(KEY_ESC, KEY_ESC, keyboard=keyboard, now=0.0), 0.0)
            install.frame(keys("q", keyboard=keyboard, now=0.1), 0.1)
            install.frame(keys("q", keyboard=keyboard, now=3.0), 3.0)  # too slow
            install.frame(keys("q", keyboard=keyboard, now=3.5), 3.5)
            assert not install.quit
            install.frame(keys("q", keyboard=keyboard, now=4.0), 4.0)
            assert install.quit

    def test_attract_mode_after_idle_with_injected_clock(self, tmp_path, scene):
        install, rec, _ = self.make(tmp_path, scene, **{"app.idle_seconds": 5.0})
        with rec:
            draw_square(install, 1.0)
            install.frame(keys("s"), 1.0)
            draw_square(install, 2.0)  # a second drawing, not submitted
            install.frame([], 6.9)
            assert install.presenter.hud.mode == "" and not install.visit.canvas.empty
            install.frame([], 7.0)  # 5 s after the last input
            assert install.presenter.hud.mode == "attract" and install.visit.canvas.empty and not rec.recording
            np.testing.assert_array_equal(scene.arranger.target.numpy(), install.visit.attract_mask)
            install.frame([Pen(Phase.DOWN, 10, 10)], 8.0)  # the first stroke takes over
            assert install.presenter.hud.mode == "" and not install.visit.canvas.empty

    def test_non_finite_offsets_reset_the_swarm_and_the_loop_goes_on(self, tmp_path, scene, caplog):
        install, rec, _ = self.make(tmp_path, scene)
        with rec:
            install.frame([], 0.0)
            with torch.no_grad():
                scene.arranger.offsets.fill_(float("nan"))
            for i in range(1, 4):
                install.frame([], 0.1 * i)
            assert install.failed_frames <= 1 and "the swarm starts again" in caplog.text
            assert np.isfinite(install.presenter.hud.loss) and torch.isfinite(scene.arranger.offsets).all()
            assert install.display.last[:, :128].any()  # the swarm is shown again

    def test_a_nan_gradient_resets_the_swarm_without_a_failed_frame(self, tmp_path, scene, caplog, monkeypatch):
        install, rec, _ = self.make(tmp_path, scene)
        arranger = scene.arranger
        real = arranger.loss
        with rec:
            install.frame([], 0.0)
            zero = lambda: arranger.offsets - arranger.offsets.detach()  # noqa: E731 - 0, with a gradient
            with monkeypatch.context() as patch:  # a loss term whose gradient is NaN once: sqrt at 0
                patch.setattr(arranger, "loss", lambda: real() + 0.0 * zero().abs().sqrt().sum())
                install.frame([], 0.1)
            for i in range(2, 5):
                install.frame([], 0.1 * i)
            assert install.failed_frames == 0 and "loss is nan: the swarm starts again" in caplog.text
            assert np.isfinite(install.presenter.hud.loss) and torch.isfinite(arranger.offsets).all()

    def test_export_failure_leaves_the_loop_running(self, tmp_path, scene):
        def broken(path, frames, fps):
            raise OSError(28, "No space left on device")

        install, rec, _ = self.make(tmp_path, scene, writer=broken)
        with rec:
            draw_square(install, 0.0)
            install.frame(keys("s"), 0.0)
            for i in range(3):
                install.frame([], 0.1 * i)
            install.frame(keys("g"), 0.5)
            rec.wait()
            install.frame([], 0.6)
            assert "not saved: disk full" in install.presenter.hud.status and not install.presenter.hud.status_ok
            draw_square(install, 0.7)
            install.frame(keys("s"), 0.7)
            for i in range(5):
                install.frame([], 0.8 + 0.1 * i)
            assert rec.recording and rec.frames == 6 and install.failed_frames == 0  # the s frame and 5 more

    def test_input_overlay_is_shown_not_recorded(self, tmp_path, scene):
        config = small_config(tmp_path)
        shown = []

        class Display(OffscreenDisplay):
            def show(self, canvas, result, hud, wait_ms=1):
                shown.append(canvas)

        marked = np.full((128, 128, 3), 7, np.uint8)

        class Marked(Input):
            def overlay(self, canvas):
                return marked

        with Recorder(config.record, config.paths.recordings) as rec:
            install = Installation(config, scene, Display(128, compose=True), rec, start=0.0, source=Marked())
            install.frame([], 0.0)
        assert shown[0] is marked

    def test_attract_mode_is_never_recorded(self, tmp_path, scene):
        """`r` in attract mode (at start, and after idling into it) records nothing; after a
        stroke it records."""
        install, rec, _ = self.make(tmp_path, scene, **{"app.idle_seconds": 5.0})
        with rec:
            install.frame(keys("r"), 0.0)
            for i in range(1, 5):
                install.frame([], 0.1 * i)
            assert install.presenter.hud.mode == "attract" and not rec.recording and rec.frames == 0
            assert install.presenter.hud.status == "attract mode is not recorded: draw first"
            install.frame(keys("g"), 0.6)
            draw_square(install, 1.0)
            install.frame([], 1.0)
            install.frame([], 7.0)  # idle: attract mode again
            assert install.presenter.hud.mode == "attract"
            install.frame(keys("r"), 7.1)
            install.frame([], 7.2)
            assert not rec.recording
            draw_square(install, 8.0)  # a visitor: `r` records now
            install.frame(keys("r"), 8.0)
            install.frame([], 8.1)
            assert rec.recording and rec.frames == 2
            rec.stop(export=False)
            rec.wait()
        assert rec.exported == [] and list((tmp_path / "rec").iterdir()) == []

    def test_gives_up_at_exactly_max_failed_frames_in_a_row(self, tmp_path, scene, monkeypatch):
        from live.app.loop import MAX_FAILED_FRAMES

        install, rec, _ = self.make(tmp_path, scene)
        step = scene.arranger.step

        def broken():
            raise RuntimeError("step broke")

        with rec:
            monkeypatch.setattr(scene.arranger, "step", broken)
            for i in range(MAX_FAILED_FRAMES - 1):  # one short of the limit: goes on
                install.frame([], 0.01 * i)
            monkeypatch.setattr(scene.arranger, "step", step)
            install.frame([], 3.0)  # a good frame starts the count again
            monkeypatch.setattr(scene.arranger, "step", broken)
            for i in range(MAX_FAILED_FRAMES - 1):
                install.frame([], 3.0 + 0.01 * i)
            assert install.failed_frames == 2 * (MAX_FAILED_FRAMES - 1)
            last = f"^{MAX_FAILED_FRAMES} frames in a row failed; last error: step broke"
            with pytest.raises(RuntimeError, match=last):
                install.frame([], 9.0)  # the 300th in a row
        assert MAX_FAILED_FRAMES == 300  # the README's figure

    def test_a_failing_frame_is_logged_and_the_loop_goes_on(self, tmp_path, scene, caplog):
        install, rec, display = self.make(tmp_path, scene)
        calls = []
        show = display.show

        def flaky_show(*args, **kw):
            calls.append(1)
            if len(calls) == 2:
                raise RuntimeError("display hiccup")
            return show(*args, **kw)

        display.show = flaky_show
        with rec:
            for i in range(4):
                install.frame([], 0.1 * i)
        assert install.frames == 4 and install.failed_frames == 1
        assert "display hiccup" in caplog.text


def write_script(tmp_path, events, **extra):
    path = tmp_path / "script.json"
    path.write_text(json.dumps({"fps": 10, "canvas": 128, "events": events, **extra}))
    return path


SQUARE = along([(30, 30), (98, 30), (98, 98), (30, 98), (30, 30)])  # as the mouse samples it


class TestHeadlessRun:
    def test_script_run_writes_the_gif(self, tmp_path):
        config = small_config(tmp_path, **{"record.plateau_frames": 1000})
        events = [{"t": 0.0, "stroke": SQUARE, "duration": 0.3}, {"t": 0.5, "key": "s"}]
        script = write_script(tmp_path, events, end=3.0)
        result = run_live(config, "none", script)
        assert result.frames == 31 and not result.quit  # frames 0 .. 30 at 10 fps
        assert len(result.exported) == 1 and result.failed_exports == 0
        gif = iio.imread(result.exported[0], index=None)
        assert gif.shape[1:] == (128, 128, 3) and gif.shape[0] == 26  # the clip (record.size); s at frame 5 on
        assert result.exported[0].with_suffix(".mp4").is_file()  # record.mp4 is on by default

    def test_max_frames_and_quit_key(self, tmp_path):
        config = small_config(tmp_path)
        script = write_script(tmp_path, [{"t": 1.0, "key": "q"}], end=10.0)
        assert run_live(config, "none", script, max_frames=4).frames == 4
        result = run_live(config, "none", script)
        assert result.quit and result.frames == 11 and result.exported == []

    def test_headless_needs_an_end(self, tmp_path):
        with pytest.raises(ValueError, match="--script FILE or --max-frames"):
            run_live(small_config(tmp_path), "none")

    def test_sigterm_quits_after_the_frame_and_exports(self, tmp_path):
        import os
        import signal

        config = small_config(tmp_path, **{"record.plateau_frames": 1000})
        script = write_script(
            tmp_path, [{"t": 0.0, "stroke": SQUARE, "duration": 0.2}, {"t": 0.3, "key": "s"}], end=100.0
        )

        def probe(install, seconds):
            if install.frames == 10:
                os.kill(os.getpid(), signal.SIGTERM)

        before = signal.getsignal(signal.SIGTERM)
        result = run_live(config, "none", script, options=RunOptions(on_frame=probe))
        assert result.quit and result.frames == 10 and len(result.exported) == 1
        assert signal.getsignal(signal.SIGTERM) is before

    def test_frame_clock(self):
        clock = FrameClock(4.0)
        assert [clock() for _ in range(3)] == [0.0, 0.25, 0.5]


class TestCli:
    def test_headless_run(self, tmp_path, capsys, caplog):
        from live.cli import main

        script = write_script(
            tmp_path, [{"t": 0.0, "stroke": SQUARE, "duration": 0.2}, {"t": 0.3, "key": "s"}, {"t": 1.0, "key": "g"}]
        )
        args = ["run", "--headless", "--script", str(script), "--recordings", str(tmp_path / "out")]
        args += [f"--set={k}={v}" for k, v in SMALL.items()]
        caplog.set_level(logging.INFO, logger="live.app")
        assert main(args) == 0
        out = capsys.readouterr()
        gifs = list((tmp_path / "out").glob("*.gif"))
        assert len(gifs) == 1 and str(gifs[0]) in out.out
        assert "started: input mouse, display headless" in caplog.text and "1 recording(s) written" in out.err

    @pytest.mark.parametrize(
        "args, message",
        [
            (["run", "--headless"], "--headless needs --script"),
            (["run", "--script", "missing.json", "--max-frames", "1"], "cannot read script"),
            (["run", "--headless", "--script", "missing.json"], "cannot read script"),
            (["run", "--headless", "--max-frames", "1", "--set", "app.quit_key=ss"], "app.quit_key"),
        ],
    )
    def test_bad_input_is_one_line(self, args, message, capsys):
        from live.cli import main

        assert main(args) == 2
        err = capsys.readouterr().err.strip().splitlines()[-1]
        assert err.startswith("live run: error:") and message in err

    @pytest.mark.parametrize(
        "text, message",
        [
            ('{"events": [{"t": 0, "stroke": [[1e300, 5]]}]}', "lies more than a canvas"),
            ('{"events": [{"t": 0, "stroke": [[5, 5]], "durtion": 1}]}', "unknown fields ['durtion']"),
            ("[" * 100_000 + "]" * 100_000, "more than 8 deep"),
        ],
    )
    def test_a_bad_script_stops_at_start(self, tmp_path, text, message, capsys):
        from live.cli import main

        script = tmp_path / "bad.json"
        script.write_text(text)
        assert main(["run", "--headless", "--script", str(script), "--recordings", str(tmp_path / "out")]) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert err[-1].startswith("live run: error: script") and message in err[-1]
        assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())

    def test_no_screen(self, monkeypatch, capsys):
        from live.cli import main

        monkeypatch.delenv("DISPLAY", raising=False)
        monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
        assert main(["run", "--max-frames", "1"]) == 1
        assert "use --headless" in capsys.readouterr().err


class TestAppConfig:
    def test_defaults_file_matches_dataclasses(self):
        from live.config import DEFAULT_CONFIG_PATH, Config, format_config

        assert DEFAULT_CONFIG_PATH.read_text().strip() == format_config(Config()).strip()

    @pytest.mark.parametrize(
        "key, value, message",
        [
            ("app.quit_key", "", "one printable character"),
            ("app.attract_text", " ", "one-line text"),
            ("app.steps_per_frame", 0, "out of range"),
            ("record.stride", 0, "out of range"),
            ("app.input", "pen", "one of 'mouse', 'hand'"),
        ],
    )
    def test_bad_values(self, key, value, message):
        with pytest.raises(ConfigError, match=message):
            load_config(None, {key: value})


class TestInputFailure:
    def test_a_failing_input_is_logged_and_the_loop_goes_on(self, tmp_path, monkeypatch, caplog):
        from live.input.script import ScriptInput

        calls = []
        poll = ScriptInput.poll

        def flaky(self, now):
            calls.append(now)
            if len(calls) == 3:
                raise OSError("camera unplugged")
            return poll(self, now)

        monkeypatch.setattr(ScriptInput, "poll", flaky)
        script = write_script(tmp_path, [{"t": 0.0, "key": "h"}], end=0.5)
        result = run_live(small_config(tmp_path), "none", script)
        assert result.frames == 6 and "camera unplugged" in caplog.text


class TestPoolSwarm:
    """``live run``'s pool: each target sizes the swarm; creatures grow and shrink in place."""

    def make(self, tmp_path, **extra):
        from live.scene import build_live

        config = small_config(tmp_path, **extra)
        scene = build_live(config)
        recorder = Recorder(config.record, config.paths.recordings)
        display = OffscreenDisplay(config.app.window, compose=True)
        return Installation(config, scene, display, recorder, start=0.0), recorder

    def test_new_target_resizes_the_swarm_without_jumps(self, tmp_path):
        install, rec = self.make(tmp_path)
        arranger, sizer = install.swarm.arranger, install.swarm.sizer
        fps, lr, steps = 30.0, install.config.optim.lr, install.config.app.steps_per_frame
        with rec:
            last = arranger.centers().clone()
            largest = 0.0

            def run(frames, start):
                nonlocal last, largest
                for k in range(frames):
                    install.frame([], start + k / fps)
                    now = arranger.centers()
                    largest = max(largest, float((now - last).norm(dim=1).max()))
                    last = now.clone()

            run(30, 0.0)  # the attract text: thin strokes, many small creatures
            attract = sizer.plan
            assert not sizer.moving
            planned = sizer.radii[: attract.count]
            assert torch.all(planned > 0) and torch.all(sizer.radii[attract.count :] == 0)
            assert torch.allclose(arranger.radii, sizer.radii)  # what the loss and renderers use
            mean = float(planned.mean())
            assert abs(mean - attract.radius) < 0.15 * attract.radius  # the seed's +-14% about the plan

            # a broad filled square: bigger creatures, another count
            install.handle(Pen(Phase.DOWN, 20, 20), 1.0)
            for y in range(20, 110, 6):
                install.handle(Pen(Phase.MOVE, 108, y), 1.0)
                install.handle(Pen(Phase.MOVE, 20, y + 3), 1.0)
            install.handle(Pen(Phase.UP, 20, 108), 1.0)
            install.handle(Command.SUBMIT, 1.0)
            square = sizer.plan
            assert square.radius > attract.radius and square.count != attract.count  # both change
            grown = None
            for k in range(30):  # 1 s at 30 fps: the change takes grow_seconds = 0.5
                install.frame([], 1.0 + k / fps)
                radii = sizer.radii.clone()
                if grown is None:
                    assert sizer.moving and torch.all(radii[: square.count] < square.radius * 1.2)
                    grown = radii
                now = arranger.centers()
                largest = max(largest, float((now - last).norm(dim=1).max()))
                last = now.clone()
            assert not sizer.moving
            assert torch.all(sizer.radii[square.count :] == 0)  # those that left shrank away
            expected = sizer._unit[: square.count] * square.radius
            assert torch.allclose(sizer.radii[: square.count], expected)
        # no centre jumps: each frame moves a creature by at most a few Adam steps of size ~lr
        assert largest < 3.0 * steps * lr * 2**0.5, largest

    def test_joining_creatures_grow_from_nothing(self, tmp_path):
        install, rec = self.make(tmp_path)
        sizer = install.swarm.sizer
        with rec:
            install.frame([], 0.0)
            first = sizer.radii.clone()
            assert float(first.max()) == 0.0  # nothing shown yet at the very first frame
            install.frame([], 0.25)  # half way
            half = sizer.radii[: sizer.plan.count]
            assert torch.all(half > 0) and torch.all(half < sizer._unit[: sizer.plan.count] * sizer.plan.radius)

    def test_recorded_frames_are_the_clip(self, tmp_path):
        """The clip is the swarm the screen shows, alone, square, drawn crisp at record.size (not
        the screen's size), with the drawing small in the lower right corner."""
        import cv2

        from live.scene import build_live

        written = []
        config = small_config(tmp_path, **{"record.size": 200})
        scene = build_live(config)
        with Recorder(config.record, config.paths.recordings, writer=keeping_writer(written)) as rec:
            install = Installation(config, scene, OffscreenDisplay(128, compose=True), rec, start=0.0)
            draw_square(install, 0.0)
            install.handle(Command.SUBMIT, 0.0)
            for k in range(20):
                install.frame([], 0.1 * k)
            install.handle(Command.EXPORT, 2.0)
            rec.wait()
        frames = np.asarray(written)
        assert frames.shape == (20, 200, 200, 3)
        last = frames[-1]
        red = (last[..., 0] > 200) & (last[..., 1] < 60) & (last[..., 2] < 60)
        partial = (last[..., 0] > 20) & (last[..., 0] < 200) & (last[..., 1] < 20)
        assert red.sum() > 400 and partial.sum() > 40  # bodies, with anti-aliased edges
        # the same swarm as the screen's last frame (both drawn from that frame's creatures): the
        # crisp view of those creatures, and what the screen showed (OpenCV's discs, each 0.65 px
        # smaller, so at 128 px the small creatures' edges differ by a pixel)
        clip = cv2.resize(last, (128, 128), interpolation=cv2.INTER_AREA).max(axis=2) > 40
        keep = np.ones((128, 128), bool)
        keep[-32:, -32:] = False  # the inset's corner
        crisp = scene.crisp.rgb8(*install.swarm.shown).numpy().max(axis=2) > 40
        screen = install.display.last[:, :128].max(axis=2) > 40
        for shown, least in ((crisp, 0.9), (screen, 0.75)):
            both, either = (shown & clip & keep).sum(), ((shown | clip) & keep).sum()
            assert both / either > least
        inset = last[-46:-4, -46:-4]  # 0.22 of 200 = 44 px, 3 px from the corner
        # the drawn square, red (an outline at target.brush = 4: about 8 % of the inset)
        assert (inset[..., 0] > 200).mean() > 0.04 and (inset[..., 1] > 60).mean() < 0.2
