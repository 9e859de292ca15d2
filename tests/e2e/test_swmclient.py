"""Sky Port's own Python client (PyPI `swmclient`) and job scripts work against skyport unchanged."""

from __future__ import annotations

import io
import time

import pytest
from skyport_client import Client
from skyport_client.api.jobs import cancel_job, get_job, job_stdout
from swmclient.api import SwmApi

from tests.conftest import Daemon
from tests.e2e.test_cli import skyport
from tests.e2e.test_jobs import submit, wait_for
from tests.unit.test_script import REFERENCE, SWMJUPYTER_SHAPE


def _wait(api: SwmApi, job_id: str, states: str) -> str:
    deadline = time.monotonic() + 60
    while (state := str(api.get_job(job_id).state.value)) not in states:
        assert time.monotonic() < deadline, f"job {job_id} stuck in {state}"
        time.sleep(0.1)
    return state


def test_swmclient_submits_lists_shows_cancels_requeues_and_reads_stdout(daemon: Daemon) -> None:
    home = daemon.home
    api = SwmApi(daemon.url, str(home / "key.pem"), str(home / "cert.pem"), str(home / "ca.pem"))

    submitted = api.submit_job(io.BytesIO(b"#!/bin/sh\n#SWM name compat\necho hello from $SWM_JOBID\n"))
    job_id = submitted.payload.read().decode()
    assert [job.id for job in api.get_jobs()] == [job_id]
    assert _wait(api, job_id, "F") == "F"
    job = api.get_job(job_id)
    assert job.name == "compat"
    assert api.get_job_stdout(job_id).payload.read() == f"hello from {job_id}\n".encode()

    sleeper = api.submit_job(io.BytesIO(b"#!/bin/sh\nsleep 300\n")).payload.read().decode()
    _wait(api, sleeper, "R")
    assert b"cancelled" in api.cancel_job(sleeper)
    assert _wait(api, sleeper, "C") == "C"

    deadline = time.monotonic() + 30
    while b"requeued" not in (answer := api.requeue_job(job_id)):
        assert time.monotonic() < deadline, answer
        time.sleep(0.1)
    assert _wait(api, job_id, "F") == "F"
    assert {f.name for f in api.get_flavors()} == {"local"}
    assert [r.name for r in api.get_remote_sites()] == ["local"]


def test_a_script_in_the_shape_sky_port_s_jupyterhub_spawner_writes_runs(daemon: Daemon, client: Client) -> None:
    """Every directive swmjupyter writes is accepted; the container image is not used, and the job says why."""
    home = daemon.home
    api = SwmApi(daemon.url, str(home / "key.pem"), str(home / "cert.pem"), str(home / "ca.pem"))
    skyport(daemon, "account", "add", "openstack", "--member", "alice")  # the account the script charges
    job_id = api.submit_job(io.BytesIO(SWMJUPYTER_SHAPE.encode())).payload.read().decode()
    assert _wait(api, job_id, "FEC") == "F"
    assert api.get_job_stdout(job_id).payload.read() == b"Start single user jupyter server\n"
    comment = get_job.sync(client=client, job_id=job_id).comment
    assert (
        "container-image registry.example.org/jupyter/pytorch-notebook:cuda12-hub-5.2.1: the job runs in it" in comment
    )


@pytest.mark.skipif(not REFERENCE.is_dir(), reason="Sky Port's reference scripts (../shared/reference) are absent")
def test_sky_port_s_example_scripts_run(client: Client) -> None:
    quick = submit(client, (REFERENCE / "example-quick.job").read_text())
    assert wait_for(client, quick)["state"] == "F"
    assert job_stdout.sync(client=client, job_id=quick) == f"Hello from simple job {quick}\n".encode()

    transfer = submit(client, (REFERENCE / "example-transfer.job").read_text(), [("input.dat", b"a\nb\n")])
    wait_for(client, transfer, "R")  # it counts to 120 for two minutes; seeing it start is enough
    deadline = time.monotonic() + 30
    while b"Hello from transfer job" not in job_stdout.sync(client=client, job_id=transfer):
        assert time.monotonic() < deadline
        time.sleep(0.1)
    cancel_job.sync(client=client, job_id=transfer)
    assert wait_for(client, transfer)["state"] == "C"
