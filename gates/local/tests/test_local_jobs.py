"""Jobs on the local gate, run as real processes: files, exit status, logs, limits and cancel."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from local_gate_support import POLL_TIMEOUT, served_gate, wait_for, wait_for_output
from skyport_gate_local import cgroups

OCTET = {"Content-Type": "application/octet-stream"}


def start(gate: httpx.Client, job_id: str, script: str, **fields: object) -> dict[str, object]:
    response = gate.post("/jobs", json={"id": job_id, "partition_id": "p1", "script": script, **fields})
    assert response.status_code == 201, response.text
    job: dict[str, object] = response.json()
    return job


def test_input_is_staged_in_and_output_read_back_byte_for_byte(gate: httpx.Client) -> None:
    data = bytes(range(256)) * 1000
    gate.put("/jobs/j1/inputs/data.bin", content=data, headers=OCTET).raise_for_status()
    start(gate, "j1", "#!/bin/sh\ncp data.bin result.bin\n", outputs=["result.bin", "never-written"])
    wait_for(gate, "j1", "finished")
    assert gate.get("/jobs/j1/outputs").json() == [{"name": "result.bin", "size": len(data), "kind": "output"}]
    assert gate.get("/jobs/j1/outputs/result.bin").content == data


def test_script_sees_its_job_id_and_the_requested_environment(gate: httpx.Client) -> None:
    start(gate, "j1", 'echo "$SWM_JOBID $SKYPORT_JOB_ID $GREETING"', env={"GREETING": "hello"})
    wait_for(gate, "j1", "finished")
    assert gate.get("/jobs/j1/stdout").content == b"j1 j1 hello\n"


def test_script_without_shebang_runs_with_sh_and_stderr_is_captured(gate: httpx.Client) -> None:
    start(gate, "j1", "echo oops >&2")
    wait_for(gate, "j1", "finished")
    assert gate.get("/jobs/j1/stderr").content == b"oops\n"


def test_exit_code_is_recorded(gate: httpx.Client) -> None:
    start(gate, "j1", "exit 7")
    job = wait_for(gate, "j1", "finished")
    assert (job["exitcode"], job.get("signal")) == (7, None)


def test_a_process_killed_by_a_signal_has_that_signal_and_no_exit_code(gate: httpx.Client) -> None:
    start(gate, "j1", "kill -SEGV $$")
    job = wait_for(gate, "j1", "finished")
    assert (job.get("exitcode"), job["signal"]) == (None, 11)


def test_stdout_is_readable_while_the_job_runs_from_an_offset(gate: httpx.Client) -> None:
    start(gate, "j1", "echo first; echo second; exec sleep 60")
    wait_for_output(gate, "j1", b"first\nsecond\n")
    assert gate.get("/jobs/j1").json()["state"] == "running"
    assert gate.get("/jobs/j1/stdout", params={"offset": 6}).content == b"second\n"


def test_time_limit_kills_the_job_and_says_so(gate: httpx.Client) -> None:
    start(gate, "j1", "exec sleep 60", time_limit=1)
    job = wait_for(gate, "j1", "failed")
    assert job["state_details"] == "time limit of 1 s reached"


def test_cancelled_job_records_the_signal_that_ended_it(gate: httpx.Client) -> None:
    start(gate, "j1", "echo running; exec sleep 300")
    wait_for_output(gate, "j1", b"running\n")  # a cancel before the script runs is a SIGKILL after the grace
    gate.delete("/jobs/j1").raise_for_status()
    deadline = time.monotonic() + POLL_TIMEOUT
    while gate.get("/jobs/j1").json().get("signal") is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert gate.get("/jobs/j1").json()["signal"] == 15


def test_job_is_pinned_to_cpus_of_the_site(gate: httpx.Client) -> None:
    start(gate, "j1", "grep Cpus_allowed_list /proc/self/status", cpus=1)
    wait_for(gate, "j1", "finished")
    allowed = gate.get("/jobs/j1/stdout").text.split()[-1]
    assert allowed in {str(cpu) for cpu in os.sched_getaffinity(0)}


def test_a_job_beyond_the_free_cpus_is_refused_with_409(gate: httpx.Client) -> None:
    start(gate, "j1", "exec sleep 60", cpus=2)
    response = gate.post("/jobs", json={"id": "j2", "partition_id": "p1", "script": "true"})
    assert response.status_code == 409
    assert "2 of 2 CPUs" in response.json()["detail"]


def test_starting_the_same_job_twice_answers_200_and_starts_nothing(gate: httpx.Client) -> None:
    start(gate, "j1", "echo once")
    again = gate.post("/jobs", json={"id": "j1", "partition_id": "p1", "script": "echo twice"})
    assert again.status_code == 200
    wait_for(gate, "j1", "finished")
    assert gate.get("/jobs/j1/stdout").content == b"once\n"


def test_delete_job_files_forgets_the_job_and_its_work_directory(gate: httpx.Client, state_dir: Path) -> None:
    start(gate, "j1", "echo done > out.txt", outputs=["out.txt"])
    wait_for(gate, "j1", "finished")
    assert gate.delete("/jobs/j1/files").status_code == 204
    assert gate.get("/jobs/j1").status_code == 404
    assert not (state_dir / "jobs" / "j1").exists()


def test_deleting_a_partition_cancels_its_jobs(gate: httpx.Client) -> None:
    start(gate, "j1", "exec sleep 300")
    assert gate.delete("/partitions/p1").json()["state"] == "deleted"
    assert gate.get("/jobs/j1").json()["state"] == "cancelled"


MIB = 1024 * 1024
# A process tree whose largest member holds 60 MiB: a shell that runs python, which fills a block.
FILLS_60_MIB = "#!/bin/sh\npython3 -c 'import time; block = b\"x\" * (60 * 1024 * 1024); time.sleep(0.2)'\n"


def test_an_ended_job_reports_the_largest_memory_it_held(gate: httpx.Client) -> None:
    start(gate, "j1", FILLS_60_MIB)
    job = wait_for(gate, "j1", "finished")
    assert job["exitcode"] == 0
    assert 60 * MIB <= job["max_rss"] < 200 * MIB
    start(gate, "j2", "true")
    assert wait_for(gate, "j2", "finished")["max_rss"] < 60 * MIB


def test_without_cgroups_the_largest_memory_is_unknown(
    site_settings: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The gate as it runs where cgroups cannot be written (not root, no delegation): ``cgroups.find``
    answers as it does there. wait4's maximum RSS of the wrapper counts the gate's own memory (a
    forked child holds it until exec; it read 374 MB for a 60 MB job under pytest), so the job's
    max_rss is left out (``skyport usage`` says unknown) rather than wrong."""
    monkeypatch.setattr(cgroups, "find", lambda site, state_dir: (None, "cgroups cannot be used (test)"))
    with served_gate(site_settings) as gate:
        assert gate.get("/site").json()["isolation"]["limits"] == "rlimits"
        start(gate, "j1", FILLS_60_MIB)
        job = wait_for(gate, "j1", "finished")
    assert job["exitcode"] == 0
    assert "max_rss" not in job
