"""`skyport gate openstack --config FILE`: the openstack gate as its own process, over mutual TLS.

Real: the gate process, openstacksdk and the user-data the servers run (played by the stand-in,
openstack_support.py). Stand-in: the OpenStack services.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from skyport_gate_sdk.conformance import CHECKS

from gates.aws.tests.aws_support import free_port
from skyport import pki


def gate_command(home: Path, config: Path, port: int) -> list[str]:
    skyport = [sys.executable, "-m", "skyport", "--home", str(home)]
    return [*skyport, "gate", "openstack", "--config", str(config), "--port", str(port)]


@pytest.fixture
def served(openstack_gate_settings: dict[str, Any], tmp_path: Path) -> Iterator[httpx.Client]:
    """The gate started as an operator starts it, and a client holding the core certificate of the home's CA."""
    home = tmp_path / "home"
    pki.init_authority(home, "alice")
    config = tmp_path / "openstack.yaml"
    config.write_text(yaml.safe_dump({k: v for k, v in openstack_gate_settings.items() if k != "state_dir"}))
    port = free_port()
    log = tmp_path / "gate.log"
    with log.open("wb") as out:
        process = subprocess.Popen(gate_command(home, config, port), stdout=out, stderr=subprocess.STDOUT)
    client = httpx.Client(base_url=f"https://127.0.0.1:{port}", verify=pki.core_context(home), timeout=30)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                client.get("/site").raise_for_status()
                break
            except httpx.TransportError:
                assert process.poll() is None and time.monotonic() < deadline, log.read_text()
                time.sleep(0.1)
        yield client
    finally:
        client.close()
        process.terminate()
        process.wait(10)


def test_the_served_gate_passes_the_conformance_kit_over_mutual_tls(served: httpx.Client, tmp_path: Path) -> None:
    """`skyport conformance gate URL` against the gate process: every check, jobs and files included."""
    assert served.get("/site").json()["kind"] == "openstack"
    skyport = [sys.executable, "-m", "skyport", "--home", str(tmp_path / "home")]
    command = [*skyport, "conformance", "gate", str(served.base_url), "--flavor", "m1.small", "--timeout", "30"]

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
    home = tmp_path / "home"
    pki.init_authority(home, "alice")
    config = tmp_path / "openstack.yaml"
    config.write_text(content)
    result = subprocess.run(
        gate_command(home, config, free_port()), check=False, capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0
    assert message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
