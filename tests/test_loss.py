"""Loss terms (attraction, repulsion), their switches in the arranger, and ``stranded``."""

import math

import numpy as np
import pytest
import torch

from live.config import Config, ConfigError, LossConfig, RenderConfig, load_config
from live.loss import attraction, distance_field, repulsion, sample_field, stranded
from live.optimise import Arranger
from live.render import make_renderer
from live.sprites import Swarm, make_swarm
from live.target import text_mask
from live.tools.fitting import fit

SIZE = 64


def pixel_centre(row: int, col: int, size: int = SIZE) -> list[float]:
    """NDC (x, y) of a pixel centre: +x left, +y up."""
    return [1.0 - (2 * col + 1.0) / size, 1.0 - (2 * row + 1.0) / size]


def square_target(top: int, left: int, side: int, size: int = SIZE) -> np.ndarray:
    mask = np.zeros((size, size), np.float32)
    mask[top : top + side, left : left + side] = 1.0
    return mask


class TestDistanceField:
    def test_zero_on_target_and_euclidean_outside(self):
        field = distance_field(square_target(10, 10, 4))
        assert field[10:14, 10:14].max() == 0.0
        assert field[11, 20] == pytest.approx(7.0, abs=1e-3)  # 7 columns right of the square
        assert field[20, 20] == pytest.approx(math.hypot(7, 7), abs=0.05)

    def test_empty_target_pulls_nowhere(self):
        assert distance_field(np.zeros((8, 8), np.float32)).max() == 0.0

    def test_sample_reads_pixel_centres(self):
        field = torch.arange(SIZE * SIZE, dtype=torch.float32).view(SIZE, SIZE)
        points = torch.tensor([pixel_centre(5, 9), pixel_centre(40, 2)])
        assert sample_field(field, points).tolist() == [5 * SIZE + 9, 40 * SIZE + 2]


class TestAttraction:
    def test_pulls_a_far_creature_towards_the_target(self):
        """A creature in the far corner, nowhere near the target, is pulled straight at it."""
        field = torch.from_numpy(distance_field(square_target(28, 28, 8)))
        centre = torch.tensor([pixel_centre(2, 2)], requires_grad=True)
        attraction(field, centre, torch.tensor([0.1])).backward()
        step = -centre.grad[0]  # descent direction in NDC
        towards = torch.tensor(pixel_centre(31.5, 31.5)) - centre.detach()[0]
        assert torch.nn.functional.cosine_similarity(step, towards, dim=0) > 0.99

    def test_zero_once_the_centre_is_on_the_target(self):
        field = torch.from_numpy(distance_field(square_target(20, 20, 20)))
        centre = torch.tensor([pixel_centre(30, 30)], requires_grad=True)
        value = attraction(field, centre, torch.tensor([0.1]))
        value.backward()
        assert float(value.detach()) == 0.0 and float(centre.grad.abs().sum()) == 0.0

    def test_scale_is_body_area_per_radius(self):
        """Weight 1: one body radius closer is worth the body's area in pixels."""
        field = torch.from_numpy(distance_field(square_target(0, 0, 1)))
        radius = torch.tensor([0.25])  # 8 px at 64
        near, far = (torch.tensor([pixel_centre(0, c)]) for c in (10, 18))
        gain = float(attraction(field, far, radius) - attraction(field, near, radius))
        assert gain == pytest.approx(math.pi * 8.0**2, rel=1e-3)


