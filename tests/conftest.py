"""Shared test helpers: devices, the real-data folder, small swarms."""

from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path

import pytest
import torch

from tests.xsession import x_session

ROOT = Path(__file__).resolve().parents[1]
#: Real footage and photos, beside the checkout; absent on a user's machine.
SHARED_DATA = ROOT.parent / "shared" / "data"
#: Real hand footage and photos (``../shared/data/hands/README.md``).
HANDS = SHARED_DATA / "hands"

DEVICES = [
    "cpu",
    pytest.param("cuda", marks=pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device")),
]


@pytest.fixture(params=DEVICES)
def device(request) -> torch.device:
    return torch.device(request.param)


def wait_for(predicate, timeout: float = 5.0) -> bool:
    """Polls ``predicate`` until it holds or ``timeout`` seconds pass; returns its last value."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.005)
    return predicate()


#: The virtual screen of the window tests.
XSCREEN = (1600, 900)


@pytest.fixture
def xserver():
    """A virtual 1600x900 screen with a window manager; yields the environment to run in."""
    with contextlib.ExitStack() as stack:
        try:
            env = stack.enter_context(x_session(*XSCREEN))
        except RuntimeError as error:
            pytest.skip(str(error))
        yield env


def journal_frames(path: Path) -> int:
    """Frames in a recording's journal that another process may be writing (read without its lock)."""
    from live.record.journal import JOURNAL_NAME, Journal

    fd = os.open(path, os.O_RDONLY)
    try:
        return len(Journal(fd, path, JOURNAL_NAME.match(path.name)["stem"], 0).read().frames)
    finally:
        os.close(fd)


def wait_for_journal(folder: Path, frames: int, timeout: float, alive=lambda: True) -> int:
    """Waits until a journal in ``folder`` holds ``frames`` frames (a recording in progress);
    returns how many it holds (fewer when ``timeout`` passed or ``alive()`` turned false)."""
    from live.record.journal import JOURNAL_PREFIX

    seen = 0
    deadline = time.monotonic() + timeout
    while seen < frames and time.monotonic() < deadline and alive():
        found = sorted(folder.glob(JOURNAL_PREFIX + "*.clip")) if folder.is_dir() else []
        seen = journal_frames(found[0]) if found else 0
        time.sleep(0.2)
    return seen
