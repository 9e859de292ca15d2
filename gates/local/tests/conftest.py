"""Fixtures for the local gate's own tests: the gate served for real, and its job processes cleaned up.

``gate`` serves the gate's connexion app with uvicorn on 127.0.0.1 (a free port) in a thread and
yields an httpx client; ``gate_process`` runs it as its own process with ``skyport gate local``
over mutual TLS, as an operator would, so a test can SIGKILL it and start it again.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from local_gate_support import GateProcess, served_gate

from skyport import pki
from tests.debian import bubblewrap
from tests.processes import kill_leftover_jobs


@pytest.fixture
def state_dir(tmp_path: Path) -> Iterator[Path]:
    bubblewrap()
    path = tmp_path / "gate-state"
    yield path
    kill_leftover_jobs(path)


@pytest.fixture
def site_settings(state_dir: Path) -> dict[str, Any]:
    """Settings of a local site of 2 CPUs and 1 GiB, as the core would hand them."""
    return {"name": "local", "state_dir": str(state_dir), "cpus": 2, "mem": 1024, "kill_grace": 1}


@pytest.fixture
def gate(site_settings: dict[str, Any]) -> Iterator[httpx.Client]:
    """An httpx client of the local gate served on 127.0.0.1, with a ready partition "p1"."""
    with served_gate(site_settings) as client:
        yield client


@pytest.fixture
def gate_process(tmp_path: Path) -> Iterator[GateProcess]:
    """A local gate process (not started) with a home holding a CA; always killed at the end."""
    bubblewrap()
    home = tmp_path / "home"
    pki.init_authority(home, "alice")
    config = tmp_path / "gate.yaml"
    config.write_text(yaml.safe_dump({"name": "local", "cpus": 2, "mem": 1024, "kill_grace": 1}))
    process = GateProcess(home, config, tmp_path / "gate.log")
    yield process
    if process.process is not None and process.process.poll() is None:
        process.kill()
    kill_leftover_jobs(home / "gates" / "local")
