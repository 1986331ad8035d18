"""Connections that never finish their request headers are closed (slowloris).

uvicorn times out an idle keep-alive connection, but not one that sends a request line and then a
header byte every few seconds: 1,100 such connections stayed open for 50 s and more, each holding a
socket and a protocol object. This protocol gives every request's headers `header_timeout` seconds
from the moment the connection is opened, or the previous response was sent.
"""

from __future__ import annotations

import asyncio

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

#: Seconds a client has to send a request's headers (a browser sends them in one packet).
HEADER_TIMEOUT = 10.0


class HeaderTimeoutProtocol(H11Protocol):
    header_timeout = HEADER_TIMEOUT

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        timer = getattr(self, "_header_timer", None)
        if timer is not None:
            timer.cancel()
        super().connection_lost(exc)

    def _arm(self) -> None:
        timer = getattr(self, "_header_timer", None)
        if timer is not None:
            timer.cancel()
        self._header_timer = self.loop.call_later(self.header_timeout, self._expire)

    def _expire(self) -> None:
        # still waiting for the headers of a request (an idle keep-alive connection may be closed too)
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            self.transport.close()


def protocol(header_timeout: float) -> type[HeaderTimeoutProtocol]:
    """The protocol class uvicorn is given (its ``http`` option), with this timeout."""
    return type("HeaderTimeoutProtocol", (HeaderTimeoutProtocol,), {"header_timeout": header_timeout})
