"""A real JupyterHub spawns, proxies and stops notebook servers that run as Skyport jobs.

JupyterHub runs as its own process with its configurable-http-proxy (npm, installed by the tests
into a cache) and the DummyAuthenticator; the spawner talks to a real ``skyport daemon`` over
mutual TLS with a delegate's certificate acting for bob and carol, and the daemon's local gate
runs ``jupyterhub-singleuser`` as each hub user's job, as that Skyport user.
"""

from __future__ import annotations

import secrets
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from skyport_client import ApiError, Client
from skyport_client.api.jobs import get_job, list_jobs

from skyport import pki
from tests.conftest import TEST_USERS, Daemon, free_port, npm_tool, running_daemon

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


HUB_USERS = ("bob", "carol")


@pytest.fixture
def daemon(home: Path, tmp_path: Path) -> Iterator[Daemon]:
    """A daemon whose users bob and carol have certificates, and hub a delegate's acting for both."""
    config = yaml.safe_load((home / "config.yaml").read_text())
    config["sites"][0]["settings"]["users"] = {**TEST_USERS, "carol": "bin"}
    (home / "config.yaml").write_text(yaml.safe_dump(config))
    for user in HUB_USERS:
        pki.add_user(home, user)
    folder = pki.add_user(home, "hub", HUB_USERS)
    shutil.copy(home / pki.CA_CERT, folder / pki.CA_CERT)
    with running_daemon(home, tmp_path / "daemon.log") as running:
        yield running


def as_user(daemon: Daemon, user: str) -> Client:
    folder = daemon.home / pki.USERS / user
    return Client(daemon.url, ssl_context=daemon.ssl_context(folder / pki.CLIENT_CERT, folder / pki.CLIENT_KEY))


@pytest.fixture
def hub(daemon: Daemon, tmp_path: Path) -> Iterator[Hub]:
    """JupyterHub with the Skyport spawner holding the delegate certificate, on free loopback ports; always stopped."""
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
c.SkyportSpawner.skyport_home = "{daemon.home / pki.USERS / "hub"}"
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


def notebook_jobs(daemon: Daemon, user: str) -> dict[str, str]:
    """State of each notebook job ``user`` sees with their own certificate."""
    with as_user(daemon, user) as client:
        return {job.id: str(job.state) for job in list_jobs.sync(client=client) if job.name.startswith("jupyter-")}


def wait_ready(hub: Hub, user: str, log: Path) -> None:
    deadline = time.monotonic() + TIMEOUT
    while not (server := hub.user(user)["servers"].get("", {})).get("ready"):
        assert time.monotonic() < deadline, (server, log.read_text()[-3000:])
        time.sleep(0.5)


def test_each_hub_user_s_notebook_is_a_job_of_their_own_skyport_user(hub: Hub, daemon: Daemon, tmp_path: Path) -> None:
    log = tmp_path / "jupyterhub.log"
    for user in HUB_USERS:
        hub.api.post(f"/users/{user}").raise_for_status()
        started = hub.api.post(f"/users/{user}/server")
        assert started.status_code in (201, 202), (started.text, log.read_text()[-4000:])
    for user in HUB_USERS:
        wait_ready(hub, user, log)

    jobs = {user: notebook_jobs(daemon, user) for user in HUB_USERS}
    assert {user: list(states.values()) for user, states in jobs.items()} == {"bob": ["R"], "carol": ["R"]}
    (bobs_job,), (carols_job,) = jobs["bob"], jobs["carol"]
    with as_user(daemon, "bob") as bob:
        assert get_job.sync(client=bob, job_id=bobs_job).name == "jupyter-bob"
        with pytest.raises(ApiError) as hidden:
            get_job.sync(client=bob, job_id=carols_job)
    assert hidden.value.status_code == 404
    with Client(daemon.url, ssl_context=daemon.ssl_context()) as owner:
        assert [job.id for job in list_jobs.sync(client=owner) if job.name.startswith("jupyter-")] == []
    for user in HUB_USERS:
        through_proxy = httpx.get(f"{hub.url}/user/{user}/api/status", headers={"Authorization": f"token {hub.token}"})
        assert through_proxy.status_code == 200, through_proxy.text

    for user in HUB_USERS:
        assert hub.api.delete(f"/users/{user}/server").status_code in (202, 204)
    for user, job_id in (("bob", bobs_job), ("carol", carols_job)):
        deadline = time.monotonic() + TIMEOUT
        while notebook_jobs(daemon, user)[job_id] not in "FEC":
            assert time.monotonic() < deadline
            time.sleep(0.5)
        assert notebook_jobs(daemon, user)[job_id] == "C"


def test_a_hub_user_the_delegate_does_not_name_gets_no_notebook(hub: Hub, daemon: Daemon, tmp_path: Path) -> None:
    """The daemon refuses (403) the hub's submission for mallory; the hub reports the spawn failed."""
    hub.api.post("/users/mallory").raise_for_status()
    started = hub.api.post("/users/mallory/server")
    deadline = time.monotonic() + TIMEOUT
    while "hub is a delegate for bob, carol" not in (log := (tmp_path / "jupyterhub.log").read_text()):
        assert time.monotonic() < deadline, (started.text, log[-3000:])
        time.sleep(0.5)
    assert "HTTP 403" in log
    assert not hub.user("mallory")["servers"].get("", {}).get("ready")
    with Client(daemon.url, ssl_context=daemon.ssl_context()) as owner:
        assert [job.name for job in list_jobs.sync(client=owner)] == []
