"""Create and load the CA and the certificates it issues, each with its role."""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
from collections.abc import Sequence
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from skyport_gate_sdk.certs import (
    ACTS_FOR_URI,
    CA_CERT,
    CA_KEY,
    CLIENT_CERT,
    CLIENT_KEY,
    CORE,
    CORE_CERT,
    CORE_KEY,
    DELEGATE,
    ROLE_URI,
    SERVER,
    SERVER_CERT,
    SERVER_KEY,
    USER,
    USERS,
    identity,
    load_certificate,
)

from skyport.errors import BadRequest, Conflict

CORE_NAME = "core"  # the common name of the core certificate
RESERVED_NAMES = ("localhost", CORE_NAME)  # the server's and the core's names: never a user's

_VALIDITY = dt.timedelta(days=3650)
LOCAL_NAMES = ("localhost", "127.0.0.1")  # every server certificate names this machine


def _write_key(path: Path, key: ec.EllipticCurvePrivateKey) -> None:
    data = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)


def _write_cert(path: Path, cert: x509.Certificate) -> None:
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))


def _name(common: str) -> x509.Name:
    return x509.Name(
        [x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Skyport"), x509.NameAttribute(NameOID.COMMON_NAME, common)]
    )


def _builder(subject: x509.Name, issuer: x509.Name, key: ec.EllipticCurvePrivateKey) -> x509.CertificateBuilder:
    now = dt.datetime.now(dt.UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + _VALIDITY)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )


def _load_ca(home: Path) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    cert = x509.load_pem_x509_certificate((home / CA_CERT).read_bytes())
    key = serialization.load_pem_private_key((home / CA_KEY).read_bytes(), password=None)
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    return cert, key


def _alternative_name(name: str) -> x509.GeneralName:
    try:
        return x509.IPAddress(ipaddress.ip_address(name))
    except ValueError:
        return x509.DNSName(name)


