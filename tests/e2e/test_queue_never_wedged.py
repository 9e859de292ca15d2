"""No job can wedge the queue: numbers out of range are refused at submit, jobs that can never run end
in E with the reason, and nobody's job stops the others' or their views.

Jobs "an older daemon accepted" are written into the store directly, as such a daemon would have.
"""

from __future__ import annotations

import datetime as dt
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import yaml
from skyport_client import Client
from skyport_client.api.jobs import cancel_job, get_job, job_stdout, submit_job
from skyport_client.errors import ApiError

from skyport import pki
from skyport.core.loop import MAX_ATTEMPTS
from skyport.jobs.record import Job
from skyport.jobs.script import JobRequest
from skyport.store import Store
from skyport.store import jobs as queries
from tests.conftest import Daemon
from tests.e2e.test_jobs import submit, wait_for


@pytest.fixture
def bob(daemon: Daemon) -> Iterator[Client]:
    """A second user of the daemon."""
    folder = pki.issue_user(daemon.home, "bob")
    with Client(daemon.url, ssl_context=daemon.ssl_context(folder / "cert.pem", folder / "key.pem")) as client:
        yield client


@pytest.fixture
def http(daemon: Daemon) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=daemon.url, verify=daemon.ssl_context(), timeout=30) as client:
        yield client


def store_as_an_older_daemon_would(daemon: Daemon, owner: str, request: JobRequest) -> str:
    """Put a queued job straight into the daemon's store; its ID. A daemon reads its active jobs
    from the store when it starts: restart it to have it find the job."""
    job = Job(
        id=str(uuid.uuid4()),
        owner=owner,
        script="#!/bin/sh\necho ran\n",
        request=request,
        submit_time=time.time() - 60,  # older than anything submitted in the test: first in line
    )
    store = Store(f"sqlite:///{daemon.home / 'skyport.db'}")
    try:
        store.call(queries.insert_job, job)
    finally:
        store.close()
    return job.id


def stored(daemon: Daemon, job_id: str) -> Job:
    store = Store(f"sqlite:///{daemon.home / 'skyport.db'}")
    try:
        job = store.call(queries.get_job, job_id)
    finally:
        store.close()
    assert job is not None
    return job


def wait_stored(daemon: Daemon, job_id: str, states: str = "FEC", timeout: float = 60.0) -> Job:
    deadline = time.monotonic() + timeout
    while (job := stored(daemon, job_id)).state.value not in states:
        assert time.monotonic() < deadline, f"{job_id} still {job.state.value}: {job.state_details}"
        time.sleep(0.1)
    return job


def assert_views_answer(http: httpx.Client, job_id: str) -> None:
    for path in ("/user/job", f"/user/job/{job_id}", "/user/timetable"):
        response = http.get(path)
        assert response.status_code == 200, (path, response.text)


@pytest.mark.parametrize("absurd", ["99999999999999999999d", "9" * 320])
def test_an_absurd_time_limit_is_refused_at_submit_while_another_users_job_runs(
    client: Client, bob: Client, absurd: str
) -> None:
    with pytest.raises(ApiError) as refused:
        submit_job.sync(client=bob, script_content=f"#!/bin/sh\n#SWM time {absurd}\ntrue\n".encode())
    assert refused.value.status_code == 400
    assert "line 2" in refused.value.detail and "at most 365 days" in refused.value.detail, refused.value.detail
    job_id = submit(client, "#!/bin/sh\n#SWM time 10m\necho ok\n")
    assert wait_for(client, job_id)["state"] == "F"


@pytest.mark.parametrize(
    ("directive", "words"),
    [
        ("mem 99999999999T", ["'mem'", "1 PiB"]),
        ("cpus 18446744073709551616", ["'cpus'", "from 1 to 100000"]),
        ("nodes 0", ["'nodes'", "from 1 to 100000"]),
        ("max-price nan", ["'max-price'", "finite number >= 0"]),
        ("max-price inf", ["'max-price'", "finite number >= 0"]),
        ("output 'a\\b'", ["'output'", "contains '\\'"]),
        ("output 'a\x00b'", ["'output'", "control character"]),
        ("output " + "x" * 256, ["'output'", "256 bytes"]),
        ("output " + "\N{SNOWMAN}" * 86, ["'output'", "258 bytes"]),
    ],
)
def test_numbers_out_of_range_and_bad_output_names_are_refused_at_submit(
    client: Client, directive: str, words: list[str]
) -> None:
    with pytest.raises(ApiError) as refused:
        submit_job.sync(client=client, script_content=f"#!/bin/sh\n#SWM {directive}\ntrue\n".encode())
    assert refused.value.status_code == 400
    for word in ["line 2", *words]:
        assert word in refused.value.detail, refused.value.detail


