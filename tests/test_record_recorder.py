"""The live recorder: stride, a journal on disk, export in the background, failures.

These record pictures (``Source.RESULT``); the swarm's clips are in test_record_clip.py.
"""

import threading
from pathlib import Path

import imageio.v3 as iio
import numpy as np
import pytest

from live.config import RecordConfig
from live.record import Recorder, Source, parse_name, write_gif

SHAPE = (16, 32)


def frame(value: int) -> np.ndarray:
    return np.full((*SHAPE, 3), value, np.uint8)


def settings(**kw) -> RecordConfig:
    base = dict(stride=1, max_seconds=1.0, fps=10.0)
    base.update(kw)
    return RecordConfig(**base)


def pictures(settings: RecordConfig, folder, **kw) -> Recorder:
    """A recorder of SHAPE pictures."""
    return Recorder(settings, folder, SHAPE, Source.RESULT, **kw)


def journals(folder) -> list:
    return sorted(folder.glob(".live-rec-*"))


def record_one(rec: Recorder, image: np.ndarray) -> None:
    """A recording of one frame, exported and waited for."""
    rec.start()
    rec.add(image)
    rec.stop()
    rec.wait()


class TestRecorder:
    def test_capacity(self, tmp_path):
        with pictures(settings(max_seconds=2.0, fps=5.0), tmp_path) as rec:
            assert rec.capacity == 10
            assert not rec.recording and rec.add(frame(1)) is False

    def test_stride_keeps_one_frame_in_n(self, tmp_path):
        with pictures(settings(stride=3, max_seconds=10.0), tmp_path) as rec:
            assert rec.start()
            kept = [rec.add(frame(i)) for i in range(10)]
            assert kept == [i % 3 == 0 for i in range(10)]
            assert rec.frames == 4

    def test_gif_has_expected_frames_and_size(self, tmp_path):
        with pictures(settings(max_seconds=10.0), tmp_path) as rec:
            rec.start()
            for i in range(7):
                rec.add(frame(30 * i))
            assert rec.stop()
            rec.wait()
            assert len(rec.exported) == 1 and rec.failures == 0
            gif = iio.imread(rec.exported[0], index=None)
        assert gif.shape[:3] == (7, *SHAPE)
        assert abs(int(gif[3, 0, 0, 0]) - 90) <= 4
        assert rec.exported[0].parent == tmp_path and rec.exported[0].suffix == ".gif"

    def test_full_buffer_ends_and_exports_the_recording(self, tmp_path):
        with pictures(settings(max_seconds=0.5, fps=10.0), tmp_path) as rec:
            rec.start()
            for i in range(12):
                rec.add(frame(20 * i))  # distinct frames: the GIF merges identical neighbours
            assert not rec.recording  # 5 frames filled it, the rest were refused
            rec.wait()
            assert iio.imread(rec.exported[0], index=None).shape[0] == 5

    def test_close_exports_what_is_recorded(self, tmp_path):
        rec = pictures(settings(), tmp_path)
        rec.start()
        rec.add(frame(1))
        rec.add(frame(2))
        rec.close()
        rec.close()  # twice is fine
        assert len(list(tmp_path.glob("*.gif"))) == 1

    def test_stop_without_frames_writes_nothing(self, tmp_path):
        with pictures(settings(), tmp_path) as rec:
            assert rec.start()
            assert not rec.stop()
        assert list(tmp_path.iterdir()) == []

    def test_export_does_not_block_the_caller(self, tmp_path):
        release = threading.Event()
        written = []

        def slow_writer(path, frames, fps):
            release.wait(5)
            written.append(frames.shape[0])
            return path

        with pictures(settings(), tmp_path, writer=slow_writer) as rec:
            rec.start()
            rec.add(frame(1))
            assert rec.stop()  # returns while the writer still waits
            assert rec.start()  # one recording still to export: the next one starts
            rec.add(frame(2))
            rec.add(frame(3))
            assert rec.stop()
            assert not rec.start()  # two still to export: this one is refused ...
            assert "still exporting" in rec.status().text
            release.set()
            rec.wait()
            assert rec.start()  # ... and recording works again afterwards
        assert written == [1, 2]

    def test_closed_without_export_keeps_the_recording_for_the_next_start(self, tmp_path):
        """The display lost: close(export=False) leaves at once; the recording in progress stays
        as its journal, and the next start publishes it."""
        with pictures(settings(), tmp_path) as rec:
            rec.start()
            rec.add(frame(7))
            rec.add(frame(8))
            rec.close(export=False)
            assert rec.exported == [] and not list(tmp_path.glob("*.gif"))
        assert len(journals(tmp_path)) == 1
        with pictures(settings(), tmp_path) as again:
            again.wait()
            (path,) = again.recovered
        assert iio.imread(path, index=None)[:, 0, 0, 0].tolist() == [7, 8]
        assert journals(tmp_path) == []

    def test_closed_without_export_waits_for_no_export(self, tmp_path):
        """An export under way is not waited for, one not begun is not started: both journals
        stay for the next start."""
        begun, release, calls = threading.Event(), threading.Event(), []

        def stuck(path, frames, fps):
            calls.append(path)
            begun.set()
            release.wait(60)
            raise OSError(5, "given up")  # the process would be gone by now

        rec = pictures(settings(), tmp_path, writer=stuck)
        try:
            for value in (1, 2):
                rec.start()
                rec.add(frame(value))
                assert rec.stop()
            assert begun.wait(10)  # the first export is under way, the second waits its turn
            closing = threading.Thread(target=rec.close, kwargs={"export": False})
            closing.start()
            closing.join(30)  # waiting for the stuck export would take 60 s
            assert not closing.is_alive() and len(calls) == 1 and len(journals(tmp_path)) == 2
        finally:
            release.set()
            rec.wait()  # the stuck export gives up and lets go of its journal
            rec.close()
        with pictures(settings(), tmp_path) as again:
            again.wait()
            assert len(again.recovered) == 2 and again.failures == 0
        assert journals(tmp_path) == []

    def test_a_journal_that_cannot_be_removed_stops_nothing(self, tmp_path, monkeypatch):
        """The folder turned read-only for deletes: an empty recording's journal and a published
        one's stay on disk, and the recorder goes on recording and exporting."""
        from live.record import journal as journal_module

        unlink = journal_module.os.unlink

        def refuse(path, *args, **kwargs):
            if Path(path).name.startswith(".live-rec-"):
                raise PermissionError(13, "Permission denied", str(path))
            return unlink(path, *args, **kwargs)

        monkeypatch.setattr(journal_module.os, "unlink", refuse)
        with pictures(settings(), tmp_path) as rec:
            rec.start()
            assert not rec.stop()  # nothing kept: its journal is discarded (and cannot be)
            waiting = threading.Thread(target=lambda: record_one(rec, frame(9)))
            waiting.start()
            waiting.join(60)
            assert not waiting.is_alive(), "the journal's thread died"
            assert len(rec.exported) == 1 and rec.exported[0].is_file()
        assert len(journals(tmp_path)) == 2

    def test_failed_export_is_reported_and_the_next_one_works(self, tmp_path):
        calls = []

        def flaky(path, frames, fps):
            calls.append(path)
            if len(calls) == 1:
                raise OSError(28, "No space left on device")
            return write_gif(path, frames, fps)

        with pictures(settings(), tmp_path, writer=flaky) as rec:
            record_one(rec, frame(1))
            status = rec.status()
            assert rec.failures == 1 and not status.ok and "not saved: disk full" in status.text
            assert len(journals(tmp_path)) == 1  # the failed one's journal stays for the next start
            record_one(rec, frame(2))
            assert rec.status().ok and len(rec.exported) == 1 and rec.exported[0].is_file()
            assert len(journals(tmp_path)) == 1

    def test_a_file_as_folder_is_refused_at_start(self, tmp_path):
        blocker = tmp_path / "file"
        blocker.write_text("not a folder")
        with pytest.raises(ValueError, match="is a file"):
            pictures(settings(), blocker)
        with pytest.raises(ValueError, match="cannot write to recordings folder"):
            pictures(settings(), blocker / "recordings")

    def test_folder_that_cannot_come_back_fails_softly(self, tmp_path):
        folder = tmp_path / "recordings"
        with pictures(settings(), folder) as rec:
            folder.rmdir()
            folder.write_text("now a file")  # gone, and cannot come back as a folder
            assert not rec.start()
            assert rec.status().text == "not recorded: the recordings folder is gone"
            folder.unlink()
            record_one(rec, frame(1))  # the loop goes on: it records again once it can
            assert rec.status().ok and len(rec.exported) == 1 and rec.exported[0].parent == folder

    def test_a_deleted_folder_is_made_again_and_logged_once(self, tmp_path, caplog):
        """Deleted between recordings, and deleted mid-recording (the journal goes with it, but
        the open file keeps the frames): both recordings are written into the folder made again."""
        import shutil

        folder = tmp_path / "recordings"
        with pictures(settings(), folder) as rec:
            shutil.rmtree(folder)
            record_one(rec, frame(1))
            assert rec.exported[0].is_file() and rec.exported[0].parent == folder
            assert rec.start()
            rec.add(frame(40))
            rec.flush()
            shutil.rmtree(folder)
            rec.add(frame(120))
            rec.stop()
            rec.wait()
            assert rec.failures == 0 and len(rec.exported) == 2
        assert rec.exported[1].is_file() and rec.exported[1].parent == folder
        assert iio.imread(rec.exported[1], index=None).shape[0] == 2
        made = [r for r in caplog.records if "was gone: made it again" in r.getMessage()]
        assert len(made) == 2  # once per time it was gone, not per frame or per file
        assert not journals(folder)

    def test_names_are_time_and_token_and_the_cap_applies(self, tmp_path):
        (tmp_path / "notes.txt").write_text("kept")
        with pictures(settings(keep_mb=1e-6), tmp_path) as rec:  # a cap below one GIF
            for i in range(3):
                record_one(rec, frame(40 * i))
            assert rec.failures == 0 and len(rec.exported) == 3
            assert all(parse_name(p.name) is not None for p in rec.exported)
        # each export deletes the older ones: only the newest is left, and notes.txt
        newest = rec.exported[-1]
        assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["notes.txt", newest.name, f"{newest.stem}.mp4"])

    def test_camera_frames_need_the_flag(self, tmp_path):
        with pytest.raises(ValueError, match="record_camera"):
            Recorder(settings(), tmp_path, SHAPE, source=Source.CAMERA)
        with Recorder(settings(), tmp_path) as rec:  # the swarm's clip: no picture goes in
            rec.start()
            with pytest.raises(ValueError, match="record_camera"):
                rec.add(frame(1), Source.CAMERA)
            with pytest.raises(ValueError, match="records swarm frames"):
                rec.add(frame(1), Source.RESULT)
            rec.stop(export=False)
        with pictures(settings(), tmp_path) as rec:
            rec.start()
            with pytest.raises(ValueError, match="record_camera"):
                rec.add(frame(1), Source.CAMERA)
            assert rec.frames == 0
        with Recorder(settings(record_camera=True), tmp_path, SHAPE, source=Source.CAMERA) as rec:
            rec.start()
            assert rec.add(frame(1), Source.CAMERA)
            with pytest.raises(ValueError, match="records camera frames"):
                rec.add(frame(1), Source.RESULT)

    def test_wrong_shape_is_refused(self, tmp_path):
        with pictures(settings(), tmp_path) as rec:
            rec.start()
            with pytest.raises(ValueError, match="does not match"):
                rec.add(np.zeros((8, 8, 3), np.uint8))

    def test_mp4_beside_gif(self, tmp_path):
        with pictures(settings(mp4=True), tmp_path) as rec:
            rec.start()
            for i in range(4):
                rec.add(frame(60 * i))
            rec.stop()
            rec.wait()
            assert rec.failures == 0, rec.status()
        assert rec.exported[0].with_suffix(".mp4").stat().st_size > 0

    def test_oversized_exports_are_refused_at_start(self, tmp_path):
        with pytest.raises(ValueError, match="lower record.max_seconds"):
            Recorder(settings(max_seconds=600.0, fps=60.0), tmp_path, (1024, 2048), Source.RESULT)
        with pytest.raises(ValueError, match="or record.size"):
            Recorder(settings(max_seconds=600.0, fps=60.0, size=2160), tmp_path)

    def test_a_shape_for_the_swarm_is_refused(self, tmp_path):
        with pytest.raises(ValueError, match="Source.RESULT"):
            Recorder(settings(), tmp_path, SHAPE)
