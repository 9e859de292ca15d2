"""What a local job can reach, each test written as the attack it stops: real bubblewrap, real processes.

The tests run as root (here and in CI), so jobs run as the Unix accounts their users map to;
where a check needs root or cgroups and they are missing, the test skips saying so.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import httpx
import pytest
from local_gate_support import POLL_TIMEOUT, served_gate, wait_for, wait_for_output

from tests.processes import marked_sleep, sleeping

OCTET = {"Content-Type": "application/octet-stream"}
Serve = Callable[..., AbstractContextManager[httpx.Client]]  # served(**settings) -> a gate client
needs_root = pytest.mark.skipif(
    os.geteuid() != 0, reason="jobs run as their users' accounts only when the gate is root"
)


def start(gate: httpx.Client, job_id: str, script: str, **fields: object) -> None:
    response = gate.post("/jobs", json={"id": job_id, "partition_id": "p1", "script": script, **fields})
    assert response.status_code == 201, response.text


def run(gate: httpx.Client, job_id: str, script: str, **fields: object) -> tuple[dict[str, Any], str]:
    """Run a job to its end; its final record and its stdout and stderr together."""
    start(gate, job_id, script, **fields)
    job = wait_for(gate, job_id, "finished", "failed")
    return job, gate.get(f"/jobs/{job_id}/stdout").text + gate.get(f"/jobs/{job_id}/stderr").text


def limits(gate: httpx.Client) -> str:
    limit: str = gate.get("/site").json()["isolation"]["limits"]
    return limit


@pytest.fixture
def served(site_settings: dict[str, Any]) -> Serve:
    """``with served(users={...}) as gate``: the local gate with these settings on top of the site's."""
    return lambda **extra: served_gate({**site_settings, **extra})


def test_a_job_cannot_read_another_jobs_folder_or_the_gates_state(gate: httpx.Client, state_dir: Path) -> None:
    gate.put("/jobs/j1/inputs/secret.txt", content=b"alice's data", headers=OCTET).raise_for_status()
    start(gate, "j1", "echo ready; exec sleep 60")
    wait_for_output(gate, "j1", b"ready\n")
    other = state_dir / "jobs" / "j1" / "work" / "secret.txt"
    job, output = run(gate, "j2", f"cat {other}; ls {state_dir}; cat {state_dir}/jobs/j1/job.json")
    assert job["exitcode"] != 0
    assert "alice's data" not in output
    assert "No such file or directory" in output


@needs_root
def test_a_home_under_a_system_folder_is_hidden_too(
    served: Serve,
) -> None:
    home = Path(tempfile.mkdtemp(prefix="skyport-home-", dir="/opt"))  # /opt is shown to jobs read-only
    (home / "ca-key.pem").write_text("PRIVATE KEY")
    (home / "ca-key.pem").chmod(0o644)
    try:
        with served(state_dir=str(home / "sites" / "local")) as gate:
            _, output = run(gate, "j1", f"cat {home}/ca-key.pem; ls /opt")
    finally:
        shutil.rmtree(home)
    assert "PRIVATE KEY" not in output
    assert f"{home}/ca-key.pem: No such file or directory" in output


def test_the_gates_environment_does_not_reach_the_job(gate: httpx.Client, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "the-gate-s-secret")
    _, output = run(gate, "j1", "env", env={"ASKED": "yes"}, name="printenv")
    names = {line.split("=", 1)[0] for line in output.splitlines()}
    assert "the-gate-s-secret" not in output
    assert {"PATH", "HOME", "LANG", "TMPDIR", "SKYPORT_JOB_ID", "SKYPORT_JOB_NAME", "SWM_JOBID", "ASKED"} <= names
    assert "SKYPORT_JOB_NAME=printenv" in output


def test_the_job_has_its_own_tmp_and_sees_the_system_read_only(gate: httpx.Client) -> None:
    marker = Path("/tmp") / f"skyport-test-{os.getpid()}"
    marker.write_text("the host's /tmp")
    try:
        _, output = run(gate, "j1", f"cat {marker}; touch /usr/escape; echo private > /tmp/x; cat /tmp/x")
    finally:
        marker.unlink()
    assert "the host's /tmp" not in output
    assert "Read-only file system" in output or "Permission denied" in output
    assert "private" in output.splitlines()
    assert not Path("/usr/escape").exists()


def test_read_only_folders_are_seen_and_cannot_be_changed(
    served: Serve,
) -> None:
    shared = Path(tempfile.mkdtemp(prefix="skyport-shared-"))
    shared.chmod(0o755)  # the jobs' accounts still need the permissions to read it
    (shared / "data.txt").write_text("shared data")
    (shared / "data.txt").chmod(0o644)
    try:
        with served(read_only=[str(shared)]) as gate:
            _, output = run(gate, "j1", f"cat {shared}/data.txt; echo; rm {shared}/data.txt")
    finally:
        shutil.rmtree(shared)
    assert output.startswith("shared data\n")
    assert "Read-only file system" in output or "Permission denied" in output


def test_cancel_ends_every_process_of_the_job_setsid_or_not(gate: httpx.Client) -> None:
    detached, child = marked_sleep(), marked_sleep()
    start(gate, "j1", f"setsid sleep {detached} & sleep {child} & echo started; wait")
    wait_for_output(gate, "j1", b"started\n")
    assert {detached, child} <= sleeping()
    gate.delete("/jobs/j1").raise_for_status()
    deadline = time.monotonic() + POLL_TIMEOUT
    while sleeping() & {detached, child} and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not sleeping() & {detached, child}


