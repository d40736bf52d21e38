"""``live mirror``: the mirror measured headless, on a webcam, a video file or a stream.

:func:`measure` runs what the installation runs while it mirrors, without a window: the camera
and the person's segmentation on a thread of their own (:class:`~live.input.mirror.MirrorSource`),
the swarm following the masks (:class:`~live.app.mirror.MirrorSwarm`: it follows a person who
has stayed ``mirror.follow_after_s``, and forms the attract text again when they leave), one Adam
step per frame, and the crisp view drawn on its own thread while the step runs, as in the loop.

Every :data:`MEASURE_EVERY` frames, from a second after the swarm started following, the swarm's
silhouette (above 0.5) is compared with the mask it follows (above 0.5): the IoU. The lag is the
age of the mask the silhouette matches best, among the last :data:`LAG_MASKS` masks.

With ``lockstep`` = N the run keeps in step with the source instead of the wall clock: every
frame of a video file is segmented, in turn, and followed by N frames of the swarm, the clock
being the file's (N = 2 stands for a 50 fps loop watching a 25 fps camera). The figures then do
not depend on how busy the machine is: the tests use it.
"""

from __future__ import annotations

import collections
import logging
import statistics
import time
from collections.abc import Callable, Sequence

import numpy as np

from live.app.mirror import Change, MirrorFollow
from live.app.swarm import PoolSizer
from live.config import Config, MirrorConfig
from live.input.camera import CameraStatus
from live.input.mirror import MirrorSource, PersonMask
from live.optimise import Arranger
from live.render.view import ViewThread
from live.scene import build_live
from live.target import text_mask

log = logging.getLogger("live.mirror")

#: Frames between two IoU measures (a measure renders the silhouette once more).
MEASURE_EVERY = 4
#: The IoU is measured from this many seconds after the swarm starts following a person.
SETTLE_S = 1.0
#: Masks kept to find the lag (0.6 s of a 25 fps camera).
LAG_MASKS = 15
#: Seconds to wait for a camera's first frame before it counts as not opening.
OPEN_WAIT_S = 10.0


def iou(a: np.ndarray, b: np.ndarray) -> float:
    """Intersection over union of two boolean masks of one shape (1.0 when both are empty)."""
    union = np.count_nonzero(a | b)
    return float(np.count_nonzero(a & b)) / union if union else 1.0


class LagMeter:
    """Which of several past masks a silhouette matches best, on average.

    ``add(silhouette, past)`` takes the masks newest first (``past[k]``: k steps old); the lag is
    the ``k`` of the best mean IoU (the smallest ``k`` within 0.002 of it: a person standing still
    matches every step alike).
    """

    def __init__(self, steps: int) -> None:
        self.sums = np.zeros(steps)
        self.count = 0

    def add(self, silhouette: np.ndarray, past: Sequence[np.ndarray]) -> None:
        if len(past) < len(self.sums):
            return
        self.sums += [iou(silhouette, mask) for mask in past[: len(self.sums)]]
        self.count += 1

    @property
    def best(self) -> int | None:
        """The lag in steps, or None before any measure."""
        if not self.count:
            return None
        means = self.sums / self.count
        return int(np.flatnonzero(means >= means.max() - 0.002)[0])


class MirrorSwarm:
    """The measured swarm following the masks: the mirror's decisions (:class:`MirrorFollow`)
    applied to an arranger and its pool sizer directly (the tool runs a swarm of its own, as a fit
    does; in the live loop the live swarm applies them).

    Args:
        config: the ``[mirror]`` settings.
        source: the masks.
        arranger: the swarm's arranger; its target becomes the person's mask.
        sizer: the pool's sizer (None: a swarm of fixed size).
    """

    def __init__(self, config: MirrorConfig, source: MirrorSource, arranger: Arranger, sizer: PoolSizer | None):
        self.decide = MirrorFollow(config, source)
        self.arranger = arranger
        self.sizer = sizer

    @property
    def following(self) -> bool:
        return self.decide.following

    @property
    def person(self) -> PersonMask | None:
        """The mask the swarm follows now (None: it follows nobody)."""
        return self.decide.person

    def frame(self, now: float, idle: bool) -> Change | None:
        """Decides and, while following, takes each new mask as the target (START: the mask is
        the target already); returns the change the caller must also act on."""
        step = self.decide.frame(now, idle)
        if step is None:
            return None
        if step.person is not None:
            self.arranger.set_target(step.person.mask)
            if step.plan and self.sizer is not None:
                plan = self.sizer.set_target(step.person.mask, now)
                log.info("mirror: %d creatures of radius %.3f", plan.count, plan.radius)
        return step.change


