"""The keyboard: the key table of each mode, and key presses as commands."""

import pytest

from live.input import Command
from live.input.keys import KEY_ESC, KeyboardInput, keymap


class TestKeymap:
    def test_window_keys(self):
        table = keymap("q", kiosk=False)
        assert table[ord("s")] is Command.SUBMIT and table[ord("z")] is Command.UNDO
        assert table[ord("q")] is Command.QUIT and table[KEY_ESC] is Command.QUIT

    def test_kiosk_ignores_esc(self):
        table = keymap("x", kiosk=True)
        assert KEY_ESC not in table and table[ord("x")] is Command.QUIT and ord("q") not in table

    def test_quit_key_may_not_shadow_a_command(self):
        with pytest.raises(ValueError, match="taken by 'submit'"):
            keymap("s", kiosk=True)


class TestKeyboardInput:
    def test_presses_become_commands_in_order(self):
        with KeyboardInput(keymap("q", kiosk=False)) as keyboard:
            for code in (ord("s"), ord("x"), KEY_ESC, ord("z")):
                keyboard.press(code)
            assert keyboard.poll(0.0) == [Command.SUBMIT, Command.QUIT, Command.UNDO]  # x does nothing
            assert keyboard.poll(0.1) == []

    def test_kiosk_esc_does_nothing(self):
        keyboard = KeyboardInput(keymap("q", kiosk=True))
        keyboard.press(KEY_ESC)
        keyboard.press(ord("q"))
        assert keyboard.poll(0.0) == [Command.QUIT]  # the app's quit chord decides
