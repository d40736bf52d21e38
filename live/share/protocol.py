"""The server's connections: uvicorn's h11 protocol with three defences of its own.

uvicorn closes a kept-alive connection that stays silent for ``timeout_keep_alive``, and answers
503 once ``limit_concurrency`` connections are open. That alone lets a venue's idle phones
starve new visitors: a phone's browser keeps connections open, a client that sends half a
request (or a byte a second) is never idle in uvicorn's sense, and a phone that walks away
mid-download leaves a send waiting forever. Here:

- **Head deadline.** A request's line and headers must be complete within ``head_s`` of the
  connection opening or of the previous response; otherwise the connection is closed.
- **Send deadline.** A response that cannot be sent on for ``send_s`` (the client stopped
  reading: walked away, half-open) is dropped.
- **Room for visitors.** When a connection arrives while ``cap`` are open, the one idle for the
  longest (no request in progress) is closed, so a new visitor is served even while every other
  connection sits idle. Only when all of them are busy does uvicorn answer 503
  (``limit_concurrency`` is ``cap + 1``).
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict

from uvicorn.protocols.http.h11_impl import H11Protocol

log = logging.getLogger("live.share")


class GuardedH11(H11Protocol):
    """uvicorn's h11 protocol with a head deadline, a send deadline and idle eviction.

    Configured by :func:`guarded_protocol` (one subclass per server: the class holds that
    server's idle connections); do not use it directly.
    """

    head_s = 10.0
    send_s = 30.0
    cap = 1000
    #: This server's idle connections (no request in progress), longest idle first.
    idle_ones: OrderedDict[GuardedH11, None] = OrderedDict()
    #: Connections closed to make room whose ``connection_lost`` has not come yet.
    evicting = 0
    evicted = False
    _deadline: asyncio.TimerHandle | None = None
    _stall: asyncio.TimerHandle | None = None
    _armed_for = None

    # -- idle or busy -----------------------------------------------------------------------
    @property
    def idle(self) -> bool:
        """No request being answered: waiting for a (first or next) request head."""
        return self.cycle is None or self.cycle.response_complete

    def _make_room(self) -> None:
        """Closes the longest-idle connections while more than ``cap`` are open (this one
        counted); O(1) each."""
        server = type(self)
        closed = 0
        while len(self.connections) - server.evicting > self.cap and self.idle_ones:
            oldest, _ = self.idle_ones.popitem(last=False)
            oldest.evicted = True
            server.evicting += 1  # still in self.connections until its connection_lost
            oldest.transport.close()
            closed += 1
        if closed:
            log.debug("share: %d connections open, closed the %d idle longest", len(self.connections), closed)

    def handle_events(self) -> None:
        super().handle_events()
        if not self.idle:  # a request has begun: no longer a candidate for eviction
            self.idle_ones.pop(self, None)

    # -- the head deadline -------------------------------------------------------------------
    def _arm(self) -> None:
        """Starts the wait for a request head: the deadline, and the end of the idle line."""
        if self._deadline is not None:
            self._deadline.cancel()
        self.idle_ones.pop(self, None)
        self.idle_ones[self] = None
        self._armed_for = self.cycle  # a new request replaces self.cycle
        self._deadline = self.loop.call_later(self.head_s, self._expire)

    def _expire(self) -> None:
        self._deadline = None
        if self.cycle is self._armed_for and not self.transport.is_closing():
            self.transport.close()

    # -- the send deadline -------------------------------------------------------------------
    def pause_writing(self) -> None:
        super().pause_writing()
        if self._stall is None:
            self._stall = self.loop.call_later(self.send_s, self._stalled)

    def resume_writing(self) -> None:
        super().resume_writing()
        if self._stall is not None:
            self._stall.cancel()
            self._stall = None

    def _stalled(self) -> None:
        self._stall = None
        if not self.transport.is_closing():
            log.info("share: a client stopped reading for %.0f s; its download is dropped", self.send_s)
            self.transport.abort()

    # -- the connection's life ---------------------------------------------------------------
    def connection_made(self, transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._make_room()
        self._arm()

    def on_response_complete(self) -> None:
        if not self.transport.is_closing():
            self._arm()  # first: a pipelined request that super() starts replaces the armed cycle
        super().on_response_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self.idle_ones.pop(self, None)
        if self.evicted:
            type(self).evicting -= 1
        for timer in (self._deadline, self._stall):
            if timer is not None:
                timer.cancel()
        self._deadline = self._stall = None
        super().connection_lost(exc)


def guarded_protocol(head_s: float, send_s: float, cap: int) -> type[GuardedH11]:
    """A :class:`GuardedH11` for one server, for ``uvicorn.Config(http=...)``.

    Args:
        head_s: seconds a client has to send a request head (``share.timeout_s``).
        send_s: seconds a response may wait for the client to read on (``share.send_timeout_s``).
        cap: connections open at most before idle ones are closed (``share.max_connections``).
    """
    attributes = {"head_s": head_s, "send_s": send_s, "cap": cap, "idle_ones": OrderedDict(), "evicting": 0}
    return type("GuardedH11", (GuardedH11,), attributes)
