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

    @pytest.mark.parametrize("segments", [0, 16])
    def test_rgb8_is_the_float_view_rounded(self, segments):
        swarm = make_swarm(30, 3, radius=0.08)
        offsets = random_offsets(swarm, 3, 0.6)  # some creatures partly or wholly off the view
        view = CrispView(96, segments, 0.99)
        want = (view(swarm.start + offsets, swarm.radii) * 255.0 + 0.5).to(torch.uint8)
        got = view.rgb8(swarm.start + offsets, swarm.radii)
        assert got.dtype == torch.uint8 and got.shape == (96, 96, 3)
        assert int((got.int() - want.int()).abs().max()) <= 1  # float rounding, at most one level
        assert int(got.sum()) > 0

    def test_only_the_touched_box_is_painted_and_nothing_is_lost_at_the_edges(self):
        """Discs that straddle the view's edges or lie off it: the box the painting is limited to
        must not cut or shift them (the same picture as the discs drawn one by one)."""
        view = CrispView(64, 0, 1.0)
        centers = torch.tensor([[0.95, 0.0], [-0.97, 0.9], [0.2, -0.99], [3.0, 3.0]])
        radii = torch.tensor([[0.2, 0.1, 0.05]] * 4)
        together = view(centers, radii)
        apart = [view(centers[i : i + 1], radii[i : i + 1]) for i in range(4)]
        assert float(apart[3].sum()) == 0.0  # wholly off the view: nothing drawn
        red_area = sum(float(a[..., 0].sum()) for a in apart)
        assert float(together[..., 0].sum()) == pytest.approx(red_area, rel=1e-5)  # the discs don't overlap
        assert float((together - sum(apart)).abs().max()) < 1e-5
