"""The account service: accounts, budgets and what was spent; the daemon's owner manages them.

A job is charged to an account: the one its script or ``--account`` names, or its owner's own
(an account named after the user, which that user may always charge). Charging any other account
needs the owner to have made the user a member of it.
"""

from __future__ import annotations

import dataclasses
import math
import statistics
import time
from collections.abc import Iterable, Mapping, Sequence

import sqlalchemy as sa

from skyport import scheduler
from skyport.accounting.budgets import ACCOUNT, MAX_AMOUNT, USER, Account, Budget, Period
from skyport.errors import BadRequest, Conflict, Forbidden, NotFound
from skyport.jobs.record import Job
from skyport.sites.records import PartitionRecord
from skyport.store import Store, tables
from skyport.store import accounts as queries
from skyport.store import jobs as job_queries


@dataclasses.dataclass(frozen=True)
class Spend:
    """A budget and what its holder's jobs spent in its current period."""

    budget: Budget
    spent: float  # recorded cost of jobs ended in the period + cost so far of running ones
    period_start: float
    next_start: float  # math.inf for a total budget

    @property
    def left(self) -> float:
        return max(0.0, self.budget.amount - self.spent)


def charged(job: Job, budget: Budget) -> bool:
    """Whether ``job`` draws on ``budget``: its account's, or its owner's."""
    return (budget.holder == ACCOUNT and job.account == budget.name) or (
        budget.holder == USER and job.owner == budget.name
    )


def charged_partition(partition: PartitionRecord, budget: Budget) -> bool:
    """Whether the idle time of ``partition`` draws on ``budget``: that of the account or the owner of
    the job it was created for."""
    return (budget.holder == ACCOUNT and (partition.account or partition.owner) == budget.name) or (
        budget.holder == USER and partition.owner == budget.name
    )