def test_taskset_cannot_widen_the_cpus_of_a_job(gate: httpx.Client) -> None:
    if not limits(gate).startswith("cgroup"):
        pytest.skip("the gate cannot create cgroups here, so a job's CPU pinning is only an affinity it can undo")
    if len(os.sched_getaffinity(0)) < 2:
        pytest.skip("needs 2 CPUs to widen a 1-CPU job to")
    everything = ",".join(str(cpu) for cpu in sorted(os.sched_getaffinity(0)))
    _, output = run(gate, "j1", f"taskset -cp {everything} $$ >/dev/null; grep Cpus_allowed_list /proc/self/status")
    assert len(output.split()[-1].split(",")) == 1 and "-" not in output.split()[-1]


def test_a_job_past_its_memory_is_failed_saying_so(gate: httpx.Client) -> None:
    if not limits(gate).startswith("cgroup"):
        pytest.skip("the gate cannot create cgroups here; RLIMIT_AS is tested instead")
    job, _ = run(gate, "j1", "#!/usr/bin/env python3\nblock = b'x' * (512 * 1024 * 1024)\n", mem=64)
    assert (job["state"], job["state_details"]) == ("failed", "out of memory: the job used more than 64 MiB")


def test_without_cgroups_the_address_space_limit_stops_a_job(gate: httpx.Client) -> None:
    if limits(gate) != "rlimits":
        pytest.skip("the gate uses cgroups here; the memory cgroup is tested instead")
    job, output = run(gate, "j1", "#!/usr/bin/env python3\nblock = bytearray(512 * 1024 * 1024)\n", mem=64)
    assert job["exitcode"] != 0
    assert "MemoryError" in output


def test_the_process_count_is_capped(served: Serve) -> None:
    with served(max_processes=20) as gate:
        if not limits(gate).startswith("cgroup"):
            pytest.skip("the gate cannot create cgroups here, so there is no process cap")
        _, output = run(gate, "j1", "for i in $(seq 40); do sleep 5 & done 2>&1; echo forked")
    assert "fork" in output.lower() or "resource temporarily unavailable" in output.lower()


@needs_root
def test_a_job_runs_as_the_unix_account_its_user_maps_to(
    served: Serve,
) -> None:
    with served(users={"alice": "nobody"}) as gate:
        _, output = run(gate, "j1", "id -un; echo $SKYPORT_USER; ls -ld . | cut -d' ' -f3", owner="alice")
        assert gate.get("/users/alice").json() == {"name": "alice", "run_as": "nobody"}
    assert output.split() == ["nobody", "alice", "nobody"]


@needs_root
def test_a_user_without_a_unix_account_is_404_naming_the_fix(gate: httpx.Client) -> None:
    response = gate.get("/users/nobody-here-xyz")
    assert response.status_code == 404
    detail = response.json()["detail"]
    assert "users:" in detail and "create Unix user 'nobody-here-xyz'" in detail


@needs_root
def test_a_job_of_a_user_without_a_unix_account_fails_saying_why(gate: httpx.Client) -> None:
    start(gate, "j1", "true", owner="nobody-here-xyz")
    job = wait_for(gate, "j1", "failed")
    assert "has no Unix account" in job["state_details"]


def test_without_bubblewrap_the_gate_says_how_to_fix_it_and_starts_nothing(
    served: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # a PATH without bwrap: the machine as it is before apt-get
    with served() as gate:
        isolation = gate.get("/site").json()["isolation"]
        response = gate.post("/jobs", json={"id": "j1", "partition_id": "p1", "script": "true"})
    assert isolation["sandbox"] == "unavailable"
    assert response.status_code == 409
    for words in ("apt-get install bubblewrap", "sandbox: none"):
        assert words in isolation["details"] and words in response.json()["detail"]


def test_sandbox_none_is_the_operators_explicit_choice(served: Serve, monkeypatch: pytest.MonkeyPatch) -> None:
    """Under the daemon's umask (077), as the gate runs in a real daemon: the folders the gate makes
    let nobody else through, so it must open the way to the job's folder itself (the test failed
    when an earlier test in the same worker had run `skyport init` in-process, which sets it)."""
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "the-gate-s-secret")
    # Unsandboxed, the job's account must reach its folder on the host: a state dir all may traverse.
    state_dir = Path(tempfile.mkdtemp(prefix="skyport-unsandboxed-"))
    state_dir.chmod(0o755)
    (state_dir / "visible.txt").write_text("the host")
    (state_dir / "visible.txt").chmod(0o644)
    umask = os.umask(0o077)
    try:
        with served(sandbox="none", state_dir=str(state_dir / "state")) as gate:
            assert gate.get("/site").json()["isolation"]["sandbox"] == "none"
            job, output = run(gate, "j1", f"cat {state_dir}/visible.txt; echo; echo ${{AWS_SECRET_ACCESS_KEY:-unset}}")
    finally:
        os.umask(umask)
        shutil.rmtree(state_dir)
    assert (job["exitcode"], output.split()) == (0, ["the", "host", "unset"])
