"""The event stream's fan-out: what handing one written event to the open streams costs, in one process.

Run with numbers: ``.venv/bin/pytest tests/bench/test_events.py --benchmark-enable``. Without
``--benchmark-enable`` (the default test run) it runs once, as a smoke test. The hub keeps streams
by the user whose events they want, so a write costs the same however many streams other users
hold open; the store is not read per stream at all (the hub has no store to read).
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import statistics
import time
from pathlib import Path

from pytest_benchmark.fixture import BenchmarkFixture

from skyport.accounting.service import AccountService
from skyport.config import Settings
from skyport.jobs.events import EventHub, JobEvent
from skyport.jobs.files import JobFiles
from skyport.jobs.record import Job
from skyport.jobs.script import JobRequest
from skyport.jobs.service import REASONS_PER_PASS, JobService
from skyport.jobs.states import JobState
from skyport.sites.registry import SiteRegistry
from skyport.store import Store
from skyport.store import jobs as job_queries

from .test_throughput import load

EVENT = JobEvent(1, "job", "alice", 0.0, JobState.QUEUED, JobState.RUNNING, "running on local", {"name": "job"})


def _hub(others: int, own: int) -> EventHub:
    """A hub with ``others`` streams of other users and ``own`` of alice's."""
    hub = EventHub(max_streams=own + 1)
    for index in range(others):
        hub.open(f"user{index}", f"user{index}")
    for _ in range(own):
        hub.open("alice", "alice")
    return hub


def _publish_seconds(hub: EventHub, rounds: int) -> float:
    """Median seconds of one publish of one event."""
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        hub.publish([EVENT])
        times.append(time.perf_counter() - start)
    for stream in hub.streams():
        while not stream.queue.empty():
            stream.queue.get_nowait()
    return statistics.median(times)


def test_an_event_costs_the_same_with_10000_streams_of_other_users_open(benchmark: BenchmarkFixture) -> None:
    """``extra_info``: the median publish with no stream, with 10,000 of other users and with 8 of the
    event's owner, in microseconds, and the ratio of the 10,000 to none."""

    async def measure() -> dict[str, float]:
        rounds = 2000 if benchmark.enabled else 1
        lone, crowded, watched = _hub(0, 1), _hub(10000, 1), _hub(0, 8)
        medians = {"one_stream": [], "one_stream_and_10000_others": [], "eight_streams_of_alice": []}
        for _ in range(5):  # interleaved, so load on the machine hits all three alike
            medians["one_stream"].append(_publish_seconds(lone, rounds))
            medians["one_stream_and_10000_others"].append(_publish_seconds(crowded, rounds))
            medians["eight_streams_of_alice"].append(_publish_seconds(watched, rounds))
        benchmark.pedantic(crowded.publish, args=([EVENT],), rounds=rounds)
        return {key: statistics.median(values) for key, values in medians.items()}

    found = asyncio.run(measure())
    for key, seconds in found.items():
        benchmark.extra_info[f"{key}_us"] = round(seconds * 1e6, 3)
    ratio = found["one_stream_and_10000_others"] / found["one_stream"]
    benchmark.extra_info["10000_others_to_none_ratio"] = round(ratio, 3)


def test_a_pass_that_finds_every_queued_job_s_reason_unchanged_writes_nothing(
    benchmark: BenchmarkFixture, tmp_path: Path
) -> None:
    """Reason events of JOBS queued jobs (the real job service on a SQLite store): the first pass records
    at most REASONS_PER_PASS of them in one insert, a pass whose reasons are all as before records
    none. ``extra_info``: the milliseconds of each, and of a pass where every reason changed."""
    jobs = load(benchmark, int(os.environ.get("SKYPORT_BENCH_REASON_JOBS", "10000")), 100)
    store = Store(f"sqlite:///{tmp_path / 'skyport.db'}")
    job = Job(id="job", owner="alice", script="#!/bin/sh\ntrue\n", request=JobRequest(), submit_time=time.time())
    store.call(job_queries.insert_jobs, [dataclasses.replace(job, id=f"job-{index}") for index in range(jobs)])
    settings = Settings(home=tmp_path, sites=())
    limits = {"max_upload": 1, "max_time_limit": 1, "default_time_limit": 1}
    service = JobService(
        store,
        JobFiles(tmp_path / "jobs"),
        SiteRegistry(settings),
        AccountService(store, owner="alice"),
        EventHub(1),
        owner="alice",
        **limits,
    )
    waiting = {f"job-{index}": "waiting for 1 cpu; next free at 12:00 on local/vm (reserved)" for index in range(jobs)}
    moved = {key: reason.replace("12:00", "12:01") for key, reason in waiting.items()}

    async def measure() -> dict[str, float]:
        took = {}
        for name, reasons in (("first_pass", waiting), ("changed_pass", moved)):
            start = time.perf_counter()
            written = await service.tell_reasons(reasons)
            took[f"{name}_ms"] = (time.perf_counter() - start) * 1000
            assert written == min(jobs, REASONS_PER_PASS)
        while await service.tell_reasons(moved):  # the rest of the changed reasons, a pass at a time
            pass
        start = time.perf_counter()
        assert await service.tell_reasons(moved) == 0
        took["unchanged_pass_ms"] = (time.perf_counter() - start) * 1000
        return took

    found = asyncio.run(measure())
    benchmark.pedantic(lambda: asyncio.run(service.tell_reasons(moved)), rounds=5 if benchmark.enabled else 1)
    store.close()
    benchmark.extra_info.update({key: round(value, 3) for key, value in found.items()})
    benchmark.extra_info["queued_jobs"] = jobs
