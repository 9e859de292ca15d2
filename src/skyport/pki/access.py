"""Revoking a user's certificate, and issuing one again.

The revocation list, and the :class:`~skyport_gate_sdk.certs.Door` that reads it on every request,
are the gate SDK's (``skyport_gate_sdk.certs``): gates served on their own check it too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from skyport_gate_sdk.certs import CLIENT_CERT, DELEGATE, REVOKED, USERS, Revocation, Revocations, identity

from skyport.errors import BadRequest, Conflict
from skyport.pki.authority import check_acts_for, issue_user, owner_name


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
    return _append_revocation(home, user, serial)


def _append_revocation(home: Path, user: str, serial: int) -> Revocation:
    entry = Revocation(user, serial, dt.datetime.now(dt.UTC))  # whole, so jobs queued in the same second count
    with (home / REVOKED).open("a", encoding="utf-8") as out:
        out.write(f"{entry.name}\t{entry.serial:x}\t{entry.at.isoformat()}\n")
    return entry


def set_acts_for(home: Path, user: str, changes: Sequence[str]) -> tuple[Path, tuple[str, ...]]:
    """Reissue delegate ``user``'s certificate for the users ``changes`` give, and revoke the old one.

    ``+NAME`` adds NAME, ``-NAME`` removes NAME, and plain names replace the list the changes apply to.
    Returns the folder of the new certificate and whom it acts for. Nothing changes on a refusal.
    """
    cert = home / USERS / user / CLIENT_CERT
    if not cert.exists():
        raise BadRequest(f"no user {user} in {home}: `skyport user list` shows who has a certificate")
    peer = identity(cert)
    if peer.role != DELEGATE:
        raise BadRequest(f"{user} is not a delegate; `skyport user add NAME --acts-for USER` issues a delegate's")
    if Revocations(home).of(peer.serial):
        raise Conflict(f"the certificate of {user} is revoked; `skyport user add {user} --acts-for ...` issues one")
    plain = [name for name in changes if name[:1] not in "+-"]
    names = dict.fromkeys(plain or peer.acts_for)
    for change in changes:
        if change[:1] == "+":
            names[change[1:]] = None
        elif change[:1] == "-":
            names.pop(change[1:], None)
    acts_for = tuple(names)
    if not acts_for:
        raise BadRequest(f"a delegate acts for at least one user; to end {user}, `skyport user revoke {user}`")
    if acts_for == peer.acts_for:
        raise BadRequest(f"{user} acts for {', '.join(acts_for)} already; nothing changed")
    check_acts_for(home, user, acts_for)
    _append_revocation(home, user, peer.serial)  # first: a failure after it leaves no certificate, not the old one
    return issue_user(home, user, replace=True, acts_for=acts_for), acts_for


def add_user(home: Path, user: str, acts_for: Sequence[str] = ()) -> Path:
    """Issue ``user`` a certificate (a delegate's, with ``acts_for``); a revoked user gets a new one.

    The old certificate of a revoked user stays revoked.
    """
    cert = home / USERS / user / CLIENT_CERT
    replace = cert.exists() and Revocations(home).of(identity(cert).serial) is not None
    return issue_user(home, user, replace=replace, acts_for=acts_for)
