"""Scheduler speed: a full timetable at 1k and 10k pending jobs on 1,000 nodes (and 100k with
``SKYPORT_BENCH_PENDING=100000``), and the kernel against the plain-Python reference on the same input.

Run with numbers: ``.venv/bin/pytest tests/bench/test_scheduler.py --benchmark-enable``. Without
``--benchmark-enable`` (the default test run) each benchmark runs once, as a smoke test.
"""

from __future__ import annotations

import os
import statistics
import time
from collections import Counter

import pytest
from pytest_benchmark.fixture import BenchmarkFixture

from skyport import _sched, scheduler
from skyport.scheduler import inputs, timetable
from tests.unit.scheduler import reference

from .scheduler_input import snapshot

EXTRA = os.environ.get("SKYPORT_BENCH_PENDING")  # e.g. 100000: one more timetable, that large
PENDING = [1_000, 10_000, *([int(EXTRA)] if EXTRA else [])]


@pytest.mark.parametrize("jobs", PENDING, ids=[f"{n // 1000}k" for n in PENDING])
def test_full_timetable_for_pending_jobs_on_1000_nodes(benchmark: BenchmarkFixture, jobs: int) -> None:
    """snapshot -> plan() -> Timetable with reasons: packing, the kernel and decoding together."""
    big = snapshot(jobs)
    table = benchmark.pedantic(scheduler.plan, args=(big,), rounds=5 if jobs <= 10_000 else 3, warmup_rounds=1)
    assert len(table.placements) == jobs
    benchmark.extra_info["jobs"] = jobs
    benchmark.extra_info["nodes"] = len(big.nodes)
    benchmark.extra_info["flavors"] = sum(len(site.flavors) for site in big.sites)
    benchmark.extra_info["outcomes"] = dict(Counter(p.reason.split(" ")[0] for p in table.placements))


def test_kernel_against_the_reference_on_the_same_input(benchmark: BenchmarkFixture) -> None:
    """The compiled kernel's median time; ``extra_info`` has the reference's and the ratio."""
    big = snapshot(1_000) if benchmark.enabled else snapshot(200, nodes=200)  # the default test run checks, once
    packed = inputs.pack(big)
    runs = []
    for _ in range(3 if benchmark.enabled else 1):
        start = time.perf_counter()
        expected = packed.call(reference.schedule)
        runs.append(time.perf_counter() - start)
    got = benchmark.pedantic(packed.call, args=(_sched.schedule,), rounds=50, warmup_rounds=2)
    assert timetable.decode(packed, got) == timetable.decode(packed, expected)
    if benchmark.stats is not None:
        compiled = benchmark.stats.stats.median
        benchmark.extra_info["reference_median_ms"] = round(statistics.median(runs) * 1000, 2)
        benchmark.extra_info["compiled_median_ms"] = round(compiled * 1000, 3)
        benchmark.extra_info["reference_to_compiled_ratio"] = round(statistics.median(runs) / compiled, 1)
