"""Configuration: one frozen dataclass per concern, loaded from TOML and overridden from the CLI.

The dataclass defaults are the source of truth; ``configs/default.toml`` spells every one of
them out (a test keeps the two equal). A TOML file or a ``section.key=value`` override may name
any subset of keys. An unknown key or a bad value raises :class:`ConfigError` with one line that
names the key and what is allowed.
"""

from __future__ import annotations

import dataclasses
import enum
import itertools
import json
import math
import re
import tomllib
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

#: ``configs/default.toml`` of the source tree, when ``live`` runs from a checkout.
DEFAULT_CONFIG_PATH = Path(__file__).resolve().parents[1] / "configs" / "default.toml"


class ConfigError(ValueError):
    """A configuration key or value that cannot be used; the message says what is allowed."""


class Backend(enum.StrEnum):
    """The renderers ``render.backend`` can name (each registered in :data:`live.render.backends.RENDERERS`)."""

    AUTO = "auto"
    ANALYTIC = "analytic"
    PYTORCH3D = "pytorch3d"


class InputKind(enum.StrEnum):
    """What ``app.input`` can name (each registered in :data:`live.input.kinds.INPUTS`)."""

    MOUSE = "mouse"
    HAND = "hand"
    REPLAY = "replay"


def _bounded(default: Any, lo: float | None = None, hi: float | None = None) -> Any:
    return field(default=default, metadata={"min": lo, "max": hi})


def _secret_digits(default: str) -> Any:
    """A secret string that may be typed as a number (a PIN): an integer is taken as its digits,
    and the value never appears in an error or a log."""
    return field(default=default, metadata={"secret": True, "digits": True})


@dataclass(frozen=True)
class SwarmConfig:
    """The creatures."""

    sizing: Literal["target", "seed"] = "target"
    """'target': each target chooses how many creatures take part and how big they are, from
    its area and stroke width (thin strokes get small creatures, enough to line them); 'seed':
    ``sprites`` creatures of the seed's sizes (``live demo``, ``live fit --sprites N``)."""
    sprites: int = _bounded(16, 1, 20000)
    """Number of creatures with sizing = 'seed'."""
    seed: int = _bounded(0, 0, 2**63 - 1)
    """Seed of the one generator that draws every size and start position."""
    pool: int = _bounded(600, 1, 20000)
    """Most creatures a target may take (sizing = 'target'); a target that would need more gets
    bigger creatures instead. The live loop allocates this many once."""
    min_radius_px: float = _bounded(6.0, 1.0, 100.0)
    """Smallest body radius of any creature, in pixels of the display (a side of ``app.window``,
    512): its eye then stays at least 3.6 px across (the eye is 0.3-0.5 of the body). Text that
    would need smaller creatures is laid out on more lines, or refused."""
    stroke_ratio: float = _bounded(1.0, 0.1, 10.0)
    """Mean body radius = this times half the target's stroke width (sizing = 'target'), between
    the smallest allowed and the seed's mean radius (0.175)."""
    fill: float = _bounded(1.6, 0.1, 10.0)
    """Creatures = fill times the target's area over one mean body's area (sizing = 'target')."""
    min_per_part: int = _bounded(12, 0, 100)
    """At least this many creatures for each separate part of a target (sizing = 'target'):
    a drawing of a few broad parts (a flower of round petals) would otherwise get a handful of
    creatures as wide as its parts; smaller ones are made instead, never below
    ``min_radius_px``. 0: off. 12 measured best of 0, 4, 6, 8 and 12 on the eval suite (docs/swarm.md)."""
    grow_seconds: float = _bounded(0.5, 0.0, 10.0)
    """``live run``: seconds a creature takes to grow from nothing when it joins the swarm, to
    shrink away when it leaves, and to change size when a new target asks for another radius
    (0: at once). Creatures never jump: they grow and shrink where they are."""


@dataclass(frozen=True)
class RenderConfig:
    """Both renderers: the soft silhouette for the loss and the flat colour view."""

    backend: Backend = Backend.AUTO
    """'analytic' (closed form, plain torch), 'pytorch3d' (the seed's mesh pipeline), or 'auto'
    (pytorch3d on CUDA, analytic on CPU)."""
    device: Literal["auto", "cpu", "cuda"] = "auto"
    """Where tensors live; 'auto' takes CUDA when torch sees a GPU."""
    size: int = _bounded(256, 16, 2048)
    """Side of the square render in pixels (the view is [-1, 1]^2 in NDC)."""
    sigma: float = _bounded(2e-4, 1e-7, 1.0)
    """Softness of the silhouette edge, in squared NDC units (PyTorch3D's BlendParams.sigma)."""
    segments: int = _bounded(16, 3, 256)
    """Sides of the polygon that stands for each disc (the seed's fans have 16)."""
    outline: Literal["polygon", "circle"] = "polygon"
    """Analytic backend only: the seed's regular polygon, or a true circle."""
    corners: Literal["fan", "sharp"] = "fan"
    """Analytic backend, polygon outline: 'fan' blends the two fan faces that meet at each corner
    one by one, as PyTorch3D does (its silhouette is about a pixel wider there); 'sharp' uses the
    distance to the outline alone."""
    silhouette: Literal["union", "seed"] = "union"
    """PyTorch3D backend only: 'union' of the body discs, or the seed's broken 3-faces-per-pixel
    silhouette of all three discs (kept for comparison)."""
    faces_per_pixel: int = _bounded(24, 1, 128)
    """PyTorch3D backend, 'union' silhouette: faces kept per pixel (the seed mode uses 3)."""
    ambient: float = _bounded(0.99, 0.0, 1.0)
    """Ambient light of the colour view (the seed's light: 0.99, no diffuse, no specular)."""

    @property
    def blur_radius(self) -> float:
        """Squared NDC distance beyond which a disc no longer touches a pixel (probability 1e-4)."""
        import math

        return math.log(1.0 / 1e-4 - 1.0) * self.sigma


