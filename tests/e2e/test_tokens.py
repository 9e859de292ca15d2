"""API tokens against a real daemon over TLS on loopback: clients without a certificate.

A request that presents no certificate must carry a token (bearer, or basic auth's password); a
token acts as its user only, and is refused once revoked or expired.
"""

from __future__ import annotations

import base64
import json
import os
import sqlite3
import ssl
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from skyport_client import ApiError, Client
from skyport_client.api.accounts import add_account
from skyport_client.api.jobs import cancel_job, get_job, list_jobs
from skyport_client.api.tokens import create_token, list_tokens, revoke_token
from skyport_client.models import Account, TokenRequest
from skyport_client.tls import context_for_token

from skyport import pki
from tests.conftest import Daemon
from tests.e2e.test_jobs import submit, wait_for

SLEEP = "#!/bin/sh\nsleep 30\n"


def new_token(client: Client, name: str | None = None, expires_in: int = 3600) -> str:
    body = TokenRequest(expires_in=expires_in) if name is None else TokenRequest(name=name, expires_in=expires_in)
    token = create_token.sync(client=client, body=body).token
    assert token.startswith("skyport_")
    return token


def cli(home: Path, *args: str, token: str | None = None, url: str = "") -> subprocess.CompletedProcess[str]:
    """``skyport ARGS`` with the home ``home``, and the token in SKYPORT_TOKEN when given."""
    env = {key: value for key, value in os.environ.items() if key not in ("SKYPORT_TOKEN", "SKYPORT_URL")}
    env["SKYPORT_HOME"] = str(home)
    if token:
        env["SKYPORT_TOKEN"] = token
    if url:
        env["SKYPORT_URL"] = url
    command = [sys.executable, "-m", "skyport", *args]
    script = "#!/bin/sh\ntrue\n"
    return subprocess.run(command, env=env, input=script, capture_output=True, text=True, timeout=120, check=False)


def with_token(daemon: Daemon, token: str) -> Client:
    """The generated client with a token and no certificate."""
    return Client(daemon.url, ssl_context=context_for_token(daemon.home), token=token)


def no_certificate(daemon: Daemon, **kwargs: object) -> httpx.Client:
    return httpx.Client(base_url=daemon.url, verify=context_for_token(daemon.home), timeout=30, **kwargs)  # type: ignore[arg-type]


def bob_client(daemon: Daemon) -> Client:
    pki.add_user(daemon.home, "bob")
    folder = daemon.home / pki.USERS / "bob"
    return Client(daemon.url, ssl_context=daemon.ssl_context(folder / pki.CLIENT_CERT, folder / "key.pem"))