class MirrorRun:
    """The swarm side of a measurement: one frame at a time, figures kept.

    Args:
        config: every setting.
        truth: optional true masks (F, S, S) bool per camera frame of a file (tests): the IoU and
            the lag are also measured against them.

    Built before the camera opens (a file plays from when it opens); :meth:`follow` then takes
    the masks.
    """

    def __init__(self, config: Config, truth: np.ndarray | None = None) -> None:
        self.config = config
        self.scene = build_live(config)
        self.sizer = PoolSizer(config, self.scene.arranger) if self.scene.pool else None
        self.swarm: MirrorSwarm | None = None
        self.attract = text_mask(config.app.attract_text, config.render.size, config.target.font)
        self.truth = truth
        self.drawer = ViewThread(self.scene.crisp)
        self.frames = 0
        self.ious: list[float] = []  # every measure after SETTLE_S of following
        self.truth_ious: list[float] = []
        self.creatures: list[int] = []  # at each measure
        self.following_frames = 0
        self._started = 0.0  # when the swarm started following
        self._past: collections.deque[PersonMask] = collections.deque(maxlen=LAG_MASKS)
        self.lag = LagMeter(LAG_MASKS)
        self.truth_lag = LagMeter(LAG_MASKS)
        self._show_attract(0.0)

    def follow(self, source: MirrorSource) -> None:
        """From now on the swarm mirrors ``source``'s masks."""
        self.swarm = MirrorSwarm(self.config.mirror, source, self.scene.arranger, self.sizer)

    def mask_period(self) -> float:
        """Seconds between two camera frames, from the last masks followed (0.04 before any)."""
        times = sorted(p.time for p in self._past)
        steps = [b - a for a, b in zip(times, times[1:], strict=False) if b > a]
        return statistics.median(steps) if steps else 0.04

    def _show_attract(self, now: float) -> None:
        self.scene.arranger.set_target(self.attract)
        if self.sizer is not None:
            self.sizer.set_target(self.attract, now)

    def frame(self, now: float) -> None:
        """One frame of the mirroring installation at ``now`` (seconds)."""
        change = self.swarm.frame(now, idle=True)
        if change is Change.LEAVE:
            self._show_attract(now)
        elif change is Change.START:
            self._started = now
            self._past.clear()
        person = self.swarm.person
        if person is not None and (not self._past or self._past[0].index != person.index):
            self._past.appendleft(person)
        arranger = self.scene.arranger
        if self.sizer is not None:
            self.sizer.update(now)
        self.drawer.start(*arranger.view_inputs())
        loss = arranger.step()
        arranger.recover(float(loss))
        self.drawer.result()
        self.frames += 1
        if person is not None:
            self.following_frames += 1
            if now - self._started >= SETTLE_S and self.frames % MEASURE_EVERY == 0:
                self._measure(person)

    def _measure(self, person: PersonMask) -> None:
        arranger = self.scene.arranger
        silhouette = arranger.silhouette().cpu().numpy() > 0.5
        self.ious.append(iou(silhouette, person.mask > 0.5))
        self.creatures.append(arranger.present)
        self.lag.add(silhouette, [p.mask > 0.5 for p in self._past])
        truth = self.truth
        if truth is not None and person.frame < len(truth):
            self.truth_ious.append(iou(silhouette, truth[person.frame]))
            past = [truth[person.frame - k] for k in range(LAG_MASKS) if person.frame - k >= 0]
            self.truth_lag.add(silhouette, past)

    def close(self) -> None:
        self.drawer.close()


def _open(config: Config, lockstep: int, loop: bool) -> MirrorSource:
    """The mirror's source on ``camera.source``: its own thread in real time, or (``lockstep``)
    every frame of a file, segmented when asked.

    Raises:
        ValueError: a bad source, or lockstep on something other than a video file.
    """
    source = MirrorSource(
        config.camera, config.mirror, config.render.size, config.hand.region,
        loop=loop, realtime=not lockstep, thread=not lockstep,
    )  # fmt: skip
    if lockstep and not source.camera.is_file:
        source.close()
        raise ValueError("--lockstep needs a video file: a webcam or a stream runs in real time")
    return source


def _check_open(source: MirrorSource) -> None:
    """Waits for the first frame of a webcam or stream.

    Raises:
        ValueError: the camera does not open.
    """
    camera = source.camera
    deadline = time.monotonic() + OPEN_WAIT_S
    while camera.status is CameraStatus.STARTING and time.monotonic() < deadline:
        time.sleep(0.02)
    if camera.status is not CameraStatus.OK and source.frames == 0 and source.latest() is None:
        source.close()
        reason = camera.message.split(";")[0] or "no frame"
        raise ValueError(
            f"camera {camera.source} does not open ({reason}): "
            "check --camera (a webcam index, a video file or a stream URL)"
        )


