"""Trust boundaries of certificates and the home, each test written as the attack it stops.

Everything is real: the daemon and a standalone gate (`skyport gate local`) are their own
processes, every request is a TLS handshake on 127.0.0.1 with a certificate of the home's CA.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import yaml
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from skyport_client import ApiError, Client
from skyport_client.api.jobs import get_job, list_jobs
from skyport_client.api.tokens import create_token
from skyport_client.models import TokenRequest

from gates.local.tests.local_gate_support import GateProcess
from skyport import pki
from tests.conftest import Daemon, free_port, running_daemon
from tests.e2e.test_cli import skyport
from tests.e2e.test_jobs import submit, wait_for
from tests.processes import kill_leftover_jobs


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def as_client(daemon: Daemon, cert: Path, key: Path) -> httpx.Client:
    return httpx.Client(base_url=daemon.url, verify=daemon.ssl_context(cert, key), timeout=30)


def pre_role_certificate(home: Path, common: str, cert_path: Path, key_path: Path) -> None:
    """A certificate as homes made before roles held: signed by the CA, client and server use, no role."""
    ca = x509.load_pem_x509_certificate((home / pki.CA_CERT).read_bytes())
    ca_key = serialization.load_pem_private_key((home / pki.CA_KEY).read_bytes(), password=None)
    assert isinstance(ca_key, ec.EllipticCurvePrivateKey)
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    usages = [ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)]))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.ExtendedKeyUsage(usages), critical=False)
        .add_extension(
            x509.SubjectAlternativeName([x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    key_path.chmod(0o600)
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))


@pytest.fixture
def standalone_gate(home: Path, tmp_path: Path) -> Iterator[GateProcess]:
    """`skyport gate local` on its own, serving the home's CA; started, and killed at the end."""
    config = tmp_path / "gate.yaml"
    config.write_text(yaml.safe_dump({"name": "local", "cpus": 2, "mem": 1024, "kill_grace": 1}))
    gate = GateProcess(home, config, tmp_path / "gate.log")
    gate.start().close()
    yield gate
    if gate.process is not None and gate.process.poll() is None:
        gate.kill()
    kill_leftover_jobs(home / "gates" / "local")


def test_a_user_certificate_cannot_drive_a_standalone_gate(home: Path, standalone_gate: GateProcess) -> None:
    """A user who calls a gate directly would bypass the core, the scheduler and every check: refused."""
    url = f"https://127.0.0.1:{standalone_gate.port}"
    partition = {"id": "mine", "flavor": "local", "count": 1}
    with httpx.Client(base_url=url, verify=pki.client_context(home), timeout=30) as user:
        refused = user.post("/partitions", json=partition)
        assert refused.status_code == 403, refused.text
        assert refused.headers["content-type"] == "application/problem+json"
        assert "gates accept only the daemon's core certificate" in refused.json()["detail"]
        assert user.get("/site").status_code == 403
    with httpx.Client(base_url=url, verify=pki.core_context(home), timeout=30) as core:
        assert core.get("/partitions").json() == [], "the refused request created a partition"
        assert core.get("/site").status_code == 200


def test_the_server_certificate_is_no_client(daemon: Daemon) -> None:
    """server.pem (on every gate host) presented as a client used to log in as user `localhost`."""
    usage = x509.load_pem_x509_certificate((daemon.home / pki.SERVER_CERT).read_bytes()).extensions
    assert list(usage.get_extension_for_class(x509.ExtendedKeyUsage).value) == [ExtendedKeyUsageOID.SERVER_AUTH]
    with as_client(daemon, daemon.home / pki.SERVER_CERT, daemon.home / pki.SERVER_KEY) as server:
        with pytest.raises(httpx.HTTPError):  # the TLS handshake fails: it is not a client certificate
            server.get("/user/job")