def test_jobs_an_older_daemon_accepted_end_in_error_and_stop_nobody(
    daemon: Daemon, client: Client, http: httpx.Client
) -> None:
    doomed = {
        store_as_an_older_daemon_would(daemon, "mallory", JobRequest(time_limit=10**320)): "'time'",
        store_as_an_older_daemon_would(daemon, "mallory", JobRequest(cpus=2**70, mem=2**80)): "'cpus'",
        store_as_an_older_daemon_would(daemon, "mallory", JobRequest(outputs=("a\\b",))): "'output'",
    }
    daemon.stop()
    daemon.start()
    job_id = submit(client, "#!/bin/sh\necho ok\n")
    assert_views_answer(http, job_id)
    assert wait_for(client, job_id)["state"] == "F"
    for doomed_id, word in doomed.items():
        job = wait_stored(daemon, doomed_id)
        assert job.state.value == "E"
        assert "can never start" in job.state_details and word in job.state_details, job.state_details
    assert_views_answer(http, job_id)


def test_a_plan_far_in_the_future_is_shown_not_raised(daemon: Daemon) -> None:
    """With a max_time_limit of 10,000 years a job of 3,000,000 days is accepted, and another user's
    job planned behind it (in the year 10240, were it planned to that job's end) still shows."""
    config = yaml.safe_load((daemon.home / "config.yaml").read_text())
    (daemon.home / "config.yaml").write_text(yaml.safe_dump({**config, "max_time_limit": 10_000 * 365 * 86400}))
    daemon.stop()
    daemon.start()
    folder = pki.issue_user(daemon.home, "bob")
    with (
        Client(daemon.url, ssl_context=daemon.ssl_context()) as alice,
        Client(daemon.url, ssl_context=daemon.ssl_context(folder / "cert.pem", folder / "key.pem")) as bob,
        httpx.Client(base_url=daemon.url, verify=daemon.ssl_context(), timeout=30) as http,
    ):
        long_id = submit(bob, "#!/bin/sh\n#SWM cpus 2\n#SWM time 3000000d\nsleep 600\n")
        wait_for(bob, long_id, "R")
        behind = submit(alice, "#!/bin/sh\n#SWM cpus 2\n#SWM time 1m\necho behind\n")
        deadline = time.monotonic() + 30
        while "planned_start_time" not in (job := get_job.sync(client=alice, job_id=behind).to_dict()):
            assert time.monotonic() < deadline, job
            time.sleep(0.1)
        assert_views_answer(http, behind)
        planned = dt.datetime.fromisoformat(str(job["planned_start_time"]))
        assert planned.year > dt.datetime.now(dt.UTC).year + 50
        cancel_job.sync(client=bob, job_id=long_id)
        assert wait_for(alice, behind)["state"] == "F"


def test_an_empty_input_file_and_a_255_byte_name_are_inputs(client: Client) -> None:
    longest = "n" * 251 + ".txt"
    job_id = submit(
        client,
        f"#!/bin/sh\n#SWM input empty.txt\n#SWM input {longest}\n"
        f"test -f empty.txt && test ! -s empty.txt && echo empty\ncat {longest}\n",
        [("empty.txt", b""), (longest, b"long name\n")],
    )
    job = wait_for(client, job_id)
    assert job["state"] == "F", job["state_details"]
    assert job_stdout.sync(client=client, job_id=job_id) == b"empty\nlong name\n"


@pytest.mark.parametrize("ended", ["E", "C"])
def test_a_job_whose_dependency_ended_in_error_or_cancel_ends_in_error_naming_it(client: Client, ended: str) -> None:
    first = submit(client, "#!/bin/sh\n#SWM time 10m\nsleep 600\n" if ended == "C" else "#!/bin/sh\nexit 3\n")
    after = submit(client, f"#!/bin/sh\n#SWM depends {first}\necho never\n")
    if ended == "C":
        cancel_job.sync(client=client, job_id=first)
    assert wait_for(client, first)["state"] == ended
    job = wait_for(client, after)
    assert job["state"] == "E"
    assert job["state_details"] == f"dependency {first} ended in {ended}; this job can never start"


def test_a_job_whose_input_cannot_be_read_ends_in_error_after_bounded_tries(daemon: Daemon, client: Client) -> None:
    blocker = submit(client, "#!/bin/sh\n#SWM cpus 2\nsleep 2\n")
    wait_for(client, blocker, "R")
    job_id = submit(client, "#!/bin/sh\n#SWM input data.txt\ncat data.txt\n", [("data.txt", b"data\n")])
    (daemon.home / "jobs" / job_id / "inputs" / "data.txt").unlink()  # lost from the daemon's disk
    after = submit(client, "#!/bin/sh\necho after\n")
    job = wait_for(client, job_id)
    assert job["state"] == "E"
    assert "could not start" in str(job["state_details"]) and "data.txt" in str(job["state_details"])
    assert f"tried {MAX_ATTEMPTS} times" in str(job["state_details"])
    assert wait_for(client, after)["state"] == "F"
    log = Path(daemon.log).read_text()
    assert log.count(f"{job_id}: start failed") == MAX_ATTEMPTS - 1, log
