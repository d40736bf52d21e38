"""The mirror's segmentation, model and picture size, measured on the person footage (docs/mirror.md).

    PYTHONPATH=. .venv/bin/python docs/mirror_segmentation.py

For each of MediaPipe's two selfie segmentation models and several sizes of the square picture
it is given (the square of the camera picture the mirror shows, ``hand.region`` = 0.9), every
frame of tests/data/person_walk.mp4 is segmented; the mask, at the render size (256), is
compared with the true mask (tests/person_footage.py) where a person covers at least 3 % of the
square. Prints the median wall and CPU milliseconds per frame (the picture's reduction, the
model, the mask's scaling) and the IoU's mean and 10th percentile. Each setting runs twice,
interleaved, so a busy machine shows in the spread.
"""

from __future__ import annotations

import time

import cv2
import imageio.v3 as iio
import numpy as np

import tests.person_footage as footage
from live.input.mirror import square_of
from live.input.segment import PersonSegmenter, SegmentationModel

VIDEO = "tests/data/person_walk.mp4"
RENDER = 256
SETTINGS = [(SegmentationModel.LANDSCAPE, n) for n in (256, 160, 128, 96)] + [
    (SegmentationModel.GENERAL, n) for n in (256, 160, 128)
]


def main() -> None:
    video = iio.imread(VIDEO)
    truth = [square_of(m.astype(np.float32), 0.9, RENDER) > 0.5 for m in footage.true_masks()]
    person = [t.mean() >= 0.03 for t in truth]
    for run in range(2):
        for model, side in SETTINGS:
            wall, cpu, ious = [], [], []
            with PersonSegmenter(model) as segmenter:
                for image, true, there in zip(video, truth, person, strict=True):
                    w0, c0 = time.perf_counter(), time.process_time()
                    raw = segmenter.segment(square_of(image, 0.9, side))
                    mask = cv2.resize(raw, (RENDER, RENDER), interpolation=cv2.INTER_LINEAR) > 0.5
                    wall.append(time.perf_counter() - w0)
                    cpu.append(time.process_time() - c0)
                    if there:
                        ious.append(np.count_nonzero(mask & true) / np.count_nonzero(mask | true))
            print(
                f"run {run + 1}  {model.name.lower():9s} {side:3d} px: {1e3 * np.median(wall):5.2f} ms wall, "
                f"{1e3 * np.median(cpu):5.2f} ms CPU, IoU mean {np.mean(ious):.3f}, p10 {np.percentile(ious, 10):.3f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
