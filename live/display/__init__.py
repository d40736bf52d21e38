"""Display: what the visitor sees, at the display edge (uint8 BGR for OpenCV).

- :mod:`live.display.views`: the result view (colour render | target) a recording keeps;
- :mod:`live.display.creatures`: the swarm drawn at the size the screen shows it;
- :mod:`live.display.screen`, :mod:`live.display.layout`: the screens, composed in place;
- :mod:`live.display.hud`: fps, loss, backend, device, the recording mark and status lines;
- :mod:`live.display.windows`: the two windows, the kiosk's one fullscreen window, and an
  offscreen display for headless runs and the loop benchmark.
"""

from live.display.hud import HudState, draw_hud
from live.display.windows import (
    DISPLAYS,
    Display,
    DisplayKind,
    DisplayMode,
    KioskDisplay,
    OffscreenDisplay,
    OffscreenKiosk,
    WindowDisplay,
    display_mode,
    open_display,
)

__all__ = [
    "DISPLAYS",
    "Display",
    "DisplayKind",
    "DisplayMode",
    "HudState",
    "KioskDisplay",
    "OffscreenDisplay",
    "OffscreenKiosk",
    "WindowDisplay",
    "display_mode",
    "draw_hud",
    "open_display",
]
