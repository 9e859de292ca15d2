"""Limits on the request head, for every server Skyport runs (the daemon and standalone gates).

uvicorn's httptools protocol takes a request line and headers of any size, for as long as the
client takes to send them: one connection can hold memory and a slot for ever. This subclass
answers a head over :data:`MAX_HEAD_BYTES` with 431 and one that has not arrived within
``head_timeout`` seconds with 408, both as problem+json, and closes the connection. The body has
its own limits in the app (``max_upload`` and ``request_timeout`` in the terminal app).
"""

from __future__ import annotations

import asyncio
import json
from http import HTTPStatus

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from skyport_gate_sdk.apps import PROBLEM_JSON

MAX_HEAD_BYTES = 64 * 1024  # request line and headers together


class BoundedHttpToolsProtocol(HttpToolsProtocol):
    """HttpToolsProtocol refusing request heads that are too large or too slow."""

    head_timeout = 30.0  # seconds from a new connection, or the end of the last response, to a whole head
    _head_bytes: int | None = None  # bytes of the head being received; None while a request is handled
    _head_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._await_head()

    def connection_lost(self, exc: Exception | None) -> None:
        self._head_received()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._head_bytes is not None:
            room = MAX_HEAD_BYTES - self._head_bytes
            if len(data) > room and b"\r\n\r\n" not in data[:room]:
                detail = f"the request line and headers exceed {MAX_HEAD_BYTES} bytes; send shorter headers"
                self._refuse(HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, detail)
                return
            self._head_bytes += len(data)
        super().data_received(data)

    def shutdown(self) -> None:
        """The server stops: a connection between requests is cut at once (closing TLS politely waits
        up to 30 s for the client's close_notify, which an idle client in a pool does not send); one
        with a request in progress closes after its response, as uvicorn does."""
        if self.cycle is None or self.cycle.response_complete:
            self.transport.abort()
        else:
            super().shutdown()

    def on_headers_complete(self) -> None:
        self._head_received()
        super().on_headers_complete()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            self._await_head()

    def _await_head(self) -> None:
        self._head_bytes = 0
        self._head_timer = self.loop.call_later(self.head_timeout, self._head_stalled)

    def _head_received(self) -> None:
        self._head_bytes = None
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_stalled(self) -> None:
        if self._head_bytes:
            detail = f"the request line and headers did not arrive within {self.head_timeout:g} s; send them whole"
            self._refuse(HTTPStatus.REQUEST_TIMEOUT, detail)
        elif not self.transport.is_closing():
            self.transport.close()  # a connection that never sent a request

    def _refuse(self, status: HTTPStatus, detail: str) -> None:
        self._head_received()
        if self.cycle is None or self.cycle.response_complete:  # no response of an earlier request is under way
            problem = {"type": "about:blank", "title": status.phrase, "status": status.value, "detail": detail}
            body = json.dumps(problem).encode()
            head = (
                f"HTTP/1.1 {status.value} {status.phrase}\r\ncontent-type: {PROBLEM_JSON}\r\n"
                f"content-length: {len(body)}\r\nconnection: close\r\n\r\n"
            )
            self.transport.write(head.encode() + body)
        self.transport.close()


def with_head_timeout(protocol: type[BoundedHttpToolsProtocol], seconds: float) -> type[BoundedHttpToolsProtocol]:
    """``protocol`` with a head timeout of ``seconds``."""
    return type(protocol.__name__, (protocol,), {"head_timeout": seconds})
