"""`skyport gate azure --config FILE`: the azure gate as its own process, over mutual TLS.

ARM is the stand-in of azure_support.py and Blob Storage is Azurite; the gate process finds the
stand-in's managed-identity endpoint and the storage key through its environment, as a real gate
finds its credentials. VMs are played by the ``vm_player`` fixture, in the test's process. The
conformance kit (`skyport conformance gate URL`) checks the served gate as it checks a third
party's.
"""

from __future__ import annotations

import json
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

from skyport import pki
from tests.conftest import free_port

pytestmark = pytest.mark.azure

WAIT = 30.0


def skyport(home: Path) -> list[str]:
    return [sys.executable, "-m", "skyport", "--home", str(home)]


@pytest.fixture
def served(azure_gate_settings: dict[str, Any], tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """The gate started as an operator starts it: its URL and the home whose core certificate it accepts."""
    home = tmp_path / "home"
    pki.init_authority(home, "alice")
    config = tmp_path / "azure.yaml"
    config.write_text(yaml.safe_dump({k: v for k, v in azure_gate_settings.items() if k != "state_dir"}))
    port = free_port()
    log = tmp_path / "gate.log"
    with log.open("wb") as out:
        command = [*skyport(home), "gate", "azure", "--config", str(config), "--port", str(port)]
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    url = f"https://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + WAIT
        with httpx.Client(base_url=url, verify=pki.core_context(home)) as client:
            while True:
                try:
                    client.get("/site").raise_for_status()
                    break
                except httpx.TransportError:
                    assert process.poll() is None and time.monotonic() < deadline, log.read_text()
                    time.sleep(0.1)
        yield url, home
    finally:
        process.terminate()
        process.wait(10)


def test_the_served_gate_passes_the_conformance_kit(served: tuple[str, Path]) -> None:
    url, home = served
    command = [*skyport(home), "--json", "conformance", "gate", url, "--flavor", "Standard_B1s", "--timeout", "30"]

    result = subprocess.run(command, check=False, capture_output=True, text=True, timeout=300)

    failed = [entry for entry in json.loads(result.stdout or "[]") if not entry["passed"]]
    assert result.returncode == 0 and not failed, result.stdout + result.stderr
    assert len(json.loads(result.stdout)) == len(CHECKS)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("name: azure\nsubscription_id: s\nlocation: westeurope\nstorage_account: a\n", "'container' is required"),
        ("name: azure\ncontainer: c\nclient_secret: x\n", "unknown keys ['client_secret']"),
    ],
)
def test_a_wrong_config_is_a_message_and_a_failed_exit(tmp_path: Path, content: str, message: str) -> None:
    home = tmp_path / "home"
    pki.init_authority(home, "alice")
    config = tmp_path / "azure.yaml"
    config.write_text(content)
    command = [*skyport(home), "gate", "azure", "--config", str(config), "--port", str(free_port())]

    result = subprocess.run(command, check=False, capture_output=True, text=True, timeout=60)

    assert result.returncode != 0
    assert message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
