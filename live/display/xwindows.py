"""Our windows as the X server sees them.

OpenCV's Qt windows notice a close through the window manager (Alt+F4: the window is hidden), but
not a window that another client destroys (``xdotool windowclose``): Qt goes on drawing into a
window that no longer exists. :class:`XWindows` keeps its own connection to the X server, finds
our top-level windows by title and process id (``_NET_WM_PID``, which Qt sets), and asks the
server now and then whether they still exist. A broken connection means the display is gone.
"""

from __future__ import annotations

import logging
import os

log = logging.getLogger("live.display")

#: How deep below the root our windows may sit (a reparenting window manager puts them in frames).
SEARCH_DEPTH = 3


class DisplayLost(RuntimeError):
    """The X server stopped answering: the display is gone."""


class XWindows:
    """Tells which of our named windows the X server no longer has.

    Args:
        name: the X display (None: ``$DISPLAY``).

    Raises:
        DisplayLost: no X server answers.
    """

    def __init__(self, name: str | None = None):
        from Xlib import display as xdisplay
        from Xlib.error import DisplayError

        try:
            self._x = xdisplay.Display(name)
        except (DisplayError, OSError, ValueError) as exc:
            raise DisplayLost(f"no X server answers ({exc})") from None
        self._pid_atom = self._x.intern_atom("_NET_WM_PID")
        self._ids: dict[str, int] = {}

    def forget(self, title: str) -> None:
        """The window ``title`` is being made again: find it afresh."""
        self._ids.pop(title, None)

    def missing(self, titles: tuple[str, ...]) -> list[str]:
        """The titles among ``titles`` whose window existed and is gone now. A window not found
        yet (Qt maps it a little after it is made) is looked for, and is not missing.

        Raises:
            DisplayLost: the connection to the X server broke.
        """
        from Xlib.error import BadDrawable, BadWindow, ConnectionClosedError

        gone = []
        try:
            if any(title not in self._ids for title in titles):
                self._find(titles)
            for title in titles:
                wid = self._ids.get(title)
                if wid is None:
                    continue
                try:
                    self._x.create_resource_object("window", wid).get_geometry()
                except (BadDrawable, BadWindow):
                    gone.append(title)
                    del self._ids[title]
        except (ConnectionClosedError, OSError) as exc:
            raise DisplayLost(f"the X server stopped answering ({exc})") from None
        return gone

    def _find(self, titles: tuple[str, ...]) -> None:
        """Records the ids of our windows (this process's) whose title is one of ``titles``."""
        from Xlib import X
        from Xlib.error import XError

        pid = os.getpid()

        def visit(window, depth: int) -> None:
            try:
                title = window.get_wm_name()
                owner = window.get_full_property(self._pid_atom, X.AnyPropertyType) if title in titles else None
                children = window.query_tree().children if depth < SEARCH_DEPTH else []
            except XError:
                return  # gone while we looked
            if owner is not None and len(owner.value) and int(owner.value[0]) == pid:
                self._ids[title] = window.id
            for child in children:
                visit(child, depth + 1)

        visit(self._x.screen().root, 0)

    def close(self) -> None:
        try:
            self._x.close()
        except Exception:  # the connection may be broken already
            pass
