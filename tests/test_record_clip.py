"""The clip: swarm frames as bytes, drawn at the recording's size with the drawing inset, encoded
in one pass (MP4 and GIF), and recorded by a swarm recorder."""

import imageio.v3 as iio
import imageio_ffmpeg
import numpy as np
import pytest
import torch

from live.config import RecordConfig
from live.record import ClipFrame, ClipView, Recorder, encode_clip
from live.record.clip import DrawnFrames
from live.render.eyes import EyePose
from live.render.view import CrispView


def swarm(n=5, seed=0, eyes=True) -> ClipFrame:
    rng = np.random.default_rng(seed)
    centers = rng.uniform(-0.7, 0.7, (n, 2)).astype(np.float32)
    radii = (np.array([0.2, 0.1, 0.05]) * rng.uniform(0.8, 1.2, (n, 1))).astype(np.float32)
    if not eyes:
        return ClipFrame(centers, radii)
    eye = rng.uniform(-0.03, 0.03, (n, 2)).astype(np.float32)
    return ClipFrame(centers, radii, eye, eye * 1.5, rng.uniform(0.2, 1.0, n).astype(np.float32))


def square_mask(side=64) -> np.ndarray:
    mask = np.zeros((side, side), np.float32)
    mask[side // 4 : 3 * side // 4, side // 4 : 3 * side // 4] = 1.0
    return mask


class TestClipFrame:
    @pytest.mark.parametrize("eyes", [True, False])
    def test_round_trip(self, eyes):
        frame = swarm(eyes=eyes)
        back = ClipFrame.from_bytes(frame.to_bytes())
        for name in ("centers", "radii", "eye", "pupil", "open"):
            a, b = getattr(frame, name), getattr(back, name)
            assert (a is None and b is None) or np.array_equal(a, b), name
        assert len(frame.to_bytes()) == 5 + 4 * 5 * (10 if eyes else 5)  # ~40 bytes a creature

    def test_of_copies_the_tensors(self):
        centers, radii = torch.zeros(3, 2), torch.full((3, 3), 0.1)
        eyes = EyePose(torch.zeros(3, 2), torch.zeros(3, 2), torch.ones(3))
        frame = ClipFrame.of(centers, radii, eyes)
        centers += 1.0  # a later step
        assert frame.centers.max() == 0.0 and frame.open.shape == (3,)

    @pytest.mark.parametrize(
        "data",
        [b"", b"\x01\x00", swarm().to_bytes()[:-1], b"\xff\xff\xff\xff\x00" + bytes(40)],
        ids=["empty", "short", "cut", "absurd count"],
    )
    def test_bad_bytes_are_refused(self, data):
        with pytest.raises(ValueError):
            ClipFrame.from_bytes(data)

    def test_non_finite_values_are_refused(self):
        frame = swarm(eyes=False)
        frame.centers[0, 0] = np.nan
        with pytest.raises(ValueError, match="non-finite"):
            ClipFrame.from_bytes(frame.to_bytes())


class TestClipView:
    def test_the_swarm_crisp_at_its_size_with_the_drawing_inset(self):
        frame = swarm()
        view = ClipView(240, inset=0.25)
        view.set_target(square_mask())
        image = view.draw(frame)
        assert image.shape == (240, 240, 3) and image.dtype == np.uint8
        crisp = CrispView(240, 0, 0.99)
        eyes = EyePose(*(torch.from_numpy(a) for a in (frame.eye, frame.pupil, frame.open)))
        alone = crisp.rgb8(torch.from_numpy(frame.centers), torch.from_numpy(frame.radii), eyes).numpy()
        inset = np.zeros((240, 240), bool)
        inset[176:236, 176:236] = True  # 60 px, 4 px from the corner
        assert (image[~inset] == alone[~inset]).all()  # the swarm, exactly as the crisp view draws it
        corner = image[176:236, 176:236]
        assert (corner[20:40, 20:40] == (255, 0, 0)).all()  # the drawn square, in the kiosk's red
        assert (corner[3:10, 3:10] == 0).all() and (corner[0] == (80, 84, 90)).all()  # black, framed

    def test_no_inset(self):
        frame = swarm()
        view = ClipView(64, inset=0.0)
        view.set_target(square_mask())
        crisp = CrispView(64, 0, 0.99)
        eyes = EyePose(*(torch.from_numpy(a) for a in (frame.eye, frame.pupil, frame.open)))
        alone = crisp.rgb8(torch.from_numpy(frame.centers), torch.from_numpy(frame.radii), eyes).numpy()
        assert (view.draw(frame) == alone).all()
        with pytest.raises(ValueError, match="inset"):
            ClipView(64, inset=0.9)


class TestDrawnFrames:
    def test_drawn_when_taken(self):
        drawn = []

        def draw(k):
            drawn.append(k)
            return np.full((4, 6, 3), k, np.uint8)

        frames = DrawnFrames(draw, list(range(10)), (4, 6, 3))
        assert frames.shape == (10, 4, 6, 3) and drawn == []
        assert len(frames[::3]) == 4 and frames[::3][1][0, 0, 0] == 3 and drawn == [3]
        assert np.asarray(frames).shape == (10, 4, 6, 3)


def mp4_frames(data: bytes, tmp_path) -> int:
    path = tmp_path / "x.mp4"
    path.write_bytes(data)
    return imageio_ffmpeg.count_frames_and_secs(str(path))[0]


class TestEncodeClip:
    def test_one_pass_makes_both_the_gif_at_its_own_rate(self, tmp_path):
        taken = []

        def draw(k):
            taken.append(k)
            image = np.zeros((32, 48, 3), np.uint8)
            image[:, k : k + 4] = (255, 0, 0)
            return image

        frames = DrawnFrames(draw, list(range(20)), (32, 48, 3))
        files = encode_clip(frames, 20.0, gif_every=2, mp4=True)
        assert mp4_frames(files["mp4"], tmp_path) == 20
        gif = iio.imread(files["gif"], index=None, extension=".gif")
        assert gif.shape[:3] == (10, 32, 48)
        assert len(taken) == 20 + 10  # each frame drawn once, and the GIF's palette samples again
        assert list(files) == ["mp4", "gif"]  # the GIF last: it announces both

    def test_without_mp4(self):
        files = encode_clip([np.zeros((8, 8, 3), np.uint8)] * 3, 10.0, mp4=False)
        assert list(files) == ["gif"]


class TestSwarmRecorder:
    def test_records_the_clip_at_record_size(self, tmp_path):
        settings = RecordConfig(stride=2, max_seconds=10.0, fps=10.0, gif_fps=5.0, size=96)
        with Recorder(settings, tmp_path) as rec:
            rec.set_target(square_mask())
            assert rec.start()
            for i in range(12):
                frame = swarm(seed=i)
                rec.add((torch.from_numpy(frame.centers), torch.from_numpy(frame.radii), None) if i % 4 else frame)
            assert rec.frames == 6
            rec.stop()
            rec.wait()
            (gif,) = rec.exported
        assert iio.imread(gif, index=None).shape == (3, 96, 96, 3)  # gif_fps 5 of fps 10: every other frame
        assert imageio_ffmpeg.count_frames_and_secs(str(gif.with_suffix(".mp4")))[0] == 6
