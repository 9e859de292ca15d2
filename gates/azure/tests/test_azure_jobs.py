"""The azure gate runs jobs on VMs: ARM is the stand-in of azure_support.py, Blob Storage is Azurite.

The ``vm_player`` fixture plays each VM: it runs the VM's custom data on this machine, so these
tests run the very bootstrap script and job bundle a real VM would, fetching and putting blobs in
Azurite through the SAS URLs the gate gave it; only the machine is this one.
"""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from gates.azure.tests.azure_support import CONTAINER, ArmStandIn, blob_service
from tests.served_gates import wait_for

pytestmark = pytest.mark.azure


def ready_partition(gate: httpx.Client, partition_id: str = "p1") -> dict[str, Any]:
    created = gate.post("/partitions", json={"id": partition_id, "flavor": "Standard_B1s", "count": 1})
    assert created.status_code == 201, created.text
    return wait_for(gate, f"/partitions/{partition_id}", ("ready", "failed"))


def test_job_with_an_input_file_gives_its_output_back_and_its_vms_are_deleted_after(
    azure_gate: httpx.Client, arm: ArmStandIn
) -> None:
    assert ready_partition(azure_gate)["state"] == "ready"
    data = bytes(range(256)) * 40
    assert azure_gate.put("/jobs/j1/inputs/in.bin", content=data).json()["size"] == 10240
    script = '#!/bin/sh\ncat in.bin > out.bin\necho "done $GREETING"\necho oops >&2\n'
    body = {"id": "j1", "partition_id": "p1", "script": script, "env": {"GREETING": "hi"}, "outputs": ["out.bin"]}
    assert azure_gate.post("/jobs", json=body).status_code == 201

    job = wait_for(azure_gate, "/jobs/j1", ("finished", "failed", "cancelled"))

    assert (job["state"], job.get("exitcode")) == ("finished", 0), job
    assert job["started_at"] <= job["ended_at"] and job["node_names"] == ["node-0"]
    assert azure_gate.get("/jobs/j1/outputs").json() == [{"name": "out.bin", "size": 10240, "kind": "output"}]
    assert azure_gate.get("/jobs/j1/outputs/out.bin").content == data
    assert azure_gate.get("/jobs/j1/stdout").content == b"done hi\n"
    assert azure_gate.get("/jobs/j1/stderr").content == b"oops\n"
    # The VM powered itself off; a stopped VM still bills, so the gate deletes its group.
    assert wait_for(azure_gate, "/partitions/p1", ("deleted",))["state"] == "deleted"
    assert arm.group_tags() == {}


def test_a_jobs_sas_urls_open_its_own_blobs_and_no_other_jobs(
    azure_gate: httpx.Client, azure_gate_settings: dict[str, Any]
) -> None:
    """The attack: job j1's node edits its SAS URLs to read and overwrite job j2's blobs."""
    ready_partition(azure_gate)
    azure_gate.put("/jobs/j1/inputs/mine.txt", content=b"mine")
    azure_gate.put("/jobs/j2/inputs/secret.txt", content=b"secret")
    azure_gate.post("/jobs", json={"id": "j1", "partition_id": "p1", "script": "sleep 30", "outputs": ["o.txt"]})
    wait_for(azure_gate, "/jobs/j1", ("running",))
    container = blob_service(azure_gate_settings["storage_url"]).get_container_client(CONTAINER)
    bundle = container.download_blob(f"{azure_gate_settings['prefix']}azure/partitions/p1/node-0.sh").readall().decode()
    read = re.search(r"get mine\.txt '([^']+)'", bundle)
    write = re.search(r"output 0 o\.txt '([^']+)'", bundle)
    assert read and write, bundle

    assert httpx.get(read.group(1)).content == b"mine"
    other = read.group(1).replace("jobs/j1/inputs/mine.txt", "jobs/j2/inputs/secret.txt")
    assert httpx.get(other).status_code == 403
    overwrite = write.group(1).replace("jobs/j1/outputs/o.txt", "jobs/j2/inputs/secret.txt")
    headers = {"x-ms-blob-type": "BlockBlob"}
    assert httpx.put(overwrite, content=b"forged", headers=headers).status_code == 403
    assert httpx.get(read.group(1).replace("sp=r", "sp=rw")).status_code == 403  # widening it breaks its signature
    assert container.download_blob(f"{azure_gate_settings['prefix']}azure/jobs/j2/inputs/secret.txt").readall() == (
        b"secret"
    )


def test_cancel_deletes_the_vms_and_reports_cancelled(azure_gate: httpx.Client, arm: ArmStandIn) -> None:
    ready_partition(azure_gate)
    azure_gate.post("/jobs", json={"id": "j1", "partition_id": "p1", "script": "sleep 60"})
    wait_for(azure_gate, "/jobs/j1", ("running",))

    cancelled = azure_gate.delete("/jobs/j1").json()

    assert cancelled["state"] == "cancelled"
    assert wait_for(azure_gate, "/partitions/p1", ("deleted",))["state"] == "deleted"
    assert arm.group_tags() == {}


def test_a_partition_runs_one_job_only(azure_gate: httpx.Client) -> None:
    ready_partition(azure_gate)
    azure_gate.post("/jobs", json={"id": "j1", "partition_id": "p1", "script": "sleep 30"})

    second = azure_gate.post("/jobs", json={"id": "j2", "partition_id": "p1", "script": "true"})

    assert second.status_code == 409
    assert "already ran job j1" in second.json()["detail"]


def test_job_past_its_time_limit_fails_saying_so(azure_gate: httpx.Client) -> None:
    ready_partition(azure_gate)
    azure_gate.post("/jobs", json={"id": "j1", "partition_id": "p1", "script": "sleep 30", "time_limit": 1})

    job = wait_for(azure_gate, "/jobs/j1", ("finished", "failed"))

    assert (job["state"], job["state_details"]) == ("failed", "killed: time limit of 1 s exceeded")


def test_a_vm_that_vanishes_mid_job_fails_the_job_saying_why(azure_gate: httpx.Client, arm: ArmStandIn) -> None:
    ready_partition(azure_gate)
    azure_gate.post("/jobs", json={"id": "j1", "partition_id": "p1", "script": "sleep 60"})
    wait_for(azure_gate, "/jobs/j1", ("running",))
    with arm.lock:
        next(iter(arm.vms.values())).power = "deallocated"  # as an eviction or an operator would

    job = wait_for(azure_gate, "/jobs/j1", ("failed",))

    assert "lost before it reported an exit status: the VM was deallocated (node-0)" in job["state_details"]


def test_delete_job_files_forgets_the_job_and_its_blobs(
    azure_gate: httpx.Client, azure_gate_settings: dict[str, Any]
) -> None:
    ready_partition(azure_gate)
    azure_gate.put("/jobs/j1/inputs/a.txt", content=b"a")
    azure_gate.post("/jobs", json={"id": "j1", "partition_id": "p1", "script": "true"})
    wait_for(azure_gate, "/jobs/j1", ("finished",))

    assert azure_gate.delete("/jobs/j1/files").status_code == 204

    assert azure_gate.get("/jobs/j1").status_code == 404
    container = blob_service(azure_gate_settings["storage_url"]).get_container_client(CONTAINER)
    assert list(container.list_blobs(name_starts_with=f"{azure_gate_settings['prefix']}azure/jobs/")) == []
