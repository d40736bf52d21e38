"""The mirror in the live loop: when it follows (a state machine on a fake clock), the swarm's
target and size, drawing taking over, the attract text coming back, what is shown and recorded."""

import numpy as np
import pytest
import torch

from live.app import Installation
from live.app.mirror import REPLAN_RATIO, Change, MirrorState, Phase, needs_plan
from live.app.swarm import PoolSizer
from live.config import MirrorConfig
from live.display import OffscreenDisplay
from live.input import Command, Pen
from live.input import Phase as PenPhase
from live.input.mirror import PersonMask
from live.record import Recorder
from live.scene import build, build_live
from live.target import text_mask
from live.tools.mirror import MirrorSwarm
from tests.test_app_loop import small_config


def person_mask(size=64, cx=32, half=12, index=0, frame=0, present=True) -> PersonMask:
    """A person-like block (a head over a body), or nobody."""
    mask = np.zeros((size, size), np.float32)
    if present:
        mask[cx - half // 2 - 10 : cx - half // 2, cx - 4 : cx + 4] = 1.0  # head
        mask[cx - half // 2 : size, cx - half : cx + half] = 1.0  # body to the bottom edge
    area = float((mask > 0.5).mean())
    return PersonMask(mask, present, area, index, frame / 25.0, frame)


class FakeSource:
    """The mirror's masks, set by the test."""

    def __init__(self):
        self.person: PersonMask | None = None
        self._index = -1

    def show(self, person: PersonMask | None) -> None:
        if person is not None:
            self._index += 1
            person = PersonMask(person.mask, person.present, person.area, self._index, person.time, person.frame)
        self.person = person

    def latest(self):
        return self.person


class TestMirrorState:
    def state(self, follow=1.0, leave=0.5):
        return MirrorState(MirrorConfig(follow_after_s=follow, leave_after_s=leave))

    def test_follows_a_person_who_stays(self):
        state = self.state()
        assert state.update(0.0, present=True, idle=True) is None and state.phase is Phase.WAITING
        assert state.update(0.99, present=True, idle=True) is None
        assert state.update(1.0, present=True, idle=True) is Change.START and state.following
        assert state.update(1.5, present=True, idle=True) is None and state.following

    def test_a_passer_by_is_not_followed(self):
        state = self.state()
        changes = [state.update(t, present=t < 0.8, idle=True) for t in np.arange(0.0, 3.0, 0.1)]
        assert changes == [None] * len(changes) and state.phase is Phase.NOBODY
        assert state.update(3.0, True, True) is None and state.update(3.9, True, True) is None  # waits afresh
        assert state.update(4.0, True, True) is Change.START

    def test_leaves_after_the_grace_not_at_a_missed_frame(self):
        state = self.state()
        state.update(0.0, True, True)
        state.update(1.0, True, True)
        assert state.update(1.2, present=False, idle=True) is None and state.following  # a missed frame
        assert state.update(1.3, present=True, idle=True) is None
        assert state.update(1.7, present=False, idle=True) is None
        assert state.update(1.8, present=False, idle=True) is Change.LEAVE and state.phase is Phase.NOBODY
        assert state.update(1.9, present=False, idle=True) is None

    def test_drawing_takes_over_and_the_person_must_stay_again(self):
        state = self.state()
        state.update(0.0, True, True)
        state.update(1.0, True, True)
        assert state.update(2.0, present=True, idle=False) is Change.YIELD and state.phase is Phase.DRAWING
        assert state.update(3.0, present=True, idle=False) is None  # drawing: never follows
        assert state.update(60.0, present=True, idle=True) is None and state.phase is Phase.WAITING
        assert state.update(61.0, present=True, idle=True) is Change.START

    def test_nobody_drawing_without_a_person_yields_nothing(self):
        state = self.state()
        assert state.update(0.0, present=False, idle=False) is None
        assert state.update(0.0, present=True, idle=False) is None and not state.following

    def test_no_wait(self):
        state = self.state(follow=0.0, leave=0.0)
        assert state.update(5.0, True, True) is Change.START
        assert state.update(5.1, False, True) is Change.LEAVE


def test_needs_plan_only_past_the_ratio():
    assert not needs_plan(0.2, 0.2) and not needs_plan(0.2, 0.2 * REPLAN_RATIO * 0.99)
    assert needs_plan(0.2, 0.2 * REPLAN_RATIO * 1.01) and needs_plan(0.2, 0.2 / REPLAN_RATIO / 1.01)
    assert needs_plan(0.0, 0.1) and not needs_plan(0.1, 0.0)


class TestMirrorSwarm:
    def make(self, tmp_path):
        config = small_config(tmp_path, **{"mirror.follow_after_s": 0.5})
        scene = build_live(config)
        sizer = PoolSizer(config, scene.arranger)
        source = FakeSource()
        return MirrorSwarm(config.mirror, source, scene.arranger, sizer), source, scene.arranger, sizer

    def test_the_target_follows_the_masks_and_the_pool_is_planned_once(self, tmp_path):
        swarm, source, arranger, sizer = self.make(tmp_path)
        source.show(person_mask(cx=30))
        assert swarm.frame(0.0, idle=True) is None and arranger.target.sum() == 0  # waiting
        assert swarm.frame(0.5, idle=True) is Change.START
        first = source.person
        assert torch.equal(arranger.target, torch.from_numpy(first.mask)) and swarm.person is first
        plan = sizer.plan
        for i, cx in enumerate((31, 32, 33, 34)):  # the person moves a little
            source.show(person_mask(cx=cx))
            assert swarm.frame(0.6 + 0.04 * i, idle=True) is None
            assert torch.equal(arranger.target, torch.from_numpy(source.person.mask))
        assert sizer.plan is plan  # the swarm keeps its size
        source.show(person_mask(cx=32, half=24))  # much closer: planned again
        swarm.frame(1.0, idle=True)
        assert sizer.plan is not plan and sizer.plan.count != plan.count

    def test_a_frame_without_a_new_mask_changes_nothing(self, tmp_path):
        swarm, source, arranger, _ = self.make(tmp_path)
        source.show(person_mask())
        swarm.frame(0.0, True)
        swarm.frame(0.5, True)
        arranger.target.zero_()
        swarm.frame(0.6, True)  # the same mask: not set again
        assert arranger.target.sum() == 0

    def test_nobody_is_never_followed(self, tmp_path):
        swarm, source, arranger, sizer = self.make(tmp_path)
        for i in range(50):
            source.show(person_mask(present=False, index=i) if i % 2 else None)
            assert swarm.frame(0.1 * i, idle=True) is None
        assert not swarm.following and arranger.target.sum() == 0 and sizer.plan is None


def draw_stroke(install, now):
    install.handle(Pen(PenPhase.DOWN, 30, 30), now)
    for x, y in [(98, 30), (98, 98), (30, 98)]:
        install.handle(Pen(PenPhase.MOVE, x, y), now)
    install.handle(Pen(PenPhase.UP, 30, 98), now)


class TestInstallation:
    def make(self, tmp_path, scene, **extra):
        config = small_config(tmp_path, **{"mirror.follow_after_s": 0.5, "mirror.leave_after_s": 0.3, **extra})
        recorder = Recorder(config.record, config.paths.recordings)
        display = OffscreenDisplay(config.app.window, compose=True)
        source = FakeSource()
        install = Installation(config, scene, display, recorder, start=0.0, mirror=source)
        return install, recorder, source

    def attract_target(self):
        return torch.from_numpy(text_mask("DRAW!", 64))

    def test_follows_then_gives_back_to_the_attract_text(self, tmp_path):
        scene = build_live(small_config(tmp_path))
        install, rec, source = self.make(tmp_path, scene)
        with rec:
            source.show(person_mask())
            t = 0.0
            for _ in range(6):
                install.frame([], t)
                t += 0.1
            assert install.mirror_following and install.presenter.hud.mode == "mirror"
            assert torch.equal(scene.arranger.target, torch.from_numpy(source.person.mask))
            side = install.display.side
            assert not install.display.last[:, side:].any()  # the mask is not shown beside the swarm
            source.show(None)
            install.frame([], t)
            assert install.mirror_following  # a frame without anybody: still following
            install.frame([], t + 0.4)
            assert not install.mirror_following and install.presenter.hud.mode == "attract"
            assert torch.equal(scene.arranger.target, self.attract_target())
            side = install.display.side
            assert install.display.last[:, side:].any()  # the attract text is shown again
            assert not rec.recording and rec.frames == 0  # the mirror is not recorded

    def test_drawing_takes_over_from_the_mirror(self, tmp_path):
        scene = build_live(small_config(tmp_path))
        install, rec, source = self.make(tmp_path, scene)
        with rec:
            source.show(person_mask())
            for i in range(7):
                install.frame([], 0.1 * i)
            assert install.mirror_following
            draw_stroke(install, 0.8)
            install.frame([], 0.8)
            assert not install.mirror_following and install.presenter.hud.mode == ""
            held = scene.arranger.target.clone()
            for i in range(10):  # the person moves on: the swarm holds what it had
                source.show(person_mask(cx=40 + i % 3))
                install.frame([], 0.9 + 0.1 * i)
            assert torch.equal(scene.arranger.target, held) and not install.mirror_following
            drawing = install.visit.canvas.mask(64)
            install.handle(Command.SUBMIT, 2.0)  # the drawing is sent: it is the target
            install.frame([], 2.0)
            assert torch.equal(scene.arranger.target, torch.from_numpy(drawing).to(held.dtype))
            assert install.display.last[:, install.display.side :].any() and rec.recording  # shown, recorded as always
            rec.stop(export=False)

    def test_no_person_no_mirror(self, tmp_path):
        scene = build(small_config(tmp_path))
        install, rec, source = self.make(tmp_path, scene)
        with rec:
            for i in range(30):
                source.show(person_mask(present=False) if i % 3 else None)
                install.frame([], 0.1 * i)
                assert not install.mirror_following and install.presenter.hud.mode == "attract"
            assert torch.equal(scene.arranger.target, self.attract_target())

    @pytest.mark.parametrize("record", [False, True])
    def test_mirror_moments_are_recorded_only_when_asked_and_only_the_swarm(self, tmp_path, record):
        scene = build_live(small_config(tmp_path))
        install, rec, source = self.make(tmp_path, scene, **{"record.mirror": record})
        with rec:
            source.show(person_mask())
            for i in range(12):
                install.frame([], 0.1 * i)
            assert install.mirror_following and rec.recording is record
            frames = rec.frames
            source.show(None)
            install.frame([], 1.2)
            install.frame([], 1.6)  # the person left: the recording ends and is exported
            assert not rec.recording
            rec.wait()
        if not record:
            assert frames == 0 and rec.exported == []
            return
        import imageio.v3 as iio

        (gif,) = rec.exported
        pictures = iio.imread(gif, index=None)
        assert len(pictures) >= frames >= 5  # and the frames of the grace before the person counted as gone
        assert pictures[..., 0].max() > 200  # the swarm
        side = pictures.shape[1]
        inset = round(side * install.config.record.inset)
        at = side - inset - max(2, side // 60)  # where live.record.clip puts the drawing's inset
        corner = pictures[:, at + 2 : at + inset - 2, at + 2 : at + inset - 2, 0]
        assert corner.size and corner.max() < 8  # never the person's mask (GIF palette noise aside)


def test_live_run_mirror_with_a_camera_that_is_not_there_is_one_line(tmp_path, capsys):
    from live.cli import main

    script = tmp_path / "idle.json"
    script.write_text('{"events": [], "end": 1}')
    args = ["run", "--headless", "--script", str(script), "--mirror", "--camera", "/no/such/video.mp4"]
    code = main([*args, "--recordings", str(tmp_path / "rec")])
    lines = [line for line in capsys.readouterr().err.splitlines() if line.startswith("live run")]
    assert code == 2 and len(lines) == 1 and "does not exist: check the path" in lines[0]
