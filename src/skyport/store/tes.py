"""Queries of TES tasks: the job of each, with what only TES has (skyport.tes)."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from skyport.jobs.record import Job
from skyport.jobs.states import JobState
from skyport.store.jobs import job_from_row
from skyport.store.tables import jobs, tes_tasks


@dataclasses.dataclass(frozen=True)
class TaskRecord:
    """What a TES task has beyond its job."""

    job_id: str
    owner: str
    name: str
    tags: dict[str, str]
    document: dict[str, Any]  # the task as created, without inputs' content
    notes: tuple[str, ...] = ()  # what Skyport did not use of it, shown in its system logs
    delivered: dict[str, Any] | None = None  # {"files": [...], "error": str | None} once outputs are delivered


def insert_task(connection: sa.Connection, record: TaskRecord) -> None:
    values = dataclasses.asdict(record)
    values["notes"] = list(record.notes)
    connection.execute(tes_tasks.insert().values(**values))


def _records(connection: sa.Connection, job_ids: Sequence[str]) -> dict[str, TaskRecord]:
    rows = connection.execute(sa.select(tes_tasks).where(tes_tasks.c.job_id.in_(job_ids)))
    return {
        row.job_id: TaskRecord(
            job_id=row.job_id,
            owner=row.owner,
            name=row.name,
            tags=row.tags,
            document=row.document,
            notes=tuple(row.notes),
            delivered=row.delivered,
        )
        for row in rows
    }


def get_task(connection: sa.Connection, job_id: str, owner: str) -> tuple[Job, TaskRecord] | None:
    """The task and its job, or None when there is none of ``owner``'s with this ID."""
    found = list_tasks(connection, owner, only=job_id)
    return found[0] if found else None


def list_tasks(
    connection: sa.Connection,
    owner: str,
    *,
    name_prefix: str | None = None,
    states: Sequence[JobState] = (),
    limit: int | None = None,
    after: Job | None = None,
    only: str | None = None,
) -> list[tuple[Job, TaskRecord]]:
    """``owner``'s tasks newest first; with ``after``, those listed after that task's job."""
    query = (
        sa.select(jobs)
        .join(tes_tasks, tes_tasks.c.job_id == jobs.c.id)
        .where(tes_tasks.c.owner == owner)
        .order_by(jobs.c.submit_time.desc(), jobs.c.id.desc())
    )
    if only is not None:
        query = query.where(jobs.c.id == only)
    if name_prefix:
        query = query.where(sa.func.substr(tes_tasks.c.name, 1, len(name_prefix)) == name_prefix)
    if states:
        query = query.where(jobs.c.state.in_([state.value for state in states]))
    if after is not None:
        query = query.where(
            sa.or_(
                jobs.c.submit_time < after.submit_time,
                sa.and_(jobs.c.submit_time == after.submit_time, jobs.c.id < after.id),
            )
        )
    if limit is not None:
        query = query.limit(limit)
    found = [job_from_row(row) for row in connection.execute(query)]
    records = _records(connection, [job.id for job in found]) if found else {}
    return [(job, records[job.id]) for job in found]


def undelivered(connection: sa.Connection) -> list[tuple[Job, TaskRecord]]:
    """Tasks whose jobs finished and whose outputs are not delivered yet."""
    query = (
        sa.select(jobs)
        .join(tes_tasks, tes_tasks.c.job_id == jobs.c.id)
        .where(tes_tasks.c.delivered.is_(None), jobs.c.state == JobState.FINISHED.value)
    )
    found = [job_from_row(row) for row in connection.execute(query)]
    records = _records(connection, [job.id for job in found]) if found else {}
    return [(job, records[job.id]) for job in found]


def set_delivered(connection: sa.Connection, job_id: str, delivered: dict[str, Any]) -> None:
    connection.execute(tes_tasks.update().where(tes_tasks.c.job_id == job_id).values(delivered=delivered))
