"""Azure refusing VMs: quota, capacity and throttling keep a partition creating, then fail it.

ARM is the stand-in of azure_support.py. It refuses the VM PUTs a test queues the way ARM does:
quota and SKU refusals synchronously (409 with ARM's error body), allocation failures through the
long-running operation (status Failed with the error), throttling as 429 with Retry-After.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from gates.azure.tests.azure_support import ArmStandIn, Refusal

pytestmark = pytest.mark.azure

QUOTA = Refusal(
    409,
    "OperationNotAllowed",
    "Operation could not be completed as it results in exceeding approved standardBSFamily Cores quota.",
)
CAPACITY = Refusal(
    0, "AllocationFailed", "Allocation failed. We do not have sufficient capacity for the requested VM size."
)
THROTTLED = Refusal(429, "TooManyRequests", "The request is being throttled.", retry_after=1)


@pytest.fixture
def gate(azure_gate_settings: dict[str, Any], serve_azure_gate: Any) -> Iterator[httpx.Client]:
    """The azure gate with three attempts per refused VM and no backoff of its own."""
    with serve_azure_gate({**azure_gate_settings, "create_attempts": 3}) as client:
        yield client


def settle(gate: httpx.Client, states: tuple[str, ...], seen: list[str]) -> dict[str, Any]:
    """Poll the partition until it is in one of ``states``; ``seen`` collects its state_details."""
    deadline = time.monotonic() + 30
    while (body := gate.get("/partitions/p1").json())["state"] not in states:
        if body.get("state_details") and body["state_details"] not in seen:
            seen.append(body["state_details"])
        assert time.monotonic() < deadline, body
        time.sleep(0.05)
    result: dict[str, Any] = body
    return result


@pytest.mark.parametrize(("refusal", "words"), [(QUOTA, "vCPU quota"), (CAPACITY, "too little capacity")])
def test_a_refused_vm_keeps_the_partition_creating_saying_why_then_it_is_ready(
    gate: httpx.Client, arm: ArmStandIn, refusal: Refusal, words: str
) -> None:
    arm.refusals.append(refusal)
    seen: list[str] = []

    gate.post("/partitions", json={"id": "p1", "flavor": "Standard_B1s", "count": 1})
    ready = settle(gate, ("ready", "failed"), seen)

    assert ready["state"] == "ready", ready
    refused = [details for details in seen if refusal.code in details]
    assert refused and words in refused[0] and "attempt 1 of 3" in refused[0], seen


def test_throttling_waits_as_long_as_arm_asks(gate: httpx.Client, arm: ArmStandIn) -> None:
    arm.refusals.append(THROTTLED)
    seen: list[str] = []

    gate.post("/partitions", json={"id": "p1", "flavor": "Standard_B1s", "count": 1})
    ready = settle(gate, ("ready", "failed"), seen)

    assert ready["state"] == "ready"
    throttled = next(details for details in seen if "TooManyRequests" in details)
    assert "throttled" in throttled and "next try in 1 s" in throttled


def test_vms_refused_every_time_fail_the_partition_and_delete_its_group(gate: httpx.Client, arm: ArmStandIn) -> None:
    arm.refusals.extend([Refusal(409, "SkuNotAvailable", "The requested size is not available in westeurope.")] * 3)

    gate.post("/partitions", json={"id": "p1", "flavor": "Standard_B1s", "count": 1})
    failed = settle(gate, ("failed", "ready"), [])

    assert failed["state"] == "failed"
    assert "after 3 attempts" in failed["state_details"] and "SkuNotAvailable" in failed["state_details"]
    deadline = time.monotonic() + 30
    while arm.group_tags():
        assert time.monotonic() < deadline, "the failed partition's group is still there"
        gate.get("/partitions")
        time.sleep(0.05)


def test_a_refusal_not_worth_retrying_fails_the_partition_at_once(gate: httpx.Client, arm: ArmStandIn) -> None:
    arm.refusals.append(Refusal(400, "InvalidParameter", "The value of parameter imageReference is invalid."))

    gate.post("/partitions", json={"id": "p1", "flavor": "Standard_B1s", "count": 1})
    failed = settle(gate, ("failed", "ready"), [])

    assert failed["state"] == "failed"
    assert "InvalidParameter" in failed["state_details"] and "attempts" not in failed["state_details"]
