"""`skyport gate openstack --config FILE`: the openstack gate as its own process, over mutual TLS.

Real: the gate process, openstacksdk and the user-data the servers run (played by the stand-in,
openstack_support.py). Stand-in: the OpenStack services.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from skyport_gate_sdk.conformance import CHECKS

from tests.served_gates import refused_config, served_gate, skyport


@pytest.fixture
def served(openstack_gate_settings: dict[str, Any], tmp_path: Path) -> Iterator[httpx.Client]:
    """The gate started as an operator starts it, and a client holding the core certificate of the home's CA."""
    with served_gate("openstack", openstack_gate_settings, tmp_path) as (client, _):
        yield client


def test_the_served_gate_passes_the_conformance_kit_over_mutual_tls(served: httpx.Client, tmp_path: Path) -> None:
    """`skyport conformance gate URL` against the gate process: every check, jobs and files included."""
    assert served.get("/site").json()["kind"] == "openstack"
    command = [
        *skyport(tmp_path / "home"),
        "conformance",
        "gate",
        str(served.base_url),
        "--flavor",
        "m1.small",
        "--timeout",
        "30",
    ]

    result = subprocess.run(command, check=False, capture_output=True, text=True, timeout=300)

    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{len(CHECKS)} of {len(CHECKS)} checks passed" in result.stdout


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("name: openstack\nflavors: [m1.small]\n", "'images' is required"),
        ("name: openstack\nimages: {u: u}\ncloud: nowhere\n", "cannot read the credentials of cloud 'nowhere'"),
        ("name: openstack\nimages: {u: u}\nverify: false\n", "unknown keys ['verify']"),
    ],
)
def test_a_wrong_config_is_a_message_and_a_failed_exit(tmp_path: Path, content: str, message: str) -> None:
    stderr = refused_config("openstack", content, tmp_path)
    assert message in stderr, stderr
