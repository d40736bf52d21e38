"""The keyboard: a named table from key codes to commands.

Codes are what ``cv2.waitKey(...) & 0xFF`` returns; the display hands each one to
:meth:`KeyboardInput.press`. Kiosk mode's quit chord (the quit key pressed several times) is the
app's business (:class:`live.app.state.QuitChord`): here the quit key is simply
:attr:`Command.QUIT`.
"""

from __future__ import annotations

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


class KeyboardInput(Input):
    """Commands from key presses, queued between polls.

    Args:
        table: key code -> command (:func:`keymap`); other keys do nothing.
    """

    def __init__(self, table: Mapping[int, Command]) -> None:
        self.table = table
        self._queue: list[Event] = []

    def press(self, code: int) -> None:
        """One key press, ``code`` in [0, 255]."""
        command = self.table.get(code)
        if command is not None:
            self._queue.append(command)

    def poll(self, now: float) -> list[Event]:
        events, self._queue = self._queue, []
        return events

    def close(self) -> None:
        self._queue = []
