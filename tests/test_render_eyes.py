import math

import pytest
import torch

from live.render.eyes import (
    BLINK_SECONDS,
    CLOSED,
    Eyes,
    blink_openness,
    canvas_to_ndc,
    place,
    still_pose,
)
from live.sprites import make_swarm

FPS = 60.0


def run(eyes: Eyes, centers, radii, seconds: float, pen=None, start: float = 0.0, move=None):
    """Updates ``eyes`` at 60 fps for ``seconds``; ``move(t)`` gives the centres when given."""
    pose = None
    frames = int(round(seconds * FPS))
    for i in range(frames):
        t = start + i / FPS
        pose = eyes.update(centers if move is None else move(t), radii, t, pen)
    return pose


class TestPupilLooksAtThePen:
    # NDC: +x is to the left on screen, +y up. The pen on each side of the creature.
    @pytest.mark.parametrize("side", [(1.0, 0.0), (-1.0, 0.0), (0.0, 1.0), (0.0, -1.0), (0.7, -0.7)])
    def test_pupil_moves_toward_the_pen_on_each_side(self, side, device):
        swarm = make_swarm(1, seed=3, device=device)
        center = torch.tensor([[0.1, -0.2]], device=device)
        eyes = Eyes(1, seed=3, device=device)
        direction = torch.nn.functional.normalize(torch.tensor(side, device=device), dim=0)
        pen = center[0] + 0.5 * direction
        pose = run(eyes, center, swarm.radii, 0.6, pen=(float(pen[0]), float(pen[1])))
        pupil = pose.pupil[0]  # relative to the body's centre
        assert float(pupil.norm()) > 0.5 * float(swarm.radii[0, 1] - swarm.radii[0, 2])
        cosine = float(torch.dot(pupil, direction) / pupil.norm())
        assert cosine > 0.99
        # The pupil stays inside the eye, and the eye inside the body.
        assert float((pose.pupil[0] - pose.eye[0]).norm()) + float(swarm.radii[0, 2]) <= float(swarm.radii[0, 1]) + 1e-6
        assert float(pose.eye[0].norm()) + float(swarm.radii[0, 1]) <= float(swarm.radii[0, 0]) + 1e-6

    def test_the_pen_from_canvas_pixels(self):
        # Canvas x grows to the right, NDC x to the left; canvas y grows down, NDC y up.
        x, y = canvas_to_ndc(0.0, 0.0, 512)
        assert x == pytest.approx(1 - 1 / 512) and y == pytest.approx(1 - 1 / 512)
        assert canvas_to_ndc(255.5, 255.5, 512) == (0.0, 0.0)

    def test_many_creatures_each_look_their_own_way(self):
        swarm = make_swarm(12, seed=1)
        centers = swarm.start
        eyes = Eyes(12, seed=1)
        pose = run(eyes, centers, swarm.radii, 0.6, pen=(0.0, 0.0))
        toward = -centers / centers.norm(dim=1, keepdim=True)
        cosine = (pose.pupil * toward).sum(dim=1) / pose.pupil.norm(dim=1)
        assert bool((cosine > 0.99).all())


class TestHeading:
    def test_looks_where_it_goes_then_back_when_it_stops(self):
        swarm = make_swarm(1, seed=0)
        eyes = Eyes(1, seed=0)
        velocity = torch.tensor([[-0.8, 0.3]])  # NDC per second
        pose = run(eyes, None, swarm.radii, 0.5, move=lambda t: swarm.start + velocity * t)
        cosine = float((pose.pupil[0] @ velocity[0]) / (pose.pupil[0].norm() * velocity[0].norm()))
        assert cosine > 0.99
        stopped = swarm.start + velocity * 0.5
        rest = run(eyes, stopped, swarm.radii, 1.5, start=0.5)
        assert float(rest.pupil.norm()) < 0.05 * float(pose.pupil.norm())

    def test_jitter_is_smoothed_away(self):
        # A creature trembling in place (as Adam makes it near a minimum) keeps its eyes still.
        swarm = make_swarm(1, seed=0)
        gen = torch.Generator().manual_seed(0)
        shakes = 0.004 * torch.randn(120, 1, 2, generator=gen)  # 4e-3 NDC a frame, about half a pixel
        eyes = Eyes(1, seed=0)
        poses = [eyes.update(swarm.start + shakes[i], swarm.radii, i / FPS) for i in range(120)]
        pupils = torch.stack([p.pupil[0] for p in poses[30:]])
        room = float(swarm.radii[0, 0] - swarm.radii[0, 2])
        assert float(pupils.norm(dim=1).max()) < 0.15 * room
        assert float((pupils[1:] - pupils[:-1]).norm(dim=1).max()) < 0.02 * room

    def test_gaze_changes_smoothly_when_the_pen_appears(self):
        swarm = make_swarm(1, seed=0)
        eyes = Eyes(1, seed=0)
        run(eyes, swarm.start, swarm.radii, 0.2)
        room = float(swarm.radii[0, 0] - swarm.radii[0, 2])
        before = eyes.update(swarm.start, swarm.radii, 0.2, None).pupil[0].clone()
        after = eyes.update(swarm.start, swarm.radii, 0.2 + 1 / FPS, (0.9, 0.9)).pupil[0]
        # One frame moves the pupil only a fraction of its way (time constant of 0.1 s).
        assert float((after - before).norm()) < 0.2 * room


