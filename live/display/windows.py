"""The windows: two in a window manager (``canvas``, ``result``), one fullscreen in kiosk mode,
none headless.

Every display is a context manager with ``close()``. It says at which size it shows the canvas and
the swarm (:attr:`Display.side`: a window's ``app.window``, a kiosk's panels, known only once the
window manager has made the window fullscreen), and each frame the loop calls :meth:`show` with the
canvas picture and the swarm drawn at that size ((P, P, 3) uint8 BGR each) and the HUD state; the
target comes once per target (:meth:`set_target`). Nothing the visitor sees is scaled up. Mouse
events reach the mouse handler given at construction in canvas pixels, wherever the canvas lies;
key codes (``cv2.waitKey(...) & 0xFF``) reach the key handler. Display buffers are allocated once;
a frame copies into them.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import cv2
import numpy as np

from live.config import AppConfig, Config, UiConfig
from live.display.hud import HudState
from live.display.layout import to_canvas
from live.display.screen import CanvasScreen, KioskScreen, ResultScreen
from live.display.text import TextPainter
from live.display.xwindows import DisplayLost, XWindows
from live.input.keys import KeyboardInput, QuitChord, keymap

log = logging.getLogger("live.display")

#: Window titles (the seed's two, and the kiosk's one).
CANVAS_WINDOW = "canvas"
RESULT_WINDOW = "result"
KIOSK_WINDOW = "live"
#: cv2.waitKey's answer when no key was pressed.
NO_KEY = -1
#: Ask the X server whether our windows still exist every this many frames (a round trip; a
#: window hidden through the window manager is seen every frame, in-process).
CLOSED_CHECK_FRAMES = 10
#: Kiosk: read the screen size back every frame for this many frames after opening (the window
#: manager makes the window fullscreen a little later), then every CLOSED_CHECK_FRAMES.
SETTLE_FRAMES = 300

MouseHandler = Callable[[int, float, float, int], None]
KeyHandler = Callable[[int], None]


class Display(Protocol):
    open: bool
    """False once the visitor closed a window (windowed mode), or the display was lost."""
    lost: str | None
    """Why the display was lost (the X server stopped answering); None while it is there."""
    composes: bool
    """Whether :meth:`show` composes the pictures it is given (False: a display that draws nothing,
    so the loop need not make them)."""
    side: int
    """Side in pixels at which the canvas and the swarm are shown now: what to draw them at."""

    def set_target(self, mask: np.ndarray) -> None:
        """The target changed: ``mask`` (S, S) in [0, 1], shown beside the swarm."""

    def show(self, canvas: np.ndarray, swarm: np.ndarray, hud: HudState | None, wait_ms: int = 1) -> None:
        """Shows one frame and waits ``wait_ms`` (at least 1) for the GUI.

        Args:
            canvas: (P, P, 3) uint8 BGR, the canvas picture at :attr:`side`.
            swarm: (P, P, 3) uint8 BGR, the swarm at :attr:`side`.
            hud: the HUD and the instruction; None: neither.
        """

    def close(self) -> None: ...


def _painter(ui: UiConfig | None) -> TextPainter:
    return TextPainter((ui or UiConfig()).font_path)


class _Closing:
    """A display is a context manager: leaving it closes it."""

    def close(self) -> None: ...

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class _Offscreen(_Closing):
    """What the displays without a window share: open until closed, never lost."""

    def __init__(self) -> None:
        self.open = True
        self.lost: str | None = None

    def close(self) -> None:
        self.open = False


class OffscreenDisplay(_Offscreen):
    """No window: composes the frames as the two windows would (or not), shows nothing.

    Args:
        window: side of the canvas in pixels.
        compose: do the copies, HUD and instruction anyway (the loop benchmark measures them);
            off, :meth:`show` does nothing.
        ui: the font of the instruction.

    Attributes:
        last: the last result window composed, or None.
        last_canvas: the last canvas window composed (canvas and instruction), or None.
    """

    def __init__(self, window: int, compose: bool = False, ui: UiConfig | None = None):
        super().__init__()
        self.composes = compose
        self.side = window
        self._result = ResultScreen(window) if compose else None
        self._canvas = CanvasScreen(window, _painter(ui)) if compose else None
        self.last: np.ndarray | None = None
        self.last_canvas: np.ndarray | None = None

    def set_target(self, mask: np.ndarray) -> None:
        if self._result is not None:
            self._result.set_target(mask)

    def show(self, canvas: np.ndarray, swarm: np.ndarray, hud: HudState | None, wait_ms: int = 1) -> None:
        if self._result is not None:
            self.last = self._result.compose(swarm, hud)
            self.last_canvas = self._canvas.compose(canvas, hud.instruction if hud is not None else None)


class OffscreenKiosk(_Offscreen):
    """No window: composes the kiosk's screen at ``width`` x ``height`` as the kiosk does, shows
    nothing (``live bench --kiosk`` times it; tests look at it).

    Attributes:
        screen: the kiosk screen; ``screen.image`` is the last frame composed.
    """

    composes = True

    def __init__(self, width: int, height: int, ui: UiConfig | None = None):
        super().__init__()
        ui = ui or UiConfig()
        self.screen = KioskScreen(width, height, _painter(ui), ui.target_preview == "small")

    @property
    def side(self) -> int:
        return self.screen.side

    def set_target(self, mask: np.ndarray) -> None:
        self.screen.set_target(mask)

    def show(self, canvas: np.ndarray, swarm: np.ndarray, hud: HudState | None, wait_ms: int = 1) -> None:
        self.screen.compose(canvas, swarm, hud)


class _CvWindows(_Closing):
    """What both real displays share: making a window, mouse positions in canvas pixels, waitKey
    and its key handler, closing."""

    names: tuple[str, ...] = ()
    composes = True

    def __init__(self, window: int, on_mouse: MouseHandler | None, on_key: KeyHandler | None) -> None:
        self.open = True
        self.lost: str | None = None
        self.window = window
        self._on_mouse = on_mouse
        self._on_key = on_key
        self._frames = 0
        try:
            self._xwindows = XWindows() if _under_x() else None
        except DisplayLost:
            self._xwindows = None  # Qt's own check follows

    def _canvas_rect(self):
        """Where the canvas lies in the window that takes the mouse (screen pixels)."""
        raise NotImplementedError

    def _make(self, name: str, flags: int, mouse: bool = False) -> None:
        """Makes the window ``name``; with ``mouse``, its mouse events reach the mouse handler in
        canvas pixels (a press beside the drawing area starts no stroke).

        Raises:
            RuntimeError: no display to open a window on.
        """
        try:
            cv2.namedWindow(name, flags)
        except cv2.error as exc:
            raise RuntimeError(f"cannot open a window ({exc.err}): run on a desktop, or use --headless") from exc
        if mouse and self._on_mouse is not None:
            cv2.setMouseCallback(name, lambda event, x, y, flags, _: self._mouse(event, x, y, flags))

    def _mouse(self, event: int, x: int, y: int, flags: int) -> None:
        point = to_canvas(x, y, self._canvas_rect(), self.window, event == cv2.EVENT_LBUTTONDOWN)
        if point is not None:
            self._on_mouse(event, point[0], point[1], flags)

    def _closed(self) -> list[str]:
        """Our windows closed since the last frame: hidden through the window manager (Alt+F4;
        Qt would show them again at the next imshow), or destroyed by another X client (asked
        every :data:`CLOSED_CHECK_FRAMES` frames). A lost display sets :attr:`lost`."""
        closed = [name for name in self.names if cv2.getWindowProperty(name, cv2.WND_PROP_VISIBLE) < 1]
        if self._xwindows is not None and self._frames % CLOSED_CHECK_FRAMES == 0:
            try:
                closed += [name for name in self._xwindows.missing(self.names) if name not in closed]
            except DisplayLost as exc:
                log.error("display lost: %s", exc)
                self.lost, self.open = str(exc), False
        return closed

    def _wait(self, wait_ms: int) -> None:
        code = cv2.waitKey(max(1, int(wait_ms)))
        if code != NO_KEY and self._on_key is not None:
            self._on_key(code & 0xFF)
        self._frames += 1

    def close(self) -> None:
        if self._xwindows is not None:
            self._xwindows.close()
            self._xwindows = None
        if not self.names or self.lost:
            self.names, self.open = (), False
            return
        for name in self.names:
            try:
                cv2.destroyWindow(name)
            except cv2.error:
                pass
        cv2.waitKey(1)
        self.names = ()
        self.open = False


class WindowDisplay(_CvWindows):
    """Two windows: ``canvas`` (draw here, framed, the instruction below) and ``result`` (render |
    target, HUD).

    Args:
        window: side of the canvas; the result window is twice as wide.
        on_mouse: called with (cv2 event, x, y, flags) in canvas pixels; a press on the
            instruction band below the canvas starts no stroke.
        on_key: called with each key code in [0, 255].
        ui: the font of the instruction.

    Raises:
        RuntimeError: no display to open a window on (e.g. DISPLAY unset).
    """

    def __init__(
        self,
        window: int,
        on_mouse: MouseHandler | None = None,
        on_key: KeyHandler | None = None,
        ui: UiConfig | None = None,
    ):
        super().__init__(window, on_mouse, on_key)
        self.side = window
        self._result = ResultScreen(window)
        self._canvas = CanvasScreen(window, _painter(ui))
        flags = cv2.WINDOW_AUTOSIZE | cv2.WINDOW_GUI_NORMAL
        self._make(CANVAS_WINDOW, flags, mouse=True)
        self._make(RESULT_WINDOW, flags)
        self.names = (CANVAS_WINDOW, RESULT_WINDOW)
        cv2.imshow(CANVAS_WINDOW, self._canvas.image)  # sized from the start
        cv2.imshow(RESULT_WINDOW, self._result.image)
        cv2.moveWindow(CANVAS_WINDOW, 0, 0)
        cv2.moveWindow(RESULT_WINDOW, window + 10, 0)

    def _canvas_rect(self):
        return self._canvas.layout.canvas

    def set_target(self, mask: np.ndarray) -> None:
        self._result.set_target(mask)

    def show(self, canvas: np.ndarray, swarm: np.ndarray, hud: HudState | None, wait_ms: int = 1) -> None:
        cv2.imshow(CANVAS_WINDOW, self._canvas.compose(canvas, hud.instruction if hud is not None else None))
        cv2.imshow(RESULT_WINDOW, self._result.compose(swarm, hud))
        self._wait(wait_ms)
        for name in self._closed():
            log.info("window '%s' was closed: quitting", name)
            self.open = False


class KioskDisplay(_CvWindows):
    """One fullscreen window: the instruction, and canvas and swarm side by side below it, as large
    as the screen allows (:class:`~live.display.screen.KioskScreen`).

    The window is made ``WINDOW_NORMAL`` first, then set fullscreen (OpenCV ignores fullscreen
    otherwise). OpenCV's Qt window shows an image 1:1, centred, so the screen is composed at the
    window's size, read back from the window now and then; the screen's buffers are made again
    only when that size changes. Mouse positions are mapped back to canvas pixels; a click beside
    the drawing area starts no stroke, and a stroke that leaves it stops at its frame.

    Args:
        window: side of the canvas in its own pixels.
        on_mouse: called with (cv2 event, x, y, flags) in canvas pixels.
        on_key: called with each key code in [0, 255].
        ui: the font of the instruction and ``target_preview``.

    Raises:
        RuntimeError: no display to open a window on.
    """

    #: The screen assumed until the window reports its size.
    FIRST_SIZE = (1280, 720)

    def __init__(
        self,
        window: int,
        on_mouse: MouseHandler | None = None,
        on_key: KeyHandler | None = None,
        ui: UiConfig | None = None,
    ):
        super().__init__(window, on_mouse, on_key)
        ui = ui or UiConfig()
        self._painter = _painter(ui)
        self._preview = ui.target_preview == "small"
        self.screen = KioskScreen(*self.FIRST_SIZE, self._painter, self._preview)
        self._target: np.ndarray | None = None  # the last target, drawn again on a new screen
        self._settled = 0  # frames since the window was (re)made
        self._create()
        self.names = (KIOSK_WINDOW,)

    def _create(self) -> None:
        """Makes the fullscreen window (again: nobody is at a kiosk to reopen it)."""
        self._make(KIOSK_WINDOW, cv2.WINDOW_NORMAL | cv2.WINDOW_GUI_NORMAL | cv2.WINDOW_KEEPRATIO, mouse=True)
        cv2.imshow(KIOSK_WINDOW, self.screen.image)
        cv2.setWindowProperty(KIOSK_WINDOW, cv2.WND_PROP_FULLSCREEN, cv2.WINDOW_FULLSCREEN)
        self._settled = 0

    def _recreate(self) -> None:
        log.warning("kiosk: the window was closed; making it again, fullscreen")
        try:
            cv2.destroyWindow(KIOSK_WINDOW)
        except cv2.error:
            pass
        if self._xwindows is not None:
            self._xwindows.forget(KIOSK_WINDOW)
        self._create()

    @property
    def image(self) -> np.ndarray:
        """What is shown: (H, W, 3) uint8 BGR at the screen's size."""
        return self.screen.image

    @property
    def side(self) -> int:
        """Side of the kiosk's panels on the screen now."""
        return self.screen.side

    def set_target(self, mask: np.ndarray) -> None:
        self._target = mask
        self.screen.set_target(mask)

    def _canvas_rect(self):
        return self.screen.layout.canvas

    def _fit_screen(self) -> None:
        try:
            x, y, w, h = cv2.getWindowImageRect(KIOSK_WINDOW)
        except cv2.error:
            return
        sw, sh = w + 2 * max(0, x), h + 2 * max(0, y)  # the window; the image is centred in it
        if sw < 64 or sh < 48 or (sw, sh) == self.screen.layout.size:
            return
        self.screen = KioskScreen(sw, sh, self._painter, self._preview)
        if self._target is not None:
            self.screen.set_target(self._target)
        log.info("kiosk: %dx%d screen, canvas and swarm drawn at %d px", sw, sh, self.screen.side)

    def show(self, canvas: np.ndarray, swarm: np.ndarray, hud: HudState | None, wait_ms: int = 1) -> None:
        if self._settled < SETTLE_FRAMES or self._frames % CLOSED_CHECK_FRAMES == 1:
            self._fit_screen()  # every frame while the window manager settles, then now and then
        cv2.imshow(KIOSK_WINDOW, self.screen.compose(canvas, swarm, hud))
        self._wait(wait_ms)
        self._settled += 1
        if self._closed() and not self.lost:
            self._recreate()


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


