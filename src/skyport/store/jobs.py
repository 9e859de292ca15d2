"""Job and partition queries; they take a connection and return domain values, never rows."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa

from skyport.jobs.record import Job
from skyport.jobs.script import JobRequest
from skyport.jobs.states import ACTIVE, TERMINAL, JobState, Transition
from skyport.store.tables import jobs, transitions


def _job_values(job: Job) -> dict[str, Any]:
    values = {f.name: getattr(job, f.name) for f in dataclasses.fields(job)}
    values["request"] = job.request.to_dict()
    values["state"] = job.state.value
    for key in ("input_files", "node_names", "node_ips"):
        values[key] = list(values[key])
    end = job.end_time if job.state in TERMINAL else None  # a run that ended has its results copied back first
    values["cost"] = None if end is None else job.cost(end)
    values["cpu_time"] = None if end is None else job.cpu_time(end)
    return values


def job_from_row(row: sa.Row[Any]) -> Job:
    """The job a row of the jobs table holds."""
    data = dict(row._mapping)
    del data["cost"], data["cpu_time"]  # derived from the job's fields
    data["request"] = JobRequest.from_dict(data["request"])
    data["state"] = JobState(data["state"])
    for key in ("input_files", "node_names", "node_ips"):
        data[key] = tuple(data[key])
    return Job(**data)


def insert_job(connection: sa.Connection, job: Job) -> None:
    connection.execute(jobs.insert().values(**_job_values(job)))


def get_job(connection: sa.Connection, job_id: str, owner: str | None = None) -> Job | None:
    """The job, or None when it does not exist or (with ``owner``) belongs to someone else."""
    query = sa.select(jobs).where(jobs.c.id == job_id)
    if owner is not None:
        query = query.where(jobs.c.owner == owner)
    row = connection.execute(query).first()
    return None if row is None else job_from_row(row)


def list_jobs(
    connection: sa.Connection,
    owner: str,
    states: Iterable[JobState] = (),
    limit: int | None = None,
    before: Job | None = None,
) -> list[Job]:
    """A user's jobs, newest first; with ``before``, only those listed after that job."""
    query = sa.select(jobs).where(jobs.c.owner == owner).order_by(jobs.c.submit_time.desc(), jobs.c.id.desc())
    wanted = [s.value for s in states]
    if wanted:
        query = query.where(jobs.c.state.in_(wanted))
    if before is not None:
        query = query.where(
            sa.or_(
                jobs.c.submit_time < before.submit_time,
                sa.and_(jobs.c.submit_time == before.submit_time, jobs.c.id < before.id),
            )
        )
    if limit is not None:
        query = query.limit(limit)
    return [job_from_row(row) for row in connection.execute(query)]


def active_jobs(connection: sa.Connection) -> list[Job]:
    """Every job not yet ended, plus ended runs a gate may still hold files or processes of."""
    query = sa.select(jobs).where(
        sa.or_(
            jobs.c.state.in_([s.value for s in ACTIVE]),
            sa.and_(jobs.c.state.in_([s.value for s in TERMINAL]), jobs.c.gate_done.is_(False)),
        )
    )
    return [job_from_row(row) for row in connection.execute(query.order_by(jobs.c.submit_time, jobs.c.id))]


def job_states(connection: sa.Connection, job_ids: Sequence[str]) -> dict[str, JobState]:
    if not job_ids:
        return {}
    query = sa.select(jobs.c.id, jobs.c.state).where(jobs.c.id.in_(list(job_ids)))
    return {row.id: JobState(row.state) for row in connection.execute(query)}


def owned_job_ids(connection: sa.Connection, owner: str, job_ids: Sequence[str]) -> set[str]:
    """Those of ``job_ids`` that are jobs of ``owner``."""
    query = sa.select(jobs.c.id).where(jobs.c.id.in_(list(job_ids)), jobs.c.owner == owner)
    return {row.id for row in connection.execute(query)}


def save_job(connection: sa.Connection, job: Job, change: Transition | None = None, *, expected: JobState) -> bool:
    """Write the whole job and, when its state changed, the transition that changed it.

    Only while the stored job is still in state ``expected``: False, and nothing written, when
    something else changed it first (the loop and a terminal both change jobs).
    """
    values = _job_values(job)
    query = jobs.update().where(jobs.c.id == job.id, jobs.c.state == expected.value).values(**values)
    if connection.execute(query).rowcount != 1:
        return False
    if change is not None:
        connection.execute(
            transitions.insert().values(
                job_id=change.job_id,
                at=change.at,
                source=change.source.value,
                target=change.target.value,
                reason=change.reason,
            )
        )
    return True


def history(connection: sa.Connection, job_id: str) -> list[Transition]:
    query = sa.select(transitions).where(transitions.c.job_id == job_id).order_by(transitions.c.seq)
    return [
        Transition(row.job_id, JobState(row.source), JobState(row.target), row.reason, row.at)
        for row in connection.execute(query)
    ]


def usage_since(connection: sa.Connection, since: float) -> list[tuple[str, float, float, int]]:
    """(owner, start, end, cpus x nodes) of runs that ended after ``since``, for fair share."""
    query = sa.select(jobs.c.owner, jobs.c.start_time, jobs.c.end_time, jobs.c.request).where(
        jobs.c.end_time > since, jobs.c.start_time.is_not(None)
    )
    return [
        (row.owner, row.start_time, row.end_time, int(row.request.get("cpus", 1)) * int(row.request.get("nodes", 1)))
        for row in connection.execute(query)
    ]


def spend_by_site(connection: sa.Connection) -> dict[str, float]:
    """Total cost of ended runs per site."""
    query = sa.select(jobs.c.site, jobs.c.price, jobs.c.start_time, jobs.c.end_time, jobs.c.request).where(
        jobs.c.site.is_not(None), jobs.c.start_time.is_not(None), jobs.c.end_time.is_not(None)
    )
    spend: dict[str, float] = {}
    for row in connection.execute(query):
        hours = max(0.0, row.end_time - row.start_time) / 3600.0
        spend[row.site] = spend.get(row.site, 0.0) + row.price * int(row.request.get("nodes", 1)) * hours
    return spend


def job_ids(connection: sa.Connection) -> set[str]:
    """The ID of every job."""
    return {row.id for row in connection.execute(sa.select(jobs.c.id))}
