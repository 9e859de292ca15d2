"""Who makes a request to the daemon's listener: a user certificate, or an API token.

The listener asks for a client certificate but does not require one. A request that presents a
certificate is that certificate's (a user's, or a delegate's for the user it names, see
:class:`skyport.pki.Door`); one without a certificate must carry an API token, as
``Authorization: Bearer TOKEN`` or as the password of HTTP basic auth (any user name), and is then
the token's user, never anyone else. Everything else is a 401 with a ``WWW-Authenticate`` challenge.

The store keeps only the SHA-256 of each token (a token is 256 random bits, so a fast hash is as
good as a slow one). Checked tokens are kept in memory by that hash, so a request with a token
costs a dictionary look-up; a revocation goes through this daemon, which forgets the token at once.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import datetime as dt
import hashlib
import secrets
import time
from collections.abc import Mapping
from pathlib import Path

import sqlalchemy as sa
from skyport_gate_sdk.tls import Scope, peer_of

from skyport.errors import Conflict, Forbidden, NotFound, Unauthorized
from skyport.pki import DELEGATE, ON_BEHALF_OF, USER, Door
from skyport.store import Store
from skyport.store import tokens as queries
from skyport.store.tokens import Token

PREFIX = "skyport_"  # every token starts so, for secret scanners and for people
CHALLENGE = ((b"www-authenticate", b'Bearer realm="skyport"'), (b"www-authenticate", b'Basic realm="skyport"'))
MAX_TOKENS = 100  # per user
_MAX_HEADER = 1024  # bytes of an Authorization header read at all
_CACHED = 10_000  # tokens kept in memory; the store answers for the others
_TOUCH_EVERY = 60.0  # seconds between writes of a token's last use

_HOW = (
    "present a user certificate issued by the daemon's CA, or an API token (`skyport token create`) "
    "as `Authorization: Bearer TOKEN` or as the password of HTTP basic auth"
)


@dataclasses.dataclass(frozen=True)
class Caller:
    """The user a request acts as, and what proved it."""

    name: str
    token: str | None = None  # the ID of the token the request came with; None with a certificate
    delegate: bool = False  # a delegate's certificate acting for ``name``


def digest(secret: str) -> str:
    """The hex SHA-256 of a token, as the store keeps it."""
    return hashlib.sha256(secret.encode()).hexdigest()


def _when(timestamp: float) -> str:
    return f"{dt.datetime.fromtimestamp(timestamp, dt.UTC):%Y-%m-%d %H:%M} UTC"


class Tokens:
    """API tokens of the daemon's users: issued, listed, revoked, and checked on each request."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._known: dict[str, Token] = {}  # by digest
        self._unknown: set[str] = set()  # digests the store does not have: no store read for them again
        self._revoked: set[str] = set()  # IDs revoked while a look-up of theirs may be under way

    async def create(self, owner: str, name: str, lifetime: int) -> tuple[str, Token]:
        """A new token of ``owner`` valid for ``lifetime`` seconds: its secret (shown once) and its record."""
        secret = PREFIX + secrets.token_urlsafe(32)
        now = time.time()
        token = Token(secrets.token_hex(6), owner, name, digest(secret), now, now + lifetime)
        await self.store.run(_add, token)
        return secret, token

    async def of(self, owner: str) -> list[Token]:
        return await self.store.run(queries.tokens_of, owner)

    async def revoke(self, owner: str, key: str) -> Token:
        """Revoke the token of ``owner`` with the ID or name ``key``; refused from the next request on."""
        mine = await self.store.run(queries.tokens_of, owner)
        token = next((t for t in mine if t.id == key), None) or next((t for t in mine if t.name == key), None)
        if token is None:
            raise NotFound(f"you have no token with the ID or name {key}: `skyport token list` shows yours")
        self._revoked.add(token.id)
        self._known.pop(token.digest, None)
        await self.store.run(queries.delete_token, token.id)
        return token

    async def check(self, secret: str) -> Token:
        """The token whose secret is ``secret``; Unauthorized when it is unknown, revoked or expired."""
        key = digest(secret)
        token = self._known.get(key)
        if token is None:
            # A digest once unknown stays unknown: a new token has a new random secret.
            found = None if key in self._unknown else await self.store.run(queries.token_by_digest, key)
            if found is None or found.id in self._revoked:
                _remember(self._unknown, key)
                raise Unauthorized(f"the token is not known to this daemon (revoked, or never issued here): {_HOW}")
            token = found
            if len(self._known) >= _CACHED:
                self._known.clear()
            self._known[key] = token
        now = time.time()
        if token.expires_at <= now:
            raise Unauthorized(
                f"the token {token.name or token.id} of {token.owner} expired on {_when(token.expires_at)}: "
                "create a new one with `skyport token create`"
            )
        if now - (token.last_used or 0.0) >= _TOUCH_EVERY:
            token = dataclasses.replace(token, last_used=now)
            self._known[key] = token
            await self.store.run(queries.touch_token, token.id, now)
        return token


