"""A TES task as a job: the script it becomes, run by /bin/sh, and the task states read from job states."""

from __future__ import annotations

import dataclasses
import subprocess
import urllib.parse
from pathlib import Path
from typing import Any

import pytest

from skyport.errors import BadRequest, Forbidden
from skyport.jobs import script as scripts
from skyport.jobs.record import Job
from skyport.jobs.script import JobRequest
from skyport.jobs.states import JobState
from skyport.tes import task as tasks
from skyport.tes.states import JOB_STATES, TaskState, task_state
from skyport.tes.storage import Storage, _allowed_prefix, _under
from skyport.tes.views import parse_executor_log


def run_locally(task: dict[str, Any], tmp_path: Path) -> tuple[subprocess.CompletedProcess[str], Path]:
    """Run the task's script with its container paths moved under tmp_path/root (no sandbox needed)."""
    root = tmp_path / "root"
    work = tmp_path / "work"
    work.mkdir()
    text = tasks.plan(task).script
    for volume in scripts.parse(text).volumes:
        text = text.replace(f"'{volume}", f"'{root}{volume}").replace(f" {volume}", f" {root}{volume}")
    done = subprocess.run(["/bin/sh", "-c", text], cwd=work, capture_output=True, text=True, check=False)
    return done, work


def listing(archive: Path) -> str:
    return subprocess.run(["tar", "-tf", archive], capture_output=True, text=True, check=True).stdout


def test_the_script_declares_the_image_volumes_resources_and_every_file_it_hands_back() -> None:
    task = {
        "name": "align/sample 1",
        "resources": {"cpu_cores": 4, "ram_gb": 1.5, "zones": ["local"], "backend_parameters": {"Time": "2h"}},
        "inputs": [{"path": "/data/in.txt", "content": "x"}],
        "outputs": [{"path": "/results/out", "url": "s3://b/o", "type": "DIRECTORY"}],
        "volumes": ["/scratch/a"],
        "executors": [{"image": "ubuntu:22.04", "command": ["true"], "stdout": "/tmp/log/out.txt"}],
    }

    request = scripts.parse(tasks.plan(task).script)

    assert request.name == "align_sample 1"
    assert (request.cpus, request.mem, request.sites, request.time_limit) == (4, 1536, ("local",), 7200)
    assert request.run_in == "ubuntu:22.04"
    assert request.volumes == ("/data", "/results", "/scratch")  # /tmp is the job's own
    assert set(request.outputs) == {"tes-stdout-0", "tes-stderr-0", "tes-executors", "tes-output-0"}


def test_executors_run_in_order_and_the_first_failure_stops_the_rest(tmp_path: Path) -> None:
    task = {
        "executors": [
            {"image": "i", "command": ["sh", "-c", "echo one; echo err >&2"], "env": {"X": "it's $HOME"}},
            {"image": "i", "command": ["sh", "-c", 'echo "$X"; exit 5'], "env": {"X": "it's $HOME"}},
            {"image": "i", "command": ["sh", "-c", "echo never"]},
        ]
    }

    done, work = run_locally(task, tmp_path)

    assert done.returncode == 5
    runs = parse_executor_log((work / tasks.EXECUTORS_LOG).read_text())
    assert [(run.index, run.exit_code) for run in runs] == [(0, 0), (1, 5)]
    assert (work / "tes-stdout-0").read_text() == "one\n"
    assert (work / "tes-stderr-0").read_text() == "err\n"
    assert (work / "tes-stdout-1").read_text() == "it's $HOME\n"  # passed as it is, never expanded


def test_outputs_wildcards_and_folders_are_collected_as_tar_archives(tmp_path: Path) -> None:
    task = {
        "outputs": [
            {"path": "/out/a b.txt", "url": "s3://b/a"},
            {"path": "/out/*.log", "path_prefix": "/out", "url": "s3://b/logs"},
            {"path": "/out", "url": "s3://b/all", "type": "DIRECTORY"},
            {"path": "/out/missing", "url": "s3://b/m"},
        ],
        "executors": [{"image": "i", "command": ["sh", "-c", "echo a > '/out/a b.txt'; echo 1 > /out/1.log"]}],
    }
    task["executors"][0]["command"][2] = task["executors"][0]["command"][2].replace("/out", f"{tmp_path}/root/out")
    (tmp_path / "root" / "out").mkdir(parents=True)

    done, work = run_locally(task, tmp_path)

    assert done.returncode == 0, done.stderr
    assert (work / "tes-output-0").read_text() == "a\n"
    assert "1.log" in listing(work / "tes-output-1")
    assert "a b.txt" in listing(work / "tes-output-2")
    assert not (work / "tes-output-3").exists()


