"""A real JupyterHub spawns, proxies and stops notebook servers that run as Skyport jobs.

JupyterHub runs as its own process with its configurable-http-proxy (npm, installed by the tests
into a cache) and the DummyAuthenticator; the spawner talks to a real ``skyport daemon`` over
mutual TLS with a delegate's certificate acting for bob and carol, and the daemon's local gate
runs ``jupyterhub-singleuser`` as each hub user's job, as that Skyport user.
"""

from __future__ import annotations

import contextlib
import html
import json
import re
import secrets
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from skyport_client import ApiError, Client
from skyport_client.api.jobs import cancel_job, get_job, list_jobs

from skyport import pki
from tests.conftest import TEST_USERS, Daemon, free_port, npm_tool, running_daemon
from tests.debian import chromium
from tests.e2e.test_jobs import submit, wait_for

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
    """A daemon whose users bob and carol have certificates, and hub a delegate's acting for both; its local
    site costs $0.60 per hour."""
    config = yaml.safe_load((home / "config.yaml").read_text())
    config["sites"][0]["settings"]["users"] = {**TEST_USERS, "carol": "bin"}
    config["sites"][0]["settings"]["price"] = 0.6
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


@contextlib.contextmanager
def running_hub(
    folder: Path,
    spawner: str,
    *,
    hub_port: int = 0,
    command: Sequence[str] = (sys.executable, "-m", "jupyterhub"),
    env: Mapping[str, str] | None = None,
) -> Iterator[Hub]:
    """JupyterHub with the ``spawner`` lines of config, the DummyAuthenticator and configurable-http-proxy
    on free loopback ports (the hub's API on ``hub_port`` when given), its files in ``folder``; always stopped."""
    proxy = npm_tool("configurable-http-proxy", "4", "configurable-http-proxy")
    token = secrets.token_hex(16)
    port, proxy_api_port = free_port(), free_port()
    config = folder / "jupyterhub_config.py"
    config.write_text(
        f"""
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = {port}
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {hub_port or free_port()}
c.JupyterHub.db_url = "sqlite:///{folder}/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = "{folder}/cookie_secret"
c.ConfigurableHTTPProxy.command = ["{proxy}"]
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{proxy_api_port}"
c.JupyterHub.authenticator_class = "dummy"
c.Authenticator.allow_all = True
c.Spawner.start_timeout = {int(TIMEOUT)}
c.Spawner.http_timeout = {int(TIMEOUT)}
c.JupyterHub.services = [{{"name": "test", "api_token": "{token}"}}]
c.JupyterHub.load_roles = [
    {{"name": "tester", "scopes": ["admin:users", "admin:servers", "access:servers"], "services": ["test"]}}
]
{spawner}
"""
    )
    log = folder / "jupyterhub.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [*command, "-f", str(config)], cwd=folder, stdout=out, stderr=subprocess.STDOUT, env=env
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


@pytest.fixture
def hub(daemon: Daemon, tmp_path: Path) -> Iterator[Hub]:
    """JupyterHub with the Skyport spawner holding the delegate certificate."""
    spawner = f"""
c.JupyterHub.spawner_class = "skyport"
c.JupyterHub.allow_named_servers = True
c.SkyportSpawner.skyport_home = "{daemon.home / pki.USERS / "hub"}"
c.SkyportSpawner.skyport_url = "{daemon.url}"
c.SkyportSpawner.cmd = ["{sys.executable}", "-m", "jupyterhub.singleuser"]
c.SkyportSpawner.directives = ["cpus 1", "time 10m"]
c.Spawner.args = ["--allow-root"]  # the tests run as root
c.Spawner.poll_interval = 1
"""
    with running_hub(tmp_path, spawner) as running:
        yield running


def notebook_jobs(daemon: Daemon, user: str) -> dict[str, str]:
    """State of each notebook job ``user`` sees with their own certificate."""
    with as_user(daemon, user) as client:
        return {job.id: str(job.state) for job in list_jobs.sync(client=client) if job.name.startswith("jupyter-")}


def wait_ready(hub: Hub, user: str, log: Path, name: str = "") -> None:
    deadline = time.monotonic() + TIMEOUT
    while not (server := hub.user(user)["servers"].get(name, {})).get("ready"):
        assert time.monotonic() < deadline, (server, log.read_text()[-3000:])
        time.sleep(0.5)


