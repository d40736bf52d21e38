"""``live doctor``: what a kiosk needs, checked one thing at a time, each with how to fix it.

Every check returns a :class:`Check` and never raises: a check that cannot run is a failed check
that says why. :func:`run_checks` runs them in the order a person sets a kiosk up: Python and its
packages, the font, the X display and its window manager (a fullscreen window really opened and
measured), the camera (when the input needs one; with ``hand`` it must also see a hand), the
recordings folder and its disk, the share server's port, its addresses and ``share.public_url``.
Network checks use short time-outs, so the doctor answers in seconds.
"""

from __future__ import annotations

import importlib.metadata
import os
import socket
import sys
import time
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from live.config import Config
from live.input.kinds import INPUTS

#: The checkout's pyproject.toml, whose pins the packages are checked against (when live runs
#: from a checkout; else the installed package's own requirements).
PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"
#: OpenCV builds that must not be installed beside opencv-contrib-python (they share ``cv2``).
CLASHING_OPENCV = ("opencv-python", "opencv-python-headless", "opencv-contrib-python-headless")
#: Seconds a camera may take to give its first frame, and a hand to be seen.
CAMERA_WAIT_S = 8.0
HAND_WAIT_S = 15.0
#: Seconds the window manager may take to make a window fullscreen (3.3 s measured on a busy
#: 2-core machine, where the first Qt window also loads its libraries); without a window manager
#: that says it runs, a short look is enough.
FULLSCREEN_WAIT_S = 20.0
NO_WM_WAIT_S = 3.0
#: Seconds ``share.public_url`` has to answer.
URL_TIMEOUT_S = 3.0
#: Without a disk cap (``record.keep_mb = 0``), free space below this fails the disk check.
MIN_FREE_MB = 1024.0
#: The staff PIN of configs/kiosk.toml: anyone who read the repository knows it.
EXAMPLE_PIN = "change-this-pin"
#: The fix for a missing or wrong package.
REINSTALL = "run `make install` in the checkout (or .venv/bin/pip install -e .)"


@dataclass(frozen=True)
class Check:
    """One thing checked."""

    name: str
    ok: bool
    detail: str
    """What was found (versions, sizes, addresses, the error)."""
    fix: str = ""
    """What to do when it failed; empty when it holds."""


def python_version() -> Check:
    version = ".".join(map(str, sys.version_info[:3]))
    if sys.version_info[:2] == (3, 11):
        return Check("python", True, f"Python {version}")
    return Check(
        "python", False, f"Python {version}; live needs 3.11",
        "install python3.11 (and python3.11-venv) and make .venv with it: make install PYTHON=python3.11",
    )  # fmt: skip


def _requirements() -> list[str]:
    """The runtime requirements: pyproject.toml's ``[project] dependencies`` in a checkout, else
    the installed package's."""
    if PYPROJECT.is_file():
        project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8")).get("project", {})
        if project.get("name") == "live":
            return list(project.get("dependencies", []))
    return [r for r in importlib.metadata.requires("live") or [] if "extra ==" not in r]


def packages() -> Check:
    """Every runtime requirement installed at its pinned version, and no clashing OpenCV."""
    from packaging.requirements import Requirement

    wrong = []
    for text in _requirements():
        need = Requirement(text)
        try:
            have = importlib.metadata.version(need.name)
        except importlib.metadata.PackageNotFoundError:
            wrong.append(f"{need.name} is missing (needs {need.specifier or 'any version'})")
            continue
        if not need.specifier.contains(have, prereleases=True):
            wrong.append(f"{need.name} {have} (needs {need.specifier})")
    clashing = [name for name in CLASHING_OPENCV if _installed(name)]
    if clashing:
        wrong.append(f"{', '.join(clashing)} installed beside opencv-contrib-python (they share cv2)")
        fix = f"pip uninstall -y {' '.join(clashing)}, then {REINSTALL} again (opencv-contrib-python is the one)"
        return Check("packages", False, "; ".join(wrong), fix)
    if wrong:
        return Check("packages", False, "; ".join(wrong), REINSTALL)
    return Check("packages", True, f"{len(_requirements())} requirements as pinned in pyproject.toml")


def _installed(name: str) -> bool:
    try:
        importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return False
    return True


def font(config: Config) -> Check:
    """The visitor texts' font (``ui.font``, else DejaVu Sans) loads."""
    path = config.ui.font_path
    try:
        from PIL import ImageFont

        ImageFont.truetype(path, 12)
    except (OSError, ImportError) as exc:
        fix = "sudo apt install fonts-dejavu-core" if not config.ui.font else "set ui.font to a .ttf/.otf file"
        return Check("font", False, f"{path}: {exc}; texts would fall back to ASCII only", fix)
    return Check("font", True, path)


