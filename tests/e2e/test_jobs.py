"""A job's life through a real daemon over HTTPS with mutual TLS, with the local gate."""

from __future__ import annotations

import getpass
import os
import time
from pathlib import Path

import httpx
import pytest
from skyport_client import Client
from skyport_client.api.jobs import (
    cancel_job,
    download_job_file,
    get_job,
    job_stdout,
    list_job_files,
    list_jobs,
    modify_job,
    submit_job,
)
from skyport_client.errors import ApiError

from skyport import pki
from tests.conftest import Daemon
from tests.processes import marked_sleep, sleeping

TIMEOUT = 60.0


def submit(client: Client, script: str, inputs: list[tuple[str, bytes]] | None = None) -> str:
    return submit_job.sync(client=client, script_content=script.encode(), input_files=inputs or []).decode()


def wait_for(client: Client, job_id: str, states: str = "FEC", timeout: float = TIMEOUT) -> dict[str, object]:
    deadline = time.monotonic() + timeout
    while True:
        job = get_job.sync(client=client, job_id=job_id).to_dict()
        if job["state"] in states:
            return job
        if time.monotonic() > deadline:
            raise AssertionError(f"job {job_id} still {job['state']} ({job.get('state_details')}) after {timeout} s")
        time.sleep(0.05)


def test_job_reads_an_input_file_and_its_result_comes_back_byte_for_byte(client: Client) -> None:
    payload = bytes(range(256)) * 1000 + b"\x00tail"
    job_id = submit(
        client,
        "#!/bin/sh\n#SWM name reverse\n#SWM input data.bin\n#SWM output result.bin\n"
        "echo started $SWM_JOBID\nrev < /dev/null\ncat data.bin data.bin > result.bin\n",
        [("data.bin", payload)],
    )
    job = wait_for(client, job_id)
    assert job["state"] == "F", job
    assert job["exitcode"] == 0
    assert job_stdout.sync(client=client, job_id=job_id) == f"started {job_id}\n".encode()
    names = {f.name: f.size for f in list_job_files.sync(client=client, job_id=job_id)}
    assert names == {"data.bin": len(payload), "result.bin": 2 * len(payload)}
    assert download_job_file.sync(client=client, job_id=job_id, name="result.bin") == payload * 2


def test_failing_job_ends_in_E_with_its_exit_code(client: Client) -> None:
    job = wait_for(client, submit(client, "#!/bin/sh\necho oops >&2\nexit 3\n"))
    assert job["state"] == "E"
    assert job["exitcode"] == 3
    assert "3" in str(job["state_details"])


def test_cancel_of_a_running_job_kills_its_processes(client: Client) -> None:
    detached, child = marked_sleep(), marked_sleep()
    job_id = submit(client, f"#!/bin/sh\nsetsid sleep {detached} &\nsleep {child} &\necho started\nwait\n")
    wait_for(client, job_id, "R")
    deadline = time.monotonic() + TIMEOUT
    while not job_stdout.sync(client=client, job_id=job_id):
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert {detached, child} <= sleeping()
    cancel_job.sync(client=client, job_id=job_id)
    assert wait_for(client, job_id)["state"] == "C"
    deadline = time.monotonic() + 10
    while sleeping() & {detached, child}:
        assert time.monotonic() < deadline, "a process of the job survived the cancel"
        time.sleep(0.05)


def test_requeue_runs_an_ended_job_again(client: Client) -> None:
    job_id = submit(client, "#!/bin/sh\necho run\n")
    assert wait_for(client, job_id)["state"] == "F"
    deadline = time.monotonic() + TIMEOUT
    while True:  # the gate forgets the first run right after it ended
        try:
            modify_job.sync(client=client, job_id=job_id, modification="requeue")
            break
        except ApiError as exc:
            assert exc.status_code == 409 and time.monotonic() < deadline, exc
            time.sleep(0.1)
    assert wait_for(client, job_id)["state"] == "F"
    assert job_stdout.sync(client=client, job_id=job_id) == b"run\n"


