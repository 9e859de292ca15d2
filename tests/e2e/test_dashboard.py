"""The web dashboard against a real daemon: `skyport ui`'s one-time login, the session cookie, and
the page in a real headless Chromium (Debian's, driven by Playwright's Python package with
``executable_path``; Playwright downloads no browser).

Screenshots of each page go to the test's tmp_path (the test prints where).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import yaml
from skyport_client import Client
from skyport_client.api.tokens import create_login_code
from skyport_client.tls import context_for_token

from tests.conftest import Daemon, running_daemon
from tests.debian import chromium
from tests.e2e.test_cli import skyport
from tests.e2e.test_jobs import submit, wait_for
from tests.e2e.test_tokens import bob_client, new_token

WAIT_MS = 20_000


def ui_url(daemon: Daemon) -> str:
    """The URL `skyport ui --no-open` prints for alice."""
    result = skyport(daemon, "ui", "--no-open")
    assert "works once" in result.stderr
    return result.stdout.strip()


@pytest.fixture
def anonymous(daemon: Daemon) -> Iterator[httpx.Client]:
    """A client without a certificate or a token, trusting the daemon's CA."""
    with httpx.Client(base_url=daemon.url, verify=context_for_token(daemon.home), timeout=30) as http:
        yield http


def log_in(http: httpx.Client, url: str) -> str:
    """Open the login URL; the session cookie it sets."""
    response = http.get(url)
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/ui/"
    cookie = response.headers["set-cookie"]
    for attribute in ("HttpOnly", "Secure", "SameSite=Strict", "Path=/", "Max-Age=43200"):
        assert attribute in cookie.split("; "), cookie
    name, _, value = cookie.split(";")[0].partition("=")
    assert name == "skyport_session"
    http.cookies.clear()  # each request below says which cookie it sends
    return value


def test_a_login_code_opens_one_session_of_its_user_and_only_for_the_dashboard(
    daemon: Daemon, client: Client, anonymous: httpx.Client
) -> None:
    job_id = submit(client, "#!/bin/sh\nsleep 30\n")
    url = ui_url(daemon)
    assert anonymous.post(url).status_code == 400  # and the code is still good
    session = {"cookie": f"skyport_session={log_in(anonymous, url)}"}

    used = anonymous.get(url)
    assert used.status_code == 401 and "used already or expired" in used.json()["detail"]
    for path in ("/ui/", "/ui/app.js", f"/user/job/{job_id}"):
        assert anonymous.get(path).status_code == 401
        assert anonymous.get(path, headers={"cookie": "skyport_session=forged"}).status_code == 401
    page = anonymous.get("/ui/", headers=session)
    assert page.status_code == 200 and "<title>Skyport</title>" in page.text
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert [job["id"] for job in anonymous.get("/user/job", headers=session).json()] == [job_id]

    # A change needs the page's own Origin; the session never acts for anyone else, nor outside the dashboard.
    cancel = f"/user/job/{job_id}"
    refused = anonymous.delete(cancel, headers={**session, "origin": "https://evil.example"})
    assert refused.status_code == 403 and "Origin" in refused.json()["detail"]
    assert anonymous.delete(cancel, headers=session).status_code == 403
    assert anonymous.get("/user/job", headers={**session, "x-skyport-user": "bob"}).status_code == 403
    assert anonymous.get("/ga4gh/tes/v1/tasks", headers=session).status_code == 401
    for path in ("/user/token", "/user/ui/code"):
        made = anonymous.post(path, headers={**session, "origin": daemon.url}, json={})
        assert made.status_code == 403 and "dashboard session cannot create" in made.json()["detail"]
    assert anonymous.delete(cancel, headers={**session, "origin": daemon.url}).status_code == 200
    assert wait_for(client, job_id)["state"] == "C"


def test_only_a_user_certificate_creates_login_codes(daemon: Daemon, client: Client, anonymous: httpx.Client) -> None:
    response = anonymous.post("/user/ui/code", headers={"authorization": f"Bearer {new_token(client)}"})
    assert response.status_code == 403 and "skyport ui" in response.json()["detail"]
    with bob_client(daemon) as bob:
        made = create_login_code.sync(client=bob)
    assert made.path.startswith("/ui/login?code=")
    bob_session = {"cookie": f"skyport_session={log_in(anonymous, made.path)}"}
    submit(client, "#!/bin/sh\ntrue\n")
    assert anonymous.get("/user/job", headers=bob_session).json() == []

    # Revoking bob's certificate ends his sessions, and the event stream his page holds open.
    lines: list[str] = []

    def follow() -> None:
        with anonymous.stream("GET", "/user/events", headers=bob_session) as stream:
            lines.extend(stream.iter_lines())

    reader = threading.Thread(target=follow, daemon=True)
    reader.start()
    time.sleep(1)  # connected, waiting for events
    skyport(None, "user", "revoke", "bob", home=daemon.home)
    reader.join(10)
    assert not reader.is_alive(), "a revoked user's session kept its event stream"
    refused = anonymous.get("/user/job", headers=bob_session)
    assert refused.status_code == 401 and "revoked" in refused.json()["detail"]


@pytest.fixture
def brief(home: Path, tmp_path: Path) -> Iterator[Daemon]:
    """A daemon whose dashboard sessions last 3 seconds."""
    config = yaml.safe_load((home / "config.yaml").read_text())
    (home / "config.yaml").write_text(yaml.safe_dump({**config, "ui_session_lifetime": 3}))
    with running_daemon(home, tmp_path / "daemon.log") as running:
        yield running


