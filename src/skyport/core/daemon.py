"""Start and stop the core: store, sites, loop, API server - in that order, and back."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import ssl
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import uvicorn
from skyport_gate_sdk.http import BoundedHttpToolsProtocol, with_head_timeout
from skyport_gate_sdk.serve import Stopper, check_home, server_config
from skyport_gate_sdk.tls import ClientCertProtocol

from skyport import daemon_lock, pki
from skyport.accounting.service import AccountService, Usage
from skyport.config import URL_FILE, Settings
from skyport.core.app import TerminalApp
from skyport.core.auth import Sessions, Tokens
from skyport.core.context import Core
from skyport.core.loop import Loop
from skyport.core.metrics import Metrics, MetricsApp
from skyport.errors import Conflict
from skyport.jobs.events import EventHub
from skyport.jobs.files import JobFiles
from skyport.jobs.service import JobService
from skyport.sites.registry import SiteRegistry
from skyport.store import Store
from skyport.store import jobs as job_queries
from skyport.tes.service import TaskService
from skyport.tes.storage import Storage

logger = logging.getLogger(__name__)


@contextlib.asynccontextmanager
async def running_core(settings: Settings) -> AsyncIterator[Core]:
    """A started core (store, sites, service, loop task); stopped in reverse order on exit."""
    store = Store(settings.store_url)
    files = JobFiles(settings.jobs_dir)
    files.drop_incomplete(store.call(job_queries.job_ids))
    sites = SiteRegistry(settings)
    manager = pki.owner_name(settings.home)  # the user the home was initialised for manages accounts
    owner = settings.owner or manager  # submits ?path= scripts and names host files in TES
    accounts = AccountService(store, owner=manager)
    service = JobService(
        store,
        files,
        sites,
        accounts,
        EventHub(settings.max_event_streams),
        owner=owner,
        max_upload=settings.max_upload,
        max_time_limit=settings.max_time_limit,
        default_time_limit=settings.default_time_limit,
    )
    loop = Loop(settings, service, sites)
    service.wake = loop.wake
    metrics = Metrics(owner=manager)
    metrics.attach(store, sites, service, loop)
    await sites.refresh()
    task = asyncio.create_task(loop.run(), name="skyport-loop")
    revoked = asyncio.create_task(_cancel_jobs_of_revoked(settings, service), name="skyport-revoked")
    storage = Storage(
        owner=owner,
        max_size=settings.max_upload,
        s3_endpoint=settings.tes_s3_endpoint,
        s3_buckets=settings.tes_s3_buckets,
        http_inputs=settings.tes_http_inputs,
    )
    tasks = TaskService(store, service, files, storage)
    delivery = asyncio.create_task(tasks.deliver_outputs(settings.loop_interval), name="skyport-tes-outputs")
    try:
        yield Core(
            settings,
            store,
            service,
            sites,
            loop,
            accounts,
            Usage(store, owner=manager),
            Tokens(store),
            tasks,
            metrics,
            Sessions(settings.ui_session_lifetime),
        )
    finally:
        for helper in (revoked, delivery):
            helper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await helper
        loop.stop()
        await task
        await sites.close()
        store.close()


async def _cancel_jobs_of_revoked(settings: Settings, service: JobService) -> None:
    """Whenever the home's revocation list changes, end the event streams opened with revoked certificates
    (or their users' tokens, which die with them) and cancel what revoked users had queued before."""
    revocations = pki.Revocations(settings.home)
    seen: tuple[pki.Revocation, ...] = ()
    while True:
        entries = revocations.entries()
        if entries is not seen:
            revoked = {("certificate", str(entry.serial)) for entry in entries}
            service.events.end_revoked(revoked | {("tokens of", entry.name) for entry in entries})
            for entry in entries:
                reason = f"cancelled: user {entry.name} was revoked"
                await service.cancel_all_of(entry.name, reason, submitted_before=entry.at.timestamp())
            seen = entries
        await asyncio.sleep(settings.loop_interval)


async def serve(settings: Settings) -> None:
    """Run the daemon until SIGINT or SIGTERM, then stop it in order and exit cleanly.

    It holds the home's lock all along (``skyport.daemon_lock``): a second daemon on the same
    home stops at once with a Conflict naming this one, before it touches the store or the files.
    """
    pki.private_umask()
    check_home(settings.home)
    pki.make_private(settings.home, keys=False)
    url = f"https://{settings.host}:{settings.port}"
    metrics_address = settings.metrics_address()
    with daemon_lock.hold(settings.home, url), Stopper() as stopper:
        check_port(settings.host, settings.port)
        if metrics_address is not None:
            check_port(*metrics_address, pick="metrics_listen: HOST:PORT in config.yaml")
        async with running_core(settings) as core, _serving_metrics(core, metrics_address):
            stopper.on_stop = core.jobs.events.end  # open event streams end, or the server would wait for them
            app = TerminalApp(core)
            config = server_config(
                app,
                settings.home,
                settings.host,
                settings.port,
                protocol=ClientCertProtocol,
                request_timeout=settings.request_timeout,
                client_cert=ssl.CERT_OPTIONAL,  # API tokens come without one: TerminalApp authenticates
            )
            try:
                await stopper.serve(config, on_started=lambda: _serving(settings.home, url))
            finally:
                (settings.home / URL_FILE).unlink(missing_ok=True)  # any one there is this daemon's, or stale
    logger.info("skyport daemon stopped")


class _Beside(uvicorn.Server):
    """A uvicorn server beside the daemon's own: it leaves SIGINT and SIGTERM to the daemon's Stopper."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


@contextlib.asynccontextmanager
async def _serving_metrics(core: Core, address: tuple[str, int] | None) -> AsyncIterator[None]:
    """Serve the metrics over plain HTTP on ``address`` (a loopback one) while the body runs; None: not at all."""
    if address is None:
        yield
        return
    host, port = address
    config = uvicorn.Config(
        MetricsApp(core.metrics),
        host=host,
        port=port,
        http=with_head_timeout(BoundedHttpToolsProtocol, core.settings.request_timeout),
        lifespan="off",
        log_config=None,
        log_level="warning",
        access_log=False,
    )
    server = _Beside(config)
    task = asyncio.create_task(server.serve(), name="skyport-metrics")
    logger.info("metrics served on http://%s:%d/metrics", f"[{host}]" if ":" in host else host, port)
    try:
        yield
    finally:
        server.should_exit = True
        await task


_PICK_PORT = "--port N, SKYPORT_PORT=N or listen: {port: N} in config.yaml"


def check_port(host: str, port: int, pick: str = _PICK_PORT) -> None:
    """Refuse to start when another program listens on ``host:port``, saying so (uvicorn only logs it);
    ``pick`` says how to choose another port."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise Conflict(
                f"port {port} is in use on {host} ({exc.strerror}): stop what listens there, or pick "
                f"another port with {pick}"
            ) from None


def _serving(home: Path, url: str) -> None:
    """The daemon listens: tell terminals where (daemon.url, so it is there only when they can connect)."""
    (home / URL_FILE).write_text(url + "\n", encoding="utf-8")
    logger.info("skyport daemon serving %s (home %s, PID %d)", url, home, os.getpid())