class TestRepulsion:
    def test_grid_sum_matches_the_pairwise_sum(self):
        """Beyond PAIRWISE_MAX creatures the grid gives the same energy and push."""
        swarm = make_swarm(300, 1)
        centres, radii = swarm.start.clone().requires_grad_(), swarm.radii[:, 0]
        grid = repulsion(centres, radii, 256, reach=0.8)
        grid.backward()
        push = centres.grad.clone()
        centres.grad = None
        # The same energy pair by pair: symmetric weights area_i area_j / mean area, mean contact.
        area = math.pi * (radii * 128) ** 2
        gap = centres[:, None] - centres[None]
        dist = torch.sqrt((gap * gap).sum(2) + 1e-12)
        bump = torch.relu(1 - (dist / (0.8 * 2 * float(radii.mean()))) ** 2) ** 2
        exact = 0.5 * torch.sum((area[:, None] * area[None] / area.mean()) * bump * (1 - torch.eye(300)))
        exact.backward()
        assert float(grid.detach()) == pytest.approx(float(exact.detach()), rel=0.02)
        assert torch.nn.functional.cosine_similarity(push.flatten(), centres.grad.flatten(), dim=0) > 0.99

    def test_pushes_overlapping_bodies_apart(self):
        centres = torch.tensor([[0.05, 0.0], [-0.05, 0.0]], requires_grad=True)
        repulsion(centres, torch.tensor([0.2, 0.2]), SIZE).backward()
        # Descent moves the first (at +x) further to +x and the second to -x.
        assert float(-centres.grad[0, 0]) > 0 and float(-centres.grad[1, 0]) < 0
        assert torch.allclose(centres.grad[:, 1], torch.zeros(2))

    def test_zero_beyond_reach(self):
        centres = torch.tensor([[0.5, 0.0], [-0.5, 0.0]], requires_grad=True)
        value = repulsion(centres, torch.tensor([0.2, 0.2]), SIZE, reach=1.0)
        assert float(value.detach()) == 0.0

    def test_reach_allows_mild_overlap(self):
        centres = torch.tensor([[0.18, 0.0], [-0.18, 0.0]])  # bodies overlap by 0.04 of 0.4
        radii = torch.tensor([0.2, 0.2])
        assert float(repulsion(centres, radii, SIZE, reach=0.8)) == 0.0
        assert float(repulsion(centres, radii, SIZE, reach=1.0)) > 0.0

    def test_single_creature(self):
        assert float(repulsion(torch.zeros(1, 2), torch.tensor([0.2]), SIZE)) == 0.0


class TestStranded:
    def test_constructed_case(self):
        """Target: a 4 x 4 square; one body covers it, one grazes it, one is far away."""
        field = torch.from_numpy(distance_field(square_target(30, 30, 4)))
        radius = 0.125  # 4 px at 64
        centres = torch.tensor(
            [
                pixel_centre(31.5, 31.5),  # on it
                pixel_centre(31, 36.5),  # nearest target pixel centre 3.5 px away: overlaps
                pixel_centre(5, 5),  # far away
            ]
        )
        assert stranded(field, centres, torch.full((3,), radius)) == 1
        # Moved to 4.5 px from the nearest target pixel centre, the second no longer touches it.
        centres[1] = torch.tensor(pixel_centre(31, 37.5))
        assert stranded(field, centres, torch.full((3,), radius)) == 2


def arranger(loss: LossConfig | None, n: int = 6, size: int = SIZE) -> Arranger:
    renderer = make_renderer(make_swarm(n, 3), RenderConfig(size=size), "analytic")
    return Arranger(renderer, lr=0.05, loss=loss)


class TestArrangerLoss:
    def test_bare_arranger_is_the_seed_loss(self):
        a = arranger(None)
        a.set_target(text_mask("A", SIZE))
        image = torch.sum((a.renderer.silhouette(a.offsets) - a.target) ** 2)
        assert float(a.loss().detach()) == float(image.detach())

    def test_seed_kind_is_the_plain_formula(self):
        a = arranger(LossConfig(kind="seed", attraction=5.0, repulsion=5.0))
        a.set_target(text_mask("A", SIZE))
        image = torch.sum((a.renderer.silhouette(a.offsets) - a.target) ** 2)
        assert float(a.loss().detach()) == float(image.detach())

    def test_terms_switch_on_and_off(self):
        target = square_target(2, 2, 6)  # a corner: most creatures are far from it
        values = {}
        for name, loss in {
            "none": LossConfig(attraction=0.0, repulsion=0.0),
            "attraction": LossConfig(attraction=1.0, repulsion=0.0),
            "repulsion": LossConfig(attraction=0.0, repulsion=1.0),
        }.items():
            a = arranger(loss, n=12)
            a.set_target(target)
            values[name] = float(a.loss().detach())
        seed = arranger(None, n=12)
        seed.set_target(target)
        assert values["none"] == float(seed.loss().detach())
        assert values["attraction"] > values["none"]
        assert values["repulsion"] > values["none"]  # 12 creatures at their starts overlap somewhere

    def test_far_creature_is_pulled_only_with_attraction(self):
        """A creature in the middle, target in a corner: the seed's loss barely moves it (its own
        outline is all it sees), the attraction pulls it straight at the target."""
        swarm = Swarm(torch.tensor([[0.2, 0.08, 0.04]]), torch.tensor([[0.0, 0.0]]))
        renderer = make_renderer(swarm, RenderConfig(size=SIZE), "analytic")
        grads = {}
        for kind in ("seed", "shaped"):
            a = Arranger(renderer, loss=LossConfig(kind=kind, attraction=1.0, repulsion=0.0))
            a.set_target(square_target(2, 2, 6))
            a.loss().backward()
            grads[kind] = a.offsets.grad[0]
        towards = torch.tensor(pixel_centre(4.5, 4.5))
        assert torch.nn.functional.cosine_similarity(-grads["shaped"], towards, dim=0) > 0.99
        assert grads["seed"].norm() < 0.01 * grads["shaped"].norm()

    def test_step_returns_device_scalar_and_moves_towards_far_target(self):
        a = arranger(LossConfig(), n=4)
        target = square_target(0, 0, 12)
        a.set_target(target)
        start = a.stranded()
        for _ in range(60):
            loss = a.step()
        assert isinstance(loss, torch.Tensor) and loss.dim() == 0
        assert a.stranded() < start

    def test_new_target_recomputes_the_field(self):
        a = arranger(LossConfig(), n=2)
        a.set_target(square_target(0, 0, 4))
        first = a.field.clone()
        a.set_target(square_target(50, 50, 4))
        assert not torch.equal(first, a.field)


