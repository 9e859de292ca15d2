"""Persistence with SQLAlchemy Core: one SQLite file by default, PostgreSQL with the same code.

All calls are blocking and meant for the store's own thread: ``await store.run(fn, ...)`` runs
``fn`` there, so the daemon's event loop never waits on disk and writes are serialised.
"""

from skyport.store.database import Store

__all__ = ["Store"]
