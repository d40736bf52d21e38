"""The windows: two in a window manager (``canvas``, ``result``), one fullscreen in kiosk mode,
none headless.

Every display is a context manager with ``close()``. Each frame the loop calls
:meth:`show` with the canvas picture (W, W, 3) uint8 BGR, the result view (S, 2S, 3) uint8 RGB
and the HUD state. Mouse events reach the mouse handler given at construction in canvas pixels,
wherever the canvas lies; key codes (``cv2.waitKey(...) & 0xFF``) reach the key handler. Display
buffers are allocated once; a frame only resizes and copies into them.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable
from typing import Protocol

import cv2
import numpy as np

from live.display.hud import HudState, draw_hud

log = logging.getLogger("live.display")

#: Window titles (the seed's two, and the kiosk's one).
CANVAS_WINDOW = "canvas"
RESULT_WINDOW = "result"
KIOSK_WINDOW = "live"
#: cv2.waitKey's answer when no key was pressed.
NO_KEY = -1
#: Check whether the visitor closed a window every this many frames (it costs a round trip).
CLOSED_CHECK_FRAMES = 15
#: Kiosk: read the screen size back every frame for this many frames after opening (the window
#: manager makes the window fullscreen a little later), then every CLOSED_CHECK_FRAMES.
SETTLE_FRAMES = 300

MouseHandler = Callable[[int, float, float, int], None]
KeyHandler = Callable[[int], None]


class Display(Protocol):
    open: bool
    """False once the visitor closed a window (windowed mode)."""
    composes: bool
    """Whether :meth:`show` composes the pictures it is given (False: a display that draws nothing,
    so the loop need not make them)."""

    def show(self, canvas: np.ndarray, result: np.ndarray, hud: HudState | None, wait_ms: int = 1) -> None:
        """Shows one frame and waits ``wait_ms`` (at least 1) for the GUI."""

    def close(self) -> None: ...


def screen_to_canvas(event: int, x: float, y: float, box: tuple[int, int, float], window: int):
    """Maps a kiosk mouse position to canvas pixels.

    Args:
        event: the cv2 mouse event.
        x, y: position in the shown image.
        box: (left, top, scale) of the picture (canvas | result) inside the shown image.
        window: side of the canvas part of the picture.

    Returns:
        (x, y) in canvas pixels; x is clamped to the canvas while a stroke moves over the result
        part. None for a button press outside the canvas (it starts no stroke).
    """
    left, top, scale = box
    cx, cy = (x - left) / scale, (y - top) / scale
    if event == cv2.EVENT_LBUTTONDOWN and not (0 <= cx < window and 0 <= cy < window):
        return None
    return min(cx, window - 1), cy


class _Composer:
    """Scales the result view up into a preallocated BGR image and draws the HUD on it."""

    def __init__(self, window: int):
        self.window = window
        self.result = np.zeros((window, 2 * window, 3), np.uint8)

    def compose(self, result: np.ndarray, hud: HudState | None) -> np.ndarray:
        cv2.resize(result, (2 * self.window, self.window), dst=self.result, interpolation=cv2.INTER_LINEAR)
        cv2.cvtColor(self.result, cv2.COLOR_RGB2BGR, dst=self.result)
        if hud is not None:
            draw_hud(self.result, hud)
        return self.result


class OffscreenDisplay:
    """No window: composes the frames as a window would (or not), shows nothing, reads no keys.

    Args:
        window: side of the canvas in pixels.
        compose: do the scaling, colour conversion and HUD anyway (the loop benchmark measures
            them); off, :meth:`show` does nothing.
    """

    def __init__(self, window: int, compose: bool = False):
        self.open = True
        self.composes = compose
        self._composer = _Composer(window) if compose else None
        self.last: np.ndarray | None = None

    def show(self, canvas: np.ndarray, result: np.ndarray, hud: HudState | None, wait_ms: int = 1) -> None:
        if self._composer is not None:
            self.last = self._composer.compose(result, hud)

    def close(self) -> None:
        self.open = False

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class _CvWindows:
    """What both real displays share: waitKey and its key handler, closing."""

    names: tuple[str, ...] = ()
    composes = True

    def __init__(self, on_key: KeyHandler | None) -> None:
        self.open = True
        self._on_key = on_key
        self._frames = 0

    def _wait(self, wait_ms: int) -> None:
        code = cv2.waitKey(max(1, int(wait_ms)))
        if code != NO_KEY and self._on_key is not None:
            self._on_key(code & 0xFF)
        self._frames += 1

    def close(self) -> None:
        if not self.names:
            return
        for name in self.names:
            try:
                cv2.destroyWindow(name)
            except cv2.error:
                pass
        cv2.waitKey(1)
        self.names = ()
        self.open = False

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class WindowDisplay(_CvWindows):
    """Two windows: ``canvas`` (draw here) and ``result`` (render | target, HUD).

    Args:
        window: side of the canvas window; the result window is twice as wide.
        on_mouse: called with (cv2 event, x, y, flags) in canvas pixels.
        on_key: called with each key code in [0, 255].

    Raises:
        RuntimeError: no display to open a window on (e.g. DISPLAY unset).
    """

    def __init__(self, window: int, on_mouse: MouseHandler | None = None, on_key: KeyHandler | None = None):
        super().__init__(on_key)
        self._composer = _Composer(window)
        flags = cv2.WINDOW_AUTOSIZE | cv2.WINDOW_GUI_NORMAL
        try:
            cv2.namedWindow(CANVAS_WINDOW, flags)
            cv2.namedWindow(RESULT_WINDOW, flags)
        except cv2.error as exc:
            raise RuntimeError(f"cannot open a window ({exc.err}): run on a desktop, or use --headless") from exc
        self.names = (CANVAS_WINDOW, RESULT_WINDOW)
        cv2.imshow(CANVAS_WINDOW, np.zeros((window, window, 3), np.uint8))  # sized from the start
        cv2.imshow(RESULT_WINDOW, self._composer.result)
        cv2.moveWindow(CANVAS_WINDOW, 0, 0)
        cv2.moveWindow(RESULT_WINDOW, window + 10, 0)
        if on_mouse is not None:
            cv2.setMouseCallback(CANVAS_WINDOW, lambda e, x, y, f, _: on_mouse(e, x, y, f))

    def show(self, canvas: np.ndarray, result: np.ndarray, hud: HudState | None, wait_ms: int = 1) -> None:
        cv2.imshow(CANVAS_WINDOW, canvas)
        cv2.imshow(RESULT_WINDOW, self._composer.compose(result, hud))
        self._wait(wait_ms)
        if self._frames % CLOSED_CHECK_FRAMES == 0:
            for name in self.names:
                if cv2.getWindowProperty(name, cv2.WND_PROP_VISIBLE) < 1:
                    log.info("window '%s' was closed: quitting", name)
                    self.open = False


class KioskDisplay(_CvWindows):
    """One fullscreen window: canvas | render | target (+ HUD), scaled to the screen.

    The window is made ``WINDOW_NORMAL`` first, then set fullscreen (OpenCV ignores fullscreen
    otherwise). The picture is composed at (window, 3 * window), then scaled into an image of the
    window's size with black bars (OpenCV's Qt window shows an image 1:1, centred); the screen
    size is read back from the window now and then, and the image is reallocated only when it
    changes. Mouse positions are mapped back to canvas pixels; a click beside the canvas starts no
    stroke, and a stroke that leaves it is clamped to its edge.

    Args:
        window: side of the canvas part of the picture.
        on_mouse: called with (cv2 event, x, y, flags) in canvas pixels.
        on_key: called with each key code in [0, 255].

    Raises:
        RuntimeError: no display to open a window on.
    """

    def __init__(self, window: int, on_mouse: MouseHandler | None = None, on_key: KeyHandler | None = None):
        super().__init__(on_key)
        self.window = window
        self._composer = _Composer(window)
        self.picture = np.zeros((window, 3 * window, 3), np.uint8)
        self.image = self.picture  # what is shown: the picture until the screen size is known
        self._scaled = self.picture
        self._box = (0, 0, 1.0)  # the picture's left, top and scale in the image
        try:
            cv2.namedWindow(KIOSK_WINDOW, cv2.WINDOW_NORMAL | cv2.WINDOW_GUI_NORMAL | cv2.WINDOW_KEEPRATIO)
        except cv2.error as exc:
            raise RuntimeError(f"cannot open a window ({exc.err}): run on a desktop, or use --headless") from exc
        self.names = (KIOSK_WINDOW,)
        cv2.imshow(KIOSK_WINDOW, self.image)
        cv2.setWindowProperty(KIOSK_WINDOW, cv2.WND_PROP_FULLSCREEN, cv2.WINDOW_FULLSCREEN)
        if on_mouse is not None:
            cv2.setMouseCallback(KIOSK_WINDOW, lambda e, x, y, f, _: self._mouse(on_mouse, e, x, y, f))

    def _mouse(self, handler: MouseHandler, event: int, x: int, y: int, flags: int) -> None:
        point = screen_to_canvas(event, x, y, self._box, self.window)
        if point is not None:
            handler(event, point[0], point[1], flags)

    def _fit_screen(self) -> None:
        try:
            x, y, w, h = cv2.getWindowImageRect(KIOSK_WINDOW)
        except cv2.error:
            return
        sw, sh = w + 2 * max(0, x), h + 2 * max(0, y)  # the window; the image is centred in it
        if sw < 16 or sh < 16 or (sh, sw) == self.image.shape[:2]:
            return
        ph, pw = self.picture.shape[:2]
        scale = min(sw / pw, sh / ph)
        dw, dh = max(1, int(pw * scale)), max(1, int(ph * scale))
        left, top = (sw - dw) // 2, (sh - dh) // 2
        self.image = np.zeros((sh, sw, 3), np.uint8)
        self._scaled = np.zeros((dh, dw, 3), np.uint8)
        self._box = (left, top, scale)
        log.info("kiosk: %dx%d screen, picture scaled by %.2f", sw, sh, scale)

    def show(self, canvas: np.ndarray, result: np.ndarray, hud: HudState | None, wait_ms: int = 1) -> None:
        if self._frames < SETTLE_FRAMES or self._frames % CLOSED_CHECK_FRAMES == 1:
            self._fit_screen()  # every frame while the window manager settles, then now and then
        w = self.window
        self.picture[:, :w] = canvas
        self.picture[:, w:] = self._composer.compose(result, hud)
        if self.image is not self.picture:
            left, top, _ = self._box
            dh, dw = self._scaled.shape[:2]
            cv2.resize(self.picture, (dw, dh), dst=self._scaled, interpolation=cv2.INTER_LINEAR)
            self.image[top : top + dh, left : left + dw] = self._scaled
        cv2.imshow(KIOSK_WINDOW, self.image)
        self._wait(wait_ms)


class DisplayKind(enum.StrEnum):
    """Where a run's frames go (each registered in :data:`DISPLAYS`)."""

    WINDOW = "window"
    """Two windows in a window manager."""
    KIOSK = "kiosk"
    """One fullscreen window."""
    OFFSCREEN = "offscreen"
    """No window; frames composed as a window would (the loop benchmark)."""
    NONE = "none"
    """No window and nothing composed (headless runs)."""

    @property
    def windowed(self) -> bool:
        """A real window, with a mouse and a keyboard."""
        return self in (DisplayKind.WINDOW, DisplayKind.KIOSK)


