"""A cloud gate as an operator starts it (`skyport gate KIND --config FILE`), for the gates' served tests."""

from __future__ import annotations

import contextlib
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import httpx
import yaml

from skyport import pki
from tests.conftest import free_port

START = 30.0  # seconds a gate has to answer /site


def skyport(home: Path) -> list[str]:
    return [sys.executable, "-m", "skyport", "--home", str(home)]


def gate_command(home: Path, kind: str, config: Path, port: int) -> list[str]:
    return [*skyport(home), "gate", kind, "--config", str(config), "--port", str(port)]


@contextlib.contextmanager
def served_gate(kind: str, settings: Mapping[str, Any], tmp_path: Path) -> Iterator[tuple[httpx.Client, Path]]:
    """The gate process with ``settings`` (less ``state_dir``, which the command sets), once it answers, and
    a client holding the core certificate of a new home's CA; yields the client and the home."""
    home = tmp_path / "home"
    pki.init_authority(home, "alice")
    config = tmp_path / f"{kind}.yaml"
    config.write_text(yaml.safe_dump({k: v for k, v in settings.items() if k != "state_dir"}))
    port = free_port()
    log = tmp_path / "gate.log"
    with log.open("wb") as out:
        process = subprocess.Popen(gate_command(home, kind, config, port), stdout=out, stderr=subprocess.STDOUT)
    client = httpx.Client(base_url=f"https://127.0.0.1:{port}", verify=pki.core_context(home), timeout=30)
    try:
        deadline = time.monotonic() + START
        while True:
            try:
                client.get("/site").raise_for_status()
                break
            except httpx.TransportError:
                assert process.poll() is None and time.monotonic() < deadline, log.read_text()
                time.sleep(0.1)
        yield client, home
    finally:
        client.close()
        process.terminate()
        process.wait(10)


def refused_config(kind: str, content: str, tmp_path: Path) -> str:
    """What the gate command writes to stderr for a config file of ``content``, after checking that it
    failed with a message, not a traceback."""
    home = tmp_path / "home"
    pki.init_authority(home, "alice")
    config = tmp_path / f"{kind}.yaml"
    config.write_text(content)
    command = gate_command(home, kind, config, free_port())
    result = subprocess.run(command, check=False, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr, result.stderr
    return result.stderr


def wait_for(gate: httpx.Client, path: str, states: tuple[str, ...], wait: float = 30.0) -> dict[str, Any]:
    """The gate's ``path`` (a partition or job) once its state is one of ``states``; fails after ``wait`` s."""
    deadline = time.monotonic() + wait
    while (body := gate.get(path).json())["state"] not in states:
        assert time.monotonic() < deadline, body
        time.sleep(0.05)
    result: dict[str, Any] = body
    return result
