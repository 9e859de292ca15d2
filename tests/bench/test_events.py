"""The event stream's fan-out: what handing one written event to the open streams costs, in one process.

Run with numbers: ``.venv/bin/pytest tests/bench/test_events.py --benchmark-enable``. Without
``--benchmark-enable`` (the default test run) it runs once, as a smoke test. The hub keeps streams
by the user whose events they want, so a write costs the same however many streams other users
hold open; the store is not read per stream at all (the hub has no store to read).
"""

from __future__ import annotations

import asyncio
import statistics
import time

from pytest_benchmark.fixture import BenchmarkFixture

from skyport.jobs.events import EventHub, JobEvent
from skyport.jobs.states import JobState

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