@dataclass(frozen=True)
class OptimConfig:
    """The arranger: Adam on the creatures' offsets."""

    lr: float = _bounded(0.05, 1e-6, 10.0)
    """Adam learning rate."""
    steps: int = _bounded(50, 1, 1_000_000)
    """Steps of a headless fit (``live fit``, ``live demo``)."""


@dataclass(frozen=True)
class LossConfig:
    """What the arranger minimises: the seed's image loss, plus terms that involve every creature."""

    kind: Literal["shaped", "seed"] = "shaped"
    """'seed': the notebook's loss alone, sum over pixels of (silhouette - target)^2; 'shaped': the
    same plus the attraction and repulsion terms below (a weight of 0 switches a term off)."""
    attraction: float = _bounded(1.0, 0.0, 100.0)
    """Weight of the pull of the target's distance transform on each creature's centre (1: moving a
    creature one body radius closer is worth its body's area in pixels). Gives a creature far from
    the drawing a gradient; zero once its centre lies on the target."""
    repulsion: float = _bounded(0.1, 0.0, 100.0)
    """Weight of the push between overlapping bodies (1: two bodies on the same spot cost their
    area in pixels; the push fades smoothly to 0 at the contact distance). Kept mild: on the eval
    suite more repulsion lowers the IoU."""
    reach: float = _bounded(0.8, 0.1, 2.0)
    """Bodies repel while their centres are closer than this times the sum of their radii (below
    1, bodies may overlap a little without cost)."""
    coverage: float = _bounded(0.0, 0.0, 100.0)
    """Weight of the coverage drive that spreads the creatures over every part of the target in
    proportion to its area (0: off). Units as the attraction's."""
    cover: Literal["lloyd", "sinkhorn"] = "lloyd"
    """The coverage drive: 'lloyd' pulls each creature to the centroid of the target pixels
    nearest to it (centroidal Voronoi); 'sinkhorn' is the optimal-transport Sinkhorn divergence
    (GeomLoss) between the creatures' bodies and the target's pixels. See docs/arrangement.md."""
    cover_blur: float = _bounded(0.02, 1e-4, 1.0)
    """'sinkhorn' only: GeomLoss's blur, the entropic scale, in NDC."""


@dataclass(frozen=True)
class TargetConfig:
    """How targets are turned into masks."""

    font: Literal["simplex", "plain", "duplex", "complex", "triplex", "script"] = "simplex"
    """Hershey font for text targets (the seed uses simplex)."""
    threshold: float = _bounded(0.1, 0.0, 1.0)
    """Image targets: a pixel whose brightest channel exceeds this (in [0, 1]) is in the mask."""
    invert: bool = False
    """Image targets: take dark pixels instead of bright ones (dark drawing on white paper)."""
    brush: int = _bounded(4, 1, 500)
    """Stroke targets: brush radius in pixels of a 224-pixel canvas, scaled to the canvas and the
    mask; the line on the canvas is the mask the swarm follows. 4 (a line 3.6% of the canvas wide)
    measured best of 20 (the seed's), 12, 8, 6, 5, 4 and 3 on 14 doodles: the swarm keeps 73% of
    their enclosed regions (eyes, windows, petals) against 4% at 20 (docs/pen.md)."""


@dataclass(frozen=True)
class PathsConfig:
    """Where outputs go."""

    recordings: str = "recordings"
    """Folder for GIFs and videos; created when missing."""


