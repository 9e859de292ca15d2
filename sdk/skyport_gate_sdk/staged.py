"""Jobs staged through object storage, shared by the cloud gates (aws, azure, openstack).

A cloud gate's node reaches nothing but signed URLs of the gate's object store (see
:mod:`skyport_gate_sdk.bootstrap`). What is the same on every cloud lives here: the gate's records
of partitions and jobs (JSON files in its state directory), each node's job bundle with the URLs it
needs, and reading a job's results back. A gate brings a :class:`Staging` for its object store.

Layout of a site's keys (``Staging.job_prefix`` / ``Staging.bundle_key`` give the full keys)::

    partitions/<partition>/node-<rank>.sh   the job bundle node <rank> polls for (written by start_job)
    jobs/<job>/inputs/<name>                 uploaded by the core before the job starts
    jobs/<job>/outputs/<name>                declared outputs, put by node 0 when the job ends
    jobs/<job>/refused                       declared outputs node 0 refused to put, and why
    jobs/<job>/stdout, stderr                node 0's logs (node r > 0: stdout.<r>, stderr.<r>)
    jobs/<job>/started.<rank>                put when the node starts the job
    jobs/<job>/exit.<rank>                   the node's exit status, put last
    jobs/<job>/error.<rank>                  why the node could not run the job (an input it could not fetch)
"""

from __future__ import annotations

import abc
import asyncio
import dataclasses
import datetime
import json
import threading
import time
from collections.abc import Callable, Collection, Mapping, Sequence
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar

from skyport_gate_sdk import bootstrap
from skyport_gate_sdk.errors import BadRequest, Conflict, NotFound
from skyport_gate_sdk.files import check_name
from skyport_gate_sdk.images import refuse_image
from skyport_gate_sdk.outputs import DEFAULT_RANGE


class Staging(Protocol):
    """One site's keys in its object store, and signed URLs of them (the node's only access)."""

    def job_prefix(self, job_id: str) -> str: ...

    def bundle_key(self, partition_id: str, rank: int) -> str: ...

    def get_url(self, key: str) -> str: ...

    def put_url(self, key: str) -> str: ...

    def put(self, key: str, data: bytes) -> None: ...

    def read(self, key: str, offset: int = 0, length: int | None = None) -> bytes | None:
        """The object's bytes from ``offset`` on (at most ``length``); None when it does not exist."""
        ...

    def listing(self, prefix: str) -> dict[str, tuple[int, datetime.datetime]]:
        """Keys under ``prefix`` (relative to it) -> (size, last modified)."""
        ...

    def delete_prefix(self, prefix: str) -> int: ...


@dataclasses.dataclass(frozen=True)
class JobRecord:
    """What a cloud gate remembers of a started job."""

    id: str
    partition_id: str
    nodes: int
    outputs: tuple[str, ...]
    time_limit: int
    cancelled_at: str | None = None
    forgotten_at: float | None = None  # when delete_job_files was called


P = TypeVar("P")