def _check_screen() -> None:
    import os
    import sys

    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        raise RuntimeError(
            "no screen to open a window on (DISPLAY is not set): run on a desktop, or use --headless --script FILE"
        )


def _window(window: int, on_mouse: MouseHandler | None, on_key: KeyHandler | None) -> Display:
    _check_screen()
    return WindowDisplay(window, on_mouse, on_key)


def _kiosk(window: int, on_mouse: MouseHandler | None, on_key: KeyHandler | None) -> Display:
    _check_screen()
    return KioskDisplay(window, on_mouse, on_key)


#: How each kind of display opens: ``(window, on_mouse, on_key) -> Display``.
DISPLAYS: dict[DisplayKind, Callable[[int, MouseHandler | None, KeyHandler | None], Display]] = {
    DisplayKind.WINDOW: _window,
    DisplayKind.KIOSK: _kiosk,
    DisplayKind.OFFSCREEN: lambda window, on_mouse, on_key: OffscreenDisplay(window, compose=True),
    DisplayKind.NONE: lambda window, on_mouse, on_key: OffscreenDisplay(window),
}


def open_display(
    kind: DisplayKind | str, window: int, on_mouse: MouseHandler | None = None, on_key: KeyHandler | None = None
) -> Display:
    """Opens the display named ``kind``; a window hands mouse events and key codes to ``on_mouse``
    and ``on_key``.

    Raises:
        ValueError: an unknown kind.
        RuntimeError: no screen for a window.
    """
    if kind not in DISPLAYS:
        raise ValueError(f"unknown display '{kind}': use {', '.join(DISPLAYS)}")
    return DISPLAYS[DisplayKind(kind)](window, on_mouse, on_key)
