"""AWS refusing to launch: capacity, quota and throttling keep a partition creating, then fail it.

moto never refuses a launch, so these tests put a real HTTP proxy (``FaultyEc2`` in
aws_support.py) between the gate and the moto server that answers RunInstances with the error EC2
sends (same XML body, same HTTP status) for as many calls as a test asks, and forwards everything
else to moto. Spot interruption cannot be
produced by moto or by a proxy (it is an instance's StateReason, set by EC2 itself), so its
mapping is tested on the converter directly.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from skyport_gate_aws import converters

from gates.aws.tests.aws_support import FaultyEc2

pytestmark = pytest.mark.aws


@pytest.fixture
def gate(aws_gate_settings: dict[str, Any], faulty_ec2: FaultyEc2, serve_aws_gate: Any) -> Iterator[httpx.Client]:
    """The aws gate talking to AWS through the faulty proxy, three launch attempts allowed."""
    with serve_aws_gate({**aws_gate_settings, "endpoint_url": faulty_ec2.url, "launch_attempts": 3}) as client:
        yield client


def test_capacity_refusal_keeps_the_partition_creating_and_says_so(gate: httpx.Client, faulty_ec2: FaultyEc2) -> None:
    faulty_ec2.refusals.append((500, "InsufficientInstanceCapacity", "We currently do not have sufficient capacity"))

    created = gate.post("/partitions", json={"id": "p1", "flavor": "t3.micro", "count": 1})

    assert created.status_code == 201
    body = created.json()
    assert body["state"] == "creating"
    assert "InsufficientInstanceCapacity" in body["state_details"]
    assert "attempt 1 of 3" in body["state_details"]


def test_refused_launch_is_retried_on_a_later_get_and_becomes_ready(gate: httpx.Client, faulty_ec2: FaultyEc2) -> None:
    faulty_ec2.refusals.append((400, "VcpuLimitExceeded", "You have requested more vCPU capacity than allowed"))
    gate.post("/partitions", json={"id": "p1", "flavor": "t3.micro", "count": 1})

    retried = gate.get("/partitions/p1").json()

    assert retried["state"] == "ready", retried
    assert len(retried["nodes"]) == 1


def test_launch_refused_every_time_fails_the_partition_saying_what_aws_refused(
    gate: httpx.Client, faulty_ec2: FaultyEc2
) -> None:
    faulty_ec2.refusals.extend([(503, "RequestLimitExceeded", "Request limit exceeded.")] * 3)
    gate.post("/partitions", json={"id": "p1", "flavor": "t3.micro", "count": 1})
    gate.get("/partitions/p1")

    final = gate.get("/partitions/p1").json()

    assert final["state"] == "failed"
    assert "after 3 attempts" in final["state_details"]
    assert "throttled" in final["state_details"]
    assert "RequestLimitExceeded" in final["state_details"]


def test_instance_quota_refusal_names_the_quota(gate: httpx.Client, faulty_ec2: FaultyEc2) -> None:
    faulty_ec2.refusals.append((400, "InstanceLimitExceeded", "Your quota allows for 0 more running instance(s)"))

    body = gate.post("/partitions", json={"id": "p1", "flavor": "t3.micro", "count": 1}).json()

    assert "instance quota is used up" in body["state_details"]


def test_a_refusal_not_worth_retrying_fails_the_partition_at_once(gate: httpx.Client, faulty_ec2: FaultyEc2) -> None:
    faulty_ec2.refusals.append((400, "InvalidAMIID.NotFound", "The image id '[ami-0]' does not exist"))

    body = gate.post("/partitions", json={"id": "p1", "flavor": "t3.micro", "count": 1}).json()

    assert body["state"] == "failed"
    assert "InvalidAMIID.NotFound" in body["state_details"]


def test_spot_interruption_fails_the_job_saying_so() -> None:
    record = converters.JobRecord(id="j1", partition_id="p1", nodes=1, outputs=(), time_limit=0)
    interrupted = {
        "InstanceId": "i-1",
        "State": {"Name": "terminated"},
        "StateReason": {"Code": "Server.SpotInstanceTermination", "Message": "Server.SpotInstanceTermination"},
        "Tags": [{"Key": "skyport:node", "Value": "0"}],
    }

    job = converters.job(record, {}, [interrupted])

    assert job["state"] == "failed"
    assert "spot instance was interrupted by AWS" in job["state_details"]