def _under_x() -> bool:
    """Whether windows open on an X server (Linux with ``$DISPLAY``)."""
    import os
    import sys

    return sys.platform.startswith("linux") and bool(os.environ.get("DISPLAY"))


def _check_screen() -> None:
    """Raises RuntimeError (one line) when there is no screen, before Qt is touched: Qt aborts the
    process (SIGABRT) when its X server does not answer. Under X the server is asked through Xlib."""
    import os
    import sys

    if not sys.platform.startswith("linux"):
        return
    name = os.environ.get("DISPLAY", "")
    if not name and not os.environ.get("WAYLAND_DISPLAY"):
        raise RuntimeError(
            "no screen to open a window on (DISPLAY is not set): run on a desktop, or use --headless --script FILE"
        )
    if not name:
        return  # Wayland without XWayland: Qt's own check
    from Xlib import display as xdisplay
    from Xlib.error import DisplayError

    try:
        xdisplay.Display(name).close()
    except (DisplayError, OSError, ValueError) as exc:
        raise RuntimeError(
            f"no X server answers on DISPLAY={name} ({exc}): start the X session first, or use --headless"
        ) from None


Opener = Callable[[int, MouseHandler | None, KeyHandler | None, UiConfig | None], Display]


def _window(window: int, on_mouse: MouseHandler | None, on_key: KeyHandler | None, ui: UiConfig | None) -> Display:
    _check_screen()
    return WindowDisplay(window, on_mouse, on_key, ui)


