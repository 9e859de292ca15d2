"""Job arrays, #SBATCH -o/-e and --export through the `skyport` command and the API, against a real daemon."""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from skyport_client import Client
from skyport_client.api.jobs import cancel_job, download_job_file, get_job, job_stdout, list_jobs, submit_job
from skyport_client.errors import ApiError

from tests.conftest import Daemon, running_daemon
from tests.e2e.test_cli import skyport
from tests.e2e.test_jobs import TIMEOUT


@pytest.fixture
def wide(home: Path, tmp_path: Path) -> Iterator[Daemon]:
    """A daemon whose local site lends 6 CPUs: room for all 6 tasks at once, so only a throttle holds them."""
    site = yaml.safe_load((home / "config.yaml").read_text())["sites"][0]
    sites = [{**site, "settings": {**site["settings"], "cpus": 6}}]
    with running_daemon(home, tmp_path / "daemon.log", sites=sites) as daemon:
        yield daemon


def tasks(client: Client, array_id: str) -> list[dict[str, object]]:
    return [job.to_dict() for job in list_jobs.sync(client=client, array=array_id, limit=10000)]


def until_ended(client: Client, array_id: str, seen_running: list[int]) -> list[dict[str, object]]:
    """The array's tasks once all ended; ``seen_running`` gets how many ran at each look."""
    deadline = time.monotonic() + TIMEOUT
    while True:
        now = tasks(client, array_id)
        seen_running.append(sum(task["state"] in ("W", "R", "T") for task in now))
        if now and all(task["state"] in ("F", "E", "C") for task in now):
            return now
        assert time.monotonic() < deadline, [task["state"] for task in now]
        time.sleep(0.1)


def most_at_once(jobs: list[dict[str, object]]) -> int:
    """The most jobs whose [start, end] times overlap at one moment."""
    moments = []
    for job in jobs:
        start = dt.datetime.fromisoformat(str(job["start_time"]).replace("Z", "+00:00")).timestamp()
        end = dt.datetime.fromisoformat(str(job["end_time"]).replace("Z", "+00:00")).timestamp()
        moments += [(start, 1), (end, -1)]
    running = most = 0
    for _, step in sorted(moments):  # an end sorts before a start at the same moment
        running += step
        most = max(most, running)
    return most


def test_an_array_of_6_throttled_to_2_runs_every_task_never_more_than_2_at_once(wide: Daemon, tmp_path: Path) -> None:
    script = tmp_path / "sweep.sh"
    script.write_text('#!/bin/sh\n#SWM array 1-6%2\necho "$SKYPORT_ARRAY_TASK_ID $SLURM_ARRAY_TASK_ID"\nsleep 1\n')
    array_id = skyport(wide, "submit", str(script)).stdout.strip()
    with Client(wide.url, ssl_context=wide.ssl_context()) as client:
        queued = tasks(client, array_id)
        assert sorted(task["array_task_id"] for task in queued) == [1, 2, 3, 4, 5, 6]
        seen: list[int] = []
        held: list[str] = []
        deadline = time.monotonic() + TIMEOUT
        while not held and time.monotonic() < deadline:  # while the first two run, the others say why they wait
            held = [str(t["state_details"]) for t in tasks(client, array_id) if "throttle" in str(t["state_details"])]
        assert held and "at most 2 of its tasks run at once" in held[0]
        ended = until_ended(client, array_id, seen)
        assert [task["state"] for task in ended] == ["F"] * 6, [task["state_details"] for task in ended]
        assert max(seen) <= 2 and most_at_once(ended) <= 2
        logs = {task["array_task_id"]: job_stdout.sync(client=client, job_id=str(task["id"])) for task in ended}
    assert logs == {task: f"{task} {task}\n".encode() for task in range(1, 7)}
    assert skyport(wide, "logs", f"{array_id[:8]}_4").stdout == "4 4\n"
    shown = skyport(wide, "show", f"{array_id[:10]}_3", "--json").stdout
    assert json.loads(shown)["array_task_id"] == 3 and json.loads(shown)["array_id"] == array_id
    summary = skyport(wide, "show", array_id[:8]).stdout
    assert f"Array {array_id} (1-6%2): 6 tasks: 6 finished" in summary
    assert f"{array_id[:8]}_6" in skyport(wide, "jobs").stdout


