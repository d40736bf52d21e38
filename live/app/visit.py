"""The visit: what visitors do at the screen, and the target it asks of the swarm.

:class:`Visit` keeps the canvas (:class:`~live.app.canvas.StrokeCanvas`), attract mode
(:class:`~live.app.state.Attract`) and the instruction (:class:`~live.display.guide.Guide`). It
takes one frame's input events and answers with a :class:`Turn`: a new target when a drawing was
sent or attract mode began, and what the other parts of the frame must hear of (a stroke began,
the canvas was cleared, a command for the recording, the HUD or quitting). It never touches the
swarm, the recorder or the display; the frame (:class:`live.app.loop.Installation`) hands the
turn on.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from live.app.canvas import StrokeCanvas
from live.app.mirror import Change, MirrorFollow
from live.app.state import Attract
from live.config import Config
from live.display.guide import Guide, Instruction
from live.input import Command, Event, Pen, Phase
from live.input.mirror import MirrorSource
from live.render.eyes import canvas_to_ndc
from live.target import text_mask

log = logging.getLogger("live.app")

#: Commands the visit leaves to the other parts of the frame.
PASSED_ON = (Command.RECORD, Command.EXPORT, Command.HUD, Command.QUIT)

Say = Callable[[str, bool, float], None]


@dataclass
class Turn:
    """What one frame's events did, for the rest of the frame."""

    target: np.ndarray | None = None
    """A new target (S, S) in [0, 1]: the drawing just sent, the attract text, or the mirror's
    person; None: unchanged."""
    plan: bool = True
    """The pool is planned for the new target (False: the mirror's next mask of the same person)."""
    private: bool = False
    """The target is a camera's picture of a person (the mirror): never shown, never recorded."""
    mirror: Change | None = None
    """The mirror started following a person, gave back to attract mode, or yielded to a stroke."""
    sent: bool = False
    """A visitor's drawing was sent (a recording starts when ``record.auto``)."""
    attract: bool = False
    """Attract mode began (the recording ends, the share code hides)."""
    stroke: bool = False
    """A stroke began (the last visitor's share code hides)."""
    cleared: bool = False
    """The visitor cleared the canvas (the share code hides)."""
    commands: list[Command] = field(default_factory=list)
    """Commands for the other parts, in order: :data:`PASSED_ON`."""