def test_the_core_certificate_is_no_user(daemon: Daemon) -> None:
    with as_client(daemon, daemon.home / pki.CORE_CERT, daemon.home / pki.CORE_KEY) as core:
        refused = core.get("/user/job")
    assert refused.status_code == 403, refused.text
    assert "does not accept a core certificate" in refused.json()["detail"]


def test_a_home_from_before_roles_is_refused_until_init_reissues_its_certificates(home: Path, tmp_path: Path) -> None:
    for common, cert, key in [
        ("localhost", pki.SERVER_CERT, pki.SERVER_KEY),
        ("alice", pki.CLIENT_CERT, pki.CLIENT_KEY),
    ]:
        pre_role_certificate(home, common, home / cert, home / key)
    (home / pki.CORE_CERT).unlink()
    (home / pki.CORE_KEY).unlink()
    ca = (home / pki.CA_CERT).read_bytes()
    with running_daemon(home, tmp_path / "old.log") as daemon:
        with as_client(daemon, home / pki.SERVER_CERT, home / pki.SERVER_KEY) as server:
            refused = server.get("/user/job")
        assert refused.status_code == 403 and "skyport init" in refused.json()["detail"], refused.text

    result = skyport(None, "init", home=home)

    assert "reissued" in result.stdout and str(home / pki.CLIENT_CERT) in result.stdout
    assert (home / pki.CA_CERT).read_bytes() == ca
    assert {pki.identity(home / name).role for name in (pki.SERVER_CERT, pki.CORE_CERT, pki.CLIENT_CERT)} == {
        "server",
        "core",
        "user",
    }
    with running_daemon(home, tmp_path / "new.log") as daemon:
        with Client(daemon.url, ssl_context=daemon.ssl_context()) as alice:
            submit(alice, "#!/bin/sh\ntrue\n")


def test_a_revoked_user_is_refused_at_the_next_request_and_their_queued_job_cancelled(
    home: Path, tmp_path: Path
) -> None:
    away = [{"name": "away", "kind": "local", "url": f"https://127.0.0.1:{free_port()}"}]  # jobs stay queued
    skyport(None, "user", "add", "bob", home=home)
    folder = home / pki.USERS / "bob"
    with running_daemon(home, tmp_path / "daemon.log", sites=away) as daemon:
        with Client(daemon.url, ssl_context=daemon.ssl_context()) as alice:
            kept = submit(alice, "#!/bin/sh\ntrue\n")
        with Client(daemon.url, ssl_context=daemon.ssl_context(folder / "cert.pem", folder / "key.pem")) as bob:
            queued = submit(bob, "#!/bin/sh\ntrue\n")

            result = skyport(None, "user", "revoke", "bob", home=home)

            assert "Revoked" in result.stdout
            refused = bob.get_httpx_client().get("/user/job")  # the same keep-alive connection
            assert refused.status_code == 403 and "was revoked" in refused.json()["detail"], refused.text

        listed = json.loads(skyport(None, "--json", "user", "list", home=home).stdout)
        assert [(row["name"], row["role"], bool(row["revoked"])) for row in listed if row["name"] == "bob"] == [
            ("bob", "user", True)
        ]
        skyport(None, "user", "add", "bob", home=home)  # a new certificate for bob; the old one stays revoked
        with Client(daemon.url, ssl_context=daemon.ssl_context(folder / "cert.pem", folder / "key.pem")) as bob:
            job = wait_for(bob, queued, "C", timeout=15)
        assert job["state_details"] == "cancelled: user bob was revoked"
        with Client(daemon.url, ssl_context=daemon.ssl_context()) as alice:
            assert wait_for(alice, kept, "Q")["state"] == "Q", "alice's job was touched"


