"""Shared test helpers: devices, the real-data folder, small swarms."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

ROOT = Path(__file__).resolve().parents[1]
#: Real footage and photos, beside the checkout; absent on a user's machine.
SHARED_DATA = ROOT.parent / "shared" / "data"

DEVICES = ["cpu", pytest.param("cuda", marks=pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device"))]


def needs_pytorch3d():
    from live.render import pytorch3d_available

    return pytest.mark.skipif(not pytorch3d_available(), reason="PyTorch3D is not installed")


@pytest.fixture(params=DEVICES)
def device(request) -> torch.device:
    return torch.device(request.param)
