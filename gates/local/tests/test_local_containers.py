"""Jobs in container images on the local site: real podman (Debian's), a busybox image built here.

Each test is what a job in an image can and cannot reach; the store and image come from
tests/containers.py (``podman_store``). The tests run as root, so the job runs as its user's account.
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from local_gate_support import POLL_TIMEOUT, served_gate, wait_for, wait_for_output
from skyport_gate_local import settings
from skyport_gate_sdk.errors import BadRequest

from tests.containers import PodmanStore

OCTET = {"Content-Type": "application/octet-stream"}


@pytest.fixture
def gate(site_settings: dict[str, Any], podman_store: PodmanStore) -> httpx.Client:
    settings = {**site_settings, "users": {"alice": "nobody"}, "podman_options": podman_store.options}
    with served_gate({**settings, "container_runtime": "podman", "host_images": ["ubuntu:*"]}) as client:
        yield client


def run(gate: httpx.Client, job_id: str, script: str, **fields: object) -> tuple[dict[str, Any], str]:
    """Run a job to its end; its final record and its stdout and stderr together."""
    body = {"id": job_id, "partition_id": "p1", "script": script, "owner": "alice", **fields}
    assert (response := gate.post("/jobs", json=body)).status_code == 201, response.text
    job = wait_for(gate, job_id, "finished", "failed")
    return job, gate.get(f"/jobs/{job_id}/stdout").text + gate.get(f"/jobs/{job_id}/stderr").text


def containers(store: PodmanStore) -> str:
    done = subprocess.run(
        ["podman", *store.options, "ps", "--all", "--format", "{{.Names}}"], capture_output=True, check=False
    )
    return done.stdout.decode()


def test_a_job_runs_in_its_image_as_its_users_account_in_its_work_folder(
    gate: httpx.Client, podman_store: PodmanStore
) -> None:
    gate.put("/jobs/j1/inputs/in.txt", content=b"input data", headers=OCTET).raise_for_status()
    script = "#!/bin/sh\ncat /etc/passwd | cut -d: -f1; id -u; cat in.txt; echo; echo $SKYPORT_USER; echo out > o.txt"
    job, output = run(gate, "j1", script, image=podman_store.image, env={"SKYPORT_USER": "alice"}, outputs=["o.txt"])
    assert job["exitcode"] == 0, output
    assert output.split() == ["root", "nobody", "65534", "input", "data", "alice"]
    assert gate.get("/jobs/j1/outputs/o.txt").content == b"out\n"
    assert "skyport-j1" not in containers(podman_store)


def test_a_job_in_an_image_sees_no_other_job_no_home_no_network_and_cannot_write_the_image(
    gate: httpx.Client, podman_store: PodmanStore, state_dir: Path
) -> None:
    gate.put("/jobs/j1/inputs/secret.txt", content=b"alice's data", headers=OCTET).raise_for_status()
    run(gate, "j1", "true")
    other = state_dir / "jobs" / "j1" / "work" / "secret.txt"
    attack = (
        f"cat {other}; ls {state_dir}/jobs; ls /root /usr /etc/skyport; cut -d: -f1 /proc/net/dev; "
        f"echo x > /bin/evil || echo cannot write; nc -w 2 127.0.0.1 {gate.base_url.port} </dev/null || echo no gate"
    )
    _, output = run(gate, "j2", attack, image=podman_store.image)
    assert "alice's data" not in output
    assert f"can't open '{other}': No such file or directory" in output
    assert output.startswith("j2\n")  # of the gate's job folders, its own only
    assert output.count("No such file or directory") == 4
    assert "eth" not in output and "lo\n" in output  # no interface but its own loopback
    assert "cannot write" in output and "no gate" in output  # the gate listens on the host's loopback


def test_cancel_stops_the_job_and_leaves_no_container(gate: httpx.Client, podman_store: PodmanStore) -> None:
    body = {"id": "j1", "partition_id": "p1", "script": "echo started; sleep 600", "image": podman_store.image}
    gate.post("/jobs", json=body).raise_for_status()
    wait_for_output(gate, "j1", b"started\n")
    assert "skyport-j1" in containers(podman_store)
    gate.delete("/jobs/j1").raise_for_status()
    assert wait_for(gate, "j1", "cancelled")["state"] == "cancelled"
    deadline = time.monotonic() + POLL_TIMEOUT
    while "skyport-j1" in containers(podman_store) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert "skyport-j1" not in containers(podman_store)


def test_an_image_the_site_does_not_have_fails_the_job_naming_the_images_it_has(
    gate: httpx.Client, podman_store: PodmanStore
) -> None:
    job, _ = run(gate, "j1", "echo never", image="quay.io/biocontainers/samtools:1.17")
    assert job["state"] == "failed"
    assert "has no image 'quay.io/biocontainers/samtools:1.17'" in job["state_details"]
    assert podman_store.image in job["state_details"]
    images = gate.get("/images").json()
    gate.delete("/jobs/j1/files").raise_for_status()  # it never had a process for the fixture to wait for
    assert {"name": podman_store.image, "kind": "container", "comment": "run with podman"} in images


def test_host_images_still_run_on_the_system_beside_a_runtime(gate: httpx.Client) -> None:
    _, output = run(gate, "j1", "test -d /usr/lib && echo on the host", image="ubuntu:22.04")
    assert output == "on the host\n"


def test_without_a_runtime_an_image_is_400_saying_why(site_settings: dict[str, Any]) -> None:
    with served_gate({**site_settings, "container_runtime": "none"}) as gate:
        body = {"id": "j1", "partition_id": "p1", "script": "true", "image": "busybox"}
        response = gate.post("/jobs", json=body)
        assert gate.get("/images").json() == [
            {"name": "host", "kind": "host", "comment": "jobs run directly on this machine"}
        ]
    assert response.status_code == 400
    assert "cannot run image 'busybox': it has no container runtime" in response.json()["detail"]


def test_a_bad_runtime_setting_is_refused_naming_the_choices(site_settings: dict[str, Any]) -> None:
    with pytest.raises(BadRequest, match="'container_runtime' must be one of podman, none, got 'docker'"):
        settings.load({**site_settings, "container_runtime": "docker"})
