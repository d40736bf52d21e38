"""The HUD's status line: a long error is wrapped onto lines that fit, not cut short."""

import numpy as np

from live.display.hud import FONT, MAX_STATUS_LINES, HudState, draw_hud, wrap

LONG = (
    "not saved: cannot write to recordings folder '/media/kiosk/usb-stick/recordings': "
    "Read-only file system; give a writable folder (--recordings DIR)"
)


def test_wrap_keeps_every_word_within_the_width():
    import cv2

    lines = wrap(LONG, 500, 0.6, 1)
    assert 1 < len(lines) <= MAX_STATUS_LINES
    assert " ".join(lines).split() == LONG.split()  # nothing lost, only the line breaks
    assert all(cv2.getTextSize(line, FONT, 0.6, 1)[0][0] <= 500 for line in lines)


def test_a_word_wider_than_the_line_is_broken():
    lines = wrap("x" * 300, 200, 0.6, 1)
    assert "".join(lines) == "x" * 300 or lines[-1].endswith("...")


def test_the_status_is_drawn_on_several_lines_at_the_bottom():
    image = np.zeros((256, 512, 3), np.uint8)
    draw_hud(image, HudState(stats=False, status=LONG, status_ok=False))
    rows = np.nonzero(image.any(axis=(1, 2)))[0]
    assert rows.max() > 245 and rows.max() - rows.min() > 20  # more than one 14-px line, the last at the bottom
    assert image[:, 400:].any()  # and it reaches across the view instead of stopping at 80 characters


def test_the_inputs_trouble_shows_to_staff_only():
    """Issue 17: "camera lost" is drawn with the staff figures (``h``), in red, and never without them."""
    from live.display.hud import ERROR_BGR

    hidden = np.zeros((256, 512, 3), np.uint8)
    draw_hud(hidden, HudState(stats=False, staff="camera lost: cannot open the webcam; retrying in 8.0 s"))
    assert not hidden.any()
    shown = np.zeros((256, 512, 3), np.uint8)
    draw_hud(shown, HudState(stats=True, staff="camera lost: cannot open the webcam; retrying in 8.0 s"))
    plain = np.zeros((256, 512, 3), np.uint8)
    draw_hud(plain, HudState(stats=True))
    differs = np.nonzero((shown != plain).any(axis=2))
    assert differs[0].size > 0
    red = shown[differs]
    assert (np.abs(red.astype(int) - ERROR_BGR).sum(axis=1) < 30).any()  # the trouble in the error colour
