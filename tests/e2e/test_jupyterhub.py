"""A real JupyterHub spawns, proxies and stops a notebook server that runs as a Skyport job.

JupyterHub runs as its own process with its configurable-http-proxy (npm, installed by the tests
into a cache) and the DummyAuthenticator; the spawner talks to a real ``skyport daemon`` over
mutual TLS, whose local gate runs ``jupyterhub-singleuser`` as the job.
"""

from __future__ import annotations

import secrets
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from skyport_client import Client
from skyport_client.api.jobs import list_jobs

from tests.conftest import Daemon, free_port, npm_tool

pytest.importorskip("jupyterhub", reason="jupyterhub is not installed (pip install -e clients/jupyterhub)")

TIMEOUT = 90.0


class Hub:
    def __init__(self, url: str, token: str) -> None:
        self.url = url
        self.api = httpx.Client(base_url=f"{url}/hub/api", headers={"Authorization": f"token {token}"}, timeout=30)
        self.token = token

    def user(self, name: str) -> dict[str, Any]:
        body: dict[str, Any] = self.api.get(f"/users/{name}").raise_for_status().json()
        return body


@pytest.fixture
def hub(daemon: Daemon, tmp_path: Path) -> Iterator[Hub]:
    """JupyterHub with the Skyport spawner, on free loopback ports; always stopped."""
    proxy = npm_tool("configurable-http-proxy", "4", "configurable-http-proxy")
    token = secrets.token_hex(16)
    port, hub_port, proxy_api_port = free_port(), free_port(), free_port()
    config = tmp_path / "jupyterhub_config.py"
    config.write_text(
        f"""
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = {port}
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {hub_port}
c.JupyterHub.db_url = "sqlite:///{tmp_path}/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = "{tmp_path}/cookie_secret"
c.ConfigurableHTTPProxy.command = ["{proxy}"]
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{proxy_api_port}"
c.JupyterHub.authenticator_class = "dummy"
c.Authenticator.allow_all = True
c.JupyterHub.spawner_class = "skyport"
c.SkyportSpawner.skyport_home = "{daemon.home}"
c.SkyportSpawner.skyport_url = "{daemon.url}"
c.SkyportSpawner.cmd = ["{sys.executable}", "-m", "jupyterhub.singleuser"]
c.SkyportSpawner.directives = ["cpus 1", "time 10m"]
c.Spawner.args = ["--allow-root"]  # the tests run as root
c.Spawner.start_timeout = {int(TIMEOUT)}
c.Spawner.http_timeout = {int(TIMEOUT)}
c.JupyterHub.services = [{{"name": "test", "api_token": "{token}"}}]
c.JupyterHub.load_roles = [
    {{"name": "tester", "scopes": ["admin:users", "admin:servers", "access:servers"], "services": ["test"]}}
]
"""
    )
    log = tmp_path / "jupyterhub.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "jupyterhub", "-f", str(config)], cwd=tmp_path, stdout=out, stderr=subprocess.STDOUT
        )
    hub = Hub(f"http://127.0.0.1:{port}", token)
    try:
        deadline = time.monotonic() + TIMEOUT
        while True:
            try:
                hub.api.get("/").raise_for_status()
                break
            except httpx.HTTPError:
                assert process.poll() is None and time.monotonic() < deadline, log.read_text()
                time.sleep(0.2)
        yield hub
    finally:
        hub.api.close()
        process.terminate()
        process.wait(30)


def notebook_jobs(daemon: Daemon) -> dict[str, str]:
    with Client(daemon.url, ssl_context=daemon.ssl_context()) as client:
        return {job.id: str(job.state) for job in list_jobs.sync(client=client) if job.name == "jupyter-alice"}


def test_a_notebook_server_runs_as_a_skyport_job_behind_the_hub(hub: Hub, daemon: Daemon, tmp_path: Path) -> None:
    hub.api.post("/users/alice").raise_for_status()
    started = hub.api.post("/users/alice/server")
    assert started.status_code in (201, 202), (started.text, (tmp_path / "jupyterhub.log").read_text()[-4000:])

    deadline = time.monotonic() + TIMEOUT
    while not (server := hub.user("alice")["servers"].get("", {})).get("ready"):
        assert time.monotonic() < deadline, (server, (tmp_path / "jupyterhub.log").read_text()[-3000:])
        time.sleep(0.5)

    (job_id, state), *others = notebook_jobs(daemon).items()
    assert (state, others) == ("R", [])
    through_proxy = httpx.get(f"{hub.url}/user/alice/api/status", headers={"Authorization": f"token {hub.token}"})
    assert through_proxy.status_code == 200, through_proxy.text

    assert hub.api.delete("/users/alice/server").status_code in (202, 204)
    deadline = time.monotonic() + TIMEOUT
    while notebook_jobs(daemon)[job_id] not in "FEC":
        assert time.monotonic() < deadline
        time.sleep(0.5)
    assert notebook_jobs(daemon)[job_id] == "C"
