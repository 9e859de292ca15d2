"""A local gate killed with SIGKILL and started again adopts the jobs its predecessor started."""

from __future__ import annotations

import os
import signal

from local_gate_support import GateProcess, wait_for, wait_until_gone


def test_a_restarted_gate_picks_up_a_running_job_and_its_final_status(gate_process: GateProcess) -> None:
    client = gate_process.start()
    client.post("/partitions", json={"id": "p1", "flavor": "local", "count": 1}).raise_for_status()
    script = "echo started; while [ ! -e release ]; do sleep 0.05; done; echo done > out.txt; exit 4"
    job = {"id": "j1", "partition_id": "p1", "script": script, "outputs": ["out.txt"]}
    client.post("/jobs", json=job).raise_for_status()
    wait_for(client, "j1", "running")
    gate_process.kill()
    client.close()

    client = gate_process.start()
    assert client.get("/jobs/j1").json()["state"] == "running"
    workdir = gate_process.home / "gates" / "local" / "jobs" / "j1" / "work"
    (workdir / "release").touch()
    ended = wait_for(client, "j1", "finished")
    assert ended["exitcode"] == 4
    assert client.get("/jobs/j1/outputs/out.txt").content == b"done\n"
    client.close()


def test_a_job_that_vanished_while_the_gate_was_down_is_failed_with_a_reason(gate_process: GateProcess) -> None:
    client = gate_process.start()
    client.post("/partitions", json={"id": "p1", "flavor": "local", "count": 1}).raise_for_status()
    client.post("/jobs", json={"id": "j1", "partition_id": "p1", "script": "exec sleep 300"}).raise_for_status()
    pid = int(client.get("/jobs/j1").json()["state_details"].rsplit("pid ", 1)[1].rstrip(")"))
    gate_process.kill()
    client.close()
    os.killpg(pid, signal.SIGKILL)  # the job's wrapper dies too, so no exit status is left
    assert wait_until_gone(pid)

    client = gate_process.start()
    job = client.get("/jobs/j1").json()
    assert job["state"] == "failed"
    assert job["state_details"].startswith("lost while the gate was down")
    client.close()
