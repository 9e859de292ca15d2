"""The engine and the one thread that talks to it."""

from __future__ import annotations

import asyncio
import concurrent.futures
import time
from collections.abc import Callable
from typing import Any, Concatenate, ParamSpec, TypeVar

import sqlalchemy as sa
from skyport_gate_sdk.errors import SkyportError

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
        self._grouped: list[tuple[Callable[[sa.Connection], Any], asyncio.Future[Any]]] = []
        self._committing: asyncio.Task[None] | None = None
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

    async def grouped(self, fn: Callable[[sa.Connection], T]) -> T:
        """Run ``fn(connection)`` in one transaction with the other ``grouped`` calls made while the
        transaction before was running (group commit: one commit, and on PostgreSQL one flush of its
        log, for many writers); its result once that transaction is committed.

        A call that raises a :class:`SkyportError` (a refusal, which must come before it writes
        anything) fails alone, and the others are committed; any other exception fails them all,
        and nothing of theirs is stored.
        """
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._grouped.append((fn, future))
        if self._committing is None:
            self._committing = asyncio.create_task(self._commit_groups())
        return await future

    async def _commit_groups(self) -> None:
        """Commit what :meth:`grouped` queued, one transaction per group, until nothing is queued."""
        try:
            while self._grouped:
                group, self._grouped = self._grouped, []
                try:
                    outcomes = await self.run(group_commit, [fn for fn, _ in group])
                except Exception as exc:
                    outcomes = [_Failed(exc)] * len(group)
                for (_, future), outcome in zip(group, outcomes, strict=True):
                    if future.done():  # its caller is gone
                        continue
                    if isinstance(outcome, _Failed):
                        future.set_exception(outcome.error)
                    else:
                        future.set_result(outcome)
        finally:
            self._committing = None

    def close(self) -> None:
        self._thread.shutdown(wait=True)
        self.engine.dispose()


class _Failed:
    """What a call of a group raised, told apart from what a call returned."""

    def __init__(self, error: Exception) -> None:
        self.error = error


def group_commit(connection: sa.Connection, fns: list[Callable[[sa.Connection], Any]]) -> list[Any]:
    """Each call's result, or its refusal, all in the one transaction of ``connection``."""
    outcomes: list[Any] = []
    for fn in fns:
        try:
            outcomes.append(fn(connection))
        except SkyportError as exc:
            outcomes.append(_Failed(exc))
    return outcomes
