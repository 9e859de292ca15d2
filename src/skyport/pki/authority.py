"""Create and load the CA and the certificates it issues."""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import ssl
from collections.abc import Sequence
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from skyport.errors import BadRequest, Conflict

CA_CERT = "ca.pem"
CA_KEY = "ca-key.pem"
SERVER_CERT = "server.pem"
SERVER_KEY = "server-key.pem"
CLIENT_CERT = "cert.pem"
CLIENT_KEY = "key.pem"

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


def _issue(
    home: Path, common: str, cert_path: Path, key_path: Path, *, server: bool, names: Sequence[str] = ()
) -> None:
    ca_cert, ca_key = _load_ca(home)
    key = ec.generate_private_key(ec.SECP256R1())
    builder = (
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
    )
    if server:
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False
        ).add_extension(
            x509.SubjectAlternativeName([_alternative_name(n) for n in dict.fromkeys([*LOCAL_NAMES, *names])]),
            critical=False,
        )
    else:
        builder = builder.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
    cert = builder.sign(ca_key, hashes.SHA256())
    cert_path.parent.mkdir(parents=True, exist_ok=True)
    _write_key(key_path, key)
    _write_cert(cert_path, cert)


def init_authority(home: Path, user: str) -> bool:
    """Create the CA, the server certificate and ``user``'s client certificate in ``home``.

    Returns False and changes nothing when the CA already exists, so running it twice is safe.
    """
    home.mkdir(parents=True, exist_ok=True)
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
    _issue(home, "localhost", home / SERVER_CERT, home / SERVER_KEY, server=True)
    _issue(home, user, home / CLIENT_CERT, home / CLIENT_KEY, server=False)
    return True


def issue_user(home: Path, user: str) -> Path:
    """Issue a client certificate for ``user`` into ``home/users/<user>/``; returns that folder."""
    if not user or not all(c.isalnum() or c in "-_." for c in user) or user.startswith("."):
        raise BadRequest(f"user name {user!r} is not valid: use letters, digits, '-', '_' and '.'")
    if not (home / CA_CERT).exists():
        raise BadRequest(f"no CA in {home}: run `skyport init` first")
    folder = home / "users" / user
    if (folder / CLIENT_CERT).exists():
        raise Conflict(f"user {user} already has a certificate in {folder}")
    _issue(home, user, folder / CLIENT_CERT, folder / CLIENT_KEY, server=False)
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
    _issue(home, "localhost", home / SERVER_CERT, home / SERVER_KEY, server=True, names=names)
    return list(dict.fromkeys([*LOCAL_NAMES, *names]))


def server_context(home: Path) -> ssl.SSLContext:
    """A server-side TLS context that demands a client certificate signed by the home's CA."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH, cafile=str(home / CA_CERT))
    context.load_cert_chain(home / SERVER_CERT, home / SERVER_KEY)
    context.verify_mode = ssl.CERT_REQUIRED
    return context


def client_context(home: Path, cert: Path | None = None, key: Path | None = None) -> ssl.SSLContext:
    """A client-side TLS context trusting the home's CA and presenting a client certificate."""
    context = ssl.create_default_context(cafile=str(home / CA_CERT))
    context.load_cert_chain(cert or home / CLIENT_CERT, key or home / CLIENT_KEY)
    return context


def common_name(der: bytes) -> str:
    """The common name of a DER-encoded certificate: the user it was issued to."""
    cert = x509.load_der_x509_certificate(der)
    names = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    value = names[0].value if names else ""
    return value if isinstance(value, str) else value.decode()
