"""Client certificates for ASGI apps served by uvicorn, and the role check in front of gates.

uvicorn (pinned in pyproject) does not hand the peer certificate to the app. This protocol
subclass reads it once per connection and puts it in the scope the way the ASGI TLS extension
describes (https://asgi.readthedocs.io/en/latest/extensions.html#tls), so the app learns the user
from ``scope["extensions"]["tls"]["client_cert_name"]``, and the whole :class:`skyport_gate_sdk.certs.Identity`
(name, role, serial) from ``["skyport_identity"]``. It is tested through a real HTTPS server in
tests/e2e, which fails if a uvicorn upgrade moves these internals.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from pathlib import Path
from typing import Any

from skyport_gate_sdk import certs
from skyport_gate_sdk.apps import PROBLEM_JSON
from skyport_gate_sdk.errors import SkyportError
from skyport_gate_sdk.http import BoundedHttpToolsProtocol

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class ClientCertProtocol(BoundedHttpToolsProtocol):
    """BoundedHttpToolsProtocol that adds the TLS extension with the client certificate's identity."""

    _tls: dict[object, object] | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        ssl_object = transport.get_extra_info("ssl_object")
        der = ssl_object.getpeercert(binary_form=True) if ssl_object is not None else None
        if der:
            peer = certs.identity(der)
            self._tls = {
                "client_cert_name": peer.name,
                "skyport_identity": peer,
                "server_cert": None,
                "client_cert_chain": [],
                "tls_version": None,
            }

    def on_message_begin(self) -> None:
        super().on_message_begin()
        if self._tls is not None:
            self.scope["extensions"] = {"tls": self._tls}


def peer_of(scope: Scope) -> certs.Identity | None:
    """The identity of the client certificate of a request, None without one."""
    peer = (scope.get("extensions", {}).get("tls") or {}).get("skyport_identity")
    return peer if isinstance(peer, certs.Identity) else None


async def refuse(send: Send, error: SkyportError, extra: Iterable[tuple[bytes, bytes]] = ()) -> None:
    """Answer a request with ``error`` as problem+json, with the ``extra`` headers."""
    body = json.dumps(error.problem()).encode()
    headers = [(b"content-type", PROBLEM_JSON.encode()), (b"content-length", str(len(body)).encode()), *extra]
    await send({"type": "http.response.start", "status": error.status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class GateGuard:
    """A gate app served on its own: only the core certificate of the home's CA may call it."""

    def __init__(self, app: ASGIApp, home: Path) -> None:
        self.app = app
        self.door = certs.Door(home, certs.CORE)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            try:
                self.door.admit(peer_of(scope))
            except SkyportError as error:
                await refuse(send, error)
                return
        await self.app(scope, receive, send)
