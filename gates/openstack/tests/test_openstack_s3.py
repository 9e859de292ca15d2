"""A site that stages through its cloud's S3-compatible endpoint (setting ``s3``) instead of Swift.

Real: a moto server standing for the cloud's S3 endpoint (Ceph RGW or Swift's s3api on a real
cloud), boto3's presigned URLs and the curl that uses them on the played server, openstacksdk and
the gate. Stand-in: Keystone, Nova, Glance and Neutron (openstack_support.py).
"""

from __future__ import annotations

from typing import Any

import pytest
from skyport_gate_sdk.errors import BadRequest

from gates.aws.tests.aws_support import aws_client
from gates.openstack.tests.openstack_support import StandIn, serving
from tests.served_gates import wait_for

pytestmark = pytest.mark.aws


def test_a_job_runs_with_its_files_in_the_s3_bucket_and_nothing_in_swift(
    openstack_gate_settings: dict[str, Any], stand_in: StandIn, moto_server: str
) -> None:
    s3 = aws_client("s3", moto_server)
    s3.create_bucket(Bucket="openstack-s3")
    settings = {**openstack_gate_settings, "s3": {"endpoint_url": moto_server, "bucket": "openstack-s3"}}
    with serving(settings) as gate:
        gate.post("/partitions", json={"id": "p1", "flavor": "m1.small", "count": 1}).raise_for_status()
        assert wait_for(gate, "/partitions/p1", ("ready", "failed"))["state"] == "ready"
        gate.put("/jobs/j1/inputs/in.txt", content=b"through s3\n").raise_for_status()
        script = "#!/bin/sh\ncp in.txt out.txt\n"
        gate.post("/jobs", json={"id": "j1", "partition_id": "p1", "script": script, "outputs": ["out.txt"]})

        job = wait_for(gate, "/jobs/j1", ("finished", "failed", "cancelled"))

        assert (job["state"], job.get("exitcode")) == ("finished", 0), job
        assert gate.get("/jobs/j1/outputs/out.txt").content == b"through s3\n"
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket="openstack-s3")["Contents"]]
    assert "skyport/openstack/jobs/j1/outputs/out.txt" in keys
    assert stand_in.containers == {}


def test_the_s3_setting_names_what_it_needs(openstack_gate_settings: dict[str, Any]) -> None:
    with (
        pytest.raises(BadRequest, match="takes endpoint_url and bucket"),
        serving({**openstack_gate_settings, "s3": {"bucket": "b"}}) as gate,
    ):
        gate.get("/site")
