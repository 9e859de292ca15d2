"""What the metrics cost: a scrape of a core holding many active jobs against the store read it
avoids, and the hooks one submission runs against the store insert it makes anyway.

Run with numbers: ``.venv/bin/pytest tests/bench/test_metrics.py --benchmark-enable``. Without
``--benchmark-enable`` (the default test run) the core holds 100 jobs, as a smoke test;
``SKYPORT_BENCH_METRICS_JOBS`` sets how many it holds when measuring (default 10,000).
"""

from __future__ import annotations

import dataclasses
import os
import statistics
import time
from pathlib import Path

from pytest_benchmark.fixture import BenchmarkFixture

from skyport.accounting.service import AccountService
from skyport.config import Settings
from skyport.core.loop import Loop
from skyport.core.metrics import Metrics
from skyport.jobs.events import EventHub
from skyport.jobs.files import JobFiles
from skyport.jobs.record import Job
from skyport.jobs.script import JobRequest
from skyport.jobs.service import JobService
from skyport.sites.registry import SiteRegistry
from skyport.store import Store
from skyport.store import jobs as job_queries

from .test_throughput import load

JOBS = int(os.environ.get("SKYPORT_BENCH_METRICS_JOBS", "10000"))


def test_a_scrape_of_many_active_jobs_against_the_store_read_it_avoids(
    benchmark: BenchmarkFixture, tmp_path: Path
) -> None:
    """Median scrape of the metrics of a core holding JOBS queued jobs (the real job service, loop and
    store, with no site), against one read of the active jobs from its SQLite store: the scan a
    scrape does not make."""
    jobs = load(benchmark, JOBS, 100)
    store = Store(f"sqlite:///{tmp_path / 'skyport.db'}")
    job = Job(id="job", owner="alice", script="#!/bin/sh\ntrue\n", request=JobRequest(), submit_time=time.time())
    store.call(job_queries.insert_jobs, [dataclasses.replace(job, id=f"job-{index}") for index in range(jobs)])
    settings = Settings(home=tmp_path, sites=())
    sites = SiteRegistry(settings)
    accounts = AccountService(store, owner="alice")
    limits = {"max_upload": 1, "max_time_limit": 1, "default_time_limit": 1}
    service = JobService(store, JobFiles(tmp_path / "jobs"), sites, accounts, EventHub(1), owner="alice", **limits)
    metrics = Metrics(owner="alice")
    metrics.attach(store, sites, service, Loop(settings, service, sites))
    start = time.perf_counter()
    store.call(job_queries.active_jobs)
    scan = time.perf_counter() - start
    store.close()
    text = benchmark.pedantic(metrics.exposition, args=("alice",), rounds=20, warmup_rounds=1)
    assert f'skyport_jobs{{site="",state="Q"}} {float(jobs)}'.encode() in text
    if benchmark.stats is not None:
        scrape = benchmark.stats.stats.median
        benchmark.extra_info["active_jobs"] = jobs
        benchmark.extra_info["scrape_median_ms"] = round(scrape * 1000, 3)
        benchmark.extra_info["store_scan_ms"] = round(scan * 1000, 3)
        benchmark.extra_info["scrape_to_scan_ratio"] = round(scrape / scan, 3)


def test_the_hooks_of_one_submission_against_its_store_insert(benchmark: BenchmarkFixture, tmp_path: Path) -> None:
    """The metrics' share of a submission: the two hooks it runs (its store transaction timed, the new job
    counted), against the one insert of the job into a SQLite store that every submission makes."""
    store = Store(f"sqlite:///{tmp_path / 'skyport.db'}")
    metrics = Metrics(owner="alice")
    job = Job(id="job", owner="alice", script="#!/bin/sh\ntrue\n", request=JobRequest(), submit_time=time.time())
    inserts = []
    for index in range(200):
        start = time.perf_counter()
        store.call(job_queries.insert_jobs, [dataclasses.replace(job, id=f"job-{index}")])
        inserts.append(time.perf_counter() - start)
    store.close()

    def hooks() -> None:
        metrics.store_time_of("insert_jobs", 0.001)
        metrics.job_changed(None, job)

    benchmark.pedantic(hooks, rounds=200, iterations=100)
    if benchmark.stats is not None:
        per_submission = benchmark.stats.stats.median
        benchmark.extra_info["hooks_us"] = round(per_submission * 1e6, 2)
        benchmark.extra_info["insert_us"] = round(statistics.median(inserts) * 1e6, 1)
        benchmark.extra_info["hooks_to_insert_ratio"] = round(per_submission / statistics.median(inserts), 5)
