"""A job on an aws site, from `skyport submit` to its result, through a real daemon and a moto server.

The daemon mounts the aws gate for a site bound to a real ``moto_server`` process on loopback
(EC2 and S3). Nothing plays EC2's part of running an instance except the ``instance_player``
fixture (gates/aws/tests/aws_support.py): it reads the user-data of each instance the gate
launches and runs it on this machine against moto's S3, so the job really runs through the
bootstrap script a real instance boots with, and its power-off terminates the instance.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from gates.aws.tests.aws_support import FaultyEc2, aws_client, launch_tagged
from tests.conftest import Daemon, running_daemon
from tests.e2e.cloud_sites import details_until_ended, reverse_job, site
from tests.e2e.test_cli import skyport

pytestmark = pytest.mark.aws

T3_MICRO_PRICE = 0.0104  # us-east-1, gates/aws/skyport_gate_aws/prices.json


@pytest.fixture
def aws_daemon(home: Path, tmp_path: Path, aws_gate_settings: dict[str, Any]) -> Iterator[Daemon]:
    """A daemon with the local site and an aws site on the moto server; always stopped."""
    local = yaml.safe_load((home / "config.yaml").read_text())["sites"]
    with running_daemon(home, tmp_path / "daemon.log", [*local, site("aws", aws_gate_settings)]) as d:
        yield d


def instances(endpoint: str) -> dict[str, str]:
    """Every instance moto knows: ID -> state."""
    reservations = aws_client("ec2", endpoint).describe_instances()["Reservations"]
    return {i["InstanceId"]: i["State"]["Name"] for r in reservations for i in r["Instances"]}


def test_a_job_with_an_input_file_runs_on_aws_and_costs_what_it_ran(
    aws_daemon: Daemon, aws_world: dict[str, str], tmp_path: Path
) -> None:
    job = reverse_job(aws_daemon, tmp_path, "aws", "t3.micro", price=T3_MICRO_PRICE, pause=2)
    assert "$0.0000" in skyport(aws_daemon, "show", job["id"]).stdout  # shown to 4 places: < $0.0001
    remotes = {r["name"]: r for r in json.loads(skyport(aws_daemon, "--json", "remotes").stdout)}
    assert remotes["aws"]["spend"] == pytest.approx(job["cost"], abs=2e-6)
    assert remotes["local"]["spend"] == 0

    assert instances(aws_world["endpoint"]), "the gate launched no instance"
    deadline = time.monotonic() + 30
    while set((launched := instances(aws_world["endpoint"])).values()) != {"terminated"}:
        assert time.monotonic() < deadline, f"instances still up after the job ended: {launched}"
        time.sleep(0.2)


@pytest.mark.parametrize(
    ("directive", "named"),
    [("flavor x9.enormous", "x9.enormous"), ("image no-such-ami", "no-such-ami"), ("gpus 8", "gpu")],
)
def test_what_the_aws_site_does_not_offer_is_a_400_at_submit(aws_daemon: Daemon, directive: str, named: str) -> None:
    with httpx.Client(base_url=aws_daemon.url, verify=aws_daemon.ssl_context()) as http:
        deadline = time.monotonic() + 30
        while "t3.micro" not in {flavor["name"] for flavor in http.get("/user/flavor").json()}:
            assert time.monotonic() < deadline, "the aws site never answered"
            time.sleep(0.1)
        script = f"#!/bin/sh\n#SWM site aws\n#SWM {directive}\ntrue\n"
        response = http.post("/user/job", files={"script_content": ("job.sh", script)})
        assert response.status_code == 400, response.text
        assert named in response.json()["detail"]
        assert http.get("/user/job").json() == []


@pytest.fixture
def refusing_aws_daemon(
    home: Path, tmp_path: Path, aws_gate_settings: dict[str, Any], faulty_ec2: FaultyEc2
) -> Iterator[Daemon]:
    """A daemon whose aws site reaches EC2 through a proxy that refuses the launches a test queues."""
    refusing = site("aws", aws_gate_settings, endpoint_url=faulty_ec2.url, launch_attempts=2, launch_backoff=1.0)
    with running_daemon(home, tmp_path / "daemon.log", [refusing]) as d:
        yield d


def submit(daemon: Daemon, folder: Path, script: str) -> str:
    path = folder / "job.sh"
    path.write_text(script)
    return skyport(daemon, "submit", str(path)).stdout.strip()


def test_a_refused_launch_keeps_the_job_waiting_and_says_why_then_it_runs(
    refusing_aws_daemon: Daemon, faulty_ec2: FaultyEc2, tmp_path: Path
) -> None:
    faulty_ec2.refusals.append((500, "InsufficientInstanceCapacity", "We currently do not have sufficient capacity"))
    job_id = submit(refusing_aws_daemon, tmp_path, "#!/bin/sh\necho ran\n")

    job, waiting = details_until_ended(refusing_aws_daemon, job_id)

    assert job["state"] == "F", job["state_details"]
    assert any("InsufficientInstanceCapacity" in details for details in waiting), waiting


def test_launches_refused_every_time_end_the_job_in_E_saying_what_aws_refused(
    refusing_aws_daemon: Daemon, faulty_ec2: FaultyEc2, aws_world: dict[str, str], tmp_path: Path
) -> None:
    faulty_ec2.refusals.extend([(400, "VcpuLimitExceeded", "You have requested more vCPU capacity than allowed")] * 2)
    job_id = submit(refusing_aws_daemon, tmp_path, "#!/bin/sh\necho never\n")

    job, _ = details_until_ended(refusing_aws_daemon, job_id)

    assert job["state"] == "E"
    assert "VcpuLimitExceeded" in job["state_details"], job["state_details"]
    assert set(instances(aws_world["endpoint"]).values()) <= {"terminated"}


def test_instances_a_lost_store_left_behind_are_terminated_when_the_daemon_starts(
    home: Path, tmp_path: Path, aws_gate_settings: dict[str, Any], aws_world: dict[str, str]
) -> None:
    orphan = launch_tagged(aws_world, "aws", "p-from-a-lost-store")

    with running_daemon(home, tmp_path / "daemon.log", [site("aws", aws_gate_settings)]):
        deadline = time.monotonic() + 30
        while (state := instances(aws_world["endpoint"])[orphan]) != "terminated":
            assert time.monotonic() < deadline, f"the orphan instance is still {state}"
            time.sleep(0.2)


def test_a_budget_lets_one_aws_job_through_and_the_next_waits_until_it_is_raised(
    aws_daemon: Daemon, aws_world: dict[str, str], tmp_path: Path
) -> None:
    """Each job's worst case on t3.micro for 30 minutes is $0.0052; $0.008 in total holds one of them."""
    skyport(aws_daemon, "budget", "set", "user", "alice", "0.008/total")
    script = tmp_path / "job.sh"
    script.write_text("#!/bin/sh\n#SWM site aws\n#SWM flavor t3.micro\n#SWM time 30m\nsleep 20\n")
    first = skyport(aws_daemon, "submit", str(script)).stdout.strip()
    second = skyport(aws_daemon, "submit", str(script)).stdout.strip()
    deadline = time.monotonic() + 60
    while (held := json.loads(skyport(aws_daemon, "--json", "show", second).stdout))["state"] == "Q":
        if held["state_details"].startswith("user alice has $0.0028 left in total; this job may cost up to $0.0052"):
            break
        assert time.monotonic() < deadline, held["state_details"]
        time.sleep(0.3)
    assert json.loads(skyport(aws_daemon, "--json", "show", first).stdout)["state"] in "WR"
    skyport(aws_daemon, "budget", "set", "user", "alice", "0.02/total")
    for job_id in (first, second):
        deadline = time.monotonic() + 90
        while (job := json.loads(skyport(aws_daemon, "--json", "show", job_id).stdout))["state"] not in "FEC":
            assert time.monotonic() < deadline, job["state_details"]
            time.sleep(0.5)
        assert job["state"] == "F", job["state_details"]
    totals = json.loads(skyport(aws_daemon, "--json", "usage", "--by", "account").stdout)
    assert [t["key"] for t in totals] == ["alice"] and 0 < totals[0]["cost"] <= 0.02
