"""Nova, Glance and Swift records to gate-spec models: flavors, images, partitions, jobs, and faults to words.

Foreign words are mapped through the tables below, each citing the OpenStack page it comes from.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
from collections.abc import Iterable, Mapping
from typing import Any

from skyport_gate_sdk import staged
from skyport_gate_sdk.staged import JobRecord

from skyport_gate_openstack.cloud import META_NODE, META_OWNER, META_PARTITION

# Server statuses: https://docs.openstack.org/api-guide/compute/server_concepts.html
# True while the server is (or will be) up and billed; False once it is on its way out or dead.
# SHUTOFF counts as gone: the bootstrap powers off only when it is done (the gate then deletes it).
SERVER_ALIVE: dict[str, bool] = {
    "BUILD": True,
    "ACTIVE": True,
    "REBOOT": True,
    "HARD_REBOOT": True,
    "MIGRATING": True,
    "PASSWORD": True,
    "REBUILD": True,
    "RESIZE": True,
    "VERIFY_RESIZE": True,
    "REVERT_RESIZE": True,
    "PAUSED": False,
    "SUSPENDED": False,
    "RESCUE": False,
    "SHUTOFF": False,
    "SHELVED": False,
    "SHELVED_OFFLOADED": False,
    "ERROR": False,
    "SOFT_DELETED": False,
    "DELETED": False,
    "UNKNOWN": False,
}

# A server in ERROR carries a fault; Nova's scheduler writes this one when no host can take the
# server (https://docs.openstack.org/nova/latest/admin/troubleshooting/no-valid-host.html):
# capacity, worth another try later.
CAPACITY_FAULTS = ("No valid host was found",)

# Refusals of POST /servers worth trying again later, by HTTP status, with what was refused.
# Quota: 403 (or 413 "overLimit" before microversion 2.1): https://docs.openstack.org/api-ref/compute/#create-server
# Throttling: 429 with Retry-After (rate limit middleware); 5xx: the service is in trouble.
RETRYABLE_STATUSES: dict[int, str] = {
    429: "too many API requests (throttled)",
    500: "Nova had an internal error",
    502: "Nova is unreachable (bad gateway)",
    503: "Nova is temporarily unavailable",
    504: "Nova did not answer in time",
}
_QUOTA = re.compile(r"quota exceeded", re.IGNORECASE)


# -- the gate's own records ---------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class PartitionRecord:
    """What the gate remembers of a partition between calls (a JSON file in its state directory)."""

    id: str
    flavor: str
    flavor_id: str
    image: str  # image name, as the core asked
    image_id: str  # the Glance image it resolved to
    count: int
    owner: str
    created_at: str
    group_id: str = ""  # its server group
    intent: str = "create"  # create, delete, failed
    state_details: str = ""
    attempts: int = 0  # builds refused so far
    next_attempt_at: float = 0.0  # epoch seconds; no build before this
    job_id: str | None = None  # the one job it runs (single_job)
    deleted_at: float | None = None


def now_iso() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")


# -- site -----------------------------------------------------------------------------------------


def gpus(extra_specs: Mapping[str, str]) -> int:
    """GPUs a flavor's extra_specs give a server: PCI passthrough aliases and virtual GPUs.

    ``pci_passthrough:alias`` is "alias:count[,alias:count...]"
    (https://docs.openstack.org/nova/latest/admin/pci-passthrough.html); ``resources:VGPU`` and
    ``resources:PGPU`` count placement resources (https://docs.openstack.org/nova/latest/admin/virtual-gpu.html).
    """
    count = 0
    for entry in str(extra_specs.get("pci_passthrough:alias", "")).split(","):
        alias, _, number = entry.strip().partition(":")
        if alias:
            count += int(number) if number.strip().isdigit() else 1
    for resource in ("resources:VGPU", "resources:PGPU"):
        value = str(extra_specs.get(resource, "")).strip()
        if value.isdigit():
            count += int(value)
    return count


def gpu_model(extra_specs: Mapping[str, str]) -> str:
    aliases = [e.strip().partition(":")[0] for e in str(extra_specs.get("pci_passthrough:alias", "")).split(",")]
    named = [a for a in aliases if a]
    return named[0] if named else ("vGPU" if extra_specs.get("resources:VGPU") else "")


def flavor(found: Mapping[str, Any], price: float) -> dict[str, Any]:
    """A Nova flavor as a spec Flavor; its disk (root plus ephemeral, GiB) is the job's disk."""
    cpus, mem = int(found["vcpus"]), int(found["ram"])
    count = gpus(found["extra_specs"])
    result: dict[str, Any] = {
        "name": found["name"],
        "cpus": cpus,
        "mem": mem,
        "gpus": count,
        "storage": (int(found["disk"]) + int(found.get("ephemeral", 0))) * 1024,
        "arch": str(found["extra_specs"].get("capabilities:cpu_info:arch", "x86_64")),
        "price": price,
        "resources": [
            {"name": "cpus", "count": cpus},
            {"name": "mem", "count": mem},
            {"name": "gpus", "count": count},
        ],
    }
    if count:
        result["gpu_model"] = gpu_model(found["extra_specs"])
    return result


def image(name: str, found: Mapping[str, Any]) -> dict[str, Any]:
    """A Glance image as a spec Image; the comment carries its ID."""
    return {"name": name, "kind": "glance", "comment": f"{found['id']} {found['name']}".strip()}


def build_refusal(status: int, message: str) -> tuple[bool, str]:
    """(worth retrying, words) for a refused POST /servers."""
    if status in (403, 413) and _QUOTA.search(message):
        return True, f"OpenStack refused: the project's quota is used up ({status}: {message})"
    if status in RETRYABLE_STATUSES:
        return True, f"OpenStack refused: {RETRYABLE_STATUSES[status]} ({status}: {message})"
    return False, f"OpenStack refused: {status}: {message}"


def build_failure(server: Mapping[str, Any]) -> tuple[bool, str]:
    """(worth retrying, words) for a server Nova put in ERROR."""
    message = str(server.get("fault", {}).get("message") or "no fault recorded")
    if any(fault in message for fault in CAPACITY_FAULTS):
        return True, f"OpenStack had no capacity for the server: {message}"
    return False, f"server {server['id']} failed to build: {message}"


def end_reason(server: Mapping[str, Any]) -> str:
    """Why a server is gone, in words."""
    if server["status"] == "ERROR":
        return f"server {server['id']} is in ERROR: {server.get('fault', {}).get('message') or 'no fault recorded'}"
    return f"server {server['id']} is {server['status']}"


# -- partitions -----------------------------------------------------------------------------------


def rank(server: Mapping[str, Any]) -> int:
    value = str(server["metadata"].get(META_NODE, "0"))
    return int(value) if value.isdigit() else 0


def _nodes(servers: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    nodes = []
    for server in sorted(servers, key=rank):
        node = {"name": server["id"], "state": server["status"].lower()}
        if server.get("ip"):
            node["ip"] = server["ip"]
        nodes.append(node)
    return nodes


def partition(record: PartitionRecord, servers: list[dict[str, Any]]) -> dict[str, Any]:
    """A partition as the spec shows it: the gate's intent reconciled with what Nova says."""
    alive = [s for s in servers if SERVER_ALIVE.get(s["status"], False)]
    details = record.state_details
    if record.intent == "delete":
        state = "deleting" if servers else "deleted"
    elif record.intent == "failed":
        state = "failed"
    elif record.job_id is not None and not alive:
        state, details = "deleted", f"its servers powered off after job {record.job_id}"
    elif record.job_id is None and any(s["status"] != "ERROR" and s not in alive for s in servers):
        # A build in ERROR is the gate's to retry or give up on (handlers._step), on its next poll.
        gone = next(s for s in servers if s["status"] != "ERROR" and s not in alive)
        state, details = "failed", f"a server ended before any job ran: {end_reason(gone)}"
    elif record.job_id is None and not record.next_attempt_at and len(servers) < record.count:
        state, details = "failed", f"{record.count - len(servers)} of its servers vanished before any job ran"
    elif len(alive) == record.count and all(s["status"] == "ACTIVE" for s in alive):
        state, details = "ready", f"{record.count} x {record.flavor} active"
    else:
        active = sum(s["status"] == "ACTIVE" for s in alive)
        state = "creating"
        details = details or f"{active} of {record.count} servers active"
    return staged.partition_view(record, state, details, _nodes(servers))


def orphan_partition(partition_id: str, servers: list[dict[str, Any]]) -> dict[str, Any]:
    """A partition the gate has no record of, found only by its metadata or server group (the sweeper's)."""
    body: dict[str, Any] = {
        "id": partition_id,
        "state": "ready",
        "state_details": "found by its skyport-partition metadata or server group; the gate has no record of it",
        "nodes": _nodes(servers),
        "count": len(servers),
        "flavor": servers[0].get("flavor", "") if servers else "",
    }
    owner = servers[0]["metadata"].get(META_OWNER) if servers else None
    if owner:
        body["owner"] = owner
    return body


def partition_ids(servers: Iterable[Mapping[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Servers grouped by their skyport-partition metadata."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for server in servers:
        partition_id = server["metadata"].get(META_PARTITION)
        if partition_id:
            groups.setdefault(partition_id, []).append(dict(server))
    return groups


# -- jobs -------------------------------------------------------------------------------------------


def job(record: JobRecord, reported: Mapping[str, Any], servers: list[dict[str, Any]]) -> dict[str, Any]:
    """A job's state from what its Swift markers say (``skyport_gate_sdk.staged.reported``) and its servers."""
    ranked = sorted(servers, key=rank)[: record.nodes]
    gone = [s for s in ranked if not SERVER_ALIVE.get(s["status"], False)]
    lost = end_reason(gone[0]) if gone else (None if servers else "its servers no longer exist")
    nodes = [(s["id"], s.get("ip")) for s in ranked]
    return staged.job_view(record, reported, nodes, lost, "cancelled; servers deleted")
