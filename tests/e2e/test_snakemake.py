"""Snakemake through TES: snakemake-executor-plugin-tes 0.1.3 (PyPI) runs a two-rule workflow on a
real daemon, the second rule reading the first's output from S3 (a moto server process).

What the plugin asks for, and how the test gives it:

- It pins py-tes < 0.5 (0.4.2, which imports ``six`` without declaring it) and Snakemake 8, so
  Snakemake runs from a venv of its own, made once by the test set-up in the test cache
  (``SKYPORT_TEST_CACHE``, default ~/.cache/skyport-tests) with the versions below.
- It assumes no shared file system: a default storage provider is required, here S3 on the moto
  server (snakemake-storage-plugin-s3 0.2, the last for Snakemake 8's storage interface 3).
- Each task runs ``/bin/bash /tmp/run_snakemake.sh``, which ``pip install``s the storage plugin
  (from the package index: the first run needs it reachable) and runs ``python -m snakemake`` in
  the image. The local site runs the image ``snakemake/snakemake:*`` on the host
  (``host_images``, sandboxed) with the venv read-only, and ``--envvars PATH`` puts the venv's
  ``bin`` first on the task's PATH.
- py-tes 0.4.2 adds ``/v1`` to the URL it is given, so ``--tes-url`` is the daemon's ``/ga4gh/tes``.
- On a task in error it reads ``$GITHUB_WORKSPACE/funnel.log`` (debugging code left in 0.1.3):
  the test gives it an empty one, so a failed task reports as a failed job rather than a KeyError.
- It waits 40 s before it first asks for a task's state (``init_seconds_before_status_checks``),
  for each job, so the run takes about two minutes: the test is ``slow``, bounded by RUN_TIMEOUT.
"""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from skyport_client import Client

from gates.aws.tests.aws_support import aws_client
from skyport import pki
from tests.conftest import PYTHON, TEST_USERS, make_home, running_daemon
from tests.e2e.test_tokens import new_token

pytestmark = pytest.mark.slow

PACKAGES = [
    "snakemake==8.30.0",
    "snakemake-executor-plugin-tes==0.1.3",
    "py-tes==0.4.2",
    "six",
    "snakemake-storage-plugin-s3==0.2.13",
    "snakemake-interface-storage-plugins==3.5.0",
]
CACHE = Path(os.environ.get("SKYPORT_TEST_CACHE", Path.home() / ".cache" / "skyport-tests")) / "snakemake-8.30.0"
RUN_TIMEOUT = 600  # seconds for the whole workflow
BUCKET = "snakemake-work"
SNAKEFILE = """\
rule all:
    input: "b.txt"

rule a:
    output: "a.txt"
    shell: "echo hello from rule a > {output}"

rule b:
    input: "a.txt"
    output: "b.txt"
    shell: "tr a-z A-Z < {input} > {output}"
"""


@pytest.fixture(scope="session")
def snakemake_venv() -> Path:
    """A venv with Snakemake 8 and the TES plugin, made once into the test cache."""
    CACHE.parent.mkdir(parents=True, exist_ok=True)
    with (CACHE.parent / "snakemake.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another test worker may be making it right now
        if not (CACHE / "done").exists():
            subprocess.run([sys.executable, "-m", "venv", "--clear", str(CACHE)], check=True)
            install = [str(CACHE / "bin" / "python"), "-m", "pip", "install", "--quiet", *PACKAGES]
            if subprocess.run(install, check=False, capture_output=True).returncode != 0:
                pytest.skip(f"Snakemake and its TES plugin cannot be installed here (pip install {' '.join(PACKAGES)})")
            (CACHE / "done").touch()
    return CACHE


def test_snakemake_runs_a_two_rule_workflow_through_tes_with_s3_between_the_rules(
    snakemake_venv: Path, moto_server: str, tmp_path: Path
) -> None:
    aws_client("s3", moto_server).create_bucket(Bucket=BUCKET)
    home = make_home(tmp_path / "home")
    config = yaml.safe_load((home / "config.yaml").read_text())
    (home / "config.yaml").write_text(yaml.safe_dump({**config, "owner": "alice"}))
    settings = {"cpus": 2, "mem": 2048, "users": TEST_USERS, "read_only": [*PYTHON, str(snakemake_venv)]}
    settings |= {"host_images": ["snakemake/snakemake:*"], "container_runtime": "none"}
    workflow = tmp_path / "workflow"
    workflow.mkdir()
    (workflow / "Snakefile").write_text(SNAKEFILE)
    (tmp_path / "funnel.log").touch()
    with running_daemon(
        home, tmp_path / "daemon.log", sites=[{"name": "local", "kind": "local", "settings": settings}]
    ) as d:
        with Client(d.url, ssl_context=d.ssl_context()) as client:
            token = new_token(client)
        env = {
            **os.environ,
            "PATH": f"{snakemake_venv / 'bin'}:/usr/local/bin:/usr/bin:/bin",
            "REQUESTS_CA_BUNDLE": str(home / pki.CA_CERT),
            "GITHUB_WORKSPACE": str(tmp_path),
        }
        command = ["snakemake", "--executor", "tes", "--tes-url", f"{d.url}/ga4gh/tes", "--tes-token", token]
        command += ["--jobs", "1", "--container-image", "snakemake/snakemake:v8.30.0", "--envvars", "PATH"]
        command += ["--default-storage-provider", "s3", "--default-storage-prefix", f"s3://{BUCKET}"]
        command += ["--storage-s3-endpoint-url", moto_server, "--storage-s3-access-key", "testing"]
        command += ["--storage-s3-secret-key", "testing"]
        run = subprocess.run(
            command, cwd=workflow, env=env, capture_output=True, text=True, timeout=RUN_TIMEOUT, check=False
        )
        jobs = subprocess.run(
            [sys.executable, "-m", "skyport", "jobs", "--all"],
            env={**os.environ, "SKYPORT_HOME": str(home), "SKYPORT_URL": d.url},
            capture_output=True,
            text=True,
            check=True,
        ).stdout

    assert run.returncode == 0, run.stderr[-4000:]
    assert "3 of 3 steps (100%) done" in run.stderr
    body = aws_client("s3", moto_server).get_object(Bucket=BUCKET, Key="b.txt")["Body"].read()
    assert body == b"HELLO FROM RULE A\n"
    assert "snakejob.a" in jobs and "snakejob.b" in jobs and jobs.count("F finished") == 2
