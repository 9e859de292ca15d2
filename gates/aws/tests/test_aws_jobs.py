"""The aws gate runs jobs on EC2 instances against a real moto server.

The ``instance_player`` fixture (conftest.py) plays each launched instance: it reads the
instance's user-data and runs it on this machine against moto's S3, so these tests run the very
bootstrap script and job bundle a real instance would, only the machine is this one.
"""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest

pytestmark = pytest.mark.aws

WAIT = 60.0


@pytest.fixture
def gate(aws_gate: httpx.Client) -> httpx.Client:
    return aws_gate


def wait_for(gate: httpx.Client, path: str, states: tuple[str, ...]) -> dict[str, Any]:
    deadline = time.monotonic() + WAIT
    while True:
        body: dict[str, Any] = gate.get(path).json()
        if body["state"] in states or time.monotonic() > deadline:
            return body
        time.sleep(0.1)


def ready_partition(gate: httpx.Client, partition_id: str = "p1", **extra: Any) -> dict[str, Any]:
    created = gate.post("/partitions", json={"id": partition_id, "flavor": "t3.micro", "count": 1, **extra})
    assert created.status_code == 201, created.text
    return wait_for(gate, f"/partitions/{partition_id}", ("ready", "failed"))


def test_job_with_an_input_file_gives_its_output_back_byte_for_byte(gate: httpx.Client) -> None:
    assert ready_partition(gate, owner="alice")["state"] == "ready"
    data = bytes(range(256)) * 40
    assert gate.put("/jobs/j1/inputs/in.bin", content=data).json() == {"name": "in.bin", "size": 10240, "kind": "input"}
    script = '#!/bin/sh\ncat in.bin > out.bin\necho "done $GREETING"\necho oops >&2\n'
    started = gate.post(
        "/jobs",
        json={"id": "j1", "partition_id": "p1", "script": script, "env": {"GREETING": "hi"}, "outputs": ["out.bin"]},
    )
    assert started.status_code == 201, started.text

    job = wait_for(gate, "/jobs/j1", ("finished", "failed", "cancelled"))

    assert (job["state"], job.get("exitcode")) == ("finished", 0), job
    assert gate.get("/jobs/j1/outputs").json() == [{"name": "out.bin", "size": 10240, "kind": "output"}]
    assert gate.get("/jobs/j1/outputs/out.bin").content == data
    assert gate.get("/jobs/j1/stdout").content == b"done hi\n"
    assert gate.get("/jobs/j1/stderr").content == b"oops\n"


def test_job_script_without_shebang_runs_with_sh_and_reports_its_exit_status(gate: httpx.Client) -> None:
    ready_partition(gate)
    gate.post("/jobs", json={"id": "j1", "partition_id": "p1", "script": "echo $SKYPORT_JOB_ID\nexit 3\n"})

    job = wait_for(gate, "/jobs/j1", ("finished", "failed", "cancelled"))

    assert (job["state"], job["exitcode"]) == ("finished", 3)
    assert gate.get("/jobs/j1/stdout", params={"offset": 1}).content == b"1\n"


def test_job_record_has_start_and_end_times_for_its_cost(gate: httpx.Client) -> None:
    ready_partition(gate)
    gate.post("/jobs", json={"id": "j1", "partition_id": "p1", "script": "true"})

    job = wait_for(gate, "/jobs/j1", ("finished",))

    assert job["started_at"] <= job["ended_at"]
    assert job["node_names"][0].startswith("i-")


def test_starting_the_same_job_twice_answers_200_and_starts_nothing_more(gate: httpx.Client) -> None:
    ready_partition(gate)
    body = {"id": "j1", "partition_id": "p1", "script": "true"}
    assert gate.post("/jobs", json=body).status_code == 201

    again = gate.post("/jobs", json=body)

    assert again.status_code == 200
    assert [j["id"] for j in gate.get("/jobs").json()] == ["j1"]


def test_a_partition_runs_one_job_only(gate: httpx.Client) -> None:
    ready_partition(gate)
    gate.post("/jobs", json={"id": "j1", "partition_id": "p1", "script": "sleep 30"})

    second = gate.post("/jobs", json={"id": "j2", "partition_id": "p1", "script": "true"})

    assert second.status_code == 409
    assert "already ran job j1" in second.json()["detail"]


def test_cancel_terminates_the_instance_and_reports_cancelled(gate: httpx.Client) -> None:
    partition = ready_partition(gate)
    gate.post("/jobs", json={"id": "j1", "partition_id": "p1", "script": "sleep 60"})
    wait_for(gate, "/jobs/j1", ("running",))

    cancelled = gate.delete("/jobs/j1")

    assert cancelled.json()["state"] == "cancelled"
    assert wait_for(gate, "/partitions/p1", ("deleted",))["state"] == "deleted"
    assert partition["nodes"][0]["name"] in [n["name"] for n in gate.get("/partitions/p1").json()["nodes"]]


def test_cancelling_an_ended_job_keeps_its_final_state(gate: httpx.Client) -> None:
    ready_partition(gate)
    gate.post("/jobs", json={"id": "j1", "partition_id": "p1", "script": "true"})
    wait_for(gate, "/jobs/j1", ("finished",))

    assert gate.delete("/jobs/j1").json()["state"] == "finished"


def test_instance_that_vanishes_mid_job_fails_the_job_saying_why(gate: httpx.Client, instance_player: Any) -> None:
    partition = ready_partition(gate)
    gate.post("/jobs", json={"id": "j1", "partition_id": "p1", "script": "sleep 60"})
    wait_for(gate, "/jobs/j1", ("running",))
    instance_player.ec2.terminate_instances(InstanceIds=[partition["nodes"][0]["name"]])

    job = wait_for(gate, "/jobs/j1", ("failed",))

    assert job["state"] == "failed"
    assert "lost before it reported an exit status" in job["state_details"]


def test_delete_job_files_forgets_the_job_and_its_s3_prefix(gate: httpx.Client, aws_s3: Any) -> None:
    ready_partition(gate)
    gate.put("/jobs/j1/inputs/a.txt", content=b"a")
    gate.post("/jobs", json={"id": "j1", "partition_id": "p1", "script": "true"})
    wait_for(gate, "/jobs/j1", ("finished",))

    assert gate.delete("/jobs/j1/files").status_code == 204
    assert gate.delete("/jobs/j1/files").status_code == 204

    assert gate.get("/jobs/j1").status_code == 404
    listing = aws_s3.list_objects_v2(Bucket="skyport-test", Prefix="skyport/aws/jobs/")
    assert listing.get("Contents", []) == []


def test_job_past_its_time_limit_fails_saying_so(gate: httpx.Client) -> None:
    ready_partition(gate)
    gate.post("/jobs", json={"id": "j1", "partition_id": "p1", "script": "sleep 30", "time_limit": 1})

    job = wait_for(gate, "/jobs/j1", ("finished", "failed"))

    assert (job["state"], job["state_details"]) == ("failed", "killed: time limit of 1 s exceeded")


def test_the_instance_powers_off_after_its_job(gate: httpx.Client) -> None:
    ready_partition(gate)
    gate.post("/jobs", json={"id": "j1", "partition_id": "p1", "script": "true"})
    wait_for(gate, "/jobs/j1", ("finished",))

    partition = wait_for(gate, "/partitions/p1", ("deleted",))

    assert partition["state"] == "deleted"
    assert {n["state"] for n in partition["nodes"]} == {"terminated"}
