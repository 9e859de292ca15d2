"""A job array of 10,000 tasks submitted in one request to a real daemon, against single submissions.

Run with numbers: ``.venv/bin/pytest tests/bench/test_arrays.py --benchmark-enable``. Without
``--benchmark-enable`` (the default test run) the array has 100 tasks, as a smoke test.
``SKYPORT_BENCH_TASKS`` sets the number of tasks (at most 10,000, the array maximum).
"""

from __future__ import annotations

import os
import statistics
import time

from pytest_benchmark.fixture import BenchmarkFixture

from skyport.jobs.script import MAX_ARRAY_TASKS
from tests.conftest import Daemon

from .test_throughput import cpu_seconds, http, load, submit

TASKS = int(os.environ.get("SKYPORT_BENCH_TASKS", str(MAX_ARRAY_TASKS)))
SINGLES = 50  # single submissions timed in the same process, the baseline


def test_an_array_of_10000_tasks_is_one_request(benchmark: BenchmarkFixture, daemon: Daemon) -> None:
    """Seconds per task of one array submission, against seconds per job of single submissions of
    the same script; a page of the listing with the tasks pending; then cancelling the whole array
    by its ID. The tasks wait behind a blocker, so
    what is measured is accepting them, not running them."""
    assert daemon.process is not None
    pid = daemon.process.pid
    tasks = load(benchmark, TASKS, 100)
    with http(daemon) as client:
        blocker = submit(client, b"#!/bin/sh\nsleep 600\n")
        single = f"#!/bin/sh\n#SWM depends {blocker}\ntrue\n".encode()
        start = time.perf_counter()
        for _ in range(SINGLES):
            submit(client, single)
        per_single = (time.perf_counter() - start) / SINGLES
        array = f"#!/bin/sh\n#SWM depends {blocker}\n#SWM array 1-{tasks}%100\ntrue\n".encode()

        def run() -> tuple[str, float, float]:
            cpu = cpu_seconds(pid)
            start = time.perf_counter()
            array_id = submit(client, array)
            return array_id, time.perf_counter() - start, cpu_seconds(pid) - cpu

        array_id, seconds, cpu = benchmark.pedantic(run, rounds=1, iterations=1)
        listed = client.get("/user/job", params={"array": array_id, "limit": 10_000})
        assert listed.status_code == 200 and len(listed.json()) == tasks
        pages = []  # a page of 100 while the loop plans around the pending tasks
        for _ in range(5):
            start = time.perf_counter()
            assert client.get("/user/job", params={"limit": 100}).status_code == 200
            pages.append(time.perf_counter() - start)
        start = time.perf_counter()
        cancelled = client.delete(f"/user/job/{array_id}")
        cancel_seconds = time.perf_counter() - start
        assert cancelled.status_code == 200 and f"{tasks} tasks cancelled" in cancelled.text
        client.delete(f"/user/job/{blocker}")
    benchmark.extra_info["tasks"] = tasks
    benchmark.extra_info["submit_seconds"] = round(seconds, 3)
    benchmark.extra_info["ms_per_task"] = round(1000 * seconds / tasks, 3)
    benchmark.extra_info["daemon_cpu_ms_per_task"] = round(1000 * cpu / tasks, 3)
    benchmark.extra_info["ms_per_single_submit"] = round(1000 * per_single, 2)
    benchmark.extra_info["single_over_task"] = round(per_single / (seconds / tasks), 1)
    benchmark.extra_info["cancel_seconds"] = round(cancel_seconds, 3)
    benchmark.extra_info["ms_per_page_of_100_after"] = round(1000 * statistics.median(pages), 1)