def assert_refused(response: httpx.Response, status: int, words: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert words in response.json()["detail"], response.json()
    if status == 401:
        assert response.headers.get_list("www-authenticate") == ['Bearer realm="skyport"', 'Basic realm="skyport"']


def test_without_certificate_or_token_a_request_is_401_problem_json(daemon: Daemon, tmp_path: Path) -> None:
    with no_certificate(daemon) as anonymous:
        assert_refused(anonymous.get("/user/job"), 401, "neither a client certificate nor a token")
        for _ in range(2):  # the second time from the daemon's memory of unknown tokens
            made_up = {"Authorization": "Bearer skyport_made_up"}
            assert_refused(anonymous.get("/user/job", headers=made_up), 401, "not known")
        assert_refused(anonymous.get("/user/job", headers={"Authorization": "Token x"}), 401, "neither 'Bearer")
        assert_refused(anonymous.get("/user/job", headers={"Authorization": "Basic !!"}), 401, "USER:TOKEN")
        assert_refused(anonymous.post("/user/token", json={}), 401, "neither a client certificate")
        big = {"name": "lab", "members": ["m" * 200] * 5000}  # read and dropped, so the client reads the 401
        assert_refused(anonymous.post("/user/account", json=big), 401, "neither a client certificate")
    curl = subprocess.run(
        ["curl", "-s", "-i", "--cacert", str(daemon.home / pki.CA_CERT), f"{daemon.url}/user/remote"],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    assert curl.stdout.startswith("HTTP/1.1 401"), curl.stdout
    assert 'www-authenticate: bearer realm="skyport"' in curl.stdout.lower()
    stranger = tmp_path / "stranger"  # a certificate of another CA is still refused at the handshake
    pki.init_authority(stranger, "mallory")
    context = ssl.create_default_context(cafile=daemon.home / pki.CA_CERT)
    context.load_cert_chain(stranger / pki.CLIENT_CERT, stranger / "key.pem")
    with pytest.raises(httpx.HTTPError), httpx.Client(base_url=daemon.url, verify=context) as foreign:
        foreign.get("/user/job")


def test_a_token_submits_lists_gets_and_cancels_and_is_never_stored_or_logged(daemon: Daemon, client: Client) -> None:
    token = new_token(client, "ci")
    with with_token(daemon, token) as robot:
        job_id = submit(robot, SLEEP)
        wait_for(robot, job_id, "R")
        assert [job.id for job in list_jobs.sync(client=robot)] == [job_id]
        cancel_job.sync(client=robot, job_id=job_id)
        assert wait_for(robot, job_id, "C")["state"] == "C"
    assert get_job.sync(client=client, job_id=job_id).state == "C"  # alice's job: others' answer 404
    listed = list_tokens.sync(client=client)
    assert [(t.name, t.last_used is not None) for t in listed] == [("ci", True)]
    assert "token" not in listed[0].to_dict()
    with no_certificate(daemon, auth=("whoever", token)) as basic:  # basic auth, any user name
        response = basic.get(f"/user/job/{job_id}")
        assert response.status_code == 200 and response.json()["id"] == job_id
    credentials = base64.b64encode(f"alice:{token}".encode()).decode()
    curl = subprocess.run(
        [
            "curl",
            "-s",
            "--cacert",
            str(daemon.home / pki.CA_CERT),
            "-H",
            f"Authorization: Basic {credentials}",
            f"{daemon.url}/user/job",
        ],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    assert [job["id"] for job in json.loads(curl.stdout)] == [job_id]
    revoke_token.sync(client=client, token="ci")
    with no_certificate(daemon, headers={"Authorization": f"Bearer {token}"}) as robot:
        assert robot.get("/user/job").status_code == 401
    written = b"".join(path.read_bytes() for path in daemon.home.glob("skyport.db*"))  # the file and its WAL
    assert token.encode() not in written and token.split("_", 1)[1].encode() not in written
    assert token not in daemon.log.read_text()


def test_revoked_and_expired_tokens_are_refused_and_bad_requests_create_none(daemon: Daemon, client: Client) -> None:
    token = new_token(client, "short")
    with no_certificate(daemon, headers={"Authorization": f"Bearer {token}"}) as robot:
        assert robot.get("/user/job").status_code == 200  # known, and now kept in the daemon's memory
        assert revoke_token.sync(client=client, token="short").name == "short"
        assert_refused(robot.get("/user/job"), 401, "not known to this daemon")
    with pytest.raises(ApiError) as unknown:
        revoke_token.sync(client=client, token="short")
    assert unknown.value.status_code == 404
    expired = new_token(client, "old")
    with sqlite3.connect(daemon.home / "skyport.db") as store:
        store.execute("UPDATE tokens SET expires_at = 1700000000 WHERE name = 'old'")
    with no_certificate(daemon, headers={"Authorization": f"Bearer {expired}"}) as robot:
        assert_refused(robot.get("/user/job"), 401, "expired on 2023-11-14 22:13 UTC")
    assert "(expired)" in cli(daemon.home, "token", "list").stdout
    with pytest.raises(ApiError) as again:
        new_token(client, "old")
    assert again.value.status_code == 409 and "named old already" in again.value.detail
    for body, words in [
        ({"name": "x" * 65}, "name"),
        ({"name": "a b"}, "name"),
        ({"expires_in": 59}, "expires_in"),
        ({"expires_in": 366 * 86400}, "expires_in"),
        ({"secret": "mine"}, "secret"),
    ]:
        response = client.get_httpx_client().post("/user/token", json=body)
        assert response.status_code == 400 and words in response.json()["detail"], response.text
    assert [t.name for t in list_tokens.sync(client=client)] == ["old"]


def test_a_token_of_bob_acts_for_bob_only_and_not_past_his_revocation(daemon: Daemon, client: Client) -> None:
    hers = submit(client, SLEEP)
    with bob_client(daemon) as bob:
        token = new_token(bob, "bobs")
    assert list_tokens.sync(client=client) == []  # alice does not see bob's tokens
    with with_token(daemon, token) as robot:
        assert list_jobs.sync(client=robot) == []
        with pytest.raises(ApiError) as hidden:
            get_job.sync(client=robot, job_id=hers)
        assert hidden.value.status_code == 404
        with pytest.raises(ApiError) as cancel:
            cancel_job.sync(client=robot, job_id=hers)
        assert cancel.value.status_code == 404
        with pytest.raises(ApiError) as owner_only:  # alice owns the daemon; bob's token is bob
            add_account.sync(client=robot, body=Account(name="lab"))
        assert owner_only.value.status_code == 403
        with pytest.raises(ApiError) as more:
            create_token.sync(client=robot, body=TokenRequest(name="another"))
        assert more.value.status_code == 403 and "a token cannot create tokens" in more.value.detail
    with no_certificate(daemon, headers={"Authorization": f"Bearer {token}", "X-Skyport-User": "alice"}) as robot:
        assert_refused(robot.get("/user/job"), 403, "acts only for bob")
    assert get_job.sync(client=client, job_id=hers).state in "QWR"
    pki.revoke(daemon.home, "bob")
    with no_certificate(daemon, headers={"Authorization": f"Bearer {token}"}) as robot:
        assert_refused(robot.get("/user/job"), 401, "the certificate of bob was revoked")


def test_the_cli_creates_lists_uses_and_revokes_a_token(daemon: Daemon, tmp_path: Path) -> None:
    created = cli(daemon.home, "token", "create", "--name", "laptop", "--expires", "30d")
    token = created.stdout.strip()
    assert token.startswith("skyport_") and "shown only this once" in created.stderr, created.stderr
    listed = cli(daemon.home, "token", "list").stdout
    assert "laptop" in listed and token not in listed
    elsewhere = tmp_path / "elsewhere"  # a machine with only the daemon's CA certificate
    elsewhere.mkdir()
    (elsewhere / pki.CA_CERT).write_bytes((daemon.home / pki.CA_CERT).read_bytes())
    submitted = cli(elsewhere, "--json", "submit", "-", token=token, url=daemon.url)
    assert submitted.returncode == 0, submitted.stderr
    job_id = json.loads(submitted.stdout)["id"]
    assert job_id in cli(elsewhere, "--json", "jobs", token=token, url=daemon.url).stdout
    refused = cli(elsewhere, "token", "create", token=token, url=daemon.url)
    assert refused.returncode == 1 and "a token cannot create tokens" in refused.stderr, refused.stderr
    assert "Traceback" not in refused.stderr
    assert cli(daemon.home, "token", "revoke", "laptop").stdout.strip() == "token laptop revoked"
    after = cli(elsewhere, "jobs", token=token, url=daemon.url)
    assert after.returncode == 1 and "not known to this daemon" in after.stderr, after.stderr
    bad = cli(daemon.home, "token", "create", "--expires", "soon")
    assert bad.returncode == 2 and "--expires" in bad.stderr
