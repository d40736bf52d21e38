"""The one line a run says when it has started: what a person at the console needs to know.

The effective settings are a long line (every key) that goes to the log file (``--log-file``), and
to the console with ``--verbose``; the console gets this instead (issue 17).
"""

from __future__ import annotations

from pathlib import Path

from live.config import Config
from live.display import DisplayMode
from live.input.kinds import INPUTS
from live.share import base_url


def start_line(config: Config, display: DisplayMode, backend: str, device: str, sharing: bool) -> str:
    """``started: input ..., display ..., backend ... on ..., recordings ..., share ...``.

    Args:
        config: every setting (the input, the camera, the recordings folder, ``[share]``).
        display: where frames go.
        backend, device: what renders (``auto`` resolved).
        sharing: the share server runs.
    """
    what = config.app.input.value
    detail = INPUTS[config.app.input].detail(config)
    if detail:
        what += f" ({detail})"
    screen = "headless" if not display.windowed else display.kind.value
    folder = Path(config.paths.recordings).resolve()
    if not sharing:
        share = "off" if not config.share.enabled or not display.serves else "not started (see above)"
    elif config.share.port == 0:
        share = "on a free port (see above)"
    else:
        share = base_url(config.share, config.share.port)
    return f"started: input {what}, display {screen}, backend {backend} on {device}, recordings {folder}, share {share}"
