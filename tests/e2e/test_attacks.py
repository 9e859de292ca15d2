"""A second user of a shared daemon attacks the doors opened for API tokens, TES, metrics and delegates.

Everything is real: one daemon for the module (owner alice, user bob, a delegate hub acting for bob)
over mutual TLS or tokens on 127.0.0.1, its local site running ``ubuntu:*`` on the host in
bubblewrap, and an http server on loopback whose ``/pub/`` the daemon's owner allows for TES inputs.
Each test is an attack and what it must find: a 4xx that says why, and nothing changed or leaked.
"""

from __future__ import annotations

import base64
import http.server
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from skyport_client import Client

from skyport import pki
from tests.conftest import PYTHON, TEST_USERS, Daemon, free_port, make_home, running_daemon
from tests.e2e.test_cli import skyport
from tests.e2e.test_tes import ENDED, TES, executor
from tests.e2e.test_tokens import new_token

SITE = {
    "name": "local",
    "kind": "local",
    "settings": {"cpus": 2, "mem": 2048, "users": TEST_USERS, "read_only": PYTHON, "host_images": ["ubuntu:*"]},
}


BIG = b"x" * (3 * 1024 * 1024)  # an allowed http input of 3 MiB; the daemon's max_upload is 4 MiB


class Web(http.server.BaseHTTPRequestHandler):
    """/pub/ok.txt, /secret.txt, and /pub/away, a redirect to /secret.txt; every path asked is remembered."""

    asked: list[str]

    def do_GET(self) -> None:
        self.asked.append(self.path)
        if self.path == "/pub/away":
            self.send_response(302)
            self.send_header("Location", "/secret.txt")
            self.end_headers()
            return
        body = {"/pub/ok.txt": b"public\n", "/secret.txt": b"secret\n", "/pub/big": BIG}.get(self.path)
        self.send_response(200 if body else 404)
        self.send_header("Content-Length", str(len(body or b"")))
        self.end_headers()
        self.wfile.write(body or b"")

    def log_message(self, *args: Any) -> None:
        pass


@dataclass
class World:
    daemon: Daemon
    home: Path
    web: str  # the http server's base URL
    asked: list[str]  # paths the http server was asked for
    alice_token: str
    bob_token: str

    def user(self, name: str) -> httpx.Client:
        """A client with ``name``'s certificate (alice's is the home's own)."""
        folder = self.home / pki.USERS / name
        cert, key = (None, None) if name == "alice" else (folder / "cert.pem", folder / "key.pem")
        return httpx.Client(base_url=self.daemon.url, verify=self.daemon.ssl_context(cert, key), timeout=30)

    def token(self, secret: str) -> httpx.Client:
        """A client without a certificate that sends ``secret`` as a bearer token."""
        return httpx.Client(
            base_url=self.daemon.url,
            verify=str(self.home / pki.CA_CERT),
            headers={"Authorization": f"Bearer {secret}"},
            timeout=30,
        )

    def anonymous(self) -> httpx.Client:
        return httpx.Client(base_url=self.daemon.url, verify=str(self.home / pki.CA_CERT), timeout=30)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    root = tmp_path_factory.mktemp("attacks")
    asked: list[str] = []
    handler = type("Handler", (Web,), {"asked": asked})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    web = f"http://127.0.0.1:{server.server_address[1]}"
    home = make_home(root / "home")
    config = yaml.safe_load((home / "config.yaml").read_text())
    config.update(owner="alice", tes_http_inputs=[f"{web}/pub/"], tes_s3_buckets=["shared"], max_upload=4 * 1024 * 1024)
    (home / "config.yaml").write_text(yaml.safe_dump(config))
    for name in ("bob", "carol"):
        skyport(None, "user", "add", name, home=home)
    skyport(None, "user", "add", "hub", "--acts-for", "bob", home=home)
    try:
        with running_daemon(home, root / "daemon.log", sites=[SITE]) as daemon:
            with Client(daemon.url, ssl_context=daemon.ssl_context()) as alice:
                alice_token = new_token(alice)
            bob = home / pki.USERS / "bob"
            with Client(daemon.url, ssl_context=daemon.ssl_context(bob / "cert.pem", bob / "key.pem")) as as_bob:
                bob_token = new_token(as_bob)
            yield World(daemon, home, web, asked, alice_token, bob_token)
    finally:
        server.shutdown()
        server.server_close()


