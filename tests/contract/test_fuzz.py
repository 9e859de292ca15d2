"""The specs fuzzed with schemathesis against real servers: no request gives a 5xx, every answer is as specified.

The terminal and TES specs run against a daemon process (tests/conftest.py) over mutual TLS as alice; the
gate spec against ``skyport gate local`` run as its own process over mutual TLS, as an operator
runs it. Each operation gets ``SKYPORT_FUZZ_EXAMPLES`` generated requests (default 20, so the
suite stays fast) on top of schemathesis's coverage phase (boundary values and malformed
requests); a longer run is one variable away::

    SKYPORT_FUZZ_EXAMPLES=2000 .venv/bin/pytest -m fuzz tests/contract/test_fuzz.py
"""

from __future__ import annotations

import dataclasses
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import schemathesis
import yaml
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from gates.local.tests.local_gate_support import GateProcess, wait_for
from skyport import pki, specs
from tests.conftest import make_home, running_daemon
from tests.processes import kill_leftover_jobs

EXAMPLES = int(os.environ.get("SKYPORT_FUZZ_EXAMPLES", "20"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]

pytestmark = pytest.mark.fuzz


def _schema(name: str) -> schemathesis.BaseSchema:
    schema = schemathesis.openapi.from_dict(specs.load(name), config=schemathesis.Config())
    schema.config.generation.update(max_examples=EXAMPLES)
    return schema


terminal = _schema("core-terminal")
gate = _schema("core-gate")
tes = _schema("tes")


@dataclasses.dataclass(frozen=True)
class Served:
    """A server under fuzzing: where it is, requests' TLS arguments, and IDs of things that exist on it."""

    url: str
    tls: dict[str, Any]
    known: dict[str, str]

    def call(self, case: schemathesis.Case, session: requests.Session) -> None:
        """Send ``case`` and check the answer; half the cases name an existing object, to get past the 404."""
        for parameter, value in self.known.items():
            if case.path_parameters and parameter in case.path_parameters:
                if len(str(case.path_parameters[parameter])) % 2 == 0:
                    case.path_parameters[parameter] = value
        case.call_and_validate(base_url=self.url, session=session, checks=CHECKS, timeout=30, **self.tls)


def _tls(home: Path, cert: str, key: str) -> dict[str, Any]:
    """requests' arguments for mutual TLS with the home's CA (schemathesis passes its own ``verify`` otherwise)."""
    return {"verify": str(home / pki.CA_CERT), "cert": (str(home / cert), str(home / key))}


@pytest.fixture(scope="module")
def session() -> Iterator[requests.Session]:
    """One keep-alive connection per server for all the requests of a module."""
    with requests.Session() as session:
        yield session


@pytest.fixture(scope="module")
def fuzzed_daemon(tmp_path_factory: pytest.TempPathFactory, session: requests.Session) -> Iterator[Served]:
    """A daemon as alice sees it, with one job of hers that has ended (stdout, an input and an output)."""
    root = tmp_path_factory.mktemp("fuzz-daemon")
    with running_daemon(make_home(root / "home"), root / "daemon.log") as daemon:
        served = Served(daemon.url, _tls(daemon.home, pki.CLIENT_CERT, pki.CLIENT_KEY), {})
        script = b"#!/bin/sh\n#SWM input data.txt\n#SWM output out.txt\ncat data.txt > out.txt; echo hello\n"
        files = [("script_content", ("job.sh", script)), ("input_files", ("data.txt", b"data\n"))]
        job_id = session.post(f"{daemon.url}/user/job", files=files, timeout=30, **served.tls).text
        deadline = time.monotonic() + 30
        while session.get(f"{daemon.url}/user/job/{job_id}", timeout=30, **served.tls).json()["state"] != "F":
            assert time.monotonic() < deadline, "the daemon's first job did not finish"
            time.sleep(0.1)
        served.known.update(jobId=job_id, name="out.txt")
        yield served


@pytest.fixture(scope="module")
def fuzzed_gate(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """A standalone local gate as the core sees it, with a partition and a job that has ended."""
    root = tmp_path_factory.mktemp("fuzz-gate")
    home = root / "home"
    pki.init_authority(home, "alice")
    config = root / "gate.yaml"
    config.write_text(yaml.safe_dump({"name": "local", "cpus": 2, "mem": 1024, "kill_grace": 1}))
    process = GateProcess(home, config, root / "gate.log")
    try:
        client = process.start()
        try:
            client.post("/partitions", json={"id": "p1", "flavor": "local", "count": 1}).raise_for_status()
            start = {"id": "j1", "partition_id": "p1", "script": "#!/bin/sh\necho hello > out.txt\n"}
            client.post("/jobs", json={**start, "outputs": ["out.txt"]}).raise_for_status()
            wait_for(client, "j1", "finished")
        finally:
            client.close()
        known = {"partition_id": "p1", "job_id": "j1", "name": "out.txt"}
        yield Served(f"https://127.0.0.1:{process.port}", _tls(home, pki.CORE_CERT, pki.CORE_KEY), known)
    finally:
        process.kill()
        kill_leftover_jobs(home / "gates" / "local")


@pytest.fixture(scope="module")
def fuzzed_tes(fuzzed_daemon: Served, session: requests.Session) -> Served:
    """The daemon's TES API, with one task of alice's (its image is one the local site refuses)."""
    served = Served(f"{fuzzed_daemon.url}/ga4gh/tes/v1", fuzzed_daemon.tls, {})
    task = {"name": "known", "executors": [{"image": "alpine", "command": ["true"]}]}
    answer = session.post(f"{served.url}/tasks", json=task, timeout=30, **served.tls)
    answer.raise_for_status()
    served.known.update(id=answer.json()["id"])
    return served


@terminal.parametrize()
def test_terminal_api(case: schemathesis.Case, fuzzed_daemon: Served, session: requests.Session) -> None:
    if case.path == "/user/events":  # a stream that follows never ends: the stored events only
        case.query = {**(case.query or {}), "follow": False}
    fuzzed_daemon.call(case, session)


@gate.parametrize()
def test_gate_api(case: schemathesis.Case, fuzzed_gate: Served, session: requests.Session) -> None:
    fuzzed_gate.call(case, session)


@tes.parametrize()
def test_tes_api(case: schemathesis.Case, fuzzed_tes: Served, session: requests.Session) -> None:
    fuzzed_tes.call(case, session)
