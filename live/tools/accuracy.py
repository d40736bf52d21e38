"""Fingertip accuracy on recorded footage: MediaPipe once per video, the smoothing replayed cheaply.

MediaPipe is the slow part (tens of milliseconds a frame); the One Euro filter and the gestures
after it take microseconds. So :func:`load_footage` runs the tracker over a video once and keeps
the raw landmarks of every frame (in an ``.npz`` cache when given a folder), and :func:`replay`
puts them through :class:`~live.input.gesture.HandGestures` with any ``[hand]`` settings, exactly
as ``live track`` does. :func:`sweep` compares filter settings on several videos at once; the
numbers behind the shipped defaults are in ``docs/hand.md``.

``python -m live.tools.accuracy VIDEO...`` prints the error of the current settings and a sweep
(a video's true path is read from ``VIDEO.path.json`` beside it, when there is one).
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import itertools
import json
import math
import statistics
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from live.config import HandConfig
from live.input.camera import DEFAULT_FILE_FPS
from live.input.gesture import OneEuroFilter
from live.input.hand import Hand, HandTracker
from live.input.identity import HandPens

Point = tuple[float, float]


@dataclass(frozen=True)
class Footage:
    """The raw hands MediaPipe found in every frame of one video."""

    name: str
    """The video's file name."""
    times: np.ndarray
    """(N,) float64 seconds: each frame's position in the video."""
    hands: tuple[tuple[Hand, ...], ...]
    """N tuples, the hands of each frame in MediaPipe's order (empty: none found)."""
    frame_size: tuple[int, int]
    """(width, height) of the frames in pixels."""

    def save(self, path: Path) -> None:
        """Writes the landmarks to ``path`` (``.npz``)."""
        flat = [h for hands in self.hands for h in hands]
        np.savez_compressed(
            path,
            name=np.array(self.name),
            times=self.times,
            counts=np.array([len(h) for h in self.hands], dtype=np.int64),
            points=np.array([h.points for h in flat], dtype=np.float64).reshape(-1, 21, 2),
            world=np.array([h.world for h in flat], dtype=np.float64).reshape(-1, 21, 3),
            handedness=np.array([h.handedness for h in flat], dtype=str),
            score=np.array([h.score for h in flat], dtype=np.float64),
            frame_size=np.array(self.frame_size, dtype=np.int64),
        )

    @classmethod
    def load(cls, path: Path) -> Footage:
        """Reads what :meth:`save` wrote."""
        with np.load(path) as data:
            flat = [
                Hand(p, w, str(label), float(s))
                for p, w, label, s in zip(data["points"], data["world"], data["handedness"], data["score"], strict=True)
            ]
            ends = np.cumsum(data["counts"])
            hands = tuple(tuple(flat[e - n : e]) for n, e in zip(data["counts"], ends, strict=True))
            w, h = (int(v) for v in data["frame_size"])
            return cls(str(data["name"]), data["times"].astype(np.float64), hands, (w, h))


def record_footage(video: str | Path, config: HandConfig) -> Footage:
    """Runs the hand tracker over every frame of ``video`` (not mirrored).

    Args:
        video: a video file.
        config: the ``[hand]`` settings (model_complexity, max_hands and the confidences count).

    Raises:
        ValueError: a file that cannot be opened or read.
    """
    video = Path(video)
    if not video.is_file():
        raise ValueError(f"video file '{video}' does not exist: give a path to a video file")
    capture = cv2.VideoCapture(str(video))
    fps = capture.get(cv2.CAP_PROP_FPS)
    fps = fps if fps and math.isfinite(fps) and 1.0 <= fps <= 1000.0 else DEFAULT_FILE_FPS
    times, hands = [], []
    size = (0, 0)
    try:
        with HandTracker(config) as tracker:
            while True:
                ok, bgr = capture.read()
                if not ok or bgr is None:
                    break
                size = (bgr.shape[1], bgr.shape[0])
                times.append(len(times) / fps)  # as the camera times a file's frames
                hands.append(tuple(tracker.find(np.ascontiguousarray(bgr[:, :, ::-1]))))
    finally:
        capture.release()
    if not times:
        raise ValueError(f"cannot read video file '{video}': give a video OpenCV can decode")
    return Footage(video.name, np.array(times, dtype=np.float64), tuple(hands), size)


def _cache_key(video: Path, config: HandConfig) -> str:
    stat = video.stat()
    c = config
    tracker = (c.model_complexity, c.max_hands, c.min_detection_confidence, c.min_tracking_confidence)
    digest = hashlib.sha1(f"{video.resolve()}|{stat.st_size}|{stat.st_mtime_ns}|{tracker}".encode()).hexdigest()
    return f"{video.stem}-c{config.model_complexity}-h{config.max_hands}-{digest[:12]}"


