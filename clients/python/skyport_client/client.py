# Generated from spec/core-terminal.yaml by `skyport codegen` (template python_client/client.py.jinja).
# Spec sha256: 0dffc4b1faa7ddfc82a239e7feb8b44243f69c45c4f184b8608bfaa949eff517
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""The client every operation function takes: one base URL, one TLS context, reused connections."""

from __future__ import annotations

import ssl
from types import TracebackType
from typing import Self

import httpx


class Client:
    """Where the server is and how to reach it.

    The underlying ``httpx.Client`` and ``httpx.AsyncClient`` are created on first use and reused,
    so consecutive calls share keep-alive connections. Close the client (or use it as a context
    manager, ``with`` or ``async with``) to release them.

    Args:
        base_url: The server's URL, such as ``https://127.0.0.1:8443``.
        ssl_context: TLS settings; for mutual TLS an ``ssl.SSLContext`` with the CA and the client
            certificate loaded (httpx ignores ``cert=`` when ``verify`` is a path).
        timeout: Seconds to wait for the server on each request.
        transport: An ``httpx.BaseTransport`` for synchronous calls (``httpx.MockTransport``, a WSGI app).
        async_transport: An ``httpx.AsyncBaseTransport`` for async calls, such as
            ``httpx.ASGITransport(app=app)`` to call an ASGI app in the same process.
        headers: Headers sent with every request.
        acts_for: The user a delegate acts for; only a delegate's certificate naming that user may send it.
            Sent as the header ``X-Skyport-User``.
        token: An API token (`skyport token create`), instead of a user certificate.
            Sent as the header ``Authorization``, after ``Bearer``.
    """

    def __init__(
        self,
        base_url: str,
        *,
        ssl_context: ssl.SSLContext | None = None,
        timeout: float = 30.0,
        transport: httpx.BaseTransport | None = None,
        async_transport: httpx.AsyncBaseTransport | None = None,
        headers: dict[str, str] | None = None,
        acts_for: str | None = None,
        token: str | None = None,
    ) -> None:
        self.base_url = base_url
        self.ssl_context = ssl_context
        self.timeout = timeout
        self.transport = transport
        self.async_transport = async_transport
        self.headers = dict(headers or {})
        if acts_for is not None:
            self.headers["X-Skyport-User"] = acts_for
        if token is not None:
            self.headers["Authorization"] = "Bearer " + token
        self._client: httpx.Client | None = None
        self._async_client: httpx.AsyncClient | None = None

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.base_url!r})"

    def get_httpx_client(self) -> httpx.Client:
        """The ``httpx.Client`` for synchronous calls, created on first use."""
        if self._client is None:
            self._client = httpx.Client(
                base_url=self.base_url,
                verify=self.ssl_context if self.ssl_context is not None else True,
                timeout=self.timeout,
                headers=self.headers,
                transport=self.transport,
            )
        return self._client

    def get_async_httpx_client(self) -> httpx.AsyncClient:
        """The ``httpx.AsyncClient`` for async calls, created on first use."""
        if self._async_client is None:
            self._async_client = httpx.AsyncClient(
                base_url=self.base_url,
                verify=self.ssl_context if self.ssl_context is not None else True,
                timeout=self.timeout,
                headers=self.headers,
                transport=self.async_transport,
            )
        return self._async_client

    def close(self) -> None:
        """Close the synchronous connections."""
        if self._client is not None:
            self._client.close()
            self._client = None

    async def aclose(self) -> None:
        """Close the async connections (and the synchronous ones)."""
        if self._async_client is not None:
            await self._async_client.aclose()
            self._async_client = None
        self.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        await self.aclose()
