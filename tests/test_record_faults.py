"""Recordings under faults: a full disk, a process killed mid-write, two instances in one folder.

Whatever happens, a file with a recording's final name is complete (it decodes, with every
frame), and temporary files do not pile up.
"""

import errno
import json
import os
import signal
import subprocess
import sys
import textwrap

import imageio.v3 as iio
import numpy as np
import pytest

from live.config import RecordConfig
from live.record import Recorder, files, recorder
from live.record.files import PART_PREFIX, parse_name
from tests.conftest import ROOT

SHAPE = (64, 128)


def settings(**kw) -> RecordConfig:
    base = dict(stride=1, max_seconds=2.0, fps=10.0)
    base.update(kw)
    return RecordConfig(**base)


def noisy(seed: int, t: int = 8) -> np.ndarray:
    """Frames that compress badly: each GIF takes tens of kilobytes."""
    return np.random.default_rng(seed).integers(0, 256, (t, *SHAPE, 3), dtype=np.uint8)


def record(rec: Recorder, stack: np.ndarray) -> None:
    assert rec.start()
    for frame in stack:
        rec.add(frame)
    rec.stop()
    rec.wait()


def assert_all_complete(folder, frames_each=None):
    """Every recording in ``folder`` decodes; no temporary file is left."""
    gifs = [p for p in folder.iterdir() if (name := parse_name(p.name)) is not None and name.ext == "gif"]
    for gif in gifs:
        decoded = iio.imread(gif, index=None)
        if frames_each is not None:
            assert decoded.shape[0] == frames_each, gif
    assert not list(folder.glob(PART_PREFIX + "*"))
    return gifs


@pytest.fixture
def small_disk(tmp_path):
    """A 512 KiB tmpfs (root only), always unmounted."""
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    mount = tmp_path / "disk"
    mount.mkdir()
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", str(mount)], capture_output=True)
    if made.returncode:
        pytest.skip(f"cannot mount a tmpfs here: {made.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=True)


class TestFullDisk:
    def test_disk_fills_during_the_write(self, small_disk, monkeypatch):
        """The free-space check passes, then the disk fills while writing (another process took
        the space): the write fails with ENOSPC, and no broken file is left."""
        for module in (files, recorder):
            monkeypatch.setattr(module, "check_space", lambda folder, need: None)
        with Recorder(settings(), small_disk, SHAPE) as rec:
            for i in range(12):  # ~170 KB each: the third or so no longer fits
                record(rec, noisy(i))
            assert rec.failures >= 5 and len(rec.exported) >= 1
            assert rec.status().text == "not saved: disk full"
            written = assert_all_complete(small_disk, frames_each=8)
            assert sorted(written) == sorted(rec.exported)
            for path in written:  # space freed: the next export works again
                path.unlink()
            record(rec, noisy(99))
            assert rec.status().ok and len(assert_all_complete(small_disk, 8)) == 1

    def test_short_space_is_said_before_writing(self, small_disk):
        filler = small_disk / "filler"
        filler.write_bytes(b"x" * 300_000)
        with Recorder(settings(), small_disk, SHAPE) as rec:
            record(rec, noisy(0))
            assert rec.failures == 1 and rec.exported == []
            assert rec.status().text.startswith("not saved: disk full: 0.")
            assert "MB free" in rec.status().text
        assert sorted(p.name for p in small_disk.iterdir()) == ["filler"]

    def test_injected_enospc_anywhere(self, tmp_path, monkeypatch):
        """The same without a tmpfs: the second write of each export runs out of space."""
        real = files._write_all

        def half_then_full(fd, data):
            real(fd, data[: len(data) // 2])
            raise OSError(errno.ENOSPC, "No space left on device")

        with Recorder(settings(mp4=True), tmp_path, SHAPE) as rec:
            monkeypatch.setattr(files, "_write_all", half_then_full)
            record(rec, noisy(0))
            assert rec.failures == 1 and rec.status().text == "not saved: disk full"
            assert list(tmp_path.iterdir()) == []
            monkeypatch.setattr(files, "_write_all", real)
            record(rec, noisy(1))
            assert rec.failures == 1 and len(rec.exported) == 1
        gif = rec.exported[0]
        assert gif.with_suffix(".mp4").is_file()
        assert assert_all_complete(tmp_path, 8) == [gif]


KILLED_WRITER = textwrap.dedent(
    """
    import os, sys, time
    import numpy as np
    from live.config import RecordConfig
    from live.record import Recorder, files, recorder

    def stuck(fd, data):  # writes half, then hangs: the parent kills it here
        os.write(fd, data[: len(data) // 2])
        print("half", flush=True)
        time.sleep(60)

    files._write_all = stuck
    rec = Recorder(RecordConfig(stride=1, max_seconds=1.0, fps=10.0), sys.argv[1], (64, 128))
    rec.start()
    rec.add(np.full((64, 128, 3), 90, np.uint8))
    rec.stop()
    rec.wait()
    """
)


class TestKilled:
    def test_sigkill_mid_write_then_restart(self, tmp_path):
        child = subprocess.Popen(
            [sys.executable, "-c", KILLED_WRITER, str(tmp_path)], cwd=ROOT, stdout=subprocess.PIPE, text=True
        )
        try:
            assert child.stdout.readline().strip() == "half"
            (part,) = tmp_path.glob(PART_PREFIX + "*")
            assert part.stat().st_size > 0
        finally:
            child.send_signal(signal.SIGKILL)
            child.wait(10)
            child.stdout.close()
        assert child.returncode == -signal.SIGKILL
        assert [p.name for p in tmp_path.iterdir()] == [part.name]  # no final name, broken or not
        with Recorder(settings(), tmp_path, SHAPE):  # the restart
            assert list(tmp_path.iterdir()) == []


SHORT_SCRIPT = {
    "fps": 30,
    "end": 1.2,
    "events": [
        {"t": 0.0, "stroke": [[60, 60], [160, 60], [160, 160], [60, 160], [60, 60]], "duration": 0.2},
        {"t": 0.3, "key": "s"},
        {"t": 1.0, "key": "g"},
    ],
}


class TestTwoInstances:
    def test_two_runs_in_one_folder_keep_every_recording(self, tmp_path):
        """`live run --headless` twice at once into one folder, each exporting one recording
        within the same second; a leftover of a killed run is there from before."""
        script = tmp_path / "short.json"
        script.write_text(json.dumps(SHORT_SCRIPT))
        folder = tmp_path / "rec"
        folder.mkdir()
        leftover = folder / f"{PART_PREFIX}0000-old.gif"
        leftover.write_bytes(b"GIF89a half")
        common = ["run", "--headless", "--script", str(script), "--recordings", str(folder), "--size", "64"]
        runs = [
            subprocess.Popen(
                [sys.executable, "-m", "live", *common, "--seed", seed],
                cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            )  # fmt: skip
            for seed in ("0", "5")
        ]
        outs = [run.communicate(timeout=300) for run in runs]
        for run, (_, err) in zip(runs, outs, strict=True):
            assert run.returncode == 0, err
            assert "1 recording(s) written, 0 failed export(s)" in err
        printed = sorted(line for out, _ in outs for line in out.splitlines())
        assert len(set(printed)) == 2
        gifs = assert_all_complete(folder)
        assert sorted(str(p) for p in gifs) == printed
        assert not leftover.exists()
