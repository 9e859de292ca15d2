"""Serving an app over HTTPS with mutual TLS until SIGINT or SIGTERM: a gate on its own, or the core.

``skyport-gate serve KIND`` (and ``skyport gate KIND``) serve an installed gate this way: the gate
kind names an entry point in the group ``skyport.gates`` whose ``create_app(settings)`` gives the
ASGI app, and :class:`~skyport_gate_sdk.tls.GateGuard` lets only the home's core certificate in.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import socket
import ssl
import sys
from collections.abc import Callable, Iterator, Mapping
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path
from typing import Any

import uvicorn

from skyport_gate_sdk import certs
from skyport_gate_sdk.errors import BadRequest
from skyport_gate_sdk.http import BoundedHttpToolsProtocol, with_head_timeout
from skyport_gate_sdk.private import check_keys, private_umask
from skyport_gate_sdk.tls import ClientCertProtocol, GateGuard

logger = logging.getLogger(__name__)

GATE_GROUP = "skyport.gates"  # the entry point group gates register their create_app in


def installed_gates() -> dict[str, EntryPoint]:
    """Gate kinds installed in this Python environment: name -> entry point."""
    return {ep.name: ep for ep in entry_points(group=GATE_GROUP)}


def create_gate_app(kind: str, settings: Mapping[str, Any], *, site: str) -> Any:
    """The ASGI app of the installed gate ``kind`` for site ``site``, built with ``settings``."""
    gates = installed_gates()
    if kind not in gates:
        known = ", ".join(sorted(gates)) or "none"
        raise BadRequest(
            f"site {site}: no gate of kind {kind!r} is installed (installed: {known}); "
            f"pip install 'skyport-hpc[aws]', '[openstack]' or '[slurm]' for Skyport's own, or give the site a url"
        )
    create_app = gates[kind].load()
    return create_app(settings)


def check_home(home: Path) -> None:
    """Fail with a hint when ``skyport init`` has not been run for ``home``, or its keys are not private."""
    missing = [name for name in (certs.CA_CERT, certs.SERVER_CERT, certs.SERVER_KEY) if not (home / name).exists()]
    if missing:
        raise BadRequest(f"{home} has no {', '.join(missing)}: run `skyport init --home {home}` first")
    check_keys(home)


def server_config(
    app: Any,
    home: Path,
    host: str,
    port: int,
    *,
    protocol: Any = None,
    request_timeout: float = 30.0,
    client_cert: ssl.VerifyMode = ssl.CERT_REQUIRED,
) -> uvicorn.Config:
    """A uvicorn config that serves ``app`` with mutual TLS: no client certificate, no request.

    With ``client_cert=ssl.CERT_OPTIONAL`` (the daemon's listener) a client may come without a
    certificate, and the app decides (an API token); one it presents must still be of the home's CA.
    A request head must arrive within ``request_timeout`` seconds (skyport_gate_sdk.http).
    """
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        ssl_certfile=str(home / certs.SERVER_CERT),
        ssl_keyfile=str(home / certs.SERVER_KEY),
        ssl_ca_certs=str(home / certs.CA_CERT),
        ssl_cert_reqs=client_cert,
        http=with_head_timeout(protocol or BoundedHttpToolsProtocol, request_timeout),
        lifespan="off",
        log_config=None,  # uvicorn logs through the root logger: skyport.logs.Formatter
        log_level="warning",
        access_log=False,
    )


def serve_gate(kind: str, home: Path, settings: Mapping[str, Any], host: str, port: int) -> None:
    """Serve the installed gate ``kind`` with ``settings`` (``name`` defaults to ``kind``) until stopped.

    Its state goes to ``<home>/gates/<name>``; only the home's core certificate may call it.
    """
    private_umask()
    check_home(home)
    settings = dict(settings)
    name = str(settings.pop("name", kind))
    state_dir = home / "gates" / name
    app = create_gate_app(kind, {**settings, "name": name, "state_dir": str(state_dir)}, site=name)
    config = server_config(GateGuard(app, home), home, host, port, protocol=ClientCertProtocol)
    asyncio.run(
        serve_app(config, lambda: print(f"{kind} gate ({name}) on https://{host}:{port}", file=sys.stderr, flush=True))
    )


async def serve_app(config: uvicorn.Config, on_started: Callable[[], None] | None = None) -> None:
    """Serve ``config`` (a gate on its own) until SIGINT or SIGTERM; ``on_started`` once it listens
    (what scripts wait for before their first request)."""
    with Stopper() as stopper:
        await stopper.serve(config, on_started)


_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class _Server(uvicorn.Server):
    """uvicorn's server without its own signal handlers, which raise the signal again once the server
    has shut down: SIGTERM then ends the process with status 143 before the store is closed. It
    calls ``on_started`` once it listens."""

    def __init__(self, config: uvicorn.Config, on_started: Callable[[], None] | None) -> None:
        super().__init__(config)
        self.on_started = on_started

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if self.started and self.on_started is not None:
            self.on_started()


class Stopper:
    """SIGINT and SIGTERM, both a request to stop cleanly, caught from start-up to the end.

    The first one calls ``on_stop`` (the core ends its open event streams there, which would
    otherwise never finish) and lets the requests in progress finish, then ``serve`` returns and the
    caller stops the rest in order; a second one cuts open requests short. One that comes during
    start-up stops the server as soon as it has started.
    """

    def __init__(self) -> None:
        self.requested = False
        self.server: _Server | None = None
        self.on_stop: Callable[[], None] = lambda: None  # called on the first signal

    def __enter__(self) -> Stopper:
        loop = asyncio.get_running_loop()
        for sig in _STOP_SIGNALS:
            loop.add_signal_handler(sig, self._received, sig)
        return self

    def __exit__(self, *exc_info: object) -> None:
        loop = asyncio.get_running_loop()
        for sig in _STOP_SIGNALS:
            loop.remove_signal_handler(sig)

    def _received(self, sig: signal.Signals) -> None:
        logger.info("%s: stopping%s", sig.name, ", cutting open requests short" if self.requested else "")
        if not self.requested:
            self.on_stop()
        if self.server is not None:
            self.server.force_exit = self.requested
            self.server.should_exit = True
        self.requested = True

    async def serve(self, config: uvicorn.Config, on_started: Callable[[], None] | None = None) -> None:
        self.server = _Server(config, on_started)
        self.server.should_exit = self.requested
        await self.server.serve()
