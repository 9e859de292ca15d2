# Generated from spec/core-terminal.yaml by `skyport codegen` (template python_client/types.py.jinja).
# Spec sha256: 0dffc4b1faa7ddfc82a239e7feb8b44243f69c45c4f184b8608bfaa949eff517
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""Types the operation modules share: the detailed response and request-building helpers."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any, Generic, TypeVar

import httpx

T = TypeVar("T")
FilePart = tuple[str, tuple[str, bytes, str]]


@dataclasses.dataclass(frozen=True)
class Response(Generic[T]):
    """A successful response with its body parsed.

    Attributes:
        status_code: The HTTP status (200 and 201 can mean different things, such as "already existed").
        content: The raw body.
        headers: The response headers.
        parsed: The body as the spec describes it.
    """

    status_code: int
    content: bytes
    headers: httpx.Headers
    parsed: T


def build_response(response: httpx.Response, parsed: T) -> Response[T]:
    """A :class:`Response` of ``response`` whose body parsed into ``parsed``."""
    return Response(status_code=response.status_code, content=response.content, headers=response.headers, parsed=parsed)


def present(values: Mapping[str, Any]) -> dict[str, Any]:
    """``values`` without the ones that are None (optional parameters not given)."""
    return {key: value for key, value in values.items() if value is not None}


def one_file(field: str, content: bytes | None) -> list[FilePart]:
    """The multipart part of one file field, named after the field; none when ``content`` is None."""
    return [] if content is None else [(field, (field, content, "application/octet-stream"))]


def many_files(field: str, files: Sequence[tuple[str, bytes]] | None) -> list[FilePart]:
    """The multipart parts of a field holding several ``(file name, content)`` pairs."""
    return [(field, (name, content, "application/octet-stream")) for name, content in files or ()]


@dataclasses.dataclass(frozen=True)
class ServerSentEvent:
    """One event of a ``text/event-stream`` answer.

    Attributes:
        data: Its data lines, joined by newlines.
        event: Its type (``message`` when the server named none).
        id: The last event ID the stream set, to send as ``Last-Event-ID`` when reconnecting.
    """

    data: str
    event: str
    id: str


class ServerSentEvents:
    """Reads a ``text/event-stream`` line by line, as the HTML standard's event stream
    interpretation does (https://html.spec.whatwg.org/multipage/server-sent-events.html)."""

    def __init__(self) -> None:
        self.last_id = ""
        self.retry = 1.0  # seconds to wait before reconnecting, as the stream's ``retry:`` line says
        self._data: list[str] = []
        self._event = ""

    def feed(self, line: str) -> ServerSentEvent | None:
        """Take one line (without its end); the event a blank line completes, else None."""
        if not line:
            event = ServerSentEvent("\n".join(self._data), self._event or "message", self.last_id)
            complete = bool(self._data)
            self._data, self._event = [], ""
            return event if complete else None
        if line.startswith(":"):
            return None  # a comment, such as a heartbeat
        field, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if field == "data":
            self._data.append(value)
        elif field == "event":
            self._event = value
        elif field == "id" and "\0" not in value:
            self.last_id = value
        elif field == "retry" and value.isdigit():
            self.retry = int(value) / 1000
        return None


END = "end"  # the type of the event a server ends a stream with for good: no reconnecting
RETRIED = frozenset({429, 502, 503, 504})  # answers to a reconnection worth trying again after


class Reconnection:
    """Opens an event stream again after it was cut (a dropped connection, a server restart), from the
    last event it delivered (``Last-Event-ID``), so nothing is missed or repeated.

    It waits the stream's ``retry:`` time before the first try, twice as long before each next one
    (at most MAX_DELAY seconds), and gives up after ``retries`` tries in a row without an event: the
    last error is raised then. A stream whose server ended it with an ``end`` event is over; a stream
    never opened is not retried (the first request's error is raised at once).
    """

    MAX_DELAY = 30.0

    def __init__(self, request: dict[str, Any], retries: int) -> None:
        self.events = ServerSentEvents()
        self.retries = retries
        self._request = request
        self._opened = False
        self._tries = 0

    def request(self) -> dict[str, Any]:
        """The request to send now: the first, or one that resumes after the last event."""
        if not self.events.last_id:
            return self._request
        return {**self._request, "headers": {**self._request["headers"], "Last-Event-ID": self.events.last_id}}

    def opened(self) -> None:
        """The server answered with the stream."""
        self._opened = True

    def delivered(self, event: ServerSentEvent) -> bool:
        """Take an event the stream sent; False when it ended the stream for good."""
        self._tries = 0
        return event.event != END

    def delay(self, error: Exception | None) -> float | None:
        """Seconds to wait before reopening the stream that ``error`` cut (None: it ended without an
        ``end`` event), or None to give up."""
        status = getattr(error, "status_code", None)
        if not self._opened or self._tries >= self.retries or (status is not None and status not in RETRIED):
            return None
        self._tries += 1
        return min(self.MAX_DELAY, self.events.retry * 2.0 ** (self._tries - 1))