@dataclass(frozen=True)
class Screen:
    """What the X server says."""

    name: str
    width: int
    height: int
    wm: str
    """The window manager's name, '' when none says it runs (EWMH ``_NET_SUPPORTING_WM_CHECK``)."""
    fullscreen: bool
    """The window manager supports ``_NET_WM_STATE_FULLSCREEN``."""


def ask_x(name: str) -> Screen:
    """Asks the X server on ``name`` for its screen size and window manager.

    Raises:
        RuntimeError: no X server answers (one line).
    """
    from Xlib import X
    from Xlib import display as xdisplay
    from Xlib.error import DisplayError, XError

    try:
        d = xdisplay.Display(name)
    except (DisplayError, OSError, ValueError) as exc:
        raise RuntimeError(f"no X server answers on DISPLAY={name} ({exc})") from None
    try:
        screen = d.screen()
        root = screen.root
        wm, fullscreen = "", False
        check = root.get_full_property(d.intern_atom("_NET_SUPPORTING_WM_CHECK"), X.AnyPropertyType)
        if check is not None and len(check.value):
            try:
                window = d.create_resource_object("window", check.value[0])
                title = window.get_full_property(d.intern_atom("_NET_WM_NAME"), X.AnyPropertyType)
                wm = (title.value.decode("utf-8", "replace") if title is not None else "") or "unnamed"
            except XError:
                wm = ""  # a stale check window: the window manager has gone
        supported = root.get_full_property(d.intern_atom("_NET_SUPPORTED"), X.AnyPropertyType)
        if supported is not None:
            fullscreen = d.intern_atom("_NET_WM_STATE_FULLSCREEN") in list(supported.value)
        return Screen(name, screen.width_in_pixels, screen.height_in_pixels, wm, fullscreen)
    finally:
        d.close()


def display() -> tuple[Check, Screen | None]:
    """``DISPLAY`` names an X server that answers."""
    name = os.environ.get("DISPLAY", "")
    fix = "run in the kiosk's X session, or point at it: export DISPLAY=:0 (and XAUTHORITY=~/.Xauthority)"
    if not name:
        return Check("display", False, "DISPLAY is not set: no screen to draw on", fix), None
    try:
        screen = ask_x(name)
    except RuntimeError as exc:
        return Check("display", False, str(exc), fix), None
    return Check("display", True, f"X server on {name}, {screen.width}x{screen.height}"), screen


def window_manager(screen: Screen | None) -> Check:
    """A window manager that can make a window fullscreen runs."""
    fix = "install and start a window manager: sudo apt install openbox, log in to an openbox session (README)"
    if screen is None:
        return Check("window manager", False, "not checked: no X display", fix)
    if not screen.wm:
        return Check("window manager", False, f"none runs on {screen.name}: the kiosk window cannot be fullscreen", fix)
    if not screen.fullscreen:
        return Check("window manager", False, f"{screen.wm} does not offer fullscreen windows (EWMH)", fix)
    return Check("window manager", True, f"{screen.wm}, with fullscreen windows")


def fullscreen(config: Config, screen: Screen | None) -> Check:
    """Opens the kiosk's own window for a few seconds and reads its size back: it must fill the screen."""
    fix = "run a window manager that honours fullscreen (openbox; README, Set up a kiosk)"
    if screen is None:
        return Check("fullscreen", False, "not checked: no X display", fix)
    import numpy as np

    from live.display import DISPLAYS, DisplayKind, open_display

    side = config.app.window
    canvas, result = np.zeros((side, side, 3), np.uint8), np.zeros((side, 2 * side, 3), np.uint8)
    want = (screen.width, screen.height)
    try:
        with open_display(DISPLAYS[DisplayKind.KIOSK], side, ui=config.ui) as kiosk:
            deadline = time.monotonic() + (FULLSCREEN_WAIT_S if screen.wm else NO_WM_WAIT_S)
            while kiosk.screen.layout.size != want and time.monotonic() < deadline:
                kiosk.show(canvas, result, None, 20)
            got = kiosk.screen.layout.size
    except (RuntimeError, OSError) as exc:
        return Check("fullscreen", False, f"the kiosk window did not open: {exc}", fix)
    if got != want:
        stayed = f"the kiosk window stayed {got[0]}x{got[1]} on a {want[0]}x{want[1]} screen"
        return Check("fullscreen", False, stayed, fix)
    return Check("fullscreen", True, f"the kiosk window fills the {want[0]}x{want[1]} screen")


def needs_camera(config: Config) -> bool:
    """The configured input watches a camera."""
    return INPUTS[config.app.input].camera