@dataclass(frozen=True)
class AppConfig:
    """The live installation (``live run``): windows, keys, kiosk and attract mode."""

    input: InputKind = InputKind.MOUSE
    """Where strokes come from: 'mouse' (draw with the left button in the canvas) or 'hand' (draw
    in the air with the index fingertip, seen by ``[camera]``; see docs/hand.md). With a window,
    the mouse draws too while the hand input runs."""
    steps_per_frame: int = _bounded(1, 1, 100)
    """Adam steps per displayed frame; the optimiser runs all the time, between submissions too."""
    window: int = _bounded(512, 64, 4096)
    """Side in pixels of the canvas window and of each half of the result window, and of each half
    of the recorded result view. Strokes are kept in pixels of a canvas this size and reduced to
    the render size for the loss. A kiosk draws the canvas and the swarm at the size its panels
    take on the screen instead (918 px at 1920x1080), whatever this is."""
    threads: int = _bounded(1, 0, 256)
    """Torch CPU threads while the loop runs (0: torch's default, one per core). 1 by default:
    on a 2-core machine where another process takes a core, torch's thread pool slows the loop
    by 10x or more, while one thread degrades gracefully (and leaves a core to the GUI, the
    exporter and a hand tracker)."""
    max_fps: float = _bounded(60.0, 0.0, 1000.0)
    """Frames per second at most with windows (0: as fast as possible); headless runs uncapped."""
    hud: bool = True
    """Show fps, loss, backend, device and the recording dot on the result view (``h`` toggles)."""
    kiosk: bool = False
    """One fullscreen window (canvas | result); quitting needs the chord below, Esc does nothing."""
    quit_key: str = "q"
    """Key that quits: once in a window, ``quit_presses`` times within ``quit_window_s`` in kiosk."""
    quit_presses: int = _bounded(3, 1, 10)
    """Kiosk: presses of ``quit_key`` that quit when they fall within ``quit_window_s``."""
    quit_window_s: float = _bounded(2.0, 0.1, 30.0)
    """Kiosk: seconds within which the quit presses must fall."""
    idle_seconds: float = _bounded(60.0, 0.0, 86400.0)
    """Seconds without input after which the canvas clears and the creatures form
    ``attract_text`` (attract mode; the first stroke takes over). 0 turns attract mode off."""
    attract_text: str = "DRAW!"
    """Text the creatures form at start and in attract mode."""

    def __post_init__(self) -> None:
        if len(self.quit_key) != 1 or not self.quit_key.isprintable() or self.quit_key.isspace():
            raise ConfigError(
                f"config key 'app.quit_key' = {self.quit_key!r} is not allowed: use one printable character, e.g. \"q\""
            )
        if not self.attract_text.strip() or any(not " " <= c <= "~" for c in self.attract_text):
            raise ConfigError(
                f"config key 'app.attract_text' = {self.attract_text!r} is not allowed: "
                "use a short one-line text in ASCII (the fonts draw nothing else), e.g. \"DRAW!\""
            )


@dataclass(frozen=True)
class RecordConfig:
    """Recordings: the clip a visitor takes home, the swarm alone, square, while a target forms."""

    auto: bool = True
    """Start recording at every submitted drawing (``r`` also starts and stops by hand)."""
    stride: int = _bounded(3, 1, 1000)
    """Keep one frame in this many."""
    max_seconds: float = _bounded(8.0, 0.5, 600.0)
    """Longest recording, in seconds of the exported clip (``max_seconds * fps`` frames are kept
    at most; a full recording ends and is exported)."""
    fps: float = _bounded(15.0, 1.0, 60.0)
    """Frame rate of the exported clip (the MP4's; the GIF's is ``gif_fps``)."""
    size: int = _bounded(720, 64, 2160)
    """Side of the clip in pixels: the swarm alone, square, drawn crisp at this size whatever the
    screen's (so a 4K kiosk's recordings stay as light as any other's)."""
    inset: float = _bounded(0.22, 0.0, 0.5)
    """Side of the visitor's drawing, shown small in the clip's lower right corner, as a fraction
    of the clip's side. 0: no inset."""
    mp4: bool = True
    """Also write an MP4 beside each GIF (H.264, yuv420p, index in front: what phones play)."""
    gif_fps: float = _bounded(15.0, 1.0, 60.0)
    """Frame rate of the GIF: it keeps one frame in round(fps / gif_fps) of the clip's."""
    record_camera: bool = False
    """Allow camera frames into a recorder made for them. Off: a recorder refuses camera frames
    (visitors' privacy); the installation's clips are drawn from the swarm alone either way."""
    mirror: bool = False
    """Record the mirror's moments (``[mirror]``): from when the swarm starts following a person
    until they leave or someone draws. Only the swarm is recorded: the clip's inset, which shows a
    visitor's drawing, stays empty (the person's mask is never shown). Off: the mirror, like
    attract mode, is never recorded."""
    plateau_frames: int = _bounded(90, 2, 100000)
    """The swarm has settled when the loss fell by less than ``plateau_tolerance`` (relative)
    over this many frames; the recording then ends and is exported."""
    plateau_tolerance: float = _bounded(0.01, 0.0, 1.0)
    """Relative loss decrease over ``plateau_frames`` below which the swarm counts as settled."""
    keep_mb: float = _bounded(2048.0, 0.0, 1e9)
    """Disk cap: most megabytes the recordings may take together; after each export the oldest
    are deleted first (GIF and MP4 together). Only files named as recordings are touched
    (``<YYYYmmdd-HHMMSS>-<token>.gif``/``.mp4``), nothing else in the folder. 0: no cap."""
    keep_days: float = _bounded(0.0, 0.0, 36500.0)
    """Recordings older than this many days are deleted at start and after each export. 0: kept
    however old."""
    gif_max_mb: float = _bounded(4.0, 0.0, 1000.0)
    """Largest GIF in megabytes (phones fetch it over the venue's network); a bigger one is
    written with every other frame, then smaller. 0: no cap."""


