"""Jobs in container images through a real daemon: ``#SWM container-image`` and TES executors' ``image``.

The local site runs images with Debian's podman in the session's store (tests/containers.py: a
busybox image built on this machine, runc, vfs), and ``ubuntu:*`` on the host (``host_images``).
The busybox image has no /usr, so a job that finds none ran in it. Each attack is a job in the
image reaching for what it must not see: another job's folder, the Skyport home, the CA's key.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from skyport_client import Client
from skyport_client.api.jobs import job_stdout

from tests.conftest import PYTHON, TEST_USERS, Daemon, make_home, running_daemon
from tests.containers import PodmanStore
from tests.e2e.test_jobs import submit, wait_for
from tests.e2e.test_tes import TES, wait_for_end

SITE: dict[str, Any] = {"name": "local", "kind": "local"}


@pytest.fixture(scope="module")
def podman_daemon(tmp_path_factory: pytest.TempPathFactory, podman_store: PodmanStore) -> Iterator[Daemon]:
    root = tmp_path_factory.mktemp("containers")
    settings = {"cpus": 2, "mem": 2048, "users": TEST_USERS, "read_only": PYTHON, "host_images": ["ubuntu:*"]}
    settings |= {"container_runtime": "podman", "podman_options": podman_store.options}
    with running_daemon(make_home(root / "home"), root / "daemon.log", sites=[{**SITE, "settings": settings}]) as d:
        yield d


@pytest.fixture
def client(podman_daemon: Daemon) -> Iterator[Client]:
    with Client(podman_daemon.url, ssl_context=podman_daemon.ssl_context()) as client:
        yield client


@pytest.fixture
def tes(podman_daemon: Daemon) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=podman_daemon.url + TES, verify=podman_daemon.ssl_context(), timeout=30) as client:
        yield client


def output(client: Client, job_id: str) -> str:
    return job_stdout.sync(client=client, job_id=job_id).decode()


def test_a_container_image_the_site_has_is_where_the_job_runs(client: Client, podman_store: PodmanStore) -> None:
    job_id = submit(client, f"#!/bin/sh\n#SWM container-image {podman_store.image}\nls /usr || echo no usr\n")
    assert wait_for(client, job_id)["state"] == "F"
    assert output(client, job_id) == "no usr\n"


def test_a_container_image_the_site_lacks_runs_on_its_system_saying_so(client: Client) -> None:
    job_id = submit(client, "#!/bin/sh\n#SWM container-image example.org/absent:1\ntest -d /usr && echo host\n")
    job = wait_for(client, job_id)
    assert (job["state"], output(client, job_id)) == ("F", "host\n")
    assert "container-image example.org/absent:1: the job runs in it on a site whose" in str(job["comment"])


def test_a_job_in_an_image_cannot_reach_other_jobs_the_home_or_the_ca_key(
    client: Client, podman_daemon: Daemon, podman_store: PodmanStore
) -> None:
    secret = submit(client, "#!/bin/sh\necho alice-secret > secret.txt\n#SWM output secret.txt\n")
    assert wait_for(client, secret)["state"] == "F"
    home = podman_daemon.home
    attack = f"cat {home}/ca-key.pem {home}/key.pem {home}/skyport.db; ls {home}; "
    attack += "find / -name secret.txt ! -path '/proc/*' ! -path '/sys/*'"
    job_id = submit(client, f"#!/bin/sh\n#SWM container-image {podman_store.image}\n{attack}\necho done\n")
    assert wait_for(client, job_id)["state"] == "F"
    seen = output(client, job_id)
    # Of the home it sees the empty folders above its own work folder, and nothing else.
    assert seen == "sites\ndone\n"
    assert (home / "ca-key.pem").exists() and (home / "key.pem").exists()


def test_a_tes_executor_runs_in_its_image_with_its_files(tes: httpx.Client, podman_store: PodmanStore) -> None:
    task = {
        "inputs": [{"path": "/data/in.txt", "content": "from the task\n"}],
        "executors": [
            {"image": podman_store.image, "command": ["sh", "-c", "ls /usr || wc -l < /data/in.txt"]},
            {"image": podman_store.image, "command": ["cat", "/data/in.txt"]},
        ],
    }
    created = tes.post("/tasks", json=task)
    assert created.status_code == 200, created.text
    done = wait_for_end(tes, created.json()["id"])
    assert done["state"] == "COMPLETE", done
    assert [entry["stdout"] for entry in done["logs"][0]["logs"]] == ["1\n", "from the task\n"]


def test_a_tes_image_the_site_does_not_have_is_a_system_error_naming_its_images(
    tes: httpx.Client, podman_store: PodmanStore
) -> None:
    created = tes.post("/tasks", json={"executors": [{"image": "example.org/absent:1", "command": ["true"]}]})
    done = wait_for_end(tes, created.json()["id"])
    logs = " ".join(done["logs"][0]["system_logs"])
    assert done["state"] == "SYSTEM_ERROR"
    assert "has no image 'example.org/absent:1'" in logs and podman_store.image in logs