def assert_problem(answer: httpx.Response, status: int, *words: str) -> str:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json"), answer.headers
    detail: str = answer.json()["detail"]
    for word in words:
        assert word in detail, detail
    return detail


def job_ids(client: httpx.Client) -> set[str]:
    answer = client.get("/user/job")
    assert answer.status_code == 200, answer.text
    return {row["id"] for row in answer.json()}


def ended(client: httpx.Client, task_id: str, timeout: float = 30) -> dict[str, Any]:
    """The task once it has ended, in the FULL view."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        shown: dict[str, Any] = client.get(f"{TES}/tasks/{task_id}", params={"view": "FULL"}).json()
        if shown["state"] in ENDED:
            return shown
        time.sleep(0.2)
    raise AssertionError(f"task {task_id} did not end within {timeout} s")


def task(*commands: list[str], **more: Any) -> dict[str, Any]:
    return {"executors": [executor(*command) for command in commands], **more}


# -- tokens and another user's jobs and tasks ---------------------------------------------------------


def test_bob_cannot_read_or_cancel_alices_job_or_task_with_his_certificate_token_or_a_delegate(world: World) -> None:
    with world.user("alice") as alice:
        created = alice.post(f"{TES}/tasks", json=task(["sleep", "30"], name="alice's"))
        assert created.status_code == 200, created.text
        task_id = created.json()["id"]
    bob_basic = base64.b64encode(f"alice:{world.bob_token}".encode()).decode()
    with world.user("bob") as by_cert, world.token(world.bob_token) as by_token, world.user("hub") as hub:
        as_bob = {"X-Skyport-User": "bob"}
        for who, headers in (
            (by_cert, {}),
            (by_token, {}),
            (by_token, {"Authorization": f"Basic {bob_basic}"}),
            (hub, as_bob),
        ):
            assert_problem(who.get(f"/user/job/{task_id}", headers=headers), 404)
            assert_problem(who.delete(f"/user/job/{task_id}", headers=headers), 404)
            assert_problem(who.get(f"/user/job/{task_id}/stdout", headers=headers), 404)
            assert_problem(who.get(f"/user/job/{task_id}/files", headers=headers), 404)
            assert_problem(who.get(f"{TES}/tasks/{task_id}", params={"view": "FULL"}, headers=headers), 404)
            assert_problem(who.post(f"{TES}/tasks/{task_id}:cancel", headers=headers), 404)
            listed = who.get(f"{TES}/tasks", params={"view": "FULL"}, headers=headers)
            assert task_id not in listed.text, listed.text
            assert_problem(who.get(f"{TES}/tasks", params={"page_token": task_id}, headers=headers), 400)
            assert task_id not in job_ids_with(who, headers)
        # bob's token naming alice, and the hub naming alice, are refused, not served as alice
        assert_problem(by_token.get("/user/job", headers={"X-Skyport-User": "alice"}), 403, "acts only for bob")
        assert_problem(hub.get(f"{TES}/tasks/{task_id}", headers={"X-Skyport-User": "alice"}), 403)
    with world.user("alice") as alice:
        state = alice.get(f"{TES}/tasks/{task_id}").json()["state"]
        assert state in ("QUEUED", "INITIALIZING", "RUNNING"), state
        assert alice.post(f"{TES}/tasks/{task_id}:cancel").status_code == 200


def job_ids_with(client: httpx.Client, headers: dict[str, str]) -> set[str]:
    answer = client.get("/user/job", headers=headers)
    assert answer.status_code == 200, answer.text
    return {row["id"] for row in answer.json()}


def test_a_token_in_the_query_string_is_no_credential_and_a_401_leaks_nothing(world: World) -> None:
    with world.anonymous() as nobody:
        for params in ({"access_token": world.bob_token}, {"token": world.bob_token}):
            refused = nobody.get("/user/job", params=params)
            detail = assert_problem(refused, 401, "Authorization: Bearer")
            assert world.bob_token not in refused.text and "bob" not in detail
        forged = world.bob_token[:-4] + "AAAA"
        for header in (f"Bearer {forged}", f"Basic {base64.b64encode(f'bob:{forged}'.encode()).decode()}"):
            refused = nobody.get(f"{TES}/tasks", headers={"Authorization": header})
            detail = assert_problem(refused, 401)
            assert forged not in refused.text and "bob" not in detail and "alice" not in detail, detail
            assert refused.headers.get_list("www-authenticate")
        assert_problem(nobody.get("/user/job", headers={"Authorization": "Bearer " + "x" * 5000}), 401, "longer")
    log = world.daemon.log.read_text()
    assert world.bob_token not in log and world.alice_token not in log


def test_a_revoked_delegate_certificate_no_longer_acts_for_bob(world: World, tmp_path: Path) -> None:
    hub = world.home / pki.USERS / "hub"
    old_cert, old_key = tmp_path / "cert.pem", tmp_path / "key.pem"
    old_cert.write_bytes((hub / "cert.pem").read_bytes())
    old_key.write_bytes((hub / "key.pem").read_bytes())
    old_key.chmod(0o600)
    skyport(None, "user", "set", "hub", "--acts-for", "+carol", home=world.home)
    skyport(None, "user", "set", "hub", "--acts-for", "-carol", home=world.home)
    ssl = world.daemon.ssl_context(old_cert, old_key)
    with httpx.Client(base_url=world.daemon.url, verify=ssl, timeout=30) as old:
        refused = old.post(f"{TES}/tasks", json=task(["true"]), headers={"X-Skyport-User": "bob"})
        assert_problem(refused, 403, "revoked")
        assert_problem(old.get("/metrics", headers={"X-Skyport-User": "bob"}), 403, "revoked")
    with world.user("hub") as renewed:
        assert renewed.get(f"{TES}/tasks", headers={"X-Skyport-User": "bob"}).status_code == 200
        assert_problem(renewed.get(f"{TES}/tasks", headers={"X-Skyport-User": "alice"}), 403)


# -- metrics ----------------------------------------------------------------------------------------


def test_only_the_owner_reads_the_metrics_and_user_text_never_becomes_a_metric(world: World) -> None:
    sneaky = 'x"} 1\nskyport_injected{a="b'
    with world.token(world.bob_token) as bob:
        created = bob.post(
            f"{TES}/tasks",
            json=task(["true"], name=sneaky, tags={sneaky: sneaky}, resources={"backend_parameters": {sneaky: "1"}}),
        )
        assert created.status_code == 200, created.text
        ended(bob, created.json()["id"])
        assert_problem(bob.get("/metrics"), 403, "owner")
    with world.user("bob") as bob, world.user("hub") as hub, world.anonymous() as nobody:
        assert_problem(bob.get("/metrics"), 403, "owner")
        assert_problem(hub.get("/metrics", headers={"X-Skyport-User": "bob"}), 403, "owner")
        assert_problem(nobody.get("/metrics"), 401)
    with world.token(world.alice_token) as alice:
        metrics = alice.get("/metrics")
    assert metrics.status_code == 200 and "skyport_jobs_submitted_total" in metrics.text
    assert "skyport_injected" not in metrics.text and sneaky not in metrics.text
    for line in metrics.text.splitlines():
        assert line.startswith(("# ", "skyport_", "python_", "process_")) or not line, line


# -- TES storage and paths ----------------------------------------------------------------------------


def test_bob_cannot_name_files_on_the_daemons_host_in_any_spelling(world: World) -> None:
    key = world.home / pki.CA_KEY
    spellings = [f"file://{key}", str(key), f"FILE://{key}", f"file:{key}", f"file://localhost{key}", f" file://{key}"]
    with world.token(world.bob_token) as bob:
        before = job_ids(bob)
        for url in spellings:
            as_input = task(["true"], inputs=[{"path": "/data/key", "url": url}])
            as_output = task(["true"], outputs=[{"path": "/out/x", "url": url.replace("ca-key.pem", "planted")}])
            for attempt in (as_input, as_output):
                refused = bob.post(f"{TES}/tasks", json=attempt)
                assert refused.status_code in (400, 403), (url, refused.text)
                assert refused.headers["content-type"] == "application/problem+json"
        assert job_ids(bob) == before
    assert not (world.home / "planted").exists()


def test_paths_that_leave_their_folder_or_sit_in_root_are_refused_at_the_door(world: World) -> None:
    attempts = [
        {"inputs": [{"path": "/data/../etc/passwd", "content": "x"}]},
        {"inputs": [{"path": "/etc", "content": "x"}]},
        {"outputs": [{"path": "/out/../../root/x", "url": "s3://shared/k"}]},
        {"outputs": [{"path": "/out/./x", "url": "s3://shared/k"}]},
        {"outputs": [{"path": "/out/..", "url": "s3://shared/k"}]},
        {"inputs": [{"path": "/data/x/..", "content": "x"}]},
        {"outputs": [{"path": "/out/*.log", "path_prefix": "/elsewhere", "url": "s3://shared/k"}]},
        {"outputs": [{"path": "/out/*.log", "url": "s3://shared/k"}]},
        {"volumes": ["/data/.."]},
        {"volumes": ["relative"]},
        {"executors": [executor("true", workdir="/w/../../etc")]},
        {"executors": [executor("true", stdout="/x")]},
        {"executors": [executor("true", stdin="/in/../../proc/1/environ")]},
        {"executors": [executor("sh", "-c", "true\n#SWM cpus 64\n#SWM account other\n")]},
        {"executors": [executor("true", stdout="/out/a\n#SBATCH --cpus-per-task=64\n")]},
        {"executors": [executor("true", env={"X": "\n#SWM mem 1G\n"})]},
    ]
    with world.token(world.bob_token) as bob:
        before = job_ids(bob)
        for attempt in attempts:
            refused = bob.post(f"{TES}/tasks", json={**task(["true"]), **attempt})
            assert refused.status_code == 400, (attempt, refused.text)
            assert refused.json()["detail"], refused.text
        assert job_ids(bob) == before


def test_a_volume_over_proc_never_runs_and_one_over_the_home_hides_it(world: World) -> None:
    with world.token(world.bob_token) as bob:
        proc = bob.post(f"{TES}/tasks", json=task(["sh", "-c", "echo ran > /out/ran"], volumes=["/proc"]))
        top = f"/{world.home.parts[1]}"  # the home's top folder: the job's own empty folder, not the host's
        over = bob.post(
            f"{TES}/tasks",
            json=task(
                ["sh", "-c", f"ls -a {world.home} {top}; cat {world.home / pki.CA_KEY}; echo survived"],
                volumes=[top],
            ),
        )
        if proc.status_code == 200:
            refused = ended(bob, proc.json()["id"])
            assert refused["state"] == "SYSTEM_ERROR", refused
            assert "/proc" in " ".join(refused["logs"][0]["system_logs"]), refused
            assert not refused["logs"][0]["logs"], "an executor ran with a volume over /proc"
        else:
            assert_problem(proc, 400, "/proc")
        assert over.status_code == 200, over.text
        shown = ended(bob, over.json()["id"])
    out = shown["logs"][0]["logs"][0]
    assert "survived" in out["stdout"] and "PRIVATE KEY" not in out["stdout"] + out["stderr"], shown
    assert pki.CA_KEY not in out["stdout"], out


def test_a_job_cannot_stage_back_links_to_the_ca_key_as_logs_or_outputs(world: World, tmp_path: Path) -> None:
    key = world.home / pki.CA_KEY
    plant = (
        f'ln -sf {key} "$W0/tes-stdout-0"; ln -sf {key} "$W0/tes-output-0"; ln -sf {key} /out/key; '
        f"mkdir -p /out/tree; ln -sf {key} /out/tree/key.log; ln -sf {world.home} /out/tree/home"
    )
    delivered = tmp_path / "delivered"
    with world.user("alice") as alice:  # the owner, so outputs may go to the host: the job is still untrusted
        created = alice.post(
            f"{TES}/tasks",
            json={
                "executors": [
                    executor("sh", "-c", "echo first"),
                    executor("sh", "-c", plant, env={"W0": "."}),
                ],
                "outputs": [
                    {"path": "/out/key", "url": f"file://{delivered}/key"},
                    {"path": "/out/tree", "url": f"file://{delivered}/tree", "type": "DIRECTORY"},
                    {"path": "/out/tree/*.log", "path_prefix": "/out/tree", "url": f"file://{delivered}/logs"},
                ],
            },
        )
        assert created.status_code == 200, created.text
        shown = ended(alice, created.json()["id"])
    everything = json.dumps(shown)
    assert "PRIVATE KEY" not in everything, shown
    secret = key.read_bytes()
    leaked = [p for p in tmp_path.rglob("*") if p.is_file() and not p.is_symlink() and secret in p.read_bytes()]
    assert not leaked and not any(p.is_symlink() for p in tmp_path.rglob("*")), leaked
    assert shown["state"] in ("SYSTEM_ERROR", "COMPLETE", "EXECUTOR_ERROR"), shown


def test_http_inputs_come_only_from_the_allowed_prefix_without_redirects(world: World) -> None:
    port = world.web.rsplit(":", 1)[1]
    refused = [
        f"{world.web}/secret.txt",
        f"{world.web}/pub/../secret.txt",
        f"{world.web}/pub/%2e%2e/secret.txt",
        f"{world.web}/pub/%2E%2E%2Fsecret.txt",
        f"{world.web}/pubx/ok.txt",
        f"http://localhost:{port}/pub/ok.txt",
        f"https://127.0.0.1:{port}/pub/ok.txt",
        f"http://user:pw@127.0.0.1:{port}/pub/ok.txt",
        f"http://127.0.0.1:{port}@169.254.169.254/pub/ok.txt",
        "http://169.254.169.254/latest/meta-data/",
        f"ftp://127.0.0.1:{port}/pub/ok.txt",
        f"gopher://127.0.0.1:{port}/pub/ok.txt",
    ]
    with world.token(world.bob_token) as bob:
        before = job_ids(bob)
        for url in refused:
            answer = bob.post(f"{TES}/tasks", json=task(["true"], inputs=[{"path": "/data/x", "url": url}]))
            assert answer.status_code in (400, 403), (url, answer.text)
        redirected = bob.post(
            f"{TES}/tasks", json=task(["true"], inputs=[{"path": "/d/x", "url": f"{world.web}/pub/away"}])
        )
        assert_problem(redirected, 400, "302")
        assert job_ids(bob) == before
        allowed = bob.post(
            f"{TES}/tasks",
            json=task(["cat", "/data/ok.txt"], inputs=[{"path": "/data/ok.txt", "url": f"{world.web}/pub/ok.txt"}]),
        )
        assert allowed.status_code == 200, allowed.text
        assert ended(bob, allowed.json()["id"])["logs"][0]["logs"][0]["stdout"] == "public\n"
    assert "/secret.txt" not in world.asked and all(path.startswith("/pub/") for path in world.asked), world.asked


def test_many_large_inputs_are_refused_once_their_total_passes_max_upload_not_all_fetched(world: World) -> None:
    """Each input alone is within max_upload; 1,000 of them would have been spooled on the daemon's disk
    (up to 1,000 x max_upload) before the job service refused their total."""
    big = {"path": "/data/big", "url": f"{world.web}/pub/big"}
    with world.token(world.bob_token) as bob:
        before = job_ids(bob)
        fetched = len(world.asked)
        inputs = [{**big, "path": f"/data/big{n}"} for n in range(1000)]
        assert_problem(bob.post(f"{TES}/tasks", json=task(["true"], inputs=inputs)), 413, "max_upload")
        assert job_ids(bob) == before
    assert world.asked[fetched:] == ["/pub/big", "/pub/big"]


def test_s3_urls_of_a_bucket_the_owner_did_not_name_are_refused_for_bob(world: World) -> None:
    """docs/tes.md: the daemon reads and writes S3 with its own credentials, so another user may name only the
    buckets its owner lists (tes_s3_buckets, none here); refused at the door, before any request to S3."""
    with world.token(world.bob_token) as bob:
        before = job_ids(bob)
        for attempt in (
            {"inputs": [{"path": "/data/x", "url": "s3://alices-private/secret.txt"}]},
            {"outputs": [{"path": "/out/x", "url": "s3://alices-private/results/x"}]},
        ):
            assert_problem(bob.post(f"{TES}/tasks", json={**task(["true"]), **attempt}), 403, "tes_s3_buckets")
        assert job_ids(bob) == before


# -- bounds -------------------------------------------------------------------------------------------


def test_huge_deep_and_overfull_bodies_are_4xx_and_the_daemon_keeps_serving(world: World) -> None:
    deep = b'{"executors": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    overfull = [
        {"executors": [executor("true")] * 101},
        {"inputs": [{"path": f"/d/{n}", "content": ""} for n in range(1001)]},
        {"outputs": [{"path": f"/o/{n}", "url": "s3://shared/k"} for n in range(1001)]},
        {"tags": {f"t{n}": "" for n in range(257)}},
        {"tags": {"k" * 256: ""}},
        {"tags": {"k": "v" * 4097}},
        {"name": "n" * 1025},
        {"volumes": [f"/v{n}" for n in range(101)]},
        {"executors": [executor(*["a"] * 1001)]},
        {"executors": [executor("echo", "a" * 16385)]},
        {"executors": [executor("true", env={f"E{n}": "" for n in range(1001)})]},
        {"inputs": [{"path": "/d/x", "content": "c" * (1024 * 1024 + 1)}]},
        {"resources": {"zones": ["z"] * 101}},
        {"resources": {"cpu_cores": -1}},
        {"resources": {"ram_gb": 1e300}},
    ]
    with world.token(world.bob_token) as bob:
        before = job_ids(bob)
        for body in (deep, b"[" * 3_000_000, b'{"executors": "' + b"x" * (5 * 1024 * 1024) + b'"}'):
            answer = bob.post(f"{TES}/tasks", content=body, headers={"Content-Type": "application/json"})
            assert answer.status_code in (400, 413), answer.text[:500]
            assert answer.headers["content-type"] == "application/problem+json"
        for more in overfull:
            answer = bob.post(f"{TES}/tasks", json={**task(["true"]), **more})
            assert answer.status_code in (400, 413), (list(more), answer.text[:500])
        deep_token = bob.post("/user/token", content=deep, headers={"Content-Type": "application/json"})
        assert deep_token.status_code in (400, 403, 413), deep_token.text[:500]
        assert job_ids(bob) == before
        assert bob.get(f"{TES}/service-info").status_code == 200


# -- events and #SWM storage --------------------------------------------------------------------------


def stored_events(client: httpx.Client, headers: dict[str, str], **params: str) -> httpx.Response:
    """The stored events a stream sends before it would follow (follow=false), read whole."""
    return client.get("/user/events", params={"follow": "false", **params}, headers=headers)


def test_bob_never_gets_alices_events_by_job_last_event_id_or_all_users(world: World) -> None:
    with world.user("alice") as alice:
        submitted = alice.post("/user/job", files={"script_content": ("job.sh", b"#!/bin/sh\ntrue\n")})
        assert submitted.status_code == 200, submitted.text
        alices = submitted.text.strip().strip('"')
        assert alices in stored_events(alice, {}, after="0").text
    with world.token(world.bob_token) as by_token, world.user("hub") as hub:
        for who, as_bob in ((by_token, {}), (hub, {"X-Skyport-User": "bob"})):
            for headers, params in (({"Last-Event-ID": "0"}, {}), ({}, {"after": "0"}), ({}, {"tail": "10000"})):
                seen = stored_events(who, {**as_bob, **headers}, **params)
                assert seen.status_code == 200, seen.text
                assert alices not in seen.text and "alice" not in seen.text, seen.text
            assert_problem(stored_events(who, as_bob, job=alices), 404)
            assert_problem(stored_events(who, as_bob, all_users="true"), 403, "owner")
            assert_problem(stored_events(who, as_bob, all_users="true", job=alices), 403, "owner")
            assert_problem(stored_events(who, {**as_bob, "Last-Event-ID": "0 OR 1=1"}), 400)


@pytest.mark.parametrize(
    ("value", "says"),
    [("2000T", "1 PiB"), ("99999999999999999999", "1 PiB"), ("900T", "disk"), ("../etc", "name"), ("x" * 300, "name")],
)
def test_swm_storage_out_of_range_beyond_every_flavor_or_no_name_is_a_400_and_stores_nothing(
    world: World, value: str, says: str
) -> None:
    """A size is disk per node up to 1 PiB that some flavor must offer; anything else must be a plain name
    (Sky Port's storage container, recorded only: docs/jobscript.md)."""
    with world.token(world.bob_token) as bob:
        before = job_ids(bob)
        script = f"#!/bin/sh\n#SWM storage {value}\ntrue\n".encode()
        assert_problem(bob.post("/user/job", files={"script_content": ("job.sh", script)}), 400, says)
        assert job_ids(bob) == before


def test_a_user_or_delegate_named_as_the_login_running_the_daemon_is_not_its_owner(tmp_path: Path) -> None:
    """The daemon runs as root here; its owner used to default to that login name, so a delegate acting
    for a user named root could submit ?path=/etc/... scripts and name host files. The owner is now
    the user the home was made for (alice), unless config.yaml names another."""
    home = make_home(tmp_path / "home")
    skyport(None, "user", "add", "root", home=home)
    skyport(None, "user", "add", "hub", "--acts-for", "root", home=home)
    away = [{"name": "away", "kind": "local", "url": f"https://127.0.0.1:{free_port()}"}]  # jobs stay queued
    secret = tmp_path / "host-only.sh"
    secret.write_text("#!/bin/sh\ntrue\n")
    with running_daemon(home, tmp_path / "daemon.log", sites=away) as daemon:
        for name, headers in (("root", {}), ("hub", {"X-Skyport-User": "root"})):
            folder = home / pki.USERS / name
            ssl = daemon.ssl_context(folder / "cert.pem", folder / "key.pem")
            with httpx.Client(base_url=daemon.url, verify=ssl, timeout=30) as as_root:
                by_path = as_root.post("/user/job", params={"path": str(secret)}, headers=headers)
                assert_problem(by_path, 403, "owner (alice)")
                host_file = as_root.post(
                    f"{TES}/tasks",
                    json=task(["true"], inputs=[{"path": "/d/x", "url": f"file://{secret}"}]),
                    headers=headers,
                )
                assert_problem(host_file, 403, "owner (alice)")
        with httpx.Client(base_url=daemon.url, verify=daemon.ssl_context(), timeout=30) as alice:
            assert alice.post("/user/job", params={"path": str(secret)}).status_code == 200


def test_bob_can_neither_list_nor_revoke_alices_tokens(world: World) -> None:
    with world.user("alice") as alice:
        mine = alice.get("/user/token").json()
    assert mine, "alice has a token"
    with world.token(world.bob_token) as by_token, world.user("bob") as by_cert:
        for bob in (by_token, by_cert):
            assert {row["id"] for row in bob.get("/user/token").json()} & {row["id"] for row in mine} == set()
            for row in mine:
                assert_problem(bob.delete(f"/user/token/{row['id']}"), 404)
                if row.get("name"):
                    assert_problem(bob.delete(f"/user/token/{row['name']}"), 404)
    with world.token(world.alice_token) as alice:
        assert alice.get("/user/job").status_code == 200
