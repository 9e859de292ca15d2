"""The openstack gate runs jobs on Nova servers, files through Swift temp URLs, against the stand-in cloud.

Real: openstacksdk, the gate, and the user-data and job bundle each server runs: the stand-in
(openstack_support.py) runs them with ``sh`` on this machine against its Swift, as a server boots
them. Stand-in: the OpenStack services, in their published request/response shapes.
"""

from __future__ import annotations

from typing import Any

import httpx

from gates.openstack.tests.openstack_support import PASSWORD, StandIn, serving
from tests.served_gates import wait_for

ENDED = ("finished", "failed", "cancelled")


def ready_partition(gate: httpx.Client, partition_id: str = "p1", count: int = 1) -> dict[str, Any]:
    created = gate.post("/partitions", json={"id": partition_id, "flavor": "m1.small", "count": count})
    assert created.status_code == 201, created.text
    return wait_for(gate, f"/partitions/{partition_id}", ("ready", "failed"))


def test_job_with_an_input_file_gives_its_output_back_byte_for_byte(openstack_gate: httpx.Client) -> None:
    assert ready_partition(openstack_gate)["state"] == "ready"
    data = bytes(range(256)) * 40
    uploaded = openstack_gate.put("/jobs/j1/inputs/in.bin", content=data).json()
    assert uploaded == {"name": "in.bin", "size": 10240, "kind": "input"}
    script = '#!/bin/sh\ncat in.bin > out.bin\necho "done $GREETING"\necho oops >&2\n'
    body = {"id": "j1", "partition_id": "p1", "script": script, "env": {"GREETING": "hi"}, "outputs": ["out.bin"]}
    assert openstack_gate.post("/jobs", json=body).status_code == 201

    job = wait_for(openstack_gate, "/jobs/j1", ENDED)

    assert (job["state"], job.get("exitcode")) == ("finished", 0), job
    assert job["started_at"] <= job["ended_at"]
    assert openstack_gate.get("/jobs/j1/outputs").json() == [{"name": "out.bin", "size": 10240, "kind": "output"}]
    assert openstack_gate.get("/jobs/j1/outputs/out.bin").content == data
    assert openstack_gate.get("/jobs/j1/stdout").content == b"done hi\n"
    assert openstack_gate.get("/jobs/j1/stderr").content == b"oops\n"
    assert openstack_gate.get("/jobs/j1/stdout", params={"offset": 5}).content == b"hi\n"


def test_a_two_node_job_runs_on_both_servers(openstack_gate: httpx.Client) -> None:
    ready_partition(openstack_gate, count=2)
    script = 'echo "$SKYPORT_NODE_RANK of $SKYPORT_NODE_COUNT"\nexit 3\n'
    openstack_gate.post("/jobs", json={"id": "j1", "partition_id": "p1", "script": script, "nodes": 2})

    job = wait_for(openstack_gate, "/jobs/j1", ENDED)

    assert (job["state"], job["exitcode"], len(job["node_names"])) == ("finished", 3, 2)
    assert openstack_gate.get("/jobs/j1/stdout").content == b"0 of 2\n"


def test_the_servers_are_deleted_once_they_power_off_after_the_job(
    openstack_gate: httpx.Client, stand_in: StandIn
) -> None:
    ready_partition(openstack_gate)
    openstack_gate.post("/jobs", json={"id": "j1", "partition_id": "p1", "script": "true"})
    wait_for(openstack_gate, "/jobs/j1", ("finished",))

    partition = wait_for(openstack_gate, "/partitions/p1", ("deleted",))

    assert "powered off after job j1" in partition["state_details"]
    assert stand_in.servers == {} and stand_in.server_groups == {}


