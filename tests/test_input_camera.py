"""Camera: sources, a real video file, and fake captures that fail or freeze (lost, then back)."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import numpy as np
import pytest

from live.config import CameraConfig
from live.input.camera import Camera, CameraStatus, mirrors, parse_source
from tests.conftest import HANDS, wait_for

CIRCLE = HANDS / "fingertip_circle.mp4"
needs_footage = pytest.mark.skipif(not CIRCLE.is_file(), reason="../shared/data/hands/ is absent")
FAST = CameraConfig(lost_after_s=0.15, retry_s=0.02, retry_max_s=0.1)



class FakeCapture:
    """A cv2.VideoCapture stand-in: gives ``good`` changing frames, then behaves as ``after``.

    ``after`` is 'fail' (read returns False), 'freeze' (the same picture forever), 'raise'
    (read raises) or 'good' (keeps going).
    """

    def __init__(self, good: int | None = None, after: str = "good", height: int = 24, width: int = 32):
        self.good, self.after, self.count = good, after, 0
        self.shape = (height, width, 3)
        self.released = False

    def isOpened(self) -> bool:
        return not self.released

    def get(self, prop: int) -> float:
        return 0.0

    def release(self) -> None:
        self.released = True

    def _picture(self, n: int) -> np.ndarray:
        image = np.zeros(self.shape, np.uint8)
        image[..., 0] = 255  # blue in BGR
        image[:, 0, 1] = 200  # a green left column, to see mirroring
        image[0, :, 2] = n % 256  # changes every frame
        image[1, :, 2] = n // 256
        return image

    def read(self):
        time.sleep(0.002)
        self.count += 1
        if self.good is None or self.count <= self.good:
            return True, self._picture(self.count)
        if self.after == "fail":
            return False, None
        if self.after == "freeze":
            return True, self._picture(self.good)
        if self.after == "raise":
            raise RuntimeError("device unplugged")
        return True, self._picture(self.count)


class Opener:
    """Hands out scripted captures in turn (None: the device cannot be opened); counts calls."""

    def __init__(self, *captures):
        self.captures = list(captures)
        self.calls = 0
        self.lock = threading.Lock()

    def __call__(self, source):
        with self.lock:
            self.calls += 1
            item = self.captures.pop(0) if len(self.captures) > 1 else self.captures[0]
        if isinstance(item, Exception):
            raise item
        if item is None:  # like cv2.VideoCapture on a missing device: created, not opened
            item = FakeCapture()
            item.released = True
        return item


class TestParseSource:
    def test_index(self):
        assert parse_source("0") == 0 and parse_source(2) == 2 and parse_source(" 1 ") == 1

    def test_file(self, tmp_path):
        f = tmp_path / "v.mp4"
        f.write_bytes(b"x")
        assert parse_source(str(f)) == f

    @pytest.mark.parametrize(
        "source, message",
        [("", "is empty"), ("-1", "is negative"), ("/no/such/video.mp4", "does not exist: check the path")],
    )
    def test_bad(self, source, message):
        with pytest.raises(ValueError, match=message):
            parse_source(source)

    def test_mirror_default_flips_webcams_only(self, tmp_path):
        assert mirrors("auto", 0) is True and mirrors("auto", tmp_path) is False
        assert mirrors("on", tmp_path) is True and mirrors("off", 0) is False
        with pytest.raises(ValueError, match="use 'auto', 'on' or 'off'"):
            mirrors("yes", 0)


class TestCameraFakeDevice:
    def test_rgb_and_mirror_at_the_boundary(self):
        with Camera(0, FAST, opener=Opener(FakeCapture())) as cam:
            frame = cam.next_frame(timeout=2.0)
            assert frame is not None and frame.mirrored
            assert frame.image.shape == (24, 32, 3) and frame.image.dtype == np.uint8
            assert (frame.image[..., 2] == 255).all()  # blue is the last channel in RGB
            assert (frame.image[2:, -1, 1] == 200).all()  # the left column is now on the right
            assert cam.status is CameraStatus.OK

    def test_no_mirror(self):
        with Camera(0, FAST, mirror=False, opener=Opener(FakeCapture())) as cam:
            frame = cam.next_frame(timeout=2.0)
            assert not frame.mirrored and (frame.image[2:, 0, 1] == 200).all()

    def test_latest_only_and_increasing(self):
        with Camera(0, FAST, opener=Opener(FakeCapture())) as cam:
            first = cam.next_frame(timeout=2.0)
            time.sleep(0.1)  # the device runs on; the reader missed frames
            later = cam.next_frame(timeout=2.0)
            assert later.index > first.index + 1 and later.time > first.time

    @pytest.mark.parametrize("after", ["fail", "freeze", "raise"])
    def test_lost_then_recovers(self, after):
        opener = Opener(FakeCapture(good=5, after=after), FakeCapture())
        with Camera(0, FAST, opener=opener) as cam:
            assert wait_for(lambda: cam.status is CameraStatus.LOST), cam.status
            assert cam.message
            assert wait_for(lambda: cam.status is CameraStatus.OK and opener.calls >= 2)
            frame = cam.next_frame(timeout=2.0)
            assert frame is not None and cam.reconnects >= 1

    def test_device_that_will_not_open_backs_off(self):
        opener = Opener(None)
        cfg = CameraConfig(lost_after_s=0.1, retry_s=0.05, retry_max_s=0.2)
        with Camera(0, cfg, opener=opener) as cam:
            time.sleep(0.6)
            assert cam.status is CameraStatus.LOST and "retrying" in cam.message
            assert cam.next_frame(timeout=0.05) is None
        # waits 0.05, 0.1, 0.2, 0.2, ...: about 5 tries in 0.6 s, not hundreds
        assert 2 <= opener.calls <= 8

    def test_opener_that_raises(self):
        opener = Opener(OSError("no such device"), FakeCapture())
        with Camera(0, FAST, opener=opener) as cam:
            assert cam.next_frame(timeout=3.0) is not None
            assert opener.calls >= 2

    def test_failure_while_delivering_recovers(self):
        class Odd(FakeCapture):
            def read(self):
                ok, image = super().read()
                return (True, np.zeros((4, 4), object)) if self.count == 3 else (ok, image)  # cv2 raises

        with Camera(0, FAST, opener=Opener(Odd(), FakeCapture())) as cam:
            assert wait_for(lambda: cam.reconnects >= 1 and cam.status is CameraStatus.OK)
            assert cam.next_frame(timeout=2.0) is not None

    def test_close_twice(self):
        cam = Camera(0, FAST, opener=Opener(FakeCapture()))
        cam.close()
        cam.close()
        assert cam.status is CameraStatus.CLOSED and cam.next_frame(timeout=0.1) is None


@needs_footage
class TestCameraVideoFile:
    def test_every_frame_in_order(self):
        with Camera(CIRCLE, CameraConfig(), loop=False, realtime=False) as cam:
            frames = []
            while (frame := cam.next_frame(timeout=5.0)) is not None:
                frames.append((frame.index, frame.time, frame.image.shape, frame.mirrored))
            assert cam.status is CameraStatus.ENDED
        assert [f[0] for f in frames] == list(range(120))
        assert frames[25][1] == pytest.approx(1.0)  # 25 fps: time is the position in the file
        assert {f[2] for f in frames} == {(480, 640, 3)} and not any(f[3] for f in frames)

    def test_loops(self):
        with Camera(CIRCLE, CameraConfig(), loop=True, realtime=False) as cam:
            times = [cam.next_frame(timeout=5.0).time for _ in range(130)]
        assert np.all(np.diff(times) > 0) and times[125] == pytest.approx(5.0)

    def test_real_time_plays_at_the_file_rate(self):
        with Camera(CIRCLE, CameraConfig(), loop=False, realtime=True) as cam:
            first = cam.next_frame(timeout=5.0)
            start = time.monotonic()
            time.sleep(0.4)
            frame = cam.next_frame(timeout=5.0)
            elapsed = time.monotonic() - start
        # about 10 frames in 0.4 s at 25 fps, whatever the reader does
        assert abs((frame.time - first.time) - elapsed) < 0.2


class TestCameraBadFile:
    def test_not_a_video(self, tmp_path):
        f = tmp_path / "notes.mp4"
        f.write_text("not a video")
        with pytest.raises(ValueError, match="cannot read video file"):
            Camera(f, CameraConfig())


PERSON = Path(__file__).resolve().parent / "data" / "person_walk.mp4"


class TestCameraReaders:
    """One capture, several consumers (the hand tracker and the mirror), each in its thread."""

    def test_every_reader_gets_every_frame_of_a_file(self):
        got: dict[str, list[int]] = {"a": [], "b": []}
        with Camera(PERSON, CameraConfig(), loop=False, realtime=False) as cam:
            readers = {name: cam.reader() for name in got}

            def read(name):
                while (frame := readers[name].next_frame(timeout=5.0)) is not None:
                    got[name].append(frame.index)
                    time.sleep(0.001 if name == "a" else 0.0)  # one reader slower than the other

            threads = [threading.Thread(target=read, args=(name,)) for name in got]
            for t in threads:
                t.start()
            for t in threads:
                t.join(timeout=60)
            assert cam.status is CameraStatus.ENDED
        assert got["a"] == got["b"] == list(range(300))

    def test_a_closed_reader_no_longer_holds_the_others_back(self):
        with Camera(PERSON, CameraConfig(), loop=False, realtime=False) as cam:
            slow, fast = cam.reader(), cam.reader()
            assert slow.next_frame(timeout=5.0).index == 0 and fast.next_frame(timeout=5.0).index == 0
            assert fast.next_frame(timeout=5.0).index == 1  # both took frame 0: frame 1 comes
            assert fast.next_frame(timeout=0.3) is None  # frame 2 waits for the slow reader
            slow.close()
            assert fast.next_frame(timeout=5.0).index == 2

    def test_real_time_readers_share_the_newest_frame(self):
        with Camera(0, FAST, opener=Opener(FakeCapture())) as cam:
            a, b = cam.reader(), cam.reader()
            first_a = a.next_frame(timeout=2.0)
            first_b = b.next_frame(timeout=2.0)
            assert first_a is not None and first_b is not None
            assert first_b.index >= first_a.index  # b takes the newest, whatever a took
            assert a.next_frame(timeout=2.0).index > first_a.index
            assert a.status is CameraStatus.OK and cam.next_frame(timeout=2.0) is not None  # its own reader too
        assert a.next_frame(timeout=0.1) is None  # closed
