"""The pinned dependencies import, at the pinned versions: a broken install fails here (and in
every test that uses them), it never turns into skipped tests."""

import importlib.metadata
import re

import pytest

from tests.conftest import ROOT


def pins() -> dict[str, str]:
    """``name: spec`` of pyproject's dependencies."""
    text = (ROOT / "pyproject.toml").read_text()
    block = text.split("dependencies = [", 1)[1].split("]", 1)[0]
    found = {}
    for item in re.findall(r'"([^"]+)"', block):
        name, spec = re.match(r"([A-Za-z0-9_.-]+)(.*)", item).groups()
        found[name.lower()] = spec
    return found


@pytest.mark.parametrize("name", ["torch", "easypytorch3d", "mediapipe", "opencv-contrib-python"])
def test_exact_pins_are_installed(name):
    spec = pins()[name]
    assert spec.startswith("=="), spec
    wanted = spec[2:]
    installed = importlib.metadata.version(name)
    if wanted.endswith(".*"):
        assert installed.startswith(wanted[:-1]), (name, installed, spec)
    else:
        assert installed == wanted, (name, installed, spec)


def test_they_import():
    import cv2
    import mediapipe
    import pytorch3d.renderer
    import torch

    from live.render import pytorch3d_available

    assert mediapipe.solutions.hands.Hands is not None
    assert pytorch3d.renderer.MeshRasterizer is not None
    assert torch.tensor([1.0]).sum() == 1.0
    assert "GUI" in cv2.getBuildInformation() and pytorch3d_available()