def _kiosk(window: int, on_mouse: MouseHandler | None, on_key: KeyHandler | None, ui: UiConfig | None) -> Display:
    _check_screen()
    return KioskDisplay(window, on_mouse, on_key, ui)


@dataclass(frozen=True)
class DisplayMode:
    """A kind of display and what it means for a run, decided once (:func:`display_mode`) and
    carried to the parts that act on it.

    Attributes:
        kind: which display.
        open: ``(window, on_mouse, on_key, ui) -> Display``.
        windowed: a real window, with a mouse and a keyboard (and a screen for QR codes).
        unattended: a kiosk: nobody is at the keyboard, so the quit key quits only as a chord
            and Esc does nothing, the staff HUD starts hidden, and a camera shows in a corner.
        serves: the run serves the share server (phones, the staff page, ``/healthz``): every
            display but the loop benchmark's.
    """

    kind: DisplayKind
    open: Opener
    windowed: bool = False
    unattended: bool = False
    serves: bool = True

    def keyboard(self, app: AppConfig) -> KeyboardInput:
        """The keyboard of this display: the quit key and Esc quit in a window, the quit chord in a kiosk.

        Raises:
            ValueError: a quit key another command uses.
        """
        chord = QuitChord(app.quit_presses, app.quit_window_s) if self.unattended else None
        return KeyboardInput(keymap(app.quit_key, self.unattended), chord)

    def mouse(self, config: Config) -> bool:
        """Whether a mouse draws: in a window always, in a kiosk where it has one (``ui.kiosk_mouse``)."""
        return self.windowed and (not self.unattended or config.ui.kiosk_mouse)

    def hud(self, config: Config) -> bool:
        """Whether the HUD's figures show at start: a kiosk's are for staff (``ui.kiosk_hud``)."""
        return config.ui.kiosk_hud if self.unattended else config.app.hud