def test_cancel_deletes_the_servers_and_reports_cancelled(openstack_gate: httpx.Client, stand_in: StandIn) -> None:
    ready_partition(openstack_gate)
    openstack_gate.post("/jobs", json={"id": "j1", "partition_id": "p1", "script": "sleep 60"})
    wait_for(openstack_gate, "/jobs/j1", ("running",))

    cancelled = openstack_gate.delete("/jobs/j1").json()

    assert cancelled["state"] == "cancelled"
    assert stand_in.servers == {}


def test_a_server_that_vanishes_mid_job_fails_the_job_saying_why(
    openstack_gate: httpx.Client, stand_in: StandIn
) -> None:
    ready_partition(openstack_gate)
    openstack_gate.post("/jobs", json={"id": "j1", "partition_id": "p1", "script": "sleep 60"})
    wait_for(openstack_gate, "/jobs/j1", ("running",))
    with stand_in.lock:
        (server,) = stand_in.servers.values()
        server.update(status="ERROR", fault={"code": 500, "message": "hypervisor lost"})

    job = wait_for(openstack_gate, "/jobs/j1", ENDED)

    assert job["state"] == "failed"
    assert "lost before it reported an exit status" in job["state_details"]
    assert "hypervisor lost" in job["state_details"]


def test_job_past_its_time_limit_fails_saying_so(openstack_gate: httpx.Client) -> None:
    ready_partition(openstack_gate)
    openstack_gate.post("/jobs", json={"id": "j1", "partition_id": "p1", "script": "sleep 30", "time_limit": 1})

    job = wait_for(openstack_gate, "/jobs/j1", ENDED)

    assert (job["state"], job["state_details"]) == ("failed", "killed: time limit of 1 s exceeded")


def test_delete_job_files_forgets_the_job_and_its_objects(openstack_gate: httpx.Client, stand_in: StandIn) -> None:
    ready_partition(openstack_gate)
    openstack_gate.put("/jobs/j1/inputs/a.txt", content=b"a")
    openstack_gate.post("/jobs", json={"id": "j1", "partition_id": "p1", "script": "true"})
    wait_for(openstack_gate, "/jobs/j1", ("finished",))

    assert openstack_gate.delete("/jobs/j1/files").status_code == 204

    assert openstack_gate.get("/jobs/j1").status_code == 404
    assert not [name for name in stand_in.containers["skyport"]["objects"] if "/jobs/j1/" in name]


def test_no_credential_reaches_a_server_or_the_gate_api(openstack_gate: httpx.Client, stand_in: StandIn) -> None:
    """The password and the Keystone tokens stay in the gate: not in user-data, bundles, objects or answers."""
    ready_partition(openstack_gate)
    openstack_gate.post("/jobs", json={"id": "j1", "partition_id": "p1", "script": "env; echo done"})
    wait_for(openstack_gate, "/jobs/j1", ENDED)
    answers = [openstack_gate.get(path).text for path in ("/site", "/partitions", "/jobs", "/jobs/j1/stdout")]

    secrets = [PASSWORD, *stand_in.tokens]
    assert stand_in.tokens
    seen = [*stand_in.user_data.values(), *answers]
    seen += [o["data"].decode(errors="replace") for c in stand_in.containers.values() for o in c["objects"].values()]
    assert not [text for text in seen for secret in secrets if secret in text]
    assert "done" in answers[-1]


def test_a_partition_whose_job_ended_no_longer_counts_toward_max_nodes(openstack_gate_settings: dict[str, Any]) -> None:
    """Found by the conformance kit run against one served gate: ended partitions the core had not
    deleted yet held max_nodes, and every later create_partition was a 409."""
    with serving({**openstack_gate_settings, "max_nodes": 1}) as gate:
        ready_partition(gate)
        gate.post("/jobs", json={"id": "j1", "partition_id": "p1", "script": "true"})
        wait_for(gate, "/partitions/p1", ("deleted",))

        again = gate.post("/partitions", json={"id": "p2", "flavor": "m1.small", "count": 1})

        assert again.status_code == 201, again.text
        assert gate.post("/partitions", json={"id": "p3", "flavor": "m1.small", "count": 1}).status_code == 409
