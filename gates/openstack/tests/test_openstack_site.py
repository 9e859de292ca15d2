"""What an openstack site offers (flavors from Nova, images from Glance, prices from settings) and
how its partitions come and go, against the stand-in cloud of openstack_support.py.

Real: openstacksdk and keystoneauth (password auth, token catalogue, version discovery,
microversions, TLS verified against the stand-in's own CA), the gate, and the user-data each server
runs (played on this machine by the stand-in). Stand-in: Keystone, Nova, Glance, Neutron and Swift
themselves, answering in their published request/response shapes.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from gates.openstack.tests.openstack_support import NO_VALID_HOST, StandIn, serving
from tests.served_gates import wait_for


def test_site_says_each_partition_runs_one_job(openstack_gate: httpx.Client) -> None:
    site = openstack_gate.get("/site").json()

    assert (site["kind"], site["name"], site["single_job"], site["max_nodes"]) == ("openstack", "openstack", True, 8)


def test_flavors_come_from_nova_with_gpus_from_extra_specs_and_prices_from_settings(
    openstack_gate: httpx.Client,
) -> None:
    flavors = {f["name"]: f for f in openstack_gate.get("/flavors").json()}

    assert sorted(flavors) == ["g1.a100x2", "m1.large", "m1.small", "v1.vgpu"]
    small = flavors["m1.small"]
    assert (small["cpus"], small["mem"], small["gpus"], small["price"], small["storage"]) == (1, 2048, 0, 0.05, 20480)
    assert flavors["m1.large"]["storage"] == (80 + 20) * 1024  # root and ephemeral disk
    assert flavors["m1.large"]["price"] == 0  # no price in settings: OpenStack has no price API
    assert (flavors["g1.a100x2"]["gpus"], flavors["g1.a100x2"]["gpu_model"], flavors["g1.a100x2"]["price"]) == (
        2,
        "a100",
        4.1,
    )
    assert flavors["v1.vgpu"]["gpus"] == 1


def test_images_are_the_configured_glance_images_by_name_or_id(openstack_gate: httpx.Client, stand_in: StandIn) -> None:
    images = {i["name"]: i for i in openstack_gate.get("/images").json()}

    assert sorted(images) == ["by-id", "ubuntu"]
    assert images["ubuntu"]["comment"] == f"{stand_in.images[0]['id']} ubuntu-24.04"


def test_a_deactivated_image_is_not_offered(openstack_gate_settings: dict[str, Any]) -> None:
    with serving({**openstack_gate_settings, "images": {"old": "old-image", "ubuntu": "ubuntu-24.04"}}) as gate:
        assert [i["name"] for i in gate.get("/images").json()] == ["ubuntu"]


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ({"flavor": "m1.huge"}, "unknown flavor 'm1.huge'"),
        ({"flavor": "m1.small", "image": "windows"}, "unknown image 'windows'"),
    ],
)
def test_unknown_flavor_or_image_is_a_400_naming_the_offered_ones(
    openstack_gate: httpx.Client, stand_in: StandIn, body: dict[str, str], named: str
) -> None:
    answer = openstack_gate.post("/partitions", json={"id": "p1", "count": 1, **body})

    assert answer.status_code == 400
    assert named in answer.json()["detail"]
    assert "m1.small" in answer.json()["detail"] or "ubuntu" in answer.json()["detail"]
    assert stand_in.servers == {}


def test_more_nodes_than_max_nodes_is_a_409(openstack_gate: httpx.Client) -> None:
    answer = openstack_gate.post("/partitions", json={"id": "p1", "flavor": "m1.small", "count": 9})

    assert answer.status_code == 409
    assert "max_nodes" in answer.json()["detail"]


def test_a_partition_is_count_servers_in_a_server_group_labelled_and_closed_to_inbound_traffic(
    openstack_gate: httpx.Client, stand_in: StandIn
) -> None:
    created = openstack_gate.post("/partitions", json={"id": "p1", "flavor": "m1.large", "count": 3, "owner": "bob"})
    assert created.status_code == 201, created.text

    ready = wait_for(openstack_gate, "/partitions/p1", ("ready", "failed"))

    assert ready["state"] == "ready", ready
    servers = list(stand_in.servers.values())
    assert len(servers) == 3 and len(ready["nodes"]) == 3
    assert sorted(s["metadata"]["skyport-node"] for s in servers) == ["0", "1", "2"]
    assert {(s["metadata"]["skyport-partition"], s["metadata"]["skyport-owner"]) for s in servers} == {("p1", "bob")}
    assert {tuple(s["tags"]) for s in servers} == {("skyport",)}
    assert {s["key_name"] for s in servers} == {None}  # no key pair: nothing logs in
    (group,) = stand_in.server_groups.values()
    assert group["name"] == "skyport/openstack/p1" and sorted(group["members"]) == sorted(stand_in.servers)
    (security_group,) = stand_in.security_groups.values()
    assert {s["security_groups"][0]["name"] for s in servers} == {security_group["name"]}
    rules = [r for r in stand_in.rules.values() if r["security_group_id"] == security_group["id"]]
    assert rules and {r["direction"] for r in rules} == {"egress"}
    assert not [path for _, path in stand_in.requests if "floatingip" in path]


def test_an_ingress_rule_someone_added_to_the_gate_s_group_is_removed(
    openstack_gate_settings: dict[str, Any], stand_in: StandIn
) -> None:
    with serving(openstack_gate_settings) as gate:
        gate.post("/partitions", json={"id": "p1", "flavor": "m1.small", "count": 1}).raise_for_status()
    (group,) = stand_in.security_groups.values()
    with stand_in.lock:
        ssh = {"id": "ssh", "security_group_id": group["id"], "direction": "ingress", "ethertype": "IPv4"}
        stand_in.rules["ssh"] = {**next(iter(stand_in.rules.values())), **ssh}

    with serving(openstack_gate_settings) as gate:
        gate.post("/partitions", json={"id": "p2", "flavor": "m1.small", "count": 1}).raise_for_status()

    assert "ssh" not in stand_in.rules


def test_creating_a_partition_twice_answers_200_with_the_same_servers(openstack_gate: httpx.Client) -> None:
    body = {"id": "p1", "flavor": "m1.small", "count": 2}
    first = openstack_gate.post("/partitions", json=body)

    again = openstack_gate.post("/partitions", json=body)

    assert (first.status_code, again.status_code) == (201, 200)
    assert [n["name"] for n in again.json()["nodes"]] == [n["name"] for n in first.json()["nodes"]]


def test_delete_removes_every_server_and_the_server_group(openstack_gate: httpx.Client, stand_in: StandIn) -> None:
    openstack_gate.post("/partitions", json={"id": "p1", "flavor": "m1.small", "count": 2})

    deleted = openstack_gate.delete("/partitions/p1").json()

    assert deleted["state"] == "deleted"
    assert stand_in.servers == {} and stand_in.server_groups == {}


def test_the_sweeper_lists_servers_and_groups_without_a_record_for_the_core_to_delete(
    openstack_gate: httpx.Client, stand_in: StandIn
) -> None:
    lost = stand_in.launch_behind_the_gates_back("openstack", "lost")
    stand_in.launch_behind_the_gates_back("another-site", "theirs")
    stand_in.server_groups["g"] = {"id": "g", "name": "skyport/openstack/empty", "policy": "affinity", "members": []}

    listed = {p["id"]: p for p in openstack_gate.get("/partitions").json()}
    for partition_id in listed:
        assert openstack_gate.delete(f"/partitions/{partition_id}").json()["state"] == "deleted"

    assert sorted(listed) == ["empty", "lost"]  # not another site's
    assert lost not in stand_in.servers and "g" not in stand_in.server_groups
    assert [s["metadata"]["skyport-site"] for s in stand_in.servers.values()] == ["another-site"]


def test_a_capacity_fault_is_retried_and_the_partition_becomes_ready(
    openstack_gate: httpx.Client, stand_in: StandIn
) -> None:
    stand_in.build_faults.append(NO_VALID_HOST)
    openstack_gate.post("/partitions", json={"id": "p1", "flavor": "m1.small", "count": 1})

    ready = wait_for(openstack_gate, "/partitions/p1", ("ready", "failed"))

    assert ready["state"] == "ready", ready
    assert len(stand_in.servers) == 1  # the server in ERROR was deleted


def test_tls_is_verified_a_cloud_whose_ca_is_not_trusted_is_refused(
    openstack_gate_settings: dict[str, Any], stand_in: StandIn, caplog: pytest.LogCaptureFixture
) -> None:
    settings = {k: v for k, v in openstack_gate_settings.items() if k != "ca_file"}
    with serving(settings) as gate:
        answer = gate.get("/flavors")

    assert answer.status_code == 500
    assert "CERTIFICATE_VERIFY_FAILED" in caplog.text
    assert not [path for _, path in stand_in.requests if path.endswith("/auth/tokens")]  # no password was sent
