"""A job on an openstack site, from `skyport submit` to its result, through a real daemon.

The daemon mounts the openstack gate for a site on the stand-in cloud of
gates/openstack/tests/openstack_support.py: Keystone, Nova, Glance, Neutron and Swift answering
in their published shapes on loopback (HTTPS, its own CA). Real: the daemon, the gate,
openstacksdk, and the user-data and job bundle each server runs, which the stand-in runs on this
machine against its Swift, as a server boots them.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from gates.openstack.tests.openstack_support import StandIn
from tests.conftest import Daemon, running_daemon
from tests.e2e.cloud_sites import details_until_ended, reverse_job, site
from tests.e2e.test_cli import skyport

PRICE = 0.05  # m1.small's price in openstack_gate_settings


@pytest.fixture
def openstack_daemon(home: Path, tmp_path: Path, openstack_gate_settings: dict[str, Any]) -> Iterator[Daemon]:
    """A daemon with one openstack site on the stand-in; always stopped."""
    with running_daemon(home, tmp_path / "daemon.log", [site("openstack", openstack_gate_settings)]) as daemon:
        yield daemon


def test_a_job_with_an_input_file_runs_on_openstack_and_costs_what_it_ran(
    openstack_daemon: Daemon, stand_in: StandIn, tmp_path: Path
) -> None:
    reverse_job(openstack_daemon, tmp_path, "openstack", "m1.small", price=PRICE, pause=1)
    deadline = time.monotonic() + 30
    while stand_in.servers or stand_in.server_groups:
        assert time.monotonic() < deadline, f"left behind: {stand_in.servers} {stand_in.server_groups}"
        time.sleep(0.2)


def test_a_flavor_or_image_the_site_does_not_offer_is_a_400_at_submit(openstack_daemon: Daemon) -> None:
    with httpx.Client(base_url=openstack_daemon.url, verify=openstack_daemon.ssl_context()) as http:
        deadline = time.monotonic() + 30
        while "m1.small" not in {flavor["name"] for flavor in http.get("/user/flavor").json()}:
            assert time.monotonic() < deadline, "the openstack site never answered"
            time.sleep(0.1)
        for directive, named in (("flavor m9.enormous", "m9.enormous"), ("image windows", "windows")):
            script = f"#!/bin/sh\n#SWM site openstack\n#SWM {directive}\ntrue\n"
            response = http.post("/user/job", files={"script_content": ("job.sh", script)})
            assert response.status_code == 400, response.text
            assert named in response.json()["detail"]
        assert http.get("/user/job").json() == []


def test_a_quota_refusal_keeps_the_job_waiting_saying_why_then_it_runs(
    home: Path, tmp_path: Path, openstack_gate_settings: dict[str, Any], stand_in: StandIn
) -> None:
    stand_in.refuse(403, "forbidden", "Quota exceeded for cores: Requested 1, but already used 20 of 20 cores")
    sites = [site("openstack", openstack_gate_settings, launch_backoff=1.0)]
    path = tmp_path / "job.sh"
    path.write_text("#!/bin/sh\n#SWM site openstack\n#SWM flavor m1.small\necho ran\n")
    with running_daemon(home, tmp_path / "daemon.log", sites) as daemon:
        job, seen = details_until_ended(daemon, skyport(daemon, "submit", str(path)).stdout.strip())

    assert job["state"] == "F", job["state_details"]
    assert any("quota is used up" in details and "Quota exceeded for cores" in details for details in seen), seen


def test_servers_a_lost_store_left_behind_are_deleted_when_the_daemon_starts(
    home: Path, tmp_path: Path, openstack_gate_settings: dict[str, Any], stand_in: StandIn
) -> None:
    orphan = stand_in.launch_behind_the_gates_back("openstack", "p-from-a-lost-store")

    with running_daemon(home, tmp_path / "daemon.log", [site("openstack", openstack_gate_settings)]):
        deadline = time.monotonic() + 30
        while orphan in stand_in.servers:
            assert time.monotonic() < deadline, "the orphan server is still there"
            time.sleep(0.2)
