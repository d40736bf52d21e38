"""Recording: the clip a visitor takes home, made crash-safe, turned into an MP4 and a GIF.

The loop offers the swarm as it shows it (:class:`~live.record.clip.ClipFrame`); the live
:class:`~live.record.recorder.Recorder` appends the kept frames to a journal on disk
(:mod:`live.record.journal`: a crash loses at most the last second) and exports each recording in
a background thread: :class:`~live.record.clip.ClipView` draws the clip (the swarm alone, square,
``record.size``), :mod:`live.record.export` encodes, and :mod:`live.record.files` names, writes
(complete or not at all) and caps the files. The next start finishes what a crashed run left.
Pictures are uint8 RGB (H, W, 3) numpy arrays: the display/recording edge, where the core's
float images end. A camera frame is refused unless ``record.record_camera`` is set.
"""

from live.record.clip import ClipFrame, ClipView
from live.record.export import encode_clip, encode_gif, encode_mp4
from live.record.files import new_stem, parse_name, timestamped, write_gif, write_mp4
from live.record.recorder import Recorder, Source

__all__ = [
    "ClipFrame",
    "ClipView",
    "Recorder",
    "Source",
    "encode_clip",
    "encode_gif",
    "encode_mp4",
    "new_stem",
    "parse_name",
    "timestamped",
    "write_gif",
    "write_mp4",
]
