"""What an aws site offers (flavors with prices, images) and how its partitions come and go, on a moto server.

Instances are played on this machine by the ``instance_player`` fixture (conftest.py), which runs
each instance's user-data, so partitions become ready as real ones do.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from gates.aws.tests.aws_support import launch_tagged

pytestmark = pytest.mark.aws


def test_site_says_each_partition_runs_one_job(aws_gate: httpx.Client) -> None:
    site = aws_gate.get("/site").json()

    assert (site["kind"], site["name"], site["single_job"], site["max_nodes"]) == ("aws", "aws", True, 8)


def test_flavors_carry_shape_and_the_shipped_price(aws_gate: httpx.Client) -> None:
    flavors = {f["name"]: f for f in aws_gate.get("/flavors").json()}

    assert sorted(flavors) == ["c5.large", "g4dn.xlarge", "m7g.large", "t3.micro"]
    micro = flavors["t3.micro"]
    assert (micro["cpus"], micro["mem"], micro["gpus"], micro["arch"], micro["price"]) == (2, 1024, 0, "x86_64", 0.0104)
    assert (flavors["g4dn.xlarge"]["gpus"], flavors["g4dn.xlarge"]["gpu_model"]) == (1, "NVIDIA T4")
    assert flavors["m7g.large"]["arch"] == "arm64"


@pytest.fixture
def priced_gate(aws_gate_settings: dict[str, Any], serve_aws_gate: Any) -> Iterator[httpx.Client]:
    """A gate whose settings override one price and ask the Pricing API, which moto does not serve."""
    with serve_aws_gate({**aws_gate_settings, "prices": {"t3.micro": 0.5}, "use_pricing_api": True}) as client:
        yield client


def test_price_from_settings_overrides_the_table_when_the_pricing_api_does_not_answer(
    priced_gate: httpx.Client,
) -> None:
    flavors = {f["name"]: f["price"] for f in priced_gate.get("/flavors").json()}

    assert (flavors["t3.micro"], flavors["c5.large"]) == (0.5, 0.085)


def test_flavor_filter_offers_the_matching_instance_types(
    aws_gate_settings: dict[str, Any], serve_aws_gate: Any
) -> None:
    settings = {**aws_gate_settings, "flavors": {"instance-type": ["t3.micro", "t3.small"]}}
    with serve_aws_gate(settings) as gate:
        assert sorted(f["name"] for f in gate.get("/flavors").json()) == ["t3.micro", "t3.small"]


def test_images_are_the_configured_amis(aws_gate: httpx.Client, aws_world: dict[str, str]) -> None:
    images = aws_gate.get("/images").json()

    assert images == [{"name": "test-ami", "kind": "ami", "comment": f"{aws_world['ami']} configured"}]


def test_unknown_flavor_is_a_400_naming_the_offered_ones(aws_gate: httpx.Client) -> None:
    answer = aws_gate.post("/partitions", json={"id": "p1", "flavor": "t3.huge", "count": 1})

    assert answer.status_code == 400
    assert "unknown flavor 't3.huge'" in answer.json()["detail"]
    assert "t3.micro" in answer.json()["detail"]


def test_unknown_image_is_a_400_naming_the_offered_ones(aws_gate: httpx.Client) -> None:
    answer = aws_gate.post("/partitions", json={"id": "p1", "flavor": "t3.micro", "count": 1, "image": "ubuntu"})

    assert answer.status_code == 400
    assert "unknown image 'ubuntu'" in answer.json()["detail"]
    assert "test-ami" in answer.json()["detail"]


def test_more_nodes_than_max_nodes_is_a_409(aws_gate: httpx.Client) -> None:
    answer = aws_gate.post("/partitions", json={"id": "p1", "flavor": "t3.micro", "count": 9})

    assert answer.status_code == 409
    assert "max_nodes" in answer.json()["detail"]


def test_creating_a_partition_twice_answers_200_with_the_same_instances(aws_gate: httpx.Client) -> None:
    body = {"id": "p1", "flavor": "t3.micro", "count": 2, "owner": "alice"}
    first = aws_gate.post("/partitions", json=body)

    again = aws_gate.post("/partitions", json=body)

    assert (first.status_code, again.status_code) == (201, 200)
    assert [n["name"] for n in again.json()["nodes"]] == [n["name"] for n in first.json()["nodes"]]


def test_instances_carry_partition_owner_and_site_tags(aws_gate: httpx.Client, instance_player: Any) -> None:
    aws_gate.post("/partitions", json={"id": "p1", "flavor": "t3.micro", "count": 1, "owner": "alice"})

    reservations = instance_player.ec2.describe_instances()["Reservations"]

    tags = {t["Key"]: t["Value"] for t in reservations[0]["Instances"][0]["Tags"]}
    assert (tags["skyport:partition"], tags["skyport:owner"], tags["skyport:site"]) == ("p1", "alice", "aws")


def test_spot_partition_runs_on_spot_instances(aws_gate: httpx.Client, instance_player: Any) -> None:
    aws_gate.post("/partitions", json={"id": "p1", "flavor": "t3.micro", "count": 1, "spot": True})

    instance = instance_player.ec2.describe_instances()["Reservations"][0]["Instances"][0]

    assert instance["InstanceLifecycle"] == "spot"


def test_every_instance_is_terminated_after_delete(aws_gate: httpx.Client, instance_player: Any) -> None:
    aws_gate.post("/partitions", json={"id": "p1", "flavor": "t3.micro", "count": 3})

    deleted = aws_gate.delete("/partitions/p1").json()

    assert deleted["state"] == "deleted"
    pages = instance_player.ec2.describe_instances()["Reservations"]
    assert {i["State"]["Name"] for r in pages for i in r["Instances"]} == {"terminated"}


def test_deleting_an_unknown_partition_answers_deleted(aws_gate: httpx.Client) -> None:
    answer = aws_gate.delete("/partitions/never")

    assert (answer.status_code, answer.json()) == (200, {"id": "never", "state": "deleted"})


def test_tagged_instances_without_a_record_are_listed_for_the_core_to_delete(
    aws_gate: httpx.Client, aws_world: dict[str, str], instance_player: Any
) -> None:
    launch_tagged(aws_world, "aws", "lost")

    listed = {p["id"]: p for p in aws_gate.get("/partitions").json()}
    swept = aws_gate.delete("/partitions/lost").json()

    assert listed["lost"]["state"] == "ready"
    assert swept["state"] == "deleted"


def test_another_sites_instances_are_not_listed(
    aws_gate: httpx.Client, aws_world: dict[str, str], instance_player: Any
) -> None:
    launch_tagged(aws_world, "other", "theirs")

    assert aws_gate.get("/partitions").json() == []


def test_the_pricing_api_prices_flavors_when_asked_and_the_table_the_rest(
    aws_gate_settings: dict[str, Any], faulty_ec2: Any, serve_aws_gate: Any
) -> None:
    """moto has no Pricing API: the FaultyEc2 proxy (aws_support.py) answers GetProducts in its shape."""
    faulty_ec2.prices["t3.micro"] = 0.0123
    settings = {**aws_gate_settings, "endpoint_url": faulty_ec2.url, "use_pricing_api": True}
    with serve_aws_gate(settings) as gate:
        flavors = {f["name"]: f["price"] for f in gate.get("/flavors").json()}

    assert flavors["t3.micro"] == 0.0123
    assert flavors["c5.large"] == 0.085  # not in the Pricing API's answer: the shipped table
    asked = next(f for f in faulty_ec2.pricing_filters if f["instanceType"] == "t3.micro")
    assert (asked["regionCode"], asked["operatingSystem"], asked["tenancy"]) == ("us-east-1", "Linux", "Shared")


def test_a_root_volume_setting_is_each_flavor_s_disk_and_each_instance_s_root_volume(
    aws_gate_settings: dict[str, Any], serve_aws_gate: Any, instance_player: Any
) -> None:
    with serve_aws_gate({**aws_gate_settings, "root_volume": 40}) as gate:
        assert {f["storage"] for f in gate.get("/flavors").json()} == {40 * 1024}
        gate.post("/partitions", json={"id": "p1", "flavor": "t3.micro", "count": 1}).raise_for_status()

    (volume,) = instance_player.ec2.describe_volumes()["Volumes"]  # the root volume, on the AMI's root device
    assert volume["Size"] == 40


def test_a_job_asking_for_more_disk_than_its_nodes_root_volume_is_refused_at_its_start(
    aws_gate_settings: dict[str, Any], serve_aws_gate: Any
) -> None:
    """The root volume EC2 gave the partition's instance (40 GiB) is checked against the job's storage at
    its start, whatever the setting is by then; a job within it starts."""
    with serve_aws_gate({**aws_gate_settings, "root_volume": 40}) as gate:
        gate.post("/partitions", json={"id": "p1", "flavor": "t3.micro", "count": 1}).raise_for_status()
    with serve_aws_gate({**aws_gate_settings, "root_volume": 80}) as gate:  # set larger since: not the volumes
        deadline = time.monotonic() + 60
        while gate.get("/partitions/p1").json()["state"] != "ready":
            assert time.monotonic() < deadline
            time.sleep(0.1)
        job = {"partition_id": "p1", "script": "#!/bin/sh\ntrue\n"}
        refused = gate.post("/jobs", json={**job, "id": "big", "storage": 40 * 1024 + 1})
        assert refused.status_code == 409, refused.text
        assert refused.json()["detail"] == (
            f"job big asks for {40 * 1024 + 1} MiB of disk per node; the nodes of partition p1 have {40 * 1024} MiB"
        )
        assert gate.post("/jobs", json={**job, "id": "fits", "storage": 40 * 1024}).status_code == 201