def test_cancel_by_the_array_id_cancels_the_tasks_not_ended(daemon: Daemon, client: Client) -> None:
    array_id = submit_job.sync(client=client, script_content=b"#!/bin/sh\n#SWM array 0-9%1\nsleep 30\n").decode()
    deadline = time.monotonic() + TIMEOUT
    while not any(task["state"] == "R" for task in tasks(client, array_id)):
        assert time.monotonic() < deadline
        time.sleep(0.1)
    listing = skyport(daemon, "jobs").stdout
    running = next(task["array_task_id"] for task in tasks(client, array_id) if task["state"] == "R")
    assert f"{array_id[:8]}_[" in listing and listing.count(array_id[:8]) == 2, listing  # queued tasks: one row
    assert f"{array_id[:8]}_{running} " in listing
    cancelled = skyport(daemon, "cancel", array_id[:9]).stdout
    assert cancelled == f"array {array_id}: 10 tasks cancelled\n"
    assert {task["state"] for task in tasks(client, array_id)} == {"C"}
    with pytest.raises(ApiError) as again:
        cancel_job.sync(client=client, job_id=array_id)
    assert again.value.status_code == 409 and "all of them ended" in str(again.value.detail)
    with pytest.raises(ApiError) as not_a_job:
        get_job.sync(client=client, job_id=array_id)
    assert not_a_job.value.status_code == 404 and f"?array={array_id}" in str(not_a_job.value.detail)


def test_an_array_survives_a_killed_daemon_and_each_task_runs_once(daemon: Daemon, client: Client) -> None:
    script = b"#!/bin/sh\n#SWM array 1-4%1\n#SWM output runs.txt\nsleep 1\necho $SKYPORT_ARRAY_TASK_ID >> runs.txt\n"
    array_id = submit_job.sync(client=client, script_content=script).decode()
    deadline = time.monotonic() + TIMEOUT
    while not any(task["state"] == "R" for task in tasks(client, array_id)):
        assert time.monotonic() < deadline
        time.sleep(0.05)
    daemon.kill()
    daemon.start()
    with Client(daemon.url, ssl_context=daemon.ssl_context()) as fresh:
        ended = until_ended(fresh, array_id, [])
        runs = {
            task["array_task_id"]: download_job_file.sync(client=fresh, job_id=str(task["id"]), name="runs.txt")
            for task in ended
        }
    assert [task["state"] for task in ended] == ["F"] * 4, [task["state_details"] for task in ended]
    assert runs == {task: f"{task}\n".encode() for task in range(1, 5)}, "a task ran twice or not at all"


def test_an_sbatch_array_script_runs_its_tasks_and_fetches_logs_where_o_and_e_say(
    daemon: Daemon, tmp_path: Path
) -> None:
    script = tmp_path / "slurm.sh"
    script.write_text(
        "#!/bin/sh\n#SBATCH --array=1-5:2 --partition=gpu\n#SBATCH -o logs/run-%A_%a.out -e %x-%3a.err\n"
        "#SBATCH --mail-type=END\n"
        'echo "task $SLURM_ARRAY_TASK_ID of $SLURM_ARRAY_JOB_ID"\necho oops >&2\n'
    )
    submitted = skyport(daemon, "submit", str(script), "--wait")
    array_id = submitted.stdout.splitlines()[0]
    assert submitted.stdout.splitlines()[-1] == "3 tasks: 3 finished"
    listed = json.loads(skyport(daemon, "jobs", array_id[:8], "--json").stdout)
    assert sorted(task["array_task_id"] for task in listed) == [1, 3, 5]
    task = next(task for task in listed if task["array_task_id"] == 3)
    assert task["ignored_directives"] == ["--partition=gpu", "--mail-type=END"]
    assert task["stdout_file"] == f"run-{array_id}_3.out" and task["stderr_file"] == "slurm.sh-003.err"
    assert "Ignored #SBATCH  --partition=gpu, --mail-type=END" in skyport(daemon, "show", task["id"]).stdout
    dest = tmp_path / "results"
    skyport(daemon, "fetch", f"{array_id[:8]}_3", "--dest", str(dest))
    assert (dest / f"run-{array_id}_3.out").read_text() == f"task 3 of {array_id}\n"
    assert (dest / "slurm.sh-003.err").read_text() == "oops\n"


