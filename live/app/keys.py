"""Keys: a named table from key codes to actions, and the kiosk's quit chord.

Codes are what ``cv2.waitKey(...) & 0xFF`` returns.
"""

from __future__ import annotations

import enum
from collections import deque

#: Key codes that are not printable characters.
KEY_ESC = 27


class Action(enum.Enum):
    """What a key does."""

    SUBMIT = "submit"
    """The canvas becomes the new target and is cleared."""
    CLEAR = "clear"
    UNDO = "undo"
    RECORD = "record"
    """Start or stop a recording."""
    EXPORT = "export"
    """Export what is recorded now."""
    HUD = "hud"
    QUIT = "quit"


#: Keys of every mode; the quit key is added by :func:`keymap`.
KEYS = {
    ord("s"): Action.SUBMIT,
    ord("c"): Action.CLEAR,
    ord("z"): Action.UNDO,
    ord("r"): Action.RECORD,
    ord("g"): Action.EXPORT,
    ord("h"): Action.HUD,
}


def keymap(quit_key: str, kiosk: bool) -> dict[int, Action]:
    """The key table of a mode.

    In a window, ``quit_key`` and Esc quit at once. In kiosk mode Esc does nothing and
    ``quit_key`` is :attr:`Action.QUIT` only through a :class:`QuitChord`.

    Raises:
        ValueError: a quit key that is not one character or that another action uses.
    """
    if len(quit_key) != 1:
        raise ValueError(f"quit key must be one character, got {quit_key!r}")
    code = ord(quit_key) & 0xFF
    if code in KEYS:
        raise ValueError(f"quit key '{quit_key}' is taken by '{KEYS[code].value}': pick another (app.quit_key)")
    table = dict(KEYS)
    table[code] = Action.QUIT
    if not kiosk:
        table[KEY_ESC] = Action.QUIT
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
