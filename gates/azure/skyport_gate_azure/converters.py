"""ARM and Blob Storage records to gate-spec models: flavors, images, partitions, jobs, and Azure faults to words.

Foreign words are mapped through the tables below, each citing the Azure page it comes from.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Mapping
from typing import Any

from skyport_gate_sdk import staged
from skyport_gate_sdk.staged import JobRecord

from skyport_gate_azure.arm import Refusal, capabilities
from skyport_gate_azure.settings import Image

# A VM's power states (its instance view's PowerState/<state> status):
# https://learn.microsoft.com/azure/virtual-machines/states-billing
# True while the VM is (or will be) up; False once it is on its way down. "stopped" still bills
# compute: the gate deletes the partition's group once its job is over.
POWER_ALIVE: dict[str, bool] = {
    "": True,  # no instance view yet: the VM is being created
    "starting": True,
    "running": True,
    "stopping": False,
    "stopped": False,
    "deallocating": False,
    "deallocated": False,
}

POWER_WORDS: dict[str, str] = {
    "stopping": "the VM is powering off",
    "stopped": "the VM powered off",
    "deallocating": "the VM is being deallocated",
    "deallocated": "the VM was deallocated",
}

# Refusals worth trying again later (capacity, quota, throttling), with what Azure refused:
# https://learn.microsoft.com/troubleshoot/azure/virtual-machines/windows/allocation-failure,
# https://learn.microsoft.com/azure/azure-resource-manager/troubleshooting/error-sku-not-available,
# https://learn.microsoft.com/azure/quotas/quickstart-increase-quota-portal,
# https://learn.microsoft.com/azure/azure-resource-manager/management/request-limits-and-throttling
RETRYABLE: dict[str, str] = {
    "QuotaExceeded": "the subscription's vCPU quota is used up",
    "OperationNotAllowed": "Azure did not allow the VM (a vCPU quota is used up)",
    "SkuNotAvailable": "the VM size is not available to the subscription in this location now",
    "AllocationFailed": "Azure had too little capacity for this VM size in the region",
    "ZonalAllocationFailed": "Azure had too little capacity for this VM size in the zone",
    "OverconstrainedAllocationRequest": "Azure had no capacity that meets the VM's constraints",
    "TooManyRequests": "too many ARM requests (throttled)",
    "HTTP 429": "too many ARM requests (throttled)",
    "InternalServerError": "ARM had an internal error",
    "HTTP 500": "ARM had an internal error",
    "HTTP 503": "ARM is temporarily unavailable",
}

# Resource SKU architectures (capability CpuArchitectureType) to the spec's words.
ARCHITECTURES = {"x64": "x86_64", "Arm64": "arm64"}


# -- the gate's own records ---------------------------------------------------------------------

# What create_partition does, in order; a partition's record names the last step it started.
STEPS = ("group", "nsg", "vnet", "nics", "vms", "running")
STEP_WORDS = {
    "group": "creating its resource group",
    "nsg": "creating its network security group",
    "vnet": "creating its virtual network",
    "nics": "creating its network interfaces",
    "vms": "creating its virtual machines",
}


@dataclasses.dataclass(frozen=True)
class PartitionRecord:
    """What the gate remembers of a partition between calls (a JSON file in its state directory)."""

    id: str
    flavor: str
    image: str  # image name, as the core asked
    count: int
    owner: str
    spot: bool
    created_at: str
    intent: str = "create"  # create, delete, failed
    step: str = ""  # the last of STEPS started; "" before the first
    operations: Mapping[str, str] = dataclasses.field(default_factory=dict)  # name -> URL of a running operation
    delete_operation: str | None = None  # URL of the group's deletion while it runs
    state_details: str = ""
    attempts: int = 0  # refusals so far
    next_attempt_at: float = 0.0  # epoch seconds; the refused step is not started again before this
    job_id: str | None = None  # the one job it runs (single_job)
    deleted_at: float | None = None


def now_iso() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")


# -- site -----------------------------------------------------------------------------------------


def flavor(sku: Any, price: float, os_disk: int | None = None) -> dict[str, Any]:
    """A virtualMachines resource SKU as a spec Flavor; its disk is the ``os_disk`` GiB the gate asks
    for (jobs run on the OS disk), none known when it leaves the image's size."""
    caps = capabilities(sku)
    cpus = int(caps.get("vCPUs", "0"))
    mem = int(float(caps.get("MemoryGB", "0")) * 1024)
    gpus = int(caps.get("GPUs", "0"))
    return {
        "name": sku.name,
        "cpus": cpus,
        "mem": mem,
        "gpus": gpus,
        "storage": (os_disk or 0) * 1024,
        "arch": ARCHITECTURES.get(caps.get("CpuArchitectureType", "x64"), "x86_64"),
        "price": price,
        "resources": [
            {"name": "cpus", "count": cpus},
            {"name": "mem", "count": mem},
            {"name": "gpus", "count": gpus},
        ],
    }


