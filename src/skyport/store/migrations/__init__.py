"""Ordered, idempotent schema steps; ``schema_version`` records how far a database has come."""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa

from skyport.store import tables


def _initial(connection: sa.Connection) -> None:
    tables.metadata.create_all(connection, checkfirst=True)


def _listing_indexes(connection: sa.Connection) -> None:
    for index in tables.listing_indexes:
        index.create(connection, checkfirst=True)


STEPS: tuple[Callable[[sa.Connection], None], ...] = (_initial, _listing_indexes)


def migrate(engine: sa.Engine) -> int:
    """Apply the steps this database has not seen; returns the schema version reached."""
    with engine.begin() as connection:
        tables.schema_version.create(connection, checkfirst=True)
        current = connection.execute(sa.select(sa.func.max(tables.schema_version.c.version))).scalar() or 0
        for version, step in enumerate(STEPS[current:], start=current + 1):
            step(connection)
            connection.execute(tables.schema_version.insert().values(version=version))
    return len(STEPS)