class Records(Generic[P]):
    """Partition records of type ``P`` (a frozen dataclass with an ``id``) and job records, as JSON files.

    Each record is one file under ``<state_dir>/partitions`` or ``<state_dir>/jobs``, replaced
    atomically, so a crash leaves the old record or the new one and a restarted gate reads them back.
    """

    def __init__(self, state_dir: Path, partition_type: Callable[..., P]) -> None:
        self.state_dir = state_dir
        self._partition_type = partition_type
        for kind in ("partitions", "jobs"):
            (state_dir / kind).mkdir(parents=True, exist_ok=True)

    def path(self, record: Any) -> Path:
        kind = "jobs" if isinstance(record, JobRecord) else "partitions"
        return self.state_dir / kind / f"{record.id}.json"

    def save(self, record: Any) -> None:
        path = self.path(record)
        partial = path.with_suffix(".part")
        partial.write_text(json.dumps(dataclasses.asdict(record)), encoding="utf-8")
        partial.replace(path)

    def partition(self, partition_id: str) -> P | None:
        path = self.state_dir / "partitions" / f"{partition_id}.json"
        return self._partition_type(**json.loads(path.read_text(encoding="utf-8"))) if path.exists() else None

    def partitions(self) -> list[P]:
        folder = self.state_dir / "partitions"
        return [
            self._partition_type(**json.loads(p.read_text(encoding="utf-8"))) for p in sorted(folder.glob("*.json"))
        ]

    def job(self, job_id: str) -> JobRecord | None:
        path = self.state_dir / "jobs" / f"{job_id}.json"
        return _job(json.loads(path.read_text(encoding="utf-8"))) if path.exists() else None

    def jobs(self) -> list[JobRecord]:
        return [
            _job(json.loads(p.read_text(encoding="utf-8"))) for p in sorted((self.state_dir / "jobs").glob("*.json"))
        ]

    def known_job(self, job_id: str, site: str) -> JobRecord:
        """The record of a job the core has not forgotten; else a 404."""
        record = self.job(job_id)
        if record is None or record.forgotten_at is not None:
            raise NotFound(f"job {job_id} is not known to site {site}")
        return record

    def drop_partition(self, partition_id: str) -> None:
        (self.state_dir / "partitions" / f"{partition_id}.json").unlink(missing_ok=True)

    def drop_job(self, job_id: str) -> None:
        (self.state_dir / "jobs" / f"{job_id}.json").unlink(missing_ok=True)


def _job(data: Mapping[str, Any]) -> JobRecord:
    return JobRecord(**{**data, "outputs": tuple(data["outputs"])})


def new_job(body: Mapping[str, Any], partition_id: str, nodes: int) -> JobRecord:
    """The record of a job start_job was asked for, its env names and output names checked."""
    bootstrap.check_env_names(dict(body.get("env") or {}))
    return JobRecord(
        id=body["id"],
        partition_id=partition_id,
        nodes=nodes,
        outputs=tuple(check_name(name) for name in body.get("outputs") or ()),
        time_limit=int(body.get("time_limit") or 0),
    )


def write_bundles(
    staging: Staging,
    record: JobRecord,
    script: str,
    env: Mapping[str, str],
    storage: str,
    *,
    put_headers: Sequence[str] = (),
) -> None:
    """Put each node's job bundle where its user-data polls for it; ``storage`` names the store in messages,
    ``put_headers`` are sent with every PUT (see :func:`skyport_gate_sdk.bootstrap.job_bundle`)."""
    prefix = staging.job_prefix(record.id)
    inputs = {
        name[len("inputs/") :]: staging.get_url(prefix + name)
        for name in staging.listing(prefix)
        if name.startswith("inputs/")
    }
    for rank in range(record.nodes):
        logs = {s: s if rank == 0 else f"{s}.{rank}" for s in ("stdout", "stderr")}
        puts = {k: staging.put_url(prefix + f"{k}.{rank}") for k in ("started", "exit", "error")}
        puts.update({k: staging.put_url(prefix + key) for k, key in logs.items()})
        if rank == 0:
            puts["refused"] = staging.put_url(prefix + "refused")
        outputs = [(n, staging.put_url(f"{prefix}outputs/{n}")) for n in record.outputs] if rank == 0 else []
        bundle = bootstrap.job_bundle(
            job_id=record.id,
            partition_id=record.partition_id,
            rank=rank,
            nodes=record.nodes,
            script=script,
            env=env,
            time_limit=record.time_limit,
            inputs=inputs,
            puts=puts,
            outputs=outputs,
            storage=storage,
            put_headers=put_headers,
        )
        staging.put(staging.bundle_key(record.partition_id, rank), bundle.encode())


def reported(staging: Staging, record: JobRecord) -> dict[str, Any]:
    """What the job's markers say (:func:`skyport_gate_sdk.bootstrap.job_state`)."""
    prefix = staging.job_prefix(record.id)
    markers = staging.listing(prefix)
    contents = {key: staging.read(prefix + key) or b"" for key in markers if key.startswith(("exit.", "error."))}
    return bootstrap.job_state(nodes=record.nodes, time_limit=record.time_limit, markers=markers, contents=contents)