def load_footage(video: str | Path, config: HandConfig, cache: Path | None = None) -> Footage:
    """:func:`record_footage`, kept in ``cache`` (a folder) and read from there next time.

    The cache entry names the video's path, size and modification time and the tracker settings;
    anything else (the filter, the gestures) is replayed and does not need a new entry.
    """
    video = Path(video)
    if cache is None or not video.is_file():
        return record_footage(video, config)  # (which says what is wrong with a missing file)
    path = Path(cache) / f"{_cache_key(video, config)}.npz"
    if path.is_file():
        return Footage.load(path)
    footage = record_footage(video, config)
    path.parent.mkdir(parents=True, exist_ok=True)
    footage.save(path)
    return footage


#: One frame's smoothed fingertips: pen -> (x, y) in pixels, for every hand in view.
Tips = dict[int, Point]


def replay(footage: Footage, config: HandConfig) -> list[Tips]:
    """The smoothed fingertips of every frame, as ``live track`` reports them with ``config``.

    The hands go through :class:`~live.input.identity.HandPens`, which keeps a pen per hand.
    """
    pens = HandPens(config)
    tracks = []
    for t, hands in zip(footage.times, footage.hands, strict=True):
        updates = pens.update(hands, float(t), footage.frame_size)
        tracks.append({pen: u.tip for pen, u in updates if u.tip is not None})
    return tracks


def first_tips(tracks: Sequence[Tips]) -> list[Point | None]:
    """Per frame, the tip of the lowest pen in view (the one a one-hand setup draws with)."""
    return [tips[min(tips)] if tips else None for tips in tracks]


def tip_errors(tips: Sequence[Sequence[float] | None], truth: Sequence[Sequence[float]]) -> list[float]:
    """Distance in pixels from each tip to the true point of its frame (infinite where no tip).

    Frames past the end of ``truth`` are left out.
    """
    errors = []
    for tip, (tx, ty) in zip(tips, truth, strict=False):
        errors.append(math.inf if tip is None else math.hypot(tip[0] - tx, tip[1] - ty))
    return errors


@dataclass(frozen=True)
class Followed:
    """How one true path was followed by the pen that followed it best."""

    path: int
    """The path's index in the truth file."""
    pen: int | None
    """The pen with the smallest median error on it (None: no pen ever)."""
    errors: list[float]
    """That pen's error in each frame of the path (infinite where the pen had no tip)."""
    swaps: int
    """Frames in which that pen's tip was nearer another path than this one."""


def follow(tracks: Sequence[Tips], paths: Sequence[Sequence[Sequence[float]]]) -> list[Followed]:
    """Matches each true path with the pen that follows it, and counts where pens swap.

    Args:
        tracks: per frame, pen -> tip (frame ``i`` is ``tracks[i]``).
        paths: one true path per hand, each ``[[x, y], ...]`` per frame.
    """
    pens = sorted({pen for tips in tracks for pen in tips})
    result = []
    for i, path in enumerate(paths):
        best: tuple[tuple[float, float], int | None, list[float]] = (
            (math.inf, math.inf), None, [math.inf] * min(len(path), len(tracks))
        )
        for pen in pens:
            errors = tip_errors([tips.get(pen) for tips in tracks], path)
            finite = [e for e in errors if math.isfinite(e)]
            if finite:  # by the median, then (a pen missing half the time) the median where it was seen
                key = (statistics.median(errors), statistics.median(finite))
                if key < best[0]:
                    best = (key, pen, errors)
        _, pen, errors = best
        swaps = 0
        for f, tips in enumerate(tracks[: len(path)]):
            tip = tips.get(pen) if pen is not None else None
            if tip is not None:
                own = math.dist(tip, path[f])
                others = [other[f] for j, other in enumerate(paths) if j != i and f < len(other)]
                swaps += any(math.dist(tip, point) < own for point in others)
        result.append(Followed(i, pen, errors, swaps))
    return result


@dataclass(frozen=True)
class ErrorStats:
    """Median, 95th percentile (nearest rank) and maximum of a list of errors, in pixels."""

    median: float
    p95: float
    max: float

    @classmethod
    def of(cls, errors: Sequence[float]) -> ErrorStats:
        """The statistics of ``errors``.

        Raises:
            ValueError: no errors.
        """
        if not errors:
            raise ValueError("no errors to summarise: the truth and the footage share no frame")
        ranked = sorted(errors)
        p95 = ranked[min(len(ranked) - 1, round(0.95 * (len(ranked) - 1)))]
        return cls(statistics.median(ranked), p95, ranked[-1])


