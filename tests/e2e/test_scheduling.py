"""What the scheduler tells a user through a real daemon: why a job waits, when it will start, at what cost.

The daemon's only site is the local gate with 2 CPUs and 2048 MiB (the ``home`` fixture), so two
one-CPU jobs fill it and a two-CPU job must wait for both to reach their time limit. Requests no
site can ever meet are refused at submit: see test_bad_input.py.
"""

from __future__ import annotations

import datetime as dt
import json
import socket
import time
from pathlib import Path

import pytest
import yaml
from skyport_client import ApiError, Client
from skyport_client.api.jobs import get_job

from skyport import pki
from tests.conftest import Daemon, running_daemon
from tests.e2e.test_cli import skyport
from tests.e2e.test_jobs import submit, wait_for

SLEEPER = "#!/bin/sh\n#SWM name sleeper\n#SWM cpus 1\n#SWM time 10m\nsleep 600\n"


def planned(client: Client, job_id: str, timeout: float = 30.0) -> dict[str, object]:
    """The job once the scheduler has planned it (a planned start time is in its record)."""
    deadline = time.monotonic() + timeout
    while True:
        job = get_job.sync(client=client, job_id=job_id).to_dict()
        if "planned_start_time" in job:
            return job
        if time.monotonic() > deadline:
            raise AssertionError(f"job {job_id} was never planned: {job}")
        time.sleep(0.05)


def test_a_job_that_waits_says_for_what_and_until_when(daemon: Daemon, client: Client) -> None:
    running = [submit(client, SLEEPER) for _ in range(2)]
    for job_id in running:
        wait_for(client, job_id, "R")
    started = time.time()
    waiting = submit(client, "#!/bin/sh\n#SWM name third\n#SWM cpus 2\n#SWM time 5m\ntrue\n")

    job = planned(client, waiting)
    assert job["state"] == "Q"
    details = str(job["state_details"])
    assert details.startswith("waiting for 1 x cpus=2; next free at ") and f"on local/{socket.gethostname()}" in details
    planned_start = dt.datetime.fromisoformat(str(job["planned_start_time"]).replace("Z", "+00:00")).timestamp()
    # Both sleepers hold a CPU until their 10-minute limit: the third job cannot start before that.
    assert started + 590 < planned_start < started + 660, job
    host = socket.gethostname()  # the local gate's one node is this machine
    assert job["placement"] == f"local/{host} (local)", job
    assert job["estimated_cost"] == 0  # the local site costs nothing

    shown = skyport(daemon, "show", waiting).stdout
    assert "next free at" in shown and "Planned start" in shown, shown
    listed = skyport(daemon, "jobs").stdout
    assert waiting[:8] in listed and "next free at" in listed and "~$0.0000" in listed, listed
    timetable = json.loads(skyport(daemon, "--json", "timetable").stdout)
    assert [entry["job_id"] for entry in timetable] == [waiting], timetable
    assert "third" in skyport(daemon, "timetable").stdout

    for job_id in running:
        skyport(daemon, "cancel", job_id)
    assert wait_for(client, waiting, "F")["state"] == "F"


def test_show_and_timetable_say_the_same_start_and_reason(daemon: Daemon, client: Client) -> None:
    """A reserved job and one past the reservation depth (an estimate): both views agree on each."""
    for job_id in [submit(client, SLEEPER) for _ in range(2)]:
        wait_for(client, job_id, "R")
    wide = "#!/bin/sh\n#SWM name {}\n#SWM cpus 2\n#SWM time 5m\ntrue\n"
    reserved, estimated = submit(client, wide.format("reserved")), submit(client, wide.format("estimated"))
    assert "(reserved)" in str(planned(client, reserved)["state_details"])
    assert "(an estimate:" in str(planned(client, estimated)["state_details"])

    shown = json.loads(skyport(daemon, "--json", "show", reserved, estimated).stdout)
    table = {entry["job_id"]: entry for entry in json.loads(skyport(daemon, "--json", "timetable").stdout)}
    for job in shown:
        entry = table[job["id"]]
        assert (entry["reason"], entry["start_time"]) == (job["state_details"], job["planned_start_time"]), entry

    printed = skyport(daemon, "timetable").stdout
    for job_id in (reserved, estimated):
        start = next(line for line in skyport(daemon, "show", job_id).stdout.splitlines() if "Planned start" in line)
        row = next(line for line in printed.splitlines() if job_id[:8] in line)
        assert start.split()[-1] in row, (start, row)
    assert "never" not in printed


def test_a_user_with_recent_usage_waits_behind_one_without(daemon: Daemon, client: Client) -> None:
    """Fair share: alice ran a 2-CPU job; with the site full, her next job, submitted first, starts
    after bob's (no usage). Her usage comes from runs the loop learns of as it writes them."""
    wait_for(client, submit(client, "#!/bin/sh\n#SWM cpus 2\nsleep 2\n"))
    blocker = submit(client, "#!/bin/sh\n#SWM cpus 2\nsleep 3\n")
    wait_for(client, blocker, "R")
    folder = pki.issue_user(daemon.home, "bob")
    with Client(daemon.url, ssl_context=daemon.ssl_context(folder / "cert.pem", folder / "key.pem")) as bob:
        alices = submit(client, "#!/bin/sh\n#SWM cpus 2\ntrue\n")
        bobs = submit(bob, "#!/bin/sh\n#SWM cpus 2\ntrue\n")
        started = {
            "alice": str(wait_for(client, alices)["start_time"]),
            "bob": str(wait_for(bob, bobs)["start_time"]),
        }
    assert started["bob"] < started["alice"], started


def test_disk_per_node_is_refused_beyond_what_the_site_offers_and_runs_within_it(home: Path, tmp_path: Path) -> None:
    """A local site offering 1 GiB of disk (its `storage` setting): `#SWM storage 2G` is a 400 naming the
    most offered; `#SWM storage 512M` runs, and the job shows what it asked for."""
    config = yaml.safe_load((home / "config.yaml").read_text())
    config["sites"][0]["settings"]["storage"] = 1024
    with running_daemon(home, tmp_path / "daemon.log", config["sites"]) as daemon:
        with Client(daemon.url, ssl_context=daemon.ssl_context()) as client:
            with pytest.raises(ApiError) as refused:
                submit(client, "#!/bin/sh\n#SWM storage 2G\ntrue\n")
            assert refused.value.status_code == 400
            assert "has 2 GB disk; the most offered is 1 GB disk" in str(refused.value)
            job_id = submit(client, "#!/bin/sh\n#SWM storage 512M\ntrue\n")
            job = wait_for(client, job_id)
    assert job["state"] == "F", job
    assert {"name": "storage", "count": 512} in job["request"]  # type: ignore[operator]