class TestLossConfig:
    def test_defaults_are_shaped(self):
        assert Config().loss.kind == "shaped"

    def test_bad_kind_is_explained(self):
        with pytest.raises(ConfigError, match="loss.kind"):
            load_config(overrides={"loss.kind": "fancy"})

    def test_negative_weight_is_refused(self):
        with pytest.raises(ConfigError, match="loss.attraction"):
            load_config(overrides={"loss.attraction": -1.0})


class TestFitReportsStranded:
    @pytest.mark.parametrize("seed", [0, 1, 2])
    def test_summary_counts_the_creatures_off_the_target(self, seed):
        """With a learning rate too small to move anyone, ``stranded`` is the number of start
        bodies that touch no target pixel, counted here pixel by pixel (the creatures' pixel
        centres checked against the rendered silhouette, so the orientation is the renderer's)."""
        import math

        from live.render import make_renderer
        from live.sprites import make_swarm

        size, n = 64, 8
        overrides = {
            "swarm.sizing": "seed",
            "swarm.sprites": n,
            "swarm.seed": seed,
            "render.size": size,
            "render.backend": "analytic",
        }
        config = load_config(overrides={**overrides, "optim.lr": 1e-6})
        target = np.zeros((size, size), np.float32)
        target[:, : size // 2] = 1.0  # the left half of the image
        swarm = make_swarm(n, seed)
        with torch.no_grad():
            silhouette = make_renderer(swarm, config.render, "analytic").silhouette(torch.zeros_like(swarm.start))
        cols = (1.0 - swarm.start[:, 0].numpy()) / 2.0 * size - 0.5  # NDC +x is left, +y up
        rows = (1.0 - swarm.start[:, 1].numpy()) / 2.0 * size - 0.5
        assert all(silhouette[round(r), round(c)] > 0.5 for r, c in zip(rows, cols, strict=True))
        inner = swarm.radii[:, 0].numpy() * math.cos(math.pi / config.render.segments) * size / 2.0
        ys, xs = np.nonzero(target)
        off = sum(np.hypot(ys - r, xs - c).min() >= k for r, c, k in zip(rows, cols, inner, strict=True))
        assert 0 < off < n  # some on, some off: the count means something
        assert fit(config, target, steps=1).summary()["stranded"] == off


class TestBandRenderer:
    """The band renderer on cases it has to get right: off-image creatures and float64 gradients."""

    def test_gradcheck_with_a_creature_half_off_the_image(self):
        radii = torch.tensor([[0.3, 0.1, 0.05], [0.2, 0.08, 0.04], [0.25, 0.1, 0.03]], dtype=torch.float64)
        start = torch.tensor([[0.1, 0.0], [-0.15, 0.1], [0.9, -0.85]], dtype=torch.float64)
        renderer = make_renderer(Swarm(radii, start), RenderConfig(size=32), "analytic")
        offsets = torch.tensor([[0.01, -0.02], [0.013, 0.004], [-0.007, 0.011]], dtype=torch.float64)
        assert torch.autograd.gradcheck(renderer.silhouette, (offsets.requires_grad_(),), eps=1e-6, atol=1e-5)

    def test_interior_is_covered_and_far_creature_leaves_nothing(self):
        swarm = Swarm(torch.tensor([[0.5, 0.2, 0.1], [0.2, 0.1, 0.05]]), torch.tensor([[0.0, 0.0], [0.0, 0.0]]))
        renderer = make_renderer(swarm, RenderConfig(size=64), "analytic")
        image = renderer.silhouette(torch.tensor([[0.0, 0.0], [40.0, -40.0]]))
        assert float(image[32, 32]) == 1.0  # deep inside the big body
        alone = make_renderer(Swarm(swarm.radii[:1], swarm.start[:1]), RenderConfig(size=64), "analytic")
        assert torch.equal(image, alone.silhouette(torch.zeros(1, 2)))
