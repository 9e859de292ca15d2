"""Certificates of a Skyport home as a server reads them: who a peer is, its role, and the door it passes.

A home (``~/.skyport`` by default, made by ``skyport init``) holds the CA, the server certificate
every Skyport server (the daemon, a gate served on its own) presents, and the core certificate the
daemon presents to gates. The role is a SAN URI ``skyport:role:ROLE``; :class:`Door` checks it, and
the home's revocation list, on every request. Issuing certificates is the daemon's
(``skyport.pki``), not a gate's.

The revocation list is the file ``revoked`` in the home, one line per revoked certificate::

    NAME<TAB>SERIAL (hex)<TAB>WHEN (UTC, ISO 8601)

``skyport user revoke NAME`` appends to it; the daemon and gates read it again whenever it
changes, so a revoked certificate is refused at its next request.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import ssl
from pathlib import Path

from cryptography import x509
from cryptography.x509.oid import NameOID

from skyport_gate_sdk.errors import Forbidden, Unauthorized

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
ROLE_URI = "skyport:role:"
ACTS_FOR_URI = "skyport:acts-for:"


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


def load_certificate(path: Path) -> x509.Certificate:
    return x509.load_pem_x509_certificate(path.read_bytes())


def identity(certificate: bytes | Path) -> Identity:
    """The name, role, serial number and expiry of a certificate (DER bytes, or a PEM file)."""
    cert = (
        load_certificate(certificate) if isinstance(certificate, Path) else x509.load_der_x509_certificate(certificate)
    )
    names = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    value = names[0].value if names else ""
    try:
        uris = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value.get_values_for_type(
            x509.UniformResourceIdentifier
        )
    except x509.ExtensionNotFound:
        uris = []
    roles = [uri.removeprefix(ROLE_URI) for uri in uris if uri.startswith(ROLE_URI)]
    acts_for = tuple(uri.removeprefix(ACTS_FOR_URI) for uri in uris if uri.startswith(ACTS_FOR_URI))
    return Identity(
        name=value if isinstance(value, str) else value.decode(),
        role=roles[0] if len(roles) == 1 else "",
        acts_for=acts_for,
        serial=cert.serial_number,
        expires=cert.not_valid_after_utc,
    )


REVOKED = "revoked"
ON_BEHALF_OF = "x-skyport-user"  # the header naming the user a delegate acts for

_FIX = {
    USER: "use a user's certificate (cert.pem of the home, or one `skyport user add NAME` issued)",
    CORE: "gates accept only the daemon's core certificate (core.pem and core-key.pem of the daemon's home)",
}


@dataclasses.dataclass(frozen=True)
class Revocation:
    name: str
    serial: int
    at: dt.datetime


class Revocations:
    """The home's revocation list, read again only when the file changes (a stat per look)."""

    def __init__(self, home: Path) -> None:
        self.path = home / REVOKED
        self._stamp: tuple[int, int, int] | None = None
        self._entries: tuple[Revocation, ...] = ()

    def entries(self) -> tuple[Revocation, ...]:
        """Every revocation; the same tuple object as long as the file is unchanged."""
        try:
            status = os.stat(self.path)
        except FileNotFoundError:
            stamp = None
        else:
            stamp = (status.st_mtime_ns, status.st_size, status.st_ino)
        if stamp != self._stamp:
            self._entries = tuple(_read(self.path)) if stamp else ()
            self._stamp = stamp
        return self._entries

    def of(self, serial: int) -> Revocation | None:
        return next((entry for entry in self.entries() if entry.serial == serial), None)


def _read(path: Path) -> list[Revocation]:
    entries = []
    for line in path.read_text(encoding="utf-8").splitlines():
        fields = line.split("\t")
        if len(fields) == 3:
            entries.append(Revocation(fields[0], int(fields[1], 16), dt.datetime.fromisoformat(fields[2])))
    return entries


class Door:
    """Admits certificates of one role that are not revoked; everything else gets a reason.

    A door for users also admits delegates, each for the users its certificate names.
    """

    def __init__(self, home: Path, role: str) -> None:
        self.home = home
        self.role = role
        self.revocations = Revocations(home)

    def admit(self, peer: Identity | None, on_behalf_of: str | None = None) -> str:
        """The name ``peer`` acts as; raises Unauthorized or Forbidden saying what to do instead.

        ``on_behalf_of`` is the user a delegate names (header X-Skyport-User).
        """
        if peer is None:
            raise Unauthorized("a client certificate issued by the daemon's CA is required")
        if not peer.role:
            raise Forbidden(
                f"the certificate of {peer.name} has no Skyport role: it was issued before roles existed; "
                "run `skyport init` on the daemon's home to reissue its certificates, then use the new ones"
            )
        delegating = peer.role == DELEGATE and self.role == USER
        if peer.role != self.role and not delegating:
            raise Forbidden(f"this server does not accept a {peer.role} certificate: {_FIX[self.role]}")
        self._check_not_revoked(peer.name, peer.serial)
        if not delegating:
            if on_behalf_of not in (None, peer.name):
                raise Forbidden(f"{peer.name} may not act for {on_behalf_of}: only a delegate's certificate may")
            return peer.name
        if on_behalf_of not in peer.acts_for:
            allowed = ", ".join(peer.acts_for)
            raise Forbidden(
                f"{peer.name} is a delegate for {allowed}: name one of them in the X-Skyport-User header, "
                f"not {on_behalf_of or 'nobody'}"
            )
        home_cert = self.home / USERS / on_behalf_of / CLIENT_CERT
        if home_cert.exists():  # a delegate does not outlive the revocation of a user it acts for
            self._check_not_revoked(on_behalf_of, identity(home_cert).serial)
        return on_behalf_of

    def _check_not_revoked(self, name: str, serial: int) -> None:
        revoked = self.revocations.of(serial)
        if revoked is not None:
            raise Forbidden(
                f"the certificate of {name} was revoked on {revoked.at:%Y-%m-%d %H:%M} UTC "
                "(`skyport user revoke`); ask the daemon's owner for a new one"
            )