def _add(connection: sa.Connection, token: Token) -> None:
    """Store ``token`` unless its user has one of its name or the most tokens already (one transaction)."""
    mine = queries.tokens_of(connection, token.owner)
    if token.name and any(other.name == token.name for other in mine):
        raise Conflict(f"you have a token named {token.name} already: pick another name, or revoke it first")
    if len(mine) >= MAX_TOKENS:
        raise Conflict(f"you have {len(mine)} tokens, the most a user may have: revoke some (`skyport token list`)")
    queries.add_token(connection, token)


def _remember(digests: set[str], key: str) -> None:
    if len(digests) >= _CACHED:
        digests.clear()
    digests.add(key)


def _secret(authorization: bytes) -> str:
    """The token in an Authorization header: ``Bearer TOKEN``, or ``Basic`` with the token as password."""
    if len(authorization) > _MAX_HEADER:
        raise Unauthorized(f"the Authorization header is longer than {_MAX_HEADER} bytes: {_HOW}")
    scheme, _, value = authorization.decode("latin-1").strip().partition(" ")
    value = value.strip()
    if scheme.lower() == "bearer" and value:
        return value
    if scheme.lower() == "basic" and value:
        try:
            _, colon, password = base64.b64decode(value, validate=True).decode("utf-8").partition(":")
        except (binascii.Error, UnicodeDecodeError):
            colon, password = "", ""
        if colon and password:
            return password
        raise Unauthorized(f"the basic auth credentials are not base64 of USER:TOKEN: {_HOW}")
    raise Unauthorized(f"the Authorization header is neither 'Bearer TOKEN' nor 'Basic' credentials: {_HOW}")


class Authenticator:
    """Turns a request into the user it acts as, or refuses it (Unauthorized, Forbidden)."""

    def __init__(self, home: Path, tokens: Tokens) -> None:
        self.door = Door(home, USER)  # user (and delegate) certificates, not revoked
        self.tokens = tokens

    async def caller(self, scope: Scope, headers: Mapping[bytes, bytes]) -> Caller:
        """The caller of a request whose scope is ``scope`` and headers ``headers``."""
        named = headers.get(ON_BEHALF_OF.encode())
        on_behalf_of = named.decode("latin-1") if named is not None else None
        peer = peer_of(scope)
        if peer is not None:
            return Caller(self.door.admit(peer, on_behalf_of), delegate=peer.role == DELEGATE)
        authorization = headers.get(b"authorization")
        if authorization is None:
            raise Unauthorized(f"the request has neither a client certificate nor a token: {_HOW}")
        token = await self.tokens.check(_secret(authorization))
        if on_behalf_of not in (None, token.owner):
            raise Forbidden(f"a token of {token.owner} acts only for {token.owner}, not {on_behalf_of}")
        entries = self.door.revocations.entries()
        revoked = next((r for r in entries if r.name == token.owner and r.at.timestamp() >= token.created_at), None)
        if revoked is not None:
            raise Unauthorized(
                f"the certificate of {token.owner} was revoked on {_when(revoked.at.timestamp())}, after this token "
                "was created, and the token with it: ask the daemon's owner for a new certificate, then a new token"
            )
        return Caller(token.owner, token=token.id)


def check_may_create(caller: Caller) -> None:
    """Only a user's own certificate creates tokens: a token or a delegate that could would outlive itself."""
    if caller.token is not None:
        raise Forbidden("a token cannot create tokens: run `skyport token create` with your user certificate")
    if caller.delegate:
        raise Forbidden(f"a delegate cannot create tokens for {caller.name}: {caller.name} runs `skyport token create`")