def _camera_fix(source) -> str:
    if isinstance(source, Path):
        return "check the path of the video file (camera.source / --camera)"
    if isinstance(source, str):
        return "check the stream's URL and that the camera is on this network (camera.source / --camera)"
    return (
        "plug the webcam in, check that it is listed by `ls /dev/video*` and that this user may use it "
        "(sudo usermod -aG video $USER, then log in again); or set camera.source / --camera"
    )


def camera(config: Config) -> Check:
    """The configured camera gives a frame within :data:`CAMERA_WAIT_S`."""
    if not needs_camera(config):
        return Check("camera", True, f"not needed: app.input = {config.app.input.value}")
    from live.input.camera import Camera, parse_source

    text = config.camera.source
    try:
        source = parse_source(text)
        with Camera(source, config.camera) as cam:
            frame = cam.next_frame(timeout=max(CAMERA_WAIT_S, config.camera.open_timeout_s + 1.0))
            why = cam.message.split(";", 1)[0] or "no frame"
    except ValueError as exc:
        return Check("camera", False, str(exc), "set camera.source (--camera) to a webcam index, a video file or a URL")
    if frame is None:
        return Check("camera", False, f"camera {text} gives no picture: {why}", _camera_fix(source))
    h, w = frame.image.shape[:2]
    return Check("camera", True, f"camera {text}: {w}x{h} pictures")


def hand(config: Config) -> Check:
    """The hand tracker finds a hand in the camera's picture within :data:`HAND_WAIT_S`."""
    fix = "hold a hand up in front of the camera, in good light, and run `live doctor --hand` again (docs/hand.md)"
    if not needs_camera(config):
        return Check("hand", True, f"not needed: app.input = {config.app.input.value}")
    try:
        from live.input.hand_input import HandInput

        with HandInput(config.camera, config.hand, config.app.window) as tracking:
            deadline = time.monotonic() + HAND_WAIT_S
            while tracking.found == 0 and not tracking.error and time.monotonic() < deadline:
                time.sleep(0.05)
            found, frames, error = tracking.found, tracking.frames, tracking.error
    except (ValueError, ImportError) as exc:
        return Check("hand", False, str(exc), REINSTALL if isinstance(exc, ImportError) else fix)
    if error:
        return Check("hand", False, error, REINSTALL)
    if not found:
        return Check("hand", False, f"no hand in {frames} camera pictures over {HAND_WAIT_S:.0f} s", fix)
    return Check("hand", True, f"a hand seen within the first {frames} camera pictures")


def _mb(size: float) -> str:
    return f"{size / 2**20:,.0f} MB" if size < 10 * 2**30 else f"{size / 2**30:,.1f} GB"


def recordings_folder(config: Config) -> Check:
    """The recordings folder can be written (it is made when missing), and its disk holds the cap."""
    import shutil

    from live.record.files import check_folder, recordings

    try:
        folder = check_folder(config.paths.recordings).resolve()
    except ValueError as exc:
        fix = "give a folder this user can write: --recordings DIR or paths.recordings"
        return Check("recordings", False, str(exc), fix)
    free = shutil.disk_usage(folder).free
    kept = recordings(folder)
    used = sum(size for _, _, size, _ in kept)
    detail = f"{folder}: writable, {_mb(free)} free, {len(kept)} recording(s) taking {_mb(used)}"
    cap = config.record.keep_mb * 2**20
    if cap > 0 and free + used < cap:
        fix = f"free space on that disk, or lower record.keep_mb to {max(1, int((free + used) / 2**20 * 0.8))} or less"
        return Check("recordings", False, f"{detail}; the disk fills before the cap ({_mb(cap)}) deletes old ones", fix)
    if cap <= 0 and free < MIN_FREE_MB * 2**20:
        short = f"{detail}; under {MIN_FREE_MB:.0f} MB free with no cap"
        return Check("recordings", False, short, "free space, or set record.keep_mb")
    return Check("recordings", True, detail)


def port_free(config: Config) -> Check:
    """The share server's port can be listened on (nothing else holds it)."""
    share = config.share
    if not share.enabled:
        return Check("share port", True, "sharing is off (share.enabled = false)")
    family = socket.AF_INET6 if ":" in share.host else socket.AF_INET
    try:
        with socket.socket(family, socket.SOCK_STREAM) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server does
            sock.bind((share.host, share.port))
            sock.listen(1)
    except OSError as exc:
        fix = (
            f"stop what holds port {share.port} (`ss -ltnp 'sport = :{share.port}'` names it; a live already "
            "running?), or set share.port to a free port"
        )
        taken = f"{share.host}:{share.port} cannot be listened on: {exc.strerror or exc}"
        return Check("share port", False, taken, fix)
    return Check("share port", True, f"{share.host}:{share.port} is free")


