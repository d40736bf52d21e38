"""Headless scripts: timed strokes and key presses replayed without a window.

The format is documented in ``docs/script-format.md``. A script runs on its own clock: frame n of
a headless run is at ``n / fps`` seconds, so a replay is the same on a fast and a slow machine.
Strokes become pen events of pen 0; keys become commands through the keyboard's table
(:func:`live.input.keys.keymap`), as in a window.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from live.config import AppConfig, InputKind
from live.input.base import Input
from live.input.events import Command, Event, Pen, Phase
from live.input.keys import keymap

#: Key names a script may use besides single printable characters.
KEY_NAMES = {"esc": 27, "enter": 13, "space": 32, "tab": 9, "backspace": 8}
#: Defaults of the optional top-level fields.
DEFAULT_FPS = 30.0
DEFAULT_CANVAS = 224.0
DEFAULT_STROKE_SECONDS = 0.5
#: Bounds that keep a headless replay finite: times within a day, at most this many frames a second.
MAX_SECONDS = 86400.0
MAX_FPS = 1000.0
#: Largest canvas side a script's points may be given in.
MAX_CANVAS = 100000.0
#: Deepest nesting of lists and objects a script may have (the format needs 4: the script, its
#: events, an event, a stroke, a point).
MAX_DEPTH = 8
#: The fields of each kind of event.
KEY_FIELDS = ("t", "key")
STROKE_FIELDS = ("t", "stroke", "duration", "hand")


@dataclass(frozen=True)
class Script:
    """A parsed script: events with their times, sorted.

    Attributes:
        fps: frames per second of the script clock.
        end: seconds after which the script is over.
        timeline: (t, event) pairs, t in seconds, points in canvas pixels.
    """

    fps: float
    end: float
    timeline: tuple[tuple[float, Event], ...]


def _number(value: Any, where: str, low: float = 0.0, high: float = MAX_SECONDS) -> float:
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
    if not ok or not low <= value <= high:
        raise ValueError(f"script {where} = {value!r}: use a number from {low:g} to {high:g}")
    return float(value)


def _key_code(name: Any, where: str) -> int:
    if isinstance(name, str) and name.lower() in KEY_NAMES:
        return KEY_NAMES[name.lower()]
    if isinstance(name, str) and len(name) == 1 and 32 <= ord(name) < 127:
        return ord(name)
    raise ValueError(f"script {where} = {name!r}: use one printable character or one of {', '.join(KEY_NAMES)}")


def _command(name: Any, where: str, keys: Mapping[int, Command]) -> Command:
    code = _key_code(name, where)
    if code not in keys:
        names = {code: name for name, code in KEY_NAMES.items()}
        usable = ", ".join(names.get(c, chr(c)) for c in sorted(keys, key=lambda c: (c < 32, c)))
        raise ValueError(f"script {where} = {name!r} does nothing: use one of {usable}")
    return keys[code]


def _depth_within(data: Any, limit: int) -> bool:
    """True when ``data`` nests lists and objects at most ``limit`` deep (no recursion)."""
    level = [data]
    for _ in range(limit + 1):
        level = [
            c
            for item in level
            if isinstance(item, (list, dict))
            for c in (item.values() if isinstance(item, dict) else item)
        ]
        if not level:
            return True
    return False


def _points(points: Any, where: str, side: float) -> list[list[float]]:
    """A stroke's points, each within a canvas's size of the canvas (``side`` its side)."""
    ok = isinstance(points, list) and points and all(isinstance(p, list) and len(p) == 2 for p in points)
    ok = ok and all(
        isinstance(c, (int, float)) and not isinstance(c, bool) and math.isfinite(c) for p in points for c in p
    )
    if not ok:
        raise ValueError(f"script {where}.stroke must be a non-empty list of [x, y] points (finite numbers)")
    for j, (x, y) in enumerate(points):
        if not (-side <= x <= 2 * side and -side <= y <= 2 * side):
            raise ValueError(
                f"script {where}.stroke[{j}] = [{x:g}, {y:g}] lies more than a canvas ({side:g}) beyond the canvas: "
                f"give points from 0 to {side:g}"
            )
    return points


def _stroke(item: dict, t: float, where: str, side: float, k: float) -> list[tuple[float, Event]]:
    points = _points(item["stroke"], where, side)
    duration = _number(item.get("duration", DEFAULT_STROKE_SECONDS), f"{where}.duration")
    hand = item.get("hand", False)
    if not isinstance(hand, bool):
        raise ValueError(f"script {where}.hand must be true or false")
    source = InputKind.HAND if hand else InputKind.MOUSE
    n = len(points)
    timeline = []
    for j, (x, y) in enumerate(points):
        phase = Phase.DOWN if j == 0 else Phase.MOVE
        timeline.append((t + duration * j / max(1, n - 1), Pen(phase, x * k, y * k, source=source)))
    last = points[-1]
    timeline.append((t + duration, Pen(Phase.UP, last[0] * k, last[1] * k, source=source)))
    return timeline


def _event(item: Any, where: str, side: float, k: float, keys: Mapping[int, Command]) -> list[tuple[float, Event]]:
    if not isinstance(item, dict) or "t" not in item:
        raise ValueError(f'script {where} must be an object with a time "t" in seconds')
    t = _number(item["t"], f"{where}.t")
    if ("key" in item) == ("stroke" in item):
        raise ValueError(f'script {where} must have exactly one of "key" or "stroke"')
    allowed = KEY_FIELDS if "key" in item else STROKE_FIELDS
    unknown = sorted(set(item) - set(allowed))
    if unknown:
        raise ValueError(f"script {where} has unknown fields {unknown}: allowed are {', '.join(allowed)}")
    if "key" in item:
        return [(t, _command(item["key"], f"{where}.key", keys))]
    return _stroke(item, t, where, side, k)


def parse_script(data: Any, canvas_size: int, keys: Mapping[int, Command] | None = None) -> Script:
    """Checks a script (the JSON object, already decoded) and turns it into a timeline.

    Args:
        data: the decoded JSON object.
        canvas_size: side of the live canvas in pixels; points are scaled to it from the script's
            ``canvas`` side.
        keys: key code -> command (default: a window's keys with the default quit key).

    Raises:
        ValueError: a field missing, unknown or of the wrong kind, a point far off the canvas,
            nesting deeper than :data:`MAX_DEPTH`, or a key that does nothing; the message names it.
    """
    if keys is None:
        keys = keymap(AppConfig().quit_key, kiosk=False)
    if not isinstance(data, dict) or not isinstance(data.get("events"), list):
        raise ValueError('a script is a JSON object with an "events" list: see docs/script-format.md')
    if not _depth_within(data, MAX_DEPTH):
        raise ValueError(f"script nests lists and objects more than {MAX_DEPTH} deep: see docs/script-format.md")
    unknown = set(data) - {"fps", "canvas", "end", "events"}
    if unknown:
        raise ValueError(f"script has unknown fields {sorted(unknown)}: allowed are fps, canvas, end, events")
    fps = _number(data.get("fps", DEFAULT_FPS), "fps", 1.0, MAX_FPS)
    side = _number(data.get("canvas", DEFAULT_CANVAS), "canvas", 1.0, MAX_CANVAS)
    k = canvas_size / side
    timeline: list[tuple[float, Event]] = []
    for i, item in enumerate(data["events"]):
        timeline += _event(item, f"events[{i}]", side, k, keys)
    timeline.sort(key=lambda pair: pair[0])  # stable: a stroke's own order is kept
    last_t = timeline[-1][0] if timeline else 0.0
    end = _number(data["end"], "end") if "end" in data else last_t
    return Script(fps=fps, end=max(end, last_t), timeline=tuple(timeline))


def load_script(path: str | Path, canvas_size: int, keys: Mapping[int, Command] | None = None) -> Script:
    """Reads and checks a script file (``keys`` as for :func:`parse_script`).

    Raises:
        ValueError: a missing file, invalid JSON, JSON nested too deep to read, or a bad field.
    """
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ValueError(f"cannot read script '{path}': {exc.strerror}; check the path") from exc
    except json.JSONDecodeError as exc:
        raise ValueError(f"script '{path}' is not valid JSON: {exc}") from exc
    except RecursionError:
        raise ValueError(
            f"script '{path}' nests lists and objects more than {MAX_DEPTH} deep: see docs/script-format.md"
        ) from None
    return parse_script(data, canvas_size, keys)


class ScriptInput(Input):
    """Replays a :class:`Script`: each poll returns the events due by ``now``."""

    def __init__(self, script: Script):
        self.script = script
        self._next = 0

    def poll(self, now: float) -> list[Event]:
        timeline = self.script.timeline
        start = self._next
        while self._next < len(timeline) and timeline[self._next][0] <= now + 1e-9:
            self._next += 1
        return [event for _, event in timeline[start : self._next]]

    def finished(self, now: float) -> bool:
        """True once every event is out and the script's end has passed."""
        return self._next >= len(self.script.timeline) and now >= self.script.end - 1e-9

    def close(self) -> None:
        self._next = len(self.script.timeline)
