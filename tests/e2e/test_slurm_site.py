"""A job on a Slurm site, from `skyport submit` to its result, through a real daemon and a real Slurm.

The daemon mounts the slurm gate for a site on a one-node Slurm (Debian's slurm-wlm) that the
tests start (gates/slurm/tests/slurm_support.py); the job is an sbatch batch job there.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from gates.slurm.tests.slurm_support import TMP_DISK
from tests.conftest import Daemon, running_daemon
from tests.e2e.test_cli import skyport

pytestmark = pytest.mark.slurm


@pytest.fixture
def slurm_daemon(home: Path, tmp_path: Path, slurm_gate_settings: dict[str, Any]) -> Iterator[Daemon]:
    site = {key: value for key, value in slurm_gate_settings.items() if key not in ("name", "state_dir")}
    with running_daemon(home, tmp_path / "daemon.log", [{"name": "lab", "kind": "slurm", "settings": site}]) as d:
        yield d


def test_a_job_with_an_input_file_runs_as_a_slurm_batch_job(slurm_daemon: Daemon, tmp_path: Path) -> None:
    script = tmp_path / "count.job"
    script.write_text(
        "#!/bin/sh\n#SWM name count\n#SWM input words.txt\n#SWM output count.txt\n#SWM cpus 2\n#SWM time 5m\n"
        'wc -l < words.txt > count.txt\necho "on slurm job $SLURM_JOB_ID"\n'
    )
    (tmp_path / "words.txt").write_text("a\nb\nc\nd\n")

    job = json.loads(skyport(slurm_daemon, "--json", "submit", str(script), "--wait", check=False).stdout)

    assert job["state"] == "F", job["state_details"]
    assert (job["remote_name"], job["flavor_name"]) == ("lab", "debug")
    assert skyport(slurm_daemon, "logs", job["id"]).stdout.startswith("on slurm job ")
    skyport(slurm_daemon, "fetch", job["id"], "--dest", str(tmp_path / "out"))
    assert (tmp_path / "out" / "count.txt").read_text().strip() == "4"
    flavors = json.loads(skyport(slurm_daemon, "--json", "flavors").stdout)
    assert [(f["name"], f["cpus"]) for f in flavors] == [("debug", 2)]


def test_a_request_larger_than_the_clusters_nodes_is_refused_at_submit(slurm_daemon: Daemon, tmp_path: Path) -> None:
    script = tmp_path / "big.job"
    script.write_text("#!/bin/sh\n#SWM cpus 64\ntrue\n")
    deadline = time.monotonic() + 30
    while not json.loads(skyport(slurm_daemon, "--json", "flavors").stdout):  # the site answers soon after start
        assert time.monotonic() < deadline, "the slurm site never answered the daemon"
        time.sleep(0.1)
    result = skyport(slurm_daemon, "submit", str(script), check=False)
    assert result.returncode == 1
    assert "64 cpus" in result.stderr


def test_an_sbatch_array_script_runs_each_task_as_a_batch_job_seeing_its_task_id(
    slurm_daemon: Daemon, tmp_path: Path
) -> None:
    script = tmp_path / "array.job"
    script.write_text(
        "#!/bin/sh\n#SBATCH --array=1-3%2 -o task-%a.out\n"
        'echo "task $SLURM_ARRAY_TASK_ID of $SLURM_ARRAY_JOB_ID, slurm job $SLURM_JOB_ID"\n'
    )
    submitted = skyport(slurm_daemon, "submit", str(script), "--wait", check=False)
    array_id = submitted.stdout.splitlines()[0]
    assert submitted.returncode == 0 and submitted.stdout.splitlines()[-1] == "3 tasks: 3 finished", submitted.stdout
    for task in (1, 2, 3):
        skyport(slurm_daemon, "fetch", f"{array_id}_{task}", "--dest", str(tmp_path / "out"))
        line = (tmp_path / "out" / f"task-{task}.out").read_text()
        assert line.startswith(f"task {task} of {array_id}, slurm job "), line


def test_usage_shows_the_largest_memory_a_slurm_job_held_as_sacct_recorded_it(
    slurm_daemon: Daemon, tmp_path: Path
) -> None:
    """The cluster's accounting (slurmdbd, memory gathered every second) records MaxRSS; the gate reads
    it from sacct once the job has ended, and `skyport usage` shows it."""
    script = tmp_path / "fill.job"
    fills = "python3 -c 'import time; block = b\"x\" * (50 * 1024 * 1024); time.sleep(3)'"
    script.write_text(f"#!/bin/sh\n{fills}\n")
    job = json.loads(skyport(slurm_daemon, "--json", "submit", str(script), "--wait", check=False).stdout)
    assert job["state"] == "F", job
    [record] = json.loads(skyport(slurm_daemon, "--json", "usage").stdout)
    assert 50 * 2**20 <= record.get("max_rss", 0) < 200 * 2**20, record
    assert f"{record['max_rss'] / 2**20:.1f}M" in skyport(slurm_daemon, "usage").stdout


def test_disk_asked_for_beyond_the_nodes_tmp_disk_is_refused_and_within_it_runs(
    slurm_daemon: Daemon, tmp_path: Path
) -> None:
    """The node has TmpDisk (TMP_DISK MiB): the site offers it as its flavor's disk, a job asking for more is
    refused at submit naming it, and one within it runs with sbatch --tmp."""
    flavors = json.loads(skyport(slurm_daemon, "--json", "flavors").stdout)
    assert [(f["name"], f["storage"]) for f in flavors] == [("debug", TMP_DISK)]
    big, small = tmp_path / "big.job", tmp_path / "small.job"
    big.write_text(f"#!/bin/sh\n#SWM storage {TMP_DISK + 1}M\ntrue\n")
    small.write_text("#!/bin/sh\n#SBATCH --tmp=512M\necho fits\n")
    refused = skyport(slurm_daemon, "submit", str(big), check=False)
    assert refused.returncode == 1 and "the most offered is 1 GB disk" in refused.stderr, refused.stderr
    job = json.loads(skyport(slurm_daemon, "--json", "submit", str(small), "--wait", check=False).stdout)
    assert job["state"] == "F", job
    assert skyport(slurm_daemon, "logs", job["id"]).stdout == "fits\n"
