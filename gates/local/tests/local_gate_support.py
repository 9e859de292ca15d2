"""Helpers of the local gate's tests: polling jobs, serving the gate, running it as its own process."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import threading
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from skyport import pki

# Importing connexion warns (starlette.testclient wants httpx2; jsonschema's RefResolver is
# deprecated); with filterwarnings=error the first test to import the gate would fail.
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from skyport_gate_sdk.apps import gate_app

from skyport_gate_local import settings as local_settings
from skyport_gate_local.handlers import Handlers

STARTUP_TIMEOUT = 30.0
POLL_TIMEOUT = 20.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_for(client: httpx.Client, job_id: str, *states: str) -> dict[str, Any]:
    """Poll a job until it reaches one of ``states``; fail with its last state after POLL_TIMEOUT."""
    deadline = time.monotonic() + POLL_TIMEOUT
    while True:
        job: dict[str, Any] = client.get(f"/jobs/{job_id}").raise_for_status().json()
        if job["state"] in states:
            return job
        if time.monotonic() > deadline:
            raise AssertionError(f"job {job_id} never reached {states}: {job}")
        time.sleep(0.02)


def wait_for_output(client: httpx.Client, job_id: str, expected: bytes) -> None:
    """Poll a job's stdout until it is ``expected``; fail with what it is after POLL_TIMEOUT."""
    deadline = time.monotonic() + POLL_TIMEOUT
    while (stdout := client.get(f"/jobs/{job_id}/stdout").content) != expected:
        if time.monotonic() > deadline:
            raise AssertionError(f"job {job_id} wrote {stdout!r}, not {expected!r}")
        time.sleep(0.02)


def wait_until_gone(pid: int) -> bool:
    """Whether process ``pid`` is gone (or a zombie) within POLL_TIMEOUT."""
    deadline = time.monotonic() + POLL_TIMEOUT
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            return True
        if state in ("Z", "X"):
            return True
        time.sleep(0.02)
    return False


def stop_all_jobs(client: httpx.Client) -> None:
    """Cancel every job still running and wait until the gate has seen each one end (and reaped it)."""
    for job in client.get("/jobs").json():
        if job["state"] in ("pending", "running"):
            client.delete(f"/jobs/{job['id']}")
    deadline = time.monotonic() + POLL_TIMEOUT
    while time.monotonic() < deadline:
        if all("exitcode" in job or "signal" in job for job in client.get("/jobs").json()):
            return
        time.sleep(0.02)


@contextlib.contextmanager
def serving(app: Any) -> Iterator[httpx.Client]:
    """An httpx client of ``app`` served by uvicorn on 127.0.0.1 (a free port); always stopped."""
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, name="gate", daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the gate did not start")
            time.sleep(0.02)
        port = server.servers[0].sockets[0].getsockname()[1]
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
            yield client
    finally:
        server.should_exit = True
        thread.join(10)


@contextlib.contextmanager
def served_gate(settings: dict[str, Any]) -> Iterator[httpx.Client]:
    """A client of a local gate with ``settings``, served on 127.0.0.1 with a ready partition "p1"."""
    handlers = Handlers(local_settings.load(settings))
    try:
        with serving(gate_app(handlers)) as client:
            client.post("/partitions", json={"id": "p1", "flavor": "local", "count": 1}).raise_for_status()
            yield client
            stop_all_jobs(client)
    finally:
        handlers.close()


class GateProcess:
    """`skyport gate local` as its own process over mutual TLS; start it, SIGKILL it, start it again."""

    def __init__(self, home: Path, config: Path, log: Path) -> None:
        self.home, self.config, self.log = home, config, log
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> httpx.Client:
        argv = [sys.executable, "-m", "skyport", "--home", str(self.home), "gate", "local"]
        argv += ["--config", str(self.config), "--port", str(self.port)]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT)
        client = httpx.Client(base_url=f"https://127.0.0.1:{self.port}", verify=pki.core_context(self.home))
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while True:
            try:
                client.get("/site").raise_for_status()
                return client
            except httpx.TransportError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    client.close()
                    raise RuntimeError(f"skyport gate local did not start:\n{self.log.read_text()}") from None
                time.sleep(0.05)

    def kill(self) -> None:
        """SIGKILL the gate, as a crash would."""
        assert self.process is not None
        self.process.kill()
        self.process.wait()
