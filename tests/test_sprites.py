import pytest
import torch

from live.sprites import BODY_RADIUS, START_RANGE, Layer, make_swarm


class TestMakeSwarm:
    def test_shapes_and_dtype(self):
        swarm = make_swarm(7, seed=3)
        assert swarm.radii.shape == (7, 3) and swarm.start.shape == (7, 2)
        assert swarm.radii.dtype == torch.float32 and len(swarm) == 7

    def test_same_seed_same_swarm(self):
        a, b = make_swarm(50, seed=4), make_swarm(50, seed=4)
        assert torch.equal(a.radii, b.radii) and torch.equal(a.start, b.start)
        assert not torch.equal(a.start, make_swarm(50, seed=5).start)

    def test_prefix_independent_of_global_rng(self):
        torch.manual_seed(123)
        a = make_swarm(10, seed=1)
        torch.manual_seed(999)
        assert torch.equal(a.start, make_swarm(10, seed=1).start)

    def test_ranges(self):
        swarm = make_swarm(2000, seed=0)
        body, eye, pupil = swarm.radii.unbind(1)
        assert BODY_RADIUS[0] <= body.min() and body.max() <= BODY_RADIUS[1]
        assert torch.all((eye / body >= 0.3 - 1e-6) & (eye / body <= 0.5 + 1e-6))
        assert torch.all((pupil / body >= 0.1 - 1e-6) & (pupil / body <= 0.25 + 1e-6))
        assert START_RANGE[0] <= swarm.start.min() and swarm.start.max() <= START_RANGE[1]
        # eye and pupil always smaller than what they sit on
        assert torch.all(swarm.radii[:, Layer.PUPIL] < swarm.radii[:, Layer.EYE])

    def test_device(self, device):
        assert make_swarm(3, 0, device).radii.device.type == device.type

    @pytest.mark.parametrize("n, seed", [(0, 0), (-1, 0), (3, -1)])
    def test_bad_arguments(self, n, seed):
        with pytest.raises(ValueError, match="sprites|seed"):
            make_swarm(n, seed)
