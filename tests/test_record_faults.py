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
import imageio_ffmpeg
import numpy as np
import pytest

from live.config import RecordConfig
from live.record import ClipFrame, Recorder, Source, files, recorder
from live.record.files import PART_PREFIX, parse_name
from live.record.journal import JOURNAL_PREFIX
from tests.conftest import ROOT, journal_frames, wait_for_journal

SHAPE = (64, 128)
#: A clip that compresses badly: 300 small creatures strewn anew each frame (GIF ~180 kB for 8
#: frames at 192 px, journal ~50 kB).
NOISY_SIZE, NOISY_CREATURES = 192, 300


def settings(**kw) -> RecordConfig:
    base = dict(stride=1, max_seconds=2.0, fps=10.0, gif_fps=10.0)
    base.update(kw)
    return RecordConfig(**base)


def noisy(seed: int, t: int = 8) -> list[ClipFrame]:
    """Swarm frames whose clip compresses badly: each GIF takes ~180 kB."""
    rng = np.random.default_rng(seed)
    scale = np.array([0.06, 0.035, 0.018], np.float32)
    return [
        ClipFrame(
            rng.uniform(-1, 1, (NOISY_CREATURES, 2)).astype(np.float32),
            (scale * rng.uniform(0.5, 1.5, (NOISY_CREATURES, 1))).astype(np.float32),
        )
        for _ in range(t)
    ]


def noisy_settings(**kw) -> RecordConfig:
    return settings(size=NOISY_SIZE, inset=0.0, mp4=False, **kw)


def record(rec: Recorder, stack) -> bool:
    if not rec.start():
        return False
    for frame in stack:
        rec.add(frame)
    rec.stop()
    rec.wait()
    return True


def assert_all_complete(folder, frames_each=None):
    """Every recording in ``folder`` decodes; no temporary file is left."""
    gifs = [p for p in folder.iterdir() if (name := parse_name(p.name)) is not None and name.ext == "gif"]
    for gif in gifs:
        decoded = iio.imread(gif, index=None)
        if frames_each is not None:
            assert decoded.shape[0] == frames_each, gif
    assert not list(folder.glob(PART_PREFIX + "*"))
    return gifs


