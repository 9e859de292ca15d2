"""Who makes a request to the daemon's listener: a user certificate, an API token, or a dashboard session.

The listener asks for a client certificate but does not require one. A request that presents a
certificate is that certificate's (a user's, or a delegate's for the user it names, see
:class:`skyport.pki.Door`); one without a certificate must carry an API token, as
``Authorization: Bearer TOKEN`` or as the password of HTTP basic auth (any user name), and is then
the token's user, never anyone else. A browser on the dashboard (``skyport ui``) sends the session
cookie it got for a one-time login code (:class:`Sessions`); the cookie is that session's user, for
the terminal API only (not TES), never with ``X-Skyport-User``, and a method that changes something
also needs the request's ``Origin`` to be the daemon's own (cross-site request forgery). Everything
else is a 401 with a ``WWW-Authenticate`` challenge.

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
import math
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
    session: bool = False  # a dashboard session's cookie
    expires: float = math.inf  # when what proved it (certificate, token or session) expires


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


COOKIE = "skyport_session"
CODE_LIFETIME = 60.0  # seconds a login code of `skyport ui` may be exchanged in, once
_MAX_CODES = 1_000  # unexchanged codes kept; the oldest go first
_MAX_SESSIONS = 10_000
_SAFE = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclasses.dataclass(frozen=True)
class Session:
    user: str
    created_at: float
    expires_at: float


class Sessions:
    """One-time login codes of the dashboard and the browser sessions they open, by SHA-256, in memory only.

    A code lives CODE_LIFETIME seconds and opens one session of the user who asked for it; a session
    lasts ``lifetime`` seconds from then (ui_session_lifetime, 12 hours), however used. A daemon
    restart ends every session (log in again).
    """

    def __init__(self, lifetime: float = 12 * 3600.0) -> None:
        self.lifetime = lifetime
        self._codes: dict[str, Session] = {}  # by digest; expires_at is the code's
        self._sessions: dict[str, Session] = {}

    def code(self, user: str) -> tuple[str, float]:
        """A new login code of ``user`` and when it expires."""
        now = time.time()
        _prune(self._codes, now, _MAX_CODES)
        secret = secrets.token_urlsafe(32)
        self._codes[digest(secret)] = Session(user, now, now + CODE_LIFETIME)
        return secret, now + CODE_LIFETIME

    def exchange(self, code: str) -> tuple[str, Session]:
        """The secret of a new session for ``code``, which is used up; Unauthorized when it is unknown or expired."""
        now = time.time()
        found = self._codes.pop(digest(code), None)
        if found is None or found.expires_at <= now:
            raise Unauthorized(
                "the login code is unknown, used already or expired (a code opens one session within "
                f"{CODE_LIFETIME:g} s): run `skyport ui` again for a new one"
            )
        _prune(self._sessions, now, _MAX_SESSIONS)
        secret = secrets.token_urlsafe(32)
        session = Session(found.user, now, now + self.lifetime)
        self._sessions[digest(secret)] = session
        return secret, session

    def check(self, secret: str) -> Session:
        """The session whose cookie is ``secret``; Unauthorized when it is unknown or expired."""
        session = self._sessions.get(digest(secret))
        if session is None or session.expires_at <= time.time():
            raise Unauthorized("the dashboard session is unknown or expired: run `skyport ui` to log in again")
        return session


def _prune(kept: dict[str, Session], now: float, most: int) -> None:
    for key in [key for key, entry in kept.items() if entry.expires_at <= now]:
        del kept[key]
    while len(kept) >= most:
        del kept[next(iter(kept))]


def _cookie(header: bytes) -> str | None:
    """The session cookie in a Cookie header, if there is one."""
    for pair in header[:_MAX_HEADER].decode("latin-1").split(";"):
        name, _, value = pair.strip().partition("=")
        if name == COOKIE and value:
            return value
    return None


def _remember(digests: set[str], key: str) -> None:
    if len(digests) >= _CACHED:
        digests.clear()
    digests.add(key)


def token_in(authorization: bytes) -> str:
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

    def __init__(self, home: Path, tokens: Tokens, sessions: Sessions) -> None:
        self.door = Door(home, USER)  # user (and delegate) certificates, not revoked
        self.tokens = tokens
        self.sessions = sessions

    async def caller(self, scope: Scope, headers: Mapping[bytes, bytes], *, dashboard: bool = True) -> Caller:
        """The caller of a request whose scope is ``scope`` and headers ``headers``; ``dashboard``: whether a
        dashboard session may make it."""
        named = headers.get(ON_BEHALF_OF.encode())
        on_behalf_of = named.decode("latin-1") if named is not None else None
        peer = peer_of(scope)
        if peer is not None:
            name = self.door.admit(peer, on_behalf_of)
            return Caller(name, delegate=peer.role == DELEGATE, expires=peer.expires.timestamp())
        authorization = headers.get(b"authorization")
        cookie = _cookie(headers.get(b"cookie", b""))
        if authorization is None and cookie is not None and dashboard:
            session = self.sessions.check(cookie)
            if on_behalf_of is not None:
                raise Forbidden("a dashboard session acts only for its own user: send no X-Skyport-User header")
            if scope["method"] not in _SAFE and headers.get(b"origin") != b"https://" + headers.get(b"host", b""):
                raise Forbidden(
                    f"a dashboard session's {scope['method']} must come from the dashboard's own page "
                    "(its Origin header must be this daemon's address)"
                )
            self._check_not_revoked(session.user, session.created_at, "session")
            return Caller(session.user, session=True, expires=session.expires_at)
        if authorization is None:
            raise Unauthorized(f"the request has neither a client certificate nor a token: {_HOW}")
        token = await self.tokens.check(token_in(authorization))
        if on_behalf_of not in (None, token.owner):
            raise Forbidden(f"a token of {token.owner} acts only for {token.owner}, not {on_behalf_of}")
        self._check_not_revoked(token.owner, token.created_at, "token")
        return Caller(token.owner, token=token.id, expires=token.expires_at)

    def _check_not_revoked(self, user: str, since: float, what: str) -> None:
        """Unauthorized when the certificate of ``user`` was revoked after ``since``, when the ``what`` began."""
        entries = self.door.revocations.entries()
        revoked = next((r for r in entries if r.name == user and r.at.timestamp() >= since), None)
        if revoked is not None:
            raise Unauthorized(
                f"the certificate of {user} was revoked on {_when(revoked.at.timestamp())}, after this {what} "
                f"was created, and the {what} with it: ask the daemon's owner for a new certificate"
            )


def check_may_create(caller: Caller, what: str = "tokens", command: str = "skyport token create") -> None:
    """Only a user's own certificate creates tokens (and login codes): a token, a delegate or a dashboard
    session that could would outlive itself."""
    if caller.token is not None:
        raise Forbidden(f"a token cannot create {what}: run `{command}` with your user certificate")
    if caller.session:
        raise Forbidden(f"a dashboard session cannot create {what}: run `{command}` with your user certificate")
    if caller.delegate:
        raise Forbidden(f"a delegate cannot create {what} for {caller.name}: {caller.name} runs `{command}`")
