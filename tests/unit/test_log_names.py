"""`#SBATCH -o/-e` name the files `skyport fetch` writes a job's logs to: never a path out of --dest."""

from __future__ import annotations

import pytest

from skyport.cli.jobs import _log_name
from skyport.jobs.record import Job
from skyport.jobs.script import parse


@pytest.mark.parametrize("pattern", ["../../etc/cron.d/evil-%j", "/root/.ssh/authorized_keys", "a/../../b"])
def test_an_output_pattern_with_a_path_keeps_only_its_last_part(pattern: str) -> None:
    request = parse(f"#!/bin/sh\n#SBATCH -o {pattern}\ntrue\n")
    job = Job(id="1234", owner="alice", script="", request=request, submit_time=0.0)
    name = job.log_file("stdout")
    assert name is not None and "/" not in name and name not in ("", ".", "..")


@pytest.mark.parametrize("given", ["..", ".", "", "../x/..", "/"])
def test_fetch_writes_a_log_the_daemon_names_oddly_under_the_job_s_id(given: str) -> None:
    """The CLI does not trust the name it is given: it keeps a plain file name or falls back."""
    assert _log_name({"id": "1234", "stdout_file": given}, "stdout") == "1234.out"
    assert _log_name({"id": "1234", "stderr_file": "../../x.err"}, "stderr") == "x.err"
