"""The store keeps jobs, transitions and partitions the same on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import dataclasses
import math
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from skyport.accounting.budgets import ACCOUNT, USER, Account, Budget, Period
from skyport.accounting.service import spends
from skyport.errors import BadRequest
from skyport.jobs.record import Job
from skyport.jobs.script import JobRequest
from skyport.jobs.states import JobState, transition
from skyport.sites.records import PartitionRecord
from skyport.store import Store, tables
from skyport.store import accounts as account_queries
from skyport.store import events as event_queries
from skyport.store import jobs as queries
from skyport.store import partitions as partition_queries
from skyport.store import tokens as token_queries
from skyport.store.migrations import STEPS, migrate


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'skyport.db'}"
    else:
        url = request.getfixturevalue("postgres_url")
    opened = Store(url)
    try:
        yield opened
    finally:
        with opened.engine.begin() as connection:
            for table in ("jobs", "transitions", "partitions", "idle_charges", "accounts", "budgets", "tokens"):
                connection.execute(sa.text(f"DELETE FROM {table}"))
        opened.close()


def new_job(owner: str = "alice", **fields: object) -> Job:
    request = JobRequest(name="n", inputs=("a.dat",), outputs=("b.dat",), cpus=2, depends_on=())
    values: dict[str, object] = {
        "id": str(uuid.uuid4()),
        "owner": owner,
        "script": "#!/bin/sh\ntrue\n",
        "request": request,
        "submit_time": time.time(),
        "input_files": ("a.dat",),
    }
    values.update(fields)
    return Job(**values)  # type: ignore[arg-type]


def test_a_job_reads_back_as_it_was_written(store: Store) -> None:
    job = new_job(node_names=("n1",))
    store.call(queries.insert_job, job)
    assert store.call(queries.get_job, job.id) == job


def test_grouped_writes_share_one_transaction_and_a_refusal_fails_alone(store: Store) -> None:
    """Group commit: writes queued together are one transaction; a refused one is not stored, the others are."""
    transactions: list[str] = []
    store.timed = lambda query, seconds: transactions.append(query)
    jobs = [new_job() for _ in range(4)]
    refused = BadRequest("refused before writing")

    def insert(job: Job) -> object:
        return lambda connection: queries.insert_jobs(connection, [job]) and job.id

    def refuse(connection: sa.Connection) -> None:
        raise refused

    async def submit_together() -> list[object]:
        writes = [store.grouped(insert(job)) for job in jobs]
        return await asyncio.gather(*writes[:2], store.grouped(refuse), *writes[2:], return_exceptions=True)

    assert asyncio.run(submit_together()) == [jobs[0].id, jobs[1].id, refused, jobs[2].id, jobs[3].id]
    assert transactions == ["group_commit"]
    assert [store.call(queries.get_job, job.id) is not None for job in jobs] == [True] * 4


def test_a_grouped_write_that_fails_otherwise_fails_its_whole_group_and_stores_nothing(store: Store) -> None:
    jobs = [new_job() for _ in range(2)]

    def broken(connection: sa.Connection) -> None:
        raise RuntimeError("the store broke")

    async def submit_together() -> list[object]:
        writes = [store.grouped(lambda c, job=job: queries.insert_jobs(c, [job])) for job in jobs]
        return await asyncio.gather(writes[0], store.grouped(broken), writes[1], return_exceptions=True)

    assert [type(outcome) for outcome in asyncio.run(submit_together())] == [RuntimeError] * 3
    assert [store.call(queries.get_job, job.id) for job in jobs] == [None, None]


def test_a_user_never_reads_another_users_job(store: Store) -> None:
    job = new_job(owner="alice")
    store.call(queries.insert_job, job)
    assert store.call(queries.get_job, job.id, "bob") is None
    assert store.call(queries.list_jobs, "bob") == []
    assert [j.id for j in store.call(queries.list_jobs, "alice")] == [job.id]


def test_list_filters_by_state_and_limit_newest_first(store: Store) -> None:
    jobs = [new_job(submit_time=1000.0 + i, state=JobState("QRF"[i % 3])) for i in range(6)]
    for job in jobs:
        store.call(queries.insert_job, job)
    newest = store.call(queries.list_jobs, "alice", queries.EVERY_JOB, 2)
    assert [j.id for j in newest] == [jobs[5].id, jobs[4].id]
    finished = store.call(queries.list_jobs, "alice", queries.Filter(states=(JobState.FINISHED,)))
    assert {j.id for j in finished} == {jobs[2].id, jobs[5].id}


def test_pages_after_a_job_list_every_job_once_in_order_even_with_equal_submit_times(store: Store) -> None:
    jobs = [new_job(submit_time=1000.0 + i // 3, state=JobState("QRF"[i % 3])) for i in range(10)]
    for job in jobs:
        store.call(queries.insert_job, job)
    everything = store.call(queries.list_jobs, "alice")
    pages: list[Job] = []
    while page := store.call(queries.list_jobs, "alice", queries.EVERY_JOB, 3, pages[-1] if pages else None):
        pages += page
    assert pages == everything
    assert {j.id for j in pages} == {j.id for j in jobs}
    assert [j.submit_time for j in pages] == sorted((j.submit_time for j in jobs), reverse=True)
    ended = store.call(queries.list_jobs, "alice", queries.Filter(states=(JobState.FINISHED,)), 2, everything[0])
    assert [j.id for j in ended] == [j.id for j in everything[1:] if j.state == JobState.FINISHED][:2]


def test_list_filters_by_name_end_time_and_array_in_sql(store: Store) -> None:
    array_id = str(uuid.uuid4())
    unnamed = new_job(request=JobRequest(), submit_time=1000.0)
    old = new_job(submit_time=1001.0, state=JobState.FINISHED, end_time=2000.0)
    recent = new_job(submit_time=1002.0, state=JobState.ERROR, end_time=5000.0)
    tasks = [new_job(submit_time=1003.0 + i, array_id=array_id, array_task=i) for i in (1, 3, 5)]
    store.call(queries.insert_jobs, [unnamed, old, recent, *tasks])

    def ids(**wanted: object) -> list[str]:
        return [j.id for j in store.call(queries.list_jobs, "alice", queries.Filter(**wanted))]  # type: ignore[arg-type]

    assert ids(name="job") == [unnamed.id]  # a job without a name is listed as "job"
    assert ids(name="n") == [t.id for t in reversed(tasks)] + [recent.id, old.id]
    assert ids(since=4000.0) == [t.id for t in reversed(tasks)] + [recent.id, unnamed.id]
    assert ids(array_id=array_id) == [t.id for t in reversed(tasks)]
    assert ids(array_id=array_id, array_task=3) == [tasks[1].id]
    assert store.call(queries.get_job, tasks[2].id) == tasks[2]
    assert store.call(queries.array_owned, array_id, "alice") and not store.call(queries.array_owned, array_id, "bob")


def test_cancel_pending_cancels_the_queued_and_waiting_tasks_of_one_array_at_once(store: Store) -> None:
    array_id, other = str(uuid.uuid4()), str(uuid.uuid4())
    tasks = [new_job(array_id=array_id, array_task=i, state=JobState("QWR"[i % 3])) for i in range(6)]
    store.call(queries.insert_jobs, [*tasks, new_job(array_id=other, array_task=0)])
    steps = store.call(queries.cancel_pending, "alice", "cancelled by alice", array_id=array_id)
    assert sorted(step.job_id for step in steps) == sorted(t.id for t in tasks if t.state != JobState.RUNNING)
    states = {j.id: j.state for j in store.call(queries.list_jobs, "alice")}
    assert [states[t.id] for t in tasks] == [JobState.CANCELLED, JobState.CANCELLED, JobState.RUNNING] * 2
    assert list(states.values()).count(JobState.QUEUED) == 1  # the other array's task
    assert [(s.source, s.target) for s in store.call(queries.history, tasks[1].id)] == [
        (JobState.WAITING, JobState.CANCELLED)
    ]


def test_saving_a_state_change_records_the_transition(store: Store) -> None:
    job = new_job()
    store.call(queries.insert_job, job)
    step = transition(job.id, JobState.QUEUED, JobState.RUNNING, "running on local")
    assert store.call(
        queries.save_change, dataclasses.replace(job, state=JobState.RUNNING), step, expected=JobState.QUEUED
    )
    assert store.call(queries.get_job, job.id).state == JobState.RUNNING  # type: ignore[union-attr]
    assert [(t.source, t.target, t.reason) for t in store.call(queries.history, job.id)] == [
        (JobState.QUEUED, JobState.RUNNING, "running on local")
    ]


def test_a_change_made_from_a_stale_copy_writes_nothing(store: Store) -> None:
    """The loop and a terminal both change jobs: a change from an older copy must not undo a newer one."""
    job = new_job()
    store.call(queries.insert_job, job)
    cancel = transition(job.id, JobState.QUEUED, JobState.CANCELLED, "cancelled by alice")
    assert store.call(
        queries.save_change, dataclasses.replace(job, state=JobState.CANCELLED), cancel, expected=job.state
    )
    start = transition(job.id, JobState.QUEUED, JobState.RUNNING, "running on local")
    stale = dataclasses.replace(job, state=JobState.RUNNING)
    assert store.call(queries.save_change, stale, start, expected=job.state) is None
    assert store.call(queries.get_job, job.id).state == JobState.CANCELLED  # type: ignore[union-attr]
    assert [t.target for t in store.call(queries.history, job.id)] == [JobState.CANCELLED]


def test_active_jobs_include_ended_runs_the_gate_still_holds(store: Store) -> None:
    waiting = new_job(state=JobState.WAITING)
    ended_dirty = new_job(state=JobState.FINISHED, gate_done=False)
    ended_clean = new_job(state=JobState.FINISHED, gate_done=True)
    for job in (waiting, ended_dirty, ended_clean):
        store.call(queries.insert_job, job)
    assert {j.id for j in store.call(queries.active_jobs)} == {waiting.id, ended_dirty.id}


def test_spend_is_price_times_nodes_times_hours(store: Store) -> None:
    job = new_job(site="aws", price=0.5, start_time=0.0, end_time=7200.0, state=JobState.FINISHED)
    store.call(queries.insert_job, job)
    assert store.call(queries.spend_by_site) == {"aws": pytest.approx(1.0)}


def test_partitions_are_upserted_and_deleted_ones_are_not_live(store: Store) -> None:
    record = PartitionRecord(id="p-1", site="aws", flavor="c5.large", count=2, owner="alice", created_at=1.0)
    store.call(partition_queries.save_partition, record)
    store.call(partition_queries.save_partition, dataclasses.replace(record, state="ready", node_names=("i-1", "i-2")))
    assert store.call(partition_queries.live_partitions)[0].node_names == ("i-1", "i-2")
    store.call(partition_queries.save_partition, dataclasses.replace(record, state="deleted"))
    assert store.call(partition_queries.live_partitions) == []
    assert store.call(partition_queries.recorded_partitions) == {("aws", "p-1")}


def test_migrations_run_once_and_record_the_version(store: Store) -> None:
    assert migrate(store.engine) == len(STEPS)
    with store.engine.connect() as connection:
        versions = connection.execute(sa.text("SELECT version FROM schema_version")).scalars().all()
    assert versions == list(range(1, len(STEPS) + 1))
    indexes = {index["name"] for index in sa.inspect(store.engine).get_indexes("jobs")}
    assert {"ix_jobs_owner_submit", "ix_jobs_owner_state_submit"} <= indexes


def test_a_database_of_the_first_schema_gains_the_listing_indexes(tmp_path: Path) -> None:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'old.db'}")
    with engine.begin() as connection:
        STEPS[0](connection)
        for index in tables.listing_indexes:  # the first schema had none of them
            index.drop(connection)
        connection.execute(tables.schema_version.insert().values(version=1))
    assert migrate(engine) == len(STEPS)
    indexes = {index["name"] for index in sa.inspect(engine).get_indexes("jobs")}
    assert {"ix_jobs_owner_submit", "ix_jobs_owner_state_submit"} <= indexes
    engine.dispose()


def test_an_ended_job_records_its_cost_and_the_totals_sum_them(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    day = 86400.0 * 20000  # 2024-10-04, midnight UTC
    jobs = [
        new_job(
            account="physics", site="aws", price=2.0, start_time=day, end_time=day + 1800.0, state=JobState.FINISHED
        ),
        new_job(
            account="physics", site="local", price=1.0, start_time=day, end_time=day + 3600.0, state=JobState.ERROR
        ),
        new_job(
            owner="bob",
            account="bob",
            site="aws",
            price=1.0,
            start_time=day,
            end_time=day + 3600.0 * 3,
            state=JobState.FINISHED,
        ),
        new_job(account="physics", site="aws", price=2.0, start_time=day, state=JobState.RUNNING),
    ]
    for job in jobs:
        store.call(queries.insert_job, job)
    # Two partitions left idle for half an hour at 2 per node-hour: one created for a job of physics,
    # one for a job of carol's own account.
    for owner, account in (("alice", "physics"), ("carol", "carol")):
        partition = PartitionRecord(
            id=f"p-{owner}",
            site="aws",
            flavor="small",
            count=1,
            owner=owner,
            created_at=day,
            price=2.0,
            idle_since=day + 1800.0,
            account=account,
        )
        store.call(partition_queries.save_partition, partition, partition.idle_charge(day + 3600.0))
    where = account_queries.usage_filter(day, day + 86400.0)
    idle_where = account_queries.usage_filter(day, day + 86400.0, table=tables.idle_charges)
    by_account = store.call(account_queries.totals, where, idle_where, "account")
    assert [(t.key, t.jobs, t.cost, t.idle_cost) for t in by_account] == [
        ("bob", 1, pytest.approx(3.0), 0.0),
        ("carol", 0, pytest.approx(1.0), pytest.approx(1.0)),
        ("physics", 2, pytest.approx(3.0), pytest.approx(1.0)),
    ]
    by_day = store.call(account_queries.totals, where, idle_where, "day")
    cpu_seconds = 2 * 4.5 * 3600.0  # 2 cpus for 4.5 hours
    assert [(t.key, t.jobs, t.cpu_time, t.cost) for t in by_day] == [
        ("2024-10-04", 3, pytest.approx(cpu_seconds), pytest.approx(7.0))
    ]
    # Each site's spend on each day: aws's idle partitions are in aws's share.
    by_day_and_site = store.call(account_queries.totals, where, idle_where, "day", "site")
    assert [(t.key, t.split, t.jobs, t.cost, t.idle_cost) for t in by_day_and_site] == [
        ("2024-10-04", "aws", 2, pytest.approx(6.0), pytest.approx(2.0)),
        ("2024-10-04", "local", 1, pytest.approx(1.0), 0.0),
    ]
    with monkeypatch.context() as patch:
        patch.setattr(account_queries, "MAX_TOTALS", 2)
        with pytest.raises(BadRequest, match="more than 2: ask for a shorter time"):
            store.call(account_queries.totals, where, idle_where, "account", "site")
    listed = store.call(account_queries.ended_jobs, account_queries.usage_filter(day, day + 86400.0, ["alice"]), 10)
    assert {job.id for job in listed} == {jobs[0].id, jobs[1].id}


def test_a_budget_spend_is_ended_jobs_of_the_period_plus_running_ones_so_far(store: Store) -> None:
    now = 86400.0 * 20000 + 3 * 86400.0 + 7200.0  # Monday 2024-10-07 02:00 UTC
    store.call(account_queries.save_account, Account("physics", ("alice",)))
    for budget in (Budget(ACCOUNT, "physics", Period.DAY, 10.0), Budget(USER, "alice", Period.TOTAL, 100.0)):
        store.call(account_queries.set_budget, budget)
    jobs = [
        new_job(account="physics", price=1.0, start_time=now - 3600.0, end_time=now - 1800.0, state=JobState.FINISHED),
        new_job(
            account="physics", price=1.0, start_time=now - 86400.0, end_time=now - 80000.0, state=JobState.FINISHED
        ),
        new_job(account="alice", price=4.0, start_time=now - 1800.0, state=JobState.RUNNING),
    ]
    for job in jobs:
        store.call(queries.insert_job, job)
    # A partition created for a job of physics, idle now for half an hour at 2 per node-hour.
    idle = PartitionRecord(
        id="p-idle",
        site="aws",
        flavor="small",
        count=1,
        owner="alice",
        created_at=now - 7200.0,
        price=2.0,
        state="ready",
        idle_since=now - 1800.0,
        account="physics",
    )
    store.call(partition_queries.save_partition, idle)
    spent = {s.budget.label: s for s in store.call(spends, store.call(account_queries.list_budgets), now)}
    # yesterday's job counts in yesterday's period; the idle partition so far counts now
    assert spent["account physics"].spent == pytest.approx(0.5 + 1.0)
    assert spent["account physics"].next_start == 86400.0 * 20004
    assert spent["user alice"].spent == pytest.approx(0.5 + 1.0 * 6400 / 3600 + 2.0 + 1.0)
    # Used again: the stretch is recorded, and counts the same.
    store.call(partition_queries.save_partition, dataclasses.replace(idle, idle_since=None), idle.idle_charge(now))
    again = {s.budget.label: s.spent for s in store.call(spends, store.call(account_queries.list_budgets), now)}
    assert again == {label: pytest.approx(s.spent) for label, s in spent.items()}
    store.call(account_queries.set_budget, Budget(ACCOUNT, "physics", Period.DAY, 0.0))
    assert [b.label for b in store.call(account_queries.list_budgets)] == ["user alice"]


def test_a_requeued_job_costs_its_earlier_runs_while_queued_and_once_cancelled(store: Store) -> None:
    now = 86400.0 * 20000
    store.call(account_queries.set_budget, Budget(USER, "alice", Period.TOTAL, 100.0))
    requeued = new_job(earlier_cost=1.5, earlier_cpu_time=7200.0, state=JobState.QUEUED)
    store.call(queries.insert_job, requeued)
    [spend] = store.call(spends, store.call(account_queries.list_budgets), now)
    assert spend.spent == pytest.approx(1.5)
    store.call(queries.cancel_pending, "alice", "cancelled by alice")
    cancelled = store.call(queries.get_job, requeued.id)
    assert cancelled.state == JobState.CANCELLED
    assert (cancelled.cost(now), cancelled.cpu_time(now)) == (1.5, 7200.0)
    where = account_queries.usage_filter(0.0, math.inf)
    idle_where = account_queries.usage_filter(0.0, math.inf, table=tables.idle_charges)
    [total] = store.call(account_queries.totals, where, idle_where, "user")
    assert (total.jobs, total.cpu_time, total.cost) == (1, 7200.0, 1.5)
    [spend] = store.call(spends, store.call(account_queries.list_budgets), now)
    assert spend.spent == pytest.approx(1.5)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of a new, empty database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'old.db'}"
        return
    server = request.getfixturevalue("postgres_url").rsplit("/", 1)[0]
    name = f"old_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f"CREATE DATABASE {name}"))
    try:
        yield f"{server}/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f"DROP DATABASE {name}"))
        admin.dispose()


def test_a_database_before_accounts_charges_old_jobs_to_their_owners(empty_url: str) -> None:
    engine = sa.create_engine(empty_url)
    job = new_job(price=3.0, start_time=0.0, end_time=1200.0, state=JobState.FINISHED)
    with engine.begin() as connection:
        STEPS[0](connection)
        STEPS[1](connection)
        for index in tables.accounting_indexes:
            index.drop(connection)
        for column in ("account", "cost", "cpu_time"):
            connection.execute(sa.text(f"ALTER TABLE jobs DROP COLUMN {column}"))
        tables.budgets.drop(connection)
        tables.accounts.drop(connection)
        values = queries._job_values(job)
        for column in ("account", "cost", "cpu_time"):
            del values[column]
        connection.execute(tables.jobs.insert().values(**values))  # the columns the old table has
        connection.execute(tables.schema_version.insert().values(version=2))
    assert migrate(engine) == len(STEPS)
    with engine.begin() as connection:
        row = connection.execute(sa.select(tables.jobs.c.account, tables.jobs.c.cost, tables.jobs.c.cpu_time)).one()
        assert (row.account, row.cost, row.cpu_time) == ("alice", pytest.approx(1.0), pytest.approx(2 * 1200.0))
        assert account_queries.list_accounts(connection) == []
    engine.dispose()


def test_a_database_from_before_idle_charges_charges_old_partitions_to_their_owners(store: Store) -> None:
    old = PartitionRecord(id="p-old", site="aws", flavor="small", count=1, owner="bob", created_at=0.0)
    with store.engine.begin() as connection:
        for index in tables.idle_indexes:
            index.drop(connection)
        tables.idle_charges.drop(connection)
        connection.execute(sa.text("ALTER TABLE partitions DROP COLUMN account"))
        values = {f.name: getattr(old, f.name) for f in dataclasses.fields(old) if f.name != "account"}
        connection.execute(tables.partitions.insert().values(**values))
        connection.execute(sa.text("DELETE FROM schema_version WHERE version >= 7"))
    assert migrate(store.engine) == len(STEPS)
    assert store.call(partition_queries.live_partitions) == [dataclasses.replace(old, account="bob")]
    assert "idle_charges" in sa.inspect(store.engine).get_table_names()


def test_a_database_from_before_arrays_gains_the_array_columns(store: Store) -> None:
    with store.engine.begin() as connection:
        tables.array_index.drop(connection)
        for name in tables.array_columns:
            connection.execute(sa.text(f"ALTER TABLE jobs DROP COLUMN {name}"))
        connection.execute(sa.text("DELETE FROM schema_version WHERE version >= 4"))
    assert migrate(store.engine) == len(STEPS)
    columns = {column["name"] for column in sa.inspect(store.engine).get_columns("jobs")}
    assert set(tables.array_columns) <= columns
    assert "ix_jobs_array" in {index["name"] for index in sa.inspect(store.engine).get_indexes("jobs")}
    task = new_job(array_id=str(uuid.uuid4()), array_task=7)
    store.call(queries.insert_job, task)
    assert store.call(queries.get_job, task.id) == task


def test_a_database_from_before_tokens_gains_the_table_and_finds_a_token_by_its_digest(store: Store) -> None:
    with store.engine.begin() as connection:
        tables.tokens.drop(connection)
        connection.execute(sa.text("DELETE FROM schema_version WHERE version >= 6"))
    assert migrate(store.engine) == len(STEPS)
    token = token_queries.Token("0123456789ab", "alice", "ci", "f" * 64, 1.0, 2.0)
    store.call(token_queries.add_token, token)
    store.call(token_queries.touch_token, token.id, 1.5)
    assert store.call(token_queries.token_by_digest, "f" * 64) == dataclasses.replace(token, last_used=1.5)
    assert store.call(token_queries.token_by_digest, "e" * 64) is None
    assert store.call(token_queries.tokens_of, "bob") == []
    store.call(token_queries.delete_token, token.id)
    assert store.call(token_queries.tokens_of, "alice") == []


def test_events_are_the_submission_then_each_change_in_order_of_id_per_owner(store: Store) -> None:
    job, other = new_job(), new_job(owner="bob")
    submitted = store.call(queries.insert_jobs, [job, other])
    assert [(e.kind, e.owner, e.target) for e in submitted] == [
        ("submitted", "alice", JobState.QUEUED),
        ("submitted", "bob", JobState.QUEUED),
    ]
    placed = dataclasses.replace(job, state=JobState.RUNNING, site="local", partition_id="p1", flavor="f", price=2.0)
    step = transition(job.id, JobState.QUEUED, JobState.RUNNING, "running on local")
    running = store.call(queries.save_change, placed, step, expected=JobState.QUEUED)
    assert running is not None and running.id > submitted[-1].id
    assert running.details == {"name": "n", "site": "local", "partition_id": "p1", "flavor": "f", "price": 2.0}
    ended = dataclasses.replace(placed, state=JobState.ERROR, start_time=0.0, end_time=1800.0, exitcode=3)
    step = transition(job.id, JobState.RUNNING, JobState.ERROR, "exited with status 3")
    error = store.call(queries.save_change, ended, step, expected=JobState.RUNNING, outputs=["b.dat"])
    assert error is not None and error.details == {"name": "n", "cost": 1.0, "exitcode": 3, "outputs": ["b.dat"]}
    alices = store.call(event_queries.after, 0, "alice")
    assert [(e.source, e.target) for e in alices] == [
        (None, JobState.QUEUED),
        (JobState.QUEUED, JobState.RUNNING),
        (JobState.RUNNING, JobState.ERROR),
    ]
    assert [e.id for e in store.call(event_queries.after, alices[0].id, None)] == [
        submitted[1].id,
        running.id,
        error.id,
    ]
    assert [e.job_id for e in store.call(event_queries.after, 0, None)] == [job.id, other.id, job.id, job.id]
    start = store.call(event_queries.before_last, 2, "alice")
    assert [e.id for e in store.call(event_queries.after, start, "alice")] == [running.id, error.id]
    assert store.call(event_queries.before_last, 0, "bob") == error.id  # the last of all: only new ones come
    assert [(t.source, t.target) for t in store.call(queries.history, job.id)] == [
        (JobState.QUEUED, JobState.RUNNING),
        (JobState.RUNNING, JobState.ERROR),
    ]


def test_transitions_recorded_before_events_get_their_job_s_owner(store: Store) -> None:
    job = new_job(owner="carol")
    store.call(queries.insert_job, job)
    step = transition(job.id, JobState.QUEUED, JobState.CANCELLED, "cancelled by carol")
    store.call(queries.save_change, dataclasses.replace(job, state=JobState.CANCELLED), step, expected=job.state)
    with store.engine.begin() as connection:
        tables.events_index.drop(connection)
        for name in tables.event_columns:
            connection.execute(sa.text(f"ALTER TABLE transitions DROP COLUMN {name}"))
        connection.execute(sa.text("DELETE FROM schema_version WHERE version >= 10"))
    assert migrate(store.engine) == len(STEPS)
    assert [(e.owner, e.target, dict(e.details)) for e in store.call(event_queries.after, 0, "carol")] == [
        ("carol", JobState.QUEUED, {}),
        ("carol", JobState.CANCELLED, {}),
    ]
