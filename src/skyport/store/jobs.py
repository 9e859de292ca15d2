"""Job and partition queries; they take a connection and return domain values, never rows."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from skyport.jobs import events
from skyport.jobs.events import JobEvent
from skyport.jobs.record import Job
from skyport.jobs.script import JobRequest
from skyport.jobs.states import ACTIVE, PENDING, TERMINAL, JobState, Transition
from skyport.store import events as event_queries
from skyport.store.tables import idle_charges, jobs, transitions


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


def insert_job(connection: sa.Connection, job: Job) -> list[JobEvent]:
    return insert_jobs(connection, [job])


def insert_jobs(connection: sa.Connection, new: Sequence[Job]) -> list[JobEvent]:
    """Store new jobs (one, or the tasks of an array) in one statement, all of them or none, and the
    event of each one's submission; the events."""
    connection.execute(jobs.insert(), [_job_values(job) for job in new])
    return event_queries.record(connection, [events.row(job, None, job.state_details, job.submit_time) for job in new])


def get_job(connection: sa.Connection, job_id: str, owner: str | None = None) -> Job | None:
    """The job, or None when it does not exist or (with ``owner``) belongs to someone else."""
    query = sa.select(jobs).where(jobs.c.id == job_id)
    if owner is not None:
        query = query.where(jobs.c.owner == owner)
    row = connection.execute(query).first()
    return None if row is None else job_from_row(row)


@dataclasses.dataclass(frozen=True)
class Filter:
    """Which of a user's jobs a listing shows; the defaults show all of them."""

    states: tuple[JobState, ...] = ()
    name: str | None = None
    since: float | None = None  # only jobs not ended, or ended at or after this time
    array_id: str | None = None  # only the tasks of this array
    array_task: int | None = None  # only this task of it


EVERY_JOB = Filter()


def list_jobs(
    connection: sa.Connection,
    owner: str,
    wanted: Filter = EVERY_JOB,
    limit: int | None = None,
    before: Job | None = None,
) -> list[Job]:
    """A user's jobs, newest first; with ``before``, only those listed after that job."""
    query = sa.select(jobs).where(jobs.c.owner == owner).order_by(jobs.c.submit_time.desc(), jobs.c.id.desc())
    if wanted.states:
        query = query.where(jobs.c.state.in_([s.value for s in wanted.states]))
    if wanted.name is not None:
        name = jobs.c.request["name"].as_string()
        unnamed = sa.or_(name.is_(None), name == "") if wanted.name == Job.DEFAULT_NAME else sa.false()
        query = query.where(sa.or_(name == wanted.name, unnamed))
    if wanted.since is not None:
        query = query.where(sa.or_(jobs.c.end_time.is_(None), jobs.c.end_time >= wanted.since))
    if wanted.array_id is not None:
        query = query.where(jobs.c.array_id == wanted.array_id)
    if wanted.array_task is not None:
        query = query.where(jobs.c.array_task == wanted.array_task)
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


def array_owned(connection: sa.Connection, array_id: str, owner: str) -> bool:
    """Whether ``array_id`` is an array of ``owner``'s."""
    query = sa.select(jobs.c.id).where(jobs.c.array_id == array_id, jobs.c.owner == owner).limit(1)
    return connection.execute(query).first() is not None


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


def save_job(connection: sa.Connection, job: Job, *, expected: JobState) -> bool:
    """Write the whole job, its state unchanged, only while the stored job is still in state
    ``expected``: False, and nothing written, when something else changed it first (the loop and a
    terminal both change jobs)."""
    query = jobs.update().where(jobs.c.id == job.id, jobs.c.state == expected.value).values(**_job_values(job))
    return bool(connection.execute(query).rowcount == 1)


def save_change(
    connection: sa.Connection, job: Job, change: Transition, *, expected: JobState, outputs: Sequence[str] = ()
) -> JobEvent | None:
    """:func:`save_job` of a job whose state ``change`` changed, and the change's event (saying which
    ``outputs`` were staged back); the event, None when nothing was written."""
    if not save_job(connection, job, expected=expected):
        return None
    (event,) = event_queries.record(connection, [events.row(job, change.source, change.reason, change.at, outputs)])
    return event


