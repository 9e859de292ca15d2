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
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from skyport_gate_sdk.conformance import CHECKS

from tests.served_gates import refused_config, served_gate, skyport

pytestmark = pytest.mark.azure


@pytest.fixture
def served(azure_gate_settings: dict[str, Any], tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """The gate started as an operator starts it: its URL and the home whose core certificate it accepts."""
    with served_gate("azure", azure_gate_settings, tmp_path) as (client, home):
        yield str(client.base_url).rstrip("/"), home


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
    stderr = refused_config("azure", content, tmp_path)

    assert message in stderr, stderr
