"""Recording files: names, writes that are never half done, leftovers, the disk cap, encoders."""

import errno
import os
import re
import subprocess
import time
from types import SimpleNamespace

import imageio.v3 as iio
import numpy as np
import pytest

from live.record import encode_gif, encode_mp4, files, write_gif
from live.record.files import (
    PART_PREFIX,
    check_folder,
    new_stem,
    parse_name,
    prune,
    publish,
    remove_leftovers,
)


def parts(folder):
    return sorted(p.name for p in folder.glob(PART_PREFIX + "*"))


def frames(t=6, h=16, w=32):
    rng = np.random.default_rng(0)
    colours = rng.integers(0, 256, (t, 1, 1, 3), dtype=np.uint8)
    stack = np.broadcast_to(colours, (t, h, w, 3)).copy()
    stack[:, : h // 2, : w // 2] = 255 - stack[:, : h // 2, : w // 2]
    return stack


class TestNames:
    def test_stem_is_time_and_a_22_character_token(self):
        stem = new_stem(0.0)
        assert re.fullmatch(r"\d{8}-\d{6}-[A-Za-z0-9_-]{22}", stem)
        assert stem[:15] == time.strftime("%Y%m%d-%H%M%S", time.localtime(0.0))

    def test_stems_of_one_second_differ(self):
        stems = {new_stem(1e9) for _ in range(1000)}
        assert len(stems) == 1000

    def test_parse_name(self):
        stem = new_stem()
        parsed = parse_name(f"{stem}.gif")
        assert parsed is not None and parsed.token == stem[16:] and parsed.ext == "gif"
        assert parse_name(f"{stem}.mp4").ext == "mp4"
        others = ("README.md", ".gitkeep", f"{stem}.png", f"x{stem}.gif", "20261128-000816.gif", f".{stem}.gif")
        for other in others:
            assert parse_name(other) is None, other


class TestPublish:
    def test_writes_all_files_and_no_temporary_is_left(self, tmp_path):
        paths = publish(tmp_path, {"a.mp4": b"mp4", "a.gif": b"gif"})
        assert [p.name for p in paths] == ["a.mp4", "a.gif"]
        assert (tmp_path / "a.gif").read_bytes() == b"gif" and (tmp_path / "a.mp4").read_bytes() == b"mp4"
        assert parts(tmp_path) == []

    def test_failed_write_leaves_no_file(self, tmp_path, monkeypatch):
        calls = []

        def full(fd, data):
            calls.append(fd)
            if len(calls) == 2:  # the second file fails: the first must not appear either
                raise OSError(errno.ENOSPC, "No space left on device")
            os.write(fd, data)

        monkeypatch.setattr(files, "_write_all", full)
        with pytest.raises(OSError) as info:
            publish(tmp_path, {"a.mp4": b"mp4", "a.gif": b"gif"})
        assert info.value.errno == errno.ENOSPC
        assert list(tmp_path.iterdir()) == []

    def test_too_little_space_is_refused_before_writing(self, tmp_path, monkeypatch):
        monkeypatch.setattr(files.shutil, "disk_usage", lambda _: SimpleNamespace(total=10**9, used=10**9, free=1000))
        with pytest.raises(OSError, match="disk full: 0.0 MB free") as info:
            publish(tmp_path, {"a.gif": b"x" * 10})
        assert info.value.errno == errno.ENOSPC
        assert list(tmp_path.iterdir()) == []

    def test_replaces_atomically_over_an_old_file(self, tmp_path):
        (tmp_path / "a.gif").write_bytes(b"old")
        publish(tmp_path, {"a.gif": b"new"})
        assert (tmp_path / "a.gif").read_bytes() == b"new"

    def test_write_gif_to_a_path(self, tmp_path):
        path = write_gif(tmp_path / "sub" / "x.gif", frames(), 10.0)
        assert iio.imread(path, index=None).shape[:3] == (6, 16, 32)
        assert parts(path.parent) == []


class TestLeftovers:
    def test_unlocked_leftover_is_removed_and_locked_one_kept(self, tmp_path):
        dead = tmp_path / f"{PART_PREFIX}dead-x.gif"
        dead.write_bytes(b"half")
        (tmp_path / "keep.txt").write_text("mine")
        with files._locked_part(tmp_path, "y.gif") as (fd, busy):
            removed = remove_leftovers(tmp_path)
            assert removed == [dead]
            assert busy.exists()  # another writer holds it: it is kept
            assert list(tmp_path.glob("*.gif")) == []  # nor does a reader that globs see it
        assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.txt"]

    def test_check_folder(self, tmp_path):
        assert check_folder(tmp_path / "new" / "deep").is_dir()
        blocker = tmp_path / "file"
        blocker.write_text("x")
        with pytest.raises(ValueError, match="is a file"):
            check_folder(blocker)
        with pytest.raises(ValueError, match="cannot write to recordings folder"):
            check_folder(blocker / "sub")
        assert parts(tmp_path) == []

    @pytest.mark.skipif(os.geteuid() != 0, reason="needs root to mount a read-only tmpfs")
    def test_read_only_folder(self, tmp_path):
        mount = tmp_path / "ro"
        mount.mkdir()
        made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k,ro", "tmpfs", str(mount)], capture_output=True)
        if made.returncode:
            pytest.skip("cannot mount a tmpfs here")
        try:
            with pytest.raises(ValueError, match="cannot write to recordings folder .*Read-only"):
                check_folder(mount)
        finally:
            subprocess.run(["umount", str(mount)], check=True)


class TestPrune:
    def make(self, folder, age_s, size, mp4=False, now=1e9):
        stem = new_stem(now - age_s)
        for ext in ("gif", "mp4") if mp4 else ("gif",):
            path = folder / f"{stem}.{ext}"
            path.write_bytes(b"x" * size)
            os.utime(path, (now - age_s, now - age_s))
        return stem

    def names(self, folder):
        return sorted(p.name for p in folder.iterdir())

    def test_oldest_first_until_under_the_cap(self, tmp_path):
        mb = 2**20
        old = self.make(tmp_path, 300, mb, mp4=True)  # 2 MB with its MP4
        mid = self.make(tmp_path, 200, mb)
        new = self.make(tmp_path, 100, mb)
        (tmp_path / "README.md").write_bytes(b"y" * 5 * mb)  # not ours: never counted nor touched
        (tmp_path / "20200101-000000.gif").write_bytes(b"z")
        deleted = prune(tmp_path, keep_mb=2.5, keep_days=0, now=1e9)
        assert sorted(p.name for p in deleted) == [f"{old}.gif", f"{old}.mp4"]
        assert self.names(tmp_path) == sorted(["README.md", "20200101-000000.gif", f"{mid}.gif", f"{new}.gif"])

    def test_by_age(self, tmp_path):
        old = self.make(tmp_path, 3 * 86400, 10)
        new = self.make(tmp_path, 86400 / 2, 10)
        prune(tmp_path, keep_mb=0, keep_days=1, now=1e9)
        assert self.names(tmp_path) == [f"{new}.gif"]
        assert old not in "".join(self.names(tmp_path))

    def test_the_recording_just_written_is_spared(self, tmp_path):
        self.make(tmp_path, 300, 2**20)
        new = self.make(tmp_path, 100, 2**20)
        prune(tmp_path, keep_mb=0.5, keep_days=0, now=1e9, spare=new)
        assert self.names(tmp_path) == [f"{new}.gif"]

    def test_zero_keeps_everything(self, tmp_path):
        for age in (10, 1e7):
            self.make(tmp_path, age, 2**20)
        assert prune(tmp_path, keep_mb=0, keep_days=0, now=1e9) == []
        assert len(self.names(tmp_path)) == 2


def mp4_info(path):
    import imageio_ffmpeg

    command = [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-i", str(path)]
    return subprocess.run(command, capture_output=True, text=True).stderr


def top_level_boxes(data: bytes) -> list[str]:
    boxes, at = [], 0
    while at + 8 <= len(data):
        size = int.from_bytes(data[at : at + 4], "big")
        boxes.append(data[at + 4 : at + 8].decode("latin-1"))
        if size < 8:
            break
        at += size
    return boxes


class TestEncoders:
    def test_gif_round_trip_with_one_palette(self):
        stack = frames()
        gif = iio.imread(encode_gif(stack, 10.0), index=None, extension=".gif")[..., :3]
        assert gif.shape == stack.shape
        assert np.abs(gif.astype(int) - stack).max() <= 8  # few colours: the palette holds them all

    def test_gif_over_the_cap_is_made_smaller(self):
        rng = np.random.default_rng(1)
        noisy = rng.integers(0, 256, (20, 64, 64, 3), dtype=np.uint8)
        full = encode_gif(noisy, 15.0)
        capped = encode_gif(noisy, 15.0, max_bytes=len(full) // 3)
        assert len(capped) <= len(full) // 3
        small = iio.imread(capped, index=None, extension=".gif")
        assert small.shape[0] <= 10  # every other frame first ...
        with pytest.raises(ValueError, match="gif_max_mb"):
            encode_gif(noisy, 15.0, max_bytes=100)  # ... and an error when nothing fits

    @pytest.mark.parametrize("fps", [15.0, 12.0, 20.0])
    def test_gif_plays_as_long_as_it_was_recorded(self, fps):
        import io

        from PIL import Image

        stack = frames(t=45)
        with Image.open(io.BytesIO(encode_gif(stack, fps))) as gif:
            delays = []
            for i in range(gif.n_frames):
                gif.seek(i)
                delays.append(gif.info["duration"])
        assert 40 <= len(delays) <= 45  # Pillow merges a repeated frame into its predecessor's delay
        assert all(d % 10 == 0 and d >= 10 for d in delays)  # whole centiseconds
        assert abs(sum(delays) - 45 * 1000.0 / fps) <= 5.0  # 15 fps: 3000 ms, not 45 x 60 = 2700

    def test_gif_refuses_no_frames(self):
        with pytest.raises(ValueError, match="no frames"):
            encode_gif([], 10.0)

    def test_mp4_is_h264_yuv420p_faststart(self, tmp_path):
        data = encode_mp4(frames(t=10, h=15, w=33), 15.0)  # odd sides are padded
        boxes = top_level_boxes(data)
        assert "moov" in boxes and "mdat" in boxes and boxes.index("moov") < boxes.index("mdat"), boxes
        path = tmp_path / "x.mp4"
        path.write_bytes(data)
        info = mp4_info(path)
        assert re.search(r"Video: h264 .*yuv420p", info), info
        assert "34x16" in info, info  # width x height