@pytest.mark.parametrize(
    ("task", "says"),
    [
        ({"executors": [{"image": "a", "command": ["x"]}, {"image": "b", "command": ["x"]}]}, "same image"),
        ({"inputs": [{"path": "/f", "content": ""}], "executors": [{"image": "a", "command": ["x"]}]}, "directly in /"),
        ({"volumes": ["/v/../etc"], "executors": [{"image": "a", "command": ["x"]}]}, "'..'"),
        ({"executors": [{"image": "a", "command": ["x"], "env": {"1X": ""}}]}, "environment variable"),
        (
            {"outputs": [{"path": "/o/*", "url": "s3://b/o"}], "executors": [{"image": "a", "command": ["x"]}]},
            "path_prefix",
        ),
        ({"executors": [{"image": "a", "command": ["sh", "-c", "true\n#SWM cpus 64\n"]}]}, "'#SWM cpus 64'"),
        ({"executors": [{"image": "a", "command": ["x"], "stdout": "/o/a\n#SBATCH -c 8"}]}, "#SBATCH -c 8"),
        ({"inputs": [{"path": "/d/.", "content": ""}], "executors": [{"image": "a", "command": ["x"]}]}, "'.'"),
    ],
)
def test_what_cannot_run_is_refused_naming_it(task: dict[str, Any], says: str) -> None:
    with pytest.raises(BadRequest, match=says):
        tasks.plan(task)


def job(state: JobState, **fields: Any) -> Job:
    return dataclasses.replace(Job("j", "alice", "", JobRequest(), 0.0), state=state, **fields)


@pytest.mark.parametrize(
    ("the_job", "failed", "delivered", "expected"),
    [
        (job(JobState.QUEUED), False, None, TaskState.QUEUED),
        (job(JobState.WAITING), False, None, TaskState.INITIALIZING),
        (job(JobState.RUNNING), False, None, TaskState.RUNNING),
        (job(JobState.TRANSFERRING), False, None, TaskState.RUNNING),
        (job(JobState.FINISHED), False, None, TaskState.RUNNING),
        (job(JobState.FINISHED), False, True, TaskState.COMPLETE),
        (job(JobState.FINISHED), False, False, TaskState.SYSTEM_ERROR),
        (job(JobState.ERROR), True, None, TaskState.EXECUTOR_ERROR),
        (job(JobState.ERROR), False, None, TaskState.SYSTEM_ERROR),
        (job(JobState.CANCELLED, site="local"), False, None, TaskState.CANCELING),
        (job(JobState.CANCELLED, site="local", gate_done=True), False, None, TaskState.CANCELED),
        (job(JobState.CANCELLED), False, None, TaskState.CANCELED),
    ],
)
def test_task_states_from_job_states_and_back(
    the_job: Job, failed: bool, delivered: bool | None, expected: TaskState
) -> None:
    state = task_state(the_job, executor_failed=failed, delivered=delivered)

    assert state == expected
    assert the_job.state in JOB_STATES[state]  # the filter by state finds it


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://data.example/pub/x.txt", True),
        ("https://data.example/pub", False),  # the prefix is the folder /pub/
        ("https://data.example/public/x", False),
        ("https://data.example/pub/../etc", False),
        ("https://data.example/pub/%2e%2e/etc", False),
        ("https://data.example.evil/pub/x", False),
        ("https://user@data.example/pub/x", False),
        ("https://data.example:8443/pub/x", False),
        ("http://data.example/pub/x", False),
    ],
)
def test_http_inputs_are_allowed_under_a_prefix_only(url: str, allowed: bool) -> None:
    assert _under(urllib.parse.urlsplit(url), _allowed_prefix("https://data.example/pub/")) is allowed


def test_files_on_the_host_are_the_owners_alone_and_other_schemes_are_named() -> None:
    storage = Storage(owner="alice", max_size=10)

    storage.check("alice", "file:///srv/data/f", "input")
    with pytest.raises(Forbidden, match=r"only the daemon's owner \(alice\)"):
        storage.check("bob", "file:///srv/data/f", "input")
    with pytest.raises(BadRequest, match="reaches file://, s3://"):
        storage.check("alice", "gs://b/k", "input")
    with pytest.raises(BadRequest, match="s3://BUCKET/KEY"):
        storage.check("alice", "s3://bucket-only", "output", output=True)


def test_buckets_are_the_owners_and_those_listed_for_everyone() -> None:
    storage = Storage(owner="alice", max_size=10, s3_buckets=["shared"])

    storage.check("alice", "s3://private/k", "input")
    storage.check("bob", "s3://shared/k", "output", output=True)
    with pytest.raises(Forbidden, match="bucket private, which the daemon's owner does not list in tes_s3_buckets"):
        storage.check("bob", "s3://private/k", "input")
    with pytest.raises(Forbidden, match="tes_s3_buckets"):
        storage.fetch("bob", "s3://private/k", directory=False)