@dataclass(frozen=True)
class ShareConfig:
    """The share server: a visitor scans the QR code shown after an export and gets their clip on
    their phone (docs/share.md)."""

    enabled: bool = True
    """``live run`` starts the share server and shows a QR code after each export."""
    host: str = "0.0.0.0"
    """Address the server listens on: '0.0.0.0' on every network of this machine (phones on the
    venue's network reach it), '127.0.0.1' this machine only."""
    port: int = _bounded(8765, 0, 65535)
    """TCP port of the server (0: any free port)."""
    public_url: str = ""
    """Start of the URL the QR code carries, before '/r/<token>': e.g. an exhibitor's
    'https://clips.example.org' that forwards to this machine. Empty: 'http://<this machine's LAN
    address>:<port>'."""
    show_seconds: float = _bounded(30.0, 0.0, 3600.0)
    """Seconds the QR code stays on screen after an export (0: never shown). A new stroke hides it
    at once, so the next visitor never sees the last one's code."""
    staff_pin: str = _secret_digits("")
    """PIN or token that opens the staff page '/staff' (recordings, disk use, delete): at least 6
    characters. Empty: no staff page. A number (staff_pin = 123456) is taken as its digits; a PIN
    that starts with 0 must be in quotes (staff_pin = "012345"): a TOML number cannot keep the 0."""
    max_body_bytes: int = _bounded(4096, 256, 1_048_576)
    """Largest request body accepted (only the staff forms send one); larger gets 413."""
    max_url_chars: int = _bounded(512, 64, 8192)
    """Longest request path and query accepted; longer gets 400."""
    timeout_s: float = _bounded(10.0, 0.1, 600.0)
    """Seconds a client has to send a request's head, from connecting or from the previous
    response (a client that sends half a request, or a byte at a time, is then disconnected), and
    each part of a request body (then 408)."""
    keep_alive_s: float = _bounded(5.0, 0.1, 600.0)
    """Seconds a kept-alive connection may stay silent after a response before it is closed (a
    phone opens a new one when it needs one)."""
    send_timeout_s: float = _bounded(30.0, 1.0, 3600.0)
    """Seconds a response may wait for the client to read on (a phone that walked away or
    dropped off the network mid-download); then the connection is dropped."""
    max_connections: int = _bounded(1000, 8, 100_000)
    """Connections open at most. When a new one arrives at the cap, the connection idle for the
    longest is closed to make room, so idle phones never keep a new visitor out; only when all of
    them are busy sending does a request get 503. Fewer when the process's open-file limit cannot
    hold two per connection (docs/share.md)."""
    loop_stall_s: float = _bounded(10.0, 1.0, 3600.0)
    """Seconds without a frame after which the frame loop counts as stalled: '/healthz' then
    answers 503 (and ``"ok": false``), and the staff page says so."""

    def __post_init__(self) -> None:
        pin = self.staff_pin
        if pin and (len(pin) < 6 or not pin.isprintable() or pin.strip() != pin):
            raise ConfigError(
                "config key 'share.staff_pin' is not allowed: use at least 6 printable characters "
                "without spaces at the ends, in quotes where it starts with 0 (a number loses its leading zeros): "
                "--set 'share.staff_pin=\"012345\"', or staff_pin = \"012345\" in the file; \"\" for no staff page"
            )
        if self.public_url and not (self.public_url.startswith(("http://", "https://")) and len(self.public_url) > 8):
            raise ConfigError(
                f"config key 'share.public_url' = {self.public_url!r} is not allowed: use an http:// or https:// URL, "
                "e.g. \"http://192.168.1.20:8765\", or \"\" for this machine's LAN address"
            )
        if not self.host or any(c.isspace() for c in self.host):
            raise ConfigError(
                f"config key 'share.host' = {self.host!r} is not allowed: "
                "use an address, e.g. \"0.0.0.0\" or \"127.0.0.1\""
            )


@dataclass(frozen=True)
class ReplayConfig:
    """Replayed visits (``app.input = "replay"``): a recorded drawing draws itself, in a window, a
    kiosk or headless (a shop window's demo, a test of the screen)."""

    script: str = "examples/heart.json"
    """The visit to replay: a script file (docs/script-format.md: timed strokes and keys). Its quit
    key is ignored: a replay never ends the installation."""
    loop: bool = True
    """Start the replay again when it ends (otherwise the input ends, and a headless run with it)."""


@dataclass(frozen=True)
class CameraConfig:
    """The camera that watches the visitor's hand: a webcam or a video file standing in for one."""

    source: str = "0"
    """A webcam index ('0', '1', ...), the path of a video file, or a stream URL (``rtsp://``,
    ``http(s)://``, e.g. an IP camera)."""
    mirror: Literal["auto", "on", "off"] = "auto"
    """Flip the picture left-right: 'auto' mirrors a webcam (a selfie view: the trail follows the
    hand like a mirror image) and leaves a video file as it is."""
    width: int = _bounded(640, 64, 4096)
    """Frame width asked of a webcam in pixels; the camera may give the nearest size it has."""
    height: int = _bounded(360, 48, 4096)
    """Frame height asked of a webcam in pixels."""
    fps: int = _bounded(30, 1, 240)
    """Frame rate asked of a webcam."""
    loop_video: bool = True
    """A video file starts again from its first frame when it ends (otherwise the source ends)."""
    lost_after_s: float = _bounded(2.0, 0.1, 60.0)
    """Seconds without a new frame (failed reads, or the same picture over and over as OpenCV
    gives after a webcam is unplugged) before the camera counts as lost and is reopened."""
    retry_s: float = _bounded(0.5, 0.01, 60.0)
    """First wait before reopening a lost camera; each failed try doubles it."""
    retry_max_s: float = _bounded(8.0, 0.01, 600.0)
    """Longest wait between two tries to reopen a lost camera."""
    open_timeout_s: float = _bounded(5.0, 0.1, 120.0)
    """Stream sources (``rtsp://``, ``http(s)://``): seconds to wait for the stream to open
    before it counts as lost (and is tried again)."""
    read_timeout_s: float = _bounded(5.0, 0.1, 120.0)
    """Stream sources: seconds a read may wait for a frame before it fails."""


