"""Who may pass a server's door: a certificate of the server's role that has not been revoked.

The revocation list is the file ``revoked`` in the home, one line per revoked certificate::

    NAME<TAB>SERIAL (hex)<TAB>WHEN (UTC, ISO 8601)

``skyport user revoke NAME`` appends to it; the daemon and gates read it again whenever it
changes, so a revoked certificate is refused at its next request.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from collections.abc import Sequence
from pathlib import Path

from skyport.errors import BadRequest, Conflict, Forbidden, Unauthorized
from skyport.pki.authority import (
    CLIENT_CERT,
    CORE,
    DELEGATE,
    USER,
    USERS,
    Identity,
    identity,
    issue_user,
    owner_name,
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


def revoke(home: Path, user: str) -> Revocation:
    """Revoke the certificate ``skyport user add`` issued to ``user``."""
    cert = home / USERS / user / CLIENT_CERT
    if (home / CLIENT_CERT).exists() and user == owner_name(home):
        raise BadRequest(f"{user} owns {home}; the owner's certificate cannot be revoked (run `skyport init` anew)")
    if not cert.exists():
        raise BadRequest(f"no user {user} in {home}: `skyport user list` shows who has a certificate")
    serial = identity(cert).serial
    if Revocations(home).of(serial):
        raise Conflict(f"the certificate of {user} is revoked already; `skyport user add {user}` issues a new one")
    entry = Revocation(user, serial, dt.datetime.now(dt.UTC))  # whole, so jobs queued in the same second count
    with (home / REVOKED).open("a", encoding="utf-8") as out:
        out.write(f"{entry.name}\t{entry.serial:x}\t{entry.at.isoformat()}\n")
    return entry


def add_user(home: Path, user: str, acts_for: Sequence[str] = ()) -> Path:
    """Issue ``user`` a certificate (a delegate's, with ``acts_for``); a revoked user gets a new one.

    The old certificate of a revoked user stays revoked.
    """
    cert = home / USERS / user / CLIENT_CERT
    replace = cert.exists() and Revocations(home).of(identity(cert).serial) is not None
    return issue_user(home, user, replace=replace, acts_for=acts_for)


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
