"""Account, budget and accounting queries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from skyport.accounting.budgets import ACCOUNT, Account, Budget, Period
from skyport.jobs.record import Job
from skyport.sites.records import PartitionRecord
from skyport.store.jobs import job_from_row
from skyport.store.partitions import partition_from_row
from skyport.store.tables import accounts, budgets, idle_charges, jobs, partitions


def _account(row: sa.Row[Any]) -> Account:
    return Account(row.name, tuple(row.members), row.job_ceiling, row.created_at)


def get_account(connection: sa.Connection, name: str) -> Account | None:
    row = connection.execute(sa.select(accounts).where(accounts.c.name == name)).first()
    return None if row is None else _account(row)


def list_accounts(connection: sa.Connection) -> list[Account]:
    return [_account(row) for row in connection.execute(sa.select(accounts).order_by(accounts.c.name))]


def save_account(connection: sa.Connection, account: Account) -> None:
    """Insert or update an account."""
    values = {
        "name": account.name,
        "members": list(account.members),
        "job_ceiling": account.job_ceiling,
        "created_at": account.created_at,
    }
    if connection.execute(accounts.update().where(accounts.c.name == account.name).values(**values)).rowcount == 0:
        connection.execute(accounts.insert().values(**values))


def delete_account(connection: sa.Connection, name: str) -> None:
    connection.execute(accounts.delete().where(accounts.c.name == name))
    connection.execute(budgets.delete().where(budgets.c.holder == ACCOUNT, budgets.c.name == name))


def list_budgets(connection: sa.Connection) -> list[Budget]:
    query = sa.select(budgets).order_by(budgets.c.holder, budgets.c.name, budgets.c.period)
    return [Budget(row.holder, row.name, Period(row.period), row.amount) for row in connection.execute(query)]


def set_budget(connection: sa.Connection, budget: Budget) -> None:
    """Set (amount > 0) or remove (amount 0) a budget."""
    key = (budgets.c.holder == budget.holder, budgets.c.name == budget.name, budgets.c.period == budget.period.value)
    connection.execute(budgets.delete().where(*key))
    if budget.amount > 0:
        connection.execute(
            budgets.insert().values(
                holder=budget.holder, name=budget.name, period=budget.period.value, amount=budget.amount
            )
        )


def ended_spend(connection: sa.Connection, holder: str, name: str, since: float) -> float:
    """The recorded cost of the jobs charged to ``holder name`` that ended at ``since`` or later, and of
    the idle stretches of partitions charged to it that ended then or later."""
    spent = 0.0
    for table in (jobs, idle_charges):
        column = table.c.account if holder == ACCOUNT else table.c.owner
        query = sa.select(sa.func.coalesce(sa.func.sum(table.c.cost), 0.0)).where(
            column == name, table.c.end_time >= since
        )
        spent += float(connection.execute(query).scalar() or 0.0)
    return spent


def run_ratios(connection: sa.Connection, owner: str, default_time_limit: int, count: int) -> list[float]:
    """Run time / time limit (at most 1) of the last ``count`` ended jobs of ``owner`` that ran."""
    query = (
        sa.select(jobs.c.start_time, jobs.c.end_time, jobs.c.request)
        .where(jobs.c.owner == owner, jobs.c.end_time.is_not(None), jobs.c.cost.is_not(None))
        .where(jobs.c.start_time.is_not(None))
        .order_by(jobs.c.end_time.desc())
        .limit(count)
    )
    ratios = []
    for row in connection.execute(query):
        limit = int(row.request.get("time_limit") or 0) or default_time_limit
        ratios.append(min(1.0, max(0.0, row.end_time - row.start_time) / limit))
    return ratios


def idle_partitions(connection: sa.Connection) -> list[PartitionRecord]:
    """Live partitions left idle: their idle time so far counts against budgets."""
    query = sa.select(partitions).where(
        partitions.c.idle_since.is_not(None), partitions.c.state.not_in(["deleted", "failed"])
    )
    return [partition_from_row(row) for row in connection.execute(query)]


def running_jobs(connection: sa.Connection) -> list[Job]:
    """Jobs not ended that cost something so far (running, copying results back, or requeued after
    runs that cost): their cost so far counts against budgets."""
    query = sa.select(jobs).where(
        sa.or_(jobs.c.start_time.is_not(None), jobs.c.earlier_cost > 0), jobs.c.cost.is_(None)
    )
    return [job_from_row(row) for row in connection.execute(query)]


def usage_filter(
    since: float, until: float, users: Sequence[str] = (), account: str | None = None, table: sa.Table = jobs
) -> list[sa.ColumnElement[bool]]:
    """The conditions of the ended jobs (or, with ``table`` idle_charges, idle stretches) accounting shows:
    ended in [since, until), of ``users``, charged to ``account``."""
    # A cost is recorded once a job has ended (not when a run ends and its results are still copied back).
    where = [table.c.end_time >= since, table.c.end_time < until, table.c.cost.is_not(None)]
    if users:
        where.append(table.c.owner.in_(list(users)))
    if account is not None:
        where.append(table.c.account == account)
    return where


def ended_jobs(
    connection: sa.Connection, where: list[sa.ColumnElement[bool]], limit: int, before: Job | None = None
) -> list[Job]:
    """Ended jobs matching ``where``, the latest ended first; with ``before``, those listed after it."""
    query = sa.select(jobs).where(*where).order_by(jobs.c.end_time.desc(), jobs.c.id.desc()).limit(limit)
    if before is not None and before.end_time is not None:
        query = query.where(
            sa.or_(
                jobs.c.end_time < before.end_time,
                sa.and_(jobs.c.end_time == before.end_time, jobs.c.id < before.id),
            )
        )
    return [job_from_row(row) for row in connection.execute(query)]


_KEYS = {"user": "owner", "account": "account", "site": "site"}


def totals(
    connection: sa.Connection,
    where: list[sa.ColumnElement[bool]],
    idle_where: list[sa.ColumnElement[bool]],
    by: str,
) -> list[tuple[str, int, float, float, float, float]]:
    """(key, jobs, elapsed seconds, CPU seconds, cost, idle cost) per ``by`` (user, account, site or day,
    in UTC): the jobs that ``where`` selects, and the idle stretches of partitions ``idle_where`` does,
    whose cost is in the cost too."""
    idle = _idle_totals(connection, idle_where, by)
    rows = {
        key: (key, count, elapsed, cpu_time, cost + idle.get(key, 0.0), idle.get(key, 0.0))
        for key, count, elapsed, cpu_time, cost in _job_totals(connection, where, by)
    }
    for key, cost in idle.items():
        rows.setdefault(key, (key, 0, 0.0, 0.0, cost, cost))
    return [rows[key] for key in sorted(rows)]


def _key(connection: sa.Connection, table: sa.Table, by: str) -> sa.ColumnElement[Any]:
    return table.c[_KEYS[by]] if by != "day" else _day_number(connection, table)


def _idle_totals(connection: sa.Connection, where: list[sa.ColumnElement[bool]], by: str) -> dict[str, float]:
    key = _key(connection, idle_charges, by)
    query = sa.select(key.label("key"), sa.func.sum(idle_charges.c.cost).label("cost")).where(*where).group_by(key)
    return {_day(row.key) if by == "day" else row.key: float(row.cost) for row in connection.execute(query)}


def _job_totals(
    connection: sa.Connection, where: list[sa.ColumnElement[bool]], by: str
) -> list[tuple[str, int, float, float, float]]:
    elapsed = sa.func.coalesce(jobs.c.end_time - jobs.c.start_time, 0.0)
    key = _key(connection, jobs, by)
    query = (
        sa.select(
            (sa.func.coalesce(key, "") if by == "site" else key).label("key"),
            sa.func.count().label("jobs"),
            sa.func.coalesce(sa.func.sum(elapsed), 0.0).label("elapsed"),
            sa.func.coalesce(sa.func.sum(jobs.c.cpu_time), 0.0).label("cpu_time"),
            sa.func.coalesce(sa.func.sum(jobs.c.cost), 0.0).label("cost"),
        )
        .where(*where)
        .group_by(key)
        .order_by(key)
    )
    rows = connection.execute(query)
    return [
        (
            _day(row.key) if by == "day" else row.key,
            int(row.jobs),
            float(row.elapsed),
            float(row.cpu_time),
            float(row.cost),
        )
        for row in rows
    ]


def _day_number(connection: sa.Connection, table: sa.Table) -> sa.ColumnElement[Any]:
    """Days since 1970-01-01 UTC of an end: SQLite's cast cuts the fraction, PostgreSQL's rounds it."""
    days = table.c.end_time / 86400.0
    return sa.func.floor(days) if connection.dialect.name == "postgresql" else sa.cast(days, sa.Integer)


def _day(number: float) -> str:
    return (dt.date(1970, 1, 1) + dt.timedelta(days=int(number))).isoformat()