@dataclass(frozen=True)
class HandConfig:
    """Drawing in the air: MediaPipe hand tracking, the pointing gate, smoothing and gestures."""

    model_complexity: int = _bounded(1, 0, 1)
    """MediaPipe Hands model: 0 (lite) or 1 (full). On a fast star drawn in the air 0 misses the
    fingertip by up to 17 px before any smoothing, 1 by 2.5 px (docs/hand.md); 1 takes about
    1.8 times the CPU time a frame, in the tracking thread, off the frame loop."""
    max_hands: int = _bounded(1, 1, 2)
    """How many hands draw at once, each with its own pen (2: two visitors side by side). With 2,
    MediaPipe looks for a second hand in every frame that has fewer, which costs tracking time."""
    min_detection_confidence: float = _bounded(0.5, 0.0, 1.0)
    """MediaPipe: palm detection score needed to report a new hand."""
    min_tracking_confidence: float = _bounded(0.5, 0.0, 1.0)
    """MediaPipe: landmark score below which the hand is searched for again."""
    extended_ratio: float = _bounded(1.2, 0.5, 3.0)
    """A finger is extended when its tip is at least this many times as far from the wrist as its
    middle knuckle (an open hand measures about 1.35, a bent finger less)."""
    curled_ratio: float = _bounded(0.9, 0.3, 2.0)
    """A finger is curled when its tip is at most this many times as far from the wrist as its
    middle knuckle (a fist measures about 0.7, a relaxed hanging hand about 1.0)."""
    filter_min_cutoff: float = _bounded(0.5, 0.01, 100.0)
    """One Euro filter on the fingertip: cutoff frequency in Hz when the tip is still (lower: less
    jitter, more lag)."""
    filter_beta: float = _bounded(0.1, 0.0, 10.0)
    """One Euro filter: how fast the cutoff rises with the tip's speed in pixels per second
    (higher: less lag in fast strokes, more jitter). The three filter settings were chosen by
    measurement on the shared footage (docs/hand.md)."""
    filter_d_cutoff: float = _bounded(0.5, 0.01, 100.0)
    """One Euro filter: cutoff frequency in Hz of the speed estimate (lower: noise raises the
    cutoff less; higher: a stroke that speeds up is followed sooner)."""
    step: float = _bounded(6.0, 0.5, 100.0)
    """Stroke points are filled in so that no two neighbours are farther apart than this, in
    canvas pixels (fast strokes stay continuous)."""
    release_s: float = _bounded(0.15, 0.0, 2.0)
    """Seconds the hand may stop pointing (or vanish) before the stroke ends; a shorter break
    goes on with the same stroke."""
    region: float = _bounded(0.9, 0.1, 1.0)
    """Side of the square of the camera picture, centred, that maps onto the canvas, as a
    fraction of the picture's shorter side (a margin keeps the hand fully in view)."""
    submit_hold_s: float = _bounded(1.0, 0.1, 10.0)
    """Seconds an open palm must be held to submit the drawing (like the 's' key)."""
    clear_hold_s: float = _bounded(1.0, 0.1, 10.0)
    """Seconds a fist must be held to clear the drawing."""


@dataclass(frozen=True)
class MirrorConfig:
    """The mirror: while nobody draws and a person stands in the camera's view, the swarm forms
    their silhouette live (MediaPipe selfie segmentation; docs/mirror.md). It reads ``[camera]``
    (one camera with the hand input when both run) and shows the square of the picture that the
    hand draws on (``hand.region``)."""

    enabled: bool = False
    """Run the mirror (it opens the camera, with the mouse too). Off: attract mode shows
    ``app.attract_text`` only."""
    min_area: float = _bounded(0.03, 0.0, 1.0)
    """Smallest person: the part of the swarm's square their mask must cover (0.03: 3 %); a
    smaller one (someone far behind) is nobody."""
    smoothing: float = _bounded(0.3, 0.0, 0.95)
    """Weight of the previous mask in each new one (0: every mask as segmented; higher: a
    steadier outline that follows later)."""
    follow_after_s: float = _bounded(1.0, 0.0, 60.0)
    """Seconds a person must stay in view before the swarm follows them (passers-by who walk
    through do not pull the swarm about)."""
    max_fps: float = _bounded(15.0, 0.0, 240.0)
    """Masks per second at most (0: one for every camera frame). 15 (every other frame of a 25
    or 30 fps camera) halves the segmentation's CPU time and follows the person as well as every
    frame does (IoU 0.897 against 0.899 on the mirror's footage, no more lag; docs/mirror.md)."""
    leave_after_s: float = _bounded(0.5, 0.0, 60.0)
    """Seconds without a person before the mirror gives the swarm back to the attract text (a
    frame or two the segmentation misses changes nothing)."""