def jitter(tips: Sequence[Point | None]) -> float:
    """Median length in pixels of the tip's second difference (x[i+1] - 2 x[i] + x[i-1]).

    Without a true path this tells how much the tip shakes: a steady hand's tip moves smoothly
    at 25 fps, so what is left is tracker noise. Windows with a missing tip are skipped.

    Raises:
        ValueError: fewer than three tips in a row.
    """
    values = []
    for a, b, c in zip(tips, tips[1:], tips[2:], strict=False):
        if a is not None and b is not None and c is not None:
            values.append(math.hypot(a[0] - 2 * b[0] + c[0], a[1] - 2 * b[1] + c[1]))
    if not values:
        raise ValueError("jitter needs at least three tips in a row")
    return statistics.median(values)


#: :func:`rest_ratio`'s still fingertip: noise in pixels (each axis), frame rate, samples.
REST_NOISE_PX, REST_FPS, REST_SAMPLES = 2.0, 30.0, 300
#: Settings are chosen among those that let through no more of that noise than the defaults
#: before them (min_cutoff 1, beta 0.05, d_cutoff 1: 0.470); ``tests/test_input_gesture.py``
#: wants it at most halved.
MAX_REST_RATIO = 0.47


def rest_ratio(config: HandConfig, seed: int = 0) -> float:
    """How much jitter of a still fingertip the filter lets through: a simulated tip at rest with
    :data:`REST_NOISE_PX` of Gaussian noise at :data:`REST_FPS`, filtered with ``config``'s One
    Euro settings; the filtered spread over the raw spread (first second left out), 0 to 1.

    None of the footage holds a hand still, so this stands in for jitter at rest: the more a
    filter lets fast strokes through, the more noise it lets through too.
    """
    rng = np.random.default_rng(seed)
    noisy = 100.0 + rng.normal(0.0, REST_NOISE_PX, (REST_SAMPLES, 2))
    smooth = OneEuroFilter(config.filter_min_cutoff, config.filter_beta, config.filter_d_cutoff)
    out = np.array([smooth(p, i / REST_FPS) for i, p in enumerate(noisy)])
    skip = int(REST_FPS)
    return float(out[skip:].std(axis=0).max() / noisy[skip:].std(axis=0).min())


@dataclass(frozen=True)
class Measured:
    """One video replayed with one set of settings."""

    name: str
    errors: ErrorStats | None
    """Against the true paths, all hands' frames together (None without a truth)."""
    jitter: float
    """See :func:`jitter` (the first pen's tip)."""
    found: float
    """Fraction of frames with every hand in view (one, without a truth)."""
    swaps: int = 0
    """Frames in which a pen was nearer another hand's path than its own (see :func:`follow`)."""


def measure(footage: Footage, config: HandConfig, paths: Sequence[Sequence[Sequence[float]]] | None = None) -> Measured:
    """Replays ``footage`` with ``config`` and measures it against ``paths`` (one per hand) when given.

    With one path the first pen's tip is compared with it (as ``live track --truth`` does); with
    several each path is compared with the pen that follows it best (and ``config.max_hands`` is
    raised to the number of paths).
    """
    if paths is not None and len(paths) > config.max_hands:
        config = dataclasses.replace(config, max_hands=len(paths))
    tracks = replay(footage, config)
    tips = first_tips(tracks)
    errors, swaps = None, 0
    if paths is not None and len(paths) == 1:
        errors = ErrorStats.of(tip_errors(tips, paths[0]))
    elif paths is not None:
        followed = follow(tracks, paths)
        errors = ErrorStats.of([e for f in followed for e in f.errors])
        swaps = sum(f.swaps for f in followed)
    hands = len(paths) if paths else 1
    found = sum(len(t) >= hands for t in tracks) / len(tracks)
    return Measured(footage.name, errors, jitter(tips), found, swaps)


