"""Soak: the daemon is SIGKILLed again and again while jobs go through; no job is lost or run twice.

Bounded by default (CI): 60 jobs, 4 kills. ``SKYPORT_SOAK_JOBS`` and ``SKYPORT_SOAK_KILLS`` make it
longer, e.g. ``SKYPORT_SOAK_JOBS=1000 SKYPORT_SOAK_KILLS=30 pytest -m slow tests/e2e/test_crash_soak.py``.
"""

from __future__ import annotations

import collections
import os
import random
import time

import pytest
from skyport_client import Client
from skyport_client.api.jobs import download_job_file, list_jobs, submit_job

from tests.conftest import Daemon

pytestmark = pytest.mark.slow

JOBS = int(os.environ.get("SKYPORT_SOAK_JOBS", "60"))
KILLS = int(os.environ.get("SKYPORT_SOAK_KILLS", "4"))


def submit_all(daemon: Daemon, script: bytes, count: int) -> list[str]:
    with Client(daemon.url, ssl_context=daemon.ssl_context()) as client:
        return [submit_job.sync(client=client, script_content=script).decode() for _ in range(count)]


def states(daemon: Daemon) -> dict[str, str]:
    with Client(daemon.url, ssl_context=daemon.ssl_context()) as client:
        return {job.id: str(job.state) for job in list_jobs.sync(client=client, limit=10_000)}


def runs(daemon: Daemon, job_ids: list[str]) -> collections.Counter[str]:
    """How many times each job ran: each run appended a line to the runs.txt of its own work folder."""
    with Client(daemon.url, ssl_context=daemon.ssl_context()) as client:
        return collections.Counter(
            {
                job_id: len(download_job_file.sync(client=client, job_id=job_id, name="runs.txt").split())
                for job_id in job_ids
            }
        )


def test_no_job_is_lost_or_run_twice_across_repeated_kills(daemon: Daemon) -> None:
    # A sandboxed job may write only in its own work folder: a second run appends a second line.
    script = b'#!/bin/sh\n#SWM output runs.txt\nsleep 0.$(( $$ % 5 ))\necho "$SKYPORT_JOB_ID" >> runs.txt\n'
    chooser = random.Random(20261124)  # the same kill moments on every run of the test
    submitted: list[str] = []
    per_round = -(-JOBS // (KILLS + 1))
    for _ in range(KILLS):
        submitted += submit_all(daemon, script, per_round)
        time.sleep(chooser.uniform(0.0, 1.5))
        daemon.kill()
        daemon.start()
    submitted += submit_all(daemon, script, JOBS - len(submitted))

    deadline = time.monotonic() + 60 + JOBS
    while not set((seen := states(daemon)).values()) <= set("FEC"):
        assert time.monotonic() < deadline, collections.Counter(seen.values())
        time.sleep(0.2)

    assert sorted(seen) == sorted(submitted), "a job was lost"
    assert collections.Counter(seen.values()) == {"F": len(submitted)}
    ran = runs(daemon, submitted)
    assert set(ran) == set(submitted)
    assert [job for job, times in ran.items() if times > 1] == [], "a job ran twice"