#: The instructions each input kind has texts of its own for: ``ui.<step>_<kind>``.
INPUT_STEPS = ("invite", "drawing")
#: Every visitor text of ``[ui]`` that is one line of words.
TEXT_KEYS = (
    *(f"{step}_{kind}" for kind in InputKind for step in INPUT_STEPS),
    "sent",
    "exported",
    "saved",
    "countdown",
    "share_title",
    "camera_lost",
)
#: The font of the visitor texts where ``ui.font`` is left empty (Debian: fonts-dejavu-core).
DEFAULT_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


@dataclass(frozen=True)
class UiConfig:
    """What the screen tells visitors, and how the creatures look at them. Every text may be
    translated; any Unicode the font has shows (e.g. "Dessine ça ici")."""

    lively: bool = True
    """Eyes that look where the creature heads (or at the pen while someone draws) and blink, each
    creature in its own time. Off: the seed's look, eye and pupil centred on the body."""
    kiosk_hud: bool = False
    """Kiosk: show the staff HUD (fps, loss, backend) from the start. Off, ``h`` shows it.
    Windows follow ``app.hud``."""
    target_preview: Literal["small", "off"] = "small"
    """Kiosk: the target drawn small in a corner of the swarm, or not at all."""
    font: str = ""
    """TrueType/OpenType font file of the visitor texts; empty: DejaVu Sans (Debian package
    fonts-dejavu-core). Where the file is missing, OpenCV's Hershey font stands in (ASCII only,
    with a warning in the log)."""
    countdown_seconds: float = _bounded(10.0, 0.0, 3600.0)
    """Seconds before the idle timeout (``app.idle_seconds``) clears a visitor's drawing during
    which a countdown shows (0: none)."""
    invite_mouse: str = "Draw a shape here with the mouse"
    """Nothing drawn yet, mouse input."""
    invite_hand: str = "Point your finger at the screen to draw"
    """Nothing drawn yet, hand input."""
    drawing_mouse: str = "Press S to send your drawing · C clears · Z undoes"
    """While a visitor draws with the mouse: how to send and clear."""
    drawing_hand: str = "Hold an open palm to send · a fist to clear"
    """While a visitor draws with the hand: how to send and clear."""
    invite_replay: str = "Watch: the creatures are about to draw"
    """Nothing drawn yet, replayed visits."""
    drawing_replay: str = "A drawing draws itself · watch the creatures form it"
    """While a replayed visit draws."""
    sent: str = "Sent! The creatures are forming your drawing"
    """After a drawing was sent, while the swarm works."""
    exported: str = "Your clip is ready: scan the code with your phone"
    """After the clip of a drawing was exported, while its share code is on screen. No file name
    or token: they mean nothing to a visitor, and the token is theirs alone."""
    saved: str = "Your clip is saved"
    """After the clip of a drawing was exported, where no share code shows (sharing off, or the
    code's time on screen is over)."""
    countdown: str = "Still there? Clearing in {seconds} s"
    """Before the idle timeout clears a drawing; {seconds} counts down."""
    share_title: str = "Scan to take your clip home"
    """The line above the QR code shown after an export (the code and its address follow)."""
    camera_lost: str = "Drawing in the air will be back in a moment"
    """Hand input with the camera lost (unplugged, or not there at start) where no mouse can draw
    (a kiosk without ``kiosk_mouse``): shown instead of the hand's texts until the camera is back.
    Visitors never see the camera's error; staff see it in the log and on the HUD (``h``)."""
    kiosk_mouse: bool = False
    """Kiosk: a mouse (or touch screen) is there for visitors. With hand input and the camera lost,
    the instruction then offers the mouse (``invite_mouse``, ``drawing_mouse``), as a window
    always does; off, it shows ``camera_lost``."""

    def __post_init__(self) -> None:
        for kind in InputKind:
            for step in INPUT_STEPS:
                if not hasattr(self, f"{step}_{kind}"):
                    raise TypeError(f"UiConfig has no text '{step}_{kind}' for the input '{kind}': add the field")
        for key in TEXT_KEYS:
            text = getattr(self, key)
            if not text.strip() or "\n" in text:
                raise ConfigError(f"config key 'ui.{key}' = {text!r} is not allowed: use a short one-line text")
        for key, allowed in (("exported", ()), ("saved", ()), ("countdown", ("seconds",))):
            try:
                getattr(self, key).format(**{name: "x" for name in allowed})
            except (KeyError, IndexError, ValueError) as exc:
                fields = ", ".join("{" + name + "}" for name in allowed)
                may = f"it may use {fields} only" if allowed else "it may name no field (no file name on screen)"
                raise ConfigError(
                    f"config key 'ui.{key}' = {getattr(self, key)!r} is not allowed: {may} (write {{{{ for a brace)"
                ) from exc

    @property
    def font_path(self) -> str:
        """``font``, or DejaVu Sans where it is empty."""
        return self.font or DEFAULT_FONT

    def text(self, step: str, kind: str) -> str:
        """The text of ``step`` (one of :data:`INPUT_STEPS`) for a visitor using input ``kind``:
        the field ``<step>_<kind>``."""
        return getattr(self, f"{step}_{kind}")


