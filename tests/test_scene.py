"""The swarm's assembly: sizing decided once (live.scene), the outline decided once (geometry)."""

import math

import numpy as np
import pytest
import torch

from live.config import RenderConfig, load_config
from live.render import make_renderer
from live.render.geometry import outline_of
from live.scene import SEED_SIZING, TARGET_SIZING, build, build_live, sizing_of
from live.sprites import make_swarm
from live.target import text_mask

SMALL = {"render.size": 64, "app.window": 128, "swarm.pool": 40, "render.backend": "analytic", "render.device": "cpu"}


class TestSizing:
    def test_the_setting_names_one_sizing(self):
        assert sizing_of(load_config(None, SMALL)) is TARGET_SIZING
        assert sizing_of(load_config(None, {**SMALL, "swarm.sizing": "seed"})) is SEED_SIZING

    def test_the_target_chooses_the_swarm_of_a_fit(self):
        config = load_config(None, SMALL)
        mask = text_mask("HI", 64)
        scene = build(config, mask)
        assert scene.plan is not None and len(scene.renderer.swarm) == scene.plan.count
        seed = build(load_config(None, {**SMALL, "swarm.sizing": "seed", "swarm.sprites": 7}), mask)
        assert seed.plan is None and len(seed.renderer.swarm) == 7

    def test_the_live_scene_is_a_pool_only_when_targets_size_it(self):
        pool = build_live(load_config(None, SMALL))
        assert pool.pool and len(pool.renderer.swarm) == 40 and float(pool.arranger.radii.max()) == 0.0
        seed = build_live(load_config(None, {**SMALL, "swarm.sizing": "seed", "swarm.sprites": 5}))
        assert not seed.pool and len(seed.renderer.swarm) == 5 and float(seed.arranger.radii.min()) > 0

    def test_only_a_sizing_that_shrinks_creatures_limits_text_strokes(self):
        config = load_config(None, SMALL)
        assert TARGET_SIZING.min_text_stroke(config) > 0
        assert SEED_SIZING.min_text_stroke(config) == 0.0


class TestOutline:
    def test_polygon_and_circle(self):
        polygon = outline_of(RenderConfig(segments=16))
        circle = outline_of(RenderConfig(outline="circle"))
        radius = torch.tensor([0.2])
        assert polygon.polygon and not circle.polygon
        assert polygon.inner == pytest.approx(math.cos(math.pi / 16)) and circle.inner == 1.0
        assert float(polygon.edge(radius)) == pytest.approx(0.2 * math.cos(math.pi / 16))
        assert float(circle.edge(radius)) == pytest.approx(0.2) and circle.half_edge(radius) is None

    def test_the_mesh_backend_refuses_circles(self):
        pytest.importorskip("pytorch3d.renderer")
        with pytest.raises(ValueError, match='render.outline = "circle" is drawn by the analytic backend only'):
            make_renderer(make_swarm(2), RenderConfig(outline="circle"), "pytorch3d")

    def test_the_analytic_circle_covers_more_than_its_inscribed_polygon(self):
        swarm = make_swarm(1)
        polygon = make_renderer(swarm, RenderConfig(size=64, corners="sharp"), "analytic").silhouette(torch.zeros(1, 2))
        circle = make_renderer(swarm, RenderConfig(size=64, outline="circle"), "analytic").silhouette(torch.zeros(1, 2))
        assert float(circle.sum()) > float(polygon.sum()) and np.isfinite(float(circle.sum()))