class Visit:
    """The visitor's side of the installation: canvas, attract mode and the instruction.

    Args:
        config: every setting (``app``, ``target``, ``render.size``, ``ui``).
        start: the clock at start, in seconds.
        say: shows a line on the status line (text, ok, now).
        kind: the input kind the invitations speak of (``app.input``).
        mouse: a mouse draws too (the instruction offers it while the input's camera is lost).
        mirror: the person masks (``[mirror]``): while idle, the swarm forms whoever stays in
            view (:mod:`live.app.mirror`); None: no mirror.

    Attributes:
        canvas: the strokes drawn and not sent yet.
        attract: attract mode (on at start).
        guide: what the screen tells the visitor.
    """

    def __init__(
        self, config: Config, start: float, say: Say, kind: str, mouse: bool = True, mirror: MirrorSource | None = None
    ):
        app = config.app
        self.size = config.render.size
        self.canvas = StrokeCanvas(app.window, config.target.brush)
        self.attract = Attract(app.idle_seconds, start)
        self.guide = Guide(config.ui, kind, mouse)
        self.attract_mask = text_mask(app.attract_text, self.size, config.target.font)
        self._say = say
        self._pens: dict[int, tuple[float, float]] = {}  # pens down now: where, in canvas pixels
        self.mirror = MirrorFollow(config.mirror, mirror) if mirror is not None else None

    def first_turn(self) -> Turn:
        """The turn that starts the installation: the attract text is the target."""
        return Turn(target=self.attract_mask, attract=True)

    # -- one frame -------------------------------------------------------------------------
    def take(self, events: list[Event], now: float) -> Turn:
        """Applies ``events`` and, after them, the idle timeout; returns what they did."""
        turn = Turn()
        for event in events:
            if isinstance(event, Pen):
                self._draw(event, now, turn)
            else:
                self._act(event, now, turn)
        if self.attract.due(now):
            self.enter_attract(turn)
        if self.mirror is not None:
            self._follow(now, turn)
        return turn

    @property
    def mode(self) -> str:
        """A word for the HUD: 'mirror' while the swarm forms a person, 'attract', or ''."""
        if self.mirror is not None and self.mirror.following:
            return "mirror"
        return "attract" if self.attract.active else ""

    def _follow(self, now: float, turn: Turn) -> None:
        """The mirror, while idle (attract mode): the person's masks become the target; when they
        leave, the attract text again. A stroke ends attract mode, and so the mirror."""
        step = self.mirror.frame(now, idle=self.attract.active)
        if step is None:
            return
        turn.mirror = step.change
        if step.person is not None:
            turn.target, turn.plan, turn.private = step.person.mask, step.plan, True
        elif step.change is Change.LEAVE:
            turn.target = self.attract_mask

    def instruction(self, now: float, sharing: bool = False) -> Instruction:
        """What the screen tells the visitor this frame (``sharing``: a share code is on screen)."""
        return self.guide.instruction(self.attract.left(now), sharing)

    def show_at(self, side: int) -> None:
        """The canvas's picture is drawn at ``side`` pixels, the size the screen shows it."""
        self.canvas.show_at(side)

    def pen(self) -> tuple[float, float] | None:
        """Where a pen that is down is, in NDC (the creatures look at it); None when none is."""
        if not self._pens:
            return None
        x, y = next(iter(self._pens.values()))
        return canvas_to_ndc(x, y, self.canvas.size)

    # -- what the visitor does -------------------------------------------------------------
    def enter_attract(self, turn: Turn | None = None) -> Turn:
        """Attract mode begins (the idle timeout, or staff asking for it): the canvas clears and the
        attract text becomes the target; returns ``turn`` (or a new one) saying so."""
        turn = turn or Turn()
        log.info("attract mode")
        self.attract.active = True
        self.canvas.clear()
        self.guide.attract()
        turn.target, turn.attract = self.attract_mask, True
        return turn

    def _submit(self, now: float, turn: Turn) -> None:
        mask = self.canvas.mask(self.size)
        if not mask.any():
            self._say("draw something first", False, now)
            return
        self.canvas.clear()
        self.attract.active = False
        self.guide.sent()
        turn.target, turn.sent = mask, True

    def _act(self, command: Command, now: float, turn: Turn) -> None:
        self.attract.touch(now)
        log.debug("command %s", command.value)
        if command is Command.SUBMIT:
            self._submit(now, turn)
        elif command is Command.CLEAR:
            self.canvas.clear()
            self.guide.cleared()
            turn.cleared = True
        elif command is Command.UNDO:
            self.canvas.undo()
            if self.canvas.empty:
                self.guide.cleared()
        else:
            turn.commands.append(command)

    def _draw(self, pen: Pen, now: float, turn: Turn) -> None:
        if pen.phase is Phase.UP:
            self._pens.pop(pen.pen, None)
        else:
            self._pens[pen.pen] = (pen.x, pen.y)
            self.guide.stroke(pen.source)
        if pen.phase is Phase.DOWN:
            turn.stroke = True  # the next visitor never gets the last one's code
            if self.attract.stroke(now):
                self.canvas.clear()
            self.canvas.begin(pen.x, pen.y, pen.pen)
            return
        self.attract.touch(now)
        if pen.phase is Phase.MOVE:
            self.canvas.extend(pen.x, pen.y, pen.pen)
            return
        if self.canvas.drawing_with(pen.pen):  # an input may lift a pen whose stroke the canvas dropped
            self.canvas.extend(pen.x, pen.y, pen.pen)
        self.canvas.end(pen.pen)
