"""A job on an azure site, from `skyport submit` to its result, through a real daemon.

The daemon mounts the azure gate for a site bound to the ARM stand-in and to a real Azurite process
(gates/azure/tests/azure_support.py). The stand-in answers ARM's calls in ARM's shapes; nothing
plays a VM but the ``vm_player`` fixture, which runs each VM's custom data on this machine against
Azurite, so the job really runs through the bootstrap script a real VM boots with.
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

from gates.azure.tests.azure_support import ArmStandIn, Refusal
from tests.conftest import Daemon, running_daemon
from tests.e2e.cloud_sites import details_until_ended, reverse_job, site
from tests.e2e.test_cli import skyport

pytestmark = pytest.mark.azure

B1S_PRICE = 0.0114  # westeurope, gates/azure/skyport_gate_azure/prices.json


@pytest.fixture
def azure_daemon(home: Path, tmp_path: Path, azure_gate_settings: dict[str, Any]) -> Iterator[Daemon]:
    """A daemon with the local site and an azure site; always stopped."""
    local = yaml.safe_load((home / "config.yaml").read_text())["sites"]
    with running_daemon(home, tmp_path / "daemon.log", [*local, site("azure", azure_gate_settings)]) as daemon:
        yield daemon


def test_a_job_with_an_input_file_runs_on_azure_and_costs_what_it_ran(
    azure_daemon: Daemon, arm: ArmStandIn, tmp_path: Path
) -> None:
    job = reverse_job(azure_daemon, tmp_path, "azure", "Standard_B1s", price=B1S_PRICE, pause=2)
    remotes = {r["name"]: r for r in json.loads(skyport(azure_daemon, "--json", "remotes").stdout)}
    assert remotes["azure"]["spend"] == pytest.approx(job["cost"], abs=2e-6)
    deadline = time.monotonic() + 30
    while arm.group_tags():
        assert time.monotonic() < deadline, f"resource groups left after the job: {arm.group_tags()}"
        time.sleep(0.2)


def test_what_the_azure_site_does_not_offer_is_a_400_at_submit_naming_it(azure_daemon: Daemon) -> None:
    with httpx.Client(base_url=azure_daemon.url, verify=azure_daemon.ssl_context()) as http:
        deadline = time.monotonic() + 30
        while "Standard_B1s" not in {flavor["name"] for flavor in http.get("/user/flavor").json()}:
            assert time.monotonic() < deadline, "the azure site never answered"
            time.sleep(0.1)
        for directive, named in [
            ("flavor Standard_X99", "Standard_X99"),
            ("image windows", "windows"),
            ("gpus 8", "gpu"),
        ]:
            script = f"#!/bin/sh\n#SWM site azure\n#SWM {directive}\ntrue\n"
            response = http.post("/user/job", files={"script_content": ("job.sh", script)})
            assert response.status_code == 400, response.text
            assert named in response.json()["detail"]
        assert http.get("/user/job").json() == []


def test_quota_then_capacity_refusals_are_the_waiting_jobs_reason_and_then_it_runs(
    home: Path, tmp_path: Path, azure_gate_settings: dict[str, Any], arm: ArmStandIn
) -> None:
    arm.refusals.append(Refusal(409, "QuotaExceeded", "Operation results in exceeding quota limits of Core."))
    arm.refusals.append(Refusal(0, "ZonalAllocationFailed", "Allocation failed in the requested zone."))
    sites = [site("azure", azure_gate_settings, create_backoff=0.5)]
    with running_daemon(home, tmp_path / "daemon.log", sites) as daemon:
        (tmp_path / "job.sh").write_text("#!/bin/sh\necho ran\n")
        job_id = skyport(daemon, "submit", str(tmp_path / "job.sh")).stdout.strip()

        job, waiting = details_until_ended(daemon, job_id)

    assert job["state"] == "F", job["state_details"]
    assert any("QuotaExceeded" in details and "vCPU quota" in details for details in waiting), waiting
    assert any("ZonalAllocationFailed" in details for details in waiting), waiting


def test_refusals_every_time_end_the_job_in_E_saying_what_azure_refused(
    home: Path, tmp_path: Path, azure_gate_settings: dict[str, Any], arm: ArmStandIn
) -> None:
    arm.refusals.extend([Refusal(409, "SkuNotAvailable", "The requested size is not available.")] * 2)
    sites = [site("azure", azure_gate_settings, create_attempts=2)]
    with running_daemon(home, tmp_path / "daemon.log", sites) as daemon:
        (tmp_path / "job.sh").write_text("#!/bin/sh\necho never\n")
        job_id = skyport(daemon, "submit", str(tmp_path / "job.sh")).stdout.strip()

        job, _ = details_until_ended(daemon, job_id)

    assert job["state"] == "E"
    assert "SkuNotAvailable" in job["state_details"], job["state_details"]


def test_groups_a_lost_store_left_behind_are_deleted_when_the_daemon_starts(
    home: Path, tmp_path: Path, azure_gate_settings: dict[str, Any], arm: ArmStandIn
) -> None:
    tags = {"skyport-site": "azure", "skyport-partition": "p-from-a-lost-store", "skyport-owner": "alice"}
    arm.add_group("skyport-azure-p-from-a-lost-store", tags)

    with running_daemon(home, tmp_path / "daemon.log", [site("azure", azure_gate_settings)]):
        deadline = time.monotonic() + 30
        while arm.group_tags():
            assert time.monotonic() < deadline, f"the orphan group is still there: {arm.group_tags()}"
            time.sleep(0.2)
