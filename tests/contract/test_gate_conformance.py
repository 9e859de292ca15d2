"""What every gate must do, checked the same way on each built-in gate through its HTTP API only.

The ``gate`` fixture is parametrised over ``GATES``: each entry names a fixture that yields a
:class:`GateUnderTest` (a client of a served gate, plus the flavor a partition of one node uses).
Adding a gate is one line in ``GATES``. Scripts are POSIX sh, so any gate that runs scripts on a
Unix node can pass. IDs are fresh per test, so a gate may be shared by the whole module.
"""

from __future__ import annotations

import dataclasses
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import yaml

from skyport import pki

STARTUP_TIMEOUT = 30.0
PROBLEM = "application/problem+json"
OCTET = {"Content-Type": "application/octet-stream"}


@dataclasses.dataclass(frozen=True)
class GateUnderTest:
    """A served gate and what a test needs to use it."""

    client: httpx.Client
    flavor: str  # a flavor of the site for partitions of one node
    image: str | None = None  # the image to ask for; None takes the site's default
    timeout: float = 30.0  # seconds a partition may take to become ready, or a trivial job to end


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def local_gate(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GateUnderTest]:
    """The local gate as an operator runs it: `skyport gate local`, its own process, over mutual TLS."""
    root = tmp_path_factory.mktemp("local-gate")
    home = root / "home"
    pki.init_authority(home, "alice")
    config = root / "gate.yaml"
    config.write_text(yaml.safe_dump({"name": "local", "cpus": 2, "mem": 1024, "kill_grace": 1}))
    port = free_port()
    with (root / "gate.log").open("wb") as log:
        argv = [sys.executable, "-m", "skyport", "--home", str(home), "gate", "local", "--config", str(config)]
        process = subprocess.Popen([*argv, "--port", str(port)], stdout=log, stderr=subprocess.STDOUT)
    client = httpx.Client(base_url=f"https://127.0.0.1:{port}", verify=pki.client_context(home), timeout=30)
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while True:
            try:
                client.get("/site").raise_for_status()
                break
            except httpx.TransportError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        f"skyport gate local did not start:\n{(root / 'gate.log').read_text()}"
                    ) from None
                time.sleep(0.05)
        yield GateUnderTest(client, flavor="local")
        for partition in client.get("/partitions").json():
            client.delete(f"/partitions/{partition['id']}")  # cancels whatever a test left running
    finally:
        client.close()
        process.terminate()
        process.wait(10)


@pytest.fixture
def aws_gate_under_test(aws_gate: httpx.Client) -> GateUnderTest:
    """The aws gate on a moto server; the instance player (gates/aws/tests/aws_support.py) runs its instances."""
    return GateUnderTest(aws_gate, flavor="t3.micro")


GATES = [
    pytest.param("local_gate", id="local"),
    pytest.param("aws_gate_under_test", id="aws", marks=pytest.mark.aws),
]


@pytest.fixture(params=GATES)
def gate(request: pytest.FixtureRequest) -> GateUnderTest:
    """Each built-in gate in turn."""
    under_test: GateUnderTest = request.getfixturevalue(request.param)
    return under_test


