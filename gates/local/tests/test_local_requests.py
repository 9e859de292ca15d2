"""Bad requests to the local gate: each is a 4xx problem+json that says why, and changes nothing."""

from __future__ import annotations

from pathlib import Path

import httpx

PROBLEM = "application/problem+json"


def assert_problem(response: httpx.Response, status: int) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["detail"]


def test_start_on_an_unknown_partition_is_404_and_starts_nothing(gate: httpx.Client) -> None:
    response = gate.post("/jobs", json={"id": "j1", "partition_id": "nope", "script": "true"})
    assert_problem(response, 404)
    assert gate.get("/jobs").json() == []


def test_start_on_a_deleted_partition_is_409_and_starts_nothing(gate: httpx.Client) -> None:
    gate.delete("/partitions/p1").raise_for_status()
    response = gate.post("/jobs", json={"id": "j1", "partition_id": "p1", "script": "true"})
    assert_problem(response, 409)
    assert gate.get("/jobs").json() == []


def test_a_file_name_with_a_directory_is_refused_and_nothing_is_written(gate: httpx.Client, state_dir: Path) -> None:
    response = gate.put(
        "/jobs/j1/inputs/..%2Fescape", content=b"x", headers={"Content-Type": "application/octet-stream"}
    )
    assert 400 <= response.status_code < 500
    assert not list(state_dir.rglob("escape"))


def test_a_dot_dot_file_name_is_400(gate: httpx.Client) -> None:
    response = gate.put("/jobs/j1/inputs/..", content=b"x", headers={"Content-Type": "application/octet-stream"})
    assert 400 <= response.status_code < 500


def test_upload_after_start_is_409(gate: httpx.Client) -> None:
    gate.post("/jobs", json={"id": "j1", "partition_id": "p1", "script": "true"}).raise_for_status()
    response = gate.put("/jobs/j1/inputs/late.txt", content=b"x", headers={"Content-Type": "application/octet-stream"})
    assert_problem(response, 409)


def test_an_unknown_flavor_is_400_and_creates_no_partition(gate: httpx.Client) -> None:
    response = gate.post("/partitions", json={"id": "p2", "flavor": "huge", "count": 1})
    assert_problem(response, 400)
    assert gate.get("/partitions/p2").status_code == 404


def test_a_partition_of_two_nodes_is_400(gate: httpx.Client) -> None:
    assert_problem(gate.post("/partitions", json={"id": "p2", "flavor": "local", "count": 2}), 400)


def test_a_job_asking_more_cpus_than_the_site_has_is_400(gate: httpx.Client) -> None:
    response = gate.post("/jobs", json={"id": "j1", "partition_id": "p1", "script": "true", "cpus": 3})
    assert_problem(response, 400)
    assert gate.get("/jobs").json() == []


def test_a_job_id_outside_the_id_pattern_is_400(gate: httpx.Client) -> None:
    response = gate.post("/jobs", json={"id": "a b", "partition_id": "p1", "script": "true"})
    assert_problem(response, 400)


def test_outputs_of_a_running_job_are_409(gate: httpx.Client) -> None:
    gate.post("/jobs", json={"id": "j1", "partition_id": "p1", "script": "exec sleep 60"}).raise_for_status()
    assert_problem(gate.get("/jobs/j1/outputs"), 409)


def test_an_undeclared_output_is_404(gate: httpx.Client) -> None:
    gate.post("/jobs", json={"id": "j1", "partition_id": "p1", "script": "echo x > secret"}).raise_for_status()
    gate.delete("/jobs/j1")  # ended either way
    assert_problem(gate.get("/jobs/j1/outputs/secret"), 404)


def test_a_job_asking_more_disk_than_free_where_jobs_run_is_400_saying_how_much_there_is(gate: httpx.Client) -> None:
    """Without a `storage` setting the flavor offers the disk free in the gate's folder, and start checks it."""
    (flavor,) = gate.get("/flavors").json()
    free = flavor["storage"]
    assert free > 0
    response = gate.post("/jobs", json={"id": "j1", "partition_id": "p1", "script": "true", "storage": free * 4})
    assert_problem(response, 400)
    assert f"asks for {free * 4} MiB of disk; site" in response.json()["detail"]
    assert gate.get("/jobs").json() == []