@dataclass(frozen=True)
class Config:
    """Every setting of ``live``."""

    swarm: SwarmConfig = field(default_factory=SwarmConfig)
    render: RenderConfig = field(default_factory=RenderConfig)
    optim: OptimConfig = field(default_factory=OptimConfig)
    loss: LossConfig = field(default_factory=LossConfig)
    target: TargetConfig = field(default_factory=TargetConfig)
    paths: PathsConfig = field(default_factory=PathsConfig)
    app: AppConfig = field(default_factory=AppConfig)
    record: RecordConfig = field(default_factory=RecordConfig)
    share: ShareConfig = field(default_factory=ShareConfig)
    camera: CameraConfig = field(default_factory=CameraConfig)
    replay: ReplayConfig = field(default_factory=ReplayConfig)
    hand: HandConfig = field(default_factory=HandConfig)
    mirror: MirrorConfig = field(default_factory=MirrorConfig)
    ui: UiConfig = field(default_factory=UiConfig)


def _describe(hint: Any) -> str:
    if typing.get_origin(hint) is Literal:
        return "one of " + ", ".join(repr(c) for c in typing.get_args(hint))
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return "one of " + ", ".join(repr(m.value) for m in hint)
    return {bool: "true or false", int: "an integer", float: "a number", str: "a string"}.get(hint, str(hint))


def _example(hint: Any, value: Any, default: Any) -> Any:
    """A value of the field's type for a hint: ``value`` where it reads as one (``"128"`` for an
    integer, ``7`` for a string), else ``default``."""
    if hint is str:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return str(value)
        return default or "text"
    if hint is bool:
        word = str(value).strip().lower()
        return True if word in ("true", "yes", "on", "1") else False if word in ("false", "no", "off", "0") else default
    try:
        number = hint(str(value).strip())
    except (TypeError, ValueError):
        return default
    return number if math.isfinite(number) else default


def _spelling(key: str, hint: Any, example: Any) -> str:
    """How ``key`` is written with ``example``: on the command line, and in a TOML file."""
    name = key.rsplit(".", 1)[-1]
    if hint is str:
        text = json.dumps(example, ensure_ascii=False)
        return f"in quotes: --set '{key}={text}', or {name} = {text} in the file"
    text = json.dumps(example) if hint is bool else repr(example)
    return f"without quotes: --set {key}={text}, or {name} = {text} in the file"


def _type_error(key: str, hint: Any, value: Any, meta: typing.Mapping[str, Any], default: Any) -> ConfigError:
    """The one line for a value of the wrong type: what is allowed, and how to spell it."""
    shown = "" if meta.get("secret") else f" = {value!r}"
    allowed = _describe(hint)
    if hint in (bool, int, float, str):
        example = "012345" if meta.get("digits") else _example(hint, value, default)
        allowed += ", " + _spelling(key, hint, example)
    return ConfigError(f"config key '{key}'{shown} is not allowed: use {allowed}")


def _check_value(key: str, hint: Any, meta: typing.Mapping[str, Any], value: Any, default: Any = None) -> Any:
    """Returns ``value`` converted to the field's type, or raises ConfigError naming ``key`` (and
    how to spell a value of the right type; a secret's value is never shown)."""
    ok = False
    if typing.get_origin(hint) is Literal:
        ok = value in typing.get_args(hint)
    elif isinstance(hint, type) and issubclass(hint, enum.Enum):
        ok = value in {m.value for m in hint}
        value = hint(value) if ok else value
    elif hint is bool:
        ok = isinstance(value, bool)
    elif hint is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif hint is float:
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        if ok:
            try:
                value = float(value)
            except OverflowError:  # an integer too large for a float
                raise ConfigError(f"config key '{key}' = {value!r} is out of range: use a finite number") from None
    elif hint is str:
        if meta.get("digits") and isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            value = str(value)  # a PIN typed as a number: its digits (TOML numbers have no leading 0)
        ok = isinstance(value, str)
    if not ok:
        raise _type_error(key, hint, value, meta, default)
    if hint is float and not math.isfinite(value):
        raise ConfigError(f"config key '{key}' = {value!r} is not allowed: use a finite number")
    lo, hi = meta.get("min"), meta.get("max")
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        span = f"from {lo} to {hi}" if hi is not None else f"at least {lo}"
        raise ConfigError(f"config key '{key}' = {value!r} is out of range: use a value {span}")
    return value


def _build(cls: type, table: typing.Mapping[str, Any], prefix: str, base: Any) -> Any:
    """Returns ``base`` (an instance of ``cls``) with the keys of ``table`` replaced, checked."""
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls)}
    changes = {}
    for name, value in table.items():
        key = f"{prefix}{name}"
        if name not in fields:
            allowed = ", ".join(f"{prefix}{f}" for f in fields)
            raise ConfigError(f"unknown config key '{key}': allowed keys are {allowed}")
        hint = hints[name]
        if dataclasses.is_dataclass(hint):
            if not isinstance(value, dict):
                raise ConfigError(f"config key '{key}' must be a table ([{key}])")
            changes[name] = _build(hint, value, f"{key}.", getattr(base, name))
        else:
            changes[name] = _check_value(key, hint, fields[name].metadata, value, getattr(base, name))
    return dataclasses.replace(base, **changes)