def cancel_pending(
    connection: sa.Connection,
    owner: str,
    reason: str,
    *,
    array_id: str | None = None,
    submitted_before: float | None = None,
) -> list[JobEvent]:
    """Cancel ``owner``'s queued and waiting jobs (of one array, or submitted before a time) with
    one statement per state, recording each one's event; the events. Bulk, so an array of 10,000
    tasks is cancelled at once; a job moved on meanwhile is not in the state matched. They never
    started, so they cost what their earlier runs did (nothing, unless requeued)."""
    now = time.time()
    rows: list[dict[str, Any]] = []
    for state in PENDING:
        query = jobs.update().where(jobs.c.owner == owner, jobs.c.state == state.value)
        if array_id is not None:
            query = query.where(jobs.c.array_id == array_id)
        if submitted_before is not None:
            query = query.where(jobs.c.submit_time < submitted_before)
        query = query.values(
            state=JobState.CANCELLED.value,
            state_details=reason,
            end_time=now,
            cost=jobs.c.earlier_cost,
            cpu_time=jobs.c.earlier_cpu_time,
        )
        for row in connection.execute(query.returning(*jobs.c)):
            rows.append(events.row(job_from_row(row), state, reason, now))
    return event_queries.record(connection, rows)


def save_jobs(
    connection: sa.Connection, jobs: Sequence[tuple[Job, Transition | None, JobState, Sequence[str]]]
) -> list[tuple[bool, JobEvent | None]]:
    """Of each (job, its change of state or None, the state it is expected in, the outputs staged
    back), :func:`save_change` or :func:`save_job`, in the caller's transaction; per job, whether it
    was written and the change's event."""
    result: list[tuple[bool, JobEvent | None]] = []
    for job, change, expected, outputs in jobs:
        if change is None:
            result.append((save_job(connection, job, expected=expected), None))
        else:
            event = save_change(connection, job, change, expected=expected, outputs=outputs)
            result.append((event is not None, event))
    return result


def history(connection: sa.Connection, job_id: str) -> list[Transition]:
    """The job's changes of state, oldest first (not its submission, nor its reason events)."""
    query = (
        sa.select(transitions)
        .where(transitions.c.job_id == job_id, transitions.c.source != "", transitions.c.source != transitions.c.target)
        .order_by(transitions.c.seq)
    )
    return [
        Transition(row.job_id, JobState(row.source), JobState(row.target), row.reason, row.at)
        for row in connection.execute(query)
    ]


def usage_since(connection: sa.Connection, since: float) -> dict[str, tuple[str, float, float, int]]:
    """Job ID -> (owner, start, end, cpus x nodes) of runs that ended after ``since``, for fair share."""
    query = sa.select(jobs.c.id, jobs.c.owner, jobs.c.start_time, jobs.c.end_time, jobs.c.request).where(
        jobs.c.end_time > since, jobs.c.start_time.is_not(None)
    )
    return {
        row.id: (
            row.owner,
            row.start_time,
            row.end_time,
            int(row.request.get("cpus", 1)) * int(row.request.get("nodes", 1)),
        )
        for row in connection.execute(query)
    }


def spend_by_site(connection: sa.Connection) -> dict[str, float]:
    """Total cost of ended runs, and of the idle stretches of partitions, per site."""
    query = sa.select(
        jobs.c.site, jobs.c.price, jobs.c.start_time, jobs.c.end_time, jobs.c.request, jobs.c.earlier_cost
    ).where(jobs.c.site.is_not(None), jobs.c.start_time.is_not(None), jobs.c.end_time.is_not(None))
    spend: dict[str, float] = {}
    for row in connection.execute(query):
        hours = max(0.0, row.end_time - row.start_time) / 3600.0
        spend[row.site] = spend.get(row.site, 0.0) + row.price * int(row.request.get("nodes", 1)) * hours
        spend[row.site] += row.earlier_cost
    idle = sa.select(idle_charges.c.site, sa.func.sum(idle_charges.c.cost)).group_by(idle_charges.c.site)
    for site, cost in connection.execute(idle).all():
        spend[site] = spend.get(site, 0.0) + float(cost)
    return spend


def job_ids(connection: sa.Connection) -> set[str]:
    """The ID of every job."""
    return {row.id for row in connection.execute(sa.select(jobs.c.id))}