def test_each_hub_user_s_notebook_is_a_job_of_their_own_skyport_user(hub: Hub, daemon: Daemon, tmp_path: Path) -> None:
    """Each user's job is theirs, invisible to the other; a hub user the delegate does not name gets none.

    One hub for both (starting one takes 10-30 s here)."""
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

    # mallory is a hub user the delegate does not name: the daemon refuses (403), the hub says so
    hub.api.post("/users/mallory").raise_for_status()
    started = hub.api.post("/users/mallory/server")
    deadline = time.monotonic() + TIMEOUT
    while "hub is a delegate for bob, carol" not in (text := log.read_text()):
        assert time.monotonic() < deadline, (started.text, text[-3000:])
        time.sleep(0.5)
    assert "HTTP 403" in text
    assert not hub.user("mallory")["servers"].get("", {}).get("ready")
    with Client(daemon.url, ssl_context=daemon.ssl_context()) as owner:
        assert [job.name for job in list_jobs.sync(client=owner)] == []


def test_a_named_server_gets_the_options_chosen_and_says_why_it_waits(hub: Hub, daemon: Daemon, tmp_path: Path) -> None:
    """The options form lists the site and its flavor with its price, and when a notebook would start there
    and what it may cost (the daemon's dry run for bob); the hub's estimate endpoint answers the same for
    what bob types (time, CPUs, site, flavor), with the hub's login cookie and XSRF token or a hub token,
    refuses a bad option, a missing XSRF token, a form post and another user's server, and in Chromium
    the form shows the new estimate as bob types a time limit; a named server started with options (site, flavor,
    CPUs, time limit) becomes a job asking for them; while the site is full, the hub's progress events say
    the notebook is queued and why. An option that is not one word starts nothing. A server whose time
    limit passes is stopped, and its page in the hub says so."""
    log = tmp_path / "jupyterhub.log"
    hub.api.post("/users/bob").raise_for_status()
    hub.api.post("/users/bob/servers/short", json={"time": "1m"}).raise_for_status()  # ends while the rest runs
    with httpx.Client(base_url=hub.url, timeout=30) as browser:  # bob logs in and opens the spawn page
        browser.get("/hub/login").raise_for_status()
        login = {"username": "bob", "password": "", "_xsrf": browser.cookies["_xsrf"]}
        assert browser.post("/hub/login", data=login).status_code == 302
        form = browser.get("/hub/spawn/bob")
        assert form.status_code == 200, form.text[-2000:]
        assert "local at local: 2 CPUs, 2048 MiB, 0 GPUs, $0.60 per hour" in form.text
        assert all(f'name="{name}"' in form.text for name in ("site", "flavor", "cpus", "mem", "gpus", "time"))
        assert 'placeholder="10m"' in form.text  # the hub's default time limit
        estimate = re.search(r'<p id="skyport-estimate" data-url="([^"]*)">([^<]*)</p>', form.text)
        assert estimate, form.text[-3000:]
        assert html.unescape(estimate[2]) == "Starts now on local (local); costs up to $0.10"  # 10 minutes at $0.60/h
        url = html.unescape(estimate[1])
        assert url == "/hub/api/skyport/estimate/bob/"
        typed = typed_estimates(browser, url, form.text)
        too_many = typed.pop("3 CPUs")
        assert too_many.startswith("A notebook cannot start: ") and "2" in too_many, too_many  # the daemon's 400
        word = "is not one word of letters, digits, '.', '_', ':' or '-'"
        assert typed == {
            "20 minutes": "Starts now on local (local); costs up to $0.20",
            "1 hour on local": "Starts now on local (local); costs up to $0.60",
            "not one word": (400, f"Memory '4G\\n#SWM site elsewhere' {word}"),
            "unknown option": (
                400,
                "unknown notebook options colour; the options are site, flavor, cpus, mem, gpus, time",
            ),
            "no XSRF token": 403,
            "carol's server": 404,
            "a cross-site form": 403,
        }, typed
        # The hub's own tokens may ask too (the test service holds admin:servers).
        by_token = hub.api.post("/skyport/estimate/bob/", json={"time": "30m"})
        assert by_token.json() == {"estimate": "Starts now on local (local); costs up to $0.30"}, by_token.text
        assert browser_estimate(hub, "bob", "20m") == "Starts now on local (local); costs up to $0.20"

        hub.api.post("/users/bob/servers/odd", json={"mem": "4G\n#SWM site elsewhere"})  # not one word: no job
        deadline = time.monotonic() + TIMEOUT
        while "is not one word" not in log.read_text():
            assert time.monotonic() < deadline, log.read_text()[-3000:]
            time.sleep(0.5)
        wait_ready(hub, "bob", log, "short")
        assert len(notebook_jobs(daemon, "bob")) == 1  # short's only
        with as_user(daemon, "carol") as carol:
            blocker = submit(carol, "#!/bin/sh\n#SWM cpus 1\nsleep 300\n")  # with short, the site is full
            wait_for(carol, blocker, "R")
            options = {"site": "local", "flavor": "local", "cpus": "1", "time": "5m"}
            started = hub.api.post("/users/bob/servers/big", json=options)
            assert started.status_code in (201, 202), started.text
            messages = []
            with hub.api.stream("GET", "/users/bob/servers/big/progress", timeout=TIMEOUT) as events:
                for line in events.iter_lines():
                    if not line.startswith("data:"):
                        continue
                    event = json.loads(line.removeprefix("data:"))
                    messages.append(event.get("message", ""))
                    if "queued" in messages[-1] and blocker:
                        cancel_job.sync(client=carol, job_id=blocker)
                        blocker = ""
                    if event.get("ready") or event.get("failed"):
                        break
        assert any("queued" in message and "planned to start at" in message for message in messages), messages
        wait_ready(hub, "bob", log, "big")

        jobs = {}
        with as_user(daemon, "bob") as bob:
            for job_id in notebook_jobs(daemon, "bob"):
                job = get_job.sync(client=bob, job_id=job_id)
                jobs[job.name] = job
        big = jobs["jupyter-bob-big"]
        assert (big.remote_name, big.flavor_name, big.time_limit) == ("local", "local", 300)
        assert {resource.name: resource.count for resource in big.request or []}["cpus"] == 1
        assert hub.api.delete("/users/bob/servers/big").status_code in (202, 204)

        # The time limit chosen ends the server; its page in the hub says why.
        deadline = time.monotonic() + TIMEOUT
        while "short" in hub.user("bob")["servers"]:
            assert time.monotonic() < deadline
            time.sleep(1)
        page = browser.get("/hub/spawn/bob/short")
    assert page.status_code == 200, page.text[-2000:]
    said = r"Your server short was stopped at \d\d:\d\d UTC because its time limit of 1 minute passed"
    assert re.search(said, page.text), page.text[-3000:]
    assert f"(Skyport job {jobs['jupyter-bob-short'].id})" in page.text
    assert "Notebook server short of bob ended: Your server short was stopped" in log.read_text()


