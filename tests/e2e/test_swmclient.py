"""Sky Port's own Python client (PyPI `swmclient`) works against skyport unchanged."""

from __future__ import annotations

import io
import time

from swmclient.api import SwmApi

from tests.conftest import Daemon


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
