"""One job's absurd numbers cannot break a plan: it is set aside or planned within bounds, the others are planned."""

from __future__ import annotations

import time

from skyport import scheduler
from skyport.core.views import timestamp
from skyport.scheduler import JobDemand, Snapshot
from skyport.scheduler.inputs import MAX_COUNT
from skyport.scheduler.timetable import clock

from .strategies import NOW
from .test_rules import AWS, job, node


def test_a_job_the_kernel_cannot_hold_is_set_aside_and_the_others_are_planned() -> None:
    jobs = (
        job("huge-cpus", cpus=2**70),
        job("huge-nodes", nodes=2**60),
        job("negative-time", time_limit=-1),
        job("nan-price", max_price=float("nan")),
        job("fine"),
    )
    table = scheduler.plan(Snapshot(NOW, jobs, (node("p1:0"),), (AWS,)))
    fine = table.for_job("fine")
    assert fine is not None and fine.starts_now(NOW)
    for job_id, words in (
        ("huge-cpus", f"cpus={2**70}"),
        ("huge-nodes", f"1 to {MAX_COUNT}"),
        ("negative-time", "below 0"),
        ("nan-price", "not a finite number"),
    ):
        placement = table.for_job(job_id)
        assert placement is not None and not placement.placed
        assert placement.reason.startswith("set aside: ") and words in placement.reason, placement.reason


def test_a_time_limit_beyond_a_century_is_planned_as_a_century() -> None:
    forever = JobDemand("forever", "ann", NOW - 60, cpus=4, time_limit=10**320)
    table = scheduler.plan(Snapshot(NOW, (forever, job("next", cpus=4)), (node("p1:0"),), ()))
    first, second = table.for_job("forever"), table.for_job("next")
    assert first is not None and first.starts_now(NOW)
    assert second is not None and second.start_time == NOW + scheduler.MAX_DURATION


def test_a_gang_of_more_nodes_than_any_partition_takes_no_room_in_the_plan() -> None:
    table = scheduler.plan(Snapshot(NOW, (job("gang", nodes=10**12), job("fine")), (node("p1:0"),), (AWS,)))
    gang = table.for_job("gang")
    assert gang is not None and not gang.placed and "quotas allow at most 4" in gang.reason


def test_times_past_the_year_9999_are_shown_as_its_end() -> None:
    far = time.time() + 3_000_000 * 86400.0
    assert timestamp(far) == "9999-12-31T23:59:59Z"
    assert timestamp(1e300) == "9999-12-31T23:59:59Z"
    assert clock(far, time.time()).startswith("99")