def _parse_scalar(text: str) -> Any:
    """Reads an override's value the way TOML would (``1``, ``2e-4``, ``true``, ``"x"``), else text."""
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text


def parse_override(item: str) -> tuple[str, Any]:
    """Splits ``section.key=value`` into its key and its value.

    Raises:
        ConfigError: when ``item`` has no ``=`` or no section.
    """
    key, sep, text = item.partition("=")
    if not sep or "." not in key:
        raise ConfigError(f"override '{key}' is not of the form section.key=value (e.g. render.size=128)")
    return key.strip(), _parse_scalar(text.strip())


def _nest(flat: typing.Mapping[str, Any]) -> dict[str, Any]:
    nested: dict[str, Any] = {}
    for key, value in flat.items():
        *sections, name = key.split(".")
        table = nested
        for section in sections:
            table = table.setdefault(section, {})
            if not isinstance(table, dict):
                raise ConfigError(f"config key '{key}' names a section that is a value")
        table[name] = value
    return nested


#: A TOML line whose value is a number with a leading zero (``staff_pin = 012345``), which TOML refuses.
_LEADING_ZERO = re.compile(r"^\s*([\w-]+)\s*=\s*[+-]?0\d")


def _toml_hint(path: str | Path, exc: tomllib.TOMLDecodeError) -> str:
    """What to do about a common mistake on the line ``exc`` names, or ''."""
    found = re.search(r"at line (\d+)", str(exc))
    if found is None:
        return ""
    lines = Path(path).read_text(encoding="utf-8-sig").splitlines()
    number = int(found.group(1))
    line = lines[number - 1] if 0 < number <= len(lines) else ""
    zero = _LEADING_ZERO.match(line)
    if zero:
        value = line.split("=", 1)[1].split("#", 1)[0].strip()
        return f"; a number cannot start with 0 in TOML: put it in quotes, {zero.group(1)} = \"{value}\""
    return ""


def load_config(path: str | Path | None = None, overrides: typing.Mapping[str, Any] | None = None) -> Config:
    """Loads the configuration: defaults, then the TOML file, then ``overrides``.

    Args:
        path: a TOML file; ``None`` takes ``configs/default.toml`` of the checkout when present.
        overrides: flat ``{"section.key": value}`` pairs, applied last (command-line flags).

    Raises:
        ConfigError: an unreadable file, invalid TOML, an unknown key or a bad value.
    """
    config = Config()
    if path is None and DEFAULT_CONFIG_PATH.is_file():
        path = DEFAULT_CONFIG_PATH
    if path is not None:
        try:
            table = tomllib.loads(Path(path).read_text(encoding="utf-8-sig"))  # a BOM (Windows editors) is fine
        except OSError as exc:
            raise ConfigError(f"cannot read config file '{path}': {exc.strerror}; check the path") from exc
        except UnicodeDecodeError as exc:
            raise ConfigError(f"config file '{path}' is not UTF-8 text: save it as UTF-8") from exc
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"config file '{path}' is not valid TOML: {exc}{_toml_hint(path, exc)}") from exc
        config = _build(Config, table, "", config)
    if overrides:
        config = _build(Config, _nest(overrides), "", config)
    return config


def override(config: Config, changes: typing.Mapping[str, Any]) -> Config:
    """``config`` with flat ``{"section.key": value}`` ``changes``, each checked as ``--set`` checks
    it (``dataclasses.replace`` would skip the checks: a string where an enum belongs).

    Raises:
        ConfigError: an unknown key or a bad value.
    """
    return _build(Config, _nest(changes), "", config)


def _field_docs() -> dict[tuple[str, str], str]:
    """The attribute docstrings of this module's dataclasses, read from its source."""
    import ast
    import inspect
    import sys

    docs = {}
    for node in ast.parse(inspect.getsource(sys.modules[__name__])).body:
        if not isinstance(node, ast.ClassDef):
            continue
        for stmt, following in itertools.pairwise(node.body):
            if isinstance(stmt, ast.AnnAssign) and isinstance(following, ast.Expr):
                if isinstance(following.value, ast.Constant) and isinstance(following.value.value, str):
                    docs[(node.name, stmt.target.id)] = " ".join(following.value.value.split())
    return docs


def format_config(config: Config) -> str:
    """Returns ``config`` as TOML, each key preceded by its docstring as a comment.

    ``live config > configs/default.toml`` writes the defaults file this way.
    """
    import textwrap

    docs = _field_docs()
    lines = [
        "# Settings of live. Copy this file, change what you need and pass it with --config;",
        "# a file may name any subset of keys. Unknown keys and bad values stop live at start.",
        "",
    ]
    for section in dataclasses.fields(config):
        table = getattr(config, section.name)
        lines.append(f"[{section.name}]")
        for f in dataclasses.fields(table):
            doc = docs.get((type(table).__name__, f.name))
            lines += ["# " + line for line in textwrap.wrap(doc or "", 96, break_on_hyphens=False)]
            value = getattr(table, f.name)
            text = json.dumps(value, ensure_ascii=False) if isinstance(value, (bool, str)) else repr(value)
            lines.append(f"{f.name} = {text}")
        lines.append("")
    return "\n".join(lines)
