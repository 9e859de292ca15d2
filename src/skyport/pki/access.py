"""Revoking a user's certificate, and issuing one again.

The revocation list, and the :class:`~skyport_gate_sdk.certs.Door` that reads it on every request,
are the gate SDK's (``skyport_gate_sdk.certs``): gates served on their own check it too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from skyport_gate_sdk.certs import CLIENT_CERT, REVOKED, USERS, Revocation, Revocations, identity

from skyport.errors import BadRequest, Conflict
from skyport.pki.authority import issue_user, owner_name


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
