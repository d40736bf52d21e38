"""Recording: frames for the visitor's eyes, turned into GIFs (and MP4s).

Frames are uint8 RGB (H, W, 3) numpy arrays: the display/recording edge, where the core's float
images end. The live loop's :class:`~live.record.recorder.Recorder` keeps them in a bounded
buffer and exports in a background thread; :mod:`live.record.export` encodes, and
:mod:`live.record.files` names, writes (complete or not at all) and caps the files. A camera
frame is refused unless ``record.record_camera`` is set.
"""

from live.record.export import encode_gif, encode_mp4
from live.record.files import new_stem, parse_name, timestamped, write_gif, write_mp4
from live.record.recorder import Recorder, Source

__all__ = [
    "Recorder",
    "Source",
    "encode_gif",
    "encode_mp4",
    "new_stem",
    "parse_name",
    "timestamped",
    "write_gif",
    "write_mp4",
]
