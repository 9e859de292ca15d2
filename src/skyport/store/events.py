"""Job events: rows of the ``transitions`` table, written with the job changes they record."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from skyport.jobs.events import JobEvent
from skyport.jobs.states import JobState
from skyport.store.tables import transitions


def record(connection: sa.Connection, rows: Sequence[dict[str, Any]]) -> list[JobEvent]:
    """Insert events (rows as :func:`skyport.jobs.events.row` makes them) in one statement; the events
    with the IDs the store gave them, in order."""
    if not rows:
        return []
    query = transitions.insert().returning(transitions.c.seq, sort_by_parameter_order=True)
    ids = connection.execute(query, list(rows)).scalars().all()
    return [_event(seq, row) for seq, row in zip(ids, rows, strict=True)]


def after(
    connection: sa.Connection, last: int, owner: str | None, job_id: str | None = None, limit: int = 1000
) -> list[JobEvent]:
    """The first ``limit`` events after event ``last`` of ``owner``'s jobs (None: everyone's), or of one job."""
    query = _of(owner, job_id).where(transitions.c.seq > last).order_by(transitions.c.seq).limit(limit)
    return [_event(row.seq, row._mapping) for row in connection.execute(query)]


def before_last(connection: sa.Connection, count: int, owner: str | None, job_id: str | None = None) -> int:
    """The ID after which the last ``count`` events of ``owner``'s jobs (None: everyone's), or of one
    job, begin; with ``count`` 0 the last ID of all, so that only events not yet written come after it."""
    if count == 0:
        return connection.execute(sa.select(sa.func.max(transitions.c.seq))).scalar() or 0
    query = _of(owner, job_id).with_only_columns(transitions.c.seq).order_by(transitions.c.seq.desc())
    first = connection.execute(query.offset(count - 1).limit(1)).scalar()
    return first - 1 if first is not None else 0


def _of(owner: str | None, job_id: str | None) -> sa.Select[Any]:
    query = sa.select(transitions)
    if owner is not None:
        query = query.where(transitions.c.owner == owner)
    if job_id is not None:
        query = query.where(transitions.c.job_id == job_id)
    return query


def _event(seq: int, row: Any) -> JobEvent:
    return JobEvent(
        id=seq,
        job_id=row["job_id"],
        owner=row["owner"] or "",
        at=row["at"],
        source=JobState(row["source"]) if row["source"] else None,
        target=JobState(row["target"]),
        reason=row["reason"],
        details=row["details"] or {},
    )