def lan_addresses() -> list[tuple[str, str]]:
    """(interface, IPv4 address) of every network interface up with an address, loopback left out
    (Linux: ``SIOCGIFADDR``); empty where that cannot be asked."""
    import fcntl
    import struct

    found = []
    try:
        names = [name for _, name in socket.if_nameindex()]
    except OSError:
        return []
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        for name in names:
            try:
                packed = fcntl.ioctl(probe.fileno(), 0x8915, struct.pack("256s", name.encode()[:15]))  # SIOCGIFADDR
            except OSError:
                continue  # no IPv4 address, or down
            address = socket.inet_ntoa(packed[20:24])
            if not address.startswith("127."):
                found.append((name, address))
    return found


def addresses(config: Config, lan: Callable[[], list[tuple[str, str]]] = lan_addresses) -> Check:
    """Phones can reach the share server: this machine has a LAN address (or a public URL is set)."""
    from live.share import base_url

    share = config.share
    if not share.enabled:
        return Check("share address", True, "sharing is off (share.enabled = false)")
    found = lan()
    listed = ", ".join(f"{name} {address}" for name, address in found) or "none"
    links = base_url(share, share.port)
    if share.public_url:
        return Check("share address", True, f"QR codes carry {links} (share.public_url); addresses: {listed}")
    if share.host in ("127.0.0.1", "::1", "localhost"):
        fix = 'set share.host = "0.0.0.0" so that phones on the venue\'s network reach it'
        return Check("share address", False, f"the server listens on {share.host} only: no phone can reach it", fix)
    if not found:
        fix = "connect this machine to the venue's network (the phones' one), or set share.public_url (docs/share.md)"
        return Check("share address", False, "no network address but loopback: phones cannot reach this machine", fix)
    detail = f"QR codes carry {links}; addresses: {listed}"
    return Check("share address", True, f"{detail} (phones must be on the same network, without client isolation)")


def public_url(config: Config) -> Check:
    """``share.public_url`` answers within :data:`URL_TIMEOUT_S`. When the port is free, a share
    server is started for the check, so the answer shows the URL really reaches this machine."""
    share = config.share
    if not share.enabled or not share.public_url:
        return Check("public url", True, "not set: phones use this machine's address")
    url = share.public_url.rstrip("/") + "/"
    fix = f"check that {share.public_url} forwards to this machine's port {share.port} (docs/share.md)"
    try:
        from live.share import ShareServer

        with ShareServer(share, config.paths.recordings):
            status = _get(url)
    except (OSError, RuntimeError):  # the port is taken (a live running?): ask the URL as it is
        status = _get(url)
    if isinstance(status, str):
        return Check("public url", False, f"{url} does not answer: {status}", fix)
    if status >= 500:
        return Check("public url", False, f"{url} answers HTTP {status}: what it forwards to does not answer", fix)
    return Check("public url", True, f"{url} answers (HTTP {status})")


def _get(url: str) -> int | str:
    """The HTTP status of a GET of ``url``, or why there is none."""
    import urllib.error
    import urllib.request

    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # the venue's own network, no proxy
    try:
        with opener.open(url, timeout=URL_TIMEOUT_S) as answer:
            return answer.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except (urllib.error.URLError, OSError, ValueError) as exc:
        return str(getattr(exc, "reason", exc))


def mp4(config: Config) -> Check:
    """``record.mp4`` has the ffmpeg it needs (imageio-ffmpeg's)."""
    if not config.record.mp4:
        return Check("mp4", True, "not needed: record.mp4 = false")
    try:
        import imageio_ffmpeg

        exe = imageio_ffmpeg.get_ffmpeg_exe()
    except (ImportError, RuntimeError, OSError) as exc:
        return Check("mp4", False, f"no ffmpeg for the MP4 export: {exc}", REINSTALL)
    return Check("mp4", True, f"ffmpeg at {exe}")


def staff_pin(config: Config) -> Check:
    """The staff PIN is not the example's (configs/kiosk.toml's is public)."""
    share = config.share
    if not share.enabled or not share.staff_pin:
        return Check("staff pin", True, "no staff page (share.staff_pin is empty)")
    if share.staff_pin == EXAMPLE_PIN:
        fix = "set share.staff_pin in your config file to a PIN of your own (at least 6 characters, in quotes)"
        return Check("staff pin", False, "the staff PIN is the example's: anyone can open the staff page", fix)
    return Check("staff pin", True, "set (the staff page is at /staff)")


def run_checks(config: Config, hand_too: bool = False) -> list[Check]:
    """Every check, in the order a kiosk is set up; ``hand_too`` adds :func:`hand`."""
    checks = [python_version(), packages(), font(config)]
    shown, screen = display()
    checks += [shown, window_manager(screen), fullscreen(config, screen), camera(config)]
    if hand_too:
        checks.append(hand(config))
    checks += [recordings_folder(config), mp4(config), port_free(config), addresses(config), public_url(config)]
    return [*checks, staff_pin(config)]
