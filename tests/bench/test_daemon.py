"""Submit throughput and turnaround of trivial jobs, through a real daemon over HTTPS with mTLS.

Run with numbers: ``.venv/bin/pytest tests/bench/test_daemon.py --benchmark-enable``. Without
``--benchmark-enable`` (the default test run) each benchmark runs once, as a smoke test.
"""

from __future__ import annotations

import time

from pytest_benchmark.fixture import BenchmarkFixture
from skyport_client import Client
from skyport_client.api.jobs import list_jobs, submit_job
from skyport_client.api.remotes import list_remotes

TRUE = b"#!/bin/sh\ntrue\n"


def test_submit_latency_against_a_read_in_the_same_run(benchmark: BenchmarkFixture, client: Client) -> None:
    """Median submit latency; ``extra_info`` has the ratio to a plain read on the same connection."""
    reads = []
    for _ in range(50):
        start = time.perf_counter()
        list_remotes.sync(client=client)
        reads.append(time.perf_counter() - start)
    benchmark.pedantic(lambda: submit_job.sync(client=client, script_content=TRUE), rounds=100, warmup_rounds=5)
    read_median = sorted(reads)[len(reads) // 2]
    if benchmark.stats is not None:
        submit_median = benchmark.stats.stats.median
        benchmark.extra_info["read_median_ms"] = round(read_median * 1000, 3)
        benchmark.extra_info["submit_median_ms"] = round(submit_median * 1000, 3)
        benchmark.extra_info["submit_to_read_ratio"] = round(submit_median / read_median, 2)
        benchmark.extra_info["submits_per_second"] = round(1 / benchmark.stats.stats.mean, 1)


def test_turnaround_of_200_true_jobs(benchmark: BenchmarkFixture, client: Client) -> None:
    """First submit to all 200 jobs finished, on the local gate with 2 CPUs."""

    def run_200() -> float:
        start = time.perf_counter()
        ids = {submit_job.sync(client=client, script_content=TRUE).decode() for _ in range(200)}
        while True:
            states = {job.id: job.state.value for job in list_jobs.sync(client=client, limit=1000) if job.id in ids}
            if all(state in "FEC" for state in states.values()) and len(states) == len(ids):
                break
            assert time.perf_counter() - start < 300, f"{len(states)} of 200 jobs listed: {sorted(states.values())}"
            time.sleep(0.05)
        assert set(states.values()) == {"F"}, states
        return time.perf_counter() - start

    seconds = benchmark.pedantic(run_200, rounds=1, iterations=1)
    benchmark.extra_info["seconds_for_200"] = round(seconds, 2)
    benchmark.extra_info["jobs_per_second"] = round(200 / seconds, 1)
