"""The keyboard: a named table from key codes to commands.

Codes are what ``cv2.waitKey(...) & 0xFF`` returns; the display hands each one to
:meth:`KeyboardInput.press`. In a kiosk the quit key quits only as a chord (pressed several
times within a few seconds, :class:`QuitChord`): the keyboard then says :attr:`Command.QUIT`
once the chord is complete, and nothing for the presses before.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping

from live.input.base import Input
from live.input.events import Command, Event

#: Key codes that are not printable characters.
KEY_ESC = 27

#: Keys of every mode; the quit key is added by :func:`keymap`.
KEYS: Mapping[int, Command] = {
    ord("s"): Command.SUBMIT,
    ord("c"): Command.CLEAR,
    ord("z"): Command.UNDO,
    ord("r"): Command.RECORD,
    ord("g"): Command.EXPORT,
    ord("h"): Command.HUD,
}


def keymap(quit_key: str, kiosk: bool) -> dict[int, Command]:
    """The key table of a mode.

    In a window, ``quit_key`` and Esc quit. In kiosk mode Esc does nothing, and ``quit_key``
    quits only as the app's quit chord.

    Raises:
        ValueError: a quit key that is not one character or that another command uses.
    """
    if len(quit_key) != 1:
        raise ValueError(f"quit key must be one character, got {quit_key!r}")
    code = ord(quit_key) & 0xFF
    if code in KEYS:
        raise ValueError(f"quit key '{quit_key}' is taken by '{KEYS[code].value}': pick another (app.quit_key)")
    table = dict(KEYS)
    table[code] = Command.QUIT
    if not kiosk:
        table[KEY_ESC] = Command.QUIT
    return table


class QuitChord:
    """True once ``presses`` presses fall within ``window_s`` seconds.

    Args:
        presses: presses needed, at least 1.
        window_s: seconds they must fall within.
    """

    def __init__(self, presses: int = 3, window_s: float = 2.0):
        if presses < 1 or window_s <= 0:
            raise ValueError(f"quit chord needs presses >= 1 and window_s > 0, got {presses}, {window_s}")
        self.presses = presses
        self.window_s = window_s
        self._times: deque[float] = deque(maxlen=presses)

    def press(self, now: float) -> bool:
        """Records a press at ``now`` (seconds); returns True when the chord is complete."""
        self._times.append(now)
        return len(self._times) == self.presses and now - self._times[0] <= self.window_s


class KeyboardInput(Input):
    """Commands from key presses, queued between polls.

    Args:
        table: key code -> command (:func:`keymap`); other keys do nothing.
        chord: the quit key quits only as this chord (a kiosk); None: at once.
    """

    def __init__(self, table: Mapping[int, Command], chord: QuitChord | None = None) -> None:
        self.table = table
        self.chord = chord
        self._queue: list[Event] = []

    def press(self, code: int) -> None:
        """One key press, ``code`` in [0, 255]."""
        command = self.table.get(code)
        if command is not None:
            self._queue.append(command)

    def poll(self, now: float) -> list[Event]:
        """The commands pressed since the last poll; a quit press counts at ``now`` towards the chord."""
        events, self._queue = self._queue, []
        if self.chord is None:
            return events
        return [e for e in events if e is not Command.QUIT or self.chord.press(now)]

    def close(self) -> None:
        self._queue = []