def measure(
    config: Config,
    frames: int | None = None,
    lockstep: int = 0,
    loop: bool = False,
    on_second: Callable[[dict], None] | None = None,
    truth: np.ndarray | None = None,
) -> dict:
    """Mirrors ``config.camera.source`` headless and measures it (see the module's docstring).

    Args:
        frames: stop after this many frames of the swarm (None: when the source ends; a webcam
            or stream runs until interrupted).
        lockstep: 0: real time; N: every frame of a video file, then N frames of the swarm.
        loop: play a video file again when it ends.
        on_second: called with a line's figures (:func:`second_line`) every second of wall time.
        truth: true masks per camera frame (F, S, S) bool, S the render size (tests).

    Returns:
        the summary (:func:`summary`).

    Raises:
        ValueError: a bad source or argument, a camera that does not open.
        ImportError: mediapipe is missing.
    """
    if (frames is not None and frames < 1) or lockstep < 0:
        raise ValueError(f"--frames must be at least 1 and --lockstep at least 0, got {frames}, {lockstep}")
    run = MirrorRun(config, truth)
    try:
        source = _open(config, lockstep, loop)
        try:
            if not lockstep:
                _check_open(source)
            run.follow(source)
            ticker = _Ticker(run, source, on_second)
            try:
                if lockstep:
                    _in_lockstep(run, source, lockstep, frames, ticker)
                else:
                    _in_real_time(run, source, frames, ticker)
            except KeyboardInterrupt:  # a webcam runs until Ctrl-C: the summary of what ran
                pass
            return summary(run, source, ticker.seconds())
        finally:
            source.close()
    finally:
        run.close()


def _in_real_time(run: MirrorRun, source: MirrorSource, frames: int | None, ticker: _Ticker) -> None:
    began = time.monotonic()
    while (frames is None or run.frames < frames) and not source.finished(0.0):
        run.frame(time.monotonic() - began)
        ticker.tick()


def _in_lockstep(run: MirrorRun, source: MirrorSource, steps: int, frames: int | None, ticker: _Ticker) -> None:
    last: float | None = None
    while frames is None or run.frames < frames:
        now = source.step(timeout=OPEN_WAIT_S)
        if now is None:
            return  # the file has ended
        period = now - last if last is not None and now > last else 0.04
        for j in range(steps):
            run.frame(now + j * period / steps)
            ticker.tick()
        last = now


class _Ticker:
    """Hands a line's figures to ``on_second`` once a second of wall time."""

    def __init__(self, run: MirrorRun, source: MirrorSource, on_second: Callable[[dict], None] | None) -> None:
        self.run, self.source, self.on_second = run, source, on_second
        self.began = self._last = time.perf_counter()
        self._frames = self._measures = 0

    def seconds(self) -> float:
        return time.perf_counter() - self.began

    def tick(self) -> None:
        now = time.perf_counter()
        if now - self._last < 1.0 or self.on_second is None:
            return
        run = self.run
        ious = run.ious[self._measures :]
        person = self.source.latest()
        self.on_second(
            {
                "t": round(now - self.began, 1),
                "fps": round((run.frames - self._frames) / (now - self._last), 1),
                "following": run.swarm.following,
                "person": None if person is None else round(person.area, 3),
                "iou": round(statistics.fmean(ious), 3) if ious else None,
                "creatures": run.scene.arranger.present,
                "seg_ms": self.source.stats()["seg_ms"],
            }
        )
        self._last, self._frames, self._measures = now, run.frames, len(run.ious)


def summary(run: MirrorRun, source: MirrorSource, seconds: float) -> dict:
    """The run's figures: ``frames``, ``fps`` (frames over wall seconds), ``iou_mean`` and
    ``iou_p10`` (after the first second of each following), ``person_frames`` (masks with a
    person), ``seg_ms`` (median per mask), and ``mirror_frames`` (masks made), ``following``
    (frames the swarm followed), ``creatures`` (median while measured), ``lag_s``; with true
    masks ``truth_iou_mean``, ``truth_iou_p10`` and ``truth_lag_s``."""
    stats = source.stats()
    period = run.mask_period()
    out = {
        "frames": run.frames,
        "fps": round(run.frames / seconds, 1) if seconds > 0 else None,
        "iou_mean": _round(statistics.fmean(run.ious) if run.ious else None),
        "iou_p10": _round(float(np.percentile(run.ious, 10)) if run.ious else None),
        "person_frames": stats["person_frames"],
        "seg_ms": stats["seg_ms"],
        "mirror_frames": stats["mirror_frames"],
        "following": run.following_frames,
        "measures": len(run.ious),
        "creatures": int(statistics.median(run.creatures)) if run.creatures else None,
        "lag_s": _round(None if run.lag.best is None else run.lag.best * period),
    }
    if run.truth is not None:
        ious = run.truth_ious
        out["truth_iou_mean"] = _round(statistics.fmean(ious) if ious else None)
        out["truth_iou_p10"] = _round(float(np.percentile(ious, 10)) if ious else None)
        out["truth_lag_s"] = _round(None if run.truth_lag.best is None else run.truth_lag.best * period)
    return out


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def second_line(figures: dict) -> str:
    """A second's figures as a line of text."""
    iou_text = "  -  " if figures["iou"] is None else f"{figures['iou']:.3f}"
    person = "nobody" if not figures["person"] else f"{100 * figures['person']:4.1f}%"
    return (
        f"{figures['t']:6.1f} s  {figures['fps']:5.1f} fps  {'FOLLOW' if figures['following'] else '      '}  "
        f"person {person:>6}  iou {iou_text}  creatures {figures['creatures']:3d}  seg {figures['seg_ms']} ms"
    )


def summary_line(figures: dict) -> str:
    """The summary as a line of text."""
    return "mirror: " + ", ".join(f"{key} {value}" for key, value in figures.items())
