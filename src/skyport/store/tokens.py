"""API token queries: a token is found by the SHA-256 of its secret; the secret itself is never stored."""

from __future__ import annotations

import dataclasses
from typing import Any

import sqlalchemy as sa

from skyport.store.tables import tokens


@dataclasses.dataclass(frozen=True)
class Token:
    """What the store knows of one API token."""

    id: str
    owner: str
    name: str
    digest: str  # hex SHA-256 of the secret
    created_at: float
    expires_at: float
    last_used: float | None = None


def _token(row: sa.Row[Any]) -> Token:
    return Token(row.id, row.owner, row.name, row.digest, row.created_at, row.expires_at, row.last_used)


def add_token(connection: sa.Connection, token: Token) -> None:
    connection.execute(tokens.insert().values(**dataclasses.asdict(token)))


def token_by_digest(connection: sa.Connection, digest: str) -> Token | None:
    row = connection.execute(sa.select(tokens).where(tokens.c.digest == digest)).first()
    return None if row is None else _token(row)


def tokens_of(connection: sa.Connection, owner: str) -> list[Token]:
    """The tokens of ``owner``, oldest first."""
    query = sa.select(tokens).where(tokens.c.owner == owner).order_by(tokens.c.created_at, tokens.c.id)
    return [_token(row) for row in connection.execute(query)]


def delete_token(connection: sa.Connection, token_id: str) -> None:
    connection.execute(tokens.delete().where(tokens.c.id == token_id))


def touch_token(connection: sa.Connection, token_id: str, at: float) -> None:
    """Record that the token was used at ``at``."""
    connection.execute(tokens.update().where(tokens.c.id == token_id).values(last_used=at))
