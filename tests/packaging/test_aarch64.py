"""The aarch64 wheel, cross-built from the sdist with Debian's toolchain, runs a daemon job under qemu.

This is scripts/wheels-aarch64 in its bounded form (the daemon part of scripts/smoke; the
scheduler's tests under emulation take several more minutes: run `scripts/wheels-aarch64
scheduler` for them). It installs Debian's cross compiler and qemu-user-static with apt-get, so it
needs root, as the tests have here and in CI.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.packaging.conftest import ROOT, clean_env

pytestmark = pytest.mark.slow  # cross-builds, then starts a daemon under emulation


def test_cross_built_aarch64_wheel_runs_a_job_under_qemu(tmp_path: Path) -> None:
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        pytest.skip("needs root and apt-get for Debian's aarch64 toolchain and qemu-user-static")
    env = {**clean_env(), "PYTHON": sys.executable, "TMPDIR": str(tmp_path)}
    done = subprocess.run(
        [str(ROOT / "scripts/wheels-aarch64"), "daemon"],
        check=False,
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=1500,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "smoke: daemon ok" in done.stdout
    assert list((ROOT / "dist/aarch64").glob("skyport_hpc-*-cp311-cp311-linux_aarch64.whl"))
