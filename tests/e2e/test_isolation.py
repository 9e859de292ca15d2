"""A job of the local site against the daemon that runs it: each test is an attack a job (or its user) tries.

Real daemon over mutual TLS, real bubblewrap (installed by the tests when missing), real
processes. The tests run as root, so the home's local site maps alice and bob to Unix accounts
(tests/conftest.py TEST_USERS).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from skyport_client import Client
from skyport_client.api.jobs import cancel_job, job_stderr, job_stdout
from skyport_client.errors import ApiError

from skyport import pki
from tests.conftest import Daemon, running_daemon
from tests.e2e.test_cli import skyport
from tests.e2e.test_jobs import submit, wait_for


def output(client: Client, job_id: str) -> str:
    """What a job wrote, stdout then stderr."""
    return (job_stdout.sync(client=client, job_id=job_id) + job_stderr.sync(client=client, job_id=job_id)).decode()


@pytest.fixture
def bob(daemon: Daemon) -> Iterator[Client]:
    """A second user of the daemon, with a certificate of their own."""
    folder = pki.issue_user(daemon.home, "bob")
    with Client(daemon.url, ssl_context=daemon.ssl_context(folder / "cert.pem", folder / "key.pem")) as client:
        yield client


def test_a_job_cannot_read_the_ca_key_of_the_daemons_home(daemon: Daemon, client: Client) -> None:
    job_id = submit(client, f"#!/bin/sh\ncat {daemon.home / pki.CA_KEY}\n")
    assert wait_for(client, job_id)["state"] == "E"
    assert output(client, job_id) == f"cat: {daemon.home / pki.CA_KEY}: No such file or directory\n"


def test_a_job_of_bob_cannot_read_the_files_of_alices_job(daemon: Daemon, client: Client, bob: Client) -> None:
    alices = submit(client, "#!/bin/sh\n#SWM input secret.txt\nsleep 30\n", [("secret.txt", b"alice's secret")])
    wait_for(client, alices, "R")
    jobs = daemon.home / "gates" / "local" / "jobs"
    script = f"#!/bin/sh\ncat {jobs}/*/work/secret.txt\nfind {daemon.home} -name secret.txt\n"
    bobs = submit(bob, script)
    wait_for(bob, bobs)
    assert "alice's secret" not in output(bob, bobs)
    assert list(daemon.home.rglob("secret.txt"))  # the file is there; the job just cannot see it
    cancel_job.sync(client=client, job_id=alices)
    assert wait_for(client, alices)["state"] == "C"


def test_a_job_cannot_read_the_daemons_environment(home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "the-daemon-s-cloud-secret")
    with running_daemon(home, tmp_path / "daemon.log") as daemon:
        with Client(daemon.url, ssl_context=daemon.ssl_context()) as client:
            job_id = submit(client, "#!/bin/sh\nenv\ncat /proc/1/environ\n")
            assert wait_for(client, job_id)["state"] in "FE"
            text = output(client, job_id)
    assert "the-daemon-s-cloud-secret" not in text
    assert f"SKYPORT_JOB_ID={job_id}" in text and "SKYPORT_USER=alice" in text


@pytest.mark.skipif(os.geteuid() != 0, reason="only a daemon running as root maps users to Unix accounts")
def test_a_user_with_no_unix_account_is_refused_at_submit_naming_the_fix(daemon: Daemon) -> None:
    folder = pki.issue_user(daemon.home, "carol")
    with Client(daemon.url, ssl_context=daemon.ssl_context(folder / "cert.pem", folder / "key.pem")) as carol:
        with pytest.raises(ApiError) as refused:
            submit(carol, "#!/bin/sh\ntrue\n")
    assert refused.value.status_code == 400
    assert "users:" in refused.value.detail and "create Unix user 'carol'" in refused.value.detail


@pytest.mark.skipif(os.geteuid() != 0, reason="only a daemon running as root maps users to Unix accounts")
def test_jobs_run_as_the_unix_account_their_user_maps_to(client: Client, bob: Client) -> None:
    alices, bobs = submit(client, "#!/bin/sh\nid -un\n"), submit(bob, "#!/bin/sh\nid -un\n")
    wait_for(client, alices), wait_for(bob, bobs)
    assert (output(client, alices), output(bob, bobs)) == ("nobody\n", "daemon\n")


def test_skyport_remotes_says_how_the_local_site_isolates_jobs(daemon: Daemon, client: Client) -> None:
    wait_for(client, submit(client, "#!/bin/sh\ntrue\n"))  # the site has answered by then
    assert "bubblewrap" in skyport(daemon, "remotes").stdout
    (local,) = json.loads(skyport(daemon, "--json", "remotes").stdout)
    assert local["isolation"]["sandbox"] == "bubblewrap"
    assert local["isolation"]["limits"] in ("cgroup-v2", "cgroup-v1", "rlimits")