def test_o_without_e_fetches_both_streams_into_one_file(daemon: Daemon, tmp_path: Path) -> None:
    script = tmp_path / "job.sh"
    script.write_text("#!/bin/sh\n#SBATCH --output=%x.%j.log\necho out\necho err >&2\n")
    job_id = skyport(daemon, "submit", str(script), "--wait").stdout.splitlines()[0]
    dest = tmp_path / "results"
    skyport(daemon, "fetch", job_id, "--dest", str(dest))
    assert (dest / f"job.sh.{job_id}.log").read_text() == "out\nerr\n"
    assert sorted(p.name for p in dest.iterdir()) == [f"job.sh.{job_id}.log"]


def test_an_array_past_the_maximum_is_a_400_saying_the_maximum(daemon: Daemon, client: Client, tmp_path: Path) -> None:
    with pytest.raises(ApiError) as refused:
        submit_job.sync(client=client, script_content=b"#!/bin/sh\n#SWM array 0-10000\ntrue\n")
    assert refused.value.status_code == 400
    assert "gives 10001 tasks; an array has at most 10000 tasks" in str(refused.value.detail)
    script = tmp_path / "job.sh"
    script.write_text("#!/bin/sh\ntrue\n")
    bad = skyport(daemon, "submit", str(script), "--array", "5-1", check=False)
    assert bad.returncode == 2 and "--array" in bad.stderr and "'5-1'" in bad.stderr
    assert list_jobs.sync(client=client) == []


def test_export_passes_the_environment_only_when_asked(daemon: Daemon, tmp_path: Path) -> None:
    script = tmp_path / "job.sh"
    script.write_text('#!/bin/sh\necho "${PROJECT:-none} ${TOKEN:-none} $HOME"\n')
    env = {"PROJECT": "alpha", "TOKEN": "s3cret"}
    os.environ.update(env)
    try:
        plain = skyport(daemon, "submit", str(script), "--wait").stdout.splitlines()[0]
        everything = skyport(daemon, "submit", str(script), "--wait", "--export").stdout.splitlines()[0]
        named = skyport(daemon, "submit", "--export=PROJECT", str(script), "--wait").stdout.splitlines()[0]
        missing = skyport(daemon, "submit", "--export=NOT_SET_HERE", str(script), check=False)
        os.environ["TOKEN"] = "x" * 70000
        huge = skyport(daemon, "submit", str(script), "--export", check=False)
    finally:
        for key in env:
            os.environ.pop(key, None)
    assert skyport(daemon, "logs", plain).stdout.split()[:2] == ["none", "none"]
    words = skyport(daemon, "logs", everything).stdout.split()
    assert words[:2] == ["alpha", "s3cret"] and words[2] != os.environ["HOME"]
    assert skyport(daemon, "logs", named).stdout.split()[:2] == ["alpha", "none"]
    assert missing.returncode == 2 and "NOT_SET_HERE is not set here" in missing.stderr
    assert huge.returncode == 2 and "TOKEN" in huge.stderr and "65536" in huge.stderr


def test_jobs_filters_are_served_by_the_api(daemon: Daemon, client: Client, tmp_path: Path) -> None:
    first = submit_job.sync(client=client, script_content=b"#!/bin/sh\n#SWM name alpha\ntrue\n").decode()
    second = submit_job.sync(client=client, script_content=b"#!/bin/sh\n#SWM name beta\nsleep 30\n").decode()
    deadline = time.monotonic() + TIMEOUT
    while get_job.sync(client=client, job_id=first).state != "F":
        assert time.monotonic() < deadline
        time.sleep(0.1)
    assert [job.id for job in list_jobs.sync(client=client, name="alpha")] == [first]
    assert [job.id for job in list_jobs.sync(client=client, name="beta", state=["Q", "R"])] == [second]
    later = (dt.datetime.now(dt.UTC) + dt.timedelta(seconds=5)).isoformat()
    assert [job.id for job in list_jobs.sync(client=client, since=later)] == [second]  # not ended
    listed = skyport(daemon, "jobs", "--name", "alpha", "--json").stdout
    assert [job["id"] for job in json.loads(listed)] == [first]
    with pytest.raises(ApiError) as naive:
        list_jobs.sync(client=client, since="2026-01-01T00:00:00")
    assert naive.value.status_code == 400 and "date-time" in str(naive.value.detail)
    cancel_job.sync(client=client, job_id=second)
