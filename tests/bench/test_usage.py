"""Accounting speed: a month's totals per account over 100,000 ended jobs, through a real daemon.

Run with numbers: ``.venv/bin/pytest tests/bench/test_usage.py --benchmark-enable`` (the goal is
under 200 ms). Without ``--benchmark-enable`` (the default test run) it runs once over 1,000 jobs.
"""

from __future__ import annotations

import datetime as dt
import statistics
import time
import uuid
from pathlib import Path

import pytest
from pytest_benchmark.fixture import BenchmarkFixture

from skyport.jobs import script as scripts
from skyport.jobs.record import Job
from skyport.jobs.states import JobState
from skyport.store import Store
from skyport.store import jobs as queries
from tests.conftest import running_daemon

from .test_throughput import TRUE, http, load

ACCOUNTS = ("physics", "chemistry", "biology", "alice", "bob")
SPAN = 60 * 86400.0  # the jobs ended over the last 60 days: about half of them this month or the last


def fill(home: Path, count: int) -> None:
    """``count`` ended jobs spread over ACCOUNTS and SPAN, written into the store before the daemon starts."""
    request = scripts.parse(TRUE.decode())
    now = time.time()
    jobs = []
    for i in range(count):
        end = now - SPAN * i / count
        jobs.append(
            Job(
                id=str(uuid.uuid4()),
                owner=("alice", "bob")[i % 2],
                account=ACCOUNTS[i % len(ACCOUNTS)],
                script=TRUE.decode(),
                request=request,
                submit_time=end - 120.0,
                state=JobState.FINISHED,
                site="local",
                price=0.5,
                start_time=end - 60.0,
                end_time=end,
                exitcode=0,
                gate_done=True,
            )
        )
    store = Store(f"sqlite:///{home / 'skyport.db'}")
    try:
        store.call(lambda connection: [queries.insert_job(connection, job) for job in jobs])
    finally:
        store.close()


def test_a_months_totals_by_account_over_ended_jobs(benchmark: BenchmarkFixture, home: Path, tmp_path: Path) -> None:
    """GET /user/usage/totals?by=account since the 1st of the month, as `skyport usage --by account` asks."""
    stored = load(benchmark, 100_000, 1_000)
    fill(home, stored)
    month = dt.datetime.now(dt.UTC).replace(day=1, hour=0, minute=0, second=0, microsecond=0).isoformat()
    with running_daemon(home, tmp_path / "daemon.log") as daemon, http(daemon) as client:
        reads = []
        for _ in range(20):  # the baseline: a request that reads no jobs
            start = time.perf_counter()
            client.get("/user/flavor").raise_for_status()
            reads.append(time.perf_counter() - start)
        query = {"by": "account", "since": month}
        response = benchmark.pedantic(client.get, args=("/user/usage/totals",), kwargs={"params": query}, rounds=20)
        response.raise_for_status()
        totals = response.json()
        assert {t["key"] for t in totals} <= set(ACCOUNTS)
        assert sum(t["jobs"] for t in totals) > 0
        each = 0.5 * 60 / 3600  # a minute at 0.5 per node-hour; each total is rounded to 6 decimals
        assert sum(t["cost"] for t in totals) == pytest.approx(sum(t["jobs"] for t in totals) * each, abs=1e-5)
        benchmark.extra_info["stored_jobs"] = stored
        benchmark.extra_info["jobs_this_month"] = sum(t["jobs"] for t in totals)
        benchmark.extra_info["flavor_read_median_ms"] = round(statistics.median(reads) * 1000, 2)
        if benchmark.stats is not None:
            benchmark.extra_info["totals_median_ms"] = round(benchmark.stats.stats.median * 1000, 2)
