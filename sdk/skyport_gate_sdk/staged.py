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

import dataclasses
import datetime
import json
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar

from skyport_gate_sdk import bootstrap
from skyport_gate_sdk.errors import Conflict, NotFound
from skyport_gate_sdk.files import check_name


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
