"""The throttle of a job array: which pending tasks the loop hands to the scheduler, and why the others wait."""

from __future__ import annotations

import uuid

from skyport.core.loop import _throttle
from skyport.jobs.record import Job
from skyport.jobs.script import JobRequest
from skyport.jobs.states import JobState
from tests.unit.scheduler.test_reasons import REASONS


def task(array_id: str, number: int, state: str, array: str) -> Job:
    return Job(
        id=str(uuid.uuid4()),
        owner="alice",
        script="#!/bin/sh\ntrue\n",
        request=JobRequest(array=array),
        submit_time=1000.0 + number,
        state=JobState(state),
        array_id=array_id,
        array_task=number,
    )


def test_a_throttled_array_sends_only_what_makes_up_its_limit_lowest_tasks_first() -> None:
    throttled, free = str(uuid.uuid4()), str(uuid.uuid4())
    tasks = [task(throttled, n, state, "1-6%3") for n, state in zip(range(1, 7), "RQQWQQ", strict=True)]
    others = [task(free, n, "Q", "1-3") for n in (1, 2, 3)]
    single = Job(id=str(uuid.uuid4()), owner="alice", script="", request=JobRequest(), submit_time=0.0)
    jobs = [*reversed(tasks), *others, single]
    pending = [job for job in jobs if job.state in (JobState.QUEUED, JobState.WAITING)]
    ready, held = _throttle(pending, jobs)
    # R and W count as started: 2 of 3, so one queued task (the lowest, 2) joins the waiting one (4).
    assert {job.id for job in ready} == {tasks[1].id, tasks[3].id, *(o.id for o in others), single.id}
    assert [p.job_id for p in held] == [tasks[2].id, tasks[4].id, tasks[5].id]
    for placement in held:
        match = REASONS["array-throttle"].fullmatch(placement.reason)
        assert match is not None and not placement.placed, placement.reason
        assert match.groupdict() == {"limit": "3", "running": "2"}


def test_without_a_throttle_every_pending_job_goes_to_the_scheduler_unchanged() -> None:
    array_id = str(uuid.uuid4())
    jobs = [task(array_id, n, "Q", "0-9") for n in range(10)]
    assert _throttle(jobs, jobs) == (jobs, [])
