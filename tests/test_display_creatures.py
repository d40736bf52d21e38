"""The swarm on screen (ScreenView): drawn at the panel's size with OpenCV's anti-aliased discs, the
same picture as the exact crisp view, only where the creatures are."""

import numpy as np
import pytest
import torch

from live.display.creatures import ScreenView
from live.render.eyes import EyePose
from live.render.view import CrispView
from live.sprites import make_swarm
from tests.test_render import random_offsets

DEVICES = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])


def a_swarm(n: int = 40, seed: int = 3, radius: float | None = 0.06):
    swarm = make_swarm(n, seed, radius=radius)
    return swarm.start + random_offsets(swarm, seed, 0.2), swarm.radii


def a_pose(n: int, seed: int = 1) -> EyePose:
    gen = torch.Generator().manual_seed(seed)
    return EyePose(
        torch.randn(n, 2, generator=gen) * 0.01,
        torch.randn(n, 2, generator=gen) * 0.015,
        0.2 + 0.8 * torch.rand(n, generator=gen),  # many half-shut eyes: ellipses
    )


class TestScreenView:
    @pytest.mark.parametrize("side", [512, 918, 1837])
    @pytest.mark.parametrize("eyes", [False, True])
    def test_the_crisp_views_picture(self, side, eyes):
        """Against the crisp view's exact coverage: the same pixels to within a grey level on
        average, the creatures' area within 1 %, each layer's within 3 % (half-shut eyes
        included; the pupils here are 1.5-4 px across at 512)."""
        centers, radii = a_swarm()
        pose = a_pose(len(centers)) if eyes else None
        exact = CrispView(side, 0, 0.99).rgb8(centers, radii, pose).numpy().astype(float)  # RGB
        drawn = ScreenView(side, 0.99)(centers, radii, pose)[..., ::-1].astype(float)  # BGR -> RGB
        assert drawn.shape == (side, side, 3)
        assert np.abs(drawn - exact).mean() < 1.0
        assert drawn.max(axis=2).sum() == pytest.approx(exact.max(axis=2).sum(), rel=0.01)
        for channel in range(3):  # red: bodies and eyes; green: eyes; blue: eyes and pupils
            assert drawn[..., channel].sum() == pytest.approx(exact[..., channel].sum(), rel=0.03)

    def test_edges_are_anti_aliased_and_sharp(self):
        view = ScreenView(256, 1.0)
        image = view(torch.tensor([[0.013, -0.021]]), torch.tensor([[0.5, 0.0, 0.0]]))
        red = image[..., 2].astype(float) / 255
        partial = (red > 0.05) & (red < 0.95)
        assert partial.sum() > 100  # a ring of edge pixels
        assert partial.sum() < 2.5 * np.pi * 2 * (0.5 * 128)  # about one pixel wide: not blurred
        assert red.sum() == pytest.approx(np.pi * (0.5 * 128) ** 2, rel=0.01)

    def test_only_the_last_box_is_cleared(self):
        """The picture is kept: a frame clears what the last one drew, and nothing else moves."""
        view = ScreenView(128, 0.99)
        centers, radii = a_swarm(8)
        first = view(centers, radii).copy()
        assert first.any()
        moved = view(centers + 0.05, radii).copy()
        again = view(centers, radii)
        assert (again == first).all() and (moved != first).any()
        assert not view(centers, torch.zeros_like(radii)).any()  # no creature: all black again

    def test_what_cannot_be_drawn_is_left_out(self):
        view = ScreenView(64, 0.99)
        centers = torch.tensor([[0.0, 0.0], [float("nan"), 0.0], [50.0, -50.0], [0.5, 0.5]])
        radii = torch.tensor([[0.3, 0.1, 0.05], [0.3, 0.1, 0.05], [0.3, 0.1, 0.05], [0.0, 0.0, 0.0]])
        image = view(centers, radii)
        assert image.any()
        alone = ScreenView(64, 0.99)(centers[:1], radii[:1])
        assert (image == alone).all()  # the NaN, the far-off and the radius-0 creature: not drawn

    def test_size_checked(self):
        with pytest.raises(ValueError, match="at least 8"):
            ScreenView(4, 0.99)

    @pytest.mark.parametrize("device", DEVICES)
    def test_any_device(self, device):
        centers, radii = a_swarm(6)
        on_cpu = ScreenView(96, 0.99)(centers, radii).copy()
        assert (ScreenView(96, 0.99)(centers.to(device), radii.to(device)) == on_cpu).all()
