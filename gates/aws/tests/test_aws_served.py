"""`skyport gate aws --config FILE`: the aws gate as its own process, over mutual TLS, bound to moto.

Instances are played by the ``instance_player`` fixture (aws_support.py): it runs each launched
instance's user-data on this machine against moto's S3.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.served_gates import refused_config, served_gate, wait_for

pytestmark = pytest.mark.aws

WAIT = 60.0


@pytest.fixture
def served(aws_gate_settings: dict[str, Any], tmp_path: Path) -> Iterator[httpx.Client]:
    """The gate started as an operator starts it, and a client holding the core certificate of the home's CA."""
    with served_gate("aws", aws_gate_settings, tmp_path) as (client, _):
        yield client


def test_served_gate_runs_a_job_over_mutual_tls(served: httpx.Client) -> None:
    site = served.get("/site").json()
    assert (site["kind"], site["name"], site["single_job"]) == ("aws", "aws", True)
    assert served.post("/partitions", json={"id": "p1", "flavor": "t3.micro", "count": 1}).status_code == 201
    assert wait_for(served, "/partitions/p1", ("ready", "failed"), WAIT)["state"] == "ready"
    started = served.post("/jobs", json={"id": "j1", "partition_id": "p1", "script": "#!/bin/sh\necho served\n"})
    assert started.status_code == 201, started.text
    job = wait_for(served, "/jobs/j1", ("finished", "failed", "cancelled"), WAIT)
    assert (job["state"], job.get("exitcode")) == ("finished", 0), job
    assert served.get("/jobs/j1/stdout").content == b"served\n"


def test_served_gate_refuses_a_client_without_a_certificate(served: httpx.Client) -> None:
    url = str(served.base_url)
    with pytest.raises(httpx.HTTPError):
        httpx.get(f"{url}/site", verify=False)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("name: aws\nregion: us-east-1\nflavors: [t3.micro]\n", "'bucket' is required"),
        ("name: aws\nbucket: b\nbogus: 1\n", "unknown keys ['bogus']"),
        ("name: [aws\n", "not valid YAML"),
        ("- a list\n", "expected a mapping"),
    ],
)
def test_a_wrong_config_is_a_message_and_a_failed_exit(tmp_path: Path, content: str, message: str) -> None:
    stderr = refused_config("aws", content, tmp_path)
    assert message in stderr, stderr
