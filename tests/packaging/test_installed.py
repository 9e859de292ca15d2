"""`pip install skyport-hpc` from the built wheels gives a working system, with no source tree anywhere.

A fresh virtual environment in a temporary folder gets the wheels of tests/packaging/conftest.py
(third-party dependencies come from the package index); every command below runs that
environment's `skyport`, directly or through scripts/smoke, in a temporary working directory.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.debian import bubblewrap
from tests.packaging.conftest import ROOT, clean_env, fresh_venv, pip, run

pytestmark = pytest.mark.slow  # builds and installs every distribution


@pytest.fixture(scope="session")  # built once: a module scope was set up again when the tests interleaved
def venv(wheelhouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``bin`` of a fresh virtual environment where `pip install skyport-hpc` ran against the wheelhouse."""
    place = tmp_path_factory.mktemp("installed")
    bin_dir = fresh_venv(place / "venv")
    run(pip(bin_dir, "install", "-q", "--find-links", wheelhouse, "skyport-hpc"), place, clean_env())
    return bin_dir


def skyport(venv: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    argv = [str(venv / "skyport"), *args]
    return subprocess.run(argv, check=False, cwd=cwd, env=clean_env(), capture_output=True, text=True, timeout=120)


def test_one_install_brings_the_client_and_the_local_gate_and_not_ruff(venv: Path) -> None:
    listing = run(pip(venv, "list", "--format", "json"), venv, clean_env())
    names = {row["name"].lower() for row in json.loads(listing)}
    assert {"skyport-hpc", "skyport-hpc-client", "skyport-hpc-gate-local"} <= names
    gates = {"skyport-hpc-gate-aws", "skyport-hpc-gate-azure", "skyport-hpc-gate-openstack", "skyport-hpc-gate-slurm"}
    assert not names & {"skyport", "ruff", *gates}


def test_installed_skyport_runs_a_job_with_an_input_file_and_fetches_its_output(venv: Path, tmp_path: Path) -> None:
    """scripts/smoke's daemon part (cibuildwheel runs it on every wheel): init, daemon, submit --wait, fetch."""
    bubblewrap()  # the default config's local site sandboxes jobs with it
    env = {**clean_env(), "PATH": f"{venv}{os.pathsep}{os.environ['PATH']}"}
    smoke = subprocess.run(
        [str(ROOT / "scripts/smoke"), "daemon"],
        check=False,
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert smoke.returncode == 0, smoke.stdout + smoke.stderr
    assert "smoke: daemon ok" in smoke.stdout


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