class AccountService:
    """Read and change accounts and budgets, and say what was spent."""

    def __init__(self, store: Store, *, owner: str) -> None:
        self.store = store
        self.owner = owner  # the daemon's owner: the only one who manages accounts and budgets

    def owner_only(self, user: str, what: str) -> None:
        """Forbidden, naming the owner, unless ``user`` is the daemon's owner."""
        if user != self.owner:
            raise Forbidden(f"only the daemon's owner ({self.owner}) may {what}")

    # -- accounts ---------------------------------------------------------------------------------

    async def add(self, user: str, name: str, members: Sequence[str], job_ceiling: float | None) -> Account:
        self.owner_only(user, "add accounts")
        account = Account(name, tuple(dict.fromkeys(members)), job_ceiling, time.time())

        def add(connection: sa.Connection) -> bool:
            if queries.get_account(connection, name) is not None:
                return False
            queries.save_account(connection, account)
            return True

        if not await self.store.run(add):
            raise Conflict(f"account {name} exists already; change it with `skyport account set {name}`")
        return account

    async def change(
        self,
        user: str,
        name: str,
        add_members: Sequence[str] = (),
        remove_members: Sequence[str] = (),
        job_ceiling: float | None = None,
    ) -> Account:
        """Add and remove members; a ceiling of 0 removes the account's default ceiling per job."""
        self.owner_only(user, "change accounts")

        def change(connection: sa.Connection) -> Account | None:
            account = queries.get_account(connection, name)
            if account is None:
                return None
            members = [m for m in (*account.members, *add_members) if m not in remove_members]
            ceiling = account.job_ceiling if job_ceiling is None else (job_ceiling or None)
            account = dataclasses.replace(account, members=tuple(dict.fromkeys(members)), job_ceiling=ceiling)
            queries.save_account(connection, account)
            return account

        account = await self.store.run(change)
        if account is None:
            raise NotFound(f"no account {name}; `skyport account list` shows them, `skyport account add` makes one")
        return account

    async def remove(self, user: str, name: str) -> Account:
        """Remove the account and its budgets; jobs charged to it keep its name."""
        self.owner_only(user, "remove accounts")

        def remove(connection: sa.Connection) -> Account | None:
            account = queries.get_account(connection, name)
            if account is not None:
                queries.delete_account(connection, name)
            return account

        account = await self.store.run(remove)
        if account is None:
            raise NotFound(f"no account {name}; `skyport account list` shows them")
        return account

    async def visible(self, user: str) -> list[Account]:
        """Every account for the owner; for anyone else, the accounts they may charge."""
        accounts = await self.store.run(queries.list_accounts)
        if user == self.owner:
            return accounts
        return [a for a in accounts if a.admits(user) or a.name == user]

    def account_for(self, connection: sa.Connection, user: str, named: str) -> Account:
        """The account a job of ``user`` is charged to (``named``, or their own); Forbidden when they may not."""
        name = named or user
        account = queries.get_account(connection, name)
        if name == user:
            return account or Account(user, (user,))
        if account is None or not account.admits(user):
            raise Forbidden(
                f"you ({user}) are not a member of account {name}; charge your own account, or ask the daemon's "
                f"owner ({self.owner}) to run `skyport account set {name} --member {user}`"
            )
        return account

    # -- budgets ----------------------------------------------------------------------------------

    async def set_budget(self, user: str, holder: str, name: str, period: str, amount: float) -> Budget:
        """Set the budget of an account or a user for a period; an amount of 0 removes it."""
        self.owner_only(user, "set budgets")
        if not (math.isfinite(amount) and 0 <= amount <= MAX_AMOUNT):
            raise BadRequest(f"a budget is an amount from 0 (none) to {MAX_AMOUNT:.0f}, got {amount}")
        budget = Budget(holder, name, Period(period), amount)

        def save(connection: sa.Connection) -> bool:
            if holder == ACCOUNT and queries.get_account(connection, name) is None:
                return False
            queries.set_budget(connection, budget)
            return True

        if not await self.store.run(save):
            raise NotFound(f"no account {name}; add it first with `skyport account add {name}`")
        return budget

    @staticmethod
    def budgets_of(connection: sa.Connection, account: str, user: str) -> list[Budget]:
        """The budgets a job of ``user`` charged to ``account`` draws on."""
        held = queries.list_budgets(connection)
        return [b for b in held if (b.holder, b.name) in ((ACCOUNT, account), (USER, user))]

    async def limits(self, now: float, default_time_limit: int) -> Limits:
        return await self.store.run(limits, now, default_time_limit)

    async def spends(self, user: str | None, now: float) -> list[Spend]:
        """Each budget (those that concern ``user``; all with None or for the owner) and its spend now."""

        def read(connection: sa.Connection) -> list[Spend]:
            budgets = queries.list_budgets(connection)
            if user is not None and user != self.owner:
                mine = {a.name for a in queries.list_accounts(connection) if a.admits(user)} | {user}
                budgets = [
                    b
                    for b in budgets
                    if (b.holder == USER and b.name == user) or (b.holder == ACCOUNT and b.name in mine)
                ]
            return spends(connection, budgets, now)

        return await self.store.run(read)


def spends(connection: sa.Connection, budgets: Iterable[Budget], now: float) -> list[Spend]:
    """What each budget's holder spent in its current period: ended jobs and idle stretches of
    partitions, and running jobs and partitions idle now so far."""
    budgets = list(budgets)
    running = queries.running_jobs(connection) if budgets else []
    idle = queries.idle_partitions(connection) if budgets else []
    result = []
    for budget in budgets:
        start = budget.period.start(now)
        spent = queries.ended_spend(connection, budget.holder, budget.name, start)
        spent += sum(job.cost(now) for job in running if charged(job, budget))
        spent += sum(partition.idle_cost(now) for partition in idle if charged_partition(partition, budget))
        result.append(Spend(budget, spent, start, budget.period.next_start(now)))
    return result


@dataclasses.dataclass(frozen=True)
class Limits:
    """What the scheduler needs of accounts and budgets in one pass."""

    budgets: tuple[scheduler.BudgetLimit, ...]
    held: tuple[Budget, ...]  # the same budgets, in the same order
    ceilings: Mapping[str, float]  # account -> default price ceiling per job-hour

    def apply(self, wanted: scheduler.JobDemand, job: Job) -> scheduler.JobDemand:
        """``wanted`` (the job as the scheduler sees it) with the budgets it draws on and its own or its
        account's price ceiling."""
        keys = tuple(limit.key for limit, budget in zip(self.budgets, self.held, strict=True) if charged(job, budget))
        ceiling = job.request.max_price if job.request.max_price is not None else self.ceilings.get(job.account)
        return dataclasses.replace(wanted, budgets=keys, max_price=ceiling)


