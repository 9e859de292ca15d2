"""Configured remote sites and the gates that serve them.

A site with a ``url`` is a gate running on its own, reached over HTTPS with the home's core
certificate (the only one a gate accepts). A site without one is served inside the daemon: its
kind names an entry point in the group ``skyport.gates`` (built-in gates register there exactly
as a third party's would), whose ``create_app(settings)`` gives an ASGI app the core calls
through an in-process transport.
Either way every call goes through the client generated from ``spec/core-gate.yaml``.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import logging
import time
import uuid
from collections.abc import Callable, Mapping
from typing import Any, BinaryIO

import httpx
from skyport_gate_sdk.serve import create_gate_app

from skyport import pki, scheduler
from skyport.config import Settings, SiteConfig
from skyport.errors import GateError
from skyport.sites.gate_client import Client
from skyport.sites.gate_client.api.files import (
    delete_job_files,
    delete_jobs_files,
    download_output,
    list_outputs,
    upload_input,
)
from skyport.sites.gate_client.api.jobs import cancel_job, job_stderr, job_stdout, list_jobs, start_job, start_jobs
from skyport.sites.gate_client.api.partitions import create_partition, delete_partition, list_partitions
from skyport.sites.gate_client.api.site import get_site, get_user, list_flavors, list_images
from skyport.sites.gate_client.errors import ApiError
from skyport.sites.gate_client.models import (
    Flavor,
    GateJob,
    Image,
    JobStart,
    OutputFile,
    Partition,
    PartitionRequest,
    Site,
    StartAnswer,
)

logger = logging.getLogger(__name__)

# Bytes asked per download_output (and log) call. Each range is copied a few times on its way (gate read, HTTP
# body, client buffer) and thread arenas keep what they freed, so a small range keeps the daemon's
# memory flat; 2 MiB is still large enough that an HTTPS round trip per range costs little.
DOWNLOAD_RANGE = 2 * 1024 * 1024
_USER_ANSWER_SECONDS = 60.0  # how long a gate's "runs this user's jobs" is trusted without asking again
_NAMESPACE = uuid.UUID("7f6c1f3e-5d1b-4d2c-9a57-2b8f0c6e4a10")


@functools.lru_cache(maxsize=1024)
def stable_id(*parts: str) -> str:
    """A UUID that is the same for the same site (and flavor or image) name on every start; kept
    for the names asked recently (a listing asks for the same few on every job)."""
    return str(uuid.uuid5(_NAMESPACE, "/".join(parts)))


def gate_app(config: SiteConfig, state_dir: str) -> Any:
    """The ASGI app of an installed gate kind, built with the site's settings."""
    return create_gate_app(
        config.kind, {**config.settings, "name": config.name, "state_dir": state_dir}, site=config.name
    )


@dataclasses.dataclass
class Offer:
    """What a site offered when last asked."""

    site: Site
    flavors: list[Flavor]
    images: list[Image]
    fetched_at: float


