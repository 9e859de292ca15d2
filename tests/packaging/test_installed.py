"""`pip install skyport-hpc` from the built wheels gives a working system, with no source tree anywhere.

A fresh virtual environment in a temporary folder gets the wheels of tests/packaging/conftest.py
(third-party dependencies come from the package index); every command below runs that
environment's `skyport` with the temporary folder as its working directory.
"""

from __future__ import annotations

import json
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import free_port
from tests.packaging.conftest import clean_env, fresh_venv, pip, run

pytestmark = pytest.mark.slow  # builds and installs every distribution

JOB = """#!/bin/sh
#SWM name reverse
#SWM input words.txt
#SWM output reversed.txt
#SWM time 1m
tac words.txt > reversed.txt
echo reversed
"""


@pytest.fixture(scope="module")
def venv(wheelhouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``bin`` of a fresh virtual environment where `pip install skyport-hpc` ran against the wheelhouse."""
    place = tmp_path_factory.mktemp("installed")
    bin_dir = fresh_venv(place / "venv")
    run(pip(bin_dir, "install", "-q", "--find-links", wheelhouse, "skyport-hpc"), place, clean_env())
    return bin_dir


def skyport(venv: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    argv = [str(venv / "skyport"), *args]
    return subprocess.run(argv, check=False, cwd=cwd, env=clean_env(), capture_output=True, text=True, timeout=120)


@pytest.fixture
def daemon(venv: Path, tmp_path: Path) -> Iterator[Path]:
    """A home made by the installed `skyport init`, and its `skyport daemon` running; the home."""
    home = tmp_path / "home"
    done = skyport(venv, tmp_path, "--home", str(home), "init")
    assert done.returncode == 0, done.stderr
    with (tmp_path / "daemon.log").open("wb") as log:
        process = subprocess.Popen(
            [str(venv / "skyport"), "--home", str(home), "daemon", "--port", str(free_port())],
            cwd=tmp_path,
            env=clean_env(),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while not (home / "daemon.url").exists():
            assert process.poll() is None, (tmp_path / "daemon.log").read_text()
            assert time.monotonic() < deadline, (tmp_path / "daemon.log").read_text()
            time.sleep(0.1)
        yield home
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


def test_one_install_brings_the_client_and_the_local_gate_and_not_ruff(venv: Path) -> None:
    listing = run(pip(venv, "list", "--format", "json"), venv, clean_env())
    names = {row["name"].lower() for row in json.loads(listing)}
    assert {"skyport-hpc", "skyport-hpc-client", "skyport-hpc-gate-local"} <= names
    assert not names & {"skyport", "ruff", "skyport-hpc-gate-aws", "skyport-hpc-gate-slurm"}


def test_installed_skyport_runs_a_job_with_an_input_file_and_fetches_its_output(
    venv: Path, daemon: Path, tmp_path: Path
) -> None:
    (tmp_path / "reverse.job").write_text(JOB, encoding="utf-8")
    (tmp_path / "words.txt").write_text("one\ntwo\nthree\n", encoding="utf-8")
    home = ["--home", str(daemon)]
    submitted = skyport(venv, tmp_path, *home, "submit", "reverse.job", "--input", "words.txt", "--wait")
    assert submitted.returncode == 0, submitted.stdout + submitted.stderr
    job_id = submitted.stdout.split()[0]
    assert "finished" in submitted.stdout.lower() or " F" in submitted.stdout, submitted.stdout
    fetched = skyport(venv, tmp_path, *home, "fetch", job_id, "--dest", "results")
    assert fetched.returncode == 0, fetched.stderr
    assert (tmp_path / "results/reversed.txt").read_text(encoding="utf-8") == "three\ntwo\none\n"
    assert (tmp_path / f"results/{job_id}.out").read_text(encoding="utf-8") == "reversed\n"


def test_installed_codegen_refuses_to_write_into_the_installation_and_asks_for_a_root(
    venv: Path, tmp_path: Path
) -> None:
    before = {p for p in venv.parent.rglob("*")}
    refused = skyport(venv, tmp_path, "codegen")
    assert refused.returncode != 0
    assert "--root" in refused.stderr and "installed" in refused.stderr, refused.stderr
    site_packages = next(venv.parent.glob("lib/python3*/site-packages"))
    refused = skyport(venv, tmp_path, "codegen", "--root", str(site_packages))
    assert refused.returncode != 0 and "site-packages" in refused.stderr, refused.stderr
    assert {p for p in venv.parent.rglob("*")} == before
    without_ruff = skyport(venv, tmp_path, "codegen", "--root", str(tmp_path))
    assert without_ruff.returncode == 1 and "pip install 'skyport-hpc[codegen]'" in without_ruff.stderr
