"""The conformance kit's gate checks (skyport_gate_sdk.conformance), run on each built-in gate.

The ``gate`` fixture is parametrised over ``GATES``: each entry names a fixture that yields a
:class:`GateUnderTest` (a client of a served gate, plus the flavor a partition of one node uses).
Adding a gate is one line in ``GATES``. The same checks are what `skyport conformance gate URL`
runs for a third party's gate; the last tests run that command.
"""

from __future__ import annotations

import dataclasses
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import yaml
from skyport_gate_sdk.conformance import CHECKS, Check, GateUnderTest

from skyport import pki
from tests.conftest import free_port
from tests.debian import bubblewrap

STARTUP_TIMEOUT = 30.0


@dataclasses.dataclass(frozen=True)
class ServedGate:
    url: str
    home: Path


@pytest.fixture(scope="module")
def served_local_gate(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedGate]:
    """The local gate as an operator runs it: `skyport gate local`, its own process, over mutual TLS."""
    bubblewrap()
    root = tmp_path_factory.mktemp("local-gate")
    home = root / "home"
    pki.init_authority(home, "alice")
    config = root / "gate.yaml"
    config.write_text(yaml.safe_dump({"name": "local", "cpus": 2, "mem": 1024, "kill_grace": 1}))
    port = free_port()
    with (root / "gate.log").open("wb") as log:
        argv = [sys.executable, "-m", "skyport", "--home", str(home), "gate", "local", "--config", str(config)]
        process = subprocess.Popen([*argv, "--port", str(port)], stdout=log, stderr=subprocess.STDOUT)
    served = ServedGate(f"https://127.0.0.1:{port}", home)
    try:
        with httpx.Client(base_url=served.url, verify=pki.core_context(home)) as client:
            deadline = time.monotonic() + STARTUP_TIMEOUT
            while True:
                try:
                    client.get("/site").raise_for_status()
                    break
                except httpx.TransportError:
                    if process.poll() is not None or time.monotonic() > deadline:
                        log = (root / "gate.log").read_text()
                        raise RuntimeError(f"skyport gate local did not start:\n{log}") from None
                    time.sleep(0.05)
        yield served
    finally:
        process.terminate()
        process.wait(10)


@pytest.fixture
def local_gate(served_local_gate: ServedGate) -> Iterator[GateUnderTest]:
    with httpx.Client(
        base_url=served_local_gate.url, verify=pki.core_context(served_local_gate.home), timeout=30
    ) as client:
        under_test = GateUnderTest(client, flavor="local")
        yield under_test
        under_test.clean_up()  # cancels whatever a check left running


@pytest.fixture
def aws_gate_under_test(aws_gate: httpx.Client) -> GateUnderTest:
    """The aws gate on a moto server; the instance player (gates/aws/tests/aws_support.py) runs its instances."""
    return GateUnderTest(aws_gate, flavor="t3.micro")


@pytest.fixture
def openstack_gate_under_test(openstack_gate: httpx.Client) -> GateUnderTest:
    """The openstack gate on the stand-in cloud of gates/openstack/tests/openstack_support.py (it plays the servers)."""
    return GateUnderTest(openstack_gate, flavor="m1.small")


@pytest.fixture
def slurm_gate_under_test(slurm_gate: httpx.Client) -> GateUnderTest:
    """The slurm gate on a real one-node Slurm started by the tests (gates/slurm/tests/slurm_support.py)."""
    return GateUnderTest(slurm_gate, flavor="debug", timeout=60)


GATES = [
    pytest.param("local_gate", id="local"),
    pytest.param("aws_gate_under_test", id="aws", marks=pytest.mark.aws),
    pytest.param("openstack_gate_under_test", id="openstack"),
    pytest.param("slurm_gate_under_test", id="slurm", marks=pytest.mark.slurm),
]


@pytest.fixture(params=GATES)
def gate(request: pytest.FixtureRequest) -> GateUnderTest:
    """Each built-in gate in turn."""
    under_test: GateUnderTest = request.getfixturevalue(request.param)
    return under_test


@pytest.mark.parametrize("check", CHECKS, ids=lambda check: check.__name__)
def test_gate_passes(gate: GateUnderTest, check: Check) -> None:
    check(gate)


def conformance(served: ServedGate, *args: str, as_json: bool = False) -> subprocess.CompletedProcess[str]:
    skyport = [sys.executable, "-m", "skyport", "--home", str(served.home), *(["--json"] if as_json else [])]
    command = [*skyport, "conformance", "gate", served.url, *args]
    return subprocess.run(command, check=False, capture_output=True, text=True, timeout=300)


def test_the_conformance_command_passes_a_conforming_gate(served_local_gate: ServedGate) -> None:
    result = conformance(served_local_gate, "--flavor", "local", "--timeout", "30")
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{len(CHECKS)} of {len(CHECKS)} checks passed" in result.stdout


def test_the_conformance_command_names_what_failed_and_exits_1(served_local_gate: ServedGate) -> None:
    result = conformance(served_local_gate, "--flavor", "huge", "--timeout", "5", as_json=True)
    assert result.returncode == 1
    failed = {entry["check"]: entry["problem"] for entry in yaml.safe_load(result.stdout) if not entry["passed"]}
    assert "flavor 'huge' is not offered" in failed["site names its kind and offers flavors and images"]
    assert "unknown ids are 404 problem json" not in failed


@pytest.mark.aws
def test_a_gate_without_the_optional_batch_operations_answers_501_and_does_not_list_them(
    aws_gate: httpx.Client,
) -> None:
    """The aws gate serves neither batch operation: its site does not list them, and each answers a
    501 problem+json naming it, so the core keeps to one call per job on it."""
    assert not aws_gate.get("/site").json().get("batch")
    batches = {
        "/batch/start-jobs": ("start_jobs", [{"id": "j-1", "partition_id": "p-1", "script": "true"}]),
        "/batch/delete-job-files": ("delete_jobs_files", ["j-1"]),
    }
    for path, (operation, body) in batches.items():
        response = aws_gate.post(path, json=body)
        assert response.status_code == 501, response.text
        assert response.headers["content-type"].startswith("application/problem+json")
        assert f"does not serve the optional operation {operation}" in response.json()["detail"]
