"""The terminal API (connexion on spec/core-terminal.yaml), TES (spec/tes.yaml, under
/ga4gh/tes/v1) and the web dashboard (under /ui/, :mod:`skyport.core.ui`), behind the user and
upload checks.

The wrapper in front of connexion does the two things the spec cannot say: it takes the user
from the client certificate (uvicorn with :class:`skyport_gate_sdk.tls.ClientCertProtocol` puts it in
the scope) or from an API token (:mod:`skyport.core.auth`), admitting only user certificates and
tokens that are not revoked, and it refuses bodies over the upload limit before anything reads
them, and bodies that stall for ``request_timeout``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from skyport_gate_sdk.tls import refuse

from skyport.apps import build_app
from skyport.core import handlers
from skyport.core.auth import CHALLENGE, Authenticator
from skyport.core.context import Core, enter
from skyport.core.ui import LOGIN_PATH, UI_PATH, login, serve_file
from skyport.errors import RequestTimeout, SkyportError, TooLarge, UnsupportedMediaType
from skyport.tes import handlers as tes_handlers

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

_MULTIPART_OVERHEAD = 64 * 1024
_DISCARD_AT_MOST = 64 * 1024 * 1024  # a refused body read and dropped so that the client reads the refusal
_EMPTY_FORM = b"multipart/form-data; boundary=skyport-empty-form"
TES_PATH = "/ga4gh/tes/v1/"  # where spec/tes.yaml is served, beside the terminal API


def _has_body(headers: dict[bytes, bytes]) -> bool:
    return b"transfer-encoding" in headers or headers.get(b"content-length", b"0") not in (b"0", b"")


class TerminalApp:
    """ASGI app of the terminal API for one running core."""

    def __init__(self, core: Core, *, validate_responses: bool = False) -> None:
        self.core = core
        self.api = build_app("core-terminal", handlers, validate_responses=validate_responses)
        self.auth = Authenticator(core.settings.home, core.tokens, core.sessions)
        self.validate_responses = validate_responses
        self._tes: ASGIApp | None = None  # built at the first TES request: ~0.15 s the daemon's start need not pay
        self.max_upload = core.settings.max_upload
        self.limit = self.max_upload + _MULTIPART_OVERHEAD
        self.timeout = core.settings.request_timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.api(scope, receive, send)
            return
        if scope["path"] == LOGIN_PATH:
            await login(scope, self.core.sessions, send)
            return
        api = self.tes() if scope["path"].startswith(TES_PATH) else self.api
        headers = dict(scope["headers"])
        length = headers.get(b"content-length")
        try:
            caller = await self.auth.caller(scope, headers, dashboard=api is self.api)
        except SkyportError as error:
            if length is not None and length.isdigit():
                await self._discard_body(receive, int(length))
            await refuse(send, error, CHALLENGE if error.status == 401 else ())
            return
        if scope["path"].startswith(UI_PATH):
            await serve_file(scope["path"], send)
            return
        if length is not None and length.isdigit() and int(length) > self.limit:
            detail = (
                f"the request body is {int(length)} bytes; the daemon accepts at most {self.max_upload} bytes "
                "of script and input files (max_upload in the daemon's config.yaml)"
            )
            await self._discard_body(receive, int(length))
            await refuse(send, TooLarge(detail))
            return
        if api is self.api and scope["method"] == "POST" and b"content-type" not in headers:
            if _has_body(headers):
                detail = "the request has a body but no Content-Type; submit jobs as multipart/form-data"
                await refuse(send, UnsupportedMediaType(detail))
                return
            # No body at all (Sky Port's `POST /user/job?path=...`, or curl -X POST): an empty form.
            scope = {**scope, "headers": [*scope["headers"], (b"content-type", _EMPTY_FORM)]}
        enter(self.core, caller)
        await api(scope, *self._guarded(receive, send))

    def tes(self) -> ASGIApp:
        """The TES app (spec/tes.yaml)."""
        if self._tes is None:
            self._tes = build_app("tes", tes_handlers, validate_responses=self.validate_responses)
        return self._tes

    async def _discard_body(self, receive: Receive, length: int) -> None:
        """Read and drop a refused body of up to _DISCARD_AT_MOST bytes before answering: a server that
        answers and closes while the client still sends resets the connection, and the client never reads
        the answer (nginx's lingering close). A larger body is not waited for."""
        if length > _DISCARD_AT_MOST:
            return
        more = True
        while more:
            try:
                message = await asyncio.wait_for(receive(), self.timeout)
            except TimeoutError:
                return
            more = message["type"] == "http.request" and message.get("more_body", False)

    def _guarded(self, receive: Receive, send: Send) -> tuple[Receive, Send]:
        """``receive`` refusing bodies over the limit or stalled longer than request_timeout; ``send`` that
        then closes the connection, as the rest of the body will not be read."""
        seen = 0
        refused = False
        complete = False  # the whole body came: what comes next is the client going (a stream's end)

        async def limited() -> Message:
            nonlocal seen, refused, complete
            if complete:
                return await receive()
            try:
                message = await asyncio.wait_for(receive(), self.timeout)
            except TimeoutError:
                refused = True
                raise RequestTimeout(
                    f"the request body stalled: nothing arrived for {self.timeout:g} s (request_timeout in the "
                    "daemon's config.yaml); send the whole body without pausing"
                ) from None
            seen += len(message.get("body", b""))
            if seen > self.limit:
                refused = True
                raise TooLarge(
                    f"the request body exceeds the {self.max_upload} bytes of script and input files the daemon "
                    "accepts (max_upload in the daemon's config.yaml)"
                )
            complete = message["type"] != "http.request" or not message.get("more_body", False)
            return message

        async def closing(message: Message) -> None:
            if refused and message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", ()), (b"connection", b"close")]}
            await send(message)

        return limited, closing
