"""Submit latency against a read, through a real daemon over HTTPS with mTLS (the turnaround of
trivial jobs is measured in test_throughput.py).

Run with numbers: ``.venv/bin/pytest tests/bench/test_daemon.py --benchmark-enable``. Without
``--benchmark-enable`` (the default test run) each benchmark runs once, as a smoke test.
"""

from __future__ import annotations

import time

from pytest_benchmark.fixture import BenchmarkFixture
from skyport_client import Client
from skyport_client.api.jobs import submit_job
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
