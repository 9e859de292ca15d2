"""The slurm gate on a real one-node Slurm (slurm_support.py): what the conformance checks do not cover."""

from __future__ import annotations

import os
import subprocess
import time
from typing import Any

import httpx
import pytest
from skyport_gate_slurm import create_app, settings
from skyport_gate_slurm.slurm import PartitionInfo, parse_max_rss, parse_sinfo

from gates.local.tests.local_gate_support import serving
from gates.slurm.tests.slurm_support import TMP_DISK
from skyport.errors import BadRequest

pytestmark = pytest.mark.slurm

WAIT = 60.0


def wait_for(gate: httpx.Client, job_id: str, states: tuple[str, ...]) -> dict[str, Any]:
    deadline = time.monotonic() + WAIT
    while (job := gate.get(f"/jobs/{job_id}").json())["state"] not in states:
        assert time.monotonic() < deadline, job
        time.sleep(0.1)
    result: dict[str, Any] = job
    return result


def start(gate: httpx.Client, job_id: str, script: str, **fields: Any) -> dict[str, Any]:
    gate.post("/partitions", json={"id": "p1", "flavor": "debug", "count": 1})
    started = gate.post("/jobs", json={"id": job_id, "partition_id": "p1", "script": script, **fields})
    assert started.status_code == 201, started.text
    body: dict[str, Any] = started.json()
    return body


def test_a_flavor_is_a_slurm_partition_with_its_node_shape_and_configured_price(
    slurm_gate_settings: dict[str, Any],
) -> None:
    with serving(create_app({**slurm_gate_settings, "prices": {"debug": 0.25}})) as gate:
        (flavor,) = gate.get("/flavors").json()
        site = gate.get("/site").json()
    assert (flavor["name"], flavor["cpus"], flavor["gpus"], flavor["price"]) == ("debug", 2, 0, 0.25)
    assert flavor["mem"] > 0
    assert flavor["storage"] == TMP_DISK  # the test cluster's node's TmpDisk
    assert (site["kind"], site["max_nodes"], site["single_job"]) == ("slurm", 1, False)


def test_the_job_runs_as_a_slurm_batch_job_with_its_environment(slurm_gate: httpx.Client, slurm_cluster: str) -> None:
    job = start(slurm_gate, "j1", '#!/bin/sh\necho "$GREETING from $SLURM_JOB_ID"\n', env={"GREETING": "it's me"})
    slurm_id = job["state_details"].split()[2]
    ended = wait_for(slurm_gate, "j1", ("finished", "failed", "cancelled"))
    assert (ended["state"], ended["exitcode"]) == ("finished", 0)
    assert slurm_gate.get("/jobs/j1/stdout").content == f"it's me from {slurm_id}\n".encode()


def test_a_job_asking_for_more_disk_than_the_nodes_tmp_disk_is_refused_saying_why(slurm_gate: httpx.Client) -> None:
    """sbatch --tmp beyond the node's TmpDisk: Slurm refuses it, and the gate says so; within it, it runs."""
    slurm_gate.post("/partitions", json={"id": "p1", "flavor": "debug", "count": 1})
    job = {"partition_id": "p1", "script": "#!/bin/sh\necho fits\n"}
    refused = slurm_gate.post("/jobs", json={**job, "id": "big", "storage": TMP_DISK + 1})
    assert refused.status_code == 409, refused.text
    assert refused.json()["detail"] == (
        f"job big asks for {TMP_DISK + 1} MiB of disk per node (sbatch --tmp); the nodes of Slurm partition debug "
        f"have {TMP_DISK} MiB (TmpDisk in slurm.conf)"
    )
    assert slurm_gate.post("/jobs", json={**job, "id": "fits", "storage": TMP_DISK}).status_code == 201
    assert wait_for(slurm_gate, "fits", ("finished", "failed", "cancelled"))["state"] == "finished"


def test_a_job_cancelled_in_slurm_is_cancelled(slurm_gate: httpx.Client, slurm_cluster: str) -> None:
    job = start(slurm_gate, "j1", "sleep 300")
    wait_for(slurm_gate, "j1", ("running",))
    env = {**os.environ, "SLURM_CONF": slurm_cluster}
    subprocess.run(["scancel", job["state_details"].split()[2]], env=env, check=True)
    ended = wait_for(slurm_gate, "j1", ("finished", "failed", "cancelled"))
    assert (ended["state"], ended["state_details"]) == ("cancelled", "cancelled in Slurm")


def test_a_restarted_gate_follows_its_jobs_to_the_end(slurm_gate_settings: dict[str, Any]) -> None:
    with serving(create_app(slurm_gate_settings)) as gate:
        start(gate, "j1", "sleep 2\nexit 4")
        wait_for(gate, "j1", ("running",))
    with serving(create_app(slurm_gate_settings)) as gate:
        ended = wait_for(gate, "j1", ("finished", "failed", "cancelled"))
    assert (ended["state"], ended["exitcode"]) == ("finished", 4)


def test_more_nodes_than_the_slurm_partition_has_is_a_409(slurm_gate: httpx.Client) -> None:
    answer = slurm_gate.post("/partitions", json={"id": "p1", "flavor": "debug", "count": 3})
    assert answer.status_code == 409
    assert "has 1 node(s); 3 asked" in answer.json()["detail"]


def test_an_unknown_flavor_is_a_400_naming_the_offered_ones(slurm_gate: httpx.Client) -> None:
    answer = slurm_gate.post("/partitions", json={"id": "p1", "flavor": "gpu", "count": 1})
    assert answer.status_code == 400
    assert "['debug']" in answer.json()["detail"]


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"name": "lab"}, "'state_dir' is required"),
        ({"name": "lab", "state_dir": "/tmp/x", "queue": "debug"}, "unknown keys ['queue']"),
        ({"name": "lab", "state_dir": "/tmp/x", "partitions": "debug"}, "list of Slurm partition names"),
        ({"name": "lab", "state_dir": "/tmp/x", "prices": {"debug": -1}}, "USD per node-hour"),
    ],
)
def test_a_bad_setting_is_named(raw: dict[str, Any], message: str) -> None:
    with pytest.raises(BadRequest, match=message.replace("[", r"\[").replace("]", r"\]")):
        settings.load(raw)


def test_sinfo_lines_become_partitions_with_their_smallest_node_gpus_and_disk() -> None:
    """sinfo output of a cluster this machine cannot be: several nodes, GPUs of two kinds."""
    text = "\n".join(
        [
            "cpu|n1|64|256000|(null)|0",
            "cpu|n2|32|128000+|(null)|0",
            "gpu|g1|32|192000|gpu:a100:4(S:0-1)|512000",
            "gpu|g2|32|192000|gpu:a100:2,gpu:v100:2|256000+",
            "cpu|n1|64|256000|(null)|0",
        ]
    )
    assert parse_sinfo(text) == [
        PartitionInfo("cpu", ("n1", "n2"), cpus=32, mem=128000, gpus=0),
        PartitionInfo("gpu", ("g1", "g2"), cpus=32, mem=192000, gpus=4, disk=256000),
    ]


def test_sacct_maxrss_becomes_the_largest_of_the_steps_in_bytes() -> None:
    """sacct output of a cluster that gathers memory (jobacct_gather/linux with slurmdbd), which the
    test cluster does not: one line per step, the job's own line empty."""
    assert parse_max_rss("\n52340K\n0\n") == 52340 * 1024
    assert parse_max_rss("\n1.5G\n1024M\n") == round(1.5 * 1024**3)
    assert parse_max_rss("\n0\n0\n") is None  # jobacct_gather/none records 0
    assert parse_max_rss("") is None
