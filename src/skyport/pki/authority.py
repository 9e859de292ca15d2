"""Create and load the CA and the certificates it issues, each with its role."""

from __future__ import annotations

import dataclasses
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
CORE_CERT = "core.pem"
CORE_KEY = "core-key.pem"
USERS = "users"

# Roles: what a certificate may do. A user uses the terminal API; a delegate (a JupyterHub, say)
# uses it for the users its certificate names; the core (the daemon) talks to gates; a server
# certificate only serves TLS. The role is a SAN URI skyport:role:ROLE, a delegate's users are
# SAN URIs skyport:acts-for:NAME.
USER = "user"
DELEGATE = "delegate"
CORE = "core"
SERVER = "server"
_ROLE_URI = "skyport:role:"
_ACTS_FOR_URI = "skyport:acts-for:"
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
    alternative: list[x509.GeneralName] = [x509.UniformResourceIdentifier(_ROLE_URI + role)]
    if role == SERVER:
        alternative += [_alternative_name(n) for n in dict.fromkeys([*LOCAL_NAMES, *names])]
    if role == DELEGATE:
        alternative += [x509.UniformResourceIdentifier(_ACTS_FOR_URI + n) for n in names]
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
            str(n.value) for n in _load(server).extensions.get_extension_for_class(x509.SubjectAlternativeName).value
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


def issue_user(home: Path, user: str, *, replace: bool = False, acts_for: Sequence[str] = ()) -> Path:
    """Issue a client certificate for ``user`` into ``home/users/<user>/``; returns that folder.

    With ``acts_for``, a delegate's certificate: it may act for those users and nobody else. A
    user with a certificate gets a new one only with ``replace`` (after a revocation).
    """
    if not (home / CA_CERT).exists():
        raise BadRequest(f"no CA in {home}: run `skyport init` first")
    for name in [user, *acts_for]:
        check_user_name(name, home=home)
    folder = home / USERS / user
    if (folder / CLIENT_CERT).exists() and not replace:
        raise Conflict(
            f"user {user} already has a certificate in {folder}; to issue another (a delegate acting for"
            f" more users, say), run `skyport user revoke {user}` first"
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


def server_context(home: Path) -> ssl.SSLContext:
    """A server-side TLS context that demands a client certificate signed by the home's CA."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH, cafile=str(home / CA_CERT))
    context.load_cert_chain(home / SERVER_CERT, home / SERVER_KEY)
    context.verify_mode = ssl.CERT_REQUIRED
    return context


def client_context(home: Path, cert: Path | None = None, key: Path | None = None) -> ssl.SSLContext:
    """A client-side TLS context trusting the home's CA and presenting a client certificate.

    The home owner's user certificate unless ``cert`` and ``key`` say otherwise.
    """
    context = ssl.create_default_context(cafile=str(home / CA_CERT))
    context.load_cert_chain(cert or home / CLIENT_CERT, key or home / CLIENT_KEY)
    return context


def core_context(home: Path) -> ssl.SSLContext:
    """The TLS context the core (and only the core) talks to gates with: the core certificate."""
    return client_context(home, home / CORE_CERT, home / CORE_KEY)


@dataclasses.dataclass(frozen=True)
class Identity:
    """Who a certificate names and what it may do; ``role`` is empty for a certificate from before roles."""

    name: str
    role: str
    serial: int
    expires: dt.datetime
    acts_for: tuple[str, ...] = ()  # the users a delegate may act for


def _load(path: Path) -> x509.Certificate:
    return x509.load_pem_x509_certificate(path.read_bytes())


def identity(certificate: bytes | Path) -> Identity:
    """The name, role, serial number and expiry of a certificate (DER bytes, or a PEM file)."""
    cert = _load(certificate) if isinstance(certificate, Path) else x509.load_der_x509_certificate(certificate)
    names = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    value = names[0].value if names else ""
    try:
        uris = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value.get_values_for_type(
            x509.UniformResourceIdentifier
        )
    except x509.ExtensionNotFound:
        uris = []
    roles = [uri.removeprefix(_ROLE_URI) for uri in uris if uri.startswith(_ROLE_URI)]
    acts_for = tuple(uri.removeprefix(_ACTS_FOR_URI) for uri in uris if uri.startswith(_ACTS_FOR_URI))
    return Identity(
        name=value if isinstance(value, str) else value.decode(),
        role=roles[0] if len(roles) == 1 else "",
        acts_for=acts_for,
        serial=cert.serial_number,
        expires=cert.not_valid_after_utc,
    )