class Gate:
    """One configured site and the generated client that talks to its gate."""

    def __init__(self, config: SiteConfig, client: Client) -> None:
        self.config = config
        self.name = config.name
        self.id = stable_id(config.name)
        self.client = client
        self.offer: Offer | None = None
        self.problem = ""  # why the gate could not be reached, when it could not
        self.polled_at = 0.0
        self._users_until: dict[str, float] = {}  # users whose jobs the gate said it runs, until when
        # Told of each request: site, operation, seconds, and the error when it failed (set by the metrics).
        self.timed: Callable[[str, str, float, GateError | None], None] = lambda *request: None

    @property
    def poll_interval(self) -> float:
        return self.offer.site.poll_interval or 5.0 if self.offer else 5.0

    @property
    def single_job(self) -> bool:
        return bool(self.offer and self.offer.site.single_job)

    def serves(self, operation: str) -> bool:
        """Whether the gate lists the optional batch ``operation`` (start_jobs, delete_jobs_files)."""
        return bool(self.offer and operation in (self.offer.site.batch or ()))

    async def _call(self, operation: str, what: str, coroutine: Any) -> Any:
        """Await ``coroutine``, a request for ``operation`` (its operationId) described by ``what``;
        a refusal or a failure to reach the gate becomes a GateError. Each request is timed."""
        started = time.perf_counter()
        error = None
        try:
            return await coroutine
        except ApiError as exc:
            detail = f"{what}: {exc.detail or exc.title} (HTTP {exc.status_code})"
            error = GateError(self.name, detail, exc.status_code)
            raise error from exc
        except httpx.HTTPError as exc:
            error = GateError(self.name, f"{what}: gate unreachable: {exc!r}")
            raise error from exc
        finally:
            self.timed(self.name, operation, time.perf_counter() - started, error)

    async def refresh(self) -> Offer | None:
        """Ask the gate what it offers; on failure keep the last answer and record the problem."""
        try:
            site, flavors, images = await asyncio.gather(
                self._call("get_site", "get site", get_site.asyncio(client=self.client)),
                self._call("list_flavors", "list flavors", list_flavors.asyncio(client=self.client)),
                self._call("list_images", "list images", list_images.asyncio(client=self.client)),
            )
        except GateError as exc:
            self.problem = exc.detail
            logger.warning("%s", exc.detail)
            return self.offer
        self.offer = Offer(site, flavors, images, time.time())
        self.problem = ""
        return self.offer

    async def user_problem(self, user: str) -> str:
        """Why this site cannot run jobs of ``user``; "" when it can, or when the gate cannot tell now."""
        if self._users_until.get(user, 0.0) > time.monotonic():
            return ""
        try:
            await self._call("get_user", f"user {user}", get_user.asyncio(client=self.client, name=user))
        except GateError as exc:
            return exc.detail if exc.gate_status == 404 else ""
        self._users_until[user] = time.monotonic() + _USER_ANSWER_SECONDS
        return ""

    def flavor(self, name: str) -> Flavor | None:
        return next((f for f in self.offer.flavors if f.name == name), None) if self.offer else None

    async def partitions(self) -> list[Partition]:
        result: list[Partition] = await self._call(
            "list_partitions", "list partitions", list_partitions.asyncio(client=self.client)
        )
        return result

    async def jobs(self) -> list[GateJob]:
        result: list[GateJob] = await self._call("list_jobs", "list jobs", list_jobs.asyncio(client=self.client))
        return result

    async def create_partition(self, request: PartitionRequest) -> Partition:
        result: Partition = await self._call(
            "create_partition",
            f"create partition {request.id}",
            create_partition.asyncio(client=self.client, body=request),
        )
        return result

    async def delete_partition(self, partition_id: str) -> Partition:
        result: Partition = await self._call(
            "delete_partition",
            f"delete partition {partition_id}",
            delete_partition.asyncio(client=self.client, partition_id=partition_id),
        )
        return result

    async def upload(self, job_id: str, name: str, data: bytes) -> None:
        await self._call(
            "upload_input",
            f"upload {name}",
            upload_input.asyncio(client=self.client, job_id=job_id, name=name, body=data),
        )

    async def start(self, request: JobStart) -> GateJob:
        result: GateJob = await self._call(
            "start_job", f"start job {request.id}", start_job.asyncio(client=self.client, body=request)
        )
        return result

    async def start_many(self, requests: list[JobStart]) -> list[StartAnswer]:
        """start_jobs: one answer per request, in order (only when the gate :meth:`serves` it)."""
        result: list[StartAnswer] = await self._call(
            "start_jobs", f"start {len(requests)} jobs", start_jobs.asyncio(client=self.client, body=requests)
        )
        if [answer.id for answer in result] != [request.id for request in requests]:
            raise GateError(self.name, f"start {len(requests)} jobs: the answers are not one per job, in order")
        return result

    async def cancel(self, job_id: str) -> None:
        await self._call("cancel_job", f"cancel job {job_id}", cancel_job.asyncio(client=self.client, job_id=job_id))

    async def log(self, job_id: str, stream: str, offset: int = 0) -> bytes:
        operation = job_stdout if stream == "stdout" else job_stderr
        data: bytes = await self._call(
            f"job_{stream}",
            f"read {stream} of {job_id}",
            operation.asyncio(client=self.client, job_id=job_id, offset=offset),
        )
        return data

    async def outputs(self, job_id: str) -> list[OutputFile]:
        """The declared outputs of an ended job as the gate lists them; refused ones say why."""
        result: list[OutputFile] = await self._call(
            "list_outputs", f"list outputs of {job_id}", list_outputs.asyncio(client=self.client, job_id=job_id)
        )
        return result

    async def download(self, job_id: str, name: str, into: BinaryIO, limit: int) -> int:
        """Append output ``name`` of an ended job to ``into`` one range at a time; how many bytes came."""

        def fetch(offset: int, length: int) -> Any:
            return download_output.asyncio(client=self.client, job_id=job_id, name=name, offset=offset, length=length)

        return await self._copy("download_output", f"download {name}", fetch, into, limit)

    async def copy_log(self, job_id: str, stream: str, into: BinaryIO, limit: int) -> int:
        """Append the ``stream`` log of an ended job to ``into`` one range at a time; how many bytes came."""
        operation = job_stdout if stream == "stdout" else job_stderr

        def fetch(offset: int, length: int) -> Any:
            return operation.asyncio(client=self.client, job_id=job_id, offset=offset, length=length)

        return await self._copy(f"job_{stream}", f"read {stream} of {job_id}", fetch, into, limit)

    async def _copy(
        self, operation: str, what: str, fetch: Callable[[int, int], Any], into: BinaryIO, limit: int
    ) -> int:
        """Append what ``fetch(offset, length)`` answers to ``into``, range after range, until a short answer.

        Stops as soon as more than ``limit`` bytes came, so a file over the cap costs at most one
        range more than the cap. Neither the gate nor the core holds more than one range in memory.
        """
        size = 0
        while True:
            want = min(DOWNLOAD_RANGE, limit + 1 - size)
            data: bytes = await self._call(operation, what, fetch(size, want))
            if len(data) > want:
                raise GateError(self.name, f"{what}: {len(data)} bytes came for a range of {want}; it ignores ranges")
            await asyncio.to_thread(into.write, data)
            size += len(data)
            if len(data) < want or size > limit:
                return size

    async def forget(self, job_id: str) -> None:
        await self._call(
            "delete_job_files", f"delete files of {job_id}", delete_job_files.asyncio(client=self.client, job_id=job_id)
        )

    async def forget_many(self, job_ids: list[str]) -> None:
        """delete_jobs_files (only when the gate :meth:`serves` it)."""
        await self._call(
            "delete_jobs_files",
            f"delete files of {len(job_ids)} jobs",
            delete_jobs_files.asyncio(client=self.client, body=job_ids),
        )


