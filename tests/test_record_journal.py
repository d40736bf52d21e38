"""The journal of a recording in progress: records read back up to a tear, locks between
processes, tries counted over restarts, and fsyncs that come by themselves."""

import os
import threading

import numpy as np
import pytest

from live.config import RecordConfig
from live.record import ClipFrame, Recorder
from live.record import journal as journals
from live.record.files import new_stem
from live.record.journal import FRAME, MASK, MAX_TRIES, Journal, claim_leftovers, mask_payload
from tests.conftest import wait_for


def one(folder) -> Journal:
    journal = Journal.create(folder, new_stem(), {"kind": "swarm", "shape": [8, 8, 3]})
    for k in range(3):
        journal.append(FRAME, bytes([k]) * (k + 1))
    journal.sync()
    return journal


class TestRecords:
    def test_round_trip_with_masks(self, tmp_path):
        journal = Journal.create(tmp_path, new_stem(), {"kind": "swarm", "shape": [8, 8, 3], "fps": 15})
        journal.append(FRAME, b"a")
        mask = np.zeros((16, 16), np.float32)
        mask[4:12, 4:12] = 1.0
        journal.append(MASK, mask_payload(mask))
        journal.append(FRAME, b"bb")
        contents = journal.read()
        assert contents.header["fps"] == 15 and contents.frames == [b"a", b"bb"] and not contents.torn
        assert contents.masks[0] is None and np.array_equal(contents.masks[1], mask)
        assert journal.path.name.startswith(".live-rec-") and journal.path.name.endswith(".0.clip")
        journal.discard()
        assert list(tmp_path.iterdir()) == []

    @pytest.mark.parametrize("damage", ["cut", "flipped"])
    def test_a_torn_end_is_dropped(self, tmp_path, damage):
        journal = one(tmp_path)
        size = journal.path.stat().st_size
        if damage == "cut":
            os.truncate(journal.path, size - 2)
        else:
            with open(journal.path, "r+b") as f:
                f.seek(size - 1)
                f.write(b"\x00")  # the last record's payload no longer matches its checksum
        contents = journal.read()
        assert contents.frames == [b"\x00", b"\x01\x01"] and contents.torn

    def test_no_header_is_not_a_journal(self, tmp_path):
        journal = one(tmp_path)
        os.truncate(journal.path, 5)
        with pytest.raises(ValueError, match="not a recording journal"):
            journal.read()

    def test_read_after_the_folder_is_deleted(self, tmp_path):
        import shutil

        folder = tmp_path / "rec"
        folder.mkdir()
        journal = one(folder)
        shutil.rmtree(folder)
        assert len(journal.read().frames) == 3  # the open file keeps the frames
        journal.discard()  # and its name is gone already: no error


class TestClaim:
    def test_a_journal_held_by_a_running_process_is_left_alone(self, tmp_path):
        journal = one(tmp_path)  # held: flock on its own open file, as another process's would be
        assert claim_leftovers(tmp_path) == []
        journal.release()  # the process died
        (claimed,) = claim_leftovers(tmp_path)
        assert claimed.stem == journal.stem and claimed.tries == 1 and claimed.path.name.endswith(".1.clip")
        assert claim_leftovers(tmp_path) == []  # two starts never claim the same one
        assert len(claimed.read().frames) == 3
        claimed.release()

    def test_tries_are_counted_and_a_journal_that_keeps_failing_is_set_aside(self, tmp_path, caplog):
        journal = one(tmp_path)
        journal.release()
        for tries in range(1, MAX_TRIES + 1):
            (claimed,) = claim_leftovers(tmp_path)
            assert claimed.tries == tries
            claimed.release()  # its export failed (or the process died during it)
        assert claim_leftovers(tmp_path) == []
        assert [p.name for p in tmp_path.iterdir()] == [f".live-rec-{journal.stem}.failed"]
        assert "could not be exported in 3 tries" in caplog.text

    def test_other_files_are_not_journals(self, tmp_path):
        for name in (".live-rec-junk.0.clip", "notes.txt", ".live-part-00-x.clip.tmp"):
            (tmp_path / name).write_bytes(b"x")
        assert claim_leftovers(tmp_path) == []


class TestSync:
    def test_a_frame_reaches_the_disk_without_waiting_for_the_recording_to_end(self, tmp_path, monkeypatch):
        """Power-cut safety: the journal is fsynced shortly after a frame is written, by itself
        (no further frame, no stop)."""
        synced = []
        real = os.fsync
        lock = threading.Lock()

        def spy(fd):
            real(fd)
            with lock:
                synced.append(fd)

        settings = RecordConfig(stride=1, max_seconds=10.0, fps=10.0, size=64)
        with Recorder(settings, tmp_path) as rec:
            monkeypatch.setattr(journals.os, "fsync", spy)
            assert rec.start()
            fd = rec._journal.fd
            rec.add(ClipFrame(np.zeros((1, 2), np.float32), np.full((1, 3), 0.1, np.float32)))
            journal = rec._journal
            assert wait_for(lambda: fd in synced and journal.frames == 1 and not journal.dirty, timeout=30.0)
            assert rec.recording
            rec.stop(export=False)