def test_a_delegate_acts_for_the_users_its_certificate_names_and_nobody_else(home: Path, tmp_path: Path) -> None:
    """A hub's certificate may use the API for the users it serves; as anyone else it is refused."""
    skyport(None, "user", "add", "bob", home=home)
    skyport(None, "user", "add", "hub", "--acts-for", "bob", home=home)
    bob, hub = home / pki.USERS / "bob", home / pki.USERS / "hub"
    away = [{"name": "away", "kind": "local", "url": f"https://127.0.0.1:{free_port()}"}]  # jobs stay queued
    with running_daemon(home, tmp_path / "daemon.log", sites=away) as daemon:
        with Client(daemon.url, ssl_context=daemon.ssl_context(bob / "cert.pem", bob / "key.pem")) as client:
            job = submit(client, "#!/bin/sh\ntrue\n")
        with as_client(daemon, hub / "cert.pem", hub / "key.pem") as delegate:
            as_bob = delegate.get("/user/job", headers={"X-Skyport-User": "bob"})
            as_alice = delegate.get("/user/job", headers={"X-Skyport-User": "alice"})
            as_nobody = delegate.get("/user/job")
        with as_client(daemon, home / pki.CLIENT_CERT, home / pki.CLIENT_KEY) as alice:
            alice_as_bob = alice.get("/user/job", headers={"X-Skyport-User": "bob"})
        hub_context = daemon.ssl_context(hub / "cert.pem", hub / "key.pem")
        with Client(daemon.url, ssl_context=hub_context, acts_for="bob") as hub_as_bob:  # the generated client
            by_hub = submit(hub_as_bob, "#!/bin/sh\ntrue\n")
            assert {row.id for row in list_jobs.sync(client=hub_as_bob)} == {job, by_hub}
            with pytest.raises(ApiError) as no_token:  # a token would outlive the hub's session
                create_token.sync(client=hub_as_bob, body=TokenRequest(name="hub"))
            assert no_token.value.status_code == 403 and "delegate cannot create tokens" in no_token.value.detail
        with Client(daemon.url, ssl_context=hub_context, acts_for="alice") as hub_as_alice:
            with pytest.raises(ApiError) as refused:
                list_jobs.sync(client=hub_as_alice)
        assert refused.value.status_code == 403 and "delegate for bob" in refused.value.detail
        with Client(daemon.url, ssl_context=daemon.ssl_context(bob / "cert.pem", bob / "key.pem")) as as_bob_himself:
            assert get_job.sync(client=as_bob_himself, job_id=by_hub).owner == "bob"
        skyport(None, "user", "revoke", "bob", home=home)
        with as_client(daemon, hub / "cert.pem", hub / "key.pem") as delegate:
            as_revoked_bob = delegate.get("/user/job", headers={"X-Skyport-User": "bob"})
    assert as_bob.status_code == 200 and [row["id"] for row in as_bob.json()] == [job], as_bob.text
    assert as_alice.status_code == 403 and "delegate for bob" in as_alice.json()["detail"]
    assert as_nobody.status_code == 403
    assert alice_as_bob.status_code == 403 and "may not act for bob" in alice_as_bob.json()["detail"]
    assert as_revoked_bob.status_code == 403 and "bob was revoked" in as_revoked_bob.json()["detail"]


def hub_acting_for_bob(home: Path, tmp_path: Path) -> tuple[Path, Path, Path]:
    """Users bob and carol, and a delegate hub acting for bob: hub's folder, and a copy of its certificate
    and key as they are now."""
    for name in ("bob", "carol"):
        skyport(None, "user", "add", name, home=home)
    skyport(None, "user", "add", "hub", "--acts-for", "bob", home=home)
    hub = home / pki.USERS / "hub"
    (tmp_path / "old").mkdir()
    old_cert, old_key = tmp_path / "old" / "cert.pem", tmp_path / "old" / "key.pem"
    old_cert.write_bytes((hub / "cert.pem").read_bytes())
    old_key.write_bytes((hub / "key.pem").read_bytes())
    return hub, old_cert, old_key