def typed_estimates(browser: httpx.Client, url: str, page: str) -> dict[str, Any]:
    """What the hub's estimate endpoint answers bob (logged in, with the form's XSRF token) for options
    typed in the form, and what it refuses (status, message)."""
    found = re.search(r'action="[^"]*[?&]_xsrf=([^"&]+)', page)
    assert found, page[-3000:]
    xsrf = {"X-XSRFToken": html.unescape(found[1])}

    def answer(response: httpx.Response) -> Any:
        if response.status_code == 200:
            return response.json()["estimate"]
        message = response.json().get("message", "") if response.status_code == 400 else ""
        return (response.status_code, message) if message else response.status_code

    asked = {
        "20 minutes": browser.post(url, json={"time": "20m", "cpus": ""}, headers=xsrf),
        "1 hour on local": browser.post(url, json={"time": "1h", "site": "local", "flavor": "local"}, headers=xsrf),
        "3 CPUs": browser.post(url, json={"cpus": "3"}, headers=xsrf),
        "not one word": browser.post(url, json={"mem": "4G\n#SWM site elsewhere"}, headers=xsrf),
        "unknown option": browser.post(url, json={"colour": "red"}, headers=xsrf),
        "no XSRF token": browser.post(url, json={"time": "20m"}),
        "carol's server": browser.post("/hub/api/skyport/estimate/carol/", json={}, headers=xsrf),
        "a cross-site form": browser.post(url, data={"time": "20m"}, headers=xsrf),
    }
    return {name: answer(response) for name, response in asked.items()}


def browser_estimate(hub: Hub, user: str, time_limit: str) -> str:
    """The estimate the options form shows in Chromium once ``user`` has typed ``time_limit``."""
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=chromium(), args=["--no-sandbox"])
        try:
            page = browser.new_page()
            page.goto(f"{hub.url}/hub/login")
            page.fill("input[name=username]", user)
            page.click("input[type=submit], button[type=submit]")
            page.goto(f"{hub.url}/hub/spawn/{user}")
            shown = page.locator("#skyport-estimate")
            before = shown.inner_text()
            page.fill("input[name=time]", time_limit)
            page.wait_for_function(
                "before => document.getElementById('skyport-estimate').textContent !== before", arg=before
            )
            return shown.inner_text()
        finally:
            browser.close()