def upload_input(staging: Staging, records: Records[Any], job_id: str, name: str, body: bytes) -> dict[str, Any]:
    check_name(name)
    if records.job(job_id) is not None:
        raise Conflict(f"job {job_id} has started; its inputs can no longer change")
    staging.put(f"{staging.job_prefix(job_id)}inputs/{name}", body)
    return {"name": name, "size": len(body), "kind": "input"}


def list_outputs(staging: Staging, record: JobRecord) -> list[dict[str, Any]]:
    """The job's outputs node 0 put, and those it refused to put, saying why."""
    prefix = staging.job_prefix(record.id)
    found: dict[str, dict[str, Any]] = {
        name: {"name": name, "size": size, "kind": "output"}
        for name, (size, _) in staging.listing(f"{prefix}outputs/").items()
    }
    refused = bootstrap.refused_outputs(staging.read(prefix + "refused") or b"", record.outputs)
    for name, why in refused.items():
        found[name] = {"name": name, "size": 0, "kind": "output", "refused": why}
    return [found[name] for name in sorted(found)]


def download_output(staging: Staging, record: JobRecord, name: str, offset: int, length: int) -> bytes:
    data = staging.read(f"{staging.job_prefix(record.id)}outputs/{name}", offset, length)
    if data is None:
        raise NotFound(f"job {record.id} has no output {name!r}")
    return data


def delete_job_files(staging: Staging, records: Records[Any], job_id: str, keep: float) -> None:
    """Forget a job: its prefix and record go once ``keep`` seconds have passed (see :func:`purge_if_due`)."""
    record = records.job(job_id)
    if record is None:
        staging.delete_prefix(staging.job_prefix(job_id))  # inputs of a job never started
        return
    if record.forgotten_at is None:
        record = dataclasses.replace(record, forgotten_at=time.time())
        records.save(record)
    purge_if_due(staging, records, record, keep)


def purge_if_due(staging: Staging, records: Records[Any], record: JobRecord, keep: float) -> None:
    """Delete a forgotten job's prefix and record once ``keep`` seconds have passed since it was forgotten."""
    assert record.forgotten_at is not None
    if time.time() - record.forgotten_at >= keep:
        staging.delete_prefix(staging.job_prefix(record.id))
        records.drop_job(record.id)


def partition_view(record: Any, state: str, details: str | None, nodes: list[dict[str, Any]]) -> dict[str, Any]:
    """A spec Partition in ``state`` from a gate's partition record (its ``id``, ``flavor``, ``image``,
    ``count``, ``owner`` and ``created_at``), its spec Nodes, and ``details`` when there are any."""
    body: dict[str, Any] = {
        "id": record.id,
        "state": state,
        "flavor": record.flavor,
        "image": record.image,
        "count": record.count,
        "owner": record.owner,
        "nodes": nodes,
        "created_at": record.created_at,
    }
    if details:
        body["state_details"] = details
    return body


def job_view(
    record: JobRecord,
    reported: Mapping[str, Any],
    nodes: list[tuple[str, str | None]],
    lost: str | None,
    cancelled: str,
) -> dict[str, Any]:
    """A spec Job from what its markers say (:func:`reported`) and its nodes.

    ``nodes`` are the job's nodes by rank, (name, IP or None), as the cloud listed them before the
    markers were read, so a node that put its exit status and powered off reads as finished;
    ``lost`` says why a node is gone (None while all are up); ``cancelled`` what cancelling did.
    """
    body: dict[str, Any] = {"id": record.id, "partition_id": record.partition_id}
    body["node_names"] = [name for name, _ in nodes]
    ips = [ip for _, ip in nodes]
    if all(ips):
        body["node_ips"] = ips
    if "started_at" in reported:
        body["started_at"] = reported["started_at"]
    if record.cancelled_at:
        body.update(state="cancelled", ended_at=record.cancelled_at, state_details=cancelled)
    elif "state" in reported:
        body.update(reported)
    elif lost is not None:
        body.update(state="failed", state_details=f"lost before it reported an exit status: {lost}")
    else:
        body["state"] = "running" if "started_at" in body else "pending"
    return body


