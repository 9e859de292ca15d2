"""EC2 and S3 records to gate-spec models: flavors, images, partitions, jobs, and AWS faults to words.

Foreign words are mapped through the tables below, each citing the AWS page it comes from.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from skyport_gate_sdk import staged
from skyport_gate_sdk.staged import JobRecord

from skyport_gate_aws.ec2 import TAG_NODE, TAG_OWNER, TAG_PARTITION, tag

# EC2 instance states: https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ec2-instance-lifecycle.html
# True for states in which the instance is (or will be) alive and billed; False once it is on its
# way out. "stopped" counts as gone: the bootstrap powers off only when it is done.
INSTANCE_ALIVE: dict[str, bool] = {
    "pending": True,
    "running": True,
    "shutting-down": False,
    "terminated": False,
    "stopping": False,
    "stopped": False,
}

# Why an instance ended, from its StateReason code:
# https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_StateReason.html
STATE_REASONS: dict[str, str] = {
    "Server.SpotInstanceShutdown": "its spot instance was interrupted by AWS (capacity reclaimed)",
    "Server.SpotInstanceTermination": "its spot instance was interrupted by AWS (capacity reclaimed)",
    "Server.InsufficientInstanceCapacity": "AWS had too little capacity to keep the instance",
    "Server.InternalError": "the instance failed in AWS (internal error)",
    "Server.ScheduledStop": "AWS stopped the instance for scheduled maintenance",
    "Client.InstanceInitiatedShutdown": "the instance powered itself off",
    "Client.UserInitiatedShutdown": "the instance was terminated through the EC2 API or console",
    "Client.UserInitiatedHibernate": "the instance was hibernated through the EC2 API or console",
    "Client.VolumeLimitExceeded": "the EBS volume limit was exceeded",
    "Client.InternalError": "the instance failed to start (client error)",
    "Client.InvalidSnapshot.NotFound": "the AMI's snapshot does not exist",
}

# Launch errors worth trying again later (capacity, quota, throttling), with what AWS refused:
# https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html
RETRYABLE_LAUNCH_ERRORS: dict[str, str] = {
    "InsufficientInstanceCapacity": "not enough capacity for this instance type in the availability zone",
    "InsufficientCapacity": "not enough capacity",
    "InsufficientHostCapacity": "not enough dedicated host capacity",
    "InstanceLimitExceeded": "the account's instance quota is used up",
    "VcpuLimitExceeded": "the account's vCPU quota for this instance family is used up",
    "MaxSpotInstanceCountExceeded": "the account's spot instance quota is used up",
    "SpotMaxPriceTooLow": "the spot price is above the maximum price",
    "RequestLimitExceeded": "too many EC2 API requests (throttled)",
    "Throttling": "too many EC2 API requests (throttled)",
    "ThrottlingException": "too many EC2 API requests (throttled)",
    "Unavailable": "EC2 is temporarily unavailable",
    "InternalError": "EC2 had an internal error",
}


# -- the gate's own records ---------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class PartitionRecord:
    """What the gate remembers of a partition between calls (a JSON file in its state directory)."""

    id: str
    flavor: str
    image: str  # image name, as the core asked
    image_id: str  # the AMI it resolved to
    count: int
    owner: str
    spot: bool
    created_at: str
    intent: str = "create"  # create, delete, failed
    state_details: str = ""
    attempts: int = 0  # launch attempts refused so far
    next_attempt_at: float = 0.0  # epoch seconds; no launch before this
    job_id: str | None = None  # the one job it runs (single_job)
    deleted_at: float | None = None


def now_iso() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")


# -- site -----------------------------------------------------------------------------------------


def flavor(instance_type: Mapping[str, Any], price: float, root_volume: int | None = None) -> dict[str, Any]:
    """A describe_instance_types record as a spec Flavor; its disk is the ``root_volume`` GiB the gate asks
    for (jobs run on the root volume), none known when it leaves the AMI's size."""
    cpus = int(instance_type["VCpuInfo"]["DefaultVCpus"])
    mem = int(instance_type["MemoryInfo"]["SizeInMiB"])
    gpu_list = instance_type.get("GpuInfo", {}).get("Gpus", [])
    gpus = sum(int(g.get("Count", 0)) for g in gpu_list)
    arch = instance_type["ProcessorInfo"]["SupportedArchitectures"][0]
    result: dict[str, Any] = {
        "name": instance_type["InstanceType"],
        "cpus": cpus,
        "mem": mem,
        "gpus": gpus,
        "storage": (root_volume or 0) * 1024,
        "arch": arch,
        "price": price,
        "resources": [
            {"name": "cpus", "count": cpus},
            {"name": "mem", "count": mem},
            {"name": "gpus", "count": gpus},
        ],
    }
    if gpu_list:
        result["gpu_model"] = " ".join(filter(None, (gpu_list[0].get("Manufacturer"), gpu_list[0].get("Name"))))
    return result


