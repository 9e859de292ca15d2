"""The engine and the one thread that talks to it."""

from __future__ import annotations

import asyncio
import concurrent.futures
import time
from collections.abc import Callable
from typing import Any, Concatenate, ParamSpec, TypeVar

import sqlalchemy as sa

from skyport.store.migrations import migrate

P = ParamSpec("P")
T = TypeVar("T")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets readers go on while a write commits. synchronous=NORMAL keeps every committed
    # transaction through a crash of the daemon process (the WAL is written before commit
    # returns); only a power loss may drop the last ones (https://sqlite.org/pragma.html#pragma_synchronous).
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


class Store:
    """A database and a single worker thread that runs every query against it."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = sa.create_engine(url, pool_pre_ping=not url.startswith("sqlite"))
        if self.engine.dialect.name == "sqlite":
            sa.event.listen(self.engine, "connect", _sqlite_pragmas)
        self._thread = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="skyport-store")
        self.timed: Callable[[str, float], None] = lambda query, seconds: None  # set by the metrics
        migrate(self.engine)

    def call(self, fn: Callable[Concatenate[sa.Connection, P], T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run ``fn(connection, ...)`` in one transaction, in the calling thread."""
        started = time.perf_counter()
        try:
            with self.engine.begin() as connection:
                return fn(connection, *args, **kwargs)
        finally:
            self.timed(fn.__qualname__.replace(".<locals>", ""), time.perf_counter() - started)

    async def run(self, fn: Callable[Concatenate[sa.Connection, P], T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run ``fn(connection, ...)`` in one transaction on the store's thread."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._thread, lambda: self.call(fn, *args, **kwargs))

    def close(self) -> None:
        self._thread.shutdown(wait=True)
        self.engine.dispose()