_OCTET = {"Content-Type": "application/octet-stream"}
_ENDED = ("finished", "failed", "cancelled")


class SiteSettings(Protocol):
    """The settings every cloud gate has that its site document shows (see :meth:`StagedJobs.get_site`)."""

    @property
    def name(self) -> str: ...

    @property
    def poll_interval(self) -> float: ...

    @property
    def boot_time(self) -> float: ...

    @property
    def max_nodes(self) -> int | None: ...


class Converters(Protocol):
    """A gate's converters module: its partition records and jobs, with the cloud's nodes, as spec models."""

    def partition(self, record: Any, nodes: list[dict[str, Any]], /) -> dict[str, Any]: ...

    def job(self, record: JobRecord, reported: Mapping[str, Any], nodes: list[dict[str, Any]], /) -> dict[str, Any]: ...


class StagedJobs(abc.ABC):
    """The job and file operations of a cloud gate whose nodes run bundles fetched from object storage.

    A gate's handlers class inherits them. Its ``__init__`` sets the attributes below, and it
    defines the cloud hooks ``_nodes``, ``_by_partition`` and ``_stop``. Each partition runs one job
    (``single_job``); node records are whatever the cloud lists (dicts), read only by the hooks.
    """

    settings: SiteSettings
    converters: Converters  # views of partitions and jobs (the gate's converters module)
    version: str  # the gate's version, in its site document
    spot: bool = False  # whether the site offers spot nodes, in its site document
    node_noun: str = "nodes"  # what the cloud calls its nodes, in the max_nodes message ("VMs")
    site: str  # the site's name, in messages
    kind: str  # the gate's kind, in messages
    storage: str  # the object store's name, in the messages a node reports ("S3", "Swift")
    put_headers: Sequence[str] = ()  # HTTP headers each PUT of a node sends (see bootstrap.job_bundle)
    keep_job_files: float  # seconds a forgotten job's objects are kept
    staging: Staging
    records: Records[Any]
    _lock: threading.RLock

    # -- the cloud's part -------------------------------------------------------------------------

    @abc.abstractmethod
    def _nodes(self, partition_id: str | None) -> list[dict[str, Any]]:
        """The site's nodes as the cloud lists them (of one partition when given)."""

    @abc.abstractmethod
    def _by_partition(self, nodes: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
        """Nodes grouped by the partition they are labelled with."""

    def _partition_view(self, record: Any, nodes: list[dict[str, Any]]) -> dict[str, Any]:
        """A partition record and its nodes as a spec Partition."""
        return self.converters.partition(record, nodes)

    def _job_view_of(
        self, record: JobRecord, reported: Mapping[str, Any], nodes: list[dict[str, Any]]
    ) -> dict[str, Any]:
        """A spec Job from its markers (:func:`reported`) and its partition's nodes (e.g. with :func:`job_view`)."""
        return self.converters.job(record, reported, nodes)

    @abc.abstractmethod
    def _stop(self, nodes: list[dict[str, Any]]) -> None:
        """End these nodes (terminate or delete them)."""

    def _disk(self, nodes: list[dict[str, Any]]) -> int | None:
        """MiB of disk the smallest of these nodes gives a job, checked against a job's ``storage`` at its
        start; None: not known to this gate, not checked (the flavors' ``storage`` is then the guarantee)."""
        return None

    # -- site -------------------------------------------------------------------------------------------

    async def get_site(self) -> tuple[dict[str, Any], int]:
        site: dict[str, Any] = {
            "kind": self.kind,
            "name": self.settings.name,
            "spot": self.spot,
            "poll_interval": self.settings.poll_interval,
            "boot_time": self.settings.boot_time,
            "single_job": True,
            "version": self.version,
        }
        if self.settings.max_nodes is not None:
            site["max_nodes"] = self.settings.max_nodes
        return site, 200

    # -- partitions -----------------------------------------------------------------------------------

    def _checked_partition(
        self,
        body: Mapping[str, Any],
        flavors: Collection[str],
        images: Collection[str],
        default_image: str | None,
        max_nodes: int | None,
    ) -> str:
        """The image a create_partition body asks for (or the default), once its flavor, image and node
        count are ones the site offers; else a 400 naming what it offers, or a 409 past ``max_nodes``."""
        if body["flavor"] not in flavors:
            raise BadRequest(f"unknown flavor {body['flavor']!r}; site {self.site} offers {sorted(flavors)}")
        image: str | None = body.get("image") or default_image
        if image is None:
            raise BadRequest(f"no image given and site {self.site} has no default_image; images: {sorted(images)}")
        if image not in images:
            raise BadRequest(f"unknown image {image!r}; site {self.site} offers {sorted(images)}")
        self._check_max_nodes(int(body["count"]), max_nodes)
        return image

    def _check_max_nodes(self, count: int, max_nodes: int | None) -> None:
        """A 409 when ``count`` more nodes would take the site past ``max_nodes`` (None: no limit)."""
        if max_nodes is None:
            return
        live = self._live_nodes()
        if live + count > max_nodes:
            raise Conflict(
                f"site {self.site} runs at most {max_nodes} {self.node_noun} (max_nodes); "
                f"{live} are in use or starting, {count} more asked for"
            )

    def _live_nodes(self) -> int:
        """The nodes the site's partitions hold or are starting, counted against ``max_nodes``."""
        # Partitions whose nodes powered off after their job hold nothing, though the core may
        # not have deleted them yet: only those creating or ready count.
        groups = self._by_partition(self._nodes(None))
        return sum(
            r.count
            for r in self.records.partitions()
            if r.intent == "create" and self._partition_view(r, groups.get(r.id, []))["state"] in ("creating", "ready")
        )

    # -- jobs ---------------------------------------------------------------------------------------

    def _job_view(self, record: JobRecord, nodes: list[dict[str, Any]]) -> dict[str, Any]:
        # Nodes are listed before the markers are read: a node that put its exit status and powered
        # off in between then reads as finished, not lost.
        return self._job_view_of(record, reported(self.staging, record), nodes)

    async def list_jobs(self, partition_id: str | None = None) -> tuple[list[dict[str, Any]], int]:
        return await asyncio.to_thread(self._list_jobs, partition_id), 200

    def _list_jobs(self, partition_id: str | None) -> list[dict[str, Any]]:
        groups = self._by_partition(self._nodes(None))
        result = []
        for record in self.records.jobs():
            if record.forgotten_at is not None:
                purge_if_due(self.staging, self.records, record, self.keep_job_files)
            elif partition_id is None or record.partition_id == partition_id:
                result.append(self._job_view(record, groups.get(record.partition_id, [])))
        return result

    async def start_job(self, body: Mapping[str, Any]) -> tuple[dict[str, Any], int]:
        return await asyncio.to_thread(self._start_job, body)

    def _start_job(self, body: Mapping[str, Any]) -> tuple[dict[str, Any], int]:
        with self._lock:
            existing = self.records.job(body["id"])
            if existing is not None:
                return self._job_view(existing, self._nodes(existing.partition_id)), 200
            refuse_image(self.site, body)
            partition = self.records.partition(body["partition_id"])
            if partition is None:
                raise NotFound(f"partition {body['partition_id']} does not exist on site {self.site}")
            nodes = self._nodes(partition.id)
            seen = self._partition_view(partition, nodes)
            if seen["state"] != "ready":
                raise Conflict(f"partition {partition.id} is {seen['state']}: {seen.get('state_details', '')}")
            if partition.job_id is not None:
                raise Conflict(
                    f"partition {partition.id} already ran job {partition.job_id}; "
                    f"an {self.kind} partition runs one job"
                )
            count = int(body.get("nodes") or 1)
            if count > partition.count:
                raise BadRequest(f"job asks for {count} nodes; partition {partition.id} has {partition.count}")
            if body.get("storage") and (disk := self._disk(nodes)) is not None and body["storage"] > disk:
                raise Conflict(
                    f"job {body['id']} asks for {body['storage']} MiB of disk per node; the nodes of partition "
                    f"{partition.id} have {disk} MiB"
                )
            record = new_job(body, partition.id, count)
            env = dict(body.get("env") or {})
            write_bundles(self.staging, record, body["script"], env, self.storage, put_headers=self.put_headers)
            self.records.save(record)
            self.records.save(dataclasses.replace(partition, job_id=record.id))
            return self._job_view(record, nodes), 201

    async def get_job(self, job_id: str) -> tuple[dict[str, Any], int]:
        return await asyncio.to_thread(self._get_job, job_id), 200

    def _get_job(self, job_id: str) -> dict[str, Any]:
        record = self.records.known_job(job_id, self.site)
        return self._job_view(record, self._nodes(record.partition_id))

    async def cancel_job(self, job_id: str) -> tuple[dict[str, Any], int]:
        return await asyncio.to_thread(self._cancel_job, job_id), 200

    def _cancel_job(self, job_id: str) -> dict[str, Any]:
        with self._lock:
            record = self.records.known_job(job_id, self.site)
            nodes = self._nodes(record.partition_id)
            seen = self._job_view(record, nodes)
            if seen["state"] in _ENDED:
                return seen
            # No inbound port reaches the nodes: cancelling is ending them, and the partition is
            # spent anyway (single_job).
            cancelled_at = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
            record = dataclasses.replace(record, cancelled_at=cancelled_at)
            self.records.save(record)
            self._stop(nodes)
            return self._job_view(record, self._nodes(record.partition_id))

    async def job_stdout(
        self, job_id: str, offset: int = 0, length: int | None = None
    ) -> tuple[bytes, int, dict[str, str]]:
        return await asyncio.to_thread(self._log, job_id, "stdout", offset, length), 200, _OCTET

    async def job_stderr(
        self, job_id: str, offset: int = 0, length: int | None = None
    ) -> tuple[bytes, int, dict[str, str]]:
        return await asyncio.to_thread(self._log, job_id, "stderr", offset, length), 200, _OCTET

    def _log(self, job_id: str, stream: str, offset: int, length: int | None) -> bytes:
        # Node 0 uploads its logs when the job ends; until then there is nothing to read.
        record = self.records.known_job(job_id, self.site)
        return self.staging.read(self.staging.job_prefix(record.id) + stream, offset, length) or b""

    # -- files ----------------------------------------------------------------------------------------

    async def upload_input(self, job_id: str, name: str, body: bytes) -> tuple[dict[str, Any], int]:
        return await asyncio.to_thread(upload_input, self.staging, self.records, job_id, name, body), 200

    async def list_outputs(self, job_id: str) -> tuple[list[dict[str, Any]], int]:
        return await asyncio.to_thread(self._list_outputs, job_id), 200

    def _list_outputs(self, job_id: str) -> list[dict[str, Any]]:
        return list_outputs(self.staging, self.records.known_job(job_id, self.site))

    async def download_output(
        self, job_id: str, name: str, offset: int = 0, length: int = DEFAULT_RANGE
    ) -> tuple[bytes, int, dict[str, str]]:
        return await asyncio.to_thread(self._download_output, job_id, name, offset, length), 200, _OCTET

    def _download_output(self, job_id: str, name: str, offset: int, length: int) -> bytes:
        return download_output(self.staging, self.records.known_job(job_id, self.site), name, offset, length)

    async def delete_job_files(self, job_id: str) -> tuple[None, int]:
        await asyncio.to_thread(self._delete_job_files, job_id)
        return None, 204

    def _delete_job_files(self, job_id: str) -> None:
        with self._lock:
            delete_job_files(self.staging, self.records, job_id, self.keep_job_files)