def fresh_id(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def poll(gate: GateUnderTest, path: str, done: Any) -> dict[str, Any]:
    """GET ``path`` until ``done(body)``; fail with the last body after the gate's timeout."""
    deadline = time.monotonic() + gate.timeout
    while True:
        body: dict[str, Any] = gate.client.get(path).raise_for_status().json()
        if done(body):
            return body
        if time.monotonic() > deadline:
            raise AssertionError(f"{path} never got there: {body}")
        time.sleep(0.05)


def ready_partition(gate: GateUnderTest) -> str:
    partition_id = fresh_id("p")
    request: dict[str, Any] = {"id": partition_id, "flavor": gate.flavor, "count": 1}
    if gate.image:
        request["image"] = gate.image
    gate.client.post("/partitions", json=request).raise_for_status()
    poll(gate, f"/partitions/{partition_id}", lambda p: p["state"] in ("ready", "failed"))
    return partition_id


def start_job(gate: GateUnderTest, script: str, **fields: Any) -> str:
    job_id = fresh_id("j")
    body = {"id": job_id, "partition_id": ready_partition(gate), "script": script, **fields}
    response = gate.client.post("/jobs", json=body)
    assert response.status_code == 201, response.text
    return job_id


def ended(gate: GateUnderTest, job_id: str) -> dict[str, Any]:
    return poll(gate, f"/jobs/{job_id}", lambda j: j["state"] in ("finished", "failed", "cancelled"))


def assert_problem(response: httpx.Response, status: int) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    problem = response.json()
    assert problem["status"] == status
    assert problem["title"]
    assert problem["detail"]


def test_site_names_its_kind_and_offers_flavors_and_images(gate: GateUnderTest) -> None:
    site = gate.client.get("/site").json()
    assert site["kind"] and site["name"]
    assert gate.flavor in {f["name"] for f in gate.client.get("/flavors").json()}
    assert gate.client.get("/images").json()


def test_creating_a_partition_is_201_then_200_with_the_same_partition(gate: GateUnderTest) -> None:
    request = {"id": fresh_id("p"), "flavor": gate.flavor, "count": 1}
    first = gate.client.post("/partitions", json=request)
    again = gate.client.post("/partitions", json=request)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"] == request["id"]
    assert request["id"] in {p["id"] for p in gate.client.get("/partitions").json()}


def test_a_partition_becomes_ready(gate: GateUnderTest) -> None:
    partition_id = ready_partition(gate)
    assert gate.client.get(f"/partitions/{partition_id}").json()["state"] == "ready"


def test_a_job_runs_to_finished_with_its_exit_code_and_stdout(gate: GateUnderTest) -> None:
    job_id = start_job(gate, "echo hello from $SKYPORT_JOB_ID")
    job = ended(gate, job_id)
    assert (job["state"], job["exitcode"]) == ("finished", 0)
    assert gate.client.get(f"/jobs/{job_id}/stdout").content == f"hello from {job_id}\n".encode()


def test_a_failing_script_is_finished_with_its_nonzero_exit_code(gate: GateUnderTest) -> None:
    job = ended(gate, start_job(gate, "exit 3"))
    assert (job["state"], job["exitcode"]) == ("finished", 3)


def test_starting_a_job_twice_is_200_the_second_time(gate: GateUnderTest) -> None:
    job_id = start_job(gate, "true")
    body = gate.client.get(f"/jobs/{job_id}").json()
    again = gate.client.post("/jobs", json={"id": job_id, "partition_id": body["partition_id"], "script": "true"})
    assert again.status_code == 200
    assert again.json()["id"] == job_id


def test_inputs_go_in_and_declared_outputs_come_back_byte_for_byte(gate: GateUnderTest) -> None:
    job_id = fresh_id("j")
    data = bytes(range(256)) * 64
    gate.client.put(f"/jobs/{job_id}/inputs/in.bin", content=data, headers=OCTET).raise_for_status()
    body = {
        "id": job_id,
        "partition_id": ready_partition(gate),
        "script": "cat in.bin in.bin > out.bin",
        "outputs": ["out.bin", "missing.bin"],
    }
    gate.client.post("/jobs", json=body).raise_for_status()
    assert ended(gate, job_id)["state"] == "finished"
    assert [o["name"] for o in gate.client.get(f"/jobs/{job_id}/outputs").json()] == ["out.bin"]
    assert gate.client.get(f"/jobs/{job_id}/outputs/out.bin").content == data + data


def test_cancel_ends_a_running_job_as_cancelled(gate: GateUnderTest) -> None:
    job_id = start_job(gate, "sleep 300")
    poll(gate, f"/jobs/{job_id}", lambda j: j["state"] == "running")
    assert gate.client.delete(f"/jobs/{job_id}").status_code == 200
    assert ended(gate, job_id)["state"] == "cancelled"


def test_cancelling_an_ended_job_changes_nothing(gate: GateUnderTest) -> None:
    job_id = start_job(gate, "exit 5")
    before = ended(gate, job_id)
    after = gate.client.delete(f"/jobs/{job_id}")
    assert after.status_code == 200
    assert (after.json()["state"], after.json()["exitcode"]) == (before["state"], 5)


def test_list_jobs_shows_the_jobs_of_a_partition(gate: GateUnderTest) -> None:
    job_id = start_job(gate, "true")
    partition_id = gate.client.get(f"/jobs/{job_id}").json()["partition_id"]
    listed = gate.client.get("/jobs", params={"partition_id": partition_id}).json()
    assert [j["id"] for j in listed] == [job_id]


def test_deleting_a_partition_twice_is_fine(gate: GateUnderTest) -> None:
    partition_id = ready_partition(gate)
    first = gate.client.delete(f"/partitions/{partition_id}")
    second = gate.client.delete(f"/partitions/{partition_id}")
    assert (first.status_code, second.status_code) == (200, 200)
    assert second.json()["state"] in ("deleting", "deleted")


def test_deleting_an_unknown_partition_answers_deleted(gate: GateUnderTest) -> None:
    response = gate.client.delete(f"/partitions/{fresh_id('p')}")
    assert (response.status_code, response.json()["state"]) == (200, "deleted")


def test_deleting_job_files_twice_is_fine_and_forgets_the_job(gate: GateUnderTest) -> None:
    job_id = start_job(gate, "true")
    ended(gate, job_id)
    assert gate.client.delete(f"/jobs/{job_id}/files").status_code == 204
    assert gate.client.delete(f"/jobs/{job_id}/files").status_code == 204
    assert_problem(gate.client.get(f"/jobs/{job_id}"), 404)


@pytest.mark.parametrize(
    "path", ["/partitions/{id}", "/jobs/{id}", "/jobs/{id}/stdout", "/jobs/{id}/stderr", "/jobs/{id}/outputs"]
)
def test_unknown_ids_are_404_problem_json(gate: GateUnderTest, path: str) -> None:
    assert_problem(gate.client.get(path.format(id=fresh_id("x"))), 404)


def test_starting_on_an_unknown_partition_is_404_problem_json(gate: GateUnderTest) -> None:
    body = {"id": fresh_id("j"), "partition_id": fresh_id("p"), "script": "true"}
    assert_problem(gate.client.post("/jobs", json=body), 404)
    assert_problem(gate.client.get(f"/jobs/{body['id']}"), 404)


def test_a_malformed_request_is_400_problem_json(gate: GateUnderTest) -> None:
    assert_problem(gate.client.post("/partitions", json={"id": "no spaces allowed", "flavor": gate.flavor}), 400)