def journals(folder) -> list:
    return sorted(folder.glob(JOURNAL_PREFIX + "*"))


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
        the space): the write fails with ENOSPC, no broken file is left, and the recordings that
        could not be written are finished by the next start once there is room."""
        for module in (files, recorder):
            monkeypatch.setattr(module, "check_space", lambda folder, need: None)
        with Recorder(noisy_settings(), small_disk) as rec:
            for i in range(6):  # ~180 kB each, and a ~50 kB journal: the third or so no longer fits
                record(rec, noisy(i))
            assert rec.failures >= 1 and len(rec.exported) >= 1
            assert "disk full" in rec.status().text and not rec.status().ok
            written = assert_all_complete(small_disk, frames_each=8)
            assert sorted(written) == sorted(rec.exported)
            left = journals(small_disk)  # the failed ones wait for the next start
            assert len(left) == rec.failures
            for path in written:  # space freed: the next export works again
                path.unlink()
            assert record(rec, noisy(99)) and rec.status().ok
            assert len(assert_all_complete(small_disk, 8)) == 1
            rec.exported[-1].unlink()
        with Recorder(noisy_settings(), small_disk) as again:  # the next start finishes them
            again.wait()
            assert len(again.recovered) >= 1 and again.failures + len(again.recovered) == len(left)
        assert len(assert_all_complete(small_disk)) == len(again.recovered)

    def test_short_space_is_said_before_writing(self, small_disk):
        filler = small_disk / "filler"
        filler.write_bytes(b"x" * 300_000)
        with Recorder(settings(), small_disk, SHAPE, Source.RESULT) as rec:
            record(rec, np.zeros((8, *SHAPE, 3), np.uint8))
            assert rec.failures == 1 and rec.exported == []
            assert rec.status().text.startswith("not saved: disk full: 0.")
            assert "MB free" in rec.status().text
        assert [p.name for p in small_disk.iterdir() if not p.name.startswith(JOURNAL_PREFIX)] == ["filler"]
        assert len(journals(small_disk)) == 1  # kept for the next start

    def test_injected_enospc_anywhere(self, tmp_path, monkeypatch):
        """The same without a tmpfs: the second write of each export runs out of space."""
        real = files._write_all

        def half_then_full(fd, data):
            real(fd, data[: len(data) // 2])
            raise OSError(errno.ENOSPC, "No space left on device")

        with Recorder(settings(mp4=True), tmp_path, SHAPE, Source.RESULT) as rec:
            monkeypatch.setattr(files, "_write_all", half_then_full)
            record(rec, noisy_pictures(0))
            assert rec.failures == 1 and rec.status().text == "not saved: disk full"
            assert [p.name for p in tmp_path.iterdir()] == [j.name for j in journals(tmp_path)]
            monkeypatch.setattr(files, "_write_all", real)
            record(rec, noisy_pictures(1))
            assert rec.failures == 1 and len(rec.exported) == 1
        gif = rec.exported[0]
        assert gif.with_suffix(".mp4").is_file()
        assert assert_all_complete(tmp_path, 8) == [gif]


def noisy_pictures(seed: int, t: int = 8) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, (t, *SHAPE, 3), dtype=np.uint8)


KILLED_WRITER = textwrap.dedent(
    """
    import os, sys, time
    import numpy as np
    from live.config import RecordConfig
    from live.record import Recorder, Source, files

    def stuck(fd, data):  # writes half, then hangs: the parent kills it here
        os.write(fd, data[: len(data) // 2])
        print("half", flush=True)
        time.sleep(60)

    rec = Recorder(RecordConfig(stride=1, max_seconds=1.0, fps=10.0), sys.argv[1], (64, 128), Source.RESULT)
    files._write_all = stuck  # after the folder's check, which writes a probe
    rec.start()
    for value in (90, 180):
        rec.add(np.full((64, 128, 3), value, np.uint8))
    rec.stop()
    rec.wait()
    """
)

KILLED_RECORDING = textwrap.dedent(
    """
    import sys, time
    import numpy as np
    from live.config import RecordConfig
    from live.record import ClipFrame, Recorder

    rec = Recorder(RecordConfig(stride=1, max_seconds=60.0, fps=10.0, size=128), sys.argv[1])
    mask = np.zeros((64, 64), np.float32)
    mask[16:48, 16:48] = 1.0
    rec.set_target(mask)
    rec.start()
    for i in range(20):
        x = -0.8 + 0.08 * i
        rec.add(ClipFrame(np.array([[x, 0.0], [0.0, x]], np.float32), np.array([[0.2, 0.1, 0.05]] * 2, np.float32)))
    rec.flush()  # the frames are in the journal: the parent kills us mid-recording
    print("recorded", flush=True)
    time.sleep(60)
    """
)


def killed(code: str, folder, says: str) -> None:
    """Runs ``code`` on ``folder`` in a child, SIGKILLs it once it prints ``says``."""
    child = subprocess.Popen([sys.executable, "-c", code, str(folder)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == says
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(10)
        child.stdout.close()
    assert child.returncode == -signal.SIGKILL


class TestKilled:
    def test_sigkill_mid_write_then_restart(self, tmp_path):
        """Killed while publishing: no final name, broken or not; the restart removes the
        temporary file and publishes the recording from its journal."""
        killed(KILLED_WRITER, tmp_path, "half")
        (part,) = tmp_path.glob(PART_PREFIX + "*")
        (journal,) = journals(tmp_path)
        assert sorted(p.name for p in tmp_path.iterdir()) == sorted([part.name, journal.name])
        with Recorder(settings(), tmp_path, SHAPE, Source.RESULT) as rec:  # the restart
            rec.wait()
            assert len(rec.recovered) == 1 and rec.exported == []
        (gif,) = assert_all_complete(tmp_path, frames_each=2)
        assert sorted(p.name for p in tmp_path.iterdir()) == sorted([gif.name, f"{gif.stem}.mp4"])

    def test_sigkill_mid_recording_then_restart(self, tmp_path):
        """Killed while recording (the watchdog's SIGKILL): every frame written is kept, and the
        next start publishes the clip under its final name, where the staff page lists it."""
        from live.share.recordings import list_recordings

        killed(KILLED_RECORDING, tmp_path, "recorded")
        (journal,) = journals(tmp_path)
        assert not [p for p in tmp_path.iterdir() if parse_name(p.name)]
        with Recorder(settings(size=128), tmp_path) as rec:
            rec.wait()
            (path,) = rec.recovered
        (listed,) = list_recordings(tmp_path)
        assert listed.gif == path and listed.mp4 == path.with_suffix(".mp4") and listed.token in journal.name
        frames = iio.imread(path, index=None)
        assert frames.shape == (20, 128, 128, 3)
        assert frames[-1, 100:120, 100:120, 0].max() > 200  # the drawing's inset, in red
        assert not journals(tmp_path)

    def test_a_torn_journal_keeps_what_came_before(self, tmp_path):
        """A power cut may leave the last record half written: it is dropped, the rest kept."""
        killed(KILLED_RECORDING, tmp_path, "recorded")
        (journal,) = journals(tmp_path)
        with open(journal, "r+b") as f:
            f.truncate(journal.stat().st_size - 7)
        with Recorder(settings(size=128), tmp_path) as rec:
            rec.wait()
            (path,) = rec.recovered
        assert iio.imread(path, index=None).shape[0] == 19


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


#: A visitor draws and sends, and the swarm never settles: the recording goes on until killed.
ENDLESS_SCRIPT = {
    "fps": 30,
    "end": 600.0,
    "events": [
        {"t": 0.0, "stroke": [[60, 60], [160, 60], [160, 160], [60, 160], [60, 60]], "duration": 0.2},
        {"t": 0.3, "key": "s"},
    ],
}


class TestCrashedRun:
    def test_live_run_killed_mid_recording_then_the_next_start_publishes_it(self, tmp_path):
        """`live run --headless` SIGKILLed (the service's watchdog) while recording: the next
        start finishes the clip and publishes it under a final name, with every frame that was
        written before the kill."""
        from live.share.recordings import list_recordings

        script = tmp_path / "endless.json"
        script.write_text(json.dumps(ENDLESS_SCRIPT))
        folder = tmp_path / "rec"
        common = ["--recordings", str(folder), "--size", "64", "--set", "record.size=160"]
        run = subprocess.Popen(
            [sys.executable, "-m", "live", "run", "--headless", "--script", str(script), *common,
             "--set", "record.plateau_frames=100000", "--set", "record.max_seconds=600"],
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        try:
            seen = wait_for_journal(folder, 30, timeout=300, alive=lambda: run.poll() is None)
            assert seen >= 30, run.stderr.read() if run.poll() is not None else "no journal grew"
            run.send_signal(signal.SIGKILL)
            run.wait(30)
        finally:
            if run.poll() is None:
                run.kill()
                run.wait(30)
            run.stderr.close()
        assert run.returncode == -signal.SIGKILL
        (journal,) = journals(folder)
        written = journal_frames(journal)
        assert written >= seen and not [p for p in folder.iterdir() if parse_name(p.name)]
        again = subprocess.run(
            [sys.executable, "-m", "live", "run", "--headless", "--script", "examples/heart.json", "--max-frames", "1",
             *common],
            cwd=ROOT, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        assert again.returncode == 0, again.stderr[-1500:]
        assert "recording a stopped run left, finished" in again.stderr
        (listed,) = list_recordings(folder)  # the staff page's list
        assert listed.token in journal.name and listed.mp4 is not None
        frames, _ = imageio_ffmpeg.count_frames_and_secs(str(listed.mp4))
        assert frames == written  # nothing lost but what was still queued in the killed process
        assert iio.imread(listed.gif, index=None).shape[1:3] == (160, 160)
        assert not journals(folder) and not list(folder.glob(PART_PREFIX + "*"))