def _issue(home: Path, common: str, cert_path: Path, key_path: Path, *, role: str, names: Sequence[str] = ()) -> None:
    ca_cert, ca_key = _load_ca(home)
    key = ec.generate_private_key(ec.SECP256R1())
    alternative: list[x509.GeneralName] = [x509.UniformResourceIdentifier(ROLE_URI + role)]
    if role == SERVER:
        alternative += [_alternative_name(n) for n in dict.fromkeys([*LOCAL_NAMES, *names])]
    if role == DELEGATE:
        alternative += [x509.UniformResourceIdentifier(ACTS_FOR_URI + n) for n in names]
    usage = ExtendedKeyUsageOID.SERVER_AUTH if role == SERVER else ExtendedKeyUsageOID.CLIENT_AUTH
    cert = (
        _builder(_name(common), ca_cert.subject, key)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=True,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
        .add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
        .add_extension(x509.SubjectAlternativeName(alternative), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    cert_path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    _write_key(key_path, key)
    _write_cert(cert_path, cert)


def init_authority(home: Path, user: str) -> bool:
    """Create the CA, the server and core certificates and ``user``'s client certificate in ``home``.

    Returns False and changes nothing when the CA already exists, so running it twice is safe.
    """
    check_user_name(user)
    home.mkdir(mode=0o700, parents=True, exist_ok=True)
    if (home / CA_CERT).exists():
        return False
    key = ec.generate_private_key(ec.SECP256R1())
    subject = _name("Skyport CA")
    cert = (
        _builder(subject, subject, key)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    _write_key(home / CA_KEY, key)
    _write_cert(home / CA_CERT, cert)
    _issue(home, "localhost", home / SERVER_CERT, home / SERVER_KEY, role=SERVER)
    _issue(home, CORE_NAME, home / CORE_CERT, home / CORE_KEY, role=CORE)
    _issue(home, user, home / CLIENT_CERT, home / CLIENT_KEY, role=USER)
    return True


def reissue_without_roles(home: Path) -> list[Path]:
    """Issue anew, with the same CA and names, every certificate of ``home`` that has no role.

    Homes made before certificates had roles hold a server certificate that also served as a
    client, and user certificates any server accepted. Missing core certificates are created.
    Returns the certificates written; each needs handing out again (a user's, to its user).
    """
    written: list[Path] = []
    server = home / SERVER_CERT
    if server.exists() and not identity(server).role:
        names = [
            str(n.value)
            for n in load_certificate(server).extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        ]
        _issue(home, "localhost", server, home / SERVER_KEY, role=SERVER, names=names)
        written.append(server)
    if not (home / CORE_CERT).exists() or not identity(home / CORE_CERT).role:
        _issue(home, CORE_NAME, home / CORE_CERT, home / CORE_KEY, role=CORE)
        written.append(home / CORE_CERT)
    for cert in [home / CLIENT_CERT, *sorted((home / USERS).glob(f"*/{CLIENT_CERT}"))]:
        if cert.exists() and not identity(cert).role:
            _issue(home, identity(cert).name, cert, cert.with_name(CLIENT_KEY), role=USER)
            written.append(cert)
    return written


def owner_name(home: Path) -> str:
    """The name in the home owner's certificate (``skyport init --user``)."""
    return identity(home / CLIENT_CERT).name


def check_user_name(user: str, *, home: Path | None = None) -> None:
    """Refuse what cannot be a user's name: not letters, digits, '-', '_', '.', or a reserved name.

    With ``home``, the home owner's name is taken too (``skyport init`` gave it to the owner).
    """
    if not user or not all(c.isalnum() or c in "-_." for c in user) or user.startswith("."):
        raise BadRequest(f"user name {user!r} is not valid: use letters, digits, '-', '_' and '.'")
    if user.lower() in RESERVED_NAMES:
        raise BadRequest(f"user name {user!r} is reserved (it names the daemon's server or core); choose another")
    if home is not None and (home / CLIENT_CERT).exists() and user == owner_name(home):
        raise BadRequest(f"{user} is the owner of {home} and has its certificate {home / CLIENT_CERT} already")


def check_acts_for(home: Path, delegate: str, names: Sequence[str]) -> None:
    """Refuse a delegate acting for a name that cannot be a user, or for the home's owner: acting as the
    owner would give the delegate the owner's powers, so the refusal says what to do instead."""
    owner = owner_name(home) if (home / CLIENT_CERT).exists() else None
    if owner is not None and owner in names:
        raise BadRequest(
            f"{delegate} cannot act for {owner}: {owner} owns {home}, and acting for the owner would give "
            f"{delegate} the owner's powers (users, accounts, budgets, scripts by path). For {owner}'s own "
            f"notebooks, give {owner} an ordinary user name too (`skyport user add {owner}-hub`), let {delegate} "
            f"act for that one (--acts-for {owner}-hub), and map {owner} to it in the hub "
            "(c.SkyportSpawner.skyport_user)"
        )
    for name in names:
        check_user_name(name, home=home)


def issue_user(home: Path, user: str, *, replace: bool = False, acts_for: Sequence[str] = ()) -> Path:
    """Issue a client certificate for ``user`` into ``home/users/<user>/``; returns that folder.

    With ``acts_for``, a delegate's certificate: it may act for those users and nobody else. A
    user with a certificate gets a new one only with ``replace`` (after a revocation).
    """
    if not (home / CA_CERT).exists():
        raise BadRequest(f"no CA in {home}: run `skyport init` first")
    check_user_name(user, home=home)
    check_acts_for(home, user, acts_for)
    folder = home / USERS / user
    if (folder / CLIENT_CERT).exists() and not replace:
        raise Conflict(
            f"user {user} already has a certificate in {folder}; to change whom a delegate acts for, run"
            f" `skyport user set {user} --acts-for +USER`; to issue another, run `skyport user revoke {user}` first"
        )
    role = DELEGATE if acts_for else USER
    _issue(home, user, folder / CLIENT_CERT, folder / CLIENT_KEY, role=role, names=acts_for)
    return folder


def issue_server(home: Path, names: Sequence[str]) -> list[str]:
    """Issue the home's server certificate anew, naming this machine and ``names`` (hosts or IPs).

    For a gate served on another host: copy the home there and serve it with ``skyport gate``.
    Returns every name the new certificate holds.
    """
    if not (home / CA_CERT).exists():
        raise BadRequest(f"no CA in {home}: run `skyport init` first")
    for name in names:
        if not name or any(c.isspace() or c in "/:@" for c in name):
            raise BadRequest(f"{name!r} is not a host name or IP address")
    _issue(home, "localhost", home / SERVER_CERT, home / SERVER_KEY, role=SERVER, names=names)
    return list(dict.fromkeys([*LOCAL_NAMES, *names]))