def test_an_open_event_stream_ends_when_its_dashboard_session_expires(brief: Daemon) -> None:
    with httpx.Client(base_url=brief.url, verify=context_for_token(brief.home), timeout=30) as anonymous:
        response = anonymous.get(ui_url(brief))
        assert "Max-Age=3;" in response.headers["set-cookie"]
        session = {"cookie": f"skyport_session={anonymous.cookies['skyport_session']}"}
        anonymous.cookies.clear()
        started = time.monotonic()
        # The heartbeat (15 s) comes later than the read timeout: a stream left open times out.
        with anonymous.stream("GET", "/user/events", headers=session, timeout=8) as stream:
            assert stream.status_code == 200
            try:
                lines = list(stream.iter_lines())  # until the daemon ends the response
            except httpx.ReadTimeout:
                pytest.fail("the event stream outlived its 3 s dashboard session")
        took = time.monotonic() - started
        assert took < 8, f"the stream outlived its 3 s session by {took - 3:.1f} s"
        assert "retry: 2000" in lines
        refused = anonymous.get("/user/events", headers=session)
        assert refused.status_code == 401 and "expired" in refused.json()["detail"]


def test_the_dashboard_in_chromium_shows_the_jobs_timetable_and_a_job_to_its_end(
    daemon: Daemon, client: Client, dashboard_client: Path, tmp_path: Path
) -> None:
    playwright = pytest.importorskip("playwright.sync_api")
    busy = submit(client, "#!/bin/sh\n#SWM name busy\n#SWM cpus 1\n#SWM time 10m\nsleep 60\n")
    short = submit(client, "#!/bin/sh\n#SWM name short\n#SWM cpus 1\n#SWM time 5m\nsleep 4\necho done-by-dashboard\n")
    queued = submit(client, "#!/bin/sh\n#SWM name waiting\n#SWM cpus 2\n#SWM time 5m\ntrue\n")
    wait_for(client, busy, "R")
    wait_for(client, short, "R")
    with bob_client(daemon) as bob:
        bob_path = create_login_code.sync(client=bob).path
    print(f"screenshots in {tmp_path}")
    with playwright.sync_playwright() as driver:
        browser = driver.chromium.launch(
            executable_path=chromium(), args=["--no-sandbox"]
        )  # root: no user namespace sandbox
        try:
            page = browser.new_context(ignore_https_errors=True).new_page()
            page.goto(ui_url(daemon))
            page.wait_for_selector("#live.on", timeout=WAIT_MS)  # following the event stream, not polling
            page.wait_for_selector(f'#jobs tr[data-job="{busy}"][data-state="R"]', timeout=WAIT_MS)
            page.wait_for_selector(f'#jobs tr[data-job="{queued}"]', timeout=WAIT_MS)
            assert page.get_attribute(f'#jobs tr[data-job="{queued}"]', "data-state") in ("Q", "W")
            page.fill("#filter-name", "busy")
            assert page.locator("#jobs tbody tr").count() == 1
            page.fill("#filter-name", "")
            page.select_option("#filter-state", page.get_attribute(f'#jobs tr[data-job="{queued}"]', "data-state"))
            assert page.locator(f'#jobs tr[data-job="{busy}"]').count() == 0
            page.screenshot(path=tmp_path / "dashboard-jobs.png", full_page=True)

            page.click("#nav-timetable")
            page.wait_for_selector(f'#gantt rect.bar-R[data-job="{busy}"]', timeout=WAIT_MS)
            page.wait_for_selector(f'#gantt rect.bar-planned[data-job="{queued}"]', timeout=WAIT_MS)
            assert "cost" in page.text_content(f'#gantt rect.bar-planned[data-job="{queued}"] title')
            assert page.locator("#gantt line.now").count() == 1
            page.screenshot(path=tmp_path / "dashboard-timetable.png", full_page=True)

            page.goto(f"{daemon.url}/ui/#job/{short}")
            page.wait_for_selector('#job-fields dd[data-field="State"]:text-is("F")', timeout=WAIT_MS)
            page.wait_for_selector('#stdout:has-text("done-by-dashboard")', timeout=WAIT_MS)
            page.screenshot(path=tmp_path / "dashboard-job.png", full_page=True)

            page.click("#nav-spend")
            page.wait_for_selector("#spend-account td:text-is('alice')", timeout=WAIT_MS)
            page.wait_for_selector("#spend-site td:text-is('local')", timeout=WAIT_MS)
            today = time.strftime("%Y-%m-%d", time.gmtime())
            assert page.locator(f'#spend-days-site rect[data-day="{today}"][data-site="local"]').count() == 1
            assert page.locator(f'#spend-days-account rect[data-day="{today}"][data-account="alice"]').count() == 1
            assert "local: $" in page.text_content('#spend-days-site rect[data-site="local"] title')
            page.screenshot(path=tmp_path / "dashboard-spend.png", full_page=True)

            bob_page = browser.new_context(ignore_https_errors=True).new_page()
            bob_page.goto(daemon.url + bob_path)
            bob_page.wait_for_selector("#jobs", timeout=WAIT_MS)
            assert bob_page.locator("#jobs tbody tr").count() == 0
            status = bob_page.evaluate(f"fetch('/user/job/{busy}').then((r) => r.status)")
            assert status == 404
            bob_page.screenshot(path=tmp_path / "dashboard-bob.png", full_page=True)
        finally:
            browser.close()
    for name in ("jobs", "timetable", "job", "spend", "bob"):
        assert (tmp_path / f"dashboard-{name}.png").stat().st_size > 1000
