"""What an azure site offers and how its partitions come and go, against the ARM stand-in and Azurite.

ARM is the stand-in of azure_support.py (ARM's request and response shapes, long-running
operations included); the gate reaches it through the real Azure SDK for Python and
DefaultAzureCredential (a managed-identity token from the stand-in). VMs are played on this
machine by the ``vm_player`` fixture, which runs each VM's custom data, so partitions become ready
as real ones do.
"""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest

from gates.azure.tests.azure_support import AZURITE_KEY, ArmStandIn
from tests.served_gates import wait_for

pytestmark = pytest.mark.azure

WAIT = 30.0


def test_site_says_each_partition_runs_one_job(azure_gate: httpx.Client) -> None:
    site = azure_gate.get("/site").json()

    assert (site["kind"], site["name"], site["single_job"], site["max_nodes"]) == ("azure", "azure", True, 8)


def test_flavors_come_from_the_regions_resource_skus_with_the_shipped_prices(azure_gate: httpx.Client) -> None:
    flavors = {f["name"]: f for f in azure_gate.get("/flavors").json()}

    # Standard_F2s_v2 is restricted for the subscription in the region: not offered.
    assert sorted(flavors) == ["Standard_B1s", "Standard_D2ps_v5", "Standard_D2s_v5", "Standard_NC4as_T4_v3"]
    b1s = flavors["Standard_B1s"]
    assert (b1s["cpus"], b1s["mem"], b1s["gpus"], b1s["arch"], b1s["price"]) == (1, 1024, 0, "x86_64", 0.0114)
    assert flavors["Standard_NC4as_T4_v3"]["gpus"] == 1
    assert flavors["Standard_D2ps_v5"]["arch"] == "arm64"


def test_the_retail_prices_api_prices_flavors_when_asked_and_settings_override_it(
    azure_gate_settings: dict[str, Any], arm: ArmStandIn, serve_azure_gate: Any
) -> None:
    arm.prices.update({"Standard_B1s": 0.0123, "Standard_D2s_v5": 0.2, "Standard_D2ps_v5": 0.3})
    settings = {
        **azure_gate_settings,
        "use_prices_api": True,
        "prices_url": f"{arm.url}/api/retail/prices",
        "prices": {"Standard_D2ps_v5": 0.5},
    }
    with serve_azure_gate(settings) as gate:
        flavors = {f["name"]: f["price"] for f in gate.get("/flavors").json()}

    # Linux pay-as-you-go lines only (the Windows and Spot lines are not the price), over two pages.
    assert (flavors["Standard_B1s"], flavors["Standard_D2s_v5"]) == (0.0123, 0.2)
    assert flavors["Standard_D2ps_v5"] == 0.5  # the setting wins
    assert flavors["Standard_NC4as_T4_v3"] == 0.631  # not listed by the API: the shipped table


def test_images_are_the_configured_ones(azure_gate: httpx.Client) -> None:
    images = azure_gate.get("/images").json()

    assert images == [{"name": "ubuntu", "kind": "marketplace", "comment": "Canonical:ubuntu-24_04-lts:server:latest"}]


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ({"flavor": "Standard_X99"}, "unknown flavor 'Standard_X99'"),
        ({"flavor": "Standard_F2s_v2"}, "unknown flavor 'Standard_F2s_v2'"),
        ({"flavor": "Standard_B1s", "image": "windows"}, "unknown image 'windows'"),
    ],
)
def test_what_the_site_does_not_offer_is_a_400_naming_what_it_does(
    azure_gate: httpx.Client, arm: ArmStandIn, body: dict[str, str], named: str
) -> None:
    answer = azure_gate.post("/partitions", json={"id": "p1", "count": 1, **body})

    assert answer.status_code == 400
    assert named in answer.json()["detail"]
    assert arm.group_tags() == {}


def test_a_partition_is_count_vms_in_a_tagged_group_with_no_inbound_rule_and_no_public_ip(
    azure_gate: httpx.Client, arm: ArmStandIn
) -> None:
    created = azure_gate.post("/partitions", json={"id": "p1", "flavor": "Standard_B1s", "count": 3, "owner": "alice"})

    assert (created.status_code, created.json()["state"]) == (201, "creating")
    ready = wait_for(azure_gate, "/partitions/p1", ("ready", "failed"))
    assert ready["state"] == "ready", ready
    assert [n["name"] for n in ready["nodes"]] == ["node-0", "node-1", "node-2"]
    assert [n["ip"] for n in ready["nodes"]] == ["10.0.0.4", "10.0.0.5", "10.0.0.6"]
    tags = arm.group_tags()["skyport-azure-p1"]
    assert (tags["skyport-site"], tags["skyport-partition"], tags["skyport-owner"]) == ("azure", "p1", "alice")
    kinds = {(kind, name) for (_, kind, name) in arm.resources}
    assert {name for kind, name in kinds if kind == "microsoft.compute/virtualmachines"} == {
        "node-0",
        "node-1",
        "node-2",
    }
    for (_, kind, _), body in arm.resources.items():
        assert body["tags"]["skyport-partition"] == "p1"
        if kind == "microsoft.network/networksecuritygroups":
            assert body["properties"].get("securityRules", []) == []
        if kind == "microsoft.network/networkinterfaces":
            assert "publicIPAddress" not in body["properties"]["ipConfigurations"][0]["properties"]
        if kind == "microsoft.compute/virtualmachines":
            assert body["properties"]["hardwareProfile"]["vmSize"] == "Standard_B1s"
            assert body["properties"]["osProfile"]["linuxConfiguration"]["disablePasswordAuthentication"] is True


