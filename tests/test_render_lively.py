"""Both renderers draw the lively eyes the same way; with the eyes still, the seed's look exactly."""

import numpy as np
import pytest
import torch

from live.config import RenderConfig
from live.render import make_renderer
from live.render.eyes import EyePose, place, still_pose
from live.sprites import Swarm, make_swarm
from tests import naive
from tests.test_render import PARITY_SWARMS, random_offsets, tiny_swarm


def looking(swarm: Swarm, seed: int) -> EyePose:
    """Every creature looking its own way, a few of them mid-blink."""
    gen = torch.Generator().manual_seed(seed)
    gaze = torch.nn.functional.normalize(torch.randn(len(swarm), 2, generator=gen), dim=1) * 0.9
    openness = torch.where(torch.rand(len(swarm), generator=gen) < 0.3, 0.2, 1.0)
    return place(swarm.radii, gaze.to(swarm.start.dtype), openness.to(swarm.start.dtype))


def naive_color(swarm: Swarm, pose: EyePose, size: int) -> np.ndarray:
    shift, squash = pose.layers()
    return naive.color(swarm.radii.numpy(), swarm.start.numpy(), size, shift=shift.numpy(), squash=squash.numpy())


class TestStillEyesAreTheSeeds:
    @pytest.mark.parametrize("backend", ["analytic", "pytorch3d"])
    def test_exactly(self, backend):
        swarm = make_swarm(24, seed=1)
        renderer = make_renderer(swarm, RenderConfig(size=128), backend)
        offsets = random_offsets(swarm, 1)
        assert torch.equal(renderer.color(offsets, still_pose(24)), renderer.color(offsets))


class TestAgainstNaive:
    SIZE = 40

    def test_analytic(self):
        swarm = tiny_swarm()
        pose = place(swarm.radii, torch.tensor([[0.9, 0.2], [-0.5, -0.8], [0.0, 1.0]]), torch.tensor([1.0, 0.3, 0.6]))
        got = make_renderer(swarm, RenderConfig(size=self.SIZE), "analytic").color(torch.zeros(3, 2), pose)
        want = naive_color(swarm, pose, self.SIZE)
        assert np.abs(got.numpy() - want).max() < 1e-6
        # The pose moved something: not the seed's picture.
        assert np.abs(want - naive.color(swarm.radii.numpy(), swarm.start.numpy(), self.SIZE)).max() > 0.5

    def test_pytorch3d(self):
        swarm = tiny_swarm()
        pose = place(swarm.radii, torch.tensor([[0.9, 0.2], [-0.5, -0.8], [0.0, 1.0]]), torch.tensor([1.0, 0.3, 0.6]))
        # At 24 px as in test_render: at some sizes a pixel centre falls exactly on a body fan's
        # spoke, and PyTorch3D's rasterizer misses it, with or without eyes.
        got = make_renderer(swarm, RenderConfig(size=24), "pytorch3d").color(torch.zeros(3, 2), pose)
        assert np.abs(got.numpy() - naive_color(swarm, pose, 24)).max() < 1e-4


class TestParity:
    @pytest.mark.parametrize("sprites, seed", PARITY_SWARMS[:3])
    def test_colour_with_eyes(self, sprites, seed):
        swarm = make_swarm(sprites, seed)
        settings = RenderConfig(size=128)
        offsets, pose = random_offsets(swarm, seed), looking(swarm, seed)
        analytic = make_renderer(swarm, settings, "analytic").color(offsets, pose)
        mesh = make_renderer(swarm, settings, "pytorch3d").color(offsets, pose)
        assert float((analytic - mesh).abs().mean()) <= 0.02
        # Pupils (blue) cover the same pixels to within a few.
        blue_a, blue_m = analytic[..., 2] > 0.5, mesh[..., 2] > 0.5
        assert int((blue_a ^ blue_m).sum()) <= 0.02 * int(blue_a.sum()) + 4
