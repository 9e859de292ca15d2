"""Client certificates for ASGI apps served by uvicorn.

uvicorn (pinned in pyproject) does not hand the peer certificate to the app. This protocol
subclass reads it once per connection and puts it in the scope the way the ASGI TLS extension
describes (https://asgi.readthedocs.io/en/latest/extensions.html#tls), so the app learns the user
from ``scope["extensions"]["tls"]["client_cert_name"]``. It is tested through a real HTTPS
server in tests/e2e, which fails if a uvicorn upgrade moves these internals.
"""

from __future__ import annotations

import asyncio

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from skyport.pki import common_name


class ClientCertProtocol(HttpToolsProtocol):
    """HttpToolsProtocol that adds the TLS extension with the client certificate's CN."""

    _tls: dict[object, object] | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        ssl_object = transport.get_extra_info("ssl_object")
        der = ssl_object.getpeercert(binary_form=True) if ssl_object is not None else None
        self._tls = (
            {"client_cert_name": common_name(der), "server_cert": None, "client_cert_chain": [], "tls_version": None}
            if der
            else None
        )

    def on_message_begin(self) -> None:
        super().on_message_begin()
        if self._tls is not None:
            self.scope["extensions"] = {"tls": self._tls}