def read_paths(path: str | Path) -> list[list[list[float]]]:
    """True fingertip paths from a JSON file: ``[[x, y], ...]`` per frame for one hand, or
    ``[[[x, y], [x, y]], ...]`` per frame for several (as ``two_hands.mp4.path.json``).

    Returns:
        One path per hand, each ``[[x, y], ...]`` per frame.

    Raises:
        ValueError: the file cannot be read or is not such a list.
    """
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        points = np.asarray(data, dtype=np.float64)
    except (OSError, json.JSONDecodeError, ValueError) as exc:
        raise ValueError(f"cannot read true path '{path}': give a JSON list of [x, y] per frame ({exc})") from exc
    if points.ndim == 2 and points.shape[1] == 2:
        return [points.tolist()]
    if points.ndim == 3 and points.shape[2] == 2 and len(points):
        return [points[:, i].tolist() for i in range(points.shape[1])]
    raise ValueError(f"cannot read true path '{path}': give a JSON list of [x, y] per frame, got shape {points.shape}")


def truth_beside(video: Path) -> list[list[list[float]]] | None:
    """:func:`read_paths` of ``VIDEO.path.json`` beside ``video``, or None when there is none."""
    path = video.with_name(video.name + ".path.json")
    return read_paths(path) if path.is_file() else None


def sweep(
    runs: Sequence[tuple[Footage, Sequence[Sequence[float]] | None]],
    base: HandConfig,
    grid: dict[str, Iterable[float]],
) -> list[tuple[HandConfig, list[Measured]]]:
    """Every combination of ``grid`` (``[hand]`` field name -> values) on every video.

    Returns:
        One (settings, [what each video measured]) pair per combination, in grid order.
    """
    keys = list(grid)
    rows = []
    for values in itertools.product(*(list(grid[k]) for k in keys)):
        config = dataclasses.replace(base, **dict(zip(keys, values, strict=True)))
        rows.append((config, [measure(footage, config, truth) for footage, truth in runs]))
    return rows


#: The grid that ``python -m live.tools.accuracy`` sweeps.
DEFAULT_GRID: dict[str, tuple[float, ...]] = {
    "filter_min_cutoff": (0.25, 0.5, 1.0),
    "filter_beta": (0.04, 0.05, 0.06, 0.08, 0.1, 0.2, 0.5),
    "filter_d_cutoff": (0.5, 0.7, 1.0, 2.0, 4.0),
}


def _describe(m: Measured) -> str:
    where = f"found {100 * m.found:5.1f}%  jitter {m.jitter:5.2f}" + (f"  swaps {m.swaps}" if m.swaps else "")
    if m.errors is None:
        return f"{m.name:24s} {where}"
    e = m.errors
    return f"{m.name:24s} {where}  median {e.median:6.2f}  p95 {e.p95:6.2f}  max {e.max:6.2f}"


def main(argv: list[str] | None = None) -> int:
    """Prints the error of the current ``[hand]`` settings on each video, then a sweep."""
    from live.config import load_config

    parser = argparse.ArgumentParser(prog="python -m live.tools.accuracy", description=main.__doc__)
    parser.add_argument("videos", nargs="+", type=Path, help="video files (true path from VIDEO.path.json)")
    parser.add_argument("--cache", type=Path, help="folder that keeps the raw landmarks between runs")
    parser.add_argument("--model-complexity", type=int, choices=[0, 1], nargs="+", default=[0, 1])
    parser.add_argument("--top", type=int, default=10, help="how many sweep rows to print (default 10)")
    args = parser.parse_args(argv)
    base = load_config().hand
    try:
        for complexity in args.model_complexity:
            runs = []
            for video in args.videos:
                paths = truth_beside(video)
                hands = max(1, len(paths) if paths else 1)
                tracker = dataclasses.replace(base, model_complexity=complexity, max_hands=hands)
                runs.append((load_footage(video, tracker, args.cache), paths))
            tracker = dataclasses.replace(base, model_complexity=complexity)
            print(f"model_complexity={complexity}, current filter settings (rest ratio {rest_ratio(tracker):.3f}):")
            for footage, truth in runs:
                print("  " + _describe(measure(footage, tracker, truth)))
            rows = sweep(runs, tracker, DEFAULT_GRID)
            rows.sort(key=lambda row: max(m.errors.p95 for m in row[1] if m.errors is not None))
            kept = [row for row in rows if rest_ratio(row[0]) <= MAX_REST_RATIO]
            print(
                f"model_complexity={complexity}: {len(kept)} of {len(rows)} settings keep the jitter at rest "
                f"(rest ratio <= {MAX_REST_RATIO}); the best {args.top} by the worst p95:"
            )
            for config, measured in kept[: args.top]:
                print(
                    f"  min_cutoff {config.filter_min_cutoff} beta {config.filter_beta} "
                    f"d_cutoff {config.filter_d_cutoff}  rest ratio {rest_ratio(config):.3f}"
                )
                for m in measured:
                    print("    " + _describe(m))
    except (OSError, ValueError) as exc:
        print(f"accuracy: error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
