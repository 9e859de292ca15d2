"""Nova refusing or failing to build: quota, capacity and throttling keep a partition creating with a
reason and bounded retries, then fail it; other refusals fail it at once.

The stand-in Nova (openstack_support.py) answers POST /servers with the error bodies and statuses
Nova sends (403 and 413 "Quota exceeded", 429 with Retry-After) for as many calls as a test queues,
and puts a server in ERROR with the scheduler's "No valid host was found" fault when asked.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from gates.openstack.tests.openstack_support import NO_VALID_HOST, StandIn, serving
from tests.served_gates import wait_for

QUOTA = "Quota exceeded for instances: Requested 1, but already used 10 of 10 instances"


@pytest.fixture
def gate(openstack_gate_settings: dict[str, Any]) -> Iterator[httpx.Client]:
    """The gate with three build attempts allowed, retried at once (launch_backoff 0)."""
    with serving({**openstack_gate_settings, "launch_attempts": 3}) as client:
        yield client


@pytest.mark.parametrize(("status", "key"), [(403, "forbidden"), (413, "overLimit")])
def test_a_quota_refusal_keeps_the_partition_creating_saying_so_then_it_is_built(
    gate: httpx.Client, stand_in: StandIn, status: int, key: str
) -> None:
    stand_in.refuse(status, key, QUOTA)

    created = gate.post("/partitions", json={"id": "p1", "flavor": "m1.small", "count": 1}).json()

    assert created["state"] == "creating"
    assert "quota is used up" in created["state_details"] and "Quota exceeded for instances" in created["state_details"]
    assert "attempt 1 of 3" in created["state_details"]
    assert wait_for(gate, "/partitions/p1", ("ready", "failed"))["state"] == "ready"


def test_throttling_waits_at_least_the_retry_after_nova_asks_for(gate: httpx.Client, stand_in: StandIn) -> None:
    stand_in.refuse(429, "overLimit", "Rate limit exceeded", {"Retry-After": "7"})

    created = gate.post("/partitions", json={"id": "p1", "flavor": "m1.small", "count": 1}).json()

    assert "throttled" in created["state_details"]
    assert "next try in 7 s" in created["state_details"]
    assert gate.get("/partitions/p1").json()["state"] == "creating"  # not before the 7 s


def test_capacity_faults_every_time_fail_the_partition_after_the_attempts(
    gate: httpx.Client, stand_in: StandIn
) -> None:
    stand_in.build_faults.extend([NO_VALID_HOST] * 3)
    gate.post("/partitions", json={"id": "p1", "flavor": "m1.small", "count": 1})

    final = wait_for(gate, "/partitions/p1", ("failed", "ready"))

    assert final["state"] == "failed"
    assert "after 3 attempts" in final["state_details"]
    assert "No valid host was found" in final["state_details"]
    assert stand_in.servers == {} and stand_in.server_groups == {}


def test_a_refusal_not_worth_retrying_fails_the_partition_at_once(gate: httpx.Client, stand_in: StandIn) -> None:
    stand_in.refuse(400, "badRequest", "Invalid key_name provided.")

    body = gate.post("/partitions", json={"id": "p1", "flavor": "m1.small", "count": 1}).json()

    assert body["state"] == "failed"
    assert "400: Invalid key_name provided." in body["state_details"]