#: Every display, by kind.
DISPLAYS: dict[DisplayKind, DisplayMode] = {
    DisplayKind.WINDOW: DisplayMode(DisplayKind.WINDOW, _window, windowed=True),
    DisplayKind.KIOSK: DisplayMode(DisplayKind.KIOSK, _kiosk, windowed=True, unattended=True),
    DisplayKind.OFFSCREEN: DisplayMode(
        DisplayKind.OFFSCREEN,
        lambda window, on_mouse, on_key, ui: OffscreenDisplay(window, compose=True, ui=ui),
        serves=False,
    ),
    DisplayKind.NONE: DisplayMode(
        DisplayKind.NONE, lambda window, on_mouse, on_key, ui: OffscreenDisplay(window, ui=ui)
    ),
}


def display_mode(kind: DisplayKind | str, config: Config) -> DisplayMode:
    """The display a run uses: ``kind``, where a window becomes the kiosk when ``app.kiosk`` says so
    (the one place ``app.kiosk`` is read).

    Raises:
        ValueError: an unknown kind.
    """
    if kind not in tuple(DisplayKind):
        raise ValueError(f"unknown display '{kind}': use {', '.join(DISPLAYS)}")
    kind = DisplayKind(kind)
    if kind is DisplayKind.WINDOW and config.app.kiosk:
        kind = DisplayKind.KIOSK
    return DISPLAYS[kind]


def open_display(
    mode: DisplayMode,
    window: int,
    on_mouse: MouseHandler | None = None,
    on_key: KeyHandler | None = None,
    ui: UiConfig | None = None,
) -> Display:
    """Opens the display of ``mode``; a window hands mouse events and key codes to ``on_mouse``
    and ``on_key``; ``ui`` gives the instruction's font and the kiosk's target preview.

    Raises:
        RuntimeError: no screen for a window.
    """
    return mode.open(window, on_mouse, on_key, ui)