def limits(connection: sa.Connection, now: float, default_time_limit: int) -> Limits:
    """Each budget's room left for jobs to start: its amount, less what was spent this period, less the
    worst case still to come of the jobs running on it (to the end of their time limits)."""
    budgets = queries.list_budgets(connection)
    ceilings = {a.name: a.job_ceiling for a in queries.list_accounts(connection) if a.job_ceiling is not None}
    if not budgets:
        return Limits((), (), ceilings)
    running = queries.running_jobs(connection)
    result = []
    for spend in spends(connection, budgets, now):
        budget = spend.budget
        coming = 0.0
        for job in running:
            if charged(job, budget) and job.start_time is not None and job.end_time is None:
                limit = min(job.request.time_limit or default_time_limit, scheduler.MAX_DURATION)
                coming += job.price * job.request.nodes * max(0.0, job.start_time + limit - now) / 3600.0
        result.append(
            scheduler.BudgetLimit(
                key=f"{budget.label}/{budget.period.value}",
                left=budget.amount - spend.spent - coming,
                label=budget.label,
                period=budget.period.words,
                next_start=spend.next_start,
            )
        )
    return Limits(tuple(result), tuple(budgets), ceilings)


TYPICAL_RUNS = 100  # the ended jobs of a user whose run times estimate what a new one is likely to cost


class Usage:
    """Accounting of ended jobs, like Slurm's sacct: a user sees their own jobs, the owner everyone's."""

    def __init__(self, store: Store, *, owner: str) -> None:
        self.store = store
        self.owner = owner

    def _where(
        self, user: str, since: float, until: float, users: Sequence[str], account: str | None
    ) -> list[list[sa.ColumnElement[bool]]]:
        """The conditions of the jobs, and of the idle stretches of partitions, that ``user`` asks for."""
        if user != self.owner:
            others = sorted(set(users) - {user})
            if others:
                raise Forbidden(f"only the daemon's owner ({self.owner}) may see the usage of {', '.join(others)}")
            users = [user]
        if since >= until:
            raise BadRequest("since must be before until")
        return [
            queries.usage_filter(since, until, users, account, table) for table in (tables.jobs, tables.idle_charges)
        ]

    async def jobs(
        self,
        user: str,
        *,
        since: float,
        until: float,
        users: Sequence[str] = (),
        account: str | None = None,
        limit: int,
        before: str | None = None,
    ) -> list[Job]:
        """Ended jobs, the latest ended first; with ``before`` (a job ID), those listed after it."""
        where, _ = self._where(user, since, until, users, account)

        def page(connection: sa.Connection) -> list[Job] | None:
            last = None
            if before is not None:
                last = job_queries.get_job(connection, before, None if user == self.owner else user)
                if last is None:
                    return None
            return queries.ended_jobs(connection, where, limit, last)

        jobs = await self.store.run(page)
        if jobs is None:
            raise BadRequest(
                f"before={before!r} is not a job you can see; pass the ID of the last job of the previous page"
            )
        return jobs

    async def typical_run(self, user: str, default_time_limit: int) -> tuple[float, int]:
        """The median run time / time limit of the user's last TYPICAL_RUNS ended jobs that ran, and
        how many there were; (1.0, 0) when none has."""
        ratios = await self.store.run(queries.run_ratios, user, default_time_limit, TYPICAL_RUNS)
        return (statistics.median(ratios) if ratios else 1.0), len(ratios)

    async def totals(
        self,
        user: str,
        *,
        by: str,
        split: str | None = None,
        since: float,
        until: float,
        users: Sequence[str] = (),
        account: str | None = None,
    ) -> list[queries.Total]:
        """The totals per user, account, site or day (and per ``split``, another of these, within each);
        the cost includes the idle time of partitions charged there."""
        if split == by:
            raise BadRequest(f"split must differ from by ({by}): split a total by another key, or leave it out")
        where, idle_where = self._where(user, since, until, users, account)
        return await self.store.run(queries.totals, where, idle_where, by, split)