class TestBlinks:
    def test_blinks_now_and_then_not_in_unison(self):
        eyes = Eyes(16, seed=0)
        times = torch.arange(0, 20, 1 / FPS)
        shut = torch.stack([blink_openness(float(t), eyes.period, eyes.phase) < 0.5 for t in times])  # (T, N)
        # Every creature blinks within 20 s, and a few times at most.
        starts = (shut[1:] & ~shut[:-1]).sum(dim=0)
        assert bool((starts >= 2).all()) and bool((starts <= 9).all())
        # Never more than a few at once.
        assert int(shut.sum(dim=1).max()) <= 4
        # Closing goes down to CLOSED and back, over BLINK_SECONDS.
        openness = blink_openness(0.0, torch.tensor([5.0]), torch.tensor([BLINK_SECONDS / 2]))
        assert float(openness) == pytest.approx(CLOSED, abs=1e-6)
        assert float(blink_openness(0.0, torch.tensor([5.0]), torch.tensor([2.0]))) == 1.0

    def test_blinks_smoothly(self):
        period, phase = torch.tensor([4.0]), torch.tensor([0.0])
        values = torch.stack([blink_openness(i / FPS, period, phase) for i in range(30)])
        assert float((values[1:] - values[:-1]).abs().max()) < 0.4

    def test_same_seed_same_schedule_other_seed_other(self):
        a, b, c = Eyes(8, seed=2), Eyes(8, seed=2), Eyes(8, seed=5)
        assert torch.equal(a.period, b.period) and torch.equal(a.phase, b.phase)
        assert not torch.equal(a.phase, c.phase)


class TestPose:
    def test_still_pose_is_the_seeds_look(self):
        swarm = make_swarm(5, seed=0)
        pose = place(swarm.radii, torch.zeros(5, 2), torch.ones(5))
        still = still_pose(5)
        assert torch.equal(pose.eye, still.eye) and torch.equal(pose.pupil, still.pupil)
        shift, scale = pose.layers()
        assert shift.shape == (5, 3, 2) and scale.shape == (5, 3)
        assert bool((shift == 0).all()) and bool((scale == 1).all())

    def test_a_blink_squashes_the_pupil_offset_with_the_eye(self):
        swarm = make_swarm(1, seed=0)
        gaze = torch.tensor([[0.0, 1.0]])
        open_ = place(swarm.radii, gaze, torch.ones(1))
        shut = place(swarm.radii, gaze, torch.tensor([0.2]))
        assert torch.allclose(open_.eye, shut.eye)
        pupil_in_eye = open_.pupil - open_.eye
        assert torch.allclose(shut.pupil - shut.eye, pupil_in_eye * torch.tensor([1.0, 0.2]))

    def test_update_reads_nothing_back(self, monkeypatch):
        swarm = make_swarm(4, seed=0)
        eyes = Eyes(4, seed=0)

        def refuse(*args, **kwargs):
            raise AssertionError("read back")

        monkeypatch.setattr(torch.Tensor, "item", refuse)
        monkeypatch.setattr(torch.Tensor, "__float__", refuse)
        monkeypatch.setattr(torch.Tensor, "__bool__", refuse)
        for i in range(5):
            eyes.update(swarm.start, swarm.radii, i / FPS, (0.1, 0.2) if i % 2 else None)
        assert math.isfinite(eyes._last_time)
