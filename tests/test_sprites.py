import math

import cv2
import numpy as np
import pytest
import torch

from live.config import SwarmConfig
from live.sprites import (
    BODY_RADIUS,
    EYE_FRACTION,
    SEED_RADIUS,
    SPREAD,
    START_RANGE,
    Layer,
    make_swarm,
    plan_swarm,
    radius_limits,
)
from live.target import stroke_mask


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


class TestScaledSwarm:
    def test_radius_scales_the_seed_creatures(self):
        seed, small = make_swarm(40, seed=2), make_swarm(40, seed=2, radius=0.035)
        assert torch.equal(seed.start, small.start)
        ratio = small.radii / seed.radii  # (N, 3): one factor for body, eye and pupil
        assert torch.allclose(ratio, torch.full_like(ratio, 0.035 / SEED_RADIUS), rtol=1e-5)
        body = small.radii[:, Layer.BODY]
        assert 0.035 * SPREAD[0] - 1e-6 <= body.min() and body.max() <= 0.035 * SPREAD[1] + 1e-6
        assert SPREAD[0] == pytest.approx(0.857, abs=1e-3) and SPREAD[1] == pytest.approx(1.143, abs=1e-3)

    def test_bad_radius(self):
        with pytest.raises(ValueError, match="radius"):
            make_swarm(3, 0, radius=0.0)


class TestPlan:
    SETTINGS = SwarmConfig()

    def test_thin_strokes_get_small_creatures_and_enough_of_them(self):
        thin = stroke_mask([[(20, 128), (236, 128)]], 256, brush=4)  # a 9 px line
        broad = stroke_mask([[(60, 128), (196, 128)]], 256, brush=40)  # an 81 px bar
        a, b = plan_swarm(thin, self.SETTINGS, 512), plan_swarm(broad, self.SETTINGS, 512)
        assert 7 <= a.stroke <= 11 and b.stroke > 60
        assert a.radius < 0.05 and b.radius == pytest.approx(SEED_RADIUS)
        assert a.count > 3 * b.count / 2 and a.count >= (216 / (2 * a.radius * 128))  # lines the stroke
        area = float((thin > 0.5).sum())
        assert a.count == round(self.SETTINGS.fill * area / (math.pi * (a.radius * 128) ** 2))

    def test_smallest_radius_keeps_the_eye_visible(self):
        hair = stroke_mask([[(20, 128), (236, 128)]], 256, brush=1)
        plan = plan_swarm(hair, self.SETTINGS, 512)
        low, _ = radius_limits(self.SETTINGS, 512)
        assert plan.radius == pytest.approx(low)
        smallest = plan.radius * SPREAD[0] * 256  # body radius in display pixels
        assert smallest == pytest.approx(self.SETTINGS.min_radius_px)
        assert smallest * EYE_FRACTION[0] * 2 >= 3.5  # the eye stays several pixels across

    def test_pool_caps_the_count_with_bigger_creatures(self):
        small_pool = SwarmConfig(pool=20)
        thin = stroke_mask([[(20, 60), (236, 60)], [(20, 196), (236, 196)]], 256, brush=4)
        capped, free = plan_swarm(thin, small_pool, 512), plan_swarm(thin, self.SETTINGS, 512)
        assert free.count > 20 and capped.count == 20 and capped.radius > free.radius

    def test_empty_target(self):
        assert plan_swarm(np.zeros((64, 64), np.float32), self.SETTINGS, 512).count == 1

    def test_every_part_gets_its_share(self):
        """Seven round petals 46 px across: without min_per_part, creatures as wide as a petal and
        fewer than two per petal; with it, at least that many per part, smaller, none below the
        smallest size. A one-part target of the same width is left as it was."""
        petals = np.zeros((256, 256), np.float32)
        for k in range(7):
            a = 2 * math.pi * k / 7
            cv2.circle(petals, (int(128 + 80 * math.cos(a)), int(128 + 80 * math.sin(a))), 23, 1.0, -1)
        bar = stroke_mask([[(60, 128), (196, 128)]], 256, brush=40)
        per_part, off = SwarmConfig(min_per_part=5), SwarmConfig(min_per_part=0)
        before, after = plan_swarm(petals, off, 512), plan_swarm(petals, per_part, 512)
        assert before.count < 2 * 7 and before.radius == pytest.approx(SEED_RADIUS)
        assert after.count >= 5 * 7 and after.radius < before.radius
        assert after.radius >= radius_limits(per_part, 512)[0]
        assert plan_swarm(bar, per_part, 512) == plan_swarm(bar, off, 512)
