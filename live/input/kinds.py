"""The inputs ``app.input`` can name, collected once in :data:`INPUTS`.

Each kind's module ``live.input.<kind>`` (``mouse``, ``hand``, ...) has a ``SPEC``
(:class:`~live.input.base.InputSpec`): what it opens besides the window's mouse and keyboard (or a
headless script), whether it needs that window, and whether it ends by itself. Its texts are the
``[ui]`` keys ``invite_<kind>`` and ``drawing_<kind>``. A new input is therefore its own module
and, in ``live/config.py``, one :class:`~live.config.InputKind` member with its two texts.
"""

from __future__ import annotations

import importlib

from live.config import InputKind
from live.input.base import InputSpec


def spec_of(kind: InputKind) -> InputSpec:
    """The ``SPEC`` of ``live.input.<kind>`` (the module imports no heavy library at the top)."""
    return importlib.import_module(f"live.input.{kind.value}").SPEC


#: Every input kind's spec.
INPUTS: dict[InputKind, InputSpec] = {kind: spec_of(kind) for kind in InputKind}
