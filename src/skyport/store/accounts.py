"""Account, budget and accounting queries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, NamedTuple

import sqlalchemy as sa

from skyport.accounting.budgets import ACCOUNT, Account, Budget, Period
from skyport.errors import BadRequest
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
MAX_TOTALS = 10_000  # totals one query returns at most


class Total(NamedTuple):
    """Totals of the ended jobs, and idle partitions, of one key (a user, account, site or day in UTC),
    or of one key and one ``split`` key (the site of a day, say)."""

    key: str
    jobs: int
    elapsed: float  # seconds run
    cpu_time: float  # CPU seconds allocated
    cost: float  # with the idle cost
    idle_cost: float
    split: str | None = None


def totals(
    connection: sa.Connection,
    where: list[sa.ColumnElement[bool]],
    idle_where: list[sa.ColumnElement[bool]],
    by: str,
    split: str | None = None,
) -> list[Total]:
    """The totals per ``by`` (user, account, site or day, in UTC), and per ``split`` within each, of the
    jobs that ``where`` selects and the idle stretches of partitions ``idle_where`` does, whose cost is
    in the cost too; by key (and split). BadRequest past MAX_TOTALS."""
    idle = {
        keys: float(cost)
        for keys, (cost,) in _grouped(connection, idle_charges, idle_where, by, split, idle_charges.c.cost)
    }
    elapsed = sa.func.coalesce(jobs.c.end_time - jobs.c.start_time, 0.0)
    rows = {
        keys: Total(
            keys[0], int(count), float(run), float(cpu), float(cost) + idle.get(keys, 0.0), idle.get(keys, 0.0), keys[1]
        )
        for keys, (count, run, cpu, cost) in _grouped(
            connection, jobs, where, by, split, None, elapsed, jobs.c.cpu_time, jobs.c.cost
        )
    }
    for keys, cost in idle.items():
        rows.setdefault(keys, Total(keys[0], 0, 0.0, 0.0, cost, cost, keys[1]))
    if len(rows) > MAX_TOTALS:
        raise _too_many()
    return [rows[keys] for keys in sorted(rows, key=lambda keys: (keys[0], keys[1] or ""))]


def _grouped(
    connection: sa.Connection,
    table: sa.Table,
    where: list[sa.ColumnElement[bool]],
    by: str,
    split: str | None,
    *summed: sa.ColumnElement[Any] | None,
) -> list[tuple[tuple[str, str | None], tuple[Any, ...]]]:
    """((key, split key), sums) of the rows of ``table`` that ``where`` selects, grouped by ``by`` and
    ``split``: the sum of each of ``summed`` (None: the count of rows)."""
    keys = [_key(connection, table, by)] + ([_key(connection, table, split)] if split is not None else [])
    sums = [sa.func.count() if column is None else sa.func.coalesce(sa.func.sum(column), 0.0) for column in summed]
    query = sa.select(*keys, *sums).where(*where).group_by(*keys).limit(MAX_TOTALS + 1)
    found = [
        ((_name(by, row[0]), _name(split, row[1]) if split is not None else None), tuple(row[len(keys) :]))
        for row in connection.execute(query)
    ]
    if len(found) > MAX_TOTALS:
        raise _too_many()
    return found


def _too_many() -> BadRequest:
    return BadRequest(
        f"the totals asked for are more than {MAX_TOTALS}: ask for a shorter time (since, until), "
        "or for one user or account"
    )


def _key(connection: sa.Connection, table: sa.Table, by: str) -> sa.ColumnElement[Any]:
    return table.c[_KEYS[by]] if by != "day" else _day_number(connection, table)


def _name(by: str, value: Any) -> str:
    """The ``by`` key of a row as the API shows it."""
    return _day(value) if by == "day" else value or ""


def _day_number(connection: sa.Connection, table: sa.Table) -> sa.ColumnElement[Any]:
    """Days since 1970-01-01 UTC of an end: SQLite's cast cuts the fraction, PostgreSQL's rounds it."""
    days = table.c.end_time / 86400.0
    return sa.func.floor(days) if connection.dialect.name == "postgresql" else sa.cast(days, sa.Integer)


def _day(number: float) -> str:
    return (dt.date(1970, 1, 1) + dt.timedelta(days=int(number))).isoformat()
