import numpy as np
import pytest
import torch

from live.config import RenderConfig
from live.optimise import Arranger
from live.render import make_renderer
from live.sprites import Swarm, make_swarm
from live.target import iou, text_mask


def arranger(n=8, size=64, seed=0, device="cpu", lr=0.05):
    swarm = make_swarm(n, seed, device)
    return Arranger(make_renderer(swarm, RenderConfig(size=size), "analytic"), lr=lr)


class TestArranger:
    def test_step_reduces_loss_and_returns_device_tensor(self, device):
        a = arranger(device=device)
        a.set_target(text_mask("A", 64))
        first = a.step()
        assert isinstance(first, torch.Tensor) and first.device.type == device.type and first.dim() == 0
        for _ in range(30):
            last = a.step()
        assert float(last) < float(first)

    def test_matches_the_seed_loss_and_adam(self):
        """One step is exactly Adam(lr) on sum((silhouette - target)^2)."""
        a = arranger()
        target = text_mask("A", 64)
        a.set_target(target)
        reference = torch.zeros(8, 2, requires_grad=True)
        adam = torch.optim.Adam([reference], lr=0.05)
        for _ in range(3):
            adam.zero_grad()
            loss = torch.sum((a.renderer.silhouette(reference) - torch.from_numpy(target)) ** 2)
            loss.backward()
            adam.step()
            assert float(a.step()) == pytest.approx(float(loss.detach()), rel=1e-5)
        assert torch.allclose(a.offsets, reference)

    def test_target_replaced_in_place(self):
        a = arranger()
        buffer = a.target
        a.set_target(text_mask("A", 64))
        a.step()
        a.set_target(np.zeros((64, 64), np.float32))
        assert a.target is buffer and float(a.target.sum()) == 0.0
        a.step()

    def test_target_shape_checked(self):
        with pytest.raises(ValueError, match="render size 64"):
            arranger().set_target(np.zeros((32, 32), np.float32))

    def test_creatures_stay_on_screen(self):
        a = arranger(n=4, lr=1.0)
        corner = np.zeros((64, 64), np.float32)
        corner[:4, :4] = 1.0  # a target in the very corner pulls creatures outwards
        a.set_target(corner)
        for _ in range(100):
            a.step()
        swarm = a.renderer.swarm
        centres = swarm.start + a.offsets.detach()
        assert torch.all(centres.abs() <= 1.0 - swarm.radii[:, :1] + 1e-6)

    @pytest.mark.parametrize(
        "broken",
        [
            lambda loss, offsets: loss + (offsets * float("nan")).sum(),  # a NaN loss
            lambda loss, offsets: loss + ((offsets + 1.0) * 1e30).sum() ** 2,  # an infinite one
            lambda loss, offsets: loss + 0.0 * offsets.abs().sqrt().sum(),  # finite, NaN gradient at 0
        ],
        ids=["nan-loss", "inf-loss", "nan-gradient"],
    )
    def test_non_finite_loss_or_offsets_reset_the_swarm(self, broken, caplog, monkeypatch):
        """A step that meets a non-finite loss, or leaves a NaN offset, returns a non-finite
        value; recover() then starts the swarm again (offsets at 0, fresh Adam moments) and the
        steps after it are finite and learn."""
        a = arranger()
        a.set_target(text_mask("A", 64))
        for _ in range(5):
            assert a.recover(float(a.step())) is False
        real = a.loss
        with monkeypatch.context() as patch:
            patch.setattr(a, "loss", lambda: broken(real(), a.offsets - a.offsets.detach()))
            loss = float(a.step())
        assert not np.isfinite(loss)
        assert not torch.isfinite(a.offsets).all()
        assert a.recover(loss) is True
        assert "the swarm starts again" in caplog.text
        assert torch.count_nonzero(a.offsets) == 0 and not a.optimizer.state
        first = float(a.step())
        for _ in range(20):
            last = float(a.step())
        assert np.isfinite(first) and last < first

    def test_bad_learning_rate(self):
        with pytest.raises(ValueError, match="learning rate"):
            Arranger(make_renderer(make_swarm(2, 0), RenderConfig(size=32), "analytic"), lr=0)

    def test_forms_the_letter(self):
        a = arranger(n=16, size=128)
        target = text_mask("A", 128)
        a.set_target(target)
        before = iou(a.silhouette().numpy(), target)
        for _ in range(50):
            a.step()
        assert iou(a.silhouette().numpy(), target) > max(0.70, before + 0.3)  # measured 0.743, from 0.230


class TestRunTimeRadii:
    def test_set_radii_changes_the_loss_terms_and_keeps_the_offsets(self):
        from live.config import LossConfig

        swarm = make_swarm(6, 0)
        a = Arranger(make_renderer(swarm, RenderConfig(size=64), "analytic"), loss=LossConfig())
        a.set_target(text_mask("A", 64))
        for _ in range(3):
            a.step()
        offsets = a.offsets.detach().clone()
        smaller = swarm.radii[:, 0] * 0.4
        a.set_radii(smaller)
        assert torch.equal(a.offsets.detach(), offsets) and torch.equal(a.radii, smaller)
        assert torch.allclose(a.renderer.radii[:, 0], smaller)
        a.step()  # the bounds follow the radii: a smaller body may go nearer the border
        assert torch.all((swarm.start + a.offsets).abs() <= 1.0 - smaller[:, None] + 1e-6)

    def test_creatures_taken_out_are_not_stranded_and_do_not_move_the_rest(self):
        from live.config import LossConfig

        swarm = make_swarm(5, 2)
        body = swarm.radii[:, 0].clone()
        body[1] = body[4] = 0.0
        a = Arranger(make_renderer(swarm, RenderConfig(size=64), "analytic"), loss=LossConfig())
        a.set_radii(body)
        target = np.zeros((64, 64), np.float32) + (np.arange(64) < 8)[None, :]  # a strip at the border
        a.set_target(target)
        keep = [0, 2, 3]
        alone = Arranger(make_renderer(Swarm(swarm.radii[keep], swarm.start[keep]), RenderConfig(size=64), "analytic"))
        alone.set_target(target)
        assert a.stranded() == alone.stranded() == 3  # counts the creatures present only
        loss = a.loss()
        loss.backward()
        assert float(a.offsets.grad[[1, 4]].abs().sum()) == 0.0 and float(a.offsets.grad[keep].abs().sum()) > 0
