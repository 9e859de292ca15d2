"""Sky Port's own JupyterHub spawner (PyPI `swmjupyter` 0.1.7), unchanged, starts a notebook on skyport.

The test installs `swmjupyter` from PyPI into a virtual environment of its own, cached between
runs (it pins JupyterHub 5.2.1 and brings JupyterLab, so it cannot share the tests' environment),
and runs that JupyterHub with `SwmSpawner` and configurable-http-proxy against a real daemon:
the certificate files are where its settings say, made by the test. Its job script, in Sky Port's
shape, runs on the daemon's local site.

Two things in `swmjupyter` decide how the test is set up, on any server:
- its job script runs a bare `jupyterhub-singleuser`, found on the node's PATH; the local site's jobs
  have the system's PATH, so the test links it into /usr/local/bin for the test's duration;
- it sets `JUPYTERHUB_USER=$USER`, the Unix account the job runs as, so the hub user's name must be
  that account's; the test's hub user is `nobody`, an account every Linux system has, whose
  Skyport jobs run as `nobody`;
- its start fails (UnboundLocalError) when it sees the job in W with details that do not begin with
  one of Sky Port's phrases ("initiate a new partition", "partition has not been created yet", ...);
  the daemon's W details begin with them;
- the hub looks for the server on port 8888 whatever the settings say (`SwmSpawner.clear_state`,
  which JupyterHub calls before each start, sets it back), so the settings file gives 8888 to the
  job script too, and the test is skipped when that port is taken.
"""

from __future__ import annotations

import fcntl
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import yaml
from skyport_client import Client
from skyport_client.api.jobs import list_jobs

from skyport import pki
from tests.conftest import NPM_CACHE, PYTHON, Daemon, free_port, running_daemon
from tests.e2e.test_cli import skyport
from tests.e2e.test_jupyterhub import TIMEOUT, Hub, running_hub

VERSION = "0.1.7"
SINGLEUSER = Path("/usr/local/bin/jupyterhub-singleuser")
USER = "nobody"
SERVER_PORT = 8888


@pytest.fixture(scope="session")
def swmjupyter() -> Path:
    """The bin folder of a virtual environment with swmjupyter from PyPI, made once into the tests' cache."""
    prefix = NPM_CACHE.parent / "pip" / f"swmjupyter-{VERSION}"
    prefix.parent.mkdir(parents=True, exist_ok=True)
    with prefix.with_name(f"{prefix.name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another test run may be installing it right now
        if not (prefix / "bin" / "jupyterhub-singleuser").exists():
            subprocess.run([sys.executable, "-m", "venv", "--clear", str(prefix)], check=True)
            pip = [str(prefix / "bin" / "python"), "-m", "pip", "install", "-q", f"swmjupyter=={VERSION}"]
            subprocess.run(pip, check=True, capture_output=True)
    return prefix / "bin"


@pytest.fixture
def on_path(swmjupyter: Path) -> Iterator[None]:
    """`jupyterhub-singleuser` of swmjupyter's environment on the PATH jobs get, for this test only."""
    if SINGLEUSER.exists() or SINGLEUSER.is_symlink():
        pytest.skip(f"{SINGLEUSER} exists already; the test links its own there")
    SINGLEUSER.symlink_to(swmjupyter / "jupyterhub-singleuser")
    try:
        yield
    finally:
        SINGLEUSER.unlink()


@pytest.fixture
def daemon(home: Path, tmp_path: Path, swmjupyter: Path) -> Iterator[Daemon]:
    """A daemon whose local site lets jobs read swmjupyter's environment; user nobody has a certificate and
    is a member of account openstack, which swmjupyter's scripts are charged to by default."""
    config = yaml.safe_load((home / "config.yaml").read_text())
    config["sites"][0]["settings"]["read_only"] = [*PYTHON, str(swmjupyter.parent)]
    (home / "config.yaml").write_text(yaml.safe_dump(config))
    pki.add_user(home, USER)
    with running_daemon(home, tmp_path / "daemon.log") as running:
        skyport(running, "account", "add", "openstack", "--member", USER)  # the account its scripts charge
        yield running


@pytest.fixture
def hub(daemon: Daemon, swmjupyter: Path, on_path: None, tmp_path: Path) -> Iterator[Hub]:
    """Sky Port's JupyterHub set-up: SwmSpawner with its settings file and certificate paths."""
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", SERVER_PORT)) == 0:
            pytest.skip(f"port {SERVER_PORT} is taken; swmjupyter's hub always looks for the server there")
    hub_port = free_port()
    settings = tmp_path / "jupyter-spawner.conf"
    settings.write_text(
        f"jupyterhub_host = 127.0.0.1\njupyterhub_port = {hub_port}\njupyter_singleuser_port = {SERVER_PORT}\n"
    )
    users = daemon.home / pki.USERS
    spawner = f"""
c.JupyterHub.spawner_class = "swmjupyter.spawner.SwmSpawner"
c.SwmSpawner._config_file = "{settings}"
c.SwmSpawner._swm_host = "127.0.0.1"
c.SwmSpawner._swm_port = {daemon.port}
c.SwmSpawner._swm_ca_file = "{daemon.home / pki.CA_CERT}"
c.SwmSpawner._swm_cert_file = "{users}/{{username}}/cert.pem"
c.SwmSpawner._swm_key_file = "{users}/{{username}}/key.pem"
"""
    env = {key: value for key, value in os.environ.items() if key != "VIRTUAL_ENV"}
    with running_hub(tmp_path, spawner, hub_port=hub_port, command=[str(swmjupyter / "jupyterhub")], env=env) as hub:
        yield hub


def notebook_jobs(daemon: Daemon) -> dict[str, str]:
    folder = daemon.home / pki.USERS / USER
    context = daemon.ssl_context(folder / pki.CLIENT_CERT, folder / pki.CLIENT_KEY)
    with Client(daemon.url, ssl_context=context) as client:
        return {job.id: str(job.state) for job in list_jobs.sync(client=client)}


def test_swmjupyter_starts_proxies_and_stops_a_notebook(hub: Hub, daemon: Daemon, tmp_path: Path) -> None:
    log = tmp_path / "jupyterhub.log"
    hub.api.post(f"/users/{USER}").raise_for_status()
    options = {"flavor": "local", "gpus": "0", "cloud-image": "host", "input_files": [], "output_files": []}
    started = hub.api.post(f"/users/{USER}/server", json=options)
    assert started.status_code in (201, 202), (started.text, log.read_text()[-4000:])
    deadline = time.monotonic() + 2 * TIMEOUT
    while not (server := hub.user(USER)["servers"].get("", {})).get("ready"):
        assert time.monotonic() < deadline, (server, log.read_text()[-4000:])
        time.sleep(1)

    (job_id, state), *others = notebook_jobs(daemon).items()
    assert (state, others) == ("R", [])
    through_proxy = httpx.get(f"{hub.url}/user/{USER}/api/status", headers={"Authorization": f"token {hub.token}"})
    assert through_proxy.status_code == 200, through_proxy.text

    assert hub.api.delete(f"/users/{USER}/server").status_code in (202, 204)
    deadline = time.monotonic() + TIMEOUT
    while notebook_jobs(daemon)[job_id] not in "FEC":
        assert time.monotonic() < deadline
        time.sleep(0.5)
    assert notebook_jobs(daemon)[job_id] == "C"
