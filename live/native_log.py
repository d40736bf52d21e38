"""Third-party noise: what native libraries write straight to the process's stderr goes to the log
at debug level, not to the console.

What a run prints that is not live's own (seen on a run with the hand input, issue 17):

- MediaPipe's graph, through TensorFlow Lite and absl: ``INFO: Created TensorFlow Lite XNNPACK
  delegate for CPU.``, ``WARNING: All log messages before absl::InitializeLog() is called are
  written to STDERR``, ``W0000 00:00:... inference_feedback_manager.cc:114] Feedback manager
  requires a model with a single signature inference. ...`` (once per graph);
- OpenCV's video I/O, on every try to open a webcam that is not there: ``[ WARN:0@4.9] global
  cap_v4l.cpp:913 open VIDEOIO(V4L2:/dev/video0): can't open camera by index`` and ``[ERROR:0@4.9]
  global obsensor_uvc_stream_channel.cpp:158 getStreamChannelGroup Camera index out of range``.

``GLOG_minloglevel`` and ``TF_CPP_MIN_LOG_LEVEL`` change none of MediaPipe's lines in this build
(absl reads neither), and ``OPENCV_LOG_LEVEL`` can only silence OpenCV. So :func:`route_native_stderr`
moves the process's file descriptor 2 onto a pipe, read by a thread that logs each line to the
``live.native`` logger at DEBUG (a fatal absl line, ``F...``, at ERROR), and moves Python's own
``sys.stderr`` (the console log, the commands' lines, tracebacks) to a copy of the real stderr,
so everything of live's reaches the console as before. ``LIVE_LOG=debug`` shows the libraries'
lines on the console too, through the log, and ``--log-file`` then keeps them.

A native crash's last line could be lost in the pipe with the process: :mod:`faulthandler` writes
the crash's Python traceback to the real stderr, and ``LIVE_NATIVE_STDERR=keep`` leaves stderr as
it is, for looking into such a crash.
"""

from __future__ import annotations

import faulthandler
import io
import logging
import os
import re
import sys
import threading

log = logging.getLogger("live.native")

#: An absl or glog line that ends the process (``F0000 00:00:...``).
_FATAL = re.compile(r"^F\d{4} ")
#: Bytes read from the pipe at a time.
_CHUNK = 4096

_routed = False


def _level(line: str) -> int:
    return logging.ERROR if _FATAL.match(line) else logging.DEBUG


def _pump(fd: int) -> None:
    """Reads the pipe until it closes, logging each line (the thread's whole life)."""
    pending = b""
    while True:
        try:
            chunk = os.read(fd, _CHUNK)
        except OSError:
            return
        if not chunk:
            break
        pending += chunk
        *lines, pending = pending.split(b"\n")
        for raw in lines:
            line = raw.decode("utf-8", "replace").rstrip()
            if line:
                log.log(_level(line), "%s", line)
    if pending.strip():
        line = pending.decode("utf-8", "replace").rstrip()
        log.log(_level(line), "%s", line)


def route_native_stderr(environ: dict[str, str] | None = None) -> bool:
    """Sends what native code writes to stderr to the ``live.native`` log at DEBUG; Python's
    ``sys.stderr`` keeps the console. Call it once, first thing, in the process that runs live
    (``live`` on the command line does); later calls do nothing. Returns whether it routed.

    Nothing is moved where ``LIVE_NATIVE_STDERR`` is ``keep`` (in ``environ``, default
    ``os.environ``), or where stderr is not a file descriptor.
    """
    global _routed
    env = os.environ if environ is None else environ
    if _routed or env.get("LIVE_NATIVE_STDERR", "").strip().lower() == "keep":
        return False
    try:
        sys.stderr.flush()
        console_fd = os.dup(2)
    except (OSError, ValueError):
        return False
    read_fd, write_fd = os.pipe()
    os.dup2(write_fd, 2)  # native code's stderr: the pipe
    os.close(write_fd)
    os.set_inheritable(2, True)
    raw = io.FileIO(console_fd, "w")
    console = io.TextIOWrapper(raw, encoding="utf-8", errors="backslashreplace", line_buffering=True)
    sys.stderr = console  # Python's stderr: the console, as before
    faulthandler.enable(file=console)
    threading.Thread(target=_pump, args=(read_fd,), name="native-stderr", daemon=True).start()
    _routed = True
    return True
