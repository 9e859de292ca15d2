"""What the daemon's metrics count from the job changes they are told of (tests/e2e/test_metrics.py
scrapes a real daemon)."""

from __future__ import annotations

import dataclasses

import pytest
from prometheus_client.parser import text_string_to_metric_families

from skyport.core.metrics import MAX_ACCOUNTS, OTHER, Metrics
from skyport.errors import Forbidden
from skyport.jobs.record import Job
from skyport.jobs.script import JobRequest
from skyport.jobs.states import JobState
from skyport.sites.records import IdleCharge


def samples(metrics: Metrics) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    text = metrics.exposition("alice").decode()
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def ran(job: Job, state: JobState, account: str = "") -> tuple[Job, Job, Job]:
    """``job`` queued, running on site local at price 3600 from t=10, and ended in ``state`` at t=40."""
    queued = dataclasses.replace(job, account=account or job.account)
    running = dataclasses.replace(queued, state=JobState.RUNNING, site="local", price=3600.0, start_time=10.0)
    return queued, running, dataclasses.replace(running, state=state, end_time=40.0)


def tell(metrics: Metrics, *versions: Job) -> None:
    """Tell ``metrics`` of each version of a job in turn, as the job service does."""
    before = None
    for job in versions:
        metrics.job_changed(before, job)
        before = job


JOB = Job(id="j", owner="alice", script="", request=JobRequest(), submit_time=4.0, account="alice")


def test_a_job_that_ran_counts_once_submitted_started_and_ended_with_its_spend() -> None:
    metrics = Metrics(owner="alice")
    tell(metrics, *ran(JOB, JobState.FINISHED))
    got = samples(metrics)
    assert got["skyport_jobs_submitted_total", ()] == 1
    assert got["skyport_jobs_ended_total", (("site", "local"), ("state", "F"))] == 1
    assert got["skyport_job_queue_wait_seconds_sum", (("site", "local"),)] == 6.0
    assert got["skyport_job_run_seconds_sum", (("site", "local"), ("state", "F"))] == 30.0
    assert got["skyport_spend_total", (("account", "alice"), ("kind", "run"), ("site", "local"))] == 30.0


def test_a_requeued_run_is_no_new_submission_and_its_wait_and_cost_are_its_own() -> None:
    metrics = Metrics(owner="alice")
    tell(metrics, *ran(JOB, JobState.ERROR))
    again = dataclasses.replace(JOB, attempt=1, earlier_cost=30.0)  # the job's cost adds its earlier runs
    tell(metrics, *ran(again, JobState.FINISHED))  # requeued: the ended job was not active any more
    got = samples(metrics)
    assert got["skyport_jobs_submitted_total", ()] == 1
    assert got["skyport_job_queue_wait_seconds_count", (("site", "local"),)] == 1
    assert got["skyport_spend_total", (("account", "alice"), ("kind", "run"), ("site", "local"))] == 60.0


def test_an_idle_stretch_is_spend_of_its_account() -> None:
    metrics = Metrics(owner="alice")
    metrics.idle_charged(IdleCharge("p-1", "local", "alice", "physics", start_time=0.0, end_time=60.0, cost=0.5))
    got = samples(metrics)
    assert got["skyport_spend_total", (("account", "physics"), ("kind", "idle"), ("site", "local"))] == 0.5


def test_accounts_past_the_cap_are_counted_together() -> None:
    metrics = Metrics(owner="alice")
    for index in range(MAX_ACCOUNTS + 5):
        tell(metrics, *ran(dataclasses.replace(JOB, id=str(index)), JobState.FINISHED, f"a{index}"))
    spend = {labels: v for (name, labels), v in samples(metrics).items() if name == "skyport_spend_total"}
    assert len(spend) == MAX_ACCOUNTS + 1
    assert spend[("account", OTHER), ("kind", "run"), ("site", "local")] == 5 * 30.0


def test_only_the_owner_reads_them() -> None:
    with pytest.raises(Forbidden, match=r"only the daemon's owner \(alice\)"):
        Metrics(owner="alice").exposition("bob")