def test_daemon_killed_mid_run_and_restarted_loses_no_job(daemon: Daemon, client: Client) -> None:
    # Each job appends to a file of its own work folder (all a sandboxed job may write): a second run appends again.
    script = "#!/bin/sh\n#SWM output runs.txt\nsleep 1\necho {} >> runs.txt\n"
    ids = [submit(client, script.format(i)) for i in range(6)]
    wait_for(client, ids[0], "R")
    daemon.kill()
    daemon.start()
    with Client(daemon.url, ssl_context=daemon.ssl_context()) as fresh:
        jobs = [wait_for(fresh, job_id) for job_id in ids]
        runs = [download_job_file.sync(client=fresh, job_id=job_id, name="runs.txt") for job_id in ids]
    assert [job["state"] for job in jobs] == ["F"] * 6, [job.get("state_details") for job in jobs]
    assert runs == [f"{i}\n".encode() for i in range(6)], "a job ran twice or not at all"


def test_a_second_user_cannot_see_the_first_users_jobs(daemon: Daemon, client: Client) -> None:
    from skyport import pki

    job_id = submit(client, "#!/bin/sh\ntrue\n")
    folder = pki.issue_user(daemon.home, "bob")
    context = daemon.ssl_context(folder / "cert.pem", folder / "key.pem")
    with Client(daemon.url, ssl_context=context) as bob:
        assert list_jobs.sync(client=bob) == []
        with pytest.raises(ApiError) as seen:
            get_job.sync(client=bob, job_id=job_id)
        assert seen.value.status_code == 404
        with pytest.raises(ApiError) as cancelled:
            cancel_job.sync(client=bob, job_id=job_id)
        assert cancelled.value.status_code == 404
    assert [job.id for job in list_jobs.sync(client=client)] == [job_id]


def test_job_environment_names_the_job(client: Client) -> None:
    job_id = submit(client, "#!/bin/sh\necho $SWM_JOBID $SKYPORT_USER\n")
    wait_for(client, job_id)
    assert job_stdout.sync(client=client, job_id=job_id).split() == [job_id.encode(), b"alice"]
    assert os.environ.get("SWM_JOBID") is None


def test_the_daemons_owner_submits_a_script_by_path_and_others_may_not(daemon: Daemon, tmp_path: Path) -> None:
    """Sky Port's ``POST /user/job?path=``: a script (and absolute inputs) on the daemon's own host."""
    data = tmp_path / "data.txt"
    data.write_text("from the host\n")
    script = tmp_path / "on-host.sh"
    script.write_text(f"#!/bin/sh\n#SWM input {data}\ncat data.txt\n")
    with Client(daemon.url, ssl_context=daemon.ssl_context()) as client:  # alice, for whom the home was made
        job_id = submit_job.sync(client=client, path=str(script)).decode()
        assert wait_for(client, job_id)["state"] == "F"
        assert job_stdout.sync(client=client, job_id=job_id) == b"from the host\n"
        with pytest.raises(ApiError) as missing:
            submit_job.sync(client=client, path=str(tmp_path / "nowhere.sh"))
        assert missing.value.status_code == 400 and "no job script at" in missing.value.detail
    login = pki.issue_user(daemon.home, getpass.getuser())  # the login running the daemon is no owner
    with (
        Client(daemon.url, ssl_context=daemon.ssl_context(login / "cert.pem", login / "key.pem")) as other,
        pytest.raises(ApiError) as refused,
    ):
        submit_job.sync(client=other, path=str(script))
    assert refused.value.status_code == 403 and "only the daemon's owner" in refused.value.detail


def test_the_listing_comes_a_page_at_a_time_newest_first_with_a_link_to_the_next(
    daemon: Daemon, client: Client
) -> None:
    blocker = submit(client, "#!/bin/sh\nsleep 300\n")
    wait_for(client, blocker, "R")
    ids = [submit(client, f"#!/bin/sh\n#SWM depends {blocker}\ntrue\n") for _ in range(4)]
    whole = [job.id for job in list_jobs.sync(client=client)]
    assert whole == [*reversed(ids), blocker]
    paged: list[str] = []
    with httpx.Client(base_url=daemon.url, verify=daemon.ssl_context()) as http:
        url = "/user/job?limit=2"
        while True:
            answer = http.get(url)
            assert answer.status_code == 200, answer.text
            paged += [job["id"] for job in answer.json()]
            if "next" not in answer.links:
                break
            url = answer.links["next"]["url"]
        assert paged == whole
        queued = http.get("/user/job", params={"state": "Q,W", "limit": 3}).links["next"]["url"]
        assert "state=Q,W" in queued and [job["id"] for job in http.get(queued).json()] == [ids[0]]  # the blocker runs
        unknown = http.get("/user/job", params={"before": "00000000-0000-0000-0000-000000000000"})
        assert unknown.status_code == 400 and "previous page" in unknown.json()["detail"]