class SiteRegistry:
    """Every configured site by name."""

    def __init__(self, settings: Settings) -> None:
        self.gates: dict[str, Gate] = {}
        for config in settings.sites:
            if config.url:
                client = Client(config.url, ssl_context=pki.core_context(settings.home))
            else:
                state_dir = settings.site_state_dir(config.name)
                app = gate_app(config, str(state_dir))
                client = Client(f"http://{config.name}.gate", async_transport=httpx.ASGITransport(app=app))
            self.gates[config.name] = Gate(config, client)

    def __iter__(self) -> Any:
        return iter(self.gates.values())

    def get(self, name: str) -> Gate | None:
        return self.gates.get(name)

    async def refresh(self) -> None:
        await asyncio.gather(*(gate.refresh() for gate in self.gates.values()))

    def site_offers(self, nodes_in_use: Mapping[str, int]) -> tuple[scheduler.SiteOffer, ...]:
        """What every site that answered offers, as the scheduler reads it."""
        return tuple(
            scheduler.SiteOffer(
                name=name,
                flavors=tuple(
                    scheduler.FlavorOffer(
                        name, f.name, f.cpus or 0, f.mem or 0, f.gpus or 0, f.price or 0.0, f.storage or 0
                    )
                    for f in offer.flavors
                ),
                max_nodes=offer.site.max_nodes,
                nodes_in_use=nodes_in_use.get(name, 0),
                boot_time=offer.site.boot_time or 0.0,
            )
            for name, offer in self.offers().items()
        )

    def offers(self) -> Mapping[str, Offer]:
        return {name: gate.offer for name, gate in self.gates.items() if gate.offer is not None}

    async def close(self) -> None:
        for gate in self.gates.values():
            await gate.client.aclose()