def test_a_delegate_serves_one_more_user_once_its_certificate_is_reissued(home: Path, tmp_path: Path) -> None:
    """A team grows: the hub's certificate names its users, so a new one is issued after a revocation."""
    hub, old_cert, old_key = hub_acting_for_bob(home, tmp_path)
    again = skyport(None, "user", "add", "hub", "--acts-for", "bob", "--acts-for", "carol", home=home, check=False)
    assert again.returncode == 1 and "skyport user revoke hub" in again.stderr, again.stderr
    skyport(None, "user", "revoke", "hub", home=home)
    skyport(None, "user", "add", "hub", "--acts-for", "bob", "--acts-for", "carol", home=home)
    away = [{"name": "away", "kind": "local", "url": f"https://127.0.0.1:{free_port()}"}]
    with running_daemon(home, tmp_path / "daemon.log", sites=away) as daemon:
        with as_client(daemon, hub / "cert.pem", hub / "key.pem") as delegate:
            as_carol = delegate.get("/user/job", headers={"X-Skyport-User": "carol"})
        with as_client(daemon, old_cert, old_key) as old:
            old_as_bob = old.get("/user/job", headers={"X-Skyport-User": "bob"})
    assert as_carol.status_code == 200, as_carol.text
    assert old_as_bob.status_code == 403 and "revoked" in old_as_bob.json()["detail"], old_as_bob.text


def test_user_set_changes_whom_a_delegate_acts_for_and_revokes_its_old_certificate(home: Path, tmp_path: Path) -> None:
    """`skyport user set hub --acts-for +carol` reissues the hub's certificate in its folder and revokes the
    old one; `-bob` takes bob away. A refused change changes nothing."""
    hub, old_cert, old_key = hub_acting_for_bob(home, tmp_path)
    away = [{"name": "away", "kind": "local", "url": f"https://127.0.0.1:{free_port()}"}]
    with running_daemon(home, tmp_path / "daemon.log", sites=away) as daemon:
        added = skyport(None, "user", "set", "hub", "--acts-for", "+carol", home=home)
        with as_client(daemon, hub / "cert.pem", hub / "key.pem") as delegate:
            as_carol = delegate.get("/user/job", headers={"X-Skyport-User": "carol"})
        with as_client(daemon, old_cert, old_key) as old:
            old_as_bob = old.get("/user/job", headers={"X-Skyport-User": "bob"})
        skyport(None, "user", "set", "hub", "--acts-for", "-bob", home=home)
        with as_client(daemon, hub / "cert.pem", hub / "key.pem") as delegate:
            as_bob = delegate.get("/user/job", headers={"X-Skyport-User": "bob"})
            still_carol = delegate.get("/user/job", headers={"X-Skyport-User": "carol"})
        kept = (hub / "cert.pem").read_bytes()
        for change, words in (
            (("hub", "--acts-for", "-carol"), "acts for at least one user"),
            (("hub", "--acts-for", "carol"), "acts for carol already"),
            (("hub", "--acts-for", "+../etc"), "is not valid"),
            (("bob", "--acts-for", "+carol"), "bob is not a delegate"),
            (("hub", "--acts-for", "+alice"), "hub cannot act for alice: alice owns"),
        ):
            refused = skyport(None, "user", "set", *change, home=home, check=False)
            assert refused.returncode == 1 and words in refused.stderr and "Traceback" not in refused.stderr, refused
        with as_client(daemon, hub / "cert.pem", hub / "key.pem") as delegate:
            assert delegate.get("/user/job", headers={"X-Skyport-User": "carol"}).status_code == 200
    assert "acting for bob, carol" in added.stdout, added.stdout
    assert as_carol.status_code == 200, as_carol.text
    assert old_as_bob.status_code == 403 and "revoked" in old_as_bob.json()["detail"], old_as_bob.text
    assert as_bob.status_code == 403 and "delegate for carol" in as_bob.json()["detail"], as_bob.text
    assert still_carol.status_code == 200, still_carol.text
    assert (hub / "cert.pem").read_bytes() == kept
    assert pki.identity(hub / "cert.pem").acts_for == ("carol",)


