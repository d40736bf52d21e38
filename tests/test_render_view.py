"""The crisp colour view: display resolution, anti-aliased, the same picture as the hard render."""

import numpy as np
import pytest
import torch

from live.config import RenderConfig
from live.render import make_renderer
from live.render.eyes import EyePose
from live.render.view import CrispView
from live.sprites import make_swarm
from tests.test_render import random_offsets


class TestCrispView:
    @pytest.mark.parametrize("eyes", [False, True])
    def test_same_picture_as_the_hard_render_at_its_size(self, eyes):
        swarm = make_swarm(16, 0)
        offsets = random_offsets(swarm, 0, 0.3)
        gen = torch.Generator().manual_seed(1)
        pose = None
        if eyes:
            pose = EyePose(
                torch.randn(16, 2, generator=gen) * 0.02,
                torch.randn(16, 2, generator=gen) * 0.03,
                0.2 + 0.8 * torch.rand(16, generator=gen),
            )
        hard = make_renderer(swarm, RenderConfig(size=128), "analytic").color(offsets, pose)
        crisp = CrispView(128, 16, 0.99)(swarm.start + offsets, swarm.radii, pose)
        assert crisp.shape == (128, 128, 3)
        assert float((crisp - hard).abs().mean()) < 0.01  # only the edge pixels differ
        inside = ((hard - crisp).abs() < 1e-4).all(dim=2).float().mean()
        assert inside > 0.9

    def test_edges_are_anti_aliased(self):
        """A disc's edge pixels are partly covered: mixed colours appear, in proportion to the area."""
        view = CrispView(64, 0, 1.0)  # a true circle
        radii = torch.tensor([[0.5, 0.0, 0.0]])
        image = view(torch.tensor([[0.03, -0.02]]), radii)
        red = image[..., 0]
        partial = ((red > 0.02) & (red < 0.98)).sum()
        assert partial > 50  # a ring of edge pixels
        area = float(red.sum())  # in pixels
        assert area == pytest.approx(np.pi * (0.5 * 32) ** 2, rel=0.01)

    def test_display_resolution_is_sharper_than_scaling_up(self):
        swarm = make_swarm(40, 2, radius=0.04)
        offsets = random_offsets(swarm, 2, 0.2)
        big = CrispView(512, 16, 0.99)(swarm.start + offsets, swarm.radii)
        small = make_renderer(swarm, RenderConfig(size=128), "analytic").color(offsets)
        scaled = small.repeat_interleave(4, 0).repeat_interleave(4, 1)
        eye_px = lambda im: int(((im[..., 1] > 0.5) & (im[..., 0] > 0.5)).sum())  # noqa: E731 - white
        assert abs(eye_px(big) - eye_px(scaled)) / eye_px(big) < 0.5  # same creatures
        assert float((big - scaled).abs().mean()) > 0.005  # but drawn again, not blown up

    def test_radius_zero_is_not_drawn_and_size_checked(self):
        view = CrispView(32, 16, 0.99)
        assert float(view(torch.zeros(2, 2), torch.zeros(2, 3)).sum()) == 0.0
        with pytest.raises(ValueError, match="at least 8"):
            CrispView(4, 16, 0.99)