def test_no_credential_reaches_a_vm_or_an_answer(azure_gate: httpx.Client, arm: ArmStandIn) -> None:
    azure_gate.post("/partitions", json={"id": "p1", "flavor": "Standard_B1s", "count": 1})
    wait_for(azure_gate, "/partitions/p1", ("ready",))
    answers = [azure_gate.get(path).text for path in ("/site", "/flavors", "/images", "/partitions", "/partitions/p1")]

    (vm,) = arm.vms.values()
    for text in [*answers, vm.custom_data]:
        assert AZURITE_KEY not in text
        assert "stand-in-token" not in text
    assert "sig=" in vm.custom_data and "sp=r" in vm.custom_data  # one read-only SAS URL: its bundle's


def test_delete_deletes_the_group_and_the_partition_is_deleting_until_arm_is_done(
    azure_gate: httpx.Client, arm: ArmStandIn
) -> None:
    azure_gate.post("/partitions", json={"id": "p1", "flavor": "Standard_B1s", "count": 2})
    wait_for(azure_gate, "/partitions/p1", ("ready",))

    deleting = azure_gate.delete("/partitions/p1").json()

    assert deleting["state"] == "deleting"
    assert wait_for(azure_gate, "/partitions/p1", ("deleted",))["state"] == "deleted"
    assert arm.group_tags() == {}
    assert ("DELETE", "/subscriptions/00000000-0000-4000-8000-000000000001/resourcegroups/skyport-azure-p1") in {
        (method, path.lower()) for method, path in arm.requests
    }


def test_more_nodes_than_max_nodes_is_a_409(azure_gate: httpx.Client) -> None:
    answer = azure_gate.post("/partitions", json={"id": "p1", "flavor": "Standard_B1s", "count": 9})

    assert answer.status_code == 409
    assert "max_nodes" in answer.json()["detail"]


def test_creating_a_partition_twice_answers_200(azure_gate: httpx.Client) -> None:
    body = {"id": "p1", "flavor": "Standard_B1s", "count": 1}

    assert azure_gate.post("/partitions", json=body).status_code == 201
    assert azure_gate.post("/partitions", json=body).status_code == 200


def test_tagged_groups_without_a_record_are_listed_for_the_core_to_delete(
    azure_gate: httpx.Client, arm: ArmStandIn
) -> None:
    arm.add_group("skyport-azure-lost", {"skyport-site": "azure", "skyport-partition": "lost", "skyport-owner": "bob"})
    arm.add_group("theirs", {"skyport-site": "other", "skyport-partition": "theirs"})

    listed = {p["id"]: p for p in azure_gate.get("/partitions").json()}
    azure_gate.delete("/partitions/lost")

    assert list(listed) == ["lost"]  # another site's group is not this site's to sweep
    assert (listed["lost"]["state"], listed["lost"]["owner"]) == ("ready", "bob")
    deadline = time.monotonic() + WAIT
    while "skyport-azure-lost" in arm.group_tags():
        assert time.monotonic() < deadline
        azure_gate.get("/partitions")
        time.sleep(0.05)
    assert list(arm.group_tags()) == ["theirs"]


def test_a_vm_azure_deletes_before_any_job_ran_fails_the_partition_and_deletes_its_group(
    azure_gate: httpx.Client, arm: ArmStandIn
) -> None:
    azure_gate.post("/partitions", json={"id": "p1", "flavor": "Standard_B1s", "count": 2, "spot": True})
    wait_for(azure_gate, "/partitions/p1", ("ready",))
    with arm.lock:  # a Spot eviction with the Delete policy: the VM is gone
        group = next(iter(arm.vms))[0]
        spot = arm.resources[(group, "microsoft.compute/virtualmachines", "node-0")]["properties"]
        assert (spot["priority"], spot["evictionPolicy"]) == ("Spot", "Delete")
        del arm.vms[(group, "node-1")]
        del arm.resources[(group, "microsoft.compute/virtualmachines", "node-1")]

    failed = wait_for(azure_gate, "/partitions/p1", ("failed",))

    assert failed["state_details"] == "VM node-1 no longer exists before any job ran"
    deadline = time.monotonic() + WAIT
    while arm.group_tags():
        assert time.monotonic() < deadline, "the failed partition's group is still there"
        azure_gate.get("/partitions")
        time.sleep(0.05)