def image(name: str, configured: Image) -> dict[str, Any]:
    """A configured image as a spec Image; the comment carries its URN or resource ID."""
    kind = "gallery" if configured.id else "marketplace"
    return {"name": name, "kind": kind, "comment": configured.describe()}


def refusal_words(refusal: Refusal) -> tuple[bool, str]:
    """(worth retrying, words) for what ARM refused."""
    if refusal.code in RETRYABLE:
        return True, f"Azure refused: {RETRYABLE[refusal.code]} ({refusal.code}: {refusal.message})"
    return False, f"Azure refused: {refusal.code}: {refusal.message}"


# -- partitions -----------------------------------------------------------------------------------


def _nodes(vms: list[dict[str, Any]]) -> list[dict[str, Any]]:
    nodes = []
    for vm in vms:
        node = {"name": vm["name"], "state": vm["power"] or vm["provisioning"].lower() or "creating"}
        if vm["ip"]:
            node["ip"] = vm["ip"]
        nodes.append(node)
    return nodes


def alive(vm: Mapping[str, Any]) -> bool:
    return POWER_ALIVE.get(vm["power"], False) and vm["provisioning"] != "Failed"


def gone(vm: Mapping[str, Any]) -> str:
    """Why a VM is down, in words."""
    if vm["provisioning"] == "Failed":
        return f"its VM {vm['name']} failed: {vm['failure'] or 'provisioning failed'}"
    return f"{POWER_WORDS.get(vm['power'], 'the VM is down')} ({vm['name']})"


def partition(record: PartitionRecord, vms: list[dict[str, Any]]) -> dict[str, Any]:
    """A partition as the spec shows it: the gate's intent reconciled with what ARM says."""
    details = record.state_details
    running = sum(vm["power"] == "running" for vm in vms)
    if record.intent == "delete":
        state = "deleting" if record.delete_operation else "deleted"
    elif record.intent == "failed":
        state = "failed"
    elif record.step != "running":
        state = "creating"
        if not details:
            details = STEP_WORDS.get(record.step, "creating")
            if record.step == "vms":
                details += f" ({running} of {record.count} running)"
    elif running == record.count and len(vms) == record.count:
        state, details = "ready", f"{record.count} x {record.flavor} running"
    else:
        state, details = "creating", f"{running} of {record.count} virtual machines running"
    return staged.partition_view(record, state, details, _nodes(vms))


def orphan_partition(partition_id: str, tags: Mapping[str, str], vms: list[dict[str, Any]]) -> dict[str, Any]:
    """A partition the gate has no record of, found only by its group's tags (see handlers.list_partitions)."""
    deleting = tags.get("provisioningState") == "Deleting"
    body: dict[str, Any] = {
        "id": partition_id,
        "state": "deleting" if deleting else "ready",
        "state_details": "found by its skyport-partition tag; the gate has no record of creating it",
        "nodes": _nodes(vms),
        "count": len(vms),
        "flavor": vms[0]["size"] if vms else "",
    }
    if tags.get("skyport-owner"):
        body["owner"] = tags["skyport-owner"]
    return body


# -- jobs -------------------------------------------------------------------------------------------


def job(record: JobRecord, reported: Mapping[str, Any], vms: list[dict[str, Any]]) -> dict[str, Any]:
    """A job's state from what its blob markers say (``skyport_gate_sdk.staged.reported``) and its VMs.

    ``vms`` are those of its partition, listed before the markers were read, so a VM that put its
    exit status and powered off reads as finished.
    """
    ours = vms[: record.nodes]
    down = [vm for vm in ours if not alive(vm)]
    lost = gone(down[0]) if down else (None if vms else "its VMs no longer exist")
    nodes = [(vm["name"], vm["ip"]) for vm in ours]
    return staged.job_view(record, reported, nodes, lost, "cancelled; its resource group was deleted")
