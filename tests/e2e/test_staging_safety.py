"""Staging back is safe: a job cannot make the daemon copy what is not its own, nor swell its memory.

Each test is an attack a job can try with its declared outputs and its logs, through a real daemon
over mutual TLS with the local gate in it: links to files it must not read, and an output and a
standard output far larger than memory should hold.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml
from skyport_client import Client
from skyport_client.api.jobs import download_job_file, job_stdout, list_job_files
from skyport_client.errors import ApiError

from tests.conftest import Daemon, running_daemon
from tests.e2e.test_cli import skyport
from tests.e2e.test_jobs import submit, wait_for

GiB = 1024**3
MiB = 1024**2


def test_outputs_linked_to_etc_shadow_or_another_jobs_folder_are_refused_and_named(
    daemon: Daemon, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    victim = submit(client, "#!/bin/sh\n#SWM input secret.txt\ntrue\n", [("secret.txt", b"the other job's secret\n")])
    wait_for(client, victim)
    victim_folder = daemon.home / "jobs" / victim
    script = (
        "#!/bin/sh\n#SWM output out.txt\n#SWM output other.txt\n#SWM output kept.txt\n"
        f"ln -s /etc/shadow out.txt\nln -s {victim_folder}/inputs/secret.txt other.txt\necho kept > kept.txt\n"
    )
    job_id = submit(client, script)
    job = wait_for(client, job_id)

    assert job["state"] == "F", job
    details = str(job["state_details"])
    assert "output out.txt refused: it is a symbolic link" in details
    assert "output other.txt refused: it is a symbolic link" in details
    for name in ("out.txt", "other.txt"):
        with pytest.raises(ApiError) as refused:
            download_job_file.sync(client=client, job_id=job_id, name=name)
        assert refused.value.status_code == 404
    assert download_job_file.sync(client=client, job_id=job_id, name="kept.txt") == b"kept\n"
    assert not (daemon.home / "jobs" / job_id / "outputs" / "out.txt").exists()
    monkeypatch.setenv("COLUMNS", "300")
    assert "output out.txt refused: it is a symbolic link" in skyport(daemon, "show", job_id).stdout


def _memory_kib(pid: int, field: str) -> int:
    """``VmRSS`` (now) or ``VmHWM`` (the peak so far) of a process, in KiB, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise AssertionError(f"/proc/{pid}/status has no {field}")


def test_a_1_gib_sparse_output_and_500_mb_of_stdout_stream_back_in_flat_memory(home: Path, tmp_path: Path) -> None:
    config = yaml.safe_load((home / "config.yaml").read_text())
    (home / "config.yaml").write_text(yaml.safe_dump({**config, "max_output": 2 * GiB}))
    with (
        running_daemon(home, tmp_path / "daemon.log") as daemon,
        Client(daemon.url, ssl_context=daemon.ssl_context(), timeout=120) as client,
    ):
        assert daemon.process is not None
        pid = daemon.process.pid
        before = _memory_kib(pid, "VmHWM")
        script = "#!/bin/sh\n#SWM output out.bin\ntruncate -s 1G out.bin\nhead -c 500000000 /dev/zero\n"
        job_id = submit(client, script)
        job = wait_for(client, job_id, timeout=300)
        peak = _memory_kib(pid, "VmHWM")

        assert job["state"] == "F", job
        files = {f.name: f.size for f in list_job_files.sync(client=client, job_id=job_id)}
        assert files == {"out.bin": GiB}
        assert (daemon.home / "jobs" / job_id / "stdout").stat().st_size == 500_000_000
        assert (peak - before) * 1024 < 100 * MiB, f"staging took the daemon from {before} KiB to {peak} KiB"


def test_an_output_over_max_output_is_refused_the_others_kept_and_stdout_cut(home: Path, tmp_path: Path) -> None:
    config = yaml.safe_load((home / "config.yaml").read_text())
    (home / "config.yaml").write_text(yaml.safe_dump({**config, "max_output": 1000}))
    script = (
        "#!/bin/sh\n#SWM output small.txt\n#SWM output big.bin\n#SWM output last.txt\n"
        "echo small > small.txt\nhead -c 5000 /dev/zero > big.bin\necho last > last.txt\nhead -c 5000 /dev/zero\n"
    )
    with (
        running_daemon(home, tmp_path / "daemon.log") as daemon,
        Client(daemon.url, ssl_context=daemon.ssl_context()) as client,
    ):
        job_id = submit(client, script)
        job = wait_for(client, job_id)

        assert job["state"] == "F", job
        assert "output big.bin refused: it is larger than max_output allows (1000 bytes" in str(job["state_details"])
        assert "stdout cut at max_output (1000 bytes)" in str(job["state_details"])
        assert job_stdout.sync(client=client, job_id=job_id) == b"\0" * 1000
        files = {f.name: f.size for f in list_job_files.sync(client=client, job_id=job_id)}
        assert files == {"small.txt": 6, "last.txt": 5}
        assert not [p for p in os.listdir(daemon.home / "jobs" / job_id / "outputs") if p.startswith(".tmp-")]