def test_a_delegate_for_the_owner_is_refused_saying_what_to_do_instead(home: Path) -> None:
    """Acting for the owner (alice) would give the delegate the owner's powers: refused, and the message says
    how alice's own notebooks can go through the hub."""
    refused = skyport(None, "user", "add", "hub", "--acts-for", "bob", "--acts-for", "alice", home=home, check=False)
    assert refused.returncode == 1 and "Traceback" not in refused.stderr, refused.stderr
    said = " ".join(refused.stderr.split())
    assert f"hub cannot act for alice: alice owns {home}, and acting for the owner would give hub" in said, said
    assert "`skyport user add alice-hub`" in said and "--acts-for alice-hub" in said, said
    assert not (home / pki.USERS / "hub").exists()


@pytest.mark.parametrize("name", ["alice", "localhost", "core", "../etc", ""])
def test_user_add_refuses_reserved_and_invalid_names(home: Path, name: str) -> None:
    result = skyport(None, "user", "add", name, home=home, check=False)
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr, result.stderr
    assert not (home / pki.USERS).exists()


def test_user_list_shows_users_roles_and_expiry(home: Path) -> None:
    skyport(None, "user", "add", "carol", home=home)
    listed = {row["name"]: row for row in json.loads(skyport(None, "--json", "user", "list", home=home).stdout)}
    assert {name: row["role"] for name, row in listed.items()} == {
        "alice": "user",
        "carol": "user",
        "core": "core",
        "localhost": "server",
    }
    assert listed["alice"]["owner"] and not listed["carol"]["owner"]
    assert dt.datetime.fromisoformat(listed["carol"]["expires"]) > dt.datetime.now(dt.UTC) + dt.timedelta(days=365)
    table = skyport(None, "user", "list", home=home).stdout
    assert "carol" in table and "alice (owner)" in table


def test_a_fresh_home_and_what_the_daemon_writes_are_private(tmp_path: Path) -> None:
    home = tmp_path / "fresh"
    skyport(None, "init", "--user", "alice", home=home)
    skyport(None, "user", "add", "bob", home=home)
    assert mode(home) == 0o700
    keys = ["ca-key.pem", "server-key.pem", "core-key.pem", "key.pem", "users/bob/key.pem"]
    assert {name: mode(home / name) for name in keys} == dict.fromkeys(keys, 0o600)
    assert mode(home / "users") == mode(home / "users" / "bob") == 0o700
    (home / "sites").mkdir(mode=0o755)  # as a home from before had it
    away = [{"name": "away", "kind": "local", "url": f"https://127.0.0.1:{free_port()}"}]  # jobs stay queued
    with running_daemon(home, tmp_path / "daemon.log", sites=away) as daemon:
        with Client(daemon.url, ssl_context=daemon.ssl_context()) as alice:
            submit(alice, "#!/bin/sh\ncat data.txt\n#SWM input data.txt\n", [("data.txt", b"private")])
    assert mode(home / "skyport.db") == 0o600
    assert mode(home / "jobs") == 0o700 and mode(home / "sites") == 0o700
    written = list((home / "jobs").rglob("*"))
    assert len(written) > 2 and all(mode(path) & 0o077 == 0 for path in written), [oct(mode(p)) for p in written]


def test_the_daemon_refuses_a_home_whose_ca_key_others_can_read(home: Path) -> None:
    (home / pki.CA_KEY).chmod(0o644)
    command = [sys.executable, "-m", "skyport", "--home", str(home), "daemon", "--port", "1"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 1, result.stderr
    assert str(home / pki.CA_KEY) in result.stderr and f"chmod 600 {home / pki.CA_KEY}" in result.stderr
    assert "Traceback" not in result.stderr