def image(name: str, image_id: str, description: str = "") -> dict[str, Any]:
    """An AMI as a spec Image; the comment carries its ID."""
    return {"name": name, "kind": "ami", "comment": f"{image_id} {description}".strip()}


def launch_refusal(code: str | None, message: str) -> tuple[bool, str]:
    """(worth retrying, words) for an error run_instances raised."""
    if code in RETRYABLE_LAUNCH_ERRORS:
        return True, f"AWS refused: {RETRYABLE_LAUNCH_ERRORS[code]} ({code}: {message})"
    return False, f"AWS refused: {code or 'error'}: {message}"


def end_reason(instance: Mapping[str, Any]) -> str:
    """Why an instance is gone, in words, with AWS's own code."""
    code = instance.get("StateReason", {}).get("Code", "")
    words = STATE_REASONS.get(code, instance.get("StateReason", {}).get("Message") or "it ended")
    return f"{words} ({code})" if code else words


# -- partitions -----------------------------------------------------------------------------------


def _nodes(instances: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    nodes = []
    for instance in sorted(instances, key=lambda i: int(tag(i, TAG_NODE) or 0)):
        node = {"name": instance["InstanceId"], "state": instance["State"]["Name"]}
        if instance.get("PrivateIpAddress"):
            node["ip"] = instance["PrivateIpAddress"]
        nodes.append(node)
    return nodes


def partition(record: PartitionRecord, instances: list[dict[str, Any]]) -> dict[str, Any]:
    """A partition as the spec shows it: the gate's intent reconciled with what EC2 says."""
    alive = [i for i in instances if INSTANCE_ALIVE.get(i["State"]["Name"], False)]
    gone = [i for i in instances if not INSTANCE_ALIVE.get(i["State"]["Name"], False)]
    details = record.state_details
    if record.intent == "delete":
        state = "deleting" if alive else "deleted"
    elif record.intent == "failed":
        state = "failed"
    elif gone and record.job_id is not None and not alive:
        state, details = "deleted", f"its instances powered off after job {record.job_id}"
    elif gone and record.job_id is None:
        state, details = "failed", f"instance {gone[0]['InstanceId']} ended before any job ran: {end_reason(gone[0])}"
    elif len(alive) == record.count and all(i["State"]["Name"] == "running" for i in alive):
        state, details = "ready", f"{record.count} x {record.flavor} running"
    else:
        running = sum(i["State"]["Name"] == "running" for i in alive)
        state = "creating"
        details = details or f"{running} of {record.count} instances running"
    return staged.partition_view(record, state, details, _nodes(instances))


def orphan_partition(partition_id: str, instances: list[dict[str, Any]]) -> dict[str, Any]:
    """A partition the gate has no record of, found only by its tags (see handlers.list_partitions)."""
    alive = any(INSTANCE_ALIVE.get(i["State"]["Name"], False) for i in instances)
    body: dict[str, Any] = {
        "id": partition_id,
        "state": "ready" if alive else "deleted",
        "state_details": "found by its skyport:partition tag; the gate has no record of creating it",
        "nodes": _nodes(instances),
        "count": len(instances),
    }
    first = instances[0]
    body["flavor"] = first.get("InstanceType", "")
    if tag(first, TAG_OWNER):
        body["owner"] = tag(first, TAG_OWNER)
    return body


def partition_ids(instances: Iterable[Mapping[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Instances grouped by their skyport:partition tag."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for instance in instances:
        partition_id = tag(instance, TAG_PARTITION)
        if partition_id:
            groups.setdefault(partition_id, []).append(dict(instance))
    return groups


# -- jobs -------------------------------------------------------------------------------------------


def job(record: JobRecord, reported: Mapping[str, Any], instances: list[dict[str, Any]]) -> dict[str, Any]:
    """A job's state from what its S3 markers say (``skyport_gate_sdk.staged.reported``) and its instances.

    ``instances`` are those of its partition, described before the markers were read, so an
    instance that uploaded its exit status and powered off reads as finished.
    """
    ranked = sorted(instances, key=lambda i: int(tag(i, TAG_NODE) or 0))[: record.nodes]
    gone = [i for i in ranked if not INSTANCE_ALIVE.get(i["State"]["Name"], False)]
    lost = end_reason(gone[0]) if gone else (None if instances else "its instances no longer exist")
    nodes = [(i["InstanceId"], i.get("PrivateIpAddress")) for i in ranked]
    return staged.job_view(record, reported, nodes, lost, "cancelled; instances terminated")
